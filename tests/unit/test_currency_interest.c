/*
 * test_currency_interest.c — the 2026 rules for bank operators: daily
 * interest accrual on classes 1-3 from a versioned rate table, its payment
 * on the ledger, and the reserve ratio of a bank's issuance. Expected
 * figures are derived by hand in the comments (actual/365, rates in parts
 * per million, truncation to the fen with the remainder carried). Every
 * batch is followed by the state's invariants (cu_batch), the deposit-regime
 * ones included.
 */
#include "test_currency_util.h"

static void cu_tick(struct cu *x)
{
	uint32_t result = 0;
	uint8_t none[8] = { 0 };
	cu_batch(x, none, 0, 0, &result);
}

static uint32_t cu_rate(struct cu *x, uint64_t tenant, uint32_t version, uint32_t ppm, uint64_t from_ns)
{
	struct currency_rate_cmd c = { cu_id(x), tenant, from_ns, version, ppm };
	return cu_run(x, CURRENCY_CMD_RATE_SET, &c, sizeof c);
}

static uint32_t cu_ratio(struct cu *x, uint64_t tenant, uint32_t bp)
{
	struct currency_ratio_cmd c = { cu_id(x), tenant, bp, 0 };
	return cu_run(x, CURRENCY_CMD_RESERVE_RATIO, &c, sizeof c);
}

static uint32_t cu_interest_pay(struct cu *x, uint64_t tenant)
{
	struct currency_issue_cmd c = { cu_id(x), tenant, 0 };
	return cu_run(x, CURRENCY_CMD_INTEREST_PAY, &c, sizeof c);
}

static const struct currency_wallet *wallet_of(struct cu *x, sz_id id)
{
	const struct currency_wallet *w = currency_wallet_find(cu_cur(x), id);
	assert_non_null(w);
	return w;
}

static void test_interest_accrual_and_payment(void **state)
{
	(void)state;
	struct cu x;
	cu_init(&x);
	cu_setup_operator(&x, BANK, CURRENCY_OPERATOR_BANK, YUAN(1000000));
	cu_setup_operator(&x, PAYINST, CURRENCY_OPERATOR_PAYMENT_INSTITUTION, YUAN(100000));
	sz_id a = cu_funded_wallet(&x, BANK, 2, YUAN(10000));   /* 1,000,000 fen */
	sz_id d = cu_funded_wallet(&x, BANK, 3, YUAN(3650));    /*   365,000 fen */
	sz_id b = cu_funded_wallet(&x, BANK, 4, YUAN(5000));    /* class 4: none */
	sz_id c = cu_funded_wallet(&x, PAYINST, 2, YUAN(10000)); /* a payment institution: none */

	assert_int_equal(cu_rate(&x, PAYINST, 1, 3500, x.t), CURRENCY_R_NOT_A_BANK);
	assert_int_equal(cu_rate(&x, BANK, 1, CURRENCY_RATE_PPM_MAX + 1, x.t), CURRENCY_R_RATE_INVALID);
	assert_int_equal(cu_rate(&x, BANK, 1, 3500, x.t - 1), CURRENCY_R_RATE_INVALID); /* before the batch */
	assert_int_equal(cu_rate(&x, BANK, 1, 3500, x.t), SZ_R_OK);                       /* 0.35% a year */
	assert_int_equal(cu_rate(&x, BANK, 1, 7300, x.t + NS_DAY), CURRENCY_R_RATE_INVALID); /* not newer */

	/* Day 0 ends. A: 1,000,000 x 3,500 = 3,500,000,000 / 365,000,000 = 9 fen, rest 215,000,000.
	 * D: 365,000 x 3,500 = 1,277,500,000 -> 3 fen, rest 182,500,000. */
	x.t += NS_DAY;
	cu_tick(&x);
	assert_int_equal(wallet_of(&x, a)->interest_due_fen, 9);
	assert_int_equal(wallet_of(&x, a)->interest_rem, 215000000);
	assert_int_equal(wallet_of(&x, d)->interest_due_fen, 3);
	assert_int_equal(wallet_of(&x, b)->interest_due_fen, 0);
	assert_int_equal(wallet_of(&x, c)->interest_due_fen, 0);

	/* Day 1 ends. A: 215,000,000 + 3,500,000,000 = 3,715,000,000 -> 10 fen (19), rest 65,000,000.
	 * D: 182,500,000 + 1,277,500,000 = 1,460,000,000 -> 4 fen exactly (7), rest 0. */
	x.t += NS_DAY;
	cu_tick(&x);
	assert_int_equal(wallet_of(&x, a)->interest_due_fen, 19);
	assert_int_equal(wallet_of(&x, a)->interest_rem, 65000000);
	assert_int_equal(wallet_of(&x, d)->interest_due_fen, 7);
	assert_int_equal(wallet_of(&x, d)->interest_rem, 0);
	/* Version 2: 0.73% from day 2 on. */
	assert_int_equal(cu_rate(&x, BANK, 2, 7300, x.t), SZ_R_OK);

	/* Days 2, 3, 4 end with no batch in between: 3 x 7,300 = 21,900 ppm-days.
	 * A: 65,000,000 + 1,000,000 x 21,900 = 21,965,000,000 -> 60 fen (79), rest 65,000,000.
	 * D: 365,000 x 21,900 = 7,993,500,000 -> 21 fen (28), rest 328,500,000. */
	x.t += 3 * NS_DAY;
	cu_tick(&x);
	assert_int_equal(wallet_of(&x, a)->interest_due_fen, 79);
	assert_int_equal(wallet_of(&x, a)->interest_rem, 65000000);
	assert_int_equal(wallet_of(&x, d)->interest_due_fen, 28);
	assert_int_equal(wallet_of(&x, d)->interest_rem, 328500000);
	const struct currency_operator *op = currency_operator_find(cu_cur(&x), BANK);
	assert_int_equal(op->interest_accrued_fen, 79 + 28);

	/* Payment: the bank's vault pays 0.79 to A and 0.28 to D; B and C are owed nothing. */
	assert_int_equal(cu_interest_pay(&x, PAYINST), CURRENCY_R_NOT_A_BANK);
	assert_int_equal(cu_interest_pay(&x, BANK), SZ_R_OK);
	assert_int_equal(cu_balance(&x, a), YUAN(10000) + 79);
	assert_int_equal(cu_balance(&x, d), YUAN(3650) + 28);
	assert_int_equal(cu_balance(&x, b), YUAN(5000));
	assert_int_equal(cu_balance(&x, c), YUAN(10000));
	assert_int_equal(wallet_of(&x, a)->interest_due_fen, 0);
	assert_int_equal(op->interest_paid_fen, 107);
	assert_int_equal(cu_interest_pay(&x, BANK), SZ_R_OK); /* nothing left: pays nothing */
	assert_int_equal(op->interest_paid_fen, 107);
	cu_release(&x);
}

static void test_reserve_ratio(void **state)
{
	(void)state;
	struct cu x;
	cu_init(&x);
	cu_setup_operator(&x, BANK, CURRENCY_OPERATOR_BANK, YUAN(1000000));
	cu_setup_operator(&x, PAYINST, CURRENCY_OPERATOR_PAYMENT_INSTITUTION, YUAN(1000));
	const struct currency_operator *bank = currency_operator_find(cu_cur(&x), BANK);
	const struct currency_operator *pi = currency_operator_find(cu_cur(&x), PAYINST);
	/* Until the central bank sets a ratio, a bank pledges 100%, as an institution does. */
	assert_int_equal(bank->pledged_fen, YUAN(1000000));
	assert_int_equal(pi->pledged_fen, YUAN(1000));
	assert_int_equal(cu_ratio(&x, PAYINST, 1000), CURRENCY_R_NOT_A_BANK);
	assert_int_equal(cu_ratio(&x, BANK, 10001), CURRENCY_R_RATIO_INVALID);
	/* 10%: 1,000,000 x 0.1 = 100,000 pledged, 900,000 back in the reserve. */
	assert_int_equal(cu_ratio(&x, BANK, 1000), SZ_R_OK);
	assert_int_equal(bank->pledged_fen, YUAN(100000));
	assert_int_equal(cu_balance(&x, bank->reserve_id), YUAN(900000));
	/* Issue 10.00 more: ceil(100,000,100,000 fen x 0.1 ... ) = ceil(1,000,010.00 x 0.1) = 100,001.00. */
	assert_int_equal(cu_issue(&x, CURRENCY_CMD_ISSUE, BANK, YUAN(10)), SZ_R_OK);
	assert_int_equal(bank->pledged_fen, YUAN(100001));
	/* Redeem 0.05: 1,000,009.95 x 0.1 = 100,000.995, rounded up to the fen: 100,001.00 (10,000,100 fen). */
	assert_int_equal(cu_issue(&x, CURRENCY_CMD_REDEEM, BANK, 5), SZ_R_OK);
	assert_int_equal(bank->pledged_fen, 10000100);
	/* Redeem 9.95 more: 1,000,000.00 x 0.1 = 100,000.00 exactly. */
	assert_int_equal(cu_issue(&x, CURRENCY_CMD_REDEEM, BANK, 995), SZ_R_OK);
	assert_int_equal(bank->pledged_fen, YUAN(100000));
	/* A payment institution still cannot issue beyond its reserve. */
	assert_int_equal(cu_issue(&x, CURRENCY_CMD_ISSUE, PAYINST, 1), CURRENCY_R_RESERVE_INSUFFICIENT);
	cu_release(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interest_accrual_and_payment),
		cmocka_unit_test(test_reserve_ratio),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
