/*
 * crash_test.c — kill -9 under load, many times: nothing acknowledged is lost.
 *
 * Each round forks a child that opens the engine on one data directory and
 * commits transfers as fast as it can (single transfers and linked pairs, in
 * groups of random size, with snapshots every few batches), writing the id of
 * every acknowledged transfer to a pipe from its done callback — that is,
 * after the batch is durable. The parent kills the child with SIGKILL at a
 * random moment, then reopens the data directory itself and checks: every
 * acknowledged transfer is present; each linked pair is wholly present or
 * wholly absent; invariants hold; balances equal the sum of the transfers
 * present. A final offline verification replays the whole log from its start
 * and compares state digests with every snapshot.
 */
#include "testutil.h"

#include "core/errors.h"
#include "engine/engine.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#define ROUNDS 20
#define ACCOUNTS 8
#define GROUP_COUNT_MAX 100

static char dir[64];

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

struct child_ack {
	int fd;
	uint64_t first_id;
};

static void on_done(void *ctx, const uint32_t *results, uint32_t count)
{
	struct child_ack *a = ctx;
	for (uint32_t i = 0; i < count; i++) {
		if (results[i] != SZ_R_OK && results[i] != SZ_R_EXISTS)
			abort(); /* the child only submits valid transfers */
		uint64_t id = a->first_id + i;
		if (write(a->fd, &id, sizeof id) != sizeof id)
			_exit(3);
	}
	free(a);
}

static void child_load(int fd, uint64_t round)
{
	struct sz_engine *e;
	char why[512];
	struct sz_engine_config cfg = { .data_dir = dir, .snapshot_every_batches = 37, .segment_size = 8u << 20 };
	if (sz_engine_open(&e, &cfg, why, sizeof why) != 0)
		_exit(2);
	uint8_t buf[GROUP_COUNT_MAX * 136 + 2048];
	uint32_t n = 0, results[ACCOUNTS];
	for (uint64_t i = 1; i <= ACCOUNTS; i++) {
		sz_account a = tu_account(i, CNY, 0);
		tu_append(buf, &n, SZ_CMD_CREATE_ACCOUNT, &a, sizeof a);
	}
	if (sz_engine_execute(e, buf, n, ACCOUNTS, results) != 0)
		_exit(2);
	uint64_t next = round << 32 | 1;
	for (;;) {
		uint32_t count = 1 + (uint32_t)rnd(GROUP_COUNT_MAX);
		bool linked = rnd(4) == 0;
		if (linked)
			count = 2;
		struct child_ack *ack = malloc(sizeof *ack);
		ack->fd = fd;
		ack->first_id = next;
		n = 0;
		for (uint32_t i = 0; i < count; i++) {
			uint64_t d = 1 + rnd(ACCOUNTS), c = 1 + (d % ACCOUNTS);
			sz_transfer t = tu_transfer(next++, d, c, 1 + rnd(1000), linked && i == 0 ? SZ_TRANSFER_LINKED : 0);
			t.code = linked ? 2 : 1;
			tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &t, sizeof t);
		}
		int rc;
		while ((rc = sz_engine_submit(e, buf, n, count, on_done, ack)) == SZ_EBUSY)
			sz_engine_poll(e, -1);
		if (rc != 0)
			_exit(2);
		sz_engine_poll(e, 0);
	}
}

static uint64_t *acked;
static size_t acked_count, acked_capacity;

static uint64_t monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Read acknowledgements until EOF, or until deadline_ms if non-zero (the
 * child must never block on a full pipe while we wait to kill it). */
static void read_acks(int fd, uint64_t deadline_ms)
{
	uint64_t id;
	for (;;) {
		if (deadline_ms) {
			uint64_t now = monotonic_ms();
			if (now >= deadline_ms)
				return;
			struct pollfd p = { .fd = fd, .events = POLLIN };
			if (poll(&p, 1, (int)(deadline_ms - now)) <= 0)
				continue;
		}
		if (read(fd, &id, sizeof id) != sizeof id)
			return;
		if (acked_count == acked_capacity) {
			acked_capacity = acked_capacity ? acked_capacity * 2 : 1 << 16;
			acked = realloc(acked, acked_capacity * sizeof *acked);
		}
		acked[acked_count++] = id;
	}
}

/* Sum of the transfers present must equal the balances; linked pairs whole. */
static void check_state(struct sz_engine *e, size_t *present_out)
{
	const struct ledger *l = sz_ledger_const(sz_engine_state(e));
	uint64_t debits[ACCOUNTS + 1] = { 0 }, credits[ACCOUNTS + 1] = { 0 };
	for (uint32_t s = 0; s < l->slot_count; s++) {
		sz_transfer t;
		assert_int_equal(sz_engine_read_transfer(e, ledger_slot_log_pos(l, s), &t), 0);
		assert_true(sz_id_eq(t.id, l->slots[s].id));
		debits[t.debit_account_id.lo] += t.amount;
		credits[t.credit_account_id.lo] += t.amount;
		if (t.flags & SZ_TRANSFER_LINKED) /* the second of the pair must be there */
			assert_true(ledger_slot_find(l, sz_id_make(0, t.id.lo + 1)) >= 0);
		if (t.code == 2 && !(t.flags & SZ_TRANSFER_LINKED))
			assert_true(ledger_slot_find(l, sz_id_make(0, t.id.lo - 1)) >= 0);
	}
	for (uint64_t i = 1; i <= ACCOUNTS; i++) {
		const sz_account *a = ledger_account_get(l, sz_id_make(0, i));
		assert_non_null(a);
		assert_int_equal(a->debits_posted, debits[i]);
		assert_int_equal(a->credits_posted, credits[i]);
	}
	*present_out = l->slot_count;
}

static void test_kill9_under_load(void **state)
{
	(void)state;
	tu_tmpdir(dir, sizeof dir);
	size_t present = 0;
	for (uint64_t round = 1; round <= ROUNDS; round++) {
		int fds[2];
		assert_int_equal(pipe(fds), 0);
		size_t before = acked_count;
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			rng += round * 7919;
			child_load(fds[1], round);
		}
		close(fds[1]);
		read_acks(fds[0], monotonic_ms() + 50 + rnd(400));
		/* The last round surely kills under load: it waits (bounded) for
		 * acknowledgements before the signal, whatever the machine's speed. */
		for (uint64_t wait_end = monotonic_ms() + 60000; round == ROUNDS && acked_count - before < 1000 &&
								monotonic_ms() < wait_end;)
			read_acks(fds[0], monotonic_ms() + 10);
		kill(pid, SIGKILL);
		read_acks(fds[0], 0);
		close(fds[0]);
		int status;
		waitpid(pid, &status, 0);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

		struct sz_engine *e;
		char why[512];
		struct sz_engine_config cfg = { .data_dir = dir, .check_invariants = true, .segment_size = 8u << 20 };
		uint64_t t0 = monotonic_ms();
		int rc = sz_engine_open(&e, &cfg, why, sizeof why);
		uint64_t open_ms = monotonic_ms() - t0;
		if (rc != 0)
			fail_msg("round %llu: reopen failed: %s", (unsigned long long)round, why);
		const struct ledger *l = sz_ledger_const(sz_engine_state(e));
		for (size_t i = 0; i < acked_count; i++)
			if (ledger_slot_find(l, sz_id_make(0, acked[i])) < 0)
				fail_msg("round %llu: acknowledged transfer %llx lost", (unsigned long long)round,
					 (unsigned long long)acked[i]);
		check_state(e, &present);
		printf("# round %2llu: %zu acknowledged this round, %zu in total, %zu present after restart (%llu ms)\n",
		       (unsigned long long)round, acked_count - before, acked_count, present, (unsigned long long)open_ms);
		/* Closing writes a snapshot; the next child starts from it plus the log. */
		assert_int_equal(sz_engine_close(e), 0);
	}
	assert_true(acked_count >= 1000);
	/* Full replay from the log start agrees with every snapshot's digest. */
	struct sz_engine *e;
	char why[512];
	struct sz_engine_config cfg = { .data_dir = dir, .verify_replay = true, .check_invariants = true };
	if (sz_engine_open(&e, &cfg, why, sizeof why) != 0)
		fail_msg("verified replay failed: %s", why);
	assert_int_equal(sz_ledger_const(sz_engine_state(e))->slot_count, present);
	assert_int_equal(sz_engine_close(e), 0);
	tu_rmdir(dir);
	free(acked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill9_under_load),
	};
	return cmocka_run_group_tests_name("crash", tests, NULL, NULL);
}
