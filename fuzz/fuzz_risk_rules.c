/*
 * fuzz_risk_rules.c — libFuzzer harness for the risk rule-set file parser
 * (src/risk/http_ruleset.c, risk_ruleset_parse).
 *
 * Input: the file text. Properties beyond "no crash or sanitizer report":
 *  - a refused file leaves the destination untouched and gives a sentence;
 *  - an accepted set passes risk_ruleset_check (what apply re-checks) and
 *    parsing the same text again gives the same bytes;
 *  - an accepted set judges a handful of transfers through every typology
 *    (eval.c) without tripping an assertion, and the scores stay within
 *    the bound the weights and bands allow — the ext.h features (Benford,
 *    declared cross-border volume, remitters) included.
 * Seed corpus: fuzz/corpus/fuzz_risk_rules/ (replayed by make test).
 */
#include "risk/http.h"
#include "risk/risk.h"
#include "risk/ext.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void exercise(const struct risk_ruleset *rs)
{
	static struct risk_account payer, payee;
	static struct risk_account_ext payer_ext, payee_ext;
	memset(&payer, 0, sizeof payer);
	memset(&payee, 0, sizeof payee);
	memset(&payer_ext, 0, sizeof payer_ext);
	memset(&payee_ext, 0, sizeof payee_ext);
	payer_ext.declared_month_minor = 100000000;
	payer_ext.declared_currency = rs->rules[0].currency;
	uint64_t t0 = 1740794400ull * 1000000000ull;
	static const uint64_t amounts[] = { 1, 4980000, 5000000, 200000000, UINT64_MAX / 4 };
	for (uint32_t k = 0; k < sizeof amounts / sizeof amounts[0]; k++) {
		struct risk_txn x = { .transfer_id = { k + 1, 0 }, .payer_id = { 1, 0 }, .payee_id = { 2, 0 },
				      .amount_minor = amounts[k], .time_ns = t0 + k * 3600000000000ull,
				      .currency = rs->rules[0].currency, .code = (uint16_t)(8000 + k),
				      .payer_kind = (uint16_t)(k % 8), .payee_kind = 3 };
		struct risk_view v = { &payer, &payee, k == 0, &payer_ext, &payee_ext };
		struct risk_verdict out[RISK_TYPOLOGY_COUNT_MAX];
		risk_eval_typologies(rs, &x, &v, out);
		for (uint32_t t = 0; t < rs->typology_count; t++)
			if (out[t].score > RISK_TYPOLOGY_RULE_COUNT_MAX * RISK_WEIGHT_MAX * RISK_SCORE_MAX / 100u)
				abort();
		risk_account_add(rs, &payer, &x, true, k == 0);
		risk_account_add(rs, &payee, &x, false, k == 0);
		risk_ext_add(rs, &payer_ext, &x, true);
		risk_ext_add(rs, &payee_ext, &x, false);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct risk_ruleset rs, again;
	char why[256] = "";
	memset(&rs, 0xa5, sizeof rs);
	int rc = risk_ruleset_parse((const char *)data, size, &rs, why, sizeof why);
	if (rc != 0) {
		for (size_t i = 0; i < sizeof rs; i++)
			if (((const uint8_t *)&rs)[i] != 0xa5)
				abort();
		if (why[0] == '\0')
			abort();
		return 0;
	}
	if (risk_ruleset_check(&rs, NULL, 0) != 0)
		abort();
	if (risk_ruleset_parse((const char *)data, size, &again, why, sizeof why) != 0 || memcmp(&rs, &again, sizeof rs) != 0)
		abort();
	exercise(&rs);
	return 0;
}
