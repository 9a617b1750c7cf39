/*
 * test_currency_util.h — helpers for the currency and contract tests: a
 * struct sz_state with every domain registered, driven one batch at a time
 * at a batch time the test controls (days, years, deadlines), with the
 * state's invariants (two-tier included) checked after every batch.
 */
#ifndef SZ_TEST_CURRENCY_UTIL_H
#define SZ_TEST_CURRENCY_UTIL_H

#include "testutil.h"

#include "contract/contract.h"
#include "core/hash.h"
#include "currency/currency.h"
#include "currency/offline.h"
#include "engine/state.h"
#include "ledger/ledger.h"

#define YUAN(y) ((uint64_t)(y) * 100u)
#define NS_S 1000000000ull
#define NS_DAY (86400ull * NS_S)
/* 2025-03-01 10:00 China time (02:00 UTC). */
#define CU_T0 (1740794400ull * NS_S)

#define BANK 11u    /* tenant of a bank operator */
#define PAYINST 22u /* tenant of a payment institution */

struct cu {
	struct sz_state s;
	uint64_t t;      /* next batch time */
	uint64_t seq;
	uint64_t next_id;
};

static inline void cu_init(struct cu *x)
{
	memset(x, 0, sizeof *x);
	assert_int_equal(sz_hash_init(), 0);
	assert_int_equal(sz_state_init(&x->s), 0);
	assert_int_equal(sz_state_register_domains(&x->s), 0);
	x->t = CU_T0;
	x->next_id = 1000;
}

static inline void cu_release(struct cu *x) { sz_state_release(&x->s); }

static inline struct currency_state *cu_cur(struct cu *x) { return currency_state_get(&x->s); }

/* Apply count commands from buf as one batch; check invariants. */
static inline void cu_batch(struct cu *x, const void *buf, uint32_t size, uint32_t count, uint32_t *results)
{
	x->seq++;
	sz_state_apply_batch(&x->s, x->seq, x->t, buf, size, count, 0, results);
	x->t += 1000000; /* 1 ms */
	char why[256];
	if (sz_state_check_invariants(&x->s, why, sizeof why) != 0)
		fail_msg("invariant: %s", why);
}

static inline uint32_t cu_run(struct cu *x, uint16_t kind, const void *body, uint32_t size)
{
	uint64_t buf[4096 / 8];
	uint32_t n = 0, result = 9999;
	tu_append((uint8_t *)buf, &n, kind, body, size);
	cu_batch(x, buf, n, 1, &result);
	return result;
}

static inline sz_id cu_id(struct cu *x) { return sz_id_make(0x7e57, x->next_id++); }

static inline const sz_account *cu_account(struct cu *x, sz_id id)
{
	const sz_account *a = ledger_account_get(sz_ledger_const(&x->s), id);
	assert_non_null(a);
	return a;
}

static inline uint64_t cu_balance(struct cu *x, sz_id id) { return currency_account_balance(cu_account(x, id)); }

static inline uint32_t cu_operator(struct cu *x, uint64_t tenant, uint16_t type)
{
	struct currency_operator_cmd c;
	memset(&c, 0, sizeof c);
	c.id = sz_id_make(0x0b, tenant);
	c.tenant_id = tenant;
	c.currency = CNY;
	c.type = type;
	snprintf(c.name, sizeof c.name, "operator %llu", (unsigned long long)tenant);
	return cu_run(x, CURRENCY_CMD_OPERATOR_REGISTER, &c, sizeof c);
}

static inline uint32_t cu_reserve(struct cu *x, uint64_t tenant, uint64_t amount, uint16_t direction)
{
	struct currency_reserve_cmd c;
	memset(&c, 0, sizeof c);
	c.id = cu_id(x);
	c.tenant_id = tenant;
	c.amount = amount;
	c.direction = direction;
	return cu_run(x, CURRENCY_CMD_RESERVE, &c, sizeof c);
}

static inline uint32_t cu_issue(struct cu *x, uint16_t kind, uint64_t tenant, uint64_t amount)
{
	struct currency_issue_cmd c = { cu_id(x), tenant, amount };
	return cu_run(x, kind, &c, sizeof c);
}

/* A bank (operator) with reserve and issued currency in its vault. */
static inline void cu_setup_operator(struct cu *x, uint64_t tenant, uint16_t type, uint64_t issued)
{
	assert_int_equal(cu_operator(x, tenant, type), SZ_R_OK);
	assert_int_equal(cu_reserve(x, tenant, issued, 0), SZ_R_OK);
	assert_int_equal(cu_issue(x, CURRENCY_CMD_ISSUE, tenant, issued), SZ_R_OK);
}

/* A customer's bank-deposit account at tenant holding amount (raw ledger). */
static inline sz_id cu_bank_account(struct cu *x, uint64_t tenant, uint64_t amount)
{
	sz_id funding = sz_id_make(0xf0, tenant);
	if (ledger_account_get(sz_ledger_const(&x->s), funding) == NULL) {
		sz_account f = tu_account(0, CNY, 0);
		f.id = funding;
		f.tenant_id = tenant;
		assert_int_equal(cu_run(x, SZ_CMD_CREATE_ACCOUNT, &f, sizeof f), SZ_R_OK);
	}
	sz_account a = tu_account(0, CNY, SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS);
	a.id = cu_id(x);
	a.kind = SZ_KIND_BANK_DEPOSIT;
	a.tenant_id = tenant;
	assert_int_equal(cu_run(x, SZ_CMD_CREATE_ACCOUNT, &a, sizeof a), SZ_R_OK);
	if (amount > 0) {
		sz_transfer t = tu_transfer(0, 0, 0, amount, 0);
		t.id = cu_id(x);
		t.debit_account_id = funding;
		t.credit_account_id = a.id;
		assert_int_equal(cu_run(x, SZ_CMD_CREATE_TRANSFER, &t, sizeof t), SZ_R_OK);
	}
	return a.id;
}

static inline struct currency_wallet_open_cmd cu_wallet_cmd(struct cu *x, uint64_t tenant, uint8_t class_level,
							   uint16_t type, sz_id bank)
{
	struct currency_wallet_open_cmd c;
	memset(&c, 0, sizeof c);
	c.id = cu_id(x);
	c.owner_id = sz_id_make(0x0e, c.id.lo);
	c.tenant_id = tenant;
	c.class_level = class_level;
	c.type = type;
	c.bank_account_id = bank;
	if (type == CURRENCY_WALLET_MERCHANT)
		c.mcc = 5812;
	return c;
}

static inline sz_id cu_wallet(struct cu *x, uint64_t tenant, uint8_t class_level, uint16_t type, sz_id bank)
{
	struct currency_wallet_open_cmd c = cu_wallet_cmd(x, tenant, class_level, type, bank);
	assert_int_equal(cu_run(x, CURRENCY_CMD_WALLET_OPEN, &c, sizeof c), SZ_R_OK);
	return c.id;
}

static inline uint32_t cu_amount_cmd(struct cu *x, uint16_t kind, sz_id target, uint64_t amount, uint64_t aux)
{
	struct currency_amount_cmd c = { cu_id(x), target, amount, aux };
	return cu_run(x, kind, &c, sizeof c);
}

/* A wallet funded from a fresh bank account (a large class-1 cap if needed). */
static inline sz_id cu_funded_wallet(struct cu *x, uint64_t tenant, uint8_t class_level, uint64_t amount)
{
	sz_id bank = cu_bank_account(x, tenant, amount + YUAN(1000000));
	sz_id w = cu_wallet(x, tenant, class_level, CURRENCY_WALLET_PERSONAL, bank);
	if (amount > 0)
		assert_int_equal(cu_amount_cmd(x, CURRENCY_CMD_TOPUP, w, amount, 0), SZ_R_OK);
	return w;
}

static inline uint32_t cu_pay_id(struct cu *x, sz_id id, sz_id payer, sz_id payee, uint64_t amount, uint16_t mcc)
{
	struct currency_pay_cmd c;
	memset(&c, 0, sizeof c);
	c.id = id;
	c.payer_id = payer;
	c.payee_id = payee;
	c.amount = amount;
	c.mcc = mcc;
	return cu_run(x, CURRENCY_CMD_PAY, &c, sizeof c);
}

static inline uint32_t cu_pay(struct cu *x, sz_id payer, sz_id payee, uint64_t amount)
{
	return cu_pay_id(x, cu_id(x), payer, payee, amount, 0);
}

static inline void cu_digest(struct cu *x, uint8_t out[32]) { sz_state_digest(&x->s, out); }

#endif
