# szfin — one GNU Makefile.
#   make            build the szfin binary (build/release/szfin)
#   make run        install what is missing, build, start the platform with demo data
#   make test       install, build, run every suite; ends with "N passed, N failed"
#   make bench      benchmarks with the PostgreSQL baseline (SCALE=1: the scale run alone)
#   make fuzz       run each fuzz harness for FUZZ_SECONDS
#   SANITIZE=1      build with AddressSanitizer and UndefinedBehaviorSanitizer
#   SANITIZE=thread build with ThreadSanitizer (the engine's two threads)
.DEFAULT_GOAL := all
.PHONY: all web-vendor deps deps-test install run test unit bench fuzz lint coverage clean unit-bins fuzz-bins determinism-bins

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
# DETERMINISM=clang: the second build of tests/determinism.sh, another
# compiler and optimisation level with floating-point contraction off. Its
# warnings are shown but not fatal: the gcc build is the one that gates them.
ifeq ($(DETERMINISM),clang)
CC := clang
MODE := clang-O1
OPT := -O1 -ffp-contract=off -Wno-error
endif

CC ?= cc
BUILD := build/$(MODE)
NO_TRUNCATION_WARNING := $(if $(findstring clang,$(CC)),,-Wno-format-truncation)
CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wvla $(NO_TRUNCATION_WARNING) -g $(OPT) -Iinclude -Isrc -MMD -MP
LDLIBS := -lmicrohttpd -ljansson -lsodium -lcurl -linih -licui18n -licuuc -lpthread -lm
# snapshot chunk checksums (src/log/snapshot.c): XXH3-128 from Debian's libxxhash-dev
LDLIBS += -lxxhash
LDFLAGS := $(OPT)

# Every module is in the library; the program is the composition root's
# main (src/app/main.c), so tests link exactly what the program runs.
MAIN_SRC := src/app/main.c
# The boosted challenger's trainer (libxgboost) is its own program, outside the library.
BOOST_SRC := src/credit/boost_train.c src/credit/cli_boost.c
LIB_SRC := $(sort $(filter-out $(MAIN_SRC) $(BOOST_SRC),$(wildcard src/*/*.c)))
CLI_SRC := $(MAIN_SRC)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
E2E_SRC := $(sort $(wildcard tests/e2e/*_test.c))
BENCH_SRC := $(sort $(wildcard bench/*_bench.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB := $(BUILD)/libszfin.a
BIN := $(BUILD)/szfin
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
E2E_BIN := $(E2E_SRC:tests/e2e/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

BOOST_BIN := $(BUILD)/szfin-credit-boost

all: $(BIN) $(BOOST_BIN) $(UNIT_BIN) $(E2E_BIN) $(BENCH_BIN) $(TOOL_BIN) web-vendor

# The dashboard's libraries, installed from npm by scripts/deps.sh (npm ci)
# and copied into build/web/vendor/, which `szfin serve` serves as
# /web/vendor/ (src/api/vendor.h). Never committed. Skipped with a note when
# node_modules is absent (a build without the dashboard).
WEB_VENDOR := build/web/vendor
WEB_VENDOR_FILES := echarts/dist/echarts.min.js swagger-ui-dist/swagger-ui-bundle.js \
	swagger-ui-dist/swagger-ui.css
web-vendor:
	@if [ -d node_modules/echarts ] && [ -d node_modules/swagger-ui-dist ]; then \
		mkdir -p $(WEB_VENDOR) && for f in $(WEB_VENDOR_FILES); do \
		cmp -s node_modules/$$f $(WEB_VENDOR)/$$(basename $$f) || cp node_modules/$$f $(WEB_VENDOR)/; done; \
	else echo "web-vendor: node_modules missing (bash scripts/deps.sh installs it); the dashboard has no charts or API reference"; fi

deps:
	@bash scripts/deps.sh run

deps-test:
	@bash scripts/deps.sh test

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

$(BUILD)/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# The PostgreSQL baseline of make bench is the only user of libpq.
$(BUILD)/bench/pg_bench: bench/pg_bench.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -I/usr/include/postgresql -o $@ $< $(LIB) -lpq $(LDLIBS)

# libxgboost (a test-time package, scripts/deps.sh) is linked only into the
# challenger's trainer and the credit benchmark, never into szfin.
$(BOOST_BIN): $(BOOST_SRC:%.c=$(BUILD)/%.o) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ -lxgboost $(LDLIBS)
$(BUILD)/bench/credit_bench: bench/credit_bench.c $(BUILD)/src/credit/boost_train.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ -lxgboost $(LDLIBS)

# Fuzz harnesses: libFuzzer with clang. The library is compiled once more
# with the fuzzer's coverage instrumentation and the sanitizers.
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude -Isrc -fsanitize=fuzzer-no-link,address,undefined
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
	@$(MAKE) $(JOBS) --no-print-directory $(BIN) web-vendor
	@bash scripts/run.sh $(BIN)

JOBS := -j$(shell nproc)

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the binary, its data
# files (share/), the web page and API reference, the systemd unit, and the
# example settings and monitoring files as documentation. The binary finds
# web/ and share/ at PREFIX/share/szfin (see src/api/serve.c).
PREFIX ?= /usr/local
SYSTEMD_UNIT_DIR ?= $(PREFIX)/lib/systemd/system
install: $(BIN) web-vendor
	install -d -m 0755 $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/szfin/docs \
		$(DESTDIR)$(PREFIX)/share/doc/szfin $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/szfin
	cp -R share/. $(DESTDIR)$(PREFIX)/share/szfin/
	cp -R web $(DESTDIR)$(PREFIX)/share/szfin/
	if [ -d $(WEB_VENDOR) ]; then cp -R $(WEB_VENDOR) $(DESTDIR)$(PREFIX)/share/szfin/web/; fi
	install -m 0644 docs/openapi.yaml $(DESTDIR)$(PREFIX)/share/szfin/docs/openapi.yaml
	sed 's#/usr/bin/szfin#$(PREFIX)/bin/szfin#' packaging/szfin.service >$(DESTDIR)$(SYSTEMD_UNIT_DIR)/szfin.service
	install -m 0644 packaging/szfin.ini $(DESTDIR)$(PREFIX)/share/doc/szfin/szfin.ini.example
	install -m 0644 packaging/prometheus-alerts.yml packaging/grafana-dashboard.json docs/operations.md \
		$(DESTDIR)$(PREFIX)/share/doc/szfin/

test: deps-test
	@$(MAKE) $(JOBS) --no-print-directory all
	@$(MAKE) $(JOBS) --no-print-directory SANITIZE=1 unit-bins
	@$(MAKE) $(JOBS) --no-print-directory SANITIZE=thread build/tsan/tests/test_engine
	@$(MAKE) $(JOBS) --no-print-directory fuzz-bins
	@$(MAKE) $(JOBS) --no-print-directory DETERMINISM=clang determinism-bins
	@bash tests/run.sh

unit-bins: $(UNIT_BIN) $(BIN)
determinism-bins: $(TOOL_BIN) $(BIN)
fuzz-bins: $(FUZZ_BIN)

bench: deps-test
	@$(MAKE) $(JOBS) --no-print-directory all
	@SCALE=$(SCALE) SCALE_STEPS=$(SCALE_STEPS) bash bench/run.sh $(BUILD)

FUZZ_SECONDS ?= 60
SIM_CYCLES_LONG ?= 3000
fuzz: deps-test fuzz-bins
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p fuzz/corpus/$$n; \
		$$f -max_total_time=$(FUZZ_SECONDS) fuzz/corpus/$$n || exit 1; done
	@$(MAKE) $(JOBS) --no-print-directory $(BUILD)/tests/test_sim_power_cut
	SZFIN_SIM_CYCLES=$(SIM_CYCLES_LONG) $(BUILD)/tests/test_sim_power_cut

# Source rules, one script each named scripts/lint[-_]*.py or .sh (the hook:
# a new rule is a new script, no edit here), run from the repository root;
# each prints what it refuses and fails the target (lint_layers.py: the
# include layering; the float rule in apply paths comes as its own script).
LINT_SCRIPTS := $(sort $(wildcard scripts/lint[-_]*.py scripts/lint[-_]*.sh))
lint: deps-test
	@for s in $(LINT_SCRIPTS); do case $$s in *.py) python3 $$s . ;; *) bash $$s . ;; esac || exit 1; done
	cppcheck --quiet --error-exitcode=1 --std=c11 -Iinclude -Isrc --suppress=missingIncludeSystem src

coverage: deps-test
	@$(MAKE) --no-print-directory COVERAGE=1 all
	@BUILD_MODE=coverage bash tests/run.sh
	gcov -o build/coverage/src $(LIB_SRC) >/dev/null 2>&1 || true

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d) $(BOOST_SRC:%.c=$(BUILD)/%.d) \
	$(UNIT_BIN:=.d) $(E2E_BIN:=.d) $(BENCH_BIN:=.d) $(TOOL_BIN:=.d)
