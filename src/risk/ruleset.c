/*
 * ruleset.c — the checks a binary rule set passes before it can be
 * activated (the parser, http_ruleset.c, runs them too, so that a file is
 * refused with a sentence before it reaches the log), and rule lookup.
 * Deterministic: apply calls risk_ruleset_check on every activation.
 */
#include "risk/risk.h"
#include "risk/ext.h"
#include "core/assert.h"

#include <stdio.h>
#include <string.h>

const struct risk_rule *risk_ruleset_rule(const struct risk_ruleset *rs, uint16_t rule_id)
{
	SZ_ASSERT(rs != NULL);
	SZ_ASSERT(rs->rule_count <= RISK_RULE_COUNT_MAX);
	for (uint32_t i = 0; i < rs->rule_count; i++)
		if (rs->rules[i].rule_id == rule_id)
			return &rs->rules[i];
	return NULL;
}

static bool zero_bytes(const void *p, size_t size)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < size; i++)
		if (b[i] != 0)
			return false;
	return true;
}

#define REFUSE(...) do { if (why != NULL) snprintf(why, why_size, __VA_ARGS__); return RISK_R_RULESET_INVALID; } while (0)

static uint32_t check_rule(const struct risk_ruleset *rs, uint32_t i, char *why, size_t why_size)
{
	const struct risk_rule *r = &rs->rules[i];
	if (r->rule_id == 0 || risk_ruleset_rule(rs, r->rule_id) != r)
		REFUSE("rule %u: the id must be non-zero and unique", i);
	if (r->feature < RISK_F_AMOUNT || r->feature >= RISK_F_COUNT_MAX_ || r->side > RISK_SIDE_PAYEE ||
	    r->flow > RISK_FLOW_IN || r->party >= RISK_PARTY_COUNT_)
		REFUSE("rule %u: feature, side, flow or party out of range", r->rule_id);
	if (r->window_h > RISK_BUCKET_COUNT || r->tally > RISK_TALLY_COUNT_MAX)
		REFUSE("rule %u: window above %u hours or tally above %u", r->rule_id, RISK_BUCKET_COUNT,
		       RISK_TALLY_COUNT_MAX);
	if (r->tally != 0 && r->feature != RISK_F_COUNT && r->feature != RISK_F_SUM)
		REFUSE("rule %u: only count and sum rules use a tally", r->rule_id);
	if (r->tally != 0 && r->feature == RISK_F_SUM && r->window_h != 0)
		REFUSE("rule %u: a tally's sum is kept for the same day only (window 0)", r->rule_id);
	if (r->amount_max_minor != 0 && r->amount_max_minor <= r->amount_min_minor)
		REFUSE("rule %u: amount_max must exceed amount_min", r->rule_id);
	if (r->code_max < r->code_min || (r->code_max == 0 && r->code_min != 0))
		REFUSE("rule %u: codes must be [first, last] with last >= first > 0, or absent", r->rule_id);
	if (r->feature == RISK_F_ROUND && (r->param == 0 || r->param > 18))
		REFUSE("rule %u: a round-amount rule needs an exponent 1..18", r->rule_id);
	if (r->feature == RISK_F_BENFORD_MAD && (r->param < RISK_BENFORD_COUNT_MIN || r->param > RISK_DIGIT_DECAY_AT / 2))
		REFUSE("rule %u: a Benford rule needs a minimum count (param) of %u to %u transfers", r->rule_id,
		       RISK_BENFORD_COUNT_MIN, RISK_DIGIT_DECAY_AT / 2);
	if (r->feature == RISK_F_XBORDER_REMITTERS && (r->side != RISK_SIDE_PAYEE || r->flow != RISK_FLOW_IN))
		REFUSE("rule %u: cross_border_remitters counts the payee's remitters (side payee, flow in)", r->rule_id);
	if (r->band_count == 0 || r->band_count > RISK_BAND_COUNT_MAX || !zero_bytes(r->reserved, sizeof r->reserved))
		REFUSE("rule %u: 1 to %u bands, reserved bytes zero", r->rule_id, RISK_BAND_COUNT_MAX);
	for (uint32_t b = 0; b < RISK_BAND_COUNT_MAX; b++) {
		bool used = b < r->band_count;
		if (used && (r->band_score[b] > RISK_SCORE_MAX || (b > 0 && r->band_min[b] <= r->band_min[b - 1])))
			REFUSE("rule %u: bands must ascend and score at most %u", r->rule_id, RISK_SCORE_MAX);
		if (!used && (r->band_min[b] != 0 || r->band_score[b] != 0))
			REFUSE("rule %u: unused bands must be zero", r->rule_id);
	}
	return 0;
}

static uint32_t check_typology(const struct risk_ruleset *rs, uint32_t i, char *why, size_t why_size)
{
	const struct risk_typology *t = &rs->typologies[i];
	for (uint32_t k = 0; k < i; k++)
		if (rs->typologies[k].typology_id == t->typology_id)
			REFUSE("typology %u appears twice", t->typology_id);
	if (t->typology_id == 0 || t->rule_count == 0 || t->rule_count > RISK_TYPOLOGY_RULE_COUNT_MAX ||
	    t->report > RISK_REPORT_SUSPICIOUS || !zero_bytes(t->reserved, sizeof t->reserved))
		REFUSE("typology %u: non-zero id, 1 to %u rules, a known report kind", t->typology_id,
		       RISK_TYPOLOGY_RULE_COUNT_MAX);
	if (t->alert_threshold == 0 || (t->interdict_threshold != 0 && t->interdict_threshold < t->alert_threshold))
		REFUSE("typology %u: the alert threshold must be positive and at most the interdiction threshold",
		       t->typology_id);
	for (uint32_t k = 0; k < RISK_TYPOLOGY_RULE_COUNT_MAX; k++) {
		bool used = k < t->rule_count;
		if (used && (risk_ruleset_rule(rs, t->rule_id[k]) == NULL || t->weight_pct[k] > RISK_WEIGHT_MAX))
			REFUSE("typology %u: rule %u is not in the set or its weight exceeds %u", t->typology_id,
			       t->rule_id[k], RISK_WEIGHT_MAX);
		if (!used && (t->rule_id[k] != 0 || t->weight_pct[k] != 0))
			REFUSE("typology %u: unused rule slots must be zero", t->typology_id);
	}
	return 0;
}

uint32_t risk_ruleset_check(const struct risk_ruleset *rs, char *why, size_t why_size)
{
	SZ_ASSERT(rs != NULL);
	SZ_ASSERT(why == NULL || why_size > 0);
	if (rs->version == 0 || rs->rule_count == 0 || rs->rule_count > RISK_RULE_COUNT_MAX ||
	    rs->typology_count == 0 || rs->typology_count > RISK_TYPOLOGY_COUNT_MAX)
		REFUSE("a rule set needs a version, 1 to %u rules and 1 to %u typologies", RISK_RULE_COUNT_MAX,
		       RISK_TYPOLOGY_COUNT_MAX);
	if (memchr(rs->name, 0, sizeof rs->name) == NULL || rs->retention_days == 0)
		REFUSE("the name must be NUL-terminated and the retention positive");
	if ((rs->cash_code_max != 0 && rs->cash_code_max < rs->cash_code_min) ||
	    (rs->xborder_code_max != 0 && rs->xborder_code_max < rs->xborder_code_min))
		REFUSE("a code range must not be reversed");
	for (uint32_t i = rs->rule_count; i < RISK_RULE_COUNT_MAX; i++)
		if (!zero_bytes(&rs->rules[i], sizeof rs->rules[i]))
			REFUSE("rule slots beyond the count must be zero");
	for (uint32_t i = rs->typology_count; i < RISK_TYPOLOGY_COUNT_MAX; i++)
		if (!zero_bytes(&rs->typologies[i], sizeof rs->typologies[i]))
			REFUSE("typology slots beyond the count must be zero");
	for (uint32_t i = 0; i < rs->rule_count; i++) {
		uint32_t rc = check_rule(rs, i, why, why_size);
		if (rc)
			return rc;
	}
	for (uint32_t i = 0; i < rs->typology_count; i++) {
		uint32_t rc = check_typology(rs, i, why, why_size);
		if (rc)
			return rc;
	}
	return 0;
}

/* Working days Monday to Friday of the CST calendar (1970-01-01 was a Thursday). */
uint64_t risk_due_after_working_days(uint64_t time_ns, uint32_t working_days)
{
	int32_t day = risk_day_of(time_ns);
	SZ_ASSERT(day >= 0);
	uint32_t left = working_days;
	while (left > 0) {
		day++;
		int32_t weekday = (day + 3) % 7; /* 0 = Monday */
		if (weekday < 5)
			left--;
	}
	/* End of that CST day, in UTC ns. */
	return (uint64_t)(day + 1) * RISK_NS_PER_DAY - RISK_DAY_OFFSET_NS - 1u;
}
