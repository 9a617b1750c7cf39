/*
 * currency.c — the currency domain's state as a whole: registration, indexes,
 * money movement with liability bookkeeping, limit
 * checks, the China-time calendar, snapshot, digest and the two-tier
 * invariant. Command apply functions live in wallet.c and device.c; the
 * limits configuration in config.c. See currency.h for the model.
 *
 * Memory: wallets, remembered commands, devices and sync records live in
 * arrays reserved once in virtual memory (core/vm.h) at their limits.h
 * maximum, so records never move: the journal may hold pointers into them.
 */
#include "currency/internal.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/results.h"
#include "core/vm.h"
#include "log/snapshot.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const struct sz_result_info currency_results[] = {
#define CURRENCY_RESULT_INFO(n, name, code, text) { n, code, text },
	CURRENCY_RESULT_LIST(CURRENCY_RESULT_INFO)
#undef CURRENCY_RESULT_INFO
};

/* Results that are not plain rejections (the API answers 404 / 409). */
static const struct sz_result_class_info currency_result_classes[] = {
	{ CURRENCY_R_OPERATOR_NOT_FOUND, SZ_RESULT_CLASS_NOT_FOUND },
	{ CURRENCY_R_WALLET_NOT_FOUND, SZ_RESULT_CLASS_NOT_FOUND },
	{ CURRENCY_R_PAYMENT_NOT_FOUND, SZ_RESULT_CLASS_NOT_FOUND },
	{ CURRENCY_R_DEVICE_NOT_FOUND, SZ_RESULT_CLASS_NOT_FOUND },
	{ CURRENCY_R_WALLET_CLOSED, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_DEVICE_SUSPENDED, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_WALLET_HAS_BALANCE, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_WALLET_HAS_SUB_WALLETS, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_LIMITS_VERSION_INVALID, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_BALANCE_OVER_CLASS_CAP, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_WALLET_HAS_DEVICES, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_WALLET_HAS_CONTRACTS, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_ID_TAKEN_BY_OTHER_KIND, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_WALLET_FROZEN, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_WALLET_RECEIVE_ONLY, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_WALLET_PAY_ONLY, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_WALLET_AMOUNT_FROZEN, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_CONTROL_NOT_SET, SZ_RESULT_CLASS_CONFLICT },
	{ CURRENCY_R_BANK_ACCOUNT_OTHER_OPERATOR, SZ_RESULT_CLASS_CONFLICT },
};

/* ---- small helpers --------------------------------------------------------- */

bool currency_bytes_zero(const void *p, size_t size)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < size; i++)
		if (b[i] != 0)
			return false;
	return true;
}

sz_id currency_derive_id(sz_id base, uint32_t tag, uint64_t step)
{
	uint64_t a = sz_mix64(base.lo ^ step, base.hi ^ ((uint64_t)tag << 32));
	uint64_t b = sz_mix64(a ^ base.hi, step + 0x9e3779b97f4a7c15ull * tag);
	sz_id id = sz_id_make(b | 1ull << 63, a); /* top bit set: never zero */
	return id;
}

#define CHINA_OFFSET_S (8ull * 3600ull)

uint32_t currency_china_day(uint64_t t_ns)
{
	return (uint32_t)((t_ns / 1000000000ull + CHINA_OFFSET_S) / 86400ull);
}

/* Civil year of a day count since 1970-01-01 (Howard Hinnant's algorithm). */
static int32_t civil_year(uint32_t day)
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = z / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	return (int32_t)(m <= 2 ? y + 1 : y);
}

/* Every payment asks for the year of the same batch time (twice): the last
 * day's answer is kept per thread. A pure function's memo, not state. */
int32_t currency_china_year(uint64_t t_ns)
{
	static _Thread_local uint32_t memo_day = UINT32_MAX;
	static _Thread_local int32_t memo_year;
	uint32_t day = currency_china_day(t_ns);
	if (day != memo_day) {
		memo_year = civil_year(day);
		memo_day = day;
	}
	SZ_ASSERT(memo_year >= 1970);
	return memo_year;
}

uint64_t currency_account_balance(const sz_account *a)
{
	uint64_t out = a->debits_posted + a->debits_pending;
	return a->credits_posted > out ? a->credits_posted - out : 0;
}

uint32_t currency_map_debit_result(uint32_t r)
{
	return r == SZ_R_EXCEEDS_CREDITS ? CURRENCY_R_INSUFFICIENT_FUNDS : r;
}


/* ---- indexes -------------------------------------------------------------------- */

static sz_id operator_key(const void *base, uint32_t i)
{
	return sz_id_make(0, ((const struct currency_operator *)base)[i].cmd.tenant_id);
}
static sz_id wallet_key(const void *base, uint32_t i) { return ((const struct currency_wallet *)base)[i].id; }
static sz_id op_key(const void *base, uint32_t i) { return ((const struct currency_op *)base)[i].id; }
static sz_id device_key(const void *base, uint32_t i) { return ((const struct currency_device *)base)[i].id; }

struct currency_operator *currency_operator_mut(struct currency_state *c, uint64_t tenant_id)
{
	if (tenant_id == 0)
		return NULL;
	int64_t i = ledger_index_find(&c->operator_index, c->operators, operator_key, sz_id_make(0, tenant_id));
	return i < 0 ? NULL : &c->operators[i];
}

const struct currency_operator *currency_operator_find(const struct currency_state *c, uint64_t tenant_id)
{
	return currency_operator_mut((struct currency_state *)c, tenant_id);
}

uint32_t currency_operator_count(const struct currency_state *c) { return c->operator_count; }

const struct currency_operator *currency_operator_at(const struct currency_state *c, uint32_t index)
{
	SZ_ASSERT(index < c->operator_count);
	return &c->operators[index];
}

int64_t currency_wallet_index(const struct currency_state *c, sz_id id)
{
	return ledger_index_find(&c->wallet_index, c->wallets, wallet_key, id);
}

const struct currency_wallet *currency_wallet_find(const struct currency_state *c, sz_id id)
{
	int64_t i = currency_wallet_index(c, id);
	return i < 0 ? NULL : &c->wallets[i];
}

const struct currency_wallet *currency_wallet_parent(const struct currency_state *c, const struct currency_wallet *w)
{
	SZ_ASSERT(w->parent <= c->wallet_count);
	return w->parent ? &c->wallets[w->parent - 1] : NULL;
}

const struct currency_wallet *currency_op_wallet(const struct currency_state *c, uint32_t ref)
{
	SZ_ASSERT(ref <= c->wallet_count);
	return ref ? &c->wallets[ref - 1] : NULL;
}

uint8_t currency_wallet_class(const struct currency_state *c, const struct currency_wallet *w)
{
	return w->parent ? c->wallets[w->parent - 1].class_level : w->class_level;
}

int64_t currency_device_index(const struct currency_state *c, sz_id id)
{
	return ledger_index_find(&c->device_index, c->devices, device_key, id);
}

const struct currency_device *currency_device_find(const struct currency_state *c, sz_id id)
{
	int64_t i = currency_device_index(c, id);
	return i < 0 ? NULL : &c->devices[i];
}

int64_t currency_op_index(const struct currency_state *c, sz_id id)
{
	return ledger_index_find(&c->op_index, c->ops, op_key, id);
}

const struct currency_op *currency_op_find(const struct currency_state *c, sz_id id)
{
	int64_t i = currency_op_index(c, id);
	return i < 0 ? NULL : &c->ops[i];
}

const struct currency_sync_record *currency_sync_find(const struct currency_state *c, sz_id id)
{
	const struct currency_op *op = currency_op_find(c, id);
	if (op == NULL || op->kind != CURRENCY_CMD_DEVICE_SYNC || op->aux == 0)
		return NULL;
	return &c->syncs[op->aux - 1];
}

void currency_operator_append(struct currency_state *c, const struct currency_operator *op)
{
	SZ_ASSERT(c->operator_count < CURRENCY_OPERATOR_COUNT_MAX);
	SZ_JOURNAL_FIELD(c->operators[c->operator_count]);
	SZ_JOURNAL_FIELD(c->operator_count);
	c->operators[c->operator_count] = *op;
	int rc = ledger_index_insert(&c->operator_index, c->operators, operator_key,
				     sz_id_make(0, op->cmd.tenant_id), c->operator_count);
	SZ_ASSERT(rc == 0);
	c->operator_count++;
}

struct currency_wallet *currency_wallet_append(struct currency_state *c, const struct currency_wallet *w)
{
	SZ_ASSERT(c->wallet_count < CURRENCY_WALLET_COUNT_MAX);
	SZ_JOURNAL_FIELD(c->wallets[c->wallet_count]);
	SZ_JOURNAL_FIELD(c->wallet_count);
	c->wallets[c->wallet_count] = *w;
	int rc = ledger_index_insert(&c->wallet_index, c->wallets, wallet_key, w->id, c->wallet_count);
	SZ_ASSERT(rc == 0);
	return &c->wallets[c->wallet_count++];
}

struct currency_device *currency_device_append(struct currency_state *c, const struct currency_device *d)
{
	SZ_ASSERT(c->device_count < CURRENCY_DEVICE_COUNT_MAX);
	SZ_JOURNAL_FIELD(c->devices[c->device_count]);
	SZ_JOURNAL_FIELD(c->device_count);
	c->devices[c->device_count] = *d;
	int rc = ledger_index_insert(&c->device_index, c->devices, device_key, d->id, c->device_count);
	SZ_ASSERT(rc == 0);
	return &c->devices[c->device_count++];
}

uint32_t currency_op_check(const struct currency_state *c, sz_id id, uint16_t kind, uint64_t fingerprint)
{
	if (sz_id_is_zero(id))
		return SZ_R_ID_ZERO;
	int64_t i = currency_op_index(c, id);
	if (i < 0)
		return c->op_count < CURRENCY_OP_COUNT_MAX ? SZ_R_OK : SZ_R_LIMIT_REACHED;
	if (c->ops[i].kind != kind)
		return CURRENCY_R_ID_TAKEN_BY_OTHER_KIND;
	return c->ops[i].fingerprint == fingerprint ? SZ_R_EXISTS : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
}

struct currency_op *currency_op_add(struct currency_state *c, sz_id id, uint64_t fingerprint, uint16_t kind,
				    uint64_t amount, uint64_t now_ns)
{
	SZ_ASSERT(c->op_count < CURRENCY_OP_COUNT_MAX);
	struct currency_op *op = &c->ops[c->op_count];
	/* The record past op_count is not state: a rollback restores op_count
	 * and the index buckets, which hides it, and the next append overwrites
	 * it whole. So only the count is journalled, not the old bytes of a
	 * fresh record (reading them was a cache miss, often a page fault, per
	 * payment). */
	SZ_JOURNAL_FIELD(c->op_count);
	memset(op, 0, sizeof *op);
	op->id = id;
	op->fingerprint = fingerprint;
	op->kind = kind;
	op->amount = amount;
	op->timestamp_ns = now_ns;
	int rc = ledger_index_insert(&c->op_index, c->ops, op_key, id, c->op_count);
	SZ_ASSERT(rc == 0);
	c->op_count++;
	return op;
}

struct currency_supply_row *currency_supply_row(struct currency_state *c, uint32_t currency)
{
	for (uint32_t i = 0; i < c->supply_count; i++)
		if (c->supply[i].currency == currency)
			return &c->supply[i];
	return NULL;
}

uint64_t currency_supply(const struct currency_state *c, uint32_t currency)
{
	const struct currency_supply_row *r = currency_supply_row((struct currency_state *)c, currency);
	return r ? r->supply_fen : 0;
}

/* ---- ledger access -------------------------------------------------------------- */

uint32_t currency_account_create(struct sz_state *s, sz_id id, sz_id owner_id, uint64_t tenant_id, uint32_t currency,
				 uint16_t kind, uint16_t flags, uint32_t role, uint64_t now_ns)
{
	sz_account a;
	memset(&a, 0, sizeof a);
	a.id = id;
	a.owner_id = owner_id;
	a.tenant_id = tenant_id;
	a.currency = currency;
	a.kind = kind;
	a.flags = flags;
	a.user_data = CURRENCY_TAG | role;
	struct ledger_ctx lctx = { .timestamp_ns = now_ns, .log_pos = 0 };
	uint32_t r = ledger_create_account(sz_ledger(s), &a, &lctx);
	/* An account of that id made by someone else is not ours to adopt. */
	return r == SZ_R_EXISTS ? SZ_R_EXISTS_WITH_DIFFERENT_FIELDS : r;
}

uint32_t currency_contract_account_open(struct sz_state *s, sz_id id, sz_id owner_id, uint64_t tenant_id,
					uint32_t currency, uint64_t now_ns)
{
	return currency_account_create(s, id, owner_id, tenant_id, currency, SZ_KIND_ESCROW,
				       SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS, CURRENCY_ROLE_CONTRACT, now_ns);
}

static bool role_is_customer(const sz_account *a)
{
	if ((a->user_data & 0xffffffff00000000ull) != CURRENCY_TAG)
		return false;
	uint32_t role = (uint32_t)a->user_data;
	return role >= 1 && role < CURRENCY_ROLE_CUSTOMER_END;
}

/* Liability follows customer money across operators: debit side gives it
 * up, credit side takes it on. */
static void liability_adjust(struct currency_state *c, const sz_account *a, uint64_t amount, bool credit)
{
	if (!role_is_customer(a))
		return;
	struct currency_operator *op = currency_operator_mut(c, a->tenant_id);
	SZ_ASSERT(op != NULL); /* customer accounts are only created for known operators */
	SZ_JOURNAL_FIELD(op->liability_fen);
	if (credit)
		op->liability_fen += amount;
	else {
		SZ_ASSERT(op->liability_fen >= amount);
		op->liability_fen -= amount;
	}
}

uint32_t currency_move_accounts(struct sz_state *s, struct currency_state *c, sz_id base, uint32_t step,
				const sz_account *dr, const sz_account *cr, uint64_t amount, uint16_t code, uint64_t now_ns)
{
	SZ_ASSERT(dr != NULL && cr != NULL);
	sz_transfer t;
	memset(&t, 0, sizeof t);
	t.id = currency_derive_id(base, CURRENCY_TRANSFER_TAG, step);
	t.debit_account_id = dr->id;
	t.credit_account_id = cr->id;
	t.user_ref = base;
	t.amount = amount;
	t.code = code;
	t.currency = dr->currency;
	struct ledger_ctx lctx = { .timestamp_ns = now_ns, .log_pos = 0 };
	uint32_t r = ledger_create_transfer(sz_ledger(s), &t, &lctx);
	if (r != SZ_R_OK)
		return r == SZ_R_EXISTS ? SZ_R_EXISTS_WITH_DIFFERENT_FIELDS : r;
	if (dr->tenant_id != cr->tenant_id || role_is_customer(dr) != role_is_customer(cr)) {
		liability_adjust(c, dr, amount, false);
		liability_adjust(c, cr, amount, true);
	}
	return SZ_R_OK;
}

uint32_t currency_move(struct sz_state *s, struct currency_state *c, sz_id base, uint32_t step,
		       sz_id debit_id, sz_id credit_id, uint64_t amount, uint16_t code, uint64_t now_ns)
{
	const sz_account *dr = ledger_account_get(sz_ledger(s), debit_id);
	const sz_account *cr = ledger_account_get(sz_ledger(s), credit_id);
	if (dr == NULL || cr == NULL)
		return dr == NULL ? SZ_R_DEBIT_ACCOUNT_NOT_FOUND : SZ_R_CREDIT_ACCOUNT_NOT_FOUND;
	return currency_move_accounts(s, c, base, step, dr, cr, amount, code, now_ns);
}

/* ---- limits --------------------------------------------------------------------- */

const struct currency_class_limits *currency_class_limits_at(const struct currency_state *c,
							     const struct currency_wallet *w, uint64_t t_ns)
{
	SZ_ASSERT(w->class_level >= 1 && w->class_level <= 4);
	return &currency_limits_at(c, t_ns)->classes[w->class_level - 1];
}

static bool over(uint64_t limit, uint64_t used, uint64_t amount)
{
	uint64_t sum;
	if (limit == 0)
		return false;
	return __builtin_add_overflow(used, amount, &sum) || sum > limit;
}

static uint64_t day_used(const struct currency_wallet *w, uint32_t day) { return w->day == day ? w->day_out_fen : 0; }
static uint64_t year_used(const struct currency_wallet *w, int32_t year) { return w->year == year ? w->year_out_fen : 0; }

/* Class and own limits of a main wallet (own limits share the class codes). */
static uint32_t main_spend_check(const struct currency_state *c, const struct currency_wallet *w, uint64_t amount,
				 uint64_t t_ns)
{
	const struct currency_class_limits *cls = currency_class_limits_at(c, w, t_ns);
	if (over(cls->payment_fen, 0, amount) || over(w->own.payment_fen, 0, amount))
		return CURRENCY_R_PER_PAYMENT_LIMIT_EXCEEDED;
	uint64_t d = day_used(w, currency_china_day(t_ns));
	/* The holder's own limit is at most the class's: named first, it is the one the holder chose. */
	if (over(w->holder_daily_fen, d, amount))
		return CURRENCY_R_HOLDER_DAILY_LIMIT_EXCEEDED;
	if (over(cls->daily_fen, d, amount) || over(w->own.daily_fen, d, amount))
		return CURRENCY_R_DAILY_OUTFLOW_LIMIT_EXCEEDED;
	uint64_t y = year_used(w, currency_china_year(t_ns));
	if (over(cls->annual_fen, y, amount) || over(w->own.annual_fen, y, amount))
		return CURRENCY_R_ANNUAL_OUTFLOW_LIMIT_EXCEEDED;
	return SZ_R_OK;
}

uint32_t currency_spend_check(const struct currency_state *c, const struct sz_state *s,
			      const struct currency_wallet *w, uint64_t amount, uint64_t batch_time_ns)
{
	(void)s;
	if (w->flags & CURRENCY_WALLET_CLOSED)
		return CURRENCY_R_WALLET_CLOSED;
	if (w->parent == 0)
		return main_spend_check(c, w, amount, batch_time_ns);
	if (over(w->own.payment_fen, 0, amount))
		return CURRENCY_R_SUB_WALLET_PER_PAYMENT_LIMIT_EXCEEDED;
	if (over(w->own.daily_fen, day_used(w, currency_china_day(batch_time_ns)), amount))
		return CURRENCY_R_SUB_WALLET_DAILY_LIMIT_EXCEEDED;
	return main_spend_check(c, &c->wallets[w->parent - 1], amount, batch_time_ns);
}

/* The outflow counters and their day and year lie together in the wallet
 * record (created_ns between them is not written): one journal record for
 * the four instead of one each, per wallet per payment or fiscal line. */
#define OUTFLOW_FIRST offsetof(struct currency_wallet, day_out_fen)
#define OUTFLOW_END (offsetof(struct currency_wallet, year) + sizeof(int32_t))
_Static_assert(offsetof(struct currency_wallet, year_out_fen) > OUTFLOW_FIRST &&
		       offsetof(struct currency_wallet, day) > OUTFLOW_FIRST &&
		       offsetof(struct currency_wallet, year_out_fen) + sizeof(uint64_t) <= OUTFLOW_END &&
		       offsetof(struct currency_wallet, day) + sizeof(uint32_t) <= OUTFLOW_END &&
		       OUTFLOW_END - OUTFLOW_FIRST <= 32,
	       "the outflow fields form one short run of the wallet record");

static void count_outflow(struct currency_wallet *w, uint64_t amount, uint64_t t_ns)
{
	uint32_t day = currency_china_day(t_ns);
	int32_t year = currency_china_year(t_ns);
	sz_journal((uint8_t *)w + OUTFLOW_FIRST, OUTFLOW_END - OUTFLOW_FIRST);
	w->day_out_fen = day_used(w, day) + amount;   /* checked against limits, or saturating below */
	w->year_out_fen = year_used(w, year) + amount;
	if (w->day_out_fen < amount)
		w->day_out_fen = UINT64_MAX;
	if (w->year_out_fen < amount)
		w->year_out_fen = UINT64_MAX;
	w->day = day;
	w->year = year;
}

void currency_spend_commit(struct currency_state *c, const struct currency_wallet *w, uint64_t amount,
			   uint64_t batch_time_ns)
{
	struct currency_wallet *mw = &c->wallets[w - c->wallets];
	SZ_ASSERT(mw >= c->wallets && mw < c->wallets + c->wallet_count);
	count_outflow(mw, amount, batch_time_ns);
	if (mw->parent != 0)
		count_outflow(&c->wallets[mw->parent - 1], amount, batch_time_ns);
}

uint64_t currency_family_balance(const struct currency_state *c, const struct sz_state *s,
				 const struct currency_wallet *w)
{
	SZ_ASSERT(w->parent == 0);
	const sz_account *accounts = sz_ledger_const(s)->accounts;
	uint64_t sum = currency_account_balance(&accounts[w->account_index]);
	for (uint32_t k = w->first_sub; k != 0; k = c->wallets[k - 1].next_sub) {
		SZ_ASSERT(k <= c->wallet_count);
		uint64_t b = currency_account_balance(&accounts[c->wallets[k - 1].account_index]);
		sum = __builtin_add_overflow(sum, b, &sum) ? UINT64_MAX : sum;
	}
	return sum;
}

static uint64_t cap_room(uint64_t cap, uint64_t held)
{
	if (cap == 0)
		return UINT64_MAX;
	return held >= cap ? 0 : cap - held;
}

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

uint64_t currency_receive_room(const struct currency_state *c, const struct sz_state *s,
			       const struct currency_wallet *w, uint64_t batch_time_ns)
{
	uint64_t room = UINT64_MAX;
	const struct currency_wallet *main = w;
	if (w->parent != 0) {
		room = cap_room(w->own.balance_fen, currency_account_balance(&sz_ledger_const(s)->accounts[w->account_index]));
		main = &c->wallets[w->parent - 1];
	}
	uint64_t family = currency_family_balance(c, s, main);
	const struct currency_class_limits *cls = currency_class_limits_at(c, main, batch_time_ns);
	room = min_u64(room, cap_room(cls->balance_fen, family));
	return min_u64(room, cap_room(main->own.balance_fen, family));
}

uint32_t currency_receive_check(const struct currency_state *c, const struct sz_state *s,
				const struct currency_wallet *w, uint64_t amount, uint64_t batch_time_ns)
{
	if (w->flags & CURRENCY_WALLET_CLOSED)
		return CURRENCY_R_WALLET_CLOSED;
	const struct currency_wallet *main = w;
	if (w->parent != 0) {
		uint64_t balance = currency_account_balance(&sz_ledger_const(s)->accounts[w->account_index]);
		if (over(w->own.balance_fen, balance, amount))
			return CURRENCY_R_SUB_WALLET_BALANCE_CAP_EXCEEDED;
		main = &c->wallets[w->parent - 1];
	}
	/* Sub-wallet balances count toward the main wallet's caps. */
	uint64_t family = currency_family_balance(c, s, main);
	const struct currency_class_limits *cls = currency_class_limits_at(c, main, batch_time_ns);
	if (over(cls->balance_fen, family, amount) || over(main->own.balance_fen, family, amount))
		return CURRENCY_R_BALANCE_CAP_EXCEEDED;
	return SZ_R_OK;
}

/* ---- apply and batch ---------------------------------------------------------- */

static uint32_t currency_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
			       const sz_command_header *cmd)
{
	struct currency_state *c = domain_state;
	SZ_ASSERT(c != NULL);
	SZ_ASSERT(cmd->size >= sizeof *cmd);
	uint32_t r;
	switch (cmd->kind) {
	case CURRENCY_CMD_OPERATOR_REGISTER:
	case CURRENCY_CMD_RESERVE:
	case CURRENCY_CMD_ISSUE:
	case CURRENCY_CMD_REDEEM:
	case CURRENCY_CMD_SET_LIMITS:
		r = currency_apply_operator(s, c, ctx, cmd);
		break;
	case CURRENCY_CMD_WALLET_CONTROL:
	case CURRENCY_CMD_HOLDER_LIMIT:
	case CURRENCY_CMD_MERCHANT_RISK:
		r = currency_apply_control(s, c, ctx, cmd);
		break;
	case CURRENCY_CMD_FISCAL_DISBURSE:
	case CURRENCY_CMD_FISCAL_COLLECT:
		r = currency_apply_fiscal(s, c, ctx, cmd);
		break;
	case CURRENCY_CMD_RATE_SET:
	case CURRENCY_CMD_RESERVE_RATIO:
	case CURRENCY_CMD_INTEREST_PAY:
		r = currency_apply_interest(s, c, ctx, cmd);
		break;
	case CURRENCY_CMD_DEVICE_REGISTER:
	case CURRENCY_CMD_DEVICE_LOAD:
	case CURRENCY_CMD_DEVICE_SYNC:
	case CURRENCY_CMD_DEVICE_SUSPEND:
		r = currency_apply_device(s, c, ctx, cmd);
		break;
	default:
		r = currency_apply_wallet(s, c, ctx, cmd);
		break;
	}
	return r;
}

/* ---- snapshot and digest ---------------------------------------------------------
 * Section layout: u64 operator_count, supply_count, wallet_count, op_count,
 * device_count, sync_count, limits_count, batch_count, fiscal_line_count;
 * then the arrays in that order, raw
 * (records have no padding and are zero-filled when created). */

struct currency_counts {
	uint64_t operators, supply, wallets, ops, devices, syncs, limits, batches, fiscal_lines;
	uint64_t accrual_day; /* not a count: the China day interest was last accrued for */
};

static void counts_of(const struct currency_state *c, struct currency_counts *n)
{
	n->operators = c->operator_count;
	n->supply = c->supply_count;
	n->wallets = c->wallet_count;
	n->ops = c->op_count;
	n->devices = c->device_count;
	n->syncs = c->sync_count;
	n->limits = c->limits_count;
	n->batches = c->batch_count;
	n->fiscal_lines = c->fiscal_line_count;
	n->accrual_day = c->accrual_day;
}

#define ARRAYS(X, c) \
	X((c)->operators, (c)->operator_count) \
	X((c)->supply, (c)->supply_count) \
	X((c)->wallets, (c)->wallet_count) \
	X((c)->ops, (c)->op_count) \
	X((c)->devices, (c)->device_count) \
	X((c)->syncs, (c)->sync_count) \
	X((c)->limits, (c)->limits_count) \
	X((c)->batches, (c)->batch_count) \
	X((c)->fiscal_lines, (c)->fiscal_line_count)

static int currency_snapshot_write(const void *domain_state, struct sz_snap *f)
{
	const struct currency_state *c = domain_state;
	struct currency_counts n;
	counts_of(c, &n);
	int rc = sz_snap_write(f, &n, sizeof n);
#define WRITE_ARRAY(arr, count) \
	if (rc == 0 && (count) > 0) \
		rc = sz_snap_write_array(f, (arr), sizeof((arr)[0]) * (size_t)(count));
	ARRAYS(WRITE_ARRAY, c)
#undef WRITE_ARRAY
	return rc;
}

static int currency_snapshot_read(void *domain_state, struct sz_snap *f)
{
	struct currency_state *c = domain_state;
	struct currency_counts n;
	int rc = sz_snap_read(f, &n, sizeof n);
	if (rc)
		return rc;
	if (n.operators > CURRENCY_OPERATOR_COUNT_MAX || n.supply > CURRENCY_SUPPLY_COUNT_MAX ||
	    n.wallets > CURRENCY_WALLET_COUNT_MAX || n.ops > CURRENCY_OP_COUNT_MAX ||
	    n.devices > CURRENCY_DEVICE_COUNT_MAX || n.syncs > CURRENCY_SYNC_COUNT_MAX ||
	    n.limits == 0 || n.limits > CURRENCY_LIMITS_VERSION_COUNT_MAX || n.batches > CURRENCY_FISCAL_BATCH_COUNT_MAX ||
	    n.fiscal_lines > CURRENCY_FISCAL_LINE_RECORD_COUNT_MAX)
		return SZ_ECORRUPT;
	c->operator_count = (uint32_t)n.operators;
	c->supply_count = (uint32_t)n.supply;
	c->wallet_count = (uint32_t)n.wallets;
	c->op_count = (uint32_t)n.ops;
	c->device_count = (uint32_t)n.devices;
	c->sync_count = (uint32_t)n.syncs;
	c->limits_count = (uint32_t)n.limits;
	c->batch_count = (uint32_t)n.batches;
	c->fiscal_line_count = (uint32_t)n.fiscal_lines;
	if (n.accrual_day > UINT32_MAX)
		return SZ_ECORRUPT;
	c->accrual_day = (uint32_t)n.accrual_day;
#define READ_ARRAY(arr, count) \
	if (rc == 0 && (count) > 0) \
		rc = sz_snap_read_array(f, (arr), sizeof((arr)[0]) * (size_t)(count));
	ARRAYS(READ_ARRAY, c)
#undef READ_ARRAY
	if (rc)
		return rc;
	for (uint32_t i = 0; i < c->operator_count && rc == 0; i++)
		rc = ledger_index_insert(&c->operator_index, c->operators, operator_key, operator_key(c->operators, i), i);
	for (uint32_t i = 0; i < c->wallet_count && rc == 0; i++)
		rc = ledger_index_insert(&c->wallet_index, c->wallets, wallet_key, c->wallets[i].id, i);
	for (uint32_t i = 0; i < c->op_count && rc == 0; i++)
		rc = ledger_index_insert(&c->op_index, c->ops, op_key, c->ops[i].id, i);
	if (rc == 0)
		rc = currency_fiscal_reindex(c);
	currency_controls_recount(c);
	c->settling_count = 0;
	for (uint32_t i = 0; i < c->device_count && rc == 0; i++) {
		rc = ledger_index_insert(&c->device_index, c->devices, device_key, c->devices[i].id, i);
		if (c->devices[i].suspended_ns != 0 && c->devices[i].settled_ns == 0)
			c->settling_count++;
	}
	return rc;
}

static void currency_digest(const void *domain_state, void *blake2b_state)
{
	const struct currency_state *c = domain_state;
	crypto_generichash_state *h = blake2b_state;
	struct currency_counts n;
	counts_of(c, &n);
	crypto_generichash_update(h, (const unsigned char *)"currency", 8);
	crypto_generichash_update(h, (const unsigned char *)&n, sizeof n);
#define DIGEST_ARRAY(arr, count) \
	if ((count) > 0) \
		crypto_generichash_update(h, (const unsigned char *)(arr), sizeof((arr)[0]) * (size_t)(count));
	ARRAYS(DIGEST_ARRAY, c)
#undef DIGEST_ARRAY
}

/* ---- invariants ------------------------------------------------------------------ */

static __int128 net_credit(const sz_account *a)
{
	return (__int128)a->credits_posted - (__int128)a->debits_posted;
}

/* For each operator: the customer-side accounts it keeps (wallets,
 * sub-wallets, devices, contract accounts) hold exactly its liability; for
 * each currency: liabilities plus vaults equal the supply, which equals the
 * central bank's issuance balance. */
static int currency_check_invariants(const struct sz_state *s, const void *domain_state, char *why, size_t why_size)
{
	const struct currency_state *c = domain_state;
	const struct ledger *l = sz_ledger_const(s);
	int rc = 0;
	if (c->operator_count == 0)
		return 0;
	__int128 *held = calloc(c->operator_count, sizeof *held);
	SZ_ASSERT(held != NULL);
	for (uint32_t i = 0; i < l->account_count; i++) {
		const sz_account *a = &l->accounts[i];
		if (!role_is_customer(a))
			continue;
		int64_t op = ledger_index_find(&c->operator_index, c->operators, operator_key, sz_id_make(0, a->tenant_id));
		if (op < 0) {
			snprintf(why, why_size, "currency: customer account %016llx%016llx has no operator",
				 (unsigned long long)a->id.hi, (unsigned long long)a->id.lo);
			rc = SZ_ECORRUPT;
			goto done;
		}
		held[op] += net_credit(a);
	}
	for (uint32_t i = 0; i < c->operator_count; i++) {
		const struct currency_operator *op = &c->operators[i];
		if (held[i] != (__int128)op->liability_fen) {
			snprintf(why, why_size, "currency: operator %llu customers hold %lld, liability %llu",
				 (unsigned long long)op->cmd.tenant_id, (long long)held[i],
				 (unsigned long long)op->liability_fen);
			rc = SZ_ECORRUPT;
			goto done;
		}
	}
	for (uint32_t k = 0; k < c->supply_count; k++) {
		const struct currency_supply_row *row = &c->supply[k];
		__int128 total = 0;
		for (uint32_t i = 0; i < c->operator_count; i++) {
			const struct currency_operator *op = &c->operators[i];
			if (op->cmd.currency != row->currency)
				continue;
			const sz_account *vault = ledger_account_get(l, op->vault_id);
			SZ_ASSERT(vault != NULL);
			total += (__int128)op->liability_fen + net_credit(vault);
		}
		const sz_account *issuance = ledger_account_get(l, row->issuance_id);
		SZ_ASSERT(issuance != NULL);
		if (total != (__int128)row->supply_fen || -net_credit(issuance) != (__int128)row->supply_fen) {
			snprintf(why, why_size, "currency: supply %llu, held by operators %lld, issuance balance %lld",
				 (unsigned long long)row->supply_fen, (long long)total, (long long)-net_credit(issuance));
			rc = SZ_ECORRUPT;
			goto done;
		}
	}
	if (currency_interest_check(s, c, why, why_size) != 0)
		rc = SZ_ECORRUPT;
done:
	free(held);
	return rc;
}

/* ---- lifecycle ---------------------------------------------------------------------- */

#define VM_SIZE(type, count) ((size_t)(count) * sizeof(type))

static void currency_release(void *domain_state)
{
	struct currency_state *c = domain_state;
	if (c == NULL)
		return;
	free(c->operators);
	sz_vm_release(c->wallets, VM_SIZE(struct currency_wallet, CURRENCY_WALLET_COUNT_MAX));
	sz_vm_release(c->ops, VM_SIZE(struct currency_op, CURRENCY_OP_COUNT_MAX));
	sz_vm_release(c->devices, VM_SIZE(struct currency_device, CURRENCY_DEVICE_COUNT_MAX));
	sz_vm_release(c->syncs, VM_SIZE(struct currency_sync_record, CURRENCY_SYNC_COUNT_MAX));
	sz_vm_release(c->batches, VM_SIZE(struct currency_fiscal_batch, CURRENCY_FISCAL_BATCH_COUNT_MAX));
	sz_vm_release(c->fiscal_lines, VM_SIZE(struct currency_fiscal_line, CURRENCY_FISCAL_LINE_RECORD_COUNT_MAX));
	ledger_index_release(&c->batch_index);
	ledger_index_release(&c->operator_index);
	ledger_index_release(&c->wallet_index);
	ledger_index_release(&c->op_index);
	ledger_index_release(&c->device_index);
	free(c);
}

static void currency_prefetch(const struct sz_state *s, const void *state, const sz_command_header *h, int stage)
{
	if (h->kind == CURRENCY_CMD_PAY)
		currency_prefetch_payment(s, state, h, stage);
}

/* Before each batch: a command adds at most one operator, wallet, device
 * and operation record each, so room for command_count more (plus one) lets
 * the batch apply without growing an index. */
static int currency_reserve(void *domain_state, uint32_t command_count)
{
	struct currency_state *c = domain_state;
	SZ_ASSERT(c != NULL);
	SZ_ASSERT(command_count <= SZ_BATCH_COMMAND_COUNT_MAX);
	uint32_t room = command_count + 1;
	int rc = ledger_index_reserve(&c->operator_index, c->operators, operator_key, room);
	if (rc == 0)
		rc = ledger_index_reserve(&c->wallet_index, c->wallets, wallet_key, room);
	if (rc == 0)
		rc = ledger_index_reserve(&c->op_index, c->ops, op_key, room);
	if (rc == 0)
		rc = ledger_index_reserve(&c->device_index, c->devices, device_key, room);
	if (rc == 0)
		rc = currency_fiscal_reserve(c, command_count);
	/* Between batches, on the engine thread: tell the second thread how far
	 * the record arrays have grown (currency_populate_ahead). */
	atomic_store_explicit(&c->hint_op_count, c->op_count, memory_order_relaxed);
	atomic_store_explicit(&c->hint_fiscal_line_count, c->fiscal_line_count, memory_order_relaxed);
	return rc;
}

/* How far ahead of the counts to keep pages faulted in. */
#define POPULATE_AHEAD_OP_COUNT (1u << 17)          /* 9 MiB of operation records */
#define POPULATE_AHEAD_FISCAL_LINE_COUNT (1u << 17) /* fiscal line records */

/* Runs on the engine's second thread while the engine thread applies: a
 * payment or a fiscal line appends a record into fresh memory, and the
 * kernel's zeroing of those pages would otherwise fall on the apply path.
 * Only pages past the published counts (and the record at the count, which
 * the next append may be writing) are touched. */
static void currency_populate_ahead(const void *domain_state)
{
	SZ_ASSERT(domain_state != NULL);
	struct currency_state *c = (struct currency_state *)domain_state;
	SZ_ASSERT(c->ops != NULL && c->fiscal_lines != NULL);
	uint32_t ops = atomic_load_explicit(&c->hint_op_count, memory_order_relaxed);
	uint32_t lines = atomic_load_explicit(&c->hint_fiscal_line_count, memory_order_relaxed);
	if (ops > 0)
		c->populated_op_count = sz_vm_populate_ahead(c->ops, sizeof c->ops[0], ops, c->populated_op_count,
						     POPULATE_AHEAD_OP_COUNT, CURRENCY_OP_COUNT_MAX);
	if (lines > 0)
		c->populated_fiscal_line_count =
			sz_vm_populate_ahead(c->fiscal_lines, sizeof c->fiscal_lines[0], lines, c->populated_fiscal_line_count,
				     POPULATE_AHEAD_FISCAL_LINE_COUNT, CURRENCY_FISCAL_LINE_RECORD_COUNT_MAX);
}

static void currency_batch_begin(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx)
{
	struct currency_state *c = domain_state;
	SZ_ASSERT(c != NULL);
	if (c->settling_count > 0)
		currency_devices_settle(s, c, ctx);
	currency_interest_accrue(s, c, ctx);
}

/* The earliest end of a suspended device's settlement window. */
static uint64_t currency_next_deadline_ns(const void *domain_state)
{
	const struct currency_state *c = domain_state;
	SZ_ASSERT(c != NULL);
	return c->settling_count > 0 ? currency_devices_next_deadline_ns(c) : UINT64_MAX;
}

/* Accounts the currency domain (and contract, through it) holds carry its
 * user_data tag; raw ledger routes refuse them. */
static bool currency_owns_account(const void *domain_state, const sz_account *a)
{
	SZ_ASSERT(domain_state != NULL);
	SZ_ASSERT(a != NULL);
	return currency_user_data_is_domain(a->user_data);
}

int currency_domain_register(struct sz_state *s)
{
	sz_result_register(currency_results, sizeof currency_results / sizeof currency_results[0]);
	sz_result_classes_register(currency_result_classes,
				   sizeof currency_result_classes / sizeof currency_result_classes[0]);
	struct currency_state *c = calloc(1, sizeof *c);
	if (c == NULL)
		return SZ_ENOMEM;
	c->operators = calloc(CURRENCY_OPERATOR_COUNT_MAX, sizeof *c->operators);
	c->wallets = sz_vm_reserve(VM_SIZE(struct currency_wallet, CURRENCY_WALLET_COUNT_MAX));
	c->ops = sz_vm_reserve(VM_SIZE(struct currency_op, CURRENCY_OP_COUNT_MAX));
	c->devices = sz_vm_reserve(VM_SIZE(struct currency_device, CURRENCY_DEVICE_COUNT_MAX));
	c->syncs = sz_vm_reserve(VM_SIZE(struct currency_sync_record, CURRENCY_SYNC_COUNT_MAX));
	c->batches = sz_vm_reserve(VM_SIZE(struct currency_fiscal_batch, CURRENCY_FISCAL_BATCH_COUNT_MAX));
	c->fiscal_lines = sz_vm_reserve(VM_SIZE(struct currency_fiscal_line, CURRENCY_FISCAL_LINE_RECORD_COUNT_MAX));
	if (c->operators == NULL || c->wallets == NULL || c->ops == NULL || c->devices == NULL || c->syncs == NULL ||
	    c->batches == NULL || c->fiscal_lines == NULL || ledger_index_init(&c->operator_index, 0) ||
	    ledger_index_init(&c->wallet_index, 0) || ledger_index_init(&c->op_index, 0) ||
	    ledger_index_init(&c->device_index, 0) || ledger_index_init(&c->batch_index, 0)) {
		currency_release(c);
		return SZ_ENOMEM;
	}
	currency_limits_default(&c->limits[0]);
	c->limits_count = 1;
	struct sz_domain d = {
		.name = "currency",
		.kind_base = SZ_CMD_CURRENCY_BASE,
		.state = c,
		.apply = currency_apply,
		.batch_begin = currency_batch_begin,
		.next_deadline_ns = currency_next_deadline_ns,
		.prefetch = currency_prefetch,
		.snapshot_write = currency_snapshot_write,
		.snapshot_read = currency_snapshot_read,
		.digest = currency_digest,
		.check_invariants = currency_check_invariants,
		.release = currency_release,
		.reserve = currency_reserve,
		.populate_ahead = currency_populate_ahead,
		.owns_account = currency_owns_account,
	};
	int rc = sz_state_register(s, &d);
	if (rc) {
		currency_release(c);
		return rc;
	}
	return currency_controls_register(s, c); /* the state owns c from here on */
}

void currency_holdings_register(struct currency_state *c, currency_holdings_fn fn, const void *holder_state)
{
	SZ_ASSERT(c != NULL && fn != NULL);
	SZ_ASSERT(c->holdings == NULL); /* one domain holds money for wallets */
	c->holdings = fn;
	c->holdings_state = holder_state;
}

struct currency_state *currency_state_get(const struct sz_state *s)
{
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kind_base == SZ_CMD_CURRENCY_BASE)
			return s->domains[i].state;
	return NULL;
}
