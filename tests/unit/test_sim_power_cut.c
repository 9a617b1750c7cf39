/*
 * test_sim_power_cut.c — deterministic simulation of power cuts under the
 * engine (storage: tests/unit/crash_storage.c).
 *
 * From one seed: create 8 accounts, then for each cycle submit random
 * transfers (valid ones, resubmitted ids, transfers from an account that
 * does not exist), with snapshots every few batches, and cut the power after
 * a random number of storage operations — losing, tearing or reordering
 * every write not yet synced. Then recover and check, against a model kept
 * only from what the engine acknowledged:
 *   - every acknowledged transfer is present, with its accounts and amount,
 *     and its record reads back from the log (new ones each time, older
 *     ones sampled);
 *   - a transfer acknowledged as failed is absent;
 *   - each account's posted totals equal the sum of the transfers present
 *     (in doubt — submitted, never acknowledged — ones either way);
 *   - every few cycles, the state digest equals that of a replay of the
 *     whole log from its first batch (and every snapshot's digest).
 * Every SIM_EPOCH_CYCLES cuts the simulation starts over on a fresh disk.
 * One recovery in four is itself cut short by another power cut (during
 * its repair of a torn tail, its snapshot load, ...) and then run again.
 * Recovery may fail only with SZ_EIO while the power is off, never call
 * the log damaged.
 * A failure prints the seed and cycle; SZFIN_SIM_SEED=<seed> reproduces it,
 * SZFIN_SIM_CYCLES=<n> runs longer (make test runs 50 cycles, make fuzz 3000).
 */
#include "testutil.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"
#include "engine/engine.h"
#include "ledger/ledger.h"

#include "crash_storage.c"

#include <malloc.h>
#include <time.h>

#define ACCOUNT_COUNT 8u
#define TRANSFER_COUNT_MAX 200000u
/* Cycles in make test: about 10 s (ASan and TSan builds run fewer, as they
 * are ten times slower); make fuzz runs SIM_CYCLES_LONG of them. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SIM_CYCLES_DEFAULT 8u
#else
#define SIM_CYCLES_DEFAULT 50u
#endif
#define DIGEST_CHECK_EVERY 25u
/* Cuts on one disk before the simulation starts over on a fresh one (from
 * the same seed): the log still spans many snapshots and cuts, and the cost
 * of a recovery, which grows with the log, stays that of a log this long. */
#define SIM_EPOCH_CYCLES 100u
/* After a cut, every transfer acknowledged since the last check is read back
 * from the log; of the older ones, about this many (at random). */
#define READ_BACK_SAMPLE 64u

enum tstate { T_NONE, T_IN_DOUBT, T_PRESENT, T_FAILED };

struct model {
	uint8_t state[TRANSFER_COUNT_MAX];  /* by transfer number */
	uint32_t debit[TRANSFER_COUNT_MAX];
	uint32_t credit[TRANSFER_COUNT_MAX];
	uint32_t amount[TRANSFER_COUNT_MAX];
	uint32_t next;                      /* next unused transfer number */
	uint32_t read_back;                 /* transfers below this were read back from the log once */
	uint64_t acknowledged;
};

static struct model m;
static uint64_t seed;
static uint32_t cycle;
static uint64_t rng;
static const char *dir = "/sim";

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Set while a broken disk runs (test_missing_fdatasync_is_caught): a failure
 * is then recorded in loss_seen and the run goes on to a clean stop. */
static bool loss_expected, loss_seen;

#define SIM_FAIL(...)                                                                                   \
	do {                                                                                            \
		if (loss_expected) {                                                                    \
			if (!loss_seen)                                                                 \
				fprintf(stderr, "# caught at cycle %u, as it must be: ", cycle);       \
			if (!loss_seen)                                                                 \
				fprintf(stderr, __VA_ARGS__);                                           \
			loss_seen = true;                                                               \
			break;                                                                          \
		}                                                                                       \
		fprintf(stderr, "simulation failed: seed %llu cycle %u (reproduce: SZFIN_SIM_SEED=%llu): ",   \
			(unsigned long long)seed, cycle, (unsigned long long)seed);                       \
		fail_msg(__VA_ARGS__);                                                                  \
	} while (0)

struct submission {
	uint32_t number; /* transfer number */
	bool expect_fail; /* debit account does not exist */
	bool duplicate;   /* resubmits a present transfer's id */
};

#define SUBMISSION_COUNT_MAX 8u
static struct submission subs[SUBMISSION_COUNT_MAX];

static void on_done(void *ctx, const uint32_t *results, uint32_t count)
{
	struct submission *s = ctx;
	SZ_ASSERT(count == 1);
	m.acknowledged++;
	if (s->duplicate) {
		if (results[0] != SZ_R_EXISTS)
			SIM_FAIL("resubmitted transfer %u answered %u, not exists", s->number, results[0]);
		return;
	}
	if (s->expect_fail) {
		if (results[0] == SZ_R_OK)
			SIM_FAIL("transfer %u from a missing account succeeded", s->number);
		m.state[s->number] = T_FAILED;
		return;
	}
	if (results[0] != SZ_R_OK)
		SIM_FAIL("transfer %u answered %u", s->number, results[0]);
	m.state[s->number] = T_PRESENT;
}

static sz_transfer transfer_of(uint32_t number)
{
	return tu_transfer(1000000u + number, m.debit[number], m.credit[number], m.amount[number], 0);
}

/* The simulation drives ledger commands only: the engine carries just the
 * ledger, so that a recovery costs what the log and the ledger cost (not the
 * start-up of every domain, which their own tests cover) and a minute holds
 * thousands of power cuts. */
static int register_ledger_only(struct sz_state *s)
{
	return ledger_domain_register(s);
}

static int open_engine(struct crash_storage *cs, bool verify_replay, struct sz_engine **e, char *why, size_t why_size)
{
	struct sz_engine_config cfg = {
		.data_dir = dir, .storage = &cs->base, .segment_size = SZ_SEGMENT_SIZE_MIN,
		.snapshot_every_batches = 25, .verify_replay = verify_replay, .check_invariants = true,
		.register_domains = register_ledger_only, .populate_off = true,
	};
	return sz_engine_open(e, &cfg, why, why_size);
}

/* Recover after a cut. With interrupt, the power may go off again during
 * recovery: it must then fail with SZ_EIO, and is cut and run again. */
static struct sz_engine *recover(struct crash_storage *cs, bool interrupt)
{
	struct sz_engine *e = NULL;
	char why[512];
	for (int attempt = 0;; attempt++) {
		bool armed = interrupt && attempt < 3;
		if (armed)
			crash_storage_arm(cs, next_random() % 40);
		int rc = open_engine(cs, false, &e, why, sizeof why);
		if (rc == 0) {
			crash_storage_disarm(cs); /* powered from here on, until run_until_cut arms */
			return e;
		}
		if (!armed || rc != SZ_EIO) {
			SIM_FAIL("recovery failed: %s (%s)", why, sz_strerror(rc));
			return NULL; /* only with loss_expected: SIM_FAIL does not return otherwise */
		}
		crash_storage_cut(cs);
	}
}

/* Compare the recovered state with the model; settle in-doubt transfers. */
static void check_state(struct sz_engine *e)
{
	const struct ledger *l = sz_ledger_const(sz_engine_state(e));
	uint64_t credits[ACCOUNT_COUNT + 1] = { 0 }, debits[ACCOUNT_COUNT + 1] = { 0 };
	for (uint32_t n = 0; n < m.next; n++) {
		int64_t slot = ledger_slot_find(l, sz_id_make(0, 1000000u + n));
		if (m.state[n] == T_PRESENT && slot < 0)
			SIM_FAIL("acknowledged transfer %u is missing after recovery", n);
		if (m.state[n] == T_FAILED && slot >= 0)
			SIM_FAIL("transfer %u acknowledged as failed is present", n);
		if (m.state[n] == T_IN_DOUBT)
			m.state[n] = slot >= 0 ? T_PRESENT : T_NONE;
		if (m.state[n] != T_PRESENT)
			continue;
		credits[m.credit[n]] += m.amount[n];
		debits[m.debit[n]] += m.amount[n];
		if (n < m.read_back && next_random() % (m.read_back / READ_BACK_SAMPLE + 1) != 0)
			continue; /* read back before: sampled from here on */
		sz_transfer t;
		int rc = sz_engine_read_transfer(e, ledger_slot_log_pos(l, (uint32_t)slot), &t);
		if (rc != 0 || t.amount != m.amount[n] || !sz_id_eq(t.debit_account_id, sz_id_make(0, m.debit[n])) ||
		    !sz_id_eq(t.credit_account_id, sz_id_make(0, m.credit[n])))
			SIM_FAIL("transfer %u reads back wrong (rc %d, amount %llu, want %u)", n, rc,
				 (unsigned long long)t.amount, m.amount[n]);
	}
	m.read_back = m.next;
	for (uint32_t a = 1; a <= ACCOUNT_COUNT; a++) {
		const sz_account *acc = ledger_account_get(l, sz_id_make(0, a));
		if (acc == NULL)
			SIM_FAIL("acknowledged account %u is missing", a);
		if (acc->credits_posted != credits[a] || acc->debits_posted != debits[a])
			SIM_FAIL("account %u posted %llu/%llu, the acknowledged transfers make %llu/%llu", a,
				 (unsigned long long)acc->debits_posted, (unsigned long long)acc->credits_posted,
				 (unsigned long long)debits[a], (unsigned long long)credits[a]);
	}
}

/* The recovered state's digest equals a replay of the whole log. */
static struct sz_engine *check_replay(struct crash_storage *cs, struct sz_engine *e)
{
	uint8_t recovered[32], replayed[32];
	sz_state_digest(sz_engine_state(e), recovered);
	if (sz_engine_close(e) != 0)
		SIM_FAIL("clean close failed");
	char why[512];
	int rc = open_engine(cs, true, &e, why, sizeof why);
	if (rc != 0)
		SIM_FAIL("replay from the log start failed: %s", why);
	sz_state_digest(sz_engine_state(e), replayed);
	if (memcmp(recovered, replayed, 32) != 0)
		SIM_FAIL("state digest after recovery differs from a replay of the log");
	sz_engine_close(e);
	return recover(cs, false);
}

/* One random command into subs[k]: a new transfer, a resubmitted id, or a
 * transfer from an account that does not exist. */
static void make_submission(uint32_t k, uint8_t *buf, uint32_t *size)
{
	struct submission *s = &subs[k];
	if (m.next >= TRANSFER_COUNT_MAX - 1)
		SIM_FAIL("out of transfer numbers");
	uint32_t kind = (uint32_t)(next_random() % 10);
	memset(s, 0, sizeof *s);
	if (kind == 0 && m.next > 0 && m.state[m.next - 1] == T_PRESENT) {
		s->number = m.next - 1;
		s->duplicate = true;
	} else {
		s->number = m.next++;
		m.debit[s->number] = kind == 1 ? 99 : 1 + (uint32_t)(next_random() % ACCOUNT_COUNT);
		m.credit[s->number] = 1 + (uint32_t)(next_random() % ACCOUNT_COUNT);
		if (m.credit[s->number] == m.debit[s->number])
			m.credit[s->number] = m.credit[s->number] % ACCOUNT_COUNT + 1;
		m.amount[s->number] = 1 + (uint32_t)(next_random() % 1000);
		s->expect_fail = kind == 1;
		m.state[s->number] = T_IN_DOUBT;
	}
	sz_transfer t = transfer_of(s->number);
	*size = 0;
	tu_append(buf, size, SZ_CMD_CREATE_TRANSFER, &t, sizeof t);
}

/* Rounds of 1..8 submissions, flushed together (one batch) and waited for,
 * until the power goes off: the batches and the storage operations follow
 * from the seed alone, so a seed reproduces a run exactly. */
static void run_until_cut(struct crash_storage *cs, struct sz_engine *e)
{
	crash_storage_arm(cs, 1 + next_random() % 160);
	for (uint32_t round = 0; round < 400; round++) {
		uint32_t count = 1 + (uint32_t)(next_random() % 8);
		uint64_t acknowledged = m.acknowledged + count;
		for (uint32_t k = 0; k < count; k++) {
			uint8_t buf[256];
			uint32_t n;
			make_submission(k, buf, &n);
			if (sz_engine_submit(e, buf, n, 1, on_done, &subs[k]) != 0)
				return; /* fatal */
		}
		if (sz_engine_flush(e) != 0)
			return;
		while (m.acknowledged < acknowledged)
			if (sz_engine_poll(e, -1) < 0)
				return;
	}
	crash_storage_arm(cs, 0); /* still running: cut now */
}

/* A fresh disk with the 8 accounts created (and acknowledged). */
static struct sz_engine *epoch_start(struct crash_storage *cs)
{
	memset(&m, 0, sizeof m);
	struct sz_engine *e = recover(cs, false);
	for (uint32_t a = 1; a <= ACCOUNT_COUNT; a++) {
		sz_account acc = tu_account(a, CNY, 0);
		uint8_t buf[256];
		uint32_t n = 0, result = 0;
		tu_append(buf, &n, SZ_CMD_CREATE_ACCOUNT, &acc, sizeof acc);
		assert_int_equal(sz_engine_execute(e, buf, n, 1, &result), 0);
		assert_int_equal(result, SZ_R_OK);
	}
	return e;
}

/* One epoch: up to SIM_EPOCH_CYCLES cuts on one disk, whose log grows all along. */
static void run_epoch(uint32_t epoch, uint32_t cycles_left, uint64_t *acknowledged_total)
{
	struct crash_storage *cs = crash_storage_new(seed + epoch);
	struct sz_engine *e = epoch_start(cs);
	for (uint32_t k = 0; k < SIM_EPOCH_CYCLES && k < cycles_left; k++) {
		cycle++;
		run_until_cut(cs, e);
		sz_engine_close(e); /* fatal: the power is off */
		crash_storage_cut(cs);
		e = recover(cs, (next_random() & 3) == 0);
		check_state(e);
		if (k % DIGEST_CHECK_EVERY == DIGEST_CHECK_EVERY - 1)
			e = check_replay(cs, e);
	}
	*acknowledged_total += m.acknowledged;
	assert_int_equal(sz_engine_close(e), 0);
	crash_storage_free(cs);
}

static void test_power_cuts(void **state)
{
	(void)state;
	const char *env_seed = getenv("SZFIN_SIM_SEED"), *env_cycles = getenv("SZFIN_SIM_CYCLES");
	seed = env_seed ? strtoull(env_seed, NULL, 10) : (uint64_t)time(NULL);
	uint32_t cycles = env_cycles ? (uint32_t)strtoul(env_cycles, NULL, 10) : SIM_CYCLES_DEFAULT;
	fprintf(stderr, "# power-cut simulation: seed %llu, %u cycles (SZFIN_SIM_SEED / SZFIN_SIM_CYCLES)\n",
		(unsigned long long)seed, cycles);
	rng = seed * 0x2545f4914f6cdd1dull + 1;
	/* The simulated disk copies every write: keep those buffers in the heap,
	 * reused, instead of a fresh (page-faulting) mapping per snapshot write. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint64_t acknowledged = 0;
	cycle = 0;
	for (uint32_t epoch = 0; cycle < cycles; epoch++)
		run_epoch(epoch, cycles - cycle, &acknowledged);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "# %u power cuts in %.1f s (%.0f cuts per minute), %llu acknowledgements checked\n",
		cycles, seconds, seconds > 0 ? cycles * 60.0 / seconds : 0.0, (unsigned long long)acknowledged);
}

/* The check of the checker: on a disk whose fdatasync does nothing (as if
 * the log's sync call were removed), power cuts must lose acknowledged
 * transfers and the simulation must say so within a few cuts. */
static void test_missing_fdatasync_is_caught(void **state)
{
	(void)state;
	seed = 7;
	rng = seed * 0x2545f4914f6cdd1dull + 1;
	struct crash_storage *cs = crash_storage_new(seed);
	cs->no_sync = true;
	loss_expected = true;
	loss_seen = false;
	struct sz_engine *e = epoch_start(cs);
	for (cycle = 1; cycle <= SIM_EPOCH_CYCLES && e != NULL && !loss_seen; cycle++) {
		run_until_cut(cs, e);
		sz_engine_close(e);
		crash_storage_cut(cs);
		e = recover(cs, false);
		if (e != NULL)
			check_state(e);
	}
	fprintf(stderr, "\n");
	loss_expected = false;
	if (e != NULL)
		sz_engine_close(e);
	crash_storage_free(cs);
	if (!loss_seen)
		fail_msg("a disk that never syncs lost nothing in %u power cuts: the simulation cannot see a missing fdatasync",
			 SIM_EPOCH_CYCLES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_fdatasync_is_caught),
		cmocka_unit_test(test_power_cuts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
