/*
 * test_engine_hooks.c — transfer hooks: a check refuses, an observer sees
 * committed transfers (including those a domain makes), hooks run in
 * registration order, and what an observer did inside a chain that fails
 * later is rolled back with the ledger.
 */
#include "testutil.h"

#include "core/errors.h"
#include "core/limits.h"
#include "engine/hooks.h"
#include "engine/journal.h"
#include "engine/state.h"
#include "ledger/ledger.h"

#define LIMIT_R_REFUSED 7902u

/* A wallet-limit style check: refuse single transfers above limit_fen. */
struct limit_hook {
	uint64_t limit_fen;
	uint32_t calls;
};

static uint32_t limit_check(void *state, const struct sz_apply_ctx *ctx, const sz_transfer *t, const sz_account *dr,
			    const sz_account *cr)
{
	struct limit_hook *h = state;
	assert_non_null(ctx);
	assert_true(sz_id_eq(dr->id, t->debit_account_id) || sz_id_is_zero(t->debit_account_id));
	(void)cr;
	h->calls++;
	return t->amount > h->limit_fen ? LIMIT_R_REFUSED : SZ_R_OK;
}

/* A statistics observer: counts and sums what was committed (journalled). */
struct stats_hook {
	uint64_t count;
	uint64_t sum_fen;
	uint64_t last_batch_time_ns;
};

static void stats_observe(void *state, const struct sz_apply_ctx *ctx, const sz_transfer *t, const sz_account *dr,
			  const sz_account *cr)
{
	struct stats_hook *h = state;
	(void)dr;
	(void)cr;
	SZ_JOURNAL_FIELD(h->count);
	SZ_JOURNAL_FIELD(h->sum_fen);
	SZ_JOURNAL_FIELD(h->last_batch_time_ns);
	h->count++;
	h->sum_fen += t->amount;
	h->last_batch_time_ns = ctx->batch_time_ns;
}

/* Order: each hook writes its number into the trace. */
struct order_hook {
	uint32_t *trace;
	uint32_t *trace_count;
	uint32_t number;
};

static uint32_t order_check(void *state, const struct sz_apply_ctx *ctx, const sz_transfer *t, const sz_account *dr,
			    const sz_account *cr)
{
	struct order_hook *h = state;
	(void)ctx, (void)t, (void)dr, (void)cr;
	h->trace[(*h->trace_count)++] = h->number;
	return SZ_R_OK;
}

static void order_observe(void *state, const struct sz_apply_ctx *ctx, const sz_transfer *t, const sz_account *dr,
			  const sz_account *cr)
{
	struct order_hook *h = state;
	(void)ctx, (void)t, (void)dr, (void)cr;
	h->trace[(*h->trace_count)++] = 100 + h->number;
}

static uint64_t sequence;

static void apply(struct sz_state *s, const uint8_t *buf, uint32_t size, uint32_t count, uint32_t *results)
{
	sequence++;
	sz_state_apply_batch(s, sequence, 1000000000ull * sequence, buf, size, count, 0, results);
}

static uint32_t apply1(struct sz_state *s, uint16_t kind, const void *body, uint32_t body_size)
{
	uint8_t buf[512];
	uint32_t n = 0, r = UINT32_MAX;
	tu_append(buf, &n, kind, body, body_size);
	apply(s, buf, n, 1, &r);
	return r;
}

static void accounts(struct sz_state *s)
{
	sequence = 0;
	assert_int_equal(sz_state_init(s), 0);
	assert_int_equal(ledger_domain_register(s), 0);
	for (uint64_t id = 1; id <= 3; id++) {
		sz_account a = tu_account(id, CNY, 0);
		assert_int_equal(apply1(s, SZ_CMD_CREATE_ACCOUNT, &a, sizeof a), SZ_R_OK);
	}
}

static void test_check_refuses_and_observer_sees(void **unused)
{
	(void)unused;
	struct sz_state s;
	accounts(&s);
	struct limit_hook limit = { .limit_fen = 1000 };
	struct stats_hook stats = { 0 };
	assert_int_equal(sz_state_hook_add(&s, &(struct sz_hook){ .name = "limit", .check = limit_check, .state = &limit }), 0);
	assert_int_equal(sz_state_hook_add(&s, &(struct sz_hook){ .name = "stats", .observe = stats_observe, .state = &stats }), 0);

	sz_transfer ok = tu_transfer(10, 1, 2, 1000, 0);
	assert_int_equal(apply1(&s, SZ_CMD_CREATE_TRANSFER, &ok, sizeof ok), SZ_R_OK);
	sz_transfer big = tu_transfer(11, 1, 2, 1001, 0);
	assert_int_equal(apply1(&s, SZ_CMD_CREATE_TRANSFER, &big, sizeof big), LIMIT_R_REFUSED);
	/* Refused: nothing moved, the observer saw only the first. */
	const sz_account *a1 = ledger_account_get(sz_ledger_const(&s), sz_id_make(0, 1));
	assert_int_equal(a1->debits_posted, 1000);
	assert_int_equal(ledger_slot_find(sz_ledger_const(&s), sz_id_make(0, 11)), -1);
	assert_int_equal(stats.count, 1);
	assert_int_equal(stats.sum_fen, 1000);
	assert_int_equal(stats.last_batch_time_ns, 1000000000ull * 4); /* fourth batch */
	assert_int_equal(limit.calls, 2);
	/* Two-phase: the hold and its post both pass the hooks. */
	sz_transfer hold = tu_transfer(12, 2, 3, 300, SZ_TRANSFER_PENDING);
	assert_int_equal(apply1(&s, SZ_CMD_CREATE_TRANSFER, &hold, sizeof hold), SZ_R_OK);
	sz_transfer post = tu_transfer(13, 0, 0, 0, SZ_TRANSFER_POST_PENDING);
	post.currency = 0;
	post.pending_id = sz_id_make(0, 12);
	assert_int_equal(apply1(&s, SZ_CMD_CREATE_TRANSFER, &post, sizeof post), SZ_R_OK);
	assert_int_equal(stats.count, 3);
	assert_int_equal(limit.calls, 4);
	sz_state_release(&s);
}

static void test_hooks_run_in_order(void **unused)
{
	(void)unused;
	struct sz_state s;
	accounts(&s);
	uint32_t trace[16], count = 0;
	struct order_hook h1 = { trace, &count, 1 }, h2 = { trace, &count, 2 }, h3 = { trace, &count, 3 };
	assert_int_equal(sz_state_hook_add(&s, &(struct sz_hook){ .name = "one", .check = order_check, .observe = order_observe, .state = &h1 }), 0);
	assert_int_equal(sz_state_hook_add(&s, &(struct sz_hook){ .name = "two", .check = order_check, .observe = order_observe, .state = &h2 }), 0);
	assert_int_equal(sz_state_hook_add(&s, &(struct sz_hook){ .name = "three", .check = order_check, .observe = order_observe, .state = &h3 }), 0);
	sz_transfer t = tu_transfer(20, 1, 2, 5, 0);
	assert_int_equal(apply1(&s, SZ_CMD_CREATE_TRANSFER, &t, sizeof t), SZ_R_OK);
	/* All checks in order, then all observers in order. */
	const uint32_t expected[] = { 1, 2, 3, 101, 102, 103 };
	assert_int_equal(count, 6);
	assert_memory_equal(trace, expected, sizeof expected);
	sz_state_release(&s);
}

static void test_observer_effects_roll_back_with_chain(void **unused)
{
	(void)unused;
	struct sz_state s;
	accounts(&s);
	struct stats_hook stats = { 0 };
	assert_int_equal(sz_state_hook_add(&s, &(struct sz_hook){ .name = "stats", .observe = stats_observe, .state = &stats }), 0);
	uint8_t buf[1024];
	uint32_t n = 0;
	sz_transfer t1 = tu_transfer(30, 1, 2, 40, SZ_TRANSFER_LINKED);
	sz_transfer t2 = tu_transfer(31, 2, 3, 20, SZ_TRANSFER_LINKED);
	sz_transfer t3 = tu_transfer(32, 3, 3, 1, 0); /* same account: fails */
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &t1, sizeof t1);
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &t2, sizeof t2);
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &t3, sizeof t3);
	uint32_t results[3];
	apply(&s, buf, n, 3, results);
	assert_int_equal(results[2], SZ_R_ACCOUNTS_SAME);
	/* The observer saw two transfers inside the chain; both are undone. */
	assert_int_equal(stats.count, 0);
	assert_int_equal(stats.sum_fen, 0);
	assert_int_equal(stats.last_batch_time_ns, 0);
	sz_state_release(&s);
}

static void test_hook_list_is_bounded(void **unused)
{
	(void)unused;
	struct sz_state s;
	assert_int_equal(sz_state_init(&s), 0);
	assert_int_equal(ledger_domain_register(&s), 0);
	struct stats_hook stats = { 0 };
	for (uint32_t i = 0; i < SZ_HOOK_COUNT_MAX; i++)
		assert_int_equal(sz_state_hook_add(&s, &(struct sz_hook){ .name = "stats", .observe = stats_observe, .state = &stats }), 0);
	assert_int_equal(sz_state_hook_add(&s, &(struct sz_hook){ .name = "stats", .observe = stats_observe, .state = &stats }), SZ_ELIMIT);
	sz_state_release(&s);
}

/* A domain of this test that makes its own ledger transfers (as wallets,
 * contracts and loans do): a "sweep" command moves an amount between two
 * accounts, through the ledger's own transfer path. */
#define SWEEP_KIND_BASE 0x7e00u
#define SWEEP_CMD_MOVE (SWEEP_KIND_BASE + 1u)

static uint32_t sweep_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
			    const sz_command_header *cmd)
{
	(void)domain_state;
	if (cmd->kind != SWEEP_CMD_MOVE || cmd->size != sizeof *cmd + sizeof(sz_transfer))
		return SZ_R_COMMAND_INVALID;
	sz_transfer t;
	memcpy(&t, cmd + 1, sizeof t);
	struct ledger_ctx lctx = { .timestamp_ns = ctx->timestamp_ns, .log_pos = 0 };
	return ledger_create_transfer(sz_ledger(s), &t, &lctx);
}

static int sweep_snapshot_write(const void *domain_state, struct sz_snap *f)
{
	(void)domain_state, (void)f;
	return 0;
}

static int sweep_snapshot_read(void *domain_state, struct sz_snap *f)
{
	(void)domain_state, (void)f;
	return 0;
}

static void sweep_digest(const void *domain_state, void *blake2b_state)
{
	(void)domain_state, (void)blake2b_state;
}

static void sweep_release(void *domain_state)
{
	(void)domain_state;
}

static int sweep_state; /* the domain keeps nothing of its own */

static void test_domain_made_transfers_pass_hooks(void **unused)
{
	(void)unused;
	struct sz_state s;
	accounts(&s);
	struct sz_domain sweep = { .name = "sweep", .kind_base = SWEEP_KIND_BASE, .state = &sweep_state,
				   .apply = sweep_apply, .snapshot_write = sweep_snapshot_write,
				   .snapshot_read = sweep_snapshot_read, .digest = sweep_digest,
				   .release = sweep_release };
	assert_int_equal(sz_state_register(&s, &sweep), 0);
	struct limit_hook limit = { .limit_fen = 500 };
	struct stats_hook stats = { 0 };
	assert_int_equal(sz_state_hook_add(&s, &(struct sz_hook){ .name = "limit", .check = limit_check, .state = &limit }), 0);
	assert_int_equal(sz_state_hook_add(&s, &(struct sz_hook){ .name = "stats", .observe = stats_observe, .state = &stats }), 0);

	sz_transfer small = tu_transfer(30, 1, 2, 400, 0), big = tu_transfer(31, 1, 3, 501, 0);
	assert_int_equal(apply1(&s, SWEEP_CMD_MOVE, &small, sizeof small), SZ_R_OK);
	/* The domain's transfer is refused by the check like a client's, and nothing moves. */
	assert_int_equal(apply1(&s, SWEEP_CMD_MOVE, &big, sizeof big), LIMIT_R_REFUSED);
	assert_int_equal(limit.calls, 2);
	assert_int_equal(stats.count, 1);
	assert_int_equal(stats.sum_fen, 400);
	assert_int_equal(ledger_slot_find(sz_ledger_const(&s), sz_id_make(0, 31)), -1);
	assert_int_equal(ledger_account_get(sz_ledger_const(&s), sz_id_make(0, 3))->credits_posted, 0);
	assert_int_equal(ledger_account_get(sz_ledger_const(&s), sz_id_make(0, 2))->credits_posted, 400);
	sz_state_release(&s);
}

/* Prefetch hints (hooks.h): sz_hooks_prefetch calls every hook that gives
 * one, in order, with the transfer and the stage; a hook without one is
 * skipped; with no hook registered nothing is called. */
struct prefetch_hook {
	uint32_t calls;
	int last_stage;
	uint64_t last_id;
};

static void prefetch_note(const void *hook_state, const sz_transfer *t, int stage)
{
	struct prefetch_hook *h = (struct prefetch_hook *)hook_state;
	h->calls++;
	h->last_stage = stage;
	h->last_id = t->id.lo;
}

static void test_prefetch_hints(void **unused)
{
	(void)unused;
	struct sz_state s;
	accounts(&s);
	struct prefetch_hook p = { 0 };
	struct stats_hook stats = { 0 };
	sz_transfer t = tu_transfer(77, 1, 2, 5, 0);
	sz_hooks_prefetch(&s.hooks, &t, 1);
	assert_int_equal(p.calls, 0);
	assert_int_equal(sz_state_hook_add(&s, &(struct sz_hook){ .name = "stats", .observe = stats_observe,
								   .state = &stats }), 0);
	assert_int_equal(sz_state_hook_add(&s, &(struct sz_hook){ .name = "hint", .observe = stats_observe,
								   .state = &p }), 0);
	assert_int_equal(sz_hooks_set_prefetch(&s.hooks, "nobody", prefetch_note), SZ_ENOTFOUND);
	assert_int_equal(sz_hooks_set_prefetch(&s.hooks, "hint", prefetch_note), 0);
	sz_hooks_prefetch(&s.hooks, &t, 1);
	sz_hooks_prefetch(&s.hooks, &t, 2);
	assert_int_equal(p.calls, 2);
	assert_int_equal(p.last_stage, 2);
	assert_int_equal(p.last_id, 77);
	sz_state_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_refuses_and_observer_sees),
		cmocka_unit_test(test_hooks_run_in_order),
		cmocka_unit_test(test_observer_effects_roll_back_with_chain),
		cmocka_unit_test(test_hook_list_is_bounded),
		cmocka_unit_test(test_domain_made_transfers_pass_hooks),
		cmocka_unit_test(test_prefetch_hints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
