/*
 * test_risk.c — the risk domain (src/risk/): window counters, features,
 * bands and typology scores (eval.c, outside any engine), rule-set checks,
 * and the domain inside the engine: a wallet payment the currency domain
 * makes is seen by the risk observer, an interdiction refuses it, changes
 * no balance and is still recorded, and a failed chain rolls alerts back.
 *
 * Every expected value is derived by hand in the comment above its test.
 * Time: T0 = 2025-03-01 10:00 CST = 02:00 UTC (CU_T0 of the currency
 * helpers). 2025-01-01 is day 55 * 365 + 14 leap days (1972, 1976, ...,
 * 2024) = 20089 since 1970-01-01; March 1 is 31 + 28 days later: 20148.
 * In CST (UTC+8) 02:00 UTC is 10:00 the same date: risk_day_of(T0) = 20148.
 */
#include "test_currency_util.h"
#include "test_risk_util.h"

#include "log/snapshot.h"
#include "risk/http.h"
#include "risk/risk.h"

#include <sodium.h>

#include <stdio.h>

#define HOUR_NS (3600ull * NS_S)

/* risk_test_one_rule, checked as it is. */
static struct risk_ruleset one_rule(uint8_t feature)
{
	struct risk_ruleset rs = risk_test_one_rule(feature);
	assert_int_equal(risk_ruleset_check(&rs, NULL, 0), 0);
	return rs;
}

/* A transfer with no code. */
static struct risk_txn txn(uint64_t id, uint64_t payer, uint64_t payee, uint64_t amount, uint64_t time_ns)
{
	return risk_test_txn(id, payer, payee, amount, time_ns, 0);
}

/* Window counters. Transfers out of one account at T0, T0 + 1 h, T0 + 2 h,
 * T0 + 5 h of 100, 200, 300, 400 yuan. A 3-hour window judged at T0 + 5 h
 * covers the buckets of hours T0+3..T0+5: only the 400 (this transfer),
 * count 1, sum 400 yuan. Judged at T0 + 2 h (before adding the 300) it
 * covers T0..T0+2: 100 + 200 + the 300 judged = 600 yuan, count 3. The
 * same-day window at T0 + 5 h (15:00 CST, same day) holds all four: 1,000
 * yuan. At T0 + 14 h = 00:00 CST next day the day counters start again:
 * a same-day sum of a 50-yuan transfer is 50 yuan; and the 3-hour window
 * there sees nothing of the day before. */
static void test_window_counters(void **unused)
{
	(void)unused;
	struct risk_ruleset rs = one_rule(RISK_F_SUM);
	struct risk_rule *r = &rs.rules[0];
	struct risk_account a;
	memset(&a, 0, sizeof a);
	a.account_id = sz_id_make(0, 1);
	uint64_t amounts[3] = { YUAN(100), YUAN(200), YUAN(300) };
	for (uint32_t k = 0; k < 2; k++) {
		struct risk_txn x = txn(10 + k, 1, 2, amounts[k], CU_T0 + k * HOUR_NS);
		risk_account_add(&rs, &a, &x, true, k == 0);
	}
	struct risk_view v = { &a, NULL, false, NULL, NULL };
	r->window_h = 3;
	struct risk_txn x2 = txn(12, 1, 2, YUAN(300), CU_T0 + 2 * HOUR_NS);
	assert_int_equal(risk_eval_feature(&rs, r, &x2, &v), YUAN(600));
	r->feature = RISK_F_COUNT;
	assert_int_equal(risk_eval_feature(&rs, r, &x2, &v), 3);
	risk_account_add(&rs, &a, &x2, true, false);
	struct risk_txn x5 = txn(13, 1, 2, YUAN(400), CU_T0 + 5 * HOUR_NS);
	assert_int_equal(risk_eval_feature(&rs, r, &x5, &v), 1);
	r->feature = RISK_F_SUM;
	assert_int_equal(risk_eval_feature(&rs, r, &x5, &v), YUAN(400));
	r->window_h = 0;
	assert_int_equal(risk_eval_feature(&rs, r, &x5, &v), YUAN(1000));
	risk_account_add(&rs, &a, &x5, true, false);
	assert_int_equal(a.day, risk_day_of(CU_T0));
	assert_int_equal(risk_day_of(CU_T0), 20148);
	struct risk_txn next = txn(14, 1, 2, YUAN(50), CU_T0 + 14 * HOUR_NS);
	assert_int_equal(risk_day_of(next.time_ns), 20149);
	assert_int_equal(risk_eval_feature(&rs, r, &next, &v), YUAN(50));
	r->window_h = 3;
	assert_int_equal(risk_eval_feature(&rs, r, &next, &v), YUAN(50));
	risk_account_add(&rs, &a, &next, true, false);
	/* The day roll moved the first day's 1,000 yuan into history. */
	assert_int_equal(a.hist_out_sum_minor, YUAN(1000));
	assert_int_equal(a.day_out_count, 1);
	assert_int_equal(a.first_day, 20148);
}

/* The bucket list: hours with activity, newest first, none 24 hours older
 * than the newest. H = T0's hour. Out of one account: 100 yuan at T0 and 10
 * at T0 + 30 min (one bucket, H), 200 at T0 + 1 h, 300 at T0 + 5 h, then 5
 * at T0 + 3 h (times went back 2 hours within the CST day: its own bucket,
 * in order): 4 buckets, hours H+5, H+3, H+1, H. A 3-hour window judged at
 * T0 + 5 h with 1 yuan covers H+3..H+5: 300 + 5 + 1 = 306 yuan. A 24-hour
 * window judged at T0 + 23 h with 400: 110 + 200 + 300 + 5 + 400 = 1,015.
 * Judged at T0 + 24 h with 50, hour H has slid out: 200 + 300 + 5 + 400 +
 * 50 = 955; adding it drops bucket H (5 buckets: H+24, H+23, H+5, H+3,
 * H+1). At T0 + 60 h every earlier hour is 24 or more behind: 1 bucket. */
static void test_bucket_list(void **unused)
{
	(void)unused;
	struct risk_ruleset rs = one_rule(RISK_F_SUM);
	struct risk_rule *r = &rs.rules[0];
	static struct risk_account a;
	memset(&a, 0, sizeof a);
	a.account_id = sz_id_make(0, 1);
	const uint64_t at[5] = { 0, HOUR_NS / 2, HOUR_NS, 5 * HOUR_NS, 3 * HOUR_NS };
	const uint64_t yuan[5] = { 100, 10, 200, 300, 5 };
	for (uint32_t k = 0; k < 5; k++) {
		struct risk_txn x = txn(20 + k, 1, 2, YUAN(yuan[k]), CU_T0 + at[k]);
		risk_account_add(&rs, &a, &x, true, false);
	}
	uint32_t h = risk_hour_of(CU_T0);
	assert_int_equal(a.bucket_count, 4);
	assert_int_equal(a.buckets[0].hour, h + 5);
	assert_int_equal(a.buckets[1].hour, h + 3);
	assert_int_equal(a.buckets[2].hour, h + 1);
	assert_int_equal(a.buckets[3].hour, h);
	assert_int_equal(a.buckets[3].out_count, 2);
	assert_true(risk_account_valid(&a));
	struct risk_view v = { &a, NULL, false, NULL, NULL };
	r->window_h = 3;
	struct risk_txn x5 = txn(30, 1, 2, YUAN(1), CU_T0 + 5 * HOUR_NS);
	assert_int_equal(risk_eval_feature(&rs, r, &x5, &v), YUAN(306));
	r->window_h = 24;
	struct risk_txn x23 = txn(31, 1, 2, YUAN(400), CU_T0 + 23 * HOUR_NS);
	assert_int_equal(risk_eval_feature(&rs, r, &x23, &v), YUAN(1015));
	risk_account_add(&rs, &a, &x23, true, false);
	struct risk_txn x24 = txn(32, 1, 2, YUAN(50), CU_T0 + 24 * HOUR_NS);
	assert_int_equal(risk_eval_feature(&rs, r, &x24, &v), YUAN(955));
	assert_int_equal(risk_account_bucket_change_count(&a, x24.time_ns), 6);
	risk_account_add(&rs, &a, &x24, true, false);
	assert_int_equal(a.bucket_count, 5);
	assert_int_equal(a.buckets[0].hour, h + 24);
	assert_int_equal(a.buckets[4].hour, h + 1);
	assert_int_equal(a.buckets[5].hour, 0); /* the dropped bucket is zeroed */
	assert_int_equal(risk_account_bucket_change_count(&a, x24.time_ns), 1);
	assert_true(risk_account_valid(&a));
	struct risk_txn x60 = txn(33, 1, 2, YUAN(7), CU_T0 + 60 * HOUR_NS);
	risk_account_add(&rs, &a, &x60, true, false);
	assert_int_equal(a.bucket_count, 1);
	assert_int_equal(a.buckets[0].out_sum_minor, YUAN(7));
	assert_true(risk_account_valid(&a));
	/* Damaged records (as a snapshot could hold) are refused. */
	a.buckets[1] = (struct risk_bucket){ .hour = h + 61 };
	a.bucket_count = 2;
	assert_false(risk_account_valid(&a)); /* not descending */
	a.bucket_count = 1;
	assert_false(risk_account_valid(&a)); /* a used bucket past the count */
	a.buckets[1] = (struct risk_bucket){ 0 };
	a.bucket_count = RISK_BUCKET_COUNT + 1;
	assert_false(risk_account_valid(&a));
}

/* Bands and weights. Rule 1: amount, bands 1,000 -> 20, 5,000 -> 60,
 * 10,000 -> 100 yuan. Rule 2: round to 10^5 fen (1,000 yuan), band 1 -> 50.
 * Typology: weights 70 % and 60 %, alert 60, interdiction 100.
 *  4,999.99 yuan: rule 1 band 1,000 -> 20, not round -> 0;
 *               score 70 * 20 / 100 = 14: nothing.
 *  5,000.00:    60 and round 50: 70*60/100 + 60*50/100 = 42 + 30 = 72: alert.
 * 10,000.00:    100 and 50: 70 + 30 = 100: alert and interdiction. */
static void test_bands_and_weights(void **unused)
{
	(void)unused;
	struct risk_ruleset rs = one_rule(RISK_F_AMOUNT);
	rs.rules[0] = (struct risk_rule){ .rule_id = 1, .feature = RISK_F_AMOUNT, .band_count = 3,
					  .band_min = { YUAN(1000), YUAN(5000), YUAN(10000) },
					  .band_score = { 20, 60, 100 } };
	rs.rules[1] = (struct risk_rule){ .rule_id = 2, .feature = RISK_F_ROUND, .param = 5, .band_count = 1,
					  .band_min = { 1 }, .band_score = { 50 } };
	rs.rule_count = 2;
	rs.typologies[0] = (struct risk_typology){ .typology_id = 7, .rule_count = 2, .alert_threshold = 60,
						   .interdict_threshold = 100, .rule_id = { 1, 2 },
						   .weight_pct = { 70, 60 } };
	assert_int_equal(risk_ruleset_check(&rs, NULL, 0), 0);
	struct risk_view v = { NULL, NULL, true, NULL, NULL };
	struct risk_verdict out[RISK_TYPOLOGY_COUNT_MAX];
	uint64_t amounts[3] = { YUAN(5000) - 1, YUAN(5000), YUAN(10000) };
	uint32_t scores[3] = { 14, 72, 100 };
	for (uint32_t k = 0; k < 3; k++) {
		struct risk_txn x = txn(1, 1, 2, amounts[k], CU_T0);
		uint32_t alerts = risk_eval_typologies(&rs, &x, &v, out);
		assert_int_equal(out[0].score, scores[k]);
		assert_int_equal(alerts, k > 0);
		assert_int_equal(out[0].interdict, k == 2);
	}
	assert_int_equal(out[0].contributions[0].contribution, 70);
	assert_int_equal(out[0].contributions[1].contribution, 30);
}

/* Share, history, dormancy, new peers, party classes.
 * Account in: 1,000 yuan at T0; out: 950 at T0 + 1 h -> 24 h share
 * 950 / 1,000 = 9,500 bp. History: the account's first day holds 950 out;
 * on day +2 (two full days of history: 950 over 2 days = 475 a day) a
 * transfer of 950 gives 950 / 475 = 2.0 = 20,000 bp (param 2 days).
 * Dormancy: at T0 + 100 days the last activity (day +2) is 98 days back.
 * Party: a wallet payer with code 8001 in the cross-border range
 * 8000-8099 is an individual cross-border transfer, not a domestic one. */
static void test_share_history_dormancy(void **unused)
{
	(void)unused;
	struct risk_ruleset rs = one_rule(RISK_F_SHARE_BP);
	struct risk_rule *r = &rs.rules[0];
	r->window_h = 24;
	struct risk_account a;
	memset(&a, 0, sizeof a);
	struct risk_txn in = txn(1, 9, 1, YUAN(1000), CU_T0);
	risk_account_add(&rs, &a, &in, false, true);
	struct risk_view v = { &a, NULL, true, NULL, NULL };
	struct risk_txn out = txn(2, 1, 3, YUAN(950), CU_T0 + HOUR_NS);
	assert_int_equal(risk_eval_feature(&rs, r, &out, &v), 9500);
	r->feature = RISK_F_NEW_PEERS;
	assert_int_equal(risk_eval_feature(&rs, r, &out, &v), 1); /* this payee is new; the earlier payer is not a payee */
	risk_account_add(&rs, &a, &out, true, true);
	r->feature = RISK_F_HISTORY_BP;
	r->param = 2;
	struct risk_txn later = txn(3, 1, 3, YUAN(950), CU_T0 + 2 * NS_DAY);
	assert_int_equal(risk_eval_feature(&rs, r, &later, &v), 20000);
	r->param = 3; /* three days of history required: only two */
	assert_int_equal(risk_eval_feature(&rs, r, &later, &v), 0);
	risk_account_add(&rs, &a, &later, true, false);
	r->feature = RISK_F_DORMANT_DAYS;
	struct risk_txn wake = txn(4, 1, 3, YUAN(1), CU_T0 + 100 * NS_DAY);
	assert_int_equal(risk_eval_feature(&rs, r, &wake, &v), 98);
	rs.xborder_code_min = 8000;
	rs.xborder_code_max = 8099;
	struct risk_txn xb = txn(5, 1, 3, YUAN(1), CU_T0);
	xb.code = 8001;
	xb.payer_kind = SZ_KIND_WALLET;
	uint32_t mask = risk_eval_party_mask(&rs, &xb);
	assert_true(mask & (1u << RISK_PARTY_INDIVIDUAL_XBORDER));
	assert_false(mask & (1u << RISK_PARTY_INDIVIDUAL_DOMESTIC));
}

/* Rule-set checks: each defect refused with RISK_R_RULESET_INVALID. */
static void test_ruleset_checks(void **unused)
{
	(void)unused;
	struct risk_ruleset rs = one_rule(RISK_F_AMOUNT);
	struct risk_ruleset bad = rs;
	bad.typologies[0].rule_id[0] = 2; /* no rule 2 */
	assert_int_equal(risk_ruleset_check(&bad, NULL, 0), RISK_R_RULESET_INVALID);
	bad = rs;
	bad.rules[0].band_count = 2; /* band 2 must ascend above band 1 */
	assert_int_equal(risk_ruleset_check(&bad, NULL, 0), RISK_R_RULESET_INVALID);
	bad = rs;
	bad.typologies[0].interdict_threshold = 50; /* below the alert threshold */
	assert_int_equal(risk_ruleset_check(&bad, NULL, 0), RISK_R_RULESET_INVALID);
	bad = rs;
	bad.rules[0].tally = 1; /* amount rules count nothing */
	assert_int_equal(risk_ruleset_check(&bad, NULL, 0), RISK_R_RULESET_INVALID);
	/* The shipped default parses and checks. */
	FILE *f = fopen("share/risk/default.json", "rb");
	assert_non_null(f);
	static char text[65536];
	size_t n = fread(text, 1, sizeof text, f);
	fclose(f);
	char why[256];
	struct risk_ruleset def;
	assert_int_equal(risk_ruleset_parse(text, n, &def, why, sizeof why), 0);
	assert_int_equal(def.rule_count, 24);
	assert_int_equal(def.typology_count, 15);
	/* Transfer-code filters: [first, last], first >= 1, last >= first. */
	bad = rs;
	bad.rules[0].code_min = 10;
	bad.rules[0].code_max = 5;
	assert_int_equal(risk_ruleset_check(&bad, NULL, 0), RISK_R_RULESET_INVALID);
	bad.rules[0].code_max = 0;
	assert_int_equal(risk_ruleset_check(&bad, NULL, 0), RISK_R_RULESET_INVALID);
	bad.rules[0].code_max = 10;
	assert_int_equal(risk_ruleset_check(&bad, NULL, 0), 0);
	static const char with_zero[] = "{\"format\":\"szfin-risk-rules/1\",\"version\":1,\"name\":\"t\",\"currency\":\"CNY\","
		"\"rules\":[{\"id\":1,\"feature\":\"amount\",\"codes\":[0,5],\"bands\":[{\"min\":\"1.00\",\"score\":1}]}],"
		"\"typologies\":[{\"id\":1,\"alert\":1,\"rules\":[{\"rule\":1,\"weight\":100}]}]}";
	assert_int_not_equal(risk_ruleset_parse(with_zero, sizeof with_zero - 1, &bad, why, sizeof why), 0);
	if (strstr(why, "codes") == NULL)
		fail_msg("%s", why);
	/* Rule 3: institution transfers of 2,000,000.00 CNY = 200,000,000 fen. */
	assert_int_equal(risk_ruleset_rule(&def, 3)->band_min[0], 200000000u);
}

static uint32_t activate(struct cu *x, struct risk_ruleset *rs)
{
	return cu_run(x, RISK_CMD_RULESET_ACTIVATE, rs, sizeof *rs);
}


/* ---- the default rule set, each typology on both sides of its threshold -- */

static struct risk_ruleset default_set;

static void load_default(void)
{
	FILE *f = fopen("share/risk/default.json", "rb");
	assert_non_null(f);
	static char text[65536];
	size_t n = fread(text, 1, sizeof text, f);
	fclose(f);
	char why[256];
	assert_int_equal(risk_ruleset_parse(text, n, &default_set, why, sizeof why), 0);
}

/* Does typology `id` of the default set alert (2: interdict) on x? */
static int judged(uint16_t id, const struct risk_txn *x, const struct risk_account *payer,
		  const struct risk_account *payee, bool pair_new)
{
	struct risk_view v = { payer, payee, pair_new, NULL, NULL };
	struct risk_verdict out[RISK_TYPOLOGY_COUNT_MAX];
	risk_eval_typologies(&default_set, x, &v, out);
	for (uint32_t t = 0; t < default_set.typology_count; t++)
		if (out[t].typology_id == id)
			return out[t].interdict ? 2 : out[t].alert ? 1 : 0;
	fail_msg("no typology %u", id);
	return -1;
}

static struct risk_txn dtxn(uint64_t amount, uint16_t code, uint16_t payer_kind, uint64_t time_ns)
{
	static uint64_t next = 5000;
	struct risk_txn x = txn(next++, 1, 2, amount, time_ns);
	x.code = code;
	x.payer_kind = payer_kind;
	x.payee_kind = SZ_KIND_GENERAL;
	return x;
}

/* Also typology 12 (below). PBoC large-value lines (Order [2016] No. 3 art. 5): cash >= 50,000.00
 * (code 9000 is cash in the default set), single or same-day cumulative;
 * institution (general account) >= 2,000,000.00; individual (wallet)
 * domestic >= 500,000.00; individual cross-border (code 8000) >= 200,000.00.
 * One fen below each line alerts nothing. Cumulative cash: 30,000.00 then
 * 20,000.00 the same day = 50,000.00: the second alerts. */
static void test_default_large_value(void **unused)
{
	(void)unused;
	load_default();
	struct risk_account a;
	memset(&a, 0, sizeof a);
	struct { uint16_t typology, code, kind; uint64_t line; } lines[] = {
		{ 1, 9000, SZ_KIND_WALLET, YUAN(50000) },
		{ 2, 3, SZ_KIND_GENERAL, YUAN(2000000) },
		{ 3, 3, SZ_KIND_WALLET, YUAN(500000) },
		{ 4, 8000, SZ_KIND_WALLET, YUAN(200000) },
	};
	for (uint32_t i = 0; i < 4; i++) {
		struct risk_txn at = dtxn(lines[i].line, lines[i].code, lines[i].kind, CU_T0);
		struct risk_txn below = dtxn(lines[i].line - 1, lines[i].code, lines[i].kind, CU_T0);
		assert_int_equal(judged(lines[i].typology, &at, &a, NULL, true), 1);
		assert_int_equal(judged(lines[i].typology, &below, &a, NULL, true), 0);
	}
	/* 12 listed high-risk jurisdiction: any amount with a code in 8090-8099
	 * (the operator's code map), not 8089 or 8100. */
	uint16_t codes[] = { 8089, 8090, 8095, 8099, 8100 };
	int hits[] = { 0, 1, 1, 1, 0 };
	for (uint32_t i = 0; i < 5; i++) {
		struct risk_txn x = dtxn(1, codes[i], SZ_KIND_WALLET, CU_T0);
		assert_int_equal(judged(12, &x, &a, NULL, true), hits[i]);
	}
	struct risk_txn domestic = dtxn(YUAN(200000), 3, SZ_KIND_WALLET, CU_T0);
	assert_int_equal(judged(4, &domestic, &a, NULL, true), 0); /* not cross-border */
	struct risk_txn first = dtxn(YUAN(30000), 9000, SZ_KIND_WALLET, CU_T0);
	assert_int_equal(judged(1, &first, &a, NULL, true), 0);
	risk_account_add(&default_set, &a, &first, true, true);
	struct risk_txn second = dtxn(YUAN(20000), 9000, SZ_KIND_WALLET, CU_T0 + NS_S);
	struct risk_txn second_less = dtxn(YUAN(20000) - 1, 9000, SZ_KIND_WALLET, CU_T0 + NS_S);
	assert_int_equal(judged(1, &second, &a, NULL, false), 1);
	assert_int_equal(judged(1, &second_less, &a, NULL, false), 0);
}

/* Structuring (typology 5): the n-th same-day transfer of 49,800.00 scores
 * 0 (n = 1, 2), 40 (3, 4), 80 (5, 6: alert), 100 (7: interdiction).
 * 50,000.00 is outside the 45,000-50,000 band and never counts. */
static void test_default_structuring(void **unused)
{
	(void)unused;
	load_default();
	struct risk_account a;
	memset(&a, 0, sizeof a);
	int want[8] = { 0, 0, 0, 0, 0, 1, 1, 2 };
	for (uint32_t n = 1; n <= 7; n++) {
		struct risk_txn x = dtxn(YUAN(49800), 3, SZ_KIND_GENERAL, CU_T0 + n * NS_S);
		assert_int_equal(judged(5, &x, &a, NULL, n == 1), want[n]);
		struct risk_txn over = dtxn(YUAN(50000), 3, SZ_KIND_GENERAL, CU_T0 + n * NS_S);
		assert_int_equal(judged(5, &over, &a, NULL, false), want[n - 1]); /* counts only the n - 1 before it */
		risk_account_add(&default_set, &a, &x, true, n == 1);
	}
}

/* Behavioural typologies, each on both sides:
 * 6 fan-in: the payee had 9 first-time payers of 6,000.00 in 24 h; a 10th
 *   new payer: new peers 10 -> 60 x 50 % = 30, 24 h inflow 60,000 >=
 *   10,000 -> 100 x 50 % = 50: 80, alert; with only 8 earlier (9 new)
 *   0 + 50 = 50: none. Ten new payers of 999.99 bring 9,999.90 < 10,000:
 *   30 + 0, none.
 * 7 fan-out: the same from a wallet payer's side; an enterprise payer
 *   (general account: payroll) is exempt from rule 11: 0 + 50, none.
 * 8 rapid in and out (8 h window): in 100,000.00, out 95,000.00 an hour
 *   later: 9,500 bp in [8,500, 11,501) -> 100 and 8 h inflow >= 50,000 ->
 *   100: 50 + 50 = 100, alert; out 80,000.00: 8,000 bp -> 0: 50, none;
 *   out 115,000.00 is 11,500 bp: alert; 115,010.00 is 11,501 bp: none;
 *   95,000.00 seven hours later (the inflow's hour is the window's first):
 *   alert; eight hours later the inflow has left the window: none.
 * 9 dormant: last activity 91 days back, 10,000.00: 50 + 50, alert; 89
 *   days: 0 + 50, none.
 * 10 history: 30 days of 100,000.00 out a day; today 150,000.00 is 15,000
 *   bp of the daily average: alert; 149,999.99 is 14,999 bp: none. After 30
 *   days of 10,000.00 a day, 99,999.99 (99,999 bp) is below the rule's
 *   100,000.00 exit: none.
 * 11 round: the 3rd outgoing transfer today, 10,000.00 (a multiple of
 *   10^6 fen): 50 + 50, alert; 10,000.01: 0 + 50, none. */
static int fan_judged(int side, uint64_t amount, uint32_t earlier, uint16_t payer_kind)
{
	static struct risk_account peer, hub;
	memset(&hub, 0, sizeof hub);
	memset(&peer, 0, sizeof peer);
	for (uint32_t k = 0; k < earlier; k++) {
		struct risk_txn x = dtxn(amount, 3, payer_kind, CU_T0 + k * NS_S);
		risk_account_add(&default_set, &hub, &x, side == 1, true);
	}
	struct risk_txn next = dtxn(amount, 3, payer_kind, CU_T0 + 30 * NS_S);
	return side == 0 ? judged(6, &next, &peer, &hub, true) : judged(7, &next, &hub, &peer, true);
}

static int pass_through_judged(uint64_t out_amount, uint64_t after_ns)
{
	static struct risk_account hub;
	memset(&hub, 0, sizeof hub);
	struct risk_txn in = dtxn(YUAN(100000), 3, SZ_KIND_WALLET, CU_T0);
	risk_account_add(&default_set, &hub, &in, false, true);
	struct risk_txn out = dtxn(out_amount, 3, SZ_KIND_WALLET, CU_T0 + after_ns);
	return judged(8, &out, &hub, NULL, true);
}

static int history_judged(uint64_t daily, uint64_t today)
{
	static struct risk_account hub;
	memset(&hub, 0, sizeof hub);
	for (uint32_t d = 0; d < 30; d++) {
		struct risk_txn x = dtxn(daily, 3, SZ_KIND_GENERAL, CU_T0 + d * NS_DAY);
		risk_account_add(&default_set, &hub, &x, true, false);
	}
	struct risk_txn t = dtxn(today, 3, SZ_KIND_GENERAL, CU_T0 + 30 * NS_DAY);
	return judged(10, &t, &hub, NULL, false);
}

static void test_default_behaviour(void **unused)
{
	(void)unused;
	load_default();
	for (int side = 0; side < 2; side++) { /* 0: fan-in on the payee, 1: fan-out from the payer */
		assert_int_equal(fan_judged(side, YUAN(6000), 9, SZ_KIND_WALLET), 1);
		assert_int_equal(fan_judged(side, YUAN(6000), 8, SZ_KIND_WALLET), 0);
		assert_int_equal(fan_judged(side, YUAN(1000) - 1, 9, SZ_KIND_WALLET), 0);
	}
	assert_int_equal(fan_judged(1, YUAN(6000), 9, SZ_KIND_GENERAL), 0);
	assert_int_equal(pass_through_judged(YUAN(95000), HOUR_NS), 1);
	assert_int_equal(pass_through_judged(YUAN(80000), HOUR_NS), 0);
	assert_int_equal(pass_through_judged(YUAN(115000), HOUR_NS), 1);
	assert_int_equal(pass_through_judged(YUAN(115010), HOUR_NS), 0);
	assert_int_equal(pass_through_judged(YUAN(95000), 7 * HOUR_NS), 1);
	assert_int_equal(pass_through_judged(YUAN(95000), 8 * HOUR_NS), 0);
	static struct risk_account hub;
	memset(&hub, 0, sizeof hub);
	struct risk_txn in = dtxn(YUAN(100000), 3, SZ_KIND_GENERAL, CU_T0);
	risk_account_add(&default_set, &hub, &in, false, true);
	struct risk_txn wake91 = dtxn(YUAN(10000), 3, SZ_KIND_GENERAL, CU_T0 + 91 * NS_DAY);
	struct risk_txn wake89 = dtxn(YUAN(10000), 3, SZ_KIND_GENERAL, CU_T0 + 89 * NS_DAY);
	assert_int_equal(judged(9, &wake91, &hub, NULL, true), 1);
	assert_int_equal(judged(9, &wake89, &hub, NULL, true), 0);
	assert_int_equal(history_judged(YUAN(100000), YUAN(150000)), 1);
	assert_int_equal(history_judged(YUAN(100000), YUAN(150000) - 1), 0);
	assert_int_equal(history_judged(YUAN(10000), YUAN(100000) - 1), 0);
	memset(&hub, 0, sizeof hub);
	for (uint32_t k = 0; k < 2; k++) {
		struct risk_txn x = dtxn(YUAN(7), 3, SZ_KIND_GENERAL, CU_T0 + k * NS_S);
		risk_account_add(&default_set, &hub, &x, true, false);
	}
	struct risk_txn round = dtxn(YUAN(10000), 3, SZ_KIND_GENERAL, CU_T0 + 5 * NS_S);
	struct risk_txn odd = dtxn(YUAN(10000) + 1, 3, SZ_KIND_GENERAL, CU_T0 + 5 * NS_S);
	assert_int_equal(judged(11, &round, &hub, NULL, false), 1);
	assert_int_equal(judged(11, &odd, &hub, NULL, false), 0);
}

/* In the engine: a wallet payment of 600 yuan under "amount >= 500 yuan:
 * alert" is seen by the observer (one alert naming the payment's payer
 * wallet); under version 2, "amount >= 500 yuan: interdict", a second
 * payment of 600 yuan is refused with RISK_R_INTERDICTED, the payer's
 * balance stays 10,000 - 600 = 9,400 yuan, and the refusal is recorded
 * although the wallet command rolled back. */
static void test_wallet_payment_seen_and_interdicted(void **unused)
{
	(void)unused;
	static struct cu x;
	cu_init(&x);
	cu_setup_operator(&x, BANK, CURRENCY_OPERATOR_BANK, YUAN(1000000));
	sz_id payer = cu_funded_wallet(&x, BANK, 1, YUAN(10000));
	sz_id payee = cu_funded_wallet(&x, BANK, 1, 0);
	struct risk_ruleset rs = one_rule(RISK_F_AMOUNT);
	rs.rules[0].band_min[0] = YUAN(500);
	assert_int_equal(activate(&x, &rs), SZ_R_OK);
	assert_int_equal(activate(&x, &rs), RISK_R_VERSION_NOT_NEWER);
	const struct risk_state *st = risk_state_get(&x.s);
	assert_int_equal(cu_pay(&x, payer, payee, YUAN(600)), SZ_R_OK);
	assert_int_equal(risk_alert_count(st), 1);
	const struct risk_alert *a = risk_alert_at(st, 0);
	assert_int_equal(a->amount_minor, YUAN(600));
	assert_true(sz_id_eq(a->payer_id, payer)); /* the wallet is its ledger account */
	assert_int_equal(cu_balance(&x, payer), YUAN(9400));
	rs.version = 2;
	rs.typologies[0].interdict_threshold = 100;
	assert_int_equal(activate(&x, &rs), SZ_R_OK);
	assert_int_equal(cu_pay(&x, payer, payee, YUAN(600)), RISK_R_INTERDICTED);
	assert_int_equal(cu_balance(&x, payer), YUAN(9400));
	assert_int_equal(risk_refusal_count(st), 1);
	assert_int_equal(risk_alert_count(st), 1);
	assert_int_equal(risk_refusal_at(st, 0)->ruleset_version, 2);
	cu_release(&x);
}

/* A screening result (RISK_CMD_SCREEN_HIT, computed outside apply): score
 * 899 under threshold 900 changes nothing; 900 opens alert 1 (typology 0,
 * score 900, the list name and entry id kept in its evidence); a score of
 * 1001 per mille, a zero subject or a name without its NUL are refused with
 * RISK_R_COMMAND_INVALID and store nothing. */
static void test_screen_hit(void **unused)
{
	(void)unused;
	static struct cu x;
	cu_init(&x);
	struct risk_screen_cmd c = { .subject_id = { 42, 0 }, .event_id = { 9001, 0 }, .tenant_id = 1, .score = 899,
				     .threshold = 900, .list_version = 3, .currency = CNY };
	snprintf(c.list_name, sizeof c.list_name, "szfin-test");
	snprintf(c.entry_id, sizeof c.entry_id, "T0001");
	const struct risk_state *st = risk_state_get(&x.s);
	assert_int_equal(cu_run(&x, RISK_CMD_SCREEN_HIT, &c, sizeof c), SZ_R_OK);
	assert_int_equal(risk_alert_count(st), 0);
	c.score = 900;
	assert_int_equal(cu_run(&x, RISK_CMD_SCREEN_HIT, &c, sizeof c), SZ_R_OK);
	assert_int_equal(risk_alert_count(st), 1);
	const struct risk_alert *a = risk_alert_at(st, 0);
	assert_int_equal(a->typology_id, RISK_TYPOLOGY_SCREENING);
	assert_int_equal(a->score, 900);
	assert_int_equal(a->contributions[0].value, 3);
	assert_true(sz_id_eq(a->payer_id, c.subject_id));
	assert_string_equal((const char *)&a->evidence_transfer_id[2], "T0001");
	struct risk_screen_cmd bad = c;
	bad.score = 1001;
	assert_int_equal(cu_run(&x, RISK_CMD_SCREEN_HIT, &bad, sizeof bad), RISK_R_COMMAND_INVALID);
	bad = c;
	bad.subject_id = (sz_id){ 0, 0 };
	assert_int_equal(cu_run(&x, RISK_CMD_SCREEN_HIT, &bad, sizeof bad), RISK_R_COMMAND_INVALID);
	bad = c;
	memset(bad.entry_id, 'x', sizeof bad.entry_id);
	assert_int_equal(cu_run(&x, RISK_CMD_SCREEN_HIT, &bad, sizeof bad), RISK_R_COMMAND_INVALID);
	assert_int_equal(risk_alert_count(st), 1);
	cu_release(&x);
}

/* Overdue large-value reports (RISK_TYPOLOGY_OVERDUE). One rule "amount >=
 * 500 yuan" in a large-value typology. CU_T0 is Saturday 2025-03-01 10:00
 * CST; five working days are Mon 3 ... Fri 7, so the report is due at the
 * end of Friday 2025-03-07 CST = 2025-03-07T16:00:00Z (1741363200 s) minus
 * 1 ns. Alert 1 (transfer 10) is not filed; alert 2 (transfer 11) gets a
 * case closed as reported. A batch at the due time raises nothing; the
 * first batch after it raises one overdue alert naming alert 1 (and none
 * for the filed alert 2); later batches raise no more. */
static void test_overdue_report(void **unused)
{
	(void)unused;
	static struct cu x;
	cu_init(&x);
	for (uint64_t id = 1; id <= 2; id++) {
		sz_account acc = tu_account(id, CNY, 0);
		assert_int_equal(cu_run(&x, SZ_CMD_CREATE_ACCOUNT, &acc, sizeof acc), SZ_R_OK);
	}
	struct risk_ruleset rs = one_rule(RISK_F_AMOUNT);
	rs.rules[0].band_min[0] = YUAN(500);
	rs.typologies[0].report = RISK_REPORT_LARGE;
	assert_int_equal(activate(&x, &rs), SZ_R_OK);
	sz_transfer t1 = tu_transfer(10, 1, 2, YUAN(600), 0), t2 = tu_transfer(11, 1, 2, YUAN(700), 0);
	assert_int_equal(cu_run(&x, SZ_CMD_CREATE_TRANSFER, &t1, sizeof t1), SZ_R_OK);
	assert_int_equal(cu_run(&x, SZ_CMD_CREATE_TRANSFER, &t2, sizeof t2), SZ_R_OK);
	const struct risk_state *st = risk_state_get(&x.s);
	assert_int_equal(risk_alert_count(st), 2);
	const uint64_t due = 1741363200ull * NS_S - 1;
	assert_int_equal(risk_alert_at(st, 0)->report_due_ns, due);
	struct risk_case_cmd open = { .case_id = sz_id_make(0, 5), .alert_no = 2, .action = RISK_CASE_OPEN,
				      .actor = RISK_ACTOR_OFFICER };
	struct risk_case_cmd close = open;
	close.action = RISK_CASE_CLOSE;
	close.disposition = RISK_DISP_REPORTED;
	assert_int_equal(cu_run(&x, RISK_CMD_CASE, &open, sizeof open), SZ_R_OK);
	assert_int_equal(cu_run(&x, RISK_CMD_CASE, &close, sizeof close), SZ_R_OK);
	sz_transfer small = tu_transfer(20, 1, 2, 1, 0);
	x.t = due;
	assert_int_equal(cu_run(&x, SZ_CMD_CREATE_TRANSFER, &small, sizeof small), SZ_R_OK);
	assert_int_equal(risk_alert_count(st), 2); /* due, not yet overdue */
	small.id = sz_id_make(0, 21);
	assert_int_equal(cu_run(&x, SZ_CMD_CREATE_TRANSFER, &small, sizeof small), SZ_R_OK);
	assert_int_equal(risk_alert_count(st), 3);
	const struct risk_alert *o = risk_alert_at(st, 2);
	assert_int_equal(o->typology_id, RISK_TYPOLOGY_OVERDUE);
	assert_int_equal(o->contributions[0].value, 1);
	assert_true(sz_id_eq(o->transfer_id, sz_id_make(0, 10)));
	assert_int_equal(o->amount_minor, YUAN(600));
	small.id = sz_id_make(0, 22);
	x.t += 30 * NS_DAY;
	assert_int_equal(cu_run(&x, SZ_CMD_CREATE_TRANSFER, &small, sizeof small), SZ_R_OK);
	assert_int_equal(risk_alert_count(st), 3); /* once per late alert */
	cu_release(&x);
}

/* Retention (RISK_CMD_PURGE) under a set keeping records 1 day: two alerts
 * at t1 < t2; a day and a second after t2, purging before t2 is allowed
 * (t2 <= batch - 1 day) and tombstones alert 1 only (t1 < t2 <= t2: the bound
 * is exclusive); before batch - 1 day + 1 ns is refused
 * (RISK_R_RETENTION_NOT_REACHED); a non-zero reserved field is invalid. The
 * tombstone keeps its number and time; alert 2 is untouched. */
static void test_purge(void **unused)
{
	(void)unused;
	static struct cu x;
	cu_init(&x);
	for (uint64_t id = 1; id <= 2; id++) {
		sz_account acc = tu_account(id, CNY, 0);
		assert_int_equal(cu_run(&x, SZ_CMD_CREATE_ACCOUNT, &acc, sizeof acc), SZ_R_OK);
	}
	struct risk_ruleset rs = one_rule(RISK_F_AMOUNT);
	rs.retention_days = 1;
	assert_int_equal(activate(&x, &rs), SZ_R_OK);
	sz_transfer t1 = tu_transfer(10, 1, 2, 100, 0), t2 = tu_transfer(11, 1, 2, 100, 0);
	assert_int_equal(cu_run(&x, SZ_CMD_CREATE_TRANSFER, &t1, sizeof t1), SZ_R_OK);
	assert_int_equal(cu_run(&x, SZ_CMD_CREATE_TRANSFER, &t2, sizeof t2), SZ_R_OK);
	const struct risk_state *st = risk_state_get(&x.s);
	assert_int_equal(risk_alert_count(st), 2);
	uint64_t at2 = risk_alert_at(st, 1)->time_ns, at1 = risk_alert_at(st, 0)->time_ns;
	assert_true(at1 < at2);
	x.t = at2 + NS_DAY + NS_S;
	struct risk_purge_cmd early = { .before_ns = x.t - NS_DAY + 1 };
	assert_int_equal(cu_run(&x, RISK_CMD_PURGE, &early, sizeof early), RISK_R_RETENTION_NOT_REACHED);
	struct risk_purge_cmd bad = { .before_ns = at2, .reserved = 1 };
	assert_int_equal(cu_run(&x, RISK_CMD_PURGE, &bad, sizeof bad), RISK_R_COMMAND_INVALID);
	struct risk_purge_cmd ok = { .before_ns = at2 };
	assert_int_equal(cu_run(&x, RISK_CMD_PURGE, &ok, sizeof ok), SZ_R_OK);
	assert_int_equal(risk_alert_count(st), 2);
	const struct risk_alert *a1 = risk_alert_at(st, 0), *a2 = risk_alert_at(st, 1);
	assert_true(risk_alert_purged(a1));
	assert_int_equal(a1->alert_no, 1);
	assert_int_equal(a1->time_ns, at1);
	assert_true(sz_id_is_zero(a1->payer_id));
	assert_false(risk_alert_purged(a2));
	assert_int_equal(a2->amount_minor, 100);
	cu_release(&x);
}

/* A linked chain whose second transfer fails rolls the first one's
 * counting and alert back with the ledger: no alert, no monitored account. */
static void test_failed_chain_rolls_back(void **unused)
{
	(void)unused;
	static struct cu x;
	cu_init(&x);
	for (uint64_t id = 1; id <= 2; id++) {
		sz_account acc = tu_account(id, CNY, 0);
		assert_int_equal(cu_run(&x, SZ_CMD_CREATE_ACCOUNT, &acc, sizeof acc), SZ_R_OK);
	}
	struct risk_ruleset rs = one_rule(RISK_F_AMOUNT);
	assert_int_equal(activate(&x, &rs), SZ_R_OK);
	uint8_t buf[512];
	uint32_t n = 0, results[2];
	sz_transfer t1 = tu_transfer(10, 1, 2, 100, SZ_TRANSFER_LINKED);
	sz_transfer t2 = tu_transfer(11, 1, 99, 100, 0); /* no account 99 */
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &t1, sizeof t1);
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &t2, sizeof t2);
	cu_batch(&x, buf, n, 2, results);
	assert_int_equal(results[0], SZ_R_LINKED_EVENT_FAILED);
	const struct risk_state *st = risk_state_get(&x.s);
	assert_int_equal(risk_alert_count(st), 0);
	assert_int_equal(risk_monitored_count(st), 0);
	sz_transfer t3 = tu_transfer(12, 1, 2, 100, 0);
	assert_int_equal(cu_run(&x, SZ_CMD_CREATE_TRANSFER, &t3, sizeof t3), SZ_R_OK);
	assert_int_equal(risk_alert_count(st), 1);
	assert_int_equal(risk_monitored_count(st), 2);
	cu_release(&x);
}

/* A failed chain on accounts already counted (the observer journals only
 * their counters and the bucket of the hour): both account records are,
 * byte for byte, what they were before the chain, also when the chain
 * falls on a new CST day and a new hour (the day roll and the bucket reset
 * are undone too). */
static void test_failed_chain_on_counted_accounts(void **unused)
{
	(void)unused;
	static struct cu x;
	cu_init(&x);
	for (uint64_t id = 1; id <= 2; id++) {
		sz_account acc = tu_account(id, CNY, 0);
		assert_int_equal(cu_run(&x, SZ_CMD_CREATE_ACCOUNT, &acc, sizeof acc), SZ_R_OK);
	}
	struct risk_ruleset rs = one_rule(RISK_F_AMOUNT);
	assert_int_equal(activate(&x, &rs), SZ_R_OK);
	sz_transfer t0 = tu_transfer(10, 1, 2, 100, 0);
	assert_int_equal(cu_run(&x, SZ_CMD_CREATE_TRANSFER, &t0, sizeof t0), SZ_R_OK);
	x.t += NS_DAY + 3600ull * NS_S; /* the next CST day, another hour */
	const struct risk_state *st = risk_state_get(&x.s);
	const struct risk_account *payer = risk_account_find(st, sz_id_make(0, 1));
	const struct risk_account *payee = risk_account_find(st, sz_id_make(0, 2));
	assert_non_null(payer);
	assert_non_null(payee);
	static struct risk_account payer_before, payee_before;
	payer_before = *payer;
	payee_before = *payee;
	uint8_t buf[512];
	uint32_t n = 0, results[2];
	sz_transfer t1 = tu_transfer(11, 1, 2, 100, SZ_TRANSFER_LINKED);
	sz_transfer t2 = tu_transfer(12, 1, 99, 100, 0); /* no account 99 */
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &t1, sizeof t1);
	tu_append(buf, &n, SZ_CMD_CREATE_TRANSFER, &t2, sizeof t2);
	cu_batch(&x, buf, n, 2, results);
	assert_int_equal(results[0], SZ_R_LINKED_EVENT_FAILED);
	assert_memory_equal(payer, &payer_before, sizeof payer_before);
	assert_memory_equal(payee, &payee_before, sizeof payee_before);
	/* Only t0 counted: 1.00 out on the first day, nothing rolled into history. */
	assert_int_equal(payer->day_out_count, 1);
	assert_int_equal(payer->day_out_sum_minor, 100);
	assert_int_equal(payer->hist_out_sum_minor, 0);
	assert_int_equal(risk_alert_count(st), 1); /* t0's: amount >= the one rule's band */
	cu_release(&x);
}

/* Snapshot round trip: after a rule set, transfers, an alert, a refusal
 * and a case, a state loaded from the snapshot has the same digest, finds
 * the same accounts through its rebuilt index, and judges the next
 * transfer exactly as the original does (both refuse the 3rd transfer of
 * 600 yuan under "count of same-day transfers >= 3: interdict"). */
static void test_snapshot_round_trip(void **unused)
{
	(void)unused;
	static struct cu x, y;
	cu_init(&x);
	for (uint64_t id = 1; id <= 2; id++) {
		sz_account acc = tu_account(id, CNY, 0);
		assert_int_equal(cu_run(&x, SZ_CMD_CREATE_ACCOUNT, &acc, sizeof acc), SZ_R_OK);
	}
	struct risk_ruleset rs = one_rule(RISK_F_COUNT);
	rs.rules[0].window_h = 0;
	rs.rules[0].band_min[0] = 2;
	rs.rules[0].band_count = 2;
	rs.rules[0].band_min[1] = 3;
	rs.rules[0].band_score[0] = 100;
	rs.rules[0].band_score[1] = 200;
	rs.typologies[0].interdict_threshold = 200;
	assert_int_equal(activate(&x, &rs), SZ_R_OK);
	sz_transfer t1 = tu_transfer(10, 1, 2, YUAN(600), 0), t2 = tu_transfer(11, 1, 2, YUAN(600), 0);
	assert_int_equal(cu_run(&x, SZ_CMD_CREATE_TRANSFER, &t1, sizeof t1), SZ_R_OK);
	assert_int_equal(cu_run(&x, SZ_CMD_CREATE_TRANSFER, &t2, sizeof t2), SZ_R_OK); /* count 2: alert */
	struct risk_case_cmd open = { .case_id = sz_id_make(0, 5), .alert_no = 1, .action = RISK_CASE_OPEN,
				      .actor = RISK_ACTOR_ANALYST };
	assert_int_equal(cu_run(&x, RISK_CMD_CASE, &open, sizeof open), SZ_R_OK);
	FILE *f = tmpfile();
	assert_non_null(f);
	struct sz_snap w = { .f = f };
	crypto_generichash_init(&w.hash, NULL, 0, 32);
	assert_int_equal(sz_state_snapshot_write(&x.s, &w), 0);
	rewind(f);
	cu_init(&y);
	struct sz_snap r = { .f = f };
	crypto_generichash_init(&r.hash, NULL, 0, 32);
	assert_int_equal(sz_state_snapshot_read(&y.s, &r), 0);
	fclose(f);
	y.s.sequence = x.s.sequence;
	y.s.batch_time_ns = x.s.batch_time_ns;
	y.seq = x.seq;
	y.t = x.t;
	uint8_t d1[32], d2[32];
	cu_digest(&x, d1);
	cu_digest(&y, d2);
	assert_memory_equal(d1, d2, 32);
	const struct risk_state *sy = risk_state_get(&y.s);
	assert_non_null(risk_account_find(sy, sz_id_make(0, 1)));
	assert_int_equal(risk_case_count(sy), 1);
	sz_transfer t3 = tu_transfer(12, 1, 2, YUAN(600), 0);
	assert_int_equal(cu_run(&x, SZ_CMD_CREATE_TRANSFER, &t3, sizeof t3), RISK_R_INTERDICTED);
	assert_int_equal(cu_run(&y, SZ_CMD_CREATE_TRANSFER, &t3, sizeof t3), RISK_R_INTERDICTED);
	cu_digest(&x, d1);
	cu_digest(&y, d2);
	assert_memory_equal(d1, d2, 32);
	cu_release(&x);
	cu_release(&y);
}

/* Five working days after Friday 2025-02-28 12:00 CST are Mon 3 ... Fri 7
 * March; due at the end of Friday 7 March CST = 2025-03-07 15:59:59.999999999 UTC.
 * T0 - 22 h = 2025-02-28 12:00 CST. 2025-03-07 16:00 UTC = T0 + 6 days + 14 h. */
static void test_due_working_days(void **unused)
{
	(void)unused;
	uint64_t friday_noon = CU_T0 - 22 * HOUR_NS;
	uint64_t due = risk_due_after_working_days(friday_noon, 5);
	assert_int_equal(due, CU_T0 + 6 * NS_DAY + 14 * HOUR_NS - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_counters),
		cmocka_unit_test(test_bucket_list),
		cmocka_unit_test(test_bands_and_weights),
		cmocka_unit_test(test_share_history_dormancy),
		cmocka_unit_test(test_screen_hit),
		cmocka_unit_test(test_overdue_report),
		cmocka_unit_test(test_purge),
		cmocka_unit_test(test_ruleset_checks),
		cmocka_unit_test(test_default_large_value),
		cmocka_unit_test(test_default_structuring),
		cmocka_unit_test(test_default_behaviour),
		cmocka_unit_test(test_wallet_payment_seen_and_interdicted),
		cmocka_unit_test(test_failed_chain_rolls_back),
		cmocka_unit_test(test_failed_chain_on_counted_accounts),
		cmocka_unit_test(test_due_working_days),
		cmocka_unit_test(test_snapshot_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
