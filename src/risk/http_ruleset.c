/*
 * http_ruleset.c — the rule-set file format (JSON) and its parser into the
 * fixed-size binary command body (struct risk_ruleset). Runs in the HTTP
 * adapter, never in apply; the format is documented in docs/risk.md.
 *
 *   { "format": "szfin-risk-rules/1", "version": 3, "name": "default",
 *     "effective": "2026-01-01T00:00:00Z",            optional (0 = on activation)
 *     "currency": "CNY",                               the currency of amounts
 *     "cash_codes": [9000, 9099], "cross_border_codes": [8000, 8099],
 *     "individual_kinds": ["wallet"], "institution_kinds": ["merchant", ...],
 *     "report_due_working_days": 5, "retention_days": 3650,
 *     "rules": [ { "id": 1, "feature": "sum", "side": "payer", "flow": "out",
 *                  "party": "cash", "window": "day" | "6h", "tally": 1,
 *                  "amount_min": "45000.00", "amount_max": "50000.00",
 *                  "exit_below": "1000.00", "exit_kinds": ["reserve"],
 *                  "param": 2, "bands": [ { "min": "50000.00", "score": 100 } ],
 *                  "name": "...", "source": "..." } ],
 *     "typologies": [ { "id": 1, "report": "large_value" | "suspicious" | "none",
 *                       "alert": 100, "interdict": 0,
 *                       "rules": [ { "rule": 1, "weight": 100 } ],
 *                       "name": "...", "source": "..." } ],
 *     "sources": [...] }                               free text, ignored
 * Amounts (amount_min, amount_max, exit_below, and band minimums of amount
 * and sum rules) are decimal strings in the set's currency; other band
 * minimums are integers (counts, basis points, days). Unknown keys are
 * refused, so a misspelt field never passes silently.
 */
#include "risk/http.h"
#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"
#include "risk/risk.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parse {
	char *why;
	size_t why_size;
	uint32_t currency;
	const char *where; /* "rules[3]" */
};

static int fail(struct parse *p, const char *fmt, const char *field)
{
	snprintf(p->why, p->why_size, "%s%s%s: %s", p->where, p->where[0] ? "." : "", field, fmt);
	return SZ_EINVAL;
}

static bool keys_known(struct parse *p, json_t *o, const char *const *known)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		bool ok = false;
		for (size_t i = 0; known[i] != NULL && !ok; i++)
			ok = strcmp(key, known[i]) == 0;
		if (!ok) {
			fail(p, "unknown field", key);
			return false;
		}
	}
	return true;
}

static int get_uint(struct parse *p, json_t *o, const char *key, bool required, uint64_t max, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	*out = 0;
	if (v == NULL)
		return required ? fail(p, "is required", key) : 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
		return fail(p, "must be a non-negative integer in range", key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int amount_of(struct parse *p, json_t *v, const char *key, uint64_t *out)
{
	if (!json_is_string(v) ||
	    sz_amount_parse(json_string_value(v), json_string_length(v), sz_currency_exponent(p->currency), out) != 0)
		return fail(p, "must be a decimal amount string in the set's currency", key);
	return 0;
}

static int get_amount(struct parse *p, json_t *o, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	*out = 0;
	return v == NULL ? 0 : amount_of(p, v, key, out);
}

static int get_enum(struct parse *p, json_t *o, const char *key, const char *const *names, uint32_t dflt,
		    uint32_t *out)
{
	json_t *v = json_object_get(o, key);
	*out = dflt;
	if (v == NULL)
		return 0;
	for (uint32_t i = 0; names[i] != NULL && json_is_string(v); i++)
		if (names[i][0] != '\0' && strcmp(json_string_value(v), names[i]) == 0) {
			*out = i;
			return 0;
		}
	return fail(p, "is not one of the known names", key);
}

static const char *const kind_names[] = { "general", "reserve", "bank_deposit", "wallet", "merchant",
					  "escrow", "loan", "suspense", NULL };

static int get_kinds(struct parse *p, json_t *o, const char *key, uint16_t *out)
{
	json_t *v = json_object_get(o, key), *item;
	size_t i;
	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return fail(p, "must be a list of account kinds", key);
	json_array_foreach(v, i, item) {
		uint32_t k = 0;
		while (kind_names[k] != NULL && !(json_is_string(item) && strcmp(json_string_value(item), kind_names[k]) == 0))
			k++;
		if (kind_names[k] == NULL)
			return fail(p, "names an unknown account kind", key);
		*out |= (uint16_t)(1u << k);
	}
	return 0;
}

static int get_range(struct parse *p, json_t *o, const char *key, uint16_t *lo, uint16_t *hi)
{
	json_t *v = json_object_get(o, key);
	*lo = *hi = 0;
	if (v == NULL)
		return 0;
	json_t *a = json_array_get(v, 0), *b = json_array_get(v, 1);
	if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_integer(a) || !json_is_integer(b) ||
	    json_integer_value(a) < 0 || json_integer_value(b) < json_integer_value(a) || json_integer_value(b) > 65535)
		return fail(p, "must be [first, last] transfer codes 0..65535", key);
	*lo = (uint16_t)json_integer_value(a);
	*hi = (uint16_t)json_integer_value(b);
	return 0;
}

static int get_window(struct parse *p, json_t *o, uint8_t *out)
{
	json_t *v = json_object_get(o, "window");
	*out = 0;
	if (v == NULL || (json_is_string(v) && strcmp(json_string_value(v), "day") == 0))
		return 0;
	unsigned h = 0;
	char tail = 0;
	if (!json_is_string(v) || sscanf(json_string_value(v), "%uh%c", &h, &tail) != 1 || h == 0 ||
	    h > RISK_BUCKET_COUNT || json_string_length(v) > 3)
		return fail(p, "must be \"day\" or \"1h\" to \"24h\"", "window");
	*out = (uint8_t)h;
	return 0;
}

static int get_bands(struct parse *p, json_t *o, struct risk_rule *r)
{
	static const char *const band_keys[] = { "min", "score", NULL };
	json_t *v = json_object_get(o, "bands"), *item;
	size_t i;
	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > RISK_BAND_COUNT_MAX)
		return fail(p, "must be a list of 1 to 4 bands", "bands");
	bool money = r->feature == RISK_F_AMOUNT || r->feature == RISK_F_SUM;
	json_array_foreach(v, i, item) {
		uint64_t score = 0;
		if (!json_is_object(item) || !keys_known(p, item, band_keys))
			return json_is_object(item) ? SZ_EINVAL : fail(p, "each band must be an object", "bands");
		json_t *min = json_object_get(item, "min");
		int rc = min == NULL ? fail(p, "is required", "bands.min")
			 : money ? amount_of(p, min, "bands.min", &r->band_min[i])
			 : get_uint(p, item, "min", true, UINT64_MAX >> 1, &r->band_min[i]);
		if (rc == 0)
			rc = get_uint(p, item, "score", true, RISK_SCORE_MAX, &score);
		if (rc)
			return rc;
		r->band_score[i] = (uint16_t)score;
	}
	r->band_count = (uint8_t)json_array_size(v);
	return 0;
}

static const char *const feature_names[] = { "", "amount", "count", "sum", "share_bp", "history_bp",
					     "dormant_days", "new_peers", "round", "benford_mad",
					     "cross_border_declared_bp", "cross_border_remitters", NULL };
static const char *const side_names[] = { "payer", "payee", NULL };
static const char *const flow_names[] = { "out", "in", NULL };
static const char *const party_names[] = { "any", "cash", "institution", "individual_domestic",
					   "individual_cross_border", NULL };
static const char *const report_names[] = { "none", "large_value", "suspicious", NULL };

const char *risk_feature_name(uint32_t feature)
{
	return feature > 0 && feature < RISK_F_COUNT_MAX_ ? feature_names[feature] : "unknown";
}

const char *risk_party_name(uint32_t party)
{
	return party < RISK_PARTY_COUNT_ ? party_names[party] : "unknown";
}

const char *risk_report_name(uint32_t report)
{
	return report <= RISK_REPORT_SUSPICIOUS ? report_names[report] : "unknown";
}

static int parse_rule(struct parse *p, json_t *o, struct risk_rule *r)
{
	static const char *const keys[] = { "id", "feature", "side", "flow", "party", "window", "tally",
					    "amount_min", "amount_max", "exit_below", "exit_kinds", "param",
					    "codes", "bands", "name", "source", NULL };
	uint64_t id = 0, tally = 0, param = 0;
	uint32_t feature = 0, side = 0, flow = 0, party = 0;
	if (!json_is_object(o))
		return fail(p, "must be an object", "rule");
	if (!keys_known(p, o, keys))
		return SZ_EINVAL;
	int rc = get_uint(p, o, "id", true, 65535, &id);
	if (rc == 0 && json_object_get(o, "feature") == NULL)
		rc = fail(p, "is required", "feature");
	if (rc == 0) rc = get_enum(p, o, "feature", feature_names, 0, &feature);
	if (rc == 0) rc = get_enum(p, o, "side", side_names, 0, &side);
	if (rc == 0) rc = get_enum(p, o, "flow", flow_names, 0, &flow);
	if (rc == 0) rc = get_enum(p, o, "party", party_names, 0, &party);
	if (rc == 0) rc = get_window(p, o, &r->window_h);
	if (rc == 0) rc = get_uint(p, o, "tally", false, RISK_TALLY_COUNT_MAX, &tally);
	if (rc == 0) rc = get_amount(p, o, "amount_min", &r->amount_min_minor);
	if (rc == 0) rc = get_amount(p, o, "amount_max", &r->amount_max_minor);
	if (rc == 0) rc = get_amount(p, o, "exit_below", &r->exit_below_minor);
	if (rc == 0) rc = get_kinds(p, o, "exit_kinds", &r->exit_kind_mask);
	if (rc == 0) rc = get_uint(p, o, "param", false, 65535, &param);
	if (rc == 0) rc = get_range(p, o, "codes", &r->code_min, &r->code_max);
	if (rc == 0 && r->code_max != 0 && r->code_min == 0)
		rc = fail(p, "must start at code 1 or above", "codes");
	r->rule_id = (uint16_t)id;
	r->feature = (uint8_t)feature;
	r->side = (uint8_t)side;
	r->flow = (uint8_t)flow;
	r->party = (uint8_t)party;
	r->tally = (uint8_t)tally;
	r->param = (uint16_t)param;
	r->currency = p->currency;
	if (rc == 0) rc = get_bands(p, o, r);
	return rc;
}

static int parse_typology(struct parse *p, json_t *o, struct risk_typology *t)
{
	static const char *const keys[] = { "id", "report", "alert", "interdict", "rules", "name", "source", NULL };
	static const char *const member_keys[] = { "rule", "weight", NULL };
	uint64_t id = 0, alert = 0, interdict = 0;
	uint32_t report = 0;
	if (!json_is_object(o) || !keys_known(p, o, keys))
		return json_is_object(o) ? SZ_EINVAL : fail(p, "must be an object", "typology");
	int rc = get_uint(p, o, "id", true, 65535, &id);
	if (rc == 0) rc = get_enum(p, o, "report", report_names, 0, &report);
	if (rc == 0) rc = get_uint(p, o, "alert", true, 65535, &alert);
	if (rc == 0) rc = get_uint(p, o, "interdict", false, 65535, &interdict);
	json_t *rules = json_object_get(o, "rules"), *m;
	if (rc == 0 && (!json_is_array(rules) || json_array_size(rules) == 0 ||
			json_array_size(rules) > RISK_TYPOLOGY_RULE_COUNT_MAX))
		rc = fail(p, "must be a list of 1 to 8 {rule, weight}", "rules");
	size_t i;
	json_array_foreach(rules, i, m) {
		uint64_t rule = 0, weight = 0;
		if (rc == 0 && (!json_is_object(m) || !keys_known(p, m, member_keys)))
			rc = json_is_object(m) ? SZ_EINVAL : fail(p, "must be objects", "rules");
		if (rc == 0) rc = get_uint(p, m, "rule", true, 65535, &rule);
		if (rc == 0) rc = get_uint(p, m, "weight", true, RISK_WEIGHT_MAX, &weight);
		t->rule_id[i] = (uint16_t)rule;
		t->weight_pct[i] = (uint16_t)weight;
	}
	t->typology_id = (uint16_t)id;
	t->report = (uint8_t)report;
	t->alert_threshold = (uint16_t)alert;
	t->interdict_threshold = (uint16_t)interdict;
	t->rule_count = rc == 0 ? (uint8_t)json_array_size(rules) : 0;
	return rc;
}

static int parse_head(struct parse *p, json_t *o, struct risk_ruleset *rs)
{
	static const char *const keys[] = { "format", "version", "name", "effective", "currency", "cash_codes",
					    "cross_border_codes", "individual_kinds", "institution_kinds",
					    "report_due_working_days", "retention_days", "rules", "typologies",
					    "sources", "description", NULL };
	uint64_t version = 0, due = 0, retention = 0;
	if (!keys_known(p, o, keys))
		return SZ_EINVAL;
	json_t *format = json_object_get(o, "format"), *name = json_object_get(o, "name");
	json_t *cur = json_object_get(o, "currency"), *eff = json_object_get(o, "effective");
	if (!json_is_string(format) || strcmp(json_string_value(format), "szfin-risk-rules/1") != 0)
		return fail(p, "must be \"szfin-risk-rules/1\"", "format");
	if (!json_is_string(cur) || sz_currency_parse(json_string_value(cur), &p->currency) != 0)
		return fail(p, "must be a three-letter currency code", "currency");
	if (!json_is_string(name) || json_string_length(name) == 0 || json_string_length(name) >= RISK_NAME_SIZE)
		return fail(p, "must be a string of 1 to 31 bytes", "name");
	memcpy(rs->name, json_string_value(name), json_string_length(name));
	int rc = get_uint(p, o, "version", true, UINT32_MAX, &version);
	if (rc == 0 && eff != NULL && (!json_is_integer(eff) || json_integer_value(eff) < 0))
		rc = fail(p, "must be a time in ns since 1970 (integer)", "effective");
	rs->effective_ns = eff != NULL && rc == 0 ? (uint64_t)json_integer_value(eff) : 0;
	if (rc == 0) rc = get_range(p, o, "cash_codes", &rs->cash_code_min, &rs->cash_code_max);
	if (rc == 0) rc = get_range(p, o, "cross_border_codes", &rs->xborder_code_min, &rs->xborder_code_max);
	if (rc == 0) rc = get_kinds(p, o, "individual_kinds", &rs->individual_kind_mask);
	if (rc == 0) rc = get_kinds(p, o, "institution_kinds", &rs->institution_kind_mask);
	if (rc == 0) rc = get_uint(p, o, "report_due_working_days", false, 60, &due);
	if (rc == 0) rc = get_uint(p, o, "retention_days", false, 65535, &retention);
	rs->version = (uint32_t)version;
	rs->report_due_working_days = (uint16_t)(due ? due : RISK_REPORT_DUE_WORKING_DAYS_DEFAULT);
	rs->retention_days = (uint16_t)(retention ? retention : RISK_RETENTION_DAYS_DEFAULT);
	return rc;
}

static int parse_lists(struct parse *p, json_t *o, struct risk_ruleset *rs)
{
	char where[32];
	json_t *rules = json_object_get(o, "rules"), *typs = json_object_get(o, "typologies"), *item;
	if (!json_is_array(rules) || json_array_size(rules) == 0 || json_array_size(rules) > RISK_RULE_COUNT_MAX)
		return fail(p, "must be a list of 1 to 24 rules", "rules");
	if (!json_is_array(typs) || json_array_size(typs) == 0 || json_array_size(typs) > RISK_TYPOLOGY_COUNT_MAX)
		return fail(p, "must be a list of 1 to 12 typologies", "typologies");
	size_t i;
	json_array_foreach(rules, i, item) {
		snprintf(where, sizeof where, "rules[%zu]", i);
		p->where = where;
		if (parse_rule(p, item, &rs->rules[i]) != 0)
			return SZ_EINVAL;
	}
	rs->rule_count = (uint16_t)json_array_size(rules);
	json_array_foreach(typs, i, item) {
		snprintf(where, sizeof where, "typologies[%zu]", i);
		p->where = where;
		if (parse_typology(p, item, &rs->typologies[i]) != 0)
			return SZ_EINVAL;
	}
	rs->typology_count = (uint16_t)json_array_size(typs);
	p->where = "";
	return 0;
}

int risk_ruleset_parse(const char *text, size_t size, struct risk_ruleset *out, char *why, size_t why_size)
{
	SZ_ASSERT(text != NULL || size == 0);
	SZ_ASSERT(out != NULL && why != NULL && why_size > 0);
	struct parse p = { .why = why, .why_size = why_size, .where = "" };
	json_error_t jerr;
	json_t *o = json_loadb(text, size, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL || !json_is_object(o)) {
		snprintf(why, why_size, "not a JSON object (line %d: %s)", o ? 1 : jerr.line, o ? "" : jerr.text);
		json_decref(o);
		return SZ_EINVAL;
	}
	struct risk_ruleset *rs = calloc(1, sizeof *rs);
	int rc = rs == NULL ? SZ_ENOMEM : parse_head(&p, o, rs);
	if (rc == 0)
		rc = parse_lists(&p, o, rs);
	json_decref(o);
	if (rc == 0 && risk_ruleset_check(rs, why, why_size) != 0)
		rc = SZ_EINVAL;
	if (rc == 0)
		*out = *rs;
	free(rs);
	return rc;
}

int risk_ruleset_parse_json(json_t *doc, struct risk_ruleset *out, char *why, size_t why_size)
{
	char *text = json_dumps(doc, JSON_COMPACT);
	if (text == NULL)
		return SZ_ENOMEM;
	int rc = risk_ruleset_parse(text, strlen(text), out, why, why_size);
	free(text);
	return rc;
}
