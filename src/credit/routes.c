/*
 * routes.c — HTTP routes of the credit domain (/v1/credit/...): decode and
 * check the shape of requests, seal personal data, compute cash-flow
 * summaries from the ledger, build credit commands (domain.h), submit them
 * and render the credit state as JSON. Every rule that depends on state
 * (consent, expiry, retention, deadlines) is decided in apply.
 *
 * Personal data: the legal representative's ID number and phone are sealed
 * here, before the command exists, with crypto_secretbox under a key
 * derived from the server secret (BLAKE2b keyed by the secret, context
 * "szfin credit personal data v1"); the nonce is derived from the command
 * id, the field and the plaintext with a second derived key, so a retried
 * request seals to the same bytes (idempotency) and no nonce repeats for
 * different plaintexts. The log, snapshots, responses and log lines hold
 * only ciphertext and masks (110***********1234, 138****5678); only the
 * admin's /personal route opens them.
 *
 * Scope: an enterprise (merchant role) acts for the enterprise whose
 * registered owner id is its own (others answer enterprise_not_found); a
 * bank (operator role) asks reports and scores for its own tenant, and sees
 * its own authorizations, decisions and the warnings of enterprises it
 * holds an authorization from; the central bank (platform operator) and
 * admin register enterprises, feed data, resolve objections and manage
 * models; regulator and auditor read.
 *
 * Text forms: dates "YYYY-MM-DD", months "YYYY-MM" (China Standard Time),
 * money CNY decimal strings, ids as in the rest of the API.
 */
#include "api/api.h"
#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/results.h"
#include "credit/domain.h"
#include "credit/routes.h"
#include "credit/uscc.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Transfers read to compute one cash-flow summary: a year of an active
 * enterprise's payments; more is a request error (send a feed instead). */
#define CASHFLOW_TRANSFER_SCAN_COUNT_MAX (1u << 20)

static const struct credit_domain_state *credit_of(const struct api_request *r)
{
	const struct credit_domain_state *c = credit_state_get(sz_engine_state(r->server->engine));
	SZ_ASSERT(c != NULL);
	return c;
}

static uint64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- problems ------------------------------------------------------------- */

static unsigned result_status(uint32_t result)
{
	switch (result) {
	case CREDIT_R_ENTERPRISE_NOT_FOUND:
	case CREDIT_R_AUTHORIZATION_NOT_FOUND:
	case CREDIT_R_RECORD_NOT_FOUND:
	case CREDIT_R_OBJECTION_NOT_FOUND:
	case CREDIT_R_MODEL_NOT_FOUND:
		return 404;
	case CREDIT_R_AUTHORIZATION_REQUIRED:
		return 403;
	case CREDIT_R_ENTERPRISE_EXISTS:
	case CREDIT_R_OBJECTION_OPEN:
	case CREDIT_R_OBJECTION_RESOLVED:
	case CREDIT_R_MODEL_EXISTS:
	case CREDIT_R_WATCH_EXISTS:
	case CREDIT_R_AUTHORIZATION_REVOKED:
		return 409;
	}
	return api_result_status(result);
}

static void problem_result(struct api_request *r, uint32_t result)
{
	if (result < 400 || result > 499) {
		api_problem_result(r, result, NULL);
		return;
	}
	api_problem_custom(r, result_status(result), sz_result_name(result), sz_result_text(result), NULL);
}

static bool done_ok(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] == SZ_R_OK || results[0] == SZ_R_EXISTS)
		return true;
	problem_result(r, results[0]);
	return false;
}

/* ---- decoding -------------------------------------------------------------- */

static bool dec_fail(struct credit_dec *d, const char *code, const char *fmt, const char *key)
{
	return api_dec_fail(&d->code, d->detail, sizeof d->detail, code, fmt, key);
}

static bool dec_answer(struct api_request *r, struct credit_dec *d)
{
	if (d->code == NULL)
		return true;
	if (d->uscc_invalid)
		api_problem_custom(r, 400, d->code, "The unified social credit code is invalid", d->detail);
	else
		api_problem(r, d->code, "%s", d->detail);
	return false;
}

static bool dec_known(struct credit_dec *d, json_t *o, const char *const *allowed)
{
	return api_dec_known(&d->code, d->detail, sizeof d->detail, o, allowed);
}

static bool dec_id(struct credit_dec *d, json_t *o, const char *key, bool required, sz_id *out)
{
	return api_dec_id(&d->code, d->detail, sizeof d->detail, o, key, required, out);
}

static bool dec_text(struct credit_dec *d, json_t *o, const char *key, bool required, char *buf, size_t size)
{
	json_t *v = json_object_get(o, key);
	memset(buf, 0, size);
	if (v == NULL)
		return required ? dec_fail(d, "field_missing", "'%s' is required", key) : true;
	if (!json_is_string(v) || (required && json_string_length(v) == 0) || json_string_length(v) >= size ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return dec_fail(d, "field_invalid", "'%s' must be a string of limited length (bytes)", key);
	memcpy(buf, json_string_value(v), json_string_length(v));
	return true;
}

static bool dec_int(struct credit_dec *d, json_t *o, const char *key, bool required, int64_t min, int64_t max, int64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL)
		return required ? dec_fail(d, "field_missing", "'%s' is required", key) : true;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return dec_fail(d, "field_invalid", "'%s' must be an integer in range", key);
	*out = json_integer_value(v);
	return true;
}

static bool dec_amount(struct credit_dec *d, json_t *o, const char *key, bool required, int64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL)
		return required ? dec_fail(d, "field_missing", "'%s' is required", key) : true;
	uint64_t fen = 0;
	if (!json_is_string(v) || sz_amount_parse(json_string_value(v), json_string_length(v), 2, &fen) != 0 ||
	    fen > INT64_MAX)
		return dec_fail(d, "amount_invalid", "'%s' must be a CNY decimal string", key);
	*out = (int64_t)fen;
	return true;
}

/* "YYYY-MM-DD" -> days since 1970-01-01; -1 if malformed. */
static int32_t parse_day(const char *text)
{
	int y, m, dd, n = 0;
	if (strlen(text) != 10 || sscanf(text, "%4d-%2d-%2d%n", &y, &m, &dd, &n) != 3 || n != 10)
		return -1;
	return credit_day_from_civil(y, (uint32_t)m, (uint32_t)dd);
}

/* "YYYY-MM" -> year * 12 + month - 1; -1 if malformed. */
static int32_t parse_month(const char *text)
{
	int y, m, n = 0;
	if (strlen(text) != 7 || sscanf(text, "%4d-%2d%n", &y, &m, &n) != 2 || n != 7 || m < 1 || m > 12 || y < 1900)
		return -1;
	return y * 12 + m - 1;
}

static bool dec_day(struct credit_dec *d, json_t *o, const char *key, bool required, int32_t *out)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL)
		return required ? dec_fail(d, "field_missing", "'%s' is required", key) : true;
	if (!json_is_string(v) || (*out = parse_day(json_string_value(v))) < 0)
		return dec_fail(d, "field_invalid", "'%s' must be a date YYYY-MM-DD", key);
	return true;
}

static bool dec_month(struct credit_dec *d, json_t *o, const char *key, int32_t *out)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL)
		return dec_fail(d, "field_missing", "'%s' is required", key);
	if (!json_is_string(v) || (*out = parse_month(json_string_value(v))) < 0)
		return dec_fail(d, "field_invalid", "'%s' must be a month YYYY-MM", key);
	return true;
}

static bool dec_name(struct credit_dec *d, json_t *o, const char *key, bool required, const char *(*name_of)(uint32_t),
		     uint32_t max, uint16_t *out)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL)
		return required ? dec_fail(d, "field_missing", "'%s' is required", key) : true;
	int32_t value = json_is_string(v) ? credit_name_parse(name_of, max, json_string_value(v)) : -1;
	if (value < 0)
		return dec_fail(d, "field_invalid", "'%s' is not one of the names this field accepts", key);
	*out = (uint16_t)value;
	return true;
}

static void format_day(int32_t day, char out[16])
{
	int32_t y;
	uint32_t m, dd;
	credit_civil_from_day(day, &y, &m, &dd);
	snprintf(out, 16, "%04d-%02u-%02u", y, m, dd);
}

static json_t *j_day(int32_t day)
{
	if (day <= 0)
		return json_null();
	char text[16];
	format_day(day, text);
	return json_string(text);
}

static json_t *j_month(int32_t month)
{
	char text[16];
	snprintf(text, sizeof text, "%04d-%02d", month / 12, month % 12 + 1);
	return json_string(text);
}

static json_t *j_fen(int64_t fen)
{
	return api_json_amount_string(fen < 0 ? 0 : (uint64_t)fen, sz_currency_code("CNY"));
}

static json_t *j_id(sz_id id) { return api_json_string_id(id); }
static json_t *j_ns(uint64_t ns) { return ns ? api_json_string_u64(ns) : json_null(); }
static json_t *j_str(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *j_hex(const uint8_t *bytes, size_t size)
{
	char hex[129];
	SZ_ASSERT(size <= 64);
	sodium_bin2hex(hex, sizeof hex, bytes, size);
	return json_string(hex);
}

static json_t *j_number(double x)
{
	return isnan(x) ? json_null() : json_real(round(x * 10000.0) / 10000.0);
}

/* A fixed-point figure of the decision (scorecard.h scales) as a JSON
 * number; null when missing. */
static json_t *j_fixed(int64_t value, int64_t scale)
{
	if (value == SCORECARD_VALUE_MISSING)
		return json_null();
	return json_real((double)value / (double)scale);
}

/* ---- the enterprise of the path, in scope --------------------------------------- */

/* The enterprise named by path parameter 0 in the caller's scope; answers
 * 400 (bad code, with where the code is wrong) or 404 and returns -1. */
static int64_t path_enterprise(struct api_request *r)
{
	const char *uscc = api_param(r, 0);
	credit_uscc_detail detail;
	enum credit_uscc_result v = credit_uscc_validate(uscc, strlen(uscc), &detail);
	if (v != CREDIT_USCC_OK) {
		char text[256];
		if (v == CREDIT_USCC_BAD_CHECK)
			snprintf(text, sizeof text, "%s: the check character should be '%c'", credit_uscc_result_text(v),
				 detail.expected);
		else if (v == CREDIT_USCC_BAD_CHARACTER)
			snprintf(text, sizeof text, "%s (position %u)", credit_uscc_result_text(v), detail.position);
		else
			snprintf(text, sizeof text, "%s", credit_uscc_result_text(v));
		api_problem_custom(r, 400, credit_uscc_result_name(v), "The unified social credit code is invalid", text);
		return -1;
	}
	const struct credit_domain_state *c = credit_of(r);
	int64_t i = credit_enterprise_find(c, uscc);
	if (i >= 0 && r->principal.role == API_ROLE_MERCHANT &&
	    !sz_id_eq(credit_enterprise_at(c, (uint32_t)i)->info.owner_id, r->principal.owner_id))
		i = -1;
	if (i < 0) {
		problem_result(r, CREDIT_R_ENTERPRISE_NOT_FOUND);
		return -1;
	}
	return i;
}

static void copy_uscc(char out[CREDIT_USCC_FIELD_SIZE], const char *uscc)
{
	memset(out, 0, CREDIT_USCC_FIELD_SIZE);
	memcpy(out, uscc, CREDIT_USCC_SIZE);
}

/* ---- submission ------------------------------------------------------------------ */

/* ---- rendering ---------------------------------------------------------------- */

static json_t *j_tags(uint32_t tags)
{
	json_t *a = json_array();
	for (uint32_t i = 0; i < CREDIT_TAG_COUNT; i++)
		if (tags & (1u << i))
			json_array_append_new(a, json_string(credit_tag_name(i)));
	return a;
}

static json_t *j_enterprise(const struct credit_enterprise *e)
{
	const struct credit_enterprise_cmd *i = &e->info;
	json_t *o = json_object();
	json_object_set_new(o, "uscc", json_string(i->uscc));
	json_object_set_new(o, "name", json_string(i->name));
	json_object_set_new(o, "industry", json_string(i->industry));
	json_object_set_new(o, "district", json_string(i->district));
	json_object_set_new(o, "registered_capital", j_fen((int64_t)i->registered_capital_fen));
	json_object_set_new(o, "founded", j_day(i->founded_day));
	json_object_set_new(o, "tags", j_tags(i->tags));
	json_object_set_new(o, "owner_id", j_id(i->owner_id));
	json_t *rep = json_object();
	json_object_set_new(rep, "id_number", i->rep_id_masked[0] ? json_string(i->rep_id_masked) : json_null());
	json_object_set_new(rep, "phone", i->rep_phone_masked[0] ? json_string(i->rep_phone_masked) : json_null());
	json_object_set_new(o, "legal_representative", rep);
	json_object_set_new(o, "registered_at_ns", j_ns(e->registered_ns));
	json_object_set_new(o, "updated_at_ns", j_ns(e->updated_ns));
	json_object_set_new(o, "watched", json_boolean(e->watch_count > 0));
	return o;
}

static bool op_disputed(const struct credit_domain_state *c, uint32_t op)
{
	return (credit_op_at(c, op)->flags & CREDIT_OP_DISPUTED) != 0;
}

static json_t *j_series(const struct credit_domain_state *c, const struct credit_series *s, const char *key,
			bool money)
{
	json_t *a = json_array();
	for (uint32_t i = 0; i < s->count; i++) {
		const struct credit_month_row *row = &s->rows[i];
		json_t *o = json_object();
		json_object_set_new(o, "month", j_month(row->month));
		json_object_set_new(o, key, money ? j_fen(row->value) : json_integer(row->value));
		json_object_set_new(o, "record_id", j_id(credit_op_at(c, row->reserved - 1)->id));
		json_object_set_new(o, "disputed", json_boolean(op_disputed(c, row->reserved - 1)));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *j_objection(const struct credit_domain_state *c, const struct credit_objection *o, uint64_t now_ns)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", j_id(o->id));
	json_object_set_new(j, "enterprise", json_string(credit_enterprise_at(c, o->enterprise)->info.uscc));
	json_object_set_new(j, "record_id", j_id(o->record_id));
	json_object_set_new(j, "record_kind",
			    json_string(credit_feed_kind_name(credit_op_at(c, o->record_op)->kind - CREDIT_CMD_FEED_TAX)));
	json_object_set_new(j, "reason", json_string(o->reason));
	json_object_set_new(j, "filed_at_ns", j_ns(o->filed_ns));
	json_object_set_new(j, "due_at_ns", j_ns(o->due_ns));
	const char *state = o->outcome == CREDIT_OUTCOME_CORRECTED ? "corrected"
			  : o->outcome == CREDIT_OUTCOME_CONFIRMED ? "confirmed" : "open";
	json_object_set_new(j, "state", json_string(state));
	bool overdue = o->outcome == 0 && (o->overdue_ns != 0 || o->due_ns <= now_ns);
	json_object_set_new(j, "overdue", json_boolean(overdue));
	json_object_set_new(j, "resolved_late", json_boolean(o->outcome != 0 && o->resolved_ns > o->due_ns));
	json_object_set_new(j, "resolved_at_ns", j_ns(o->resolved_ns));
	json_object_set_new(j, "reply", o->outcome ? json_string(o->reply) : json_null());
	return j;
}

/* What a report shows; the same data credit_report_hash covers. */
static json_t *j_report(const struct credit_domain_state *c, uint32_t index, uint64_t now_ns)
{
	const struct credit_enterprise *e = credit_enterprise_at(c, index);
	json_t *o = json_object();
	json_object_set_new(o, "enterprise", j_enterprise(e));
	json_t *tax = json_object();
	json_object_set_new(tax, "grade", e->tax_grade[0] ? json_string(e->tax_grade) : json_null());
	json_object_set_new(tax, "grade_year", e->tax_grade_year ? json_integer(e->tax_grade_year) : json_null());
	json_object_set_new(tax, "months", j_series(c, &e->tax, "tax_paid", true));
	json_object_set_new(o, "tax", tax);
	json_object_set_new(o, "social_security", j_series(c, &e->headcount, "headcount", false));
	json_t *cash = json_array();
	for (uint32_t i = 0; i < e->inflow.count; i++) {
		const struct credit_month_row *in = &e->inflow.rows[i];
		int64_t out = credit_series_sum(&e->outflow, in->month, in->month, NULL);
		json_array_append_new(cash, json_pack("{s:o, s:o, s:o, s:o, s:b}", "month", j_month(in->month), "inflow",
						      j_fen(in->value), "outflow", j_fen(out), "record_id",
						      j_id(credit_op_at(c, in->reserved - 1)->id), "disputed",
						      op_disputed(c, in->reserved - 1)));
	}
	json_object_set_new(o, "cash_flow", cash);
	json_t *ips = json_array();
	for (uint32_t link = e->ip_head; link; link = credit_ip_at(c, link - 1)->next) {
		const struct credit_ip *p = credit_ip_at(c, link - 1);
		json_array_append_new(ips, json_pack("{s:s, s:s, s:o, s:b, s:o, s:b}", "number", p->number, "kind",
						     credit_ip_kind_name(p->kind), "granted", j_day(p->granted_day),
						     "pledged", p->pledged != 0, "record_id", j_id(credit_op_at(c, p->op)->id),
						     "disputed", op_disputed(c, p->op)));
	}
	json_object_set_new(o, "intellectual_property", ips);
	json_object_set_new(o, "innovation_points",
			    e->innovation_set ? json_pack("{s:I, s:o}", "points", (json_int_t)e->innovation_points,
							  "as_of", j_day(e->innovation_day))
					      : json_null());
	json_t *neg = json_array();
	for (uint32_t link = e->negative_head; link; link = credit_negative_at(c, link - 1)->next) {
		const struct credit_negative *n = credit_negative_at(c, link - 1);
		if (credit_op_at(c, n->op)->flags & (CREDIT_OP_PURGED | CREDIT_OP_WITHDRAWN))
			continue;
		json_t *j = json_pack("{s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:b}", "record_id", j_id(n->id), "kind",
				      credit_negative_kind_name(n->kind), "reference", n->reference, "summary", n->summary,
				      "amount", j_fen(n->amount_fen), "conduct_ended", j_day(n->conduct_ended_day),
				      "purge_at_ns", j_ns(n->purge_at_ns), "source", n->source, "as_of", j_day(n->as_of_day),
				      "disputed", op_disputed(c, n->op));
		json_array_append_new(neg, j);
	}
	json_object_set_new(o, "negative_records", neg);
	json_t *objections = json_array();
	for (uint32_t link = e->objection_head; link; link = credit_objection_at(c, link - 1)->next)
		json_array_append_new(objections, j_objection(c, credit_objection_at(c, link - 1), now_ns));
	json_object_set_new(o, "objections", objections);
	json_t *sources = json_object();
	for (uint32_t k = 0; k < CREDIT_FEED_KIND_COUNT; k++) {
		const struct credit_feed_mark *m = &e->marks[k];
		json_object_set_new(sources, credit_feed_kind_name(k),
				    m->op ? json_pack("{s:s, s:o, s:o}", "source", m->source, "as_of", j_day(m->as_of_day),
						      "recorded_at_ns", j_ns(m->recorded_ns))
					  : json_null());
	}
	json_object_set_new(o, "sources", sources);
	return o;
}

static json_t *j_query(const struct credit_domain_state *c, const struct credit_query *q)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", j_id(q->id));
	json_object_set_new(o, "enterprise", json_string(credit_enterprise_at(c, q->enterprise)->info.uscc));
	json_object_set_new(o, "institution", api_json_string_u64(q->tenant_id));
	json_object_set_new(o, "user_token_id", j_id(q->user_token_id));
	json_object_set_new(o, "at_ns", j_ns(q->at_ns));
	json_object_set_new(o, "purpose", json_string(credit_purpose_name(q->purpose)));
	json_object_set_new(o, "kind", json_string(credit_query_kind_name(q->kind)));
	json_t *returned = json_object();
	json_object_set_new(returned, "content_hash", j_hex(q->content_hash, sizeof q->content_hash));
	if (q->decision) {
		const struct credit_decision *d = credit_decision_at(c, q->decision - 1);
		json_object_set_new(returned, "model_version", json_string(credit_model_at(c, d->model)->info.version));
		json_object_set_new(returned, "score", j_fixed(d->score_milli, SCORECARD_POINTS_SCALE));
		json_object_set_new(returned, "grade", json_string(scorecard_grade_name(d->grade)));
		if (q->kind == CREDIT_QUERY_TECH_SCORE)
			json_object_set_new(returned, "tech_grade", json_string(scorecard_grade_name(d->tech.grade)));
	}
	json_object_set_new(o, "returned", returned);
	return o;
}

static json_t *j_decision(const struct credit_domain_state *c, const struct credit_query *q)
{
	SZ_ASSERT(q->decision != 0);
	const struct credit_decision *d = credit_decision_at(c, q->decision - 1);
	const struct credit_model *m = credit_model_at(c, d->model);
	json_t *o = j_query(c, q);
	json_object_set_new(o, "model_version", json_string(m->info.version));
	json_object_set_new(o, "score", j_fixed(d->score_milli, SCORECARD_POINTS_SCALE));
	json_object_set_new(o, "grade", json_string(scorecard_grade_name(d->grade)));
	json_object_set_new(o, "bad_probability", j_number((double)d->bad_probability_ppb / SCORECARD_NANO));
	json_t *reasons = json_array();
	for (uint32_t i = 0; i < d->reason_count; i++)
		json_array_append_new(reasons, json_pack("{s:s, s:o}", "code", m->parsed.characteristics[d->reasons[i]].name,
							 "points_lost", j_fixed(d->reasons_lost_milli[i], SCORECARD_POINTS_SCALE)));
	json_object_set_new(o, "reasons", reasons);
	json_t *inputs = json_object();
	for (uint32_t f = 0; f < CREDIT_FEATURE_COUNT; f++) {
		json_t *v = credit_feature_kind(f) == CREDIT_CSV_NUMERIC ? j_fixed(d->inputs_e4[f], SCORECARD_VALUE_SCALE)
								  : j_str(credit_feature_label(f, d->labels[f]));
		json_object_set_new(inputs, credit_feature_name(f), v);
	}
	json_object_set_new(o, "inputs", inputs);
	if (q->kind == CREDIT_QUERY_TECH_SCORE) {
		const struct credit_tech *t = &d->tech;
		json_t *tech = json_pack("{s:i, s:i, s:i, s:i, s:i, s:o, s:s}", "index", t->index, "ip_points", t->ip_points,
					 "innovation_points", t->innovation_points, "headcount_points", t->headcount_points,
					 "tax_points", t->tax_points, "score", j_fixed(t->score_milli, SCORECARD_POINTS_SCALE), "grade",
					 scorecard_grade_name(t->grade));
		json_object_set_new(tech, "credit_limit",
				    json_pack("{s:o, s:s}", "amount", j_fen(t->credit_limit_fen), "currency", "CNY"));
		json_object_set_new(o, "tech", tech);
	}
	return o;
}

static json_t *j_authorization(const struct credit_domain_state *c, const struct credit_authorization *a,
			       uint64_t now_ns)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", j_id(a->id));
	json_object_set_new(o, "enterprise", json_string(credit_enterprise_at(c, a->enterprise)->info.uscc));
	json_object_set_new(o, "institution", api_json_string_u64(a->tenant_id));
	json_object_set_new(o, "purpose", json_string(credit_purpose_name(a->purpose)));
	json_object_set_new(o, "granted_at_ns", j_ns(a->granted_ns));
	json_object_set_new(o, "expires_at_ns", j_ns(a->expires_ns));
	json_object_set_new(o, "revoked_at_ns", j_ns(a->revoked_ns));
	json_object_set_new(o, "valid", json_boolean(a->revoked_ns == 0 && a->expires_ns > now_ns));
	return o;
}

static json_t *j_warning(const struct credit_domain_state *c, const struct credit_warning *w)
{
	json_t *o = json_object();
	json_object_set_new(o, "enterprise", json_string(credit_enterprise_at(c, w->enterprise)->info.uscc));
	json_object_set_new(o, "kind", json_string(credit_warning_kind_name(w->kind)));
	json_object_set_new(o, "month", j_month(w->month));
	bool people = w->kind == CREDIT_WARN_HEADCOUNT_DROP;
	json_object_set_new(o, "before", people ? json_integer(w->before) : j_fen(w->before));
	json_object_set_new(o, "now", people ? json_integer(w->now) : j_fen(w->now));
	json_object_set_new(o, "raised_at_ns", j_ns(w->raised_ns));
	json_object_set_new(o, "record_id", j_id(w->record_id));
	return o;
}

static json_t *j_model(const struct credit_model *m)
{
	static const char *const states[] = { "", "loading", "active", "retired" };
	json_t *o = json_object();
	json_object_set_new(o, "version", json_string(m->info.version));
	json_object_set_new(o, "sha256", j_hex(m->info.sha256, 32));
	json_object_set_new(o, "size", json_integer(m->info.total_size));
	json_object_set_new(o, "chunks", json_integer(m->info.chunk_count));
	json_object_set_new(o, "chunks_received", json_integer(m->info.received_count));
	json_object_set_new(o, "status", json_string(states[m->info.status <= 3 ? m->info.status : 0]));
	json_object_set_new(o, "registered_at_ns", j_ns(m->info.registered_ns));
	json_object_set_new(o, "activated_at_ns", j_ns(m->info.activated_ns));
	if (m->info.status != CREDIT_MODEL_LOADING) {
		json_t *chars = json_array();
		for (uint32_t i = 0; i < m->parsed.characteristic_count; i++)
			if (m->parsed.characteristics[i].selected)
				json_array_append_new(chars, json_string(m->parsed.characteristics[i].name));
		json_object_set_new(o, "characteristics", chars);
	}
	return o;
}

/* ?limit and ?cursor (an index + 1 to continue after); 0 after answering. */
static bool page_args(struct api_request *r, uint32_t *limit, uint64_t *cursor)
{
	*limit = SZ_API_PAGE_ROW_COUNT_DEFAULT;
	*cursor = 0;
	const char *text = api_query(r, "limit");
	uint64_t v;
	if (text && (sz_u64_parse(text, strlen(text), &v) || v == 0 || v > SZ_PAGE_ROW_COUNT_MAX)) {
		api_problem(r, "limit_invalid", "limit must be from 1 to %u", SZ_PAGE_ROW_COUNT_MAX);
		return false;
	}
	if (text)
		*limit = (uint32_t)v;
	text = api_query(r, "cursor");
	if (text && (sz_u64_parse(text, strlen(text), cursor) || *cursor == 0)) {
		api_problem(r, "cursor_invalid", "use next_cursor from the previous page");
		return false;
	}
	return true;
}

/* ---- personal data -------------------------------------------------------------- */

static void derive_key(const uint8_t secret[32], const char *context, uint8_t out[32])
{
	crypto_generichash(out, 32, (const uint8_t *)context, strlen(context), secret, 32);
}

static void seal(const uint8_t secret[32], sz_id id, uint8_t field, const char *plain, struct credit_sealed *out)
{
	uint8_t key[32], nonce_key[32], padded[CREDIT_SEALED_PLAIN_SIZE] = { 0 };
	derive_key(secret, "szfin credit personal data v1", key);
	derive_key(secret, "szfin credit nonce v1", nonce_key);
	size_t n = strlen(plain);
	SZ_ASSERT(n < sizeof padded);
	memcpy(padded, plain, n);
	uint8_t input[16 + 1 + CREDIT_SEALED_PLAIN_SIZE];
	memcpy(input, &id, 16);
	input[16] = field;
	memcpy(input + 17, padded, sizeof padded);
	crypto_generichash(out->nonce, sizeof out->nonce, input, sizeof input, nonce_key, sizeof nonce_key);
	crypto_secretbox_easy(out->box, padded, sizeof padded, out->nonce, key);
	sodium_memzero(key, sizeof key);
	sodium_memzero(padded, sizeof padded);
}

static bool unseal(const struct api_request *r, const struct credit_sealed *in, char out[CREDIT_SEALED_PLAIN_SIZE + 1])
{
	uint8_t key[32];
	derive_key(r->server->secret, "szfin credit personal data v1", key);
	memset(out, 0, CREDIT_SEALED_PLAIN_SIZE + 1);
	int rc = crypto_secretbox_open_easy((uint8_t *)out, in->box, sizeof in->box, in->nonce, key);
	sodium_memzero(key, sizeof key);
	return rc == 0;
}

/* Resident ID number (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2
 * check character (digit or X). */
static bool id_number_ok(const char *s)
{
	static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	if (strlen(s) != 18)
		return false;
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		sum += (s[i] - '0') * weights[i];
	}
	return "10X98765432"[sum % 11] == s[17];
}

static bool phone_ok(const char *s)
{
	if (strlen(s) != 11 || s[0] != '1')
		return false;
	for (int i = 0; i < 11; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* ---- registry ----------------------------------------------------------------- */

static void enterprise_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct credit_enterprise_cmd *c = api_submitted_body(r);
	int64_t i = credit_enterprise_find(credit_of(r), c->uscc);
	SZ_ASSERT(i >= 0);
	snprintf(r->location, sizeof r->location, "/v1/credit/enterprises/%s", c->uscc);
	api_reply_json(r, api_result_status(results[0]), j_enterprise(credit_enterprise_at(credit_of(r), (uint32_t)i)));
}

bool credit_decode_enterprise(struct credit_dec *dp, json_t *doc, const char *path_uscc, const uint8_t secret[32],
			      struct credit_enterprise_cmd *c)
{
	static const char *const known[] = { "id", "uscc", "name", "industry", "district", "registered_capital",
					     "founded", "tags", "owner_id", "legal_representative", NULL };
	struct credit_dec d = { 0 };
	memset(c, 0, sizeof *c);
	dec_known(&d, doc, known);
	dec_id(&d, doc, "id", true, &c->id);
	char uscc[CREDIT_USCC_FIELD_SIZE];
	if (path_uscc == NULL) {
		dec_text(&d, doc, "uscc", true, uscc, sizeof uscc);
	} else {
		memset(uscc, 0, sizeof uscc);
		snprintf(uscc, sizeof uscc, "%s", path_uscc);
	}
	dec_text(&d, doc, "name", true, c->name, sizeof c->name);
	dec_text(&d, doc, "industry", true, c->industry, sizeof c->industry);
	dec_text(&d, doc, "district", false, c->district, sizeof c->district);
	int64_t capital = 0;
	dec_amount(&d, doc, "registered_capital", true, &capital);
	c->registered_capital_fen = (uint64_t)capital;
	dec_day(&d, doc, "founded", true, &c->founded_day);
	dec_id(&d, doc, "owner_id", false, &c->owner_id);
	json_t *tags = json_object_get(doc, "tags");
	if (tags != NULL) {
		size_t i = 0;
		json_t *t = NULL;
		if (!json_is_array(tags))
			dec_fail(&d, "field_invalid", "'%s' must be an array of tag names", "tags");
		else
			json_array_foreach(tags, i, t) {
				int32_t bit = json_is_string(t) ? credit_name_parse(credit_tag_name, CREDIT_TAG_COUNT - 1,
										     json_string_value(t))
								: -1;
				if (bit < 0)
					dec_fail(&d, "field_invalid", "'%s' has an unknown tag", "tags");
				else
					c->tags |= 1u << bit;
			}
	}
	char id_number[CREDIT_SEALED_PLAIN_SIZE] = "", phone[CREDIT_SEALED_PLAIN_SIZE] = "";
	json_t *rep = json_object_get(doc, "legal_representative");
	if (rep != NULL) {
		static const char *const rep_known[] = { "id_number", "phone", NULL };
		if (!json_is_object(rep)) {
			dec_fail(&d, "field_invalid", "'%s' must be an object", "legal_representative");
		} else {
			dec_known(&d, rep, rep_known);
			dec_text(&d, rep, "id_number", false, id_number, sizeof id_number);
			dec_text(&d, rep, "phone", false, phone, sizeof phone);
			if (id_number[0] && !id_number_ok(id_number))
				dec_fail(&d, "field_invalid", "'%s' is not a valid 18-character resident ID number",
					 "legal_representative.id_number");
			if (phone[0] && !phone_ok(phone))
				dec_fail(&d, "field_invalid", "'%s' must be 11 digits starting with 1",
					 "legal_representative.phone");
		}
	}
	credit_uscc_detail detail;
	enum credit_uscc_result v = d.code == NULL ? credit_uscc_validate(uscc, strlen(uscc), &detail) : CREDIT_USCC_OK;
	if (d.code == NULL && v != CREDIT_USCC_OK) {
		d.code = credit_uscc_result_name(v);
		d.uscc_invalid = true;
		if (v == CREDIT_USCC_BAD_CHECK)
			snprintf(d.detail, sizeof d.detail, "%s: the check character should be '%c'",
				 credit_uscc_result_text(v), detail.expected);
		else
			snprintf(d.detail, sizeof d.detail, "%s", credit_uscc_result_text(v));
	}
	if (d.code != NULL) {
		sodium_memzero(id_number, sizeof id_number);
		sodium_memzero(phone, sizeof phone);
		*dp = d;
		return false;
	}
	copy_uscc(c->uscc, uscc);
	if (id_number[0]) {
		seal(secret, c->id, 1, id_number, &c->rep_id);
		snprintf(c->rep_id_masked, sizeof c->rep_id_masked, "%.3s***********%.4s", id_number, id_number + 14);
	}
	if (phone[0]) {
		seal(secret, c->id, 2, phone, &c->rep_phone);
		snprintf(c->rep_phone_masked, sizeof c->rep_phone_masked, "%.3s****%.4s", phone, phone + 7);
	}
	sodium_memzero(id_number, sizeof id_number);
	sodium_memzero(phone, sizeof phone);
	return true;
}

/* Decodes a register/update body; uscc from the body or (update) the path. */
static bool enterprise_decode(struct api_request *r, json_t *doc, const char *path_uscc,
			      struct credit_enterprise_cmd *c)
{
	struct credit_dec d = { 0 };
	if (credit_decode_enterprise(&d, doc, path_uscc, r->server->secret, c))
		return true;
	return dec_answer(r, &d);
}

void credit_handle_enterprise_register(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_enterprise_cmd c;
	bool ok = enterprise_decode(r, doc, NULL, &c);
	json_decref(doc);
	if (ok)
		api_submit_one(r, CREDIT_CMD_ENTERPRISE_REGISTER, &c, sizeof c, enterprise_done);
}

void credit_handle_enterprise_update(struct api_request *r)
{
	if (path_enterprise(r) < 0)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_enterprise_cmd c;
	bool ok = enterprise_decode(r, doc, api_param(r, 0), &c);
	json_decref(doc);
	if (ok)
		api_submit_one(r, CREDIT_CMD_ENTERPRISE_UPDATE, &c, sizeof c, enterprise_done);
}

void credit_handle_enterprise_get(struct api_request *r)
{
	int64_t i = path_enterprise(r);
	if (i >= 0)
		api_reply_json(r, 200, j_enterprise(credit_enterprise_at(credit_of(r), (uint32_t)i)));
}

void credit_handle_enterprise_personal(struct api_request *r)
{
	int64_t i = path_enterprise(r);
	if (i < 0)
		return;
	const struct credit_enterprise *e = credit_enterprise_at(credit_of(r), (uint32_t)i);
	char id_number[CREDIT_SEALED_PLAIN_SIZE + 1] = "", phone[CREDIT_SEALED_PLAIN_SIZE + 1] = "";
	bool ok = (e->info.rep_id_masked[0] == '\0' || unseal(r, &e->info.rep_id, id_number)) &&
		  (e->info.rep_phone_masked[0] == '\0' || unseal(r, &e->info.rep_phone, phone));
	if (!ok) {
		api_problem(r, "internal", "personal data does not open with this server's key");
		return;
	}
	json_t *doc = json_pack("{s:s, s:o, s:o}", "uscc", e->info.uscc, "id_number",
				id_number[0] ? json_string(id_number) : json_null(), "phone",
				phone[0] ? json_string(phone) : json_null());
	sodium_memzero(id_number, sizeof id_number);
	sodium_memzero(phone, sizeof phone);
	api_reply_json(r, 200, doc);
}

/* ---- feeds --------------------------------------------------------------------- */

static void feed_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct credit_feed_head *h = api_submitted_body(r);
	const struct credit_op *op = credit_op_find(credit_of(r), h->id);
	SZ_ASSERT(op != NULL);
	json_t *doc = json_pack("{s:o, s:s, s:s, s:s, s:o}", "record_id", j_id(h->id), "enterprise", h->uscc, "kind",
				credit_feed_kind_name(op->kind - CREDIT_CMD_FEED_TAX), "source", h->source, "as_of",
				j_day(h->as_of_day));
	api_reply_json(r, api_result_status(results[0]), doc);
}

static void feed_head_decode(struct credit_dec *d, json_t *doc, const char *uscc, struct credit_feed_head *h)
{
	dec_id(d, doc, "id", true, &h->id);
	copy_uscc(h->uscc, uscc);
	dec_text(d, doc, "source", true, h->source, sizeof h->source);
	dec_day(d, doc, "as_of", true, &h->as_of_day);
}

/* A "months" array of up to 12 rows; each row decoded by row_fn. */
static json_t *months_of(struct credit_dec *d, json_t *doc, uint32_t *count)
{
	json_t *months = json_object_get(doc, "months");
	if (months == NULL || !json_is_array(months) || json_array_size(months) == 0 ||
	    json_array_size(months) > CREDIT_FEED_MONTH_COUNT_MAX) {
		dec_fail(d, "field_invalid", "'%s' must be an array of 1 to 12 months", "months");
		return NULL;
	}
	*count = (uint32_t)json_array_size(months);
	return months;
}

bool credit_decode_feed(struct credit_dec *d, const char *kind, json_t *doc, const char *uscc, uint16_t *cmd_kind,
			void *body, uint32_t *size)
{
	size_t i;
	json_t *row;
	if (strcmp(kind, "tax") == 0) {
		static const char *const known[] = { "id", "source", "as_of", "grade", "grade_year", "months", NULL };
		struct credit_tax_cmd *c = body;
		memset(c, 0, sizeof *c);
		dec_known(d, doc, known);
		feed_head_decode(d, doc, uscc, &c->head);
		dec_text(d, doc, "grade", false, c->grade, sizeof c->grade);
		int64_t year = 0;
		dec_int(d, doc, "grade_year", c->grade[0] != '\0', 2000, 2200, &year);
		c->grade_year = (int32_t)year;
		json_t *months = months_of(d, doc, &c->head.count);
		static const char *const row_known[] = { "month", "tax_paid", NULL };
		if (months)
			json_array_foreach(months, i, row) {
				dec_known(d, row, row_known);
				dec_month(d, row, "month", &c->months[i].month);
				dec_amount(d, row, "tax_paid", true, &c->months[i].value);
			}
		*cmd_kind = CREDIT_CMD_FEED_TAX;
		*size = sizeof *c;
	} else if (strcmp(kind, "headcount") == 0) {
		static const char *const known[] = { "id", "source", "as_of", "months", NULL };
		struct credit_headcount_cmd *c = body;
		memset(c, 0, sizeof *c);
		dec_known(d, doc, known);
		feed_head_decode(d, doc, uscc, &c->head);
		json_t *months = months_of(d, doc, &c->head.count);
		static const char *const row_known[] = { "month", "headcount", NULL };
		if (months)
			json_array_foreach(months, i, row) {
				dec_known(d, row, row_known);
				dec_month(d, row, "month", &c->months[i].month);
				dec_int(d, row, "headcount", true, 0, 10000000, &c->months[i].value);
			}
		*cmd_kind = CREDIT_CMD_FEED_HEADCOUNT;
		*size = sizeof *c;
	} else if (strcmp(kind, "cashflow") == 0) {
		static const char *const known[] = { "id", "source", "as_of", "months", NULL };
		struct credit_cashflow_cmd *c = body;
		memset(c, 0, sizeof *c);
		dec_known(d, doc, known);
		feed_head_decode(d, doc, uscc, &c->head);
		json_t *months = months_of(d, doc, &c->head.count);
		static const char *const row_known[] = { "month", "inflow", "outflow", NULL };
		if (months)
			json_array_foreach(months, i, row) {
				dec_known(d, row, row_known);
				dec_month(d, row, "month", &c->months[i].month);
				dec_amount(d, row, "inflow", true, &c->months[i].inflow_fen);
				dec_amount(d, row, "outflow", true, &c->months[i].outflow_fen);
			}
		*cmd_kind = CREDIT_CMD_FEED_CASHFLOW;
		*size = sizeof *c;
	} else if (strcmp(kind, "ip") == 0) {
		static const char *const known[] = { "id", "source", "as_of", "items", NULL };
		struct credit_ip_cmd *c = body;
		memset(c, 0, sizeof *c);
		dec_known(d, doc, known);
		feed_head_decode(d, doc, uscc, &c->head);
		json_t *items = json_object_get(doc, "items");
		if (items == NULL || !json_is_array(items) || json_array_size(items) == 0 ||
		    json_array_size(items) > CREDIT_FEED_IP_COUNT_MAX) {
			dec_fail(d, "field_invalid", "'%s' must be an array of 1 to 8 items", "items");
		} else {
			c->head.count = (uint32_t)json_array_size(items);
			static const char *const row_known[] = { "number", "kind", "granted", "pledged", NULL };
			json_array_foreach(items, i, row) {
				struct credit_ip_item *it = &c->items[i];
				dec_known(d, row, row_known);
				dec_text(d, row, "number", true, it->number, sizeof it->number);
				dec_name(d, row, "kind", true, credit_ip_kind_name, CREDIT_IP_KIND_MAX, &it->kind);
				dec_day(d, row, "granted", true, &it->granted_day);
				json_t *p = json_object_get(row, "pledged");
				if (p != NULL && !json_is_boolean(p))
					dec_fail(d, "field_invalid", "'%s' must be true or false", "pledged");
				it->pledged = p != NULL && json_is_true(p);
			}
		}
		*cmd_kind = CREDIT_CMD_FEED_IP;
		*size = sizeof *c;
	} else if (strcmp(kind, "innovation") == 0) {
		static const char *const known[] = { "id", "source", "as_of", "points", NULL };
		struct credit_innovation_cmd *c = body;
		memset(c, 0, sizeof *c);
		dec_known(d, doc, known);
		feed_head_decode(d, doc, uscc, &c->head);
		dec_int(d, doc, "points", true, 0, 1000, &c->points);
		*cmd_kind = CREDIT_CMD_FEED_INNOVATION;
		*size = sizeof *c;
	} else if (strcmp(kind, "negative") == 0) {
		static const char *const known[] = { "id", "source", "as_of", "kind", "reference", "amount",
						     "conduct_ended", "summary", NULL };
		struct credit_negative_cmd *c = body;
		memset(c, 0, sizeof *c);
		dec_known(d, doc, known);
		feed_head_decode(d, doc, uscc, &c->head);
		dec_name(d, doc, "kind", true, credit_negative_kind_name, CREDIT_NEG_KIND_MAX, &c->kind);
		dec_text(d, doc, "reference", true, c->reference, sizeof c->reference);
		dec_text(d, doc, "summary", false, c->summary, sizeof c->summary);
		dec_amount(d, doc, "amount", false, &c->amount_fen);
		dec_day(d, doc, "conduct_ended", true, &c->conduct_ended_day);
		*cmd_kind = CREDIT_CMD_FEED_NEGATIVE;
		*size = sizeof *c;
	} else {
		d->code = "not_found";
		snprintf(d->detail, sizeof d->detail, "no feed kind '%s' (tax, headcount, cashflow, ip, innovation, negative)",
			 kind);
		return false;
	}
	return d->code == NULL;
}

void credit_handle_feed(struct api_request *r)
{
	if (path_enterprise(r) < 0)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static _Thread_local union {
		struct credit_tax_cmd tax;
		struct credit_headcount_cmd headcount;
		struct credit_cashflow_cmd cashflow;
		struct credit_ip_cmd ip;
		struct credit_innovation_cmd innovation;
		struct credit_negative_cmd negative;
	} body;
	uint16_t kind = 0;
	uint32_t size = 0;
	struct credit_dec d = { 0 };
	bool ok = credit_decode_feed(&d, api_param(r, 1), doc, api_param(r, 0), &kind, &body, &size);
	json_decref(doc);
	if (ok)
		api_submit_one(r, kind, &body, size, feed_done);
	else
		dec_answer(r, &d);
}

/* ---- cash flow from the ledger ------------------------------------------------------- */

/* Sums posted transfers of the enterprise's accounts (owner id) between
 * months first and last: a transfer between two of its own accounts is
 * neither inflow nor outflow. 0, or a problem already answered (-1). */
static int cashflow_compute(struct api_request *r, sz_id owner, uint32_t currency, int32_t first, int32_t last,
			    struct credit_cashflow_cmd *c)
{
	struct api_server *s = r->server;
	const struct ledger *l = &sz_engine_state(s->engine)->ledger;
	api_owner_index_update(s);
	uint32_t n = (uint32_t)(last - first + 1);
	for (uint32_t i = 0; i < n; i++)
		c->months[i].month = first + (int32_t)i;
	c->head.count = n;
	uint32_t reads = 0;
	uint32_t link = s->owner_head[sz_mix64(owner.lo, owner.hi) & (s->owner_bucket_count - 1)];
	for (uint32_t scanned = 0; link != 0 && scanned < SZ_API_LIST_SCAN_COUNT_MAX; scanned++) {
		const sz_account *a = &l->accounts[link - 1];
		uint32_t account_index = link - 1;
		link = s->owner_next[link - 1];
		if (!sz_id_eq(a->owner_id, owner) || a->currency != currency)
			continue;
		uint32_t h = ledger_history_head(l, account_index);
		while (h != 0) {
			int64_t slot = ledger_history_next(l, &h);
			if (slot < 0)
				break;
			if (++reads > CASHFLOW_TRANSFER_SCAN_COUNT_MAX) {
				api_problem_custom(r, 422, "history_too_long", "The account history is too long to summarise",
						   "send the cash-flow summary as a feed instead");
				return -1;
			}
			if (ledger_slot_status(l, (uint32_t)slot) != SZ_STATUS_POSTED)
				continue;
			sz_transfer t;
			if (sz_engine_read_transfer(s->engine, l->slots[slot].log_pos, &t)) {
				api_problem(r, "internal", "cannot read a transfer record from the log");
				return -1;
			}
			api_transfer_complete(s->engine, &t);
			int32_t month = credit_month_of_ns(t.timestamp);
			if (month < first)
				break; /* history runs newest first */
			if (month > last)
				continue;
			bool credit_side = sz_id_eq(t.credit_account_id, a->id);
			const sz_account *other = ledger_account_get(l, credit_side ? t.debit_account_id : t.credit_account_id);
			if (other != NULL && sz_id_eq(other->owner_id, owner))
				continue;
			struct credit_cash_row *row = &c->months[month - first];
			int64_t *sum = credit_side ? &row->inflow_fen : &row->outflow_fen;
			if (t.amount > INT64_MAX || __builtin_add_overflow(*sum, (int64_t)t.amount, sum)) {
				api_problem(r, "amount_invalid", "a month's flow exceeds the representable range");
				return -1;
			}
		}
	}
	return 0;
}

bool credit_decode_cashflow_request(struct credit_dec *d, json_t *doc, sz_id *id, int32_t *from, int32_t *to,
				    uint32_t *currency)
{
	static const char *const known[] = { "id", "from", "to", "currency", NULL };
	char currency_text[8];
	*from = *to = 0;
	dec_known(d, doc, known);
	dec_id(d, doc, "id", true, id);
	dec_month(d, doc, "from", from);
	dec_month(d, doc, "to", to);
	dec_text(d, doc, "currency", false, currency_text, sizeof currency_text);
	if (d->code != NULL)
		return false;
	*currency = sz_currency_code("CNY");
	if (currency_text[0] && sz_currency_parse(currency_text, currency))
		return dec_fail(d, "field_invalid", "'%s' must be three letters", "currency");
	if (*to < *from || *to - *from >= (int32_t)CREDIT_FEED_MONTH_COUNT_MAX)
		return dec_fail(d, "field_invalid", "%s must be 1 to 12 months in order", "'from'..'to'");
	return true;
}

void credit_handle_cashflow(struct api_request *r)
{
	int64_t index = path_enterprise(r);
	if (index < 0)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_dec d = { 0 };
	struct credit_cashflow_cmd c;
	memset(&c, 0, sizeof c);
	int32_t from = 0, to = 0;
	uint32_t currency = 0;
	bool ok = credit_decode_cashflow_request(&d, doc, &c.head.id, &from, &to, &currency);
	json_decref(doc);
	if (!ok) {
		dec_answer(r, &d);
		return;
	}
	const struct credit_enterprise *e = credit_enterprise_at(credit_of(r), (uint32_t)index);
	copy_uscc(c.head.uscc, e->info.uscc);
	strcpy(c.head.source, "ledger");
	c.head.as_of_day = credit_day_of_ns(wall_ns());
	if (cashflow_compute(r, e->info.owner_id, currency, from, to, &c) != 0)
		return;
	api_submit_one(r, CREDIT_CMD_FEED_CASHFLOW, &c, sizeof c, feed_done);
}

/* ---- consent ----------------------------------------------------------------------- */

static void authorization_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const sz_id *id = api_submitted_body(r);
	const struct credit_op *op = credit_op_find(credit_of(r), *id);
	SZ_ASSERT(op != NULL);
	const struct credit_authorization *a = NULL;
	if (op->kind == CREDIT_CMD_AUTHORIZE) {
		a = credit_authorization_at(credit_of(r), op->target);
	} else {
		const struct credit_revoke_cmd *rv = api_submitted_body(r);
		a = credit_authorization_at(credit_of(r), credit_op_find(credit_of(r), rv->authorization_id)->target);
	}
	api_reply_json(r, api_result_status(results[0]), j_authorization(credit_of(r), a, wall_ns()));
}

bool credit_decode_authorize(struct credit_dec *d, json_t *doc, const char *uscc, sz_id token_id,
			     struct credit_authorize_cmd *c)
{
	static const char *const known[] = { "id", "institution", "purpose", "expires", NULL };
	memset(c, 0, sizeof *c);
	dec_known(d, doc, known);
	dec_id(d, doc, "id", true, &c->id);
	dec_name(d, doc, "purpose", true, credit_purpose_name, CREDIT_PURPOSE_MAX, &c->purpose);
	json_t *inst = json_object_get(doc, "institution");
	if (inst == NULL || !json_is_string(inst) ||
	    sz_u64_parse(json_string_value(inst), json_string_length(inst), &c->tenant_id) || c->tenant_id == 0)
		dec_fail(d, "field_invalid", "'%s' must be the institution's tenant id (decimal string)", "institution");
	int32_t expires_day = 0;
	dec_day(d, doc, "expires", true, &expires_day);
	if (d->code != NULL)
		return false;
	copy_uscc(c->uscc, uscc);
	c->token_id = token_id;
	/* valid through the named day: until midnight (UTC+8) after it */
	c->expires_ns = credit_ns_of_day(expires_day + 1);
	return true;
}

void credit_handle_authorization_create(struct api_request *r)
{
	int64_t index = path_enterprise(r);
	if (index < 0)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_dec d = { 0 };
	struct credit_authorize_cmd c;
	bool ok = credit_decode_authorize(&d, doc, credit_enterprise_at(credit_of(r), (uint32_t)index)->info.uscc,
					  r->principal.token_id, &c);
	json_decref(doc);
	if (!ok) {
		dec_answer(r, &d);
		return;
	}
	api_submit_one(r, CREDIT_CMD_AUTHORIZE, &c, sizeof c, authorization_done);
}

void credit_handle_authorization_list(struct api_request *r)
{
	int64_t index = path_enterprise(r);
	if (index < 0)
		return;
	const struct credit_domain_state *c = credit_of(r);
	const struct credit_enterprise *e = credit_enterprise_at(c, (uint32_t)index);
	uint64_t now = wall_ns();
	json_t *rows = json_array();
	for (uint32_t link = e->authorization_head; link; link = credit_authorization_at(c, link - 1)->next) {
		const struct credit_authorization *a = credit_authorization_at(c, link - 1);
		if (r->principal.role == API_ROLE_OPERATOR && a->tenant_id != r->principal.tenant_id)
			continue;
		if (json_array_size(rows) == SZ_PAGE_ROW_COUNT_MAX)
			break;
		json_array_append_new(rows, j_authorization(c, a, now));
	}
	api_reply_json(r, 200, json_pack("{s:o}", "authorizations", rows));
}

bool credit_decode_revoke(struct credit_dec *d, json_t *doc, struct credit_revoke_cmd *c)
{
	static const char *const known[] = { "id", NULL };
	memset(c, 0, sizeof *c);
	dec_known(d, doc, known);
	dec_id(d, doc, "id", true, &c->id);
	return d->code == NULL;
}

void credit_handle_authorization_revoke(struct api_request *r)
{
	sz_id auth_id;
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), &auth_id, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return;
	}
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_dec d = { 0 };
	struct credit_revoke_cmd c;
	bool ok = credit_decode_revoke(&d, doc, &c);
	json_decref(doc);
	if (!ok) {
		dec_answer(r, &d);
		return;
	}
	const struct credit_domain_state *cs = credit_of(r);
	const struct credit_op *op = credit_op_find(cs, auth_id);
	const struct credit_authorization *a =
		op && op->kind == CREDIT_CMD_AUTHORIZE ? credit_authorization_at(cs, op->target) : NULL;
	if (a == NULL || !sz_id_eq(credit_enterprise_at(cs, a->enterprise)->info.owner_id, r->principal.owner_id)) {
		problem_result(r, CREDIT_R_AUTHORIZATION_NOT_FOUND);
		return;
	}
	c.authorization_id = auth_id;
	copy_uscc(c.uscc, credit_enterprise_at(cs, a->enterprise)->info.uscc);
	api_submit_one(r, CREDIT_CMD_AUTHORIZATION_REVOKE, &c, sizeof c, authorization_done);
}

/* ---- reports, scores and the query log -------------------------------------------------- */

static void query_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct credit_query_cmd *cmd = api_submitted_body(r);
	const struct credit_domain_state *c = credit_of(r);
	const struct credit_op *op = credit_op_find(c, cmd->id);
	SZ_ASSERT(op != NULL && op->kind == CREDIT_CMD_QUERY);
	const struct credit_query *q = credit_query_at(c, op->target);
	if (q->kind != CREDIT_QUERY_REPORT) {
		api_reply_json(r, api_result_status(results[0]), j_decision(c, q));
		return;
	}
	uint8_t now_hash[16];
	credit_report_hash(c, q->enterprise, now_hash);
	json_t *doc = j_report(c, q->enterprise, wall_ns());
	json_t *query = j_query(c, q);
	/* the log holds the hash of what the query saw; a later command of the
	 * same batch (or a retry of an old query) may have changed the data */
	json_object_set_new(query, "changed_since_query",
			    json_boolean(memcmp(now_hash, q->content_hash, sizeof now_hash) != 0));
	json_object_set_new(doc, "query", query);
	api_reply_json(r, api_result_status(results[0]), doc);
}

bool credit_decode_query(struct credit_dec *d, json_t *doc, bool score, struct credit_query_cmd *c)
{
	static const char *const known_report[] = { "id", "purpose", NULL };
	static const char *const known_score[] = { "id", "purpose", "product", "model_version", NULL };
	memset(c, 0, sizeof *c);
	dec_known(d, doc, score ? known_score : known_report);
	dec_id(d, doc, "id", true, &c->id);
	dec_name(d, doc, "purpose", true, credit_purpose_name, CREDIT_PURPOSE_MAX, &c->purpose);
	c->kind = CREDIT_QUERY_REPORT;
	if (score) {
		char product[16];
		dec_text(d, doc, "product", false, product, sizeof product);
		dec_text(d, doc, "model_version", false, c->model_version, sizeof c->model_version);
		if (product[0] == '\0' || strcmp(product, "scorecard") == 0)
			c->kind = CREDIT_QUERY_SCORE;
		else if (strcmp(product, "tech") == 0)
			c->kind = CREDIT_QUERY_TECH_SCORE;
		else
			dec_fail(d, "field_invalid", "'%s' must be scorecard or tech", "product");
	}
	return d->code == NULL;
}

static void query_submit(struct api_request *r, bool score)
{
	int64_t index = path_enterprise(r);
	if (index < 0)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_dec d = { 0 };
	struct credit_query_cmd c;
	bool ok = credit_decode_query(&d, doc, score, &c);
	json_decref(doc);
	if (!ok) {
		dec_answer(r, &d);
		return;
	}
	copy_uscc(c.uscc, credit_enterprise_at(credit_of(r), (uint32_t)index)->info.uscc);
	c.tenant_id = r->principal.tenant_id;
	c.user_token_id = r->principal.token_id;
	api_submit_one(r, CREDIT_CMD_QUERY, &c, sizeof c, query_done);
}

void credit_handle_report(struct api_request *r) { query_submit(r, false); }
void credit_handle_score(struct api_request *r) { query_submit(r, true); }

void credit_handle_query_list(struct api_request *r)
{
	int64_t index = path_enterprise(r);
	if (index < 0)
		return;
	uint32_t limit;
	uint64_t cursor;
	if (!page_args(r, &limit, &cursor))
		return;
	const struct credit_domain_state *c = credit_of(r);
	uint32_t link = cursor ? (uint32_t)cursor : credit_enterprise_at(c, (uint32_t)index)->query_head;
	if (cursor > credit_query_count(c)) {
		api_problem(r, "cursor_invalid", "use next_cursor from the previous page");
		return;
	}
	json_t *rows = json_array();
	while (link && json_array_size(rows) < limit) {
		const struct credit_query *q = credit_query_at(c, link - 1);
		if (q->enterprise != (uint32_t)index) {
			json_decref(rows);
			api_problem(r, "cursor_invalid", "the cursor belongs to another list");
			return;
		}
		json_array_append_new(rows, j_query(c, q));
		link = q->next;
	}
	api_reply_json(r, 200, json_pack("{s:o, s:o}", "queries", rows, "next_cursor",
					 link ? api_json_string_u64(link) : json_null()));
}

void credit_handle_decision_get(struct api_request *r)
{
	sz_id id;
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), &id, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return;
	}
	const struct credit_domain_state *c = credit_of(r);
	const struct credit_op *op = credit_op_find(c, id);
	const struct credit_query *q = op && op->kind == CREDIT_CMD_QUERY ? credit_query_at(c, op->target) : NULL;
	if (q == NULL || q->decision == 0 ||
	    (r->principal.role == API_ROLE_OPERATOR && q->tenant_id != r->principal.tenant_id)) {
		api_problem(r, "not_found", "no decision %s", text);
		return;
	}
	api_reply_json(r, 200, j_decision(c, q));
}

/* ---- objections ------------------------------------------------------------------ */

static void objection_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct credit_domain_state *c = credit_of(r);
	const sz_id *id = api_submitted_body(r);
	const struct credit_op *op = credit_op_find(c, *id);
	SZ_ASSERT(op != NULL);
	uint32_t target = op->target;
	if (op->kind == CREDIT_CMD_OBJECTION_RESOLVE) {
		const struct credit_resolve_cmd *res = api_submitted_body(r);
		target = credit_op_find(c, res->objection_id)->target;
	}
	api_reply_json(r, api_result_status(results[0]), j_objection(c, credit_objection_at(c, target), wall_ns()));
}

bool credit_decode_objection(struct credit_dec *d, json_t *doc, struct credit_objection_cmd *c)
{
	static const char *const known[] = { "id", "record_id", "reason", NULL };
	memset(c, 0, sizeof *c);
	dec_known(d, doc, known);
	dec_id(d, doc, "id", true, &c->id);
	dec_id(d, doc, "record_id", true, &c->record_id);
	dec_text(d, doc, "reason", true, c->reason, sizeof c->reason);
	return d->code == NULL;
}

void credit_handle_objection_create(struct api_request *r)
{
	int64_t index = path_enterprise(r);
	if (index < 0)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_dec d = { 0 };
	struct credit_objection_cmd c;
	bool ok = credit_decode_objection(&d, doc, &c);
	json_decref(doc);
	if (!ok) {
		dec_answer(r, &d);
		return;
	}
	copy_uscc(c.uscc, credit_enterprise_at(credit_of(r), (uint32_t)index)->info.uscc);
	api_submit_one(r, CREDIT_CMD_OBJECTION_FILE, &c, sizeof c, objection_done);
}

static const struct credit_objection *path_objection(struct api_request *r)
{
	sz_id id;
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), &id, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return NULL;
	}
	const struct credit_domain_state *c = credit_of(r);
	const struct credit_op *op = credit_op_find(c, id);
	const struct credit_objection *o =
		op && op->kind == CREDIT_CMD_OBJECTION_FILE ? credit_objection_at(c, op->target) : NULL;
	if (o != NULL && r->principal.role == API_ROLE_MERCHANT &&
	    !sz_id_eq(credit_enterprise_at(c, o->enterprise)->info.owner_id, r->principal.owner_id))
		o = NULL;
	if (o == NULL)
		problem_result(r, CREDIT_R_OBJECTION_NOT_FOUND);
	return o;
}

void credit_handle_objection_get(struct api_request *r)
{
	const struct credit_objection *o = path_objection(r);
	if (o != NULL)
		api_reply_json(r, 200, j_objection(credit_of(r), o, wall_ns()));
}

bool credit_decode_resolve(struct credit_dec *d, json_t *doc, struct credit_resolve_cmd *c)
{
	static const char *const known[] = { "id", "outcome", "reply", NULL };
	memset(c, 0, sizeof *c);
	dec_known(d, doc, known);
	dec_id(d, doc, "id", true, &c->id);
	dec_text(d, doc, "reply", true, c->reply, sizeof c->reply);
	char outcome[16];
	dec_text(d, doc, "outcome", true, outcome, sizeof outcome);
	if (d->code == NULL) {
		if (strcmp(outcome, "corrected") == 0)
			c->outcome = CREDIT_OUTCOME_CORRECTED;
		else if (strcmp(outcome, "confirmed") == 0)
			c->outcome = CREDIT_OUTCOME_CONFIRMED;
		else
			dec_fail(d, "field_invalid", "'%s' must be corrected or confirmed", "outcome");
	}
	return d->code == NULL;
}

void credit_handle_objection_resolve(struct api_request *r)
{
	const struct credit_objection *o = path_objection(r);
	if (o == NULL)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_dec d = { 0 };
	struct credit_resolve_cmd c;
	bool ok = credit_decode_resolve(&d, doc, &c);
	json_decref(doc);
	if (!ok) {
		dec_answer(r, &d);
		return;
	}
	c.objection_id = o->id;
	c.resolver_token_id = r->principal.token_id;
	api_submit_one(r, CREDIT_CMD_OBJECTION_RESOLVE, &c, sizeof c, objection_done);
}

/* ?state=open (default) | overdue | all, ?enterprise=USCC, paged by index. */
void credit_handle_objection_list(struct api_request *r)
{
	const char *state = api_query(r, "state");
	if (state == NULL)
		state = "open";
	if (strcmp(state, "open") != 0 && strcmp(state, "overdue") != 0 && strcmp(state, "all") != 0) {
		api_problem(r, "query_invalid", "state must be open, overdue or all");
		return;
	}
	const struct credit_domain_state *c = credit_of(r);
	const char *uscc = api_query(r, "enterprise");
	int64_t only = -1;
	if (uscc != NULL && (only = credit_enterprise_find(c, uscc)) < 0) {
		problem_result(r, CREDIT_R_ENTERPRISE_NOT_FOUND);
		return;
	}
	uint32_t limit;
	uint64_t cursor;
	if (!page_args(r, &limit, &cursor))
		return;
	uint64_t now = wall_ns();
	json_t *rows = json_array();
	uint32_t i = (uint32_t)(cursor < credit_objection_count(c) ? cursor : credit_objection_count(c));
	for (; i < credit_objection_count(c) && json_array_size(rows) < limit; i++) {
		const struct credit_objection *o = credit_objection_at(c, i);
		bool overdue = o->outcome == 0 && (o->overdue_ns != 0 || o->due_ns <= now);
		if ((only >= 0 && o->enterprise != (uint32_t)only) || (strcmp(state, "open") == 0 && o->outcome != 0) ||
		    (strcmp(state, "overdue") == 0 && !overdue))
			continue;
		json_array_append_new(rows, j_objection(c, o, now));
	}
	api_reply_json(r, 200, json_pack("{s:o, s:o}", "objections", rows, "next_cursor",
					 i < credit_objection_count(c) ? api_json_string_u64(i) : json_null()));
}

/* ---- models ------------------------------------------------------------------------ */

static void model_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct credit_model_activate_cmd *c = api_submitted_body(r); /* version at the same offset in both */
	_Static_assert(offsetof(struct credit_model_activate_cmd, version) ==
			       offsetof(struct credit_model_chunk_cmd, version),
		       "both model commands carry the version at one offset");
	int64_t m = credit_model_find(credit_of(r), c->version);
	SZ_ASSERT(m >= 0);
	api_reply_json(r, api_result_status(results[0]), j_model(credit_model_at(credit_of(r), (uint32_t)m)));
}

static bool version_param(struct api_request *r, char out[CREDIT_VERSION_SIZE])
{
	const char *v = api_param(r, 0);
	memset(out, 0, CREDIT_VERSION_SIZE);
	if (strlen(v) == 0 || strlen(v) >= CREDIT_VERSION_SIZE) {
		api_problem(r, "field_invalid", "model versions are 1 to %u bytes", CREDIT_VERSION_SIZE - 1);
		return false;
	}
	memcpy(out, v, strlen(v));
	return true;
}

static bool dec_sha(struct credit_dec *d, json_t *o, uint8_t out[32])
{
	char hex[65];
	size_t n = 0;
	if (!dec_text(d, o, "sha256", true, hex, sizeof hex))
		return false;
	if (sodium_hex2bin(out, 32, hex, strlen(hex), NULL, &n, NULL) != 0 || n != 32 || strlen(hex) != 64)
		return dec_fail(d, "field_invalid", "'%s' must be 64 hex digits", "sha256");
	return true;
}

bool credit_decode_model_chunk(struct credit_dec *d, json_t *doc, struct credit_model_chunk_cmd *c)
{
	static const char *const known[] = { "id", "index", "count", "total_size", "sha256", "data", NULL };
	int64_t index = 0, count = 0, total = 0;
	dec_known(d, doc, known);
	dec_id(d, doc, "id", true, &c->id);
	dec_int(d, doc, "index", true, 0, 65535, &index);
	dec_int(d, doc, "count", true, 1, 65535, &count);
	dec_int(d, doc, "total_size", true, 1, UINT32_MAX, &total);
	dec_sha(d, doc, c->sha256);
	json_t *data = json_object_get(doc, "data");
	size_t n = 0;
	if (data == NULL || !json_is_string(data) ||
	    sodium_base642bin(c->data, sizeof c->data, json_string_value(data), json_string_length(data), NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		dec_fail(d, "field_invalid", "'%s' must be base64 of at most 3968 bytes", "data");
	if (d->code != NULL)
		return false;
	c->index = (uint16_t)index;
	c->count = (uint16_t)count;
	c->total_size = (uint32_t)total;
	c->size = (uint32_t)n;
	return true;
}

void credit_handle_model_chunk(struct api_request *r)
{
	static _Thread_local struct credit_model_chunk_cmd c;
	memset(&c, 0, sizeof c);
	if (!version_param(r, c.version))
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_dec d = { 0 };
	bool ok = credit_decode_model_chunk(&d, doc, &c);
	json_decref(doc);
	if (!ok) {
		dec_answer(r, &d);
		return;
	}
	api_submit_one(r, CREDIT_CMD_MODEL_CHUNK, &c, sizeof c, model_done);
}

bool credit_decode_model_activate(struct credit_dec *d, json_t *doc, struct credit_model_activate_cmd *c)
{
	static const char *const known[] = { "id", "sha256", NULL };
	dec_known(d, doc, known);
	dec_id(d, doc, "id", true, &c->id);
	dec_sha(d, doc, c->sha256);
	return d->code == NULL;
}

void credit_handle_model_activate(struct api_request *r)
{
	struct credit_model_activate_cmd c;
	memset(&c, 0, sizeof c);
	if (!version_param(r, c.version))
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_dec d = { 0 };
	bool ok = credit_decode_model_activate(&d, doc, &c);
	json_decref(doc);
	if (dec_answer(r, &d) && ok)
		api_submit_one(r, CREDIT_CMD_MODEL_ACTIVATE, &c, sizeof c, model_done);
}

void credit_handle_model_list(struct api_request *r)
{
	const struct credit_domain_state *c = credit_of(r);
	json_t *rows = json_array();
	for (uint32_t i = 0; i < credit_model_count(c); i++)
		json_array_append_new(rows, j_model(credit_model_at(c, i)));
	int64_t active = credit_model_active(c);
	api_reply_json(r, 200, json_pack("{s:o, s:o}", "models", rows, "active",
					 active >= 0 ? json_string(credit_model_at(c, (uint32_t)active)->info.version)
						     : json_null()));
}

/* ---- early warning ------------------------------------------------------------------ */

static void watch_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!done_ok(r, results, count))
		return;
	const struct credit_watch_cmd *w = api_submitted_body(r);
	api_reply_json(r, api_result_status(results[0]),
		       json_pack("{s:o, s:s, s:o, s:b}", "id", j_id(w->id), "enterprise", w->uscc, "institution",
				 api_json_string_u64(w->tenant_id), "watching", 1));
}

bool credit_decode_watch(struct credit_dec *d, json_t *doc, struct credit_watch_cmd *c)
{
	static const char *const known[] = { "id", NULL };
	memset(c, 0, sizeof *c);
	dec_known(d, doc, known);
	dec_id(d, doc, "id", true, &c->id);
	return d->code == NULL;
}

void credit_handle_watch(struct api_request *r)
{
	int64_t index = path_enterprise(r);
	if (index < 0)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct credit_dec d = { 0 };
	struct credit_watch_cmd c;
	bool ok = credit_decode_watch(&d, doc, &c);
	json_decref(doc);
	if (!ok) {
		dec_answer(r, &d);
		return;
	}
	copy_uscc(c.uscc, credit_enterprise_at(credit_of(r), (uint32_t)index)->info.uscc);
	c.tenant_id = r->principal.tenant_id;
	api_submit_one(r, CREDIT_CMD_WATCH, &c, sizeof c, watch_done);
}

/* Warnings, newest last; a bank sees those of enterprises it holds an
 * unexpired authorization from. ?enterprise=USCC narrows the list. */
void credit_handle_warning_list(struct api_request *r)
{
	const struct credit_domain_state *c = credit_of(r);
	const char *uscc = api_query(r, "enterprise");
	int64_t only = -1;
	if (uscc != NULL && (only = credit_enterprise_find(c, uscc)) < 0) {
		problem_result(r, CREDIT_R_ENTERPRISE_NOT_FOUND);
		return;
	}
	uint32_t limit;
	uint64_t cursor;
	if (!page_args(r, &limit, &cursor))
		return;
	uint64_t now = wall_ns();
	json_t *rows = json_array();
	uint32_t i = (uint32_t)(cursor < credit_warning_count(c) ? cursor : credit_warning_count(c));
	for (; i < credit_warning_count(c) && json_array_size(rows) < limit; i++) {
		const struct credit_warning *w = credit_warning_at(c, i);
		if (only >= 0 && w->enterprise != (uint32_t)only)
			continue;
		if (r->principal.role == API_ROLE_OPERATOR &&
		    credit_authorization_valid(c, w->enterprise, r->principal.tenant_id, 0, now) < 0)
			continue;
		json_array_append_new(rows, j_warning(c, w));
	}
	api_reply_json(r, 200, json_pack("{s:o, s:o}", "warnings", rows, "next_cursor",
					 i < credit_warning_count(c) ? api_json_string_u64(i) : json_null()));
}

void credit_handle_purge_list(struct api_request *r)
{
	const struct credit_domain_state *c = credit_of(r);
	uint32_t limit;
	uint64_t cursor;
	if (!page_args(r, &limit, &cursor))
		return;
	json_t *rows = json_array();
	uint32_t i = (uint32_t)(cursor < credit_purge_count(c) ? cursor : credit_purge_count(c));
	for (; i < credit_purge_count(c) && json_array_size(rows) < limit; i++) {
		const struct credit_purge *p = credit_purge_at(c, i);
		json_array_append_new(rows, json_pack("{s:o, s:s, s:s, s:o, s:o}", "record_id", j_id(p->record_id),
						      "enterprise", credit_enterprise_at(c, p->enterprise)->info.uscc,
						      "kind", credit_negative_kind_name(p->kind), "conduct_ended",
						      j_day(p->conduct_ended_day), "purged_at_ns", j_ns(p->purged_ns)));
	}
	api_reply_json(r, 200, json_pack("{s:o, s:o}", "purges", rows, "next_cursor",
					 i < credit_purge_count(c) ? api_json_string_u64(i) : json_null()));
}
