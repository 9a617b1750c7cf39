/*
 * test_tier.c — the disk tier of transfers with small thresholds: index runs
 * (build, adopt, find, filter false positives, damaged files never served),
 * and the engine with a hot window of 256 transfers, compared command by
 * command and digest by digest with the same engine keeping every transfer
 * in RAM: idempotency of cold ids, post/void of cold pending ids, lookups of
 * cold transfers, restart, snapshot, a crash (no close), a damaged or
 * missing run at open (rebuilt) and a damaged run met while serving (the
 * process stops rather than answer differently).
 */
#include "testutil.h"

#include "core/errors.h"
#include "core/hash.h"
#include "engine/engine.h"
#include "ledger/ledger.h"
#include "ledger/tier.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char dir[64], dir_ram[64];

#define HOT_WINDOW 256u
#define TRANSFER_COUNT 4000u
#define BATCH_COUNT 50u      /* commands per submission */
#define PENDING_POSTED_ID 900001u
#define PENDING_OPEN_ID 900003u

static int setup(void **state)
{
	(void)state;
	tu_tmpdir(dir, sizeof dir);
	tu_tmpdir(dir_ram, sizeof dir_ram);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmdir(dir);
	tu_rmdir(dir_ram);
	return 0;
}

/* ---- runs on their own ------------------------------------------------------- */

static struct tier_record record(uint64_t id, uint64_t slot_number)
{
	struct tier_record r;
	memset(&r, 0, sizeof r);
	sz_id key = sz_id_make(id * 0x9e3779b97f4a7c15ull, id); /* ids in no particular order */
	memcpy(r.slot, &key, sizeof key);
	uint64_t fingerprint = id ^ 0xabcdefull;
	memcpy(r.slot + 16, &fingerprint, sizeof fingerprint);
	r.slot_number = slot_number;
	return r;
}

static sz_id record_key(uint64_t id)
{
	return sz_id_make(id * 0x9e3779b97f4a7c15ull, id);
}

/* Build a run of ids 1..count over slots [lo, lo + count). */
static void build(const char *where, uint32_t lo, uint32_t count)
{
	struct tier_job job = { .record_count = count, .slot_lo = lo, .slot_hi = lo + count };
	job.records = malloc(count * sizeof job.records[0]);
	for (uint32_t i = 0; i < count; i++)
		job.records[i] = record(i + 1, lo + i);
	assert_int_equal(tier_build(where, &job), 0);
	free(job.records);
	job.records = NULL;
	job.rc = 1; /* tier_job_free releases the run */
	struct tier_job *heap = malloc(sizeof *heap);
	*heap = job;
	tier_job_free(heap);
}

static bool accept_all(void *ctx, const struct tier_record *r)
{
	(void)r;
	(*(uint32_t *)ctx)++;
	return true;
}

static void test_run_find_and_filter(void **state)
{
	(void)state;
	const uint32_t count = 5000;
	build(dir, count, count);
	struct tier t;
	assert_int_equal(tier_open(&t, dir, count), 0); /* runs of 5000 slots: [5000, 10000) is one */
	uint32_t seen = 0;
	assert_int_equal(tier_adopt(&t, count, 2 * count, accept_all, &seen), 0);
	assert_int_equal(seen, count);
	assert_int_equal(tier_adopt(&t, 0, count, NULL, NULL), SZ_ENOTFOUND);
	struct tier_record out;
	for (uint32_t i = 1; i <= count; i++) {
		assert_int_equal(tier_find(&t, record_key(i), &out, NULL, NULL), 1);
		assert_int_equal(out.slot_number, count + i - 1);
	}
	/* Absent ids: a blocked filter of 10 bits and 7 probes per id admits
	 * about 1% (each probe bit is set with probability ~ 1 - e^(-7*10/512)
	 * per line of ~51 ids: 0.128^7 ~ 6e-7 if uniform; the blocking and the
	 * spread of ids per line raise it to ~1%). Bound: 3% of 20000. */
	uint32_t admitted = 0;
	for (uint32_t i = count + 1; i <= count + 20000; i++) {
		admitted += tier_may_contain(&t, record_key(i));
		assert_int_equal(tier_find(&t, record_key(i), &out, NULL, NULL), 0);
	}
	print_message("filter admitted %u of 20000 absent ids; %llu bytes for %u records\n", admitted, (unsigned long long)tier_memory_bytes(&t), count);
	assert_true(admitted < 600);
	/* Under 2 bytes of RAM per record, plus the generation filter, made for
	 * 64 runs of 5000 slots at 10 bits each (filled as runs arrive). */
	assert_true(tier_memory_bytes(&t) < 2u * count + 64u * count * 10u / 8u + 1024u);
	tier_close(&t);
}

static void flip_byte(const char *path, long offset)
{
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	uint8_t b;
	assert_int_equal(pread(fd, &b, 1, offset), 1);
	b ^= 0x40;
	assert_int_equal(pwrite(fd, &b, 1, offset), 1);
	close(fd);
}

static void test_damaged_run_never_served(void **state)
{
	(void)state;
	build(dir, 1000, 1000);
	char path[256];
	snprintf(path, sizeof path, "%s/run-%010u-%010u.idx", dir, 1000u, 2000u);
	struct tier t;
	assert_int_equal(tier_open(&t, dir, 1000), 0);
	assert_int_equal(tier_adopt(&t, 1000, 2000, NULL, NULL), 0);
	/* A byte of record 100 changes after the run was adopted: the block
	 * holding it fails its check when read, the run is dropped, its file
	 * removed, and the answer is an error, never the damaged record. */
	flip_byte(path, 64 + 100 * 48 + 20);
	struct tier_record out;
	uint32_t lo = 0, hi = 0;
	int found = 0, corrupt = 0;
	for (uint32_t i = 1; i <= 1000 && corrupt == 0; i++) {
		int rc = tier_find(&t, record_key(i), &out, &lo, &hi);
		found += rc == 1;
		assert_true(rc == 1 || rc == SZ_ECORRUPT);
		corrupt += rc == SZ_ECORRUPT;
	}
	assert_int_equal(corrupt, 1);
	assert_int_equal(lo, 1000);
	assert_int_equal(hi, 2000);
	assert_int_equal(access(path, F_OK), -1);
	/* From then on every id the run may hold is an error, never "absent". */
	for (uint32_t i = 1; i <= 1000; i++)
		assert_int_equal(tier_find(&t, record_key(i), &out, NULL, NULL), SZ_ECORRUPT);
	assert_true(tier_may_contain(&t, record_key(1)));
	tier_close(&t);
	/* A damaged file at adoption is refused and removed; so is a short one. */
	build(dir, 1000, 1000);
	flip_byte(path, 64 + 999 * 48);
	assert_int_equal(tier_open(&t, dir, 1000), 0);
	assert_int_equal(tier_adopt(&t, 1000, 2000, NULL, NULL), SZ_ECORRUPT);
	assert_int_equal(access(path, F_OK), -1);
	build(dir, 1000, 1000);
	assert_int_equal(truncate(path, 64 + 10 * 48), 0);
	assert_int_equal(tier_adopt(&t, 1000, 2000, NULL, NULL), SZ_ECORRUPT);
	assert_int_equal(t.run_count, 0);
	tier_close(&t);
}

/* ---- the engine with a small hot window -------------------------------------- */

static struct sz_engine *open_at(const char *where, uint32_t hot_window)
{
	struct sz_engine *e = NULL;
	char why[512];
	struct sz_engine_config cfg = { .data_dir = where, .check_invariants = true, .hot_window_count = hot_window,
					.segment_size = 4u << 20 };
	if (sz_engine_open(&e, &cfg, why, sizeof why) != 0)
		fail_msg("open %s: %s", where, why);
	return e;
}

static void execute(struct sz_engine *e, const sz_transfer *t, uint32_t count, uint32_t *results)
{
	static uint8_t buf[BATCH_COUNT * 200];
	uint32_t n = 0;
	for (uint32_t i = 0; i < count; i++)
		tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &t[i], sizeof t[i]);
	assert_int_equal(sz_engine_execute(e, buf, n, count, results), 0);
}

static void accounts(struct sz_engine *e)
{
	for (uint64_t id = 1; id <= 3; id++) {
		sz_account a = tu_account(id, CNY, 0);
		uint8_t buf[256];
		uint32_t n = 0, r = 999;
		tu_append(buf, &n, SZ_CMD_CREATE_ACCOUNT, &a, sizeof a);
		assert_int_equal(sz_engine_execute(e, buf, n, 1, &r), 0);
		assert_int_equal(r, SZ_R_OK);
	}
}

/* Transfers from..to-1 (ids and amounts i, between accounts 1 2 3), with a
 * pending transfer posted early and one left open. */
static void load(struct sz_engine *e, uint32_t from, uint32_t to)
{
	sz_transfer t[BATCH_COUNT];
	uint32_t results[BATCH_COUNT];
	if (from == 1) {
		t[0] = tu_transfer(PENDING_POSTED_ID, 1, 2, 500, SZ_TRANSFER_PENDING);
		t[1] = tu_transfer(PENDING_POSTED_ID + 1, 0, 0, 0, SZ_TRANSFER_POST_PENDING);
		t[1].pending_id = sz_id_make(0, PENDING_POSTED_ID);
		t[1].currency = 0;
		t[2] = tu_transfer(PENDING_OPEN_ID, 2, 3, 70, SZ_TRANSFER_PENDING);
		execute(e, t, 3, results);
		for (uint32_t i = 0; i < 3; i++)
			assert_int_equal(results[i], SZ_R_OK);
	}
	for (uint32_t i = from; i < to;) {
		uint32_t n = 0;
		for (; n < BATCH_COUNT && i < to; n++, i++)
			t[n] = tu_transfer(i, 1 + i % 3, 1 + (i + 1) % 3, i, 0);
		execute(e, t, n, results);
		for (uint32_t k = 0; k < n; k++)
			assert_int_equal(results[k], SZ_R_OK);
	}
}

/* Commands whose answers depend on old transfers, and the answers the rules
 * give (szfin.h): a resubmitted id with the same fields exists; with another
 * amount it exists with different fields; posting an already posted pending
 * transfer, voiding a plain transfer, posting the open one. */
static void probe_again(struct sz_engine *e, bool again)
{
	sz_transfer t[6];
	t[0] = tu_transfer(5, 1 + 5 % 3, 1 + 6 % 3, 5, 0);
	t[1] = tu_transfer(6, 1 + 6 % 3, 1 + 7 % 3, 7, 0);
	t[2] = tu_transfer(910001, 0, 0, 0, SZ_TRANSFER_POST_PENDING);
	t[2].pending_id = sz_id_make(0, PENDING_POSTED_ID);
	t[3] = tu_transfer(910002, 0, 0, 0, SZ_TRANSFER_VOID_PENDING);
	t[3].pending_id = sz_id_make(0, 7);
	t[4] = tu_transfer(910003, 0, 0, 0, SZ_TRANSFER_POST_PENDING);
	t[4].pending_id = sz_id_make(0, PENDING_OPEN_ID);
	t[5] = tu_transfer(PENDING_POSTED_ID + 1, 0, 0, 0, SZ_TRANSFER_POST_PENDING); /* the old post, resent */
	t[5].pending_id = sz_id_make(0, PENDING_POSTED_ID);
	for (uint32_t i = 2; i < 6; i++)
		t[i].currency = 0;
	uint32_t r[6];
	execute(e, t, 6, r);
	assert_int_equal(r[0], SZ_R_EXISTS);
	assert_int_equal(r[1], SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	assert_int_equal(r[2], SZ_R_PENDING_ALREADY_POSTED);
	assert_int_equal(r[3], SZ_R_PENDING_NOT_PENDING);
	assert_int_equal(r[4], again ? SZ_R_EXISTS : SZ_R_OK); /* the post was stored the first time */
	assert_int_equal(r[5], SZ_R_EXISTS);
}

static void probe(struct sz_engine *e)
{
	probe_again(e, false);
}

static struct ledger *ledger_of(struct sz_engine *e)
{
	return (struct ledger *)sz_ledger_const(sz_engine_state(e)); /* queries between polls, engine thread */
}

/* Transfer 11 is cold: found on the disk tier, and its record read back
 * from the log by the position the run holds. */
static void check_cold_lookup(struct sz_engine *e)
{
	struct ledger *l = ledger_of(e);
	ledger_tier_settle(l);
	assert_true(l->slot_cold_count > TRANSFER_COUNT / 2);
	struct ledger_slot s;
	uint32_t slot = 0;
	assert_int_equal(ledger_transfer_find(l, sz_id_make(0, 11), &s, &slot), 2);
	assert_int_equal(ledger_slot_find(l, sz_id_make(0, 11)), -1);
	sz_transfer t;
	assert_int_equal(sz_engine_read_transfer(e, s.log_pos, &t), 0);
	assert_int_equal(t.amount, 11);
	assert_true(sz_id_eq(t.id, sz_id_make(0, 11)));
	assert_int_equal(ledger_transfer_find(l, sz_id_make(0, TRANSFER_COUNT + 77), &s, NULL), 0);
	assert_int_equal(ledger_transfer_find(l, sz_id_make(0, TRANSFER_COUNT - 1), &s, NULL), 1);
}

/* The digest a server keeping every transfer in RAM computes from the same
 * log: a copy of the data directory without its snapshots and runs,
 * replayed with no hot window. */
static void digest_in_ram(uint8_t out[32])
{
	char cmd[256];
	tu_rmdir(dir_ram);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp -r '%s/log' '%s/'", dir_ram, dir, dir_ram);
	assert_int_equal(system(cmd), 0);
	struct sz_engine *e = open_at(dir_ram, 0);
	assert_null(ledger_of(e)->tier);
	sz_state_digest(sz_engine_state(e), out);
	assert_int_equal(sz_engine_close(e), 0);
}

/* Each account's whole history, newest first, as (slot number, log
 * position) pairs; how many of them came from disk. */
static uint32_t histories(struct sz_engine *e, uint64_t *out, uint32_t size, uint32_t *from_disk)
{
	struct ledger *l = ledger_of(e);
	uint32_t n = 0;
	*from_disk = 0;
	for (uint64_t id = 1; id <= 3; id++) {
		uint32_t link = ledger_history_head(l, (uint32_t)ledger_account_find(l, sz_id_make(0, id)));
		struct ledger_slot s;
		uint32_t slot;
		int rc;
		while ((rc = ledger_history_step(l, &link, &s, &slot)) > 0) {
			assert_true(n + 2 <= size);
			out[n++] = slot;
			out[n++] = s.log_pos;
			*from_disk += rc == 2;
		}
		assert_int_equal(rc, 0);
	}
	return n;
}

static void test_engine_cold_answers_like_ram(void **state)
{
	(void)state;
	uint8_t want[32], got[32];
	struct sz_engine *e = open_at(dir, HOT_WINDOW);
	accounts(e);
	load(e, 1, TRANSFER_COUNT);
	check_cold_lookup(e);
	probe(e);
	sz_state_digest(sz_engine_state(e), want);
	/* The pages of cold slots went back: all but the first (it holds the
	 * open pending transfer, pinned) and the ones the hot window spans. */
	assert_true(ledger_tier_released_bytes(ledger_of(e)) >= (uint64_t)(TRANSFER_COUNT - 3 * HOT_WINDOW) * 40u - 2 * 4096u);
	/* Account history across the tier: the same chains as the server with
	 * every transfer in RAM walks (each transfer is in two of them). */
	static uint64_t walked[4 * TRANSFER_COUNT + 64], walked_ram[4 * TRANSFER_COUNT + 64];
	uint32_t from_disk = 0, from_disk_ram = 0;
	uint32_t n = histories(e, walked, 4 * TRANSFER_COUNT + 64, &from_disk);
	assert_int_equal(n, 2 * 2 * (3 + (TRANSFER_COUNT - 1) + 1)); /* 3 at the start, 3999, 1 post; two sides */
	assert_true(from_disk > TRANSFER_COUNT);
	assert_int_equal(sz_engine_close(e), 0); /* writes a snapshot: cold slots put back for it */
	digest_in_ram(got);
	assert_memory_equal(want, got, 32);
	e = open_at(dir_ram, 0);
	assert_int_equal(histories(e, walked_ram, 4 * TRANSFER_COUNT + 64, &from_disk_ram), n);
	assert_int_equal(from_disk_ram, 0);
	assert_memory_equal(walked, walked_ram, n * sizeof walked[0]);
	assert_int_equal(sz_engine_close(e), 0);
	e = open_at(dir, HOT_WINDOW); /* loads the snapshot; runs adopted again */
	sz_state_digest(sz_engine_state(e), got);
	assert_memory_equal(want, got, 32);
	check_cold_lookup(e);
	probe_again(e, true);
	assert_int_equal(sz_engine_close(e), 0);
}

/* Every run file in the tier directory: flip a byte in each, or remove it. */
static uint32_t spoil_runs(bool remove)
{
	char tier_dir[128], path[512];
	snprintf(tier_dir, sizeof tier_dir, "%s/tier", dir);
	DIR *d = opendir(tier_dir);
	assert_non_null(d);
	struct dirent *ent;
	uint32_t n = 0;
	while ((ent = readdir(d)) != NULL) {
		if (strncmp(ent->d_name, "run-", 4) != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", tier_dir, ent->d_name);
		if (remove)
			assert_int_equal(unlink(path), 0);
		else
			flip_byte(path, 64 + 3 * 48 + 1);
		n++;
	}
	closedir(d);
	return n;
}

static void test_crash_and_damaged_runs_rebuilt(void **state)
{
	(void)state;
	uint8_t want[32], got[32];
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) { /* a process that dies without closing: no snapshot */
		struct sz_engine *e = open_at(dir, HOT_WINDOW);
		accounts(e);
		load(e, 1, TRANSFER_COUNT);
		ledger_tier_settle(ledger_of(e));
		sz_state_digest(sz_engine_state(e), want);
		if (write(fds[1], want, 32) != 32)
			_exit(5);
		_exit(ledger_of(e)->slot_cold_count > 0 ? 0 : 3);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(read(fds[0], want, 32), 32);
	close(fds[0]);
	close(fds[1]);
	assert_true(spoil_runs(false) > 10); /* every run left behind is damaged */
	struct sz_engine *e = open_at(dir, HOT_WINDOW); /* replays the log; runs rebuilt */
	sz_state_digest(sz_engine_state(e), got);
	assert_memory_equal(want, got, 32);
	check_cold_lookup(e);
	assert_int_equal(sz_engine_close(e), 0);
	assert_true(spoil_runs(true) > 10); /* and missing ones */
	/* Strays: a run of another size and a temporary of a build cut short. */
	char stray[2][256];
	snprintf(stray[0], sizeof stray[0], "%s/tier/run-%010u-%010u.idx", dir, 0u, 1000u);
	snprintf(stray[1], sizeof stray[1], "%s/tier/run-%010u-%010u.idx.tmp", dir, 64u, 128u);
	for (int i = 0; i < 2; i++) {
		FILE *f = fopen(stray[i], "w");
		assert_non_null(f);
		fclose(f);
	}
	e = open_at(dir, HOT_WINDOW);
	assert_int_equal(access(stray[0], F_OK), -1);
	assert_int_equal(access(stray[1], F_OK), -1);
	sz_state_digest(sz_engine_state(e), got);
	assert_memory_equal(want, got, 32);
	check_cold_lookup(e);
	probe(e);
	assert_int_equal(sz_engine_close(e), 0);
}

/* A run damaged under a running server: the batch that needs it is never
 * applied with a wrong answer; the process stops and a restart rebuilds. */
static void test_damage_while_serving_stops(void **state)
{
	(void)state;
	struct sz_engine *e = open_at(dir, HOT_WINDOW);
	accounts(e);
	load(e, 1, TRANSFER_COUNT);
	ledger_tier_settle(ledger_of(e));
	assert_int_equal(sz_engine_close(e), 0);
	pid_t pid = fork();
	if (pid == 0) {
		e = open_at(dir, HOT_WINDOW);
		ledger_tier_settle(ledger_of(e));
		spoil_runs(false); /* after adoption: lookups read damaged blocks */
		for (uint32_t id = 1; id < 200; id++) {
			sz_transfer t = tu_transfer(id, 1 + id % 3, 1 + (id + 1) % 3, id, 0);
			uint32_t r;
			execute(e, &t, 1, &r);
			if (r != SZ_R_EXISTS)
				_exit(4);
		}
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	e = open_at(dir, HOT_WINDOW);
	probe(e);
	check_cold_lookup(e);
	assert_int_equal(sz_engine_close(e), 0);
}

int main(void)
{
	sz_hash_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_run_find_and_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_run_never_served, setup, teardown),
		cmocka_unit_test_setup_teardown(test_engine_cold_answers_like_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_and_damaged_runs_rebuilt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damage_while_serving_stops, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
