/*
 * test_risk_util.h — what the risk unit tests build their cases from: a
 * one-rule, one-typology rule set and a transfer as the rules see it.
 * Include after test_currency_util.h (CNY, sz_id_make, cmocka).
 */
#ifndef SZ_TEST_RISK_UTIL_H
#define SZ_TEST_RISK_UTIL_H

#include "risk/risk.h"

#include <stdio.h>
#include <string.h>

/* A one-rule, one-typology set (wallets are individuals, general accounts
 * institutions); the caller edits the rule. Any band of 1 or more scores
 * 100, which is the alert threshold. Not checked: some features need the
 * caller's edits (a Benford minimum count, a side) to be valid. */
static inline struct risk_ruleset risk_test_one_rule(uint8_t feature)
{
	struct risk_ruleset rs;
	memset(&rs, 0, sizeof rs);
	rs.version = 1;
	rs.rule_count = 1;
	rs.typology_count = 1;
	rs.retention_days = 3650;
	rs.report_due_working_days = 5;
	rs.individual_kind_mask = 1u << SZ_KIND_WALLET;
	rs.institution_kind_mask = 1u << SZ_KIND_GENERAL;
	snprintf(rs.name, sizeof rs.name, "test");
	rs.rules[0] = (struct risk_rule){ .rule_id = 1, .feature = feature, .band_count = 1, .band_min = { 1 },
					  .band_score = { 100 } };
	rs.typologies[0] = (struct risk_typology){ .typology_id = 1, .rule_count = 1, .alert_threshold = 100,
						   .rule_id = { 1 }, .weight_pct = { 100 } };
	return rs;
}

/* A CNY transfer of amount minor units from payer to payee with a code. */
static inline struct risk_txn risk_test_txn(uint64_t id, uint64_t payer, uint64_t payee, uint64_t amount,
					    uint64_t time_ns, uint16_t code)
{
	return (struct risk_txn){ .transfer_id = sz_id_make(0, id), .payer_id = sz_id_make(0, payer),
				  .payee_id = sz_id_make(0, payee), .amount_minor = amount, .time_ns = time_ns,
				  .currency = CNY, .code = code };
}

#endif
