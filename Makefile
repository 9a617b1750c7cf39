# szfin — one GNU Makefile.
#   make            build the szfin binary (build/release/szfin)
#   make run        install what is missing, build, start the platform with demo data
#   make test       install, build, run every suite; ends with "N passed, N failed"
#   make bench      benchmarks with the PostgreSQL baseline
#   make fuzz       run each fuzz harness for FUZZ_SECONDS
#   SANITIZE=1      build with AddressSanitizer and UndefinedBehaviorSanitizer
#   SANITIZE=thread build with ThreadSanitizer (the engine's two threads)
.DEFAULT_GOAL := all
.PHONY: all deps run test unit bench fuzz lint coverage clean

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
MODE := asan
OPT := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifeq ($(SANITIZE),thread)
MODE := tsan
OPT := -O1 -fsanitize=thread -fno-omit-frame-pointer
else
MODE := release
OPT := -O2
endif
ifeq ($(COVERAGE),1)
MODE := coverage
OPT := -O0 --coverage
endif

CC ?= cc
BUILD := build/$(MODE)
CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wvla -Wno-format-truncation -g $(OPT) -Iinclude -Isrc -I/usr/include/postgresql -MMD -MP
LDLIBS := -lmicrohttpd -ljansson -lsodium -lcurl -linih -lsqlite3 -lpq -lpthread -lm
LDFLAGS := $(OPT)

LIB_SRC := $(sort $(filter-out src/cli/%,$(wildcard src/*/*.c)))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
E2E_SRC := $(sort $(wildcard tests/e2e/*_test.c))
BENCH_SRC := $(sort $(wildcard bench/*_bench.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libszfin.a
BIN := $(BUILD)/szfin
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
E2E_BIN := $(E2E_SRC:tests/e2e/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)

all: $(BIN) $(UNIT_BIN) $(E2E_BIN) $(BENCH_BIN)

deps:
	@bash scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -Itests/unit -o $@ $< $(LIB) -lcmocka $(LDLIBS)

$(BUILD)/tests/%_test: tests/e2e/%_test.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -Itests/unit -o $@ $< $(LIB) -lcmocka $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# Fuzz harnesses: libFuzzer with clang. The library is compiled once more
# with the fuzzer's coverage instrumentation and the sanitizers.
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude -Isrc -I/usr/include/postgresql -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJ := $(LIB_SRC:%.c=build/fuzz/obj/%.o)
build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@
build/fuzz/libszfin.a: $(FUZZ_OBJ)
	@rm -f $@
	ar rcs $@ $^
build/fuzz/%: fuzz/%.c build/fuzz/libszfin.a
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/libszfin.a $(LDLIBS)

run: deps
	@$(MAKE) $(JOBS) --no-print-directory $(BIN)
	@bash scripts/run.sh $(BIN)

JOBS := -j$(shell nproc)

test: deps
	@$(MAKE) $(JOBS) --no-print-directory all
	@$(MAKE) $(JOBS) --no-print-directory SANITIZE=1 unit-bins
	@$(MAKE) $(JOBS) --no-print-directory SANITIZE=thread build/tsan/tests/test_engine
	@$(MAKE) $(JOBS) --no-print-directory fuzz-bins
	@bash tests/run.sh

unit-bins: $(UNIT_BIN) $(BIN)
fuzz-bins: $(FUZZ_BIN)

bench: deps
	@$(MAKE) $(JOBS) --no-print-directory all
	@bash bench/run.sh $(BUILD)

FUZZ_SECONDS ?= 60
SIM_CYCLES_LONG ?= 3000
fuzz: deps fuzz-bins
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p fuzz/corpus/$$n; \
		$$f -max_total_time=$(FUZZ_SECONDS) fuzz/corpus/$$n || exit 1; done
	@$(MAKE) $(JOBS) --no-print-directory $(BUILD)/tests/test_sim_power_cut
	SZFIN_SIM_CYCLES=$(SIM_CYCLES_LONG) $(BUILD)/tests/test_sim_power_cut

lint: deps
	cppcheck --quiet --error-exitcode=1 --std=c11 -Iinclude -Isrc --suppress=missingIncludeSystem src

coverage: deps
	@$(MAKE) --no-print-directory COVERAGE=1 all
	@BUILD_MODE=coverage bash tests/run.sh
	gcov -o build/coverage/src $(LIB_SRC) >/dev/null 2>&1 || true

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d)
