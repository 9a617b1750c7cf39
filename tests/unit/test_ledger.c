/*
 * test_ledger.c — every ledger rule and result code, linked chains,
 * two-phase transfers with expiry, history, and a randomized comparison with
 * a simple reference model over thousands of mixed operations.
 */
#include "testutil.h"

#include "core/hash.h"
#include "core/limits.h"
#include "engine/journal.h"
#include "ledger/ledger.h"

static struct ledger L;
static struct sz_journal J;
static sz_journal_mark chain_mark;
static uint64_t now_ns = 1000000000ull;

static int setup(void **state)
{
	(void)state;
	now_ns = 1000000000ull;
	if (sz_journal_init(&J) != 0)
		return -1;
	sz_journal_attach(&J);
	return ledger_init(&L);
}

static int teardown(void **state)
{
	(void)state;
	ledger_release(&L);
	sz_journal_attach(NULL);
	sz_journal_release(&J);
	return 0;
}

/* A linked chain as the engine applies it: one journal bracket. */
static void chain_begin(void)
{
	chain_mark = sz_journal_begin();
}

static void chain_rollback(void)
{
	sz_journal_end(chain_mark, false);
}

static struct ledger_ctx ctx(void)
{
	/* Outside a chain every command stands for its own batch: room is
	 * reserved before it, as the engine does before each batch. */
	if (!sz_journal_open())
		assert_int_equal(ledger_reserve(&L, 1), 0);
	struct ledger_ctx c = { .timestamp_ns = ++now_ns, .log_pos = SZ_LOG_POS_MAKE(1, now_ns) };
	return c;
}

static uint32_t mkacct(uint64_t id, uint32_t currency, uint16_t flags)
{
	sz_account a = tu_account(id, currency, flags);
	struct ledger_ctx c = ctx();
	return ledger_create_account(&L, &a, &c);
}

static uint32_t xfer(sz_transfer t)
{
	struct ledger_ctx c = ctx();
	return ledger_create_transfer(&L, &t, &c);
}

static const sz_account *get(uint64_t id)
{
	return ledger_account_get(&L, sz_id_make(0, id));
}

static void assert_invariants(void)
{
	char why[256];
	assert_int_equal(ledger_check_invariants(&L, why, sizeof why), 0);
}

/* Accounts 1 (may go negative), 2 (debits <= credits), 3 (credits <= debits), 9 (USD). */
static void std_accounts(void)
{
	assert_int_equal(mkacct(1, CNY, 0), SZ_R_OK);
	assert_int_equal(mkacct(2, CNY, SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS), SZ_R_OK);
	assert_int_equal(mkacct(3, CNY, SZ_ACCOUNT_CREDITS_MUST_NOT_EXCEED_DEBITS), SZ_R_OK);
	assert_int_equal(mkacct(9, USD, 0), SZ_R_OK);
}

static void test_account_rules(void **state)
{
	(void)state;
	assert_int_equal(mkacct(0, CNY, 0), SZ_R_ID_ZERO);
	assert_int_equal(mkacct(1, sz_currency_code("cny"), 0), SZ_R_CURRENCY_INVALID);
	assert_int_equal(mkacct(1, CNY, 0x100), SZ_R_FLAGS_INVALID);
	assert_int_equal(mkacct(1, CNY, SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS | SZ_ACCOUNT_CREDITS_MUST_NOT_EXCEED_DEBITS),
			 SZ_R_FLAGS_INVALID);
	assert_int_equal(mkacct(1, CNY, SZ_ACCOUNT_CLOSED), SZ_R_FLAGS_INVALID);
	sz_account a = tu_account(1, CNY, 0);
	a.reserved[3] = 1;
	struct ledger_ctx c = ctx();
	assert_int_equal(ledger_create_account(&L, &a, &c), SZ_R_RESERVED_NONZERO);
	a = tu_account(1, CNY, 0);
	a.credits_posted = 5;
	assert_int_equal(ledger_create_account(&L, &a, &c), SZ_R_BALANCES_NONZERO);
	assert_int_equal(mkacct(1, CNY, 0), SZ_R_OK);
	assert_int_equal(mkacct(1, CNY, 0), SZ_R_EXISTS);
	assert_int_equal(mkacct(1, USD, 0), SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	assert_int_equal(L.account_count, 1);
	assert_non_null(get(1));
	assert_null(get(2));
}

static void test_transfer_basic(void **state)
{
	(void)state;
	std_accounts();
	assert_int_equal(xfer(tu_transfer(100, 1, 2, 500, 0)), SZ_R_OK);
	assert_int_equal(get(1)->debits_posted, 500);
	assert_int_equal(get(2)->credits_posted, 500);
	assert_int_equal(xfer(tu_transfer(101, 2, 1, 200, 0)), SZ_R_OK);
	assert_int_equal(get(2)->debits_posted, 200);
	assert_int_equal(xfer(tu_transfer(102, 2, 1, 301, 0)), SZ_R_EXCEEDS_CREDITS);
	assert_int_equal(xfer(tu_transfer(102, 2, 1, 300, 0)), SZ_R_OK);
	assert_int_equal(xfer(tu_transfer(103, 1, 3, 1, 0)), SZ_R_EXCEEDS_DEBITS);
	assert_int_equal(xfer(tu_transfer(104, 3, 1, 7, 0)), SZ_R_OK);
	assert_int_equal(xfer(tu_transfer(103, 1, 3, 7, 0)), SZ_R_OK);
	assert_invariants();
}

static void test_transfer_rejections(void **state)
{
	(void)state;
	std_accounts();
	sz_transfer t = tu_transfer(0, 1, 2, 5, 0);
	assert_int_equal(xfer(t), SZ_R_ID_ZERO);
	t = tu_transfer(5, 1, 2, 5, 0);
	t.reserved[0] = 1;
	assert_int_equal(xfer(t), SZ_R_RESERVED_NONZERO);
	assert_int_equal(xfer(tu_transfer(5, 1, 2, 5, 0x40)), SZ_R_FLAGS_INVALID);
	assert_int_equal(xfer(tu_transfer(5, 1, 2, 5, SZ_TRANSFER_PENDING | SZ_TRANSFER_POST_PENDING)), SZ_R_FLAGS_INVALID);
	assert_int_equal(xfer(tu_transfer(5, 1, 2, 0, 0)), SZ_R_AMOUNT_ZERO);
	assert_int_equal(xfer(tu_transfer(5, 1, 1, 5, 0)), SZ_R_ACCOUNTS_SAME);
	assert_int_equal(xfer(tu_transfer(5, 7, 2, 5, 0)), SZ_R_DEBIT_ACCOUNT_NOT_FOUND);
	assert_int_equal(xfer(tu_transfer(5, 1, 7, 5, 0)), SZ_R_CREDIT_ACCOUNT_NOT_FOUND);
	assert_int_equal(xfer(tu_transfer(5, 1, 9, 5, 0)), SZ_R_CURRENCY_MISMATCH);
	t = tu_transfer(5, 1, 2, 5, 0);
	t.currency = sz_currency_code("C1Y");
	assert_int_equal(xfer(t), SZ_R_CURRENCY_INVALID);
	t = tu_transfer(5, 1, 2, 5, 0);
	t.pending_id = sz_id_make(0, 77);
	assert_int_equal(xfer(t), SZ_R_PENDING_ID_MUST_BE_ZERO);
	t = tu_transfer(5, 1, 2, 5, 0);
	t.timeout_s = 10;
	assert_int_equal(xfer(t), SZ_R_TIMEOUT_RESERVED_FOR_PENDING);
	t.flags = SZ_TRANSFER_PENDING;
	t.timeout_s = SZ_PENDING_TIMEOUT_S_MAX + 1;
	assert_int_equal(xfer(t), SZ_R_TIMEOUT_TOO_LARGE);
	t.timeout_s = SZ_PENDING_TIMEOUT_S_MAX;
	assert_int_equal(xfer(t), SZ_R_OK);
	assert_int_equal(L.transfers_rejected_count, 13);
	assert_int_equal(L.slot_count, 1);
	assert_invariants();
}

static void test_overflow(void **state)
{
	(void)state;
	std_accounts();
	assert_int_equal(xfer(tu_transfer(1, 1, 3, 1, 0)), SZ_R_EXCEEDS_DEBITS);
	assert_int_equal(xfer(tu_transfer(2, 1, 9, 1, 0)), SZ_R_CURRENCY_MISMATCH);
	assert_int_equal(mkacct(4, CNY, 0), SZ_R_OK);
	assert_int_equal(xfer(tu_transfer(3, 1, 4, UINT64_MAX, 0)), SZ_R_OK);
	assert_int_equal(xfer(tu_transfer(4, 1, 4, 1, 0)), SZ_R_OVERFLOW);
	assert_int_equal(xfer(tu_transfer(5, 1, 4, 1, SZ_TRANSFER_PENDING)), SZ_R_OVERFLOW);
	assert_int_equal(get(4)->credits_posted, UINT64_MAX);
	assert_invariants();
}

static void test_idempotency(void **state)
{
	(void)state;
	std_accounts();
	assert_int_equal(xfer(tu_transfer(10, 1, 2, 50, 0)), SZ_R_OK);
	assert_int_equal(xfer(tu_transfer(10, 1, 2, 50, 0)), SZ_R_EXISTS);
	assert_int_equal(get(1)->debits_posted, 50);
	assert_int_equal(xfer(tu_transfer(10, 1, 2, 51, 0)), SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	sz_transfer t = tu_transfer(10, 1, 2, 50, 0);
	t.code = 9;
	assert_int_equal(xfer(t), SZ_R_EXISTS_WITH_DIFFERENT_FIELDS);
	assert_int_equal(get(1)->debits_posted, 50);
	/* A rejected id may be used again: rejections leave no trace. */
	assert_int_equal(xfer(tu_transfer(11, 2, 1, 5000, 0)), SZ_R_EXCEEDS_CREDITS);
	assert_int_equal(xfer(tu_transfer(11, 2, 1, 50, 0)), SZ_R_OK);
	assert_invariants();
}

static void test_frozen_closed(void **state)
{
	(void)state;
	std_accounts();
	struct ledger_ctx c = ctx();
	sz_account_flags_cmd f = { .account_id = sz_id_make(0, 1), .set = SZ_ACCOUNT_FROZEN };
	assert_int_equal(ledger_account_flags(&L, &f, &c), SZ_R_OK);
	assert_int_equal(xfer(tu_transfer(1, 1, 2, 5, 0)), SZ_R_DEBIT_ACCOUNT_FROZEN);
	assert_int_equal(xfer(tu_transfer(1, 3, 1, 5, 0)), SZ_R_CREDIT_ACCOUNT_FROZEN);
	assert_int_equal(mkacct(5, CNY, 0), SZ_R_OK);
	assert_int_equal(xfer(tu_transfer(1, 5, 1, 5, 0)), SZ_R_CREDIT_ACCOUNT_FROZEN);
	f = (sz_account_flags_cmd){ .account_id = sz_id_make(0, 1), .clear = SZ_ACCOUNT_FROZEN };
	assert_int_equal(ledger_account_flags(&L, &f, &c), SZ_R_OK);
	assert_int_equal(xfer(tu_transfer(1, 1, 5, 5, 0)), SZ_R_OK);
	f = (sz_account_flags_cmd){ .account_id = sz_id_make(0, 5), .set = SZ_ACCOUNT_CLOSED };
	assert_int_equal(ledger_account_flags(&L, &f, &c), SZ_R_ACCOUNT_HAS_BALANCE);
	assert_int_equal(xfer(tu_transfer(2, 5, 1, 5, 0)), SZ_R_OK);
	assert_int_equal(ledger_account_flags(&L, &f, &c), SZ_R_OK);
	assert_int_equal(xfer(tu_transfer(3, 5, 1, 5, 0)), SZ_R_DEBIT_ACCOUNT_CLOSED);
	assert_int_equal(xfer(tu_transfer(3, 1, 5, 5, 0)), SZ_R_CREDIT_ACCOUNT_CLOSED);
	assert_int_equal(ledger_account_flags(&L, &f, &c), SZ_R_ACCOUNT_CLOSED);
	f = (sz_account_flags_cmd){ .account_id = sz_id_make(0, 77), .set = SZ_ACCOUNT_FROZEN };
	assert_int_equal(ledger_account_flags(&L, &f, &c), SZ_R_ACCOUNT_NOT_FOUND);
	f = (sz_account_flags_cmd){ .account_id = sz_id_make(0, 1), .clear = SZ_ACCOUNT_CLOSED };
	assert_int_equal(ledger_account_flags(&L, &f, &c), SZ_R_FLAGS_INVALID);
	f = (sz_account_flags_cmd){ .account_id = sz_id_make(0, 0), .set = SZ_ACCOUNT_FROZEN };
	assert_int_equal(ledger_account_flags(&L, &f, &c), SZ_R_ID_ZERO);
	assert_invariants();
}

static void test_two_phase(void **state)
{
	(void)state;
	std_accounts();
	assert_int_equal(xfer(tu_transfer(1, 1, 2, 1000, 0)), SZ_R_OK); /* account 2 holds 1000 */
	assert_int_equal(xfer(tu_transfer(2, 2, 1, 600, SZ_TRANSFER_PENDING)), SZ_R_OK);
	assert_int_equal(get(2)->debits_pending, 600);
	assert_int_equal(xfer(tu_transfer(3, 2, 1, 500, SZ_TRANSFER_PENDING)), SZ_R_EXCEEDS_CREDITS);
	sz_transfer post = tu_transfer(4, 0, 0, 700, SZ_TRANSFER_POST_PENDING);
	post.currency = 0;
	assert_int_equal(xfer(post), SZ_R_PENDING_ID_ZERO);
	post.pending_id = sz_id_make(0, 99);
	assert_int_equal(xfer(post), SZ_R_PENDING_NOT_FOUND);
	post.pending_id = sz_id_make(0, 1);
	assert_int_equal(xfer(post), SZ_R_PENDING_NOT_PENDING);
	post.pending_id = sz_id_make(0, 2);
	assert_int_equal(xfer(post), SZ_R_EXCEEDS_PENDING_AMOUNT);
	post.debit_account_id = sz_id_make(0, 3);
	post.amount = 400;
	assert_int_equal(xfer(post), SZ_R_PENDING_FIELDS_MISMATCH);
	post.debit_account_id = sz_id_make(0, 2);
	post.timeout_s = 5;
	assert_int_equal(xfer(post), SZ_R_TIMEOUT_RESERVED_FOR_PENDING);
	post.timeout_s = 0;
	assert_int_equal(xfer(post), SZ_R_OK); /* partial post: 400 of 600 */
	assert_int_equal(get(2)->debits_pending, 0);
	assert_int_equal(get(2)->debits_posted, 400);
	assert_int_equal(get(1)->credits_posted, 400);
	post.id = sz_id_make(0, 5);
	assert_int_equal(xfer(post), SZ_R_PENDING_ALREADY_POSTED);
	sz_transfer v = tu_transfer(6, 0, 0, 0, SZ_TRANSFER_VOID_PENDING);
	v.currency = 0;
	v.pending_id = sz_id_make(0, 2);
	assert_int_equal(xfer(v), SZ_R_PENDING_ALREADY_POSTED);
	assert_int_equal(xfer(tu_transfer(7, 2, 1, 100, SZ_TRANSFER_PENDING)), SZ_R_OK);
	v.pending_id = sz_id_make(0, 7);
	v.amount = 50;
	assert_int_equal(xfer(v), SZ_R_EXCEEDS_PENDING_AMOUNT);
	v.amount = 0;
	assert_int_equal(xfer(v), SZ_R_OK);
	assert_int_equal(get(2)->debits_pending, 0);
	v.id = sz_id_make(0, 8);
	assert_int_equal(xfer(v), SZ_R_PENDING_ALREADY_VOIDED);
	int64_t slot = ledger_slot_find(&L, sz_id_make(0, 7));
	assert_true(slot >= 0);
	assert_int_equal(ledger_slot_status(&L, (uint32_t)slot), SZ_STATUS_PENDING_VOIDED);
	assert_invariants();
}

static void test_pending_expiry(void **state)
{
	(void)state;
	std_accounts();
	assert_int_equal(xfer(tu_transfer(1, 1, 2, 1000, 0)), SZ_R_OK);
	sz_transfer p = tu_transfer(2, 2, 1, 300, SZ_TRANSFER_PENDING);
	p.timeout_s = 10;
	assert_int_equal(xfer(p), SZ_R_OK);
	p = tu_transfer(3, 2, 1, 200, SZ_TRANSFER_PENDING);
	p.timeout_s = 5;
	assert_int_equal(xfer(p), SZ_R_OK);
	assert_int_equal(get(2)->debits_pending, 500);
	/* The earlier deadline is the 5 s hold's, created at now_ns (its own timestamp). */
	assert_int_equal(ledger_next_deadline_ns(&L), now_ns + 5000000000ull);
	assert_int_equal(ledger_expire(&L, now_ns + 4000000000ull), 0);
	assert_int_equal(ledger_expire(&L, now_ns + 6000000000ull), 1);
	assert_int_equal(get(2)->debits_pending, 300);
	sz_transfer post = tu_transfer(4, 0, 0, 0, SZ_TRANSFER_POST_PENDING);
	post.currency = 0;
	post.pending_id = sz_id_make(0, 3);
	assert_int_equal(xfer(post), SZ_R_PENDING_EXPIRED);
	/* Not yet expired by the heap, but past its deadline at this timestamp. */
	now_ns += 20000000000ull;
	post.pending_id = sz_id_make(0, 2);
	assert_int_equal(xfer(post), SZ_R_PENDING_EXPIRED);
	assert_int_equal(ledger_expire(&L, now_ns), 1);
	assert_int_equal(get(2)->debits_pending, 0);
	assert_int_equal(L.pending_count, 0);
	assert_invariants();
}

static void test_linked_chain(void **state)
{
	(void)state;
	std_accounts();
	assert_int_equal(xfer(tu_transfer(1, 1, 2, 100, 0)), SZ_R_OK);
	chain_begin();
	assert_int_equal(mkacct(20, CNY, 0), SZ_R_OK);
	assert_int_equal(xfer(tu_transfer(2, 2, 20, 60, SZ_TRANSFER_LINKED)), SZ_R_OK);
	assert_int_equal(xfer(tu_transfer(3, 20, 1, 10, SZ_TRANSFER_PENDING | SZ_TRANSFER_LINKED)), SZ_R_OK);
	sz_transfer post = tu_transfer(4, 0, 0, 0, SZ_TRANSFER_POST_PENDING);
	post.currency = 0;
	post.pending_id = sz_id_make(0, 3);
	assert_int_equal(xfer(post), SZ_R_OK);
	assert_int_equal(xfer(tu_transfer(5, 2, 1, 41, 0)), SZ_R_EXCEEDS_CREDITS);
	chain_rollback();
	assert_null(get(20));
	assert_int_equal(get(2)->debits_posted, 0);
	assert_int_equal(get(1)->credits_posted, 0);
	assert_int_equal(L.slot_count, 1);
	assert_int_equal(L.pending_count, 0);
	assert_true(ledger_slot_find(&L, sz_id_make(0, 3)) < 0);
	uint32_t link = ledger_history_head(&L, 1);
	assert_int_equal(ledger_history_next(&L, &link), 0);
	assert_int_equal(ledger_history_next(&L, &link), -1);
	/* The ids are free again after rollback. */
	assert_int_equal(xfer(tu_transfer(2, 2, 1, 60, 0)), SZ_R_OK);
	assert_invariants();
}

static void test_history(void **state)
{
	(void)state;
	std_accounts();
	assert_int_equal(mkacct(4, CNY, 0), SZ_R_OK);
	for (uint64_t i = 1; i <= 10; i++)
		assert_int_equal(xfer(tu_transfer(i, i % 2 ? 1 : 4, i % 2 ? 4 : 1, i, 0)), SZ_R_OK);
	int64_t index = ledger_account_find(&L, sz_id_make(0, 1));
	uint32_t link = ledger_history_head(&L, (uint32_t)index);
	uint64_t expect = 10;
	int64_t slot;
	while ((slot = ledger_history_next(&L, &link)) >= 0)
		assert_int_equal(L.slots[slot].id.lo, expect--);
	assert_int_equal(expect, 0);
	link = ledger_history_head(&L, 2);
	assert_int_equal(ledger_history_next(&L, &link), -1);
}

static void test_digest_and_snapshot_shape(void **state)
{
	(void)state;
	std_accounts();
	assert_int_equal(xfer(tu_transfer(1, 1, 2, 100, 0)), SZ_R_OK);
	struct ledger_memory m;
	ledger_memory(&L, &m);
	assert_true(m.accounts_bytes > 4 * sizeof(sz_account));
	assert_true(m.transfers_bytes >= sizeof(struct ledger_slot));
}

/* ---- randomized comparison with a reference model -------------------------------- */

#define MODEL_ACCOUNTS 12
#define MODEL_OPS 20000

struct model_account {
	uint64_t dp, dpost, cp, cpost;
	uint16_t flags;
	bool exists;
};

struct model_pending {
	uint64_t id, debit, credit, amount;
	bool open;
};

static uint64_t rng_state = 12345;
static uint64_t rnd(uint64_t n)
{
	rng_state += 0x9e3779b97f4a7c15ull;
	uint64_t z = rng_state;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (z ^ (z >> 31)) % n;
}

/* The reference model: the same rules, written plainly, for single
 * and pending transfers and posts between existing accounts. */
static uint32_t model_transfer(struct model_account *m, uint64_t d, uint64_t c, uint64_t amount, bool pending)
{
	if (amount == 0)
		return SZ_R_AMOUNT_ZERO;
	if (d == c)
		return SZ_R_ACCOUNTS_SAME;
	struct model_account *dr = &m[d], *cr = &m[c];
	if ((dr->flags & SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS) && dr->dp + dr->dpost + amount > dr->cpost)
		return SZ_R_EXCEEDS_CREDITS;
	if ((cr->flags & SZ_ACCOUNT_CREDITS_MUST_NOT_EXCEED_DEBITS) && cr->cp + cr->cpost + amount > cr->dpost)
		return SZ_R_EXCEEDS_DEBITS;
	if (pending) {
		dr->dp += amount;
		cr->cp += amount;
	} else {
		dr->dpost += amount;
		cr->cpost += amount;
	}
	return SZ_R_OK;
}

static void test_randomized_model(void **state)
{
	(void)state;
	struct model_account m[MODEL_ACCOUNTS + 1];
	static struct model_pending pend[MODEL_OPS];
	uint32_t pend_count = 0;
	memset(m, 0, sizeof m);
	for (uint64_t i = 1; i <= MODEL_ACCOUNTS; i++) {
		uint16_t flags = i <= 4 ? 0 : i <= 9 ? SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS : SZ_ACCOUNT_CREDITS_MUST_NOT_EXCEED_DEBITS;
		assert_int_equal(mkacct(i, CNY, flags), SZ_R_OK);
		m[i].flags = flags;
		m[i].exists = true;
	}
	uint64_t next_id = 1;
	for (uint32_t op = 0; op < MODEL_OPS; op++) {
		uint64_t kind = rnd(10);
		if (kind < 7) {
			uint64_t d = 1 + rnd(MODEL_ACCOUNTS), c = 1 + rnd(MODEL_ACCOUNTS), amount = rnd(1000);
			bool pending = kind >= 5;
			uint64_t id = next_id++;
			uint32_t expect = model_transfer(m, d, c, amount, pending);
			assert_int_equal(xfer(tu_transfer(id, d, c, amount, pending ? SZ_TRANSFER_PENDING : 0)), expect);
			if (pending && expect == SZ_R_OK)
				pend[pend_count++] = (struct model_pending){ id, d, c, amount, true };
		} else if (pend_count > 0) {
			struct model_pending *p = &pend[rnd(pend_count)];
			bool post = kind < 9;
			uint64_t amount = p->amount ? rnd(p->amount) + 1 : 0;
			sz_transfer t = tu_transfer(next_id++, 0, 0, post ? amount : 0, post ? SZ_TRANSFER_POST_PENDING : SZ_TRANSFER_VOID_PENDING);
			t.currency = 0;
			t.pending_id = sz_id_make(0, p->id);
			uint32_t r = xfer(t);
			if (!p->open) {
				assert_true(r == SZ_R_PENDING_ALREADY_POSTED || r == SZ_R_PENDING_ALREADY_VOIDED);
				continue;
			}
			assert_int_equal(r, SZ_R_OK);
			m[p->debit].dp -= p->amount;
			m[p->credit].cp -= p->amount;
			if (post) {
				m[p->debit].dpost += amount;
				m[p->credit].cpost += amount;
			}
			p->open = false;
		}
		if (op % 1000 == 0)
			assert_invariants();
	}
	for (uint64_t i = 1; i <= MODEL_ACCOUNTS; i++) {
		const sz_account *a = get(i);
		assert_int_equal(a->debits_pending, m[i].dp);
		assert_int_equal(a->debits_posted, m[i].dpost);
		assert_int_equal(a->credits_pending, m[i].cp);
		assert_int_equal(a->credits_posted, m[i].cpost);
	}
	assert_invariants();
}

/* Growth of the indexes across rehashes, with chains rolled back on the way. */
static void test_many_accounts_and_rollback(void **state)
{
	(void)state;
	for (uint64_t i = 1; i <= 5000; i++)
		assert_int_equal(mkacct(i, CNY, 0), SZ_R_OK);
	chain_begin();
	for (uint64_t i = 5001; i <= 9000; i++)
		assert_int_equal(mkacct(i, CNY, 0), SZ_R_OK);
	for (uint64_t i = 1; i <= 3000; i++)
		assert_int_equal(xfer(tu_transfer(i, i, i + 1, 1, i % 3 ? 0 : SZ_TRANSFER_PENDING)), SZ_R_OK);
	chain_rollback();
	assert_int_equal(L.account_count, 5000);
	assert_int_equal(L.slot_count, 0);
	for (uint64_t i = 1; i <= 9000; i++)
		assert_true((get(i) != NULL) == (i <= 5000));
	assert_invariants();
}

/* Every result code has a unique snake_case name and a text. */
static void test_result_names(void **state)
{
	(void)state;
	for (uint32_t a = 0; a < SZ_R_LEDGER_END_; a++) {
		const char *name = sz_result_name(a);
		assert_string_not_equal(name, "unknown");
		assert_true(strlen(sz_result_text(a)) > 5);
		for (const char *p = name; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
		for (uint32_t b = a + 1; b < SZ_R_LEDGER_END_; b++)
			assert_string_not_equal(name, sz_result_name(b));
	}
	assert_string_equal(sz_result_name(SZ_R_LEDGER_END_ + 1000), "unknown");
}

int main(void)
{
	sz_hash_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_result_names),
		cmocka_unit_test_setup_teardown(test_account_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transfer_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transfer_rejections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idempotency, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frozen_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_phase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linked_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_digest_and_snapshot_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_randomized_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_accounts_and_rollback, setup, teardown),
	};
	return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
