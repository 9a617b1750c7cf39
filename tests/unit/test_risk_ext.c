/*
 * test_risk_ext.c — the features on the per-account ext record
 * (src/risk/ext.h, eval_ext.c): Benford deviation of first digits, the
 * month's cross-border volume against the declared business (and the
 * RISK_CMD_DECLARE command inside the engine), distinct cross-border
 * remitters; each on both sides of its threshold.
 *
 * Every expected value is derived by hand in the comment above its test.
 * Time: T0 = CU_T0 = 2025-03-01 10:00 CST = 02:00 UTC (test_risk.c derives
 * it). Cross-border codes 8000-8099 as in the default rule set.
 */
#include "test_currency_util.h"
#include "test_risk_util.h"

#include "risk/ext.h"
#include "risk/risk.h"

#include <stdio.h>

#define HOUR_NS (3600ull * NS_S)

/* risk_test_one_rule with the default set's cross-border codes. */
static struct risk_ruleset one_rule(uint8_t feature)
{
	struct risk_ruleset rs = risk_test_one_rule(feature);
	rs.xborder_code_min = 8000;
	rs.xborder_code_max = 8099;
	return rs;
}

#define txn risk_test_txn

/* First digits: 0 has none; 7 -> 7; 49,800.00 CNY = 4,980,000 minor -> 4;
 * 100 -> 1; 2^64 - 1 = 18,446,744,073,709,551,615 -> 1. */
static void test_first_digit(void **unused)
{
	(void)unused;
	assert_int_equal(risk_first_digit(0), 0);
	assert_int_equal(risk_first_digit(7), 7);
	assert_int_equal(risk_first_digit(4980000), 4);
	assert_int_equal(risk_first_digit(100), 1);
	assert_int_equal(risk_first_digit(UINT64_MAX), 1);
}

/* MAD in ppm = sum_d |count_d * 10^6 / n - P(d)| / 9 with P(d) the Benford
 * table (ext.h: 301030, 176091, 124939, 96910, 79181, 66947, 57992, 51153,
 * 45757).
 * (a) 50 amounts all starting with 4: digit 4 has share 10^6, |10^6 -
 *     96910| = 903090; the other eight sum to 10^6 - 96910 = 903090. Total
 *     1806180 / 9 = 200686 (rounded down).
 * (b) 100 amounts 30, 18, 12, 10, 8, 7, 6, 5, 4 (close to Benford):
 *     deviations 1030, 3909, 4939, 3090, 819, 3053, 2008, 1153, 5757 sum to
 *     25758; / 9 = 2862.
 * (c) 90 amounts, 10 of each digit: share 111111 each; deviations 189919,
 *     64980, 13828, 14201, 31930, 44164, 53119, 59958, 65354 sum to 537453;
 *     / 9 = 59717.
 * (d) counts of (b) with 3 nines plus one more amount starting with 9
 *     (extra_digit) is (b) again: 2862, n = 100. */
static void test_benford_mad(void **unused)
{
	(void)unused;
	uint16_t c[RISK_DIGIT_COUNT] = { 0 };
	uint64_t n = 0;
	assert_int_equal(risk_benford_mad_ppm(c, 0, &n), 0);
	assert_int_equal(n, 0);
	c[3] = 50;
	assert_int_equal(risk_benford_mad_ppm(c, 0, &n), 200686);
	assert_int_equal(n, 50);
	uint16_t b[RISK_DIGIT_COUNT] = { 30, 18, 12, 10, 8, 7, 6, 5, 4 };
	assert_int_equal(risk_benford_mad_ppm(b, 0, &n), 2862);
	assert_int_equal(n, 100);
	uint16_t u[RISK_DIGIT_COUNT] = { 10, 10, 10, 10, 10, 10, 10, 10, 10 };
	assert_int_equal(risk_benford_mad_ppm(u, 0, &n), 59717);
	uint16_t d[RISK_DIGIT_COUNT] = { 30, 18, 12, 10, 8, 7, 6, 5, 3 };
	assert_int_equal(risk_benford_mad_ppm(d, 9, &n), 2862);
	assert_int_equal(n, 100);
}

/* A Benford rule (payer, out, param 50, band 100000 ppm -> 100) through
 * risk_ext_add and the evaluator. 48 earlier outgoing transfers of 4x,xxx
 * yuan, then one judged: n = 49 < 50, value 0, no alert. With 49 earlier
 * the judged one makes n = 50 and MAD 200686 (test (a)) >= 100000: alert.
 * Benford-like history (b) with the judged amount starting with 9: 2862 <
 * 100000: no alert. Decay: the 1,024th amount of one direction halves the
 * counts: 1,024 amounts starting with 1 leave digit_out[0] = 512. */
static void test_benford_rule(void **unused)
{
	(void)unused;
	struct risk_ruleset rs = one_rule(RISK_F_BENFORD_MAD);
	rs.rules[0].param = 50;
	rs.rules[0].band_min[0] = 100000;
	assert_int_equal(risk_ruleset_check(&rs, NULL, 0), 0);
	struct risk_account_ext e;
	memset(&e, 0, sizeof e);
	for (uint32_t k = 0; k < 48; k++) {
		struct risk_txn x = txn(k + 1, 1, 2, YUAN(45000 + k), CU_T0 + k * NS_S, 1);
		risk_ext_add(&rs, &e, &x, true);
	}
	struct risk_view v = { NULL, NULL, false, &e, NULL };
	struct risk_verdict out[RISK_TYPOLOGY_COUNT_MAX];
	struct risk_txn j = txn(100, 1, 2, YUAN(46000), CU_T0 + HOUR_NS, 1);
	assert_int_equal(risk_eval_typologies(&rs, &j, &v, out), 0);
	assert_int_equal(out[0].contributions[0].value, 0);
	struct risk_txn x49 = txn(49, 1, 2, YUAN(47000), CU_T0 + 50 * NS_S, 1);
	risk_ext_add(&rs, &e, &x49, true);
	assert_int_equal(risk_eval_typologies(&rs, &j, &v, out), 1);
	assert_int_equal(out[0].contributions[0].value, 200686);
	/* the payee side's incoming digits are apart: nothing there */
	assert_int_equal(e.digit_in[3], 0);
	memset(&e, 0, sizeof e);
	const uint16_t b[RISK_DIGIT_COUNT] = { 30, 18, 12, 10, 8, 7, 6, 5, 3 };
	memcpy(e.digit_out, b, sizeof b);
	struct risk_txn nine = txn(101, 1, 2, YUAN(9100), CU_T0 + HOUR_NS, 1);
	assert_int_equal(risk_eval_typologies(&rs, &nine, &v, out), 0);
	assert_int_equal(out[0].contributions[0].value, 2862);
	memset(&e, 0, sizeof e);
	for (uint32_t k = 0; k < RISK_DIGIT_DECAY_AT; k++) {
		struct risk_txn x = txn(k + 1, 1, 2, YUAN(100), CU_T0, 1);
		risk_ext_add(&rs, &e, &x, true);
	}
	assert_int_equal(e.digit_out[0], 512);
	/* below the minimum of 50 the rule set is refused */
	rs.rules[0].param = 49;
	assert_int_equal(risk_ruleset_check(&rs, NULL, 0), RISK_R_RULESET_INVALID);
}

/* CST months: T0 (2025-03-01 10:00 CST) is month 2025 * 12 + 2 = 24302;
 * T0 - 10 h = 2025-02-28 16:00 UTC = 2025-03-01 00:00 CST, still 24302;
 * 1 ns before it is February: 24301. 1970-01-01 00:00 UTC is 08:00 CST,
 * January 1970: 23640. */
static void test_month_of(void **unused)
{
	(void)unused;
	assert_int_equal(risk_month_of(CU_T0), 24302);
	assert_int_equal(risk_month_of(CU_T0 - 10 * HOUR_NS), 24302);
	assert_int_equal(risk_month_of(CU_T0 - 10 * HOUR_NS - 1), 24301);
	assert_int_equal(risk_month_of(0), 23640);
}

/* Declared volume: 1,000,000.00 CNY a month; rule "payer's month
 * cross-border outflow >= 150 % of it" (band 15000 bp). Two cross-border
 * transfers of 700,000 (code 8001) and one domestic of 900,000 (code 1,
 * not counted) in March; judged 100,000 cross-border: (1,400,000 +
 * 100,000) / 1,000,000 = 15000 bp: alert. After only one 700,000: 800,000
 * -> 8000 bp: none. In April (T0 + 31 days) the month restarts: 100,000 ->
 * 1000 bp. No declaration or another currency: 0. */
static void test_declared_rule(void **unused)
{
	(void)unused;
	struct risk_ruleset rs = one_rule(RISK_F_XBORDER_DECLARED_BP);
	rs.rules[0].band_min[0] = 15000;
	assert_int_equal(risk_ruleset_check(&rs, NULL, 0), 0);
	struct risk_account_ext e;
	memset(&e, 0, sizeof e);
	struct risk_declare_cmd d = { .account_id = sz_id_make(0, 1), .monthly_minor = YUAN(1000000), .currency = CNY };
	struct risk_view v = { NULL, NULL, false, &e, NULL };
	struct risk_verdict out[RISK_TYPOLOGY_COUNT_MAX];
	struct risk_txn j = txn(100, 1, 2, YUAN(100000), CU_T0 + 2 * HOUR_NS, 8001);
	struct risk_txn a = txn(1, 1, 2, YUAN(700000), CU_T0, 8001), dom = txn(2, 1, 2, YUAN(900000), CU_T0, 1);
	risk_ext_add(&rs, &e, &a, true);
	risk_ext_add(&rs, &e, &dom, true);
	assert_int_equal(risk_eval_typologies(&rs, &j, &v, out), 0); /* nothing declared */
	assert_int_equal(out[0].contributions[0].value, 0);
	risk_ext_declare(&e, &d);
	assert_int_equal(risk_eval_typologies(&rs, &j, &v, out), 0);
	assert_int_equal(out[0].contributions[0].value, 8000);
	struct risk_txn b = txn(3, 1, 2, YUAN(700000), CU_T0 + HOUR_NS, 8002);
	risk_ext_add(&rs, &e, &b, true);
	assert_int_equal(risk_eval_typologies(&rs, &j, &v, out), 1);
	assert_int_equal(out[0].contributions[0].value, 15000);
	struct risk_txn april = txn(101, 1, 2, YUAN(100000), CU_T0 + 31 * 24 * HOUR_NS, 8001);
	assert_int_equal(risk_eval_typologies(&rs, &april, &v, out), 0);
	assert_int_equal(out[0].contributions[0].value, 1000);
	d.currency = 0x445355; /* "USD" packed: the transfers are in CNY */
	risk_ext_declare(&e, &d);
	assert_int_equal(risk_eval_typologies(&rs, &j, &v, out), 0);
	assert_int_equal(out[0].contributions[0].value, 0);
}

/* Splitting across remitters: payee 2, rule "distinct cross-border
 * remitters in 24 h >= 5" (side payee, flow in). Payers 11, 12, 13, 14 at
 * T0, T0 + 1 h, T0 + 2 h, T0 + 3 h (code 8001). Judged at T0 + 4 h: from
 * payer 15 -> 4 + 1 = 5: alert; from payer 11 again -> 4: none; from 16
 * domestic (code 1) -> 4: none. At T0 + 26 h the window holds hours
 * T0 + 3 h .. T0 + 26 h: only payer 14, so payer 15 makes 2. Flow out is
 * refused for this feature. */
static void test_remitters_rule(void **unused)
{
	(void)unused;
	struct risk_ruleset rs = one_rule(RISK_F_XBORDER_REMITTERS);
	rs.rules[0].side = RISK_SIDE_PAYEE;
	rs.rules[0].flow = RISK_FLOW_IN;
	rs.rules[0].window_h = 24;
	rs.rules[0].band_min[0] = 5;
	assert_int_equal(risk_ruleset_check(&rs, NULL, 0), 0);
	struct risk_account_ext e;
	memset(&e, 0, sizeof e);
	for (uint64_t k = 0; k < 4; k++) {
		struct risk_txn x = txn(k + 1, 11 + k, 2, YUAN(9000), CU_T0 + k * HOUR_NS, 8001);
		risk_ext_add(&rs, &e, &x, false);
	}
	struct risk_view v = { NULL, NULL, false, NULL, &e };
	struct risk_verdict out[RISK_TYPOLOGY_COUNT_MAX];
	struct risk_txn j = txn(100, 15, 2, YUAN(9000), CU_T0 + 4 * HOUR_NS, 8001);
	assert_int_equal(risk_eval_typologies(&rs, &j, &v, out), 1);
	assert_int_equal(out[0].contributions[0].value, 5);
	j.payer_id = sz_id_make(0, 11);
	assert_int_equal(risk_eval_typologies(&rs, &j, &v, out), 0);
	assert_int_equal(out[0].contributions[0].value, 4);
	j.payer_id = sz_id_make(0, 16);
	j.code = 1;
	assert_int_equal(risk_eval_typologies(&rs, &j, &v, out), 0);
	assert_int_equal(out[0].contributions[0].value, 4);
	struct risk_txn late = txn(101, 15, 2, YUAN(9000), CU_T0 + 26 * HOUR_NS, 8001);
	assert_int_equal(risk_eval_typologies(&rs, &late, &v, out), 0);
	assert_int_equal(out[0].contributions[0].value, 2);
	rs.rules[0].flow = RISK_FLOW_OUT;
	assert_int_equal(risk_ruleset_check(&rs, NULL, 0), RISK_R_RULESET_INVALID);
}

/* Inside the engine: accounts 1 (payer) and 2; RISK_CMD_DECLARE of
 * 1,000,000.00 CNY a month for account 1 before any transfer (the account
 * becomes monitored); a rule set with the declared rule of
 * test_declared_rule. Cross-border transfers (code 8001) of 700,000,
 * 700,000 and 100,000: the third brings the month to 150 %: one alert,
 * value 15000. A declaration with an amount and no currency, or a zero
 * account, is refused with RISK_R_COMMAND_INVALID. */
static void test_declare_in_engine(void **unused)
{
	(void)unused;
	static struct cu x;
	cu_init(&x);
	for (uint64_t id = 1; id <= 2; id++) {
		sz_account acc = tu_account(id, CNY, 0);
		assert_int_equal(cu_run(&x, SZ_CMD_CREATE_ACCOUNT, &acc, sizeof acc), SZ_R_OK);
	}
	struct risk_declare_cmd d = { .account_id = sz_id_make(0, 1), .monthly_minor = YUAN(1000000), .currency = 0 };
	assert_int_equal(cu_run(&x, RISK_CMD_DECLARE, &d, sizeof d), RISK_R_COMMAND_INVALID);
	d.currency = CNY;
	struct risk_declare_cmd bad = d;
	bad.account_id = sz_id_make(0, 0);
	assert_int_equal(cu_run(&x, RISK_CMD_DECLARE, &bad, sizeof bad), RISK_R_COMMAND_INVALID);
	assert_int_equal(cu_run(&x, RISK_CMD_DECLARE, &d, sizeof d), SZ_R_OK);
	const struct risk_state *st = risk_state_get(&x.s);
	assert_non_null(risk_account_find(st, sz_id_make(0, 1)));
	struct risk_ruleset rs = one_rule(RISK_F_XBORDER_DECLARED_BP);
	rs.rules[0].band_min[0] = 15000;
	assert_int_equal(cu_run(&x, RISK_CMD_RULESET_ACTIVATE, &rs, sizeof rs), SZ_R_OK);
	const uint64_t amounts[3] = { YUAN(700000), YUAN(700000), YUAN(100000) };
	for (uint64_t k = 0; k < 3; k++) {
		sz_transfer t = tu_transfer(10 + k, 1, 2, amounts[k], 0);
		t.code = 8001;
		assert_int_equal(cu_run(&x, SZ_CMD_CREATE_TRANSFER, &t, sizeof t), SZ_R_OK);
		assert_int_equal(risk_alert_count(st), k == 2 ? 1 : 0);
	}
	assert_int_equal(risk_alert_at(st, 0)->contributions[0].value, 15000);
	cu_release(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_digit),
		cmocka_unit_test(test_benford_mad),
		cmocka_unit_test(test_benford_rule),
		cmocka_unit_test(test_month_of),
		cmocka_unit_test(test_declared_rule),
		cmocka_unit_test(test_remitters_rule),
		cmocka_unit_test(test_declare_in_engine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
