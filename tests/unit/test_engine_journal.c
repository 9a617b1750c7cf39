/*
 * test_engine_journal.c — the one undo journal and the capacity reserve.
 *
 * A small real domain ("tally", defined here and registered on the state
 * like any other) keeps an array of entries and a running sum; its command
 * moves money through the ledger, appends an entry, and then either succeeds
 * or fails on purpose. A failed command, or a linked chain that fails after
 * several ledger changes, must leave the state digest exactly as before.
 * The reserve test stops a real engine before it applies a batch.
 */
#include "testutil.h"

#include "core/errors.h"
#include "core/limits.h"
#include "engine/engine.h"
#include "engine/journal.h"
#include "ledger/ledger.h"

#include <sodium.h>
#include <unistd.h>

#define TALLY_BASE 0x7f00u
#define TALLY_CMD_MOVE (TALLY_BASE + 1)
#define TALLY_ENTRY_COUNT_MAX 64u
#define TALLY_R_REFUSED 7901u

struct tally_cmd {
	sz_id id;
	uint64_t debit, credit, amount;
	uint32_t fail_after; /* 0 = succeed; 1 = fail after the ledger moves and the append */
	uint32_t reserved;
};

struct tally_state {
	uint64_t entries[TALLY_ENTRY_COUNT_MAX];
	uint32_t entry_count;
	uint64_t sum;
};

static uint32_t tally_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
			    const sz_command_header *h)
{
	struct tally_state *t = domain_state;
	const struct tally_cmd *c = (const void *)(h + 1);
	if (h->size != sizeof *h + sizeof *c)
		return SZ_R_COMMAND_INVALID;
	/* Two ledger transfers (there and half back), then the domain's own changes. */
	struct ledger_ctx lctx = { .timestamp_ns = ctx->timestamp_ns };
	sz_transfer a = tu_transfer(c->id.lo, c->debit, c->credit, c->amount, 0);
	sz_transfer b = tu_transfer(c->id.lo + 1, c->credit, c->debit, c->amount / 2, 0);
	uint32_t r = ledger_create_transfer(sz_ledger(s), &a, &lctx);
	if (r == SZ_R_OK)
		r = ledger_create_transfer(sz_ledger(s), &b, &lctx);
	if (r != SZ_R_OK)
		return r;
	SZ_JOURNAL_FIELD(t->entries[t->entry_count]);
	SZ_JOURNAL_FIELD(t->entry_count);
	SZ_JOURNAL_FIELD(t->sum);
	t->entries[t->entry_count++] = c->amount;
	t->sum += c->amount;
	return c->fail_after ? TALLY_R_REFUSED : SZ_R_OK;
}

static void tally_digest(const void *domain_state, void *h)
{
	const struct tally_state *t = domain_state;
	crypto_generichash_update(h, (const uint8_t *)t, sizeof *t);
}

static struct tally_state tally;

static void register_tally(struct sz_state *s)
{
	memset(&tally, 0, sizeof tally);
	struct sz_domain d = { .name = "tally", .kind_base = TALLY_BASE, .state = &tally, .apply = tally_apply,
			       .digest = tally_digest };
	assert_int_equal(sz_state_register(s, &d), 0);
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

static void setup_state(struct sz_state *s)
{
	sequence = 0;
	assert_int_equal(sz_state_init(s), 0);
	register_tally(s);
	for (uint64_t id = 1; id <= 3; id++) {
		sz_account a = tu_account(id, CNY, 0);
		assert_int_equal(apply1(s, SZ_CMD_CREATE_ACCOUNT, &a, sizeof a), SZ_R_OK);
	}
	struct tally_cmd ok = { .id = { 100, 0 }, .debit = 1, .credit = 2, .amount = 500 };
	assert_int_equal(apply1(s, TALLY_CMD_MOVE, &ok, sizeof ok), SZ_R_OK);
}

/* Digest of everything but the batch header fields (sequence and time move on). */
static void digest_without_head(const struct sz_state *s, uint8_t out[32])
{
	struct sz_state copy = *s;
	copy.sequence = 0;
	copy.batch_time_ns = 0;
	sz_state_digest(&copy, out);
}

static void test_failed_domain_command_rolls_everything_back(void **unused)
{
	(void)unused;
	struct sz_state s;
	setup_state(&s);
	uint8_t before[32], after[32];
	digest_without_head(&s, before);
	uint64_t slots = sz_ledger_const(&s)->slot_count;
	/* Two transfers and an append, then the command fails. */
	struct tally_cmd bad = { .id = { 200, 0 }, .debit = 2, .credit = 3, .amount = 80, .fail_after = 1 };
	assert_int_equal(apply1(&s, TALLY_CMD_MOVE, &bad, sizeof bad), TALLY_R_REFUSED);
	digest_without_head(&s, after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(tally.entry_count, 1);
	assert_int_equal(tally.sum, 500);
	assert_int_equal(sz_ledger_const(&s)->slot_count, slots);
	/* 1 paid 500 to 2 and got 250 back: 2's credits are 500, debits 250. */
	const sz_account *a2 = ledger_account_get(sz_ledger_const(&s), sz_id_make(0, 2));
	assert_int_equal(a2->credits_posted, 500);
	assert_int_equal(a2->debits_posted, 250);
	assert_null(ledger_account_get(sz_ledger_const(&s), sz_id_make(0, 200)));
	assert_int_equal(sz_state_journal_used(&s), 0);
	/* The same id succeeds afterwards: nothing of the failed try remains. */
	bad.fail_after = 0;
	assert_int_equal(apply1(&s, TALLY_CMD_MOVE, &bad, sizeof bad), SZ_R_OK);
	assert_int_equal(tally.entry_count, 2);
	sz_state_release(&s);
}

static void test_failed_chain_rolls_everything_back(void **unused)
{
	(void)unused;
	struct sz_state s;
	setup_state(&s);
	uint8_t before[32], after[32];
	digest_without_head(&s, before);
	/* A new account, a posted transfer to it, a pending hold with a timeout
	 * (expiry heap), its post, then a transfer that exceeds a balance
	 * constraint: the whole chain fails. */
	uint8_t buf[8 * 256];
	uint32_t n = 0;
	sz_account a = tu_account(40, CNY, SZ_ACCOUNT_LINKED | SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS);
	tu_append(buf, &n, SZ_CMD_CREATE_ACCOUNT, &a, sizeof a);
	sz_transfer t1 = tu_transfer(300, 1, 40, 70, SZ_TRANSFER_LINKED);
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &t1, sizeof t1);
	sz_transfer t2 = tu_transfer(301, 40, 3, 30, SZ_TRANSFER_LINKED | SZ_TRANSFER_PENDING);
	t2.timeout_s = 60;
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &t2, sizeof t2);
	sz_transfer t3 = tu_transfer(302, 0, 0, 0, SZ_TRANSFER_LINKED | SZ_TRANSFER_POST_PENDING);
	t3.currency = 0;
	t3.pending_id = sz_id_make(0, 301);
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &t3, sizeof t3);
	sz_transfer t4 = tu_transfer(303, 40, 3, 41, 0); /* 70 - 30 = 40 left: exceeds credits */
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &t4, sizeof t4);
	uint32_t results[5];
	apply(&s, buf, n, 5, results);
	assert_int_equal(results[4], SZ_R_EXCEEDS_CREDITS);
	for (int i = 0; i < 4; i++)
		assert_int_equal(results[i], SZ_R_LINKED_EVENT_FAILED);
	digest_without_head(&s, after);
	assert_memory_equal(before, after, 32);
	assert_null(ledger_account_get(sz_ledger_const(&s), sz_id_make(0, 40)));
	assert_int_equal(sz_ledger_const(&s)->pending_count, 0);
	assert_int_equal(sz_ledger_const(&s)->expiry_count, 0);
	char why[256];
	assert_int_equal(sz_state_check_invariants(&s, why, sizeof why), 0);
	sz_state_release(&s);
}

/* Nested brackets: an inner rollback undoes only its own changes; an outer
 * rollback undoes the inner committed ones too. */
static void test_nested_brackets(void **unused)
{
	(void)unused;
	struct sz_journal j;
	assert_int_equal(sz_journal_init(&j), 0);
	sz_journal_attach(&j);
	uint64_t x = 1, y = 2;
	sz_journal(&x, sizeof x); /* outside a bracket: records nothing */
	assert_int_equal(j.used, 0);
	sz_journal_mark outer = sz_journal_begin();
	SZ_JOURNAL_FIELD(x);
	x = 10;
	sz_journal_mark inner = sz_journal_begin();
	SZ_JOURNAL_FIELD(y);
	y = 20;
	sz_journal_end(inner, false);
	assert_int_equal(y, 2);
	assert_int_equal(x, 10);
	inner = sz_journal_begin();
	SZ_JOURNAL_FIELD(y);
	y = 30;
	sz_journal_end(inner, true);
	assert_int_equal(y, 30);
	sz_journal_end(outer, false);
	assert_int_equal(x, 1);
	assert_int_equal(y, 2);
	assert_int_equal(j.used, 0);
	assert_false(sz_journal_open());
	sz_journal_attach(NULL);
	sz_journal_release(&j);
}

/* A failed reserve stops the engine before it applies the batch; the batch
 * is durable, so a restart applies it. */
static void test_reserve_failure_stops_before_apply(void **unused)
{
	(void)unused;
	char dir[64];
	tu_tmpdir(dir, sizeof dir);
	struct sz_engine *e = NULL;
	char why[512];
	struct sz_engine_config cfg = { .data_dir = dir, .check_invariants = true };
	assert_int_equal(sz_engine_open(&e, &cfg, why, sizeof why), 0);
	uint8_t buf[512];
	uint32_t n = 0, result = UINT32_MAX;
	sz_account a = tu_account(1, CNY, 0);
	tu_append(buf, &n, SZ_CMD_CREATE_ACCOUNT, &a, sizeof a);
	assert_int_equal(sz_engine_execute(e, buf, n, 1, &result), 0);
	assert_int_equal(result, SZ_R_OK);
	uint8_t before[32], after[32];
	sz_state_digest(sz_engine_state(e), before);

	sz_state_inject_reserve_failure(1);
	n = 0;
	sz_account b = tu_account(2, CNY, 0);
	tu_append(buf, &n, SZ_CMD_CREATE_ACCOUNT, &b, sizeof b);
	result = UINT32_MAX;
	assert_int_equal(sz_engine_execute(e, buf, n, 1, &result), SZ_EFATAL);
	assert_int_equal(result, UINT32_MAX); /* never acknowledged */
	sz_state_digest(sz_engine_state(e), after);
	assert_memory_equal(before, after, 32);
	assert_null(ledger_account_get(sz_ledger_const(sz_engine_state(e)), sz_id_make(0, 2)));
	struct sz_engine_stats st;
	sz_engine_stats(e, &st);
	assert_true(st.fatal);
	assert_int_equal(sz_engine_close(e), SZ_EFATAL);

	assert_int_equal(sz_engine_open(&e, &cfg, why, sizeof why), 0);
	assert_non_null(ledger_account_get(sz_ledger_const(sz_engine_state(e)), sz_id_make(0, 2)));
	assert_int_equal(sz_engine_close(e), 0);
	tu_rmdir(dir);
}

/* Ticks: a 1 s hold expires on an idle engine that is only polled. The
 * engine reads the real clock (it has no injected one), so the test polls
 * until the outcome, bounded generously; it never asserts on speed. */
static void test_idle_engine_ticks_expiry(void **unused)
{
	(void)unused;
	char dir[64];
	tu_tmpdir(dir, sizeof dir);
	struct sz_engine *e = NULL;
	char why[512];
	struct sz_engine_config cfg = { .data_dir = dir, .check_invariants = true };
	assert_int_equal(sz_engine_open(&e, &cfg, why, sizeof why), 0);
	uint8_t buf[512];
	uint32_t n = 0, results[3];
	sz_account a = tu_account(1, CNY, 0), b = tu_account(2, CNY, 0);
	sz_transfer hold = tu_transfer(10, 1, 2, 700, SZ_TRANSFER_PENDING);
	hold.timeout_s = 1;
	tu_append(buf, &n, SZ_CMD_CREATE_ACCOUNT, &a, sizeof a);
	tu_append(buf, &n, SZ_CMD_CREATE_ACCOUNT, &b, sizeof b);
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &hold, sizeof hold);
	assert_int_equal(sz_engine_execute(e, buf, n, 3, results), 0);
	assert_int_equal(results[2], SZ_R_OK);
	const struct ledger *l = sz_ledger_const(sz_engine_state(e));
	assert_int_equal(ledger_account_get(l, sz_id_make(0, 1))->debits_pending, 700);
	uint64_t before = sz_engine_state(e)->sequence;
	/* An idle poll returns at once: wait between polls like an event loop. */
	for (int i = 0; i < 3000 && l->pending_count > 0; i++) {
		assert_true(sz_engine_poll(e, 10) >= 0);
		usleep(10000);
	}
	assert_int_equal(l->pending_count, 0);
	assert_int_equal(ledger_account_get(l, sz_id_make(0, 1))->debits_pending, 0);
	assert_int_equal(ledger_account_get(l, sz_id_make(0, 2))->credits_pending, 0);
	assert_true(sz_engine_state(e)->sequence > before); /* a tick batch was committed */
	assert_int_equal(ledger_next_deadline_ns(l), UINT64_MAX);
	/* Idle with nothing due: no more ticks. */
	uint64_t after = sz_engine_state(e)->sequence;
	for (int i = 0; i < 3; i++) {
		assert_true(sz_engine_poll(e, 10) >= 0);
		usleep(20000);
	}
	assert_int_equal(sz_engine_state(e)->sequence, after);
	assert_int_equal(sz_engine_close(e), 0);
	tu_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failed_domain_command_rolls_everything_back),
		cmocka_unit_test(test_failed_chain_rolls_everything_back),
		cmocka_unit_test(test_nested_brackets),
		cmocka_unit_test(test_reserve_failure_stops_before_apply),
		cmocka_unit_test(test_idle_engine_ticks_expiry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
