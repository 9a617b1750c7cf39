/*
 * http_queries.c — consent, reports, scores and the query log, and
 * objections (.../authorizations, .../report, .../score, .../queries,
 * /v1/credit/queries, /v1/credit/decisions, /v1/credit/objections).
 */
#include "credit/http_internal.h"
#include "core/time_text.h"

#include "api/api.h"
#include "api/codec.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		json_object_set_new(o, "month", credit_json_month(row->month));
		json_object_set_new(o, key, money ? credit_json_fen(row->value) : json_integer(row->value));
		json_object_set_new(o, "record_id", credit_json_id(credit_op_at(c, row->reserved - 1)->id));
		json_object_set_new(o, "disputed", json_boolean(op_disputed(c, row->reserved - 1)));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *j_objection(const struct credit_domain_state *c, const struct credit_objection *o, uint64_t now_ns)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", credit_json_id(o->id));
	json_object_set_new(j, "enterprise", json_string(credit_enterprise_at(c, o->enterprise)->info.uscc));
	json_object_set_new(j, "record_id", credit_json_id(o->record_id));
	json_object_set_new(j, "record_kind",
			    json_string(credit_feed_kind_name(credit_op_at(c, o->record_op)->kind - CREDIT_CMD_FEED_TAX)));
	json_object_set_new(j, "reason", json_string(o->reason));
	json_object_set_new(j, "filed_at_ns", credit_json_ns(o->filed_ns));
	json_object_set_new(j, "due_at_ns", credit_json_ns(o->due_ns));
	const char *state = o->outcome == CREDIT_OUTCOME_CORRECTED ? "corrected"
			  : o->outcome == CREDIT_OUTCOME_CONFIRMED ? "confirmed" : "open";
	json_object_set_new(j, "state", json_string(state));
	bool overdue = o->outcome == 0 && (o->overdue_ns != 0 || o->due_ns <= now_ns);
	json_object_set_new(j, "overdue", json_boolean(overdue));
	json_object_set_new(j, "resolved_late", json_boolean(o->outcome != 0 && o->resolved_ns > o->due_ns));
	json_object_set_new(j, "resolved_at_ns", credit_json_ns(o->resolved_ns));
	json_object_set_new(j, "reply", o->outcome ? json_string(o->reply) : json_null());
	return j;
}

/* What a report shows; the same data credit_report_hash covers. */
static json_t *j_report(const struct credit_domain_state *c, uint32_t index, uint64_t now_ns)
{
	const struct credit_enterprise *e = credit_enterprise_at(c, index);
	json_t *o = json_object();
	json_object_set_new(o, "enterprise", credit_json_enterprise(e));
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
		json_array_append_new(cash, json_pack("{s:o, s:o, s:o, s:o, s:b}", "month", credit_json_month(in->month), "inflow",
						      credit_json_fen(in->value), "outflow", credit_json_fen(out), "record_id",
						      credit_json_id(credit_op_at(c, in->reserved - 1)->id), "disputed",
						      op_disputed(c, in->reserved - 1)));
	}
	json_object_set_new(o, "cash_flow", cash);
	json_t *ips = json_array();
	for (uint32_t link = e->ip_head; link; link = credit_ip_at(c, link - 1)->next) {
		const struct credit_ip *p = credit_ip_at(c, link - 1);
		json_array_append_new(ips, json_pack("{s:s, s:s, s:o, s:b, s:o, s:b}", "number", p->number, "kind",
						     credit_ip_kind_name(p->kind), "granted", credit_json_day(p->granted_day),
						     "pledged", p->pledged != 0, "record_id", credit_json_id(credit_op_at(c, p->op)->id),
						     "disputed", op_disputed(c, p->op)));
	}
	json_object_set_new(o, "intellectual_property", ips);
	json_object_set_new(o, "innovation_points",
			    e->innovation_set ? json_pack("{s:I, s:o}", "points", (json_int_t)e->innovation_points,
							  "as_of", credit_json_day(e->innovation_day))
					      : json_null());
	json_t *neg = json_array();
	for (uint32_t link = e->negative_head; link; link = credit_negative_at(c, link - 1)->next) {
		const struct credit_negative *n = credit_negative_at(c, link - 1);
		if (credit_op_at(c, n->op)->flags & (CREDIT_OP_PURGED | CREDIT_OP_WITHDRAWN))
			continue;
		json_t *j = json_pack("{s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:b}", "record_id", credit_json_id(n->id), "kind",
				      credit_negative_kind_name(n->kind), "reference", n->reference, "summary", n->summary,
				      "amount", credit_json_fen(n->amount_fen), "conduct_ended", credit_json_day(n->conduct_ended_day),
				      "purge_at_ns", credit_json_ns(n->purge_at_ns), "source", n->source, "as_of", credit_json_day(n->as_of_day),
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
				    m->op ? json_pack("{s:s, s:o, s:o}", "source", m->source, "as_of", credit_json_day(m->as_of_day),
						      "recorded_at_ns", credit_json_ns(m->recorded_ns))
					  : json_null());
	}
	json_object_set_new(o, "sources", sources);
	return o;
}

/* "2026-12-02T10:04:09.123456789Z": a time in RFC 3339, UTC, to the nanosecond. */
static json_t *j_time_rfc3339(uint64_t ns)
{
	char text[SZ_TIME_RFC3339_SIZE];
	return sz_time_rfc3339(ns, text) == 0 ? json_string(text) : json_null();
}

static json_t *j_query(const struct credit_domain_state *c, const struct credit_query *q)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", credit_json_id(q->id));
	json_object_set_new(o, "enterprise", json_string(credit_enterprise_at(c, q->enterprise)->info.uscc));
	json_object_set_new(o, "institution", api_json_string_u64(q->tenant_id));
	json_object_set_new(o, "user_token_id", credit_json_id(q->user_token_id));
	json_object_set_new(o, "at_ns", credit_json_ns(q->at_ns));
	json_object_set_new(o, "at", j_time_rfc3339(q->at_ns));
	json_object_set_new(o, "authorization_id", credit_json_id(credit_authorization_at(c, q->authorization)->id));
	json_object_set_new(o, "purpose", json_string(credit_purpose_name(q->purpose)));
	json_object_set_new(o, "kind", json_string(credit_query_kind_name(q->kind)));
	json_t *returned = json_object();
	json_object_set_new(returned, "content_hash", credit_json_hex(q->content_hash, sizeof q->content_hash));
	if (q->decision) {
		const struct credit_decision *d = credit_decision_at(c, q->decision - 1);
		json_object_set_new(returned, "model_version", json_string(credit_model_at(c, d->model)->info.version));
		json_object_set_new(returned, "score", credit_json_fixed(d->score_milli, SCORECARD_POINTS_SCALE));
		json_object_set_new(returned, "grade", json_string(scorecard_grade_name(d->grade)));
		if (q->kind == CREDIT_QUERY_TECH_SCORE)
			json_object_set_new(returned, "tech_grade", json_string(scorecard_grade_name(d->tech.grade)));
	}
	json_object_set_new(o, "returned", returned);
	return o;
}

/* The challenger's shadow score: the same shape as the champion's fields;
 * its reasons are the characteristics whose path contributions lost most. */
static json_t *j_shadow(const struct credit_model *m, const struct credit_shadow *s)
{
	SZ_ASSERT(s->present && s->reason_count <= SCORECARD_REASON_COUNT);
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string("boosted_trees"));
	json_object_set_new(o, "role", json_string("shadow"));
	json_object_set_new(o, "score", credit_json_fixed(s->score_milli, SCORECARD_POINTS_SCALE));
	json_object_set_new(o, "grade", json_string(scorecard_grade_name(s->grade)));
	json_object_set_new(o, "bad_probability", credit_json_number((double)s->bad_probability_ppb / SCORECARD_NANO));
	json_object_set_new(o, "pd_grade",
			    json_string(m->parsed.master_names[scorecard_master_of(&m->parsed, (uint32_t)s->bad_probability_ppb)]));
	json_t *reasons = json_array();
	for (uint32_t i = 0; i < s->reason_count; i++)
		json_array_append_new(reasons, json_pack("{s:s, s:o}", "code", m->parsed.characteristics[s->reasons[i]].name,
							 "points_lost", credit_json_fixed(s->reasons_lost_milli[i], SCORECARD_POINTS_SCALE)));
	json_object_set_new(o, "reasons", reasons);
	return o;
}

static json_t *j_decision(const struct credit_domain_state *c, const struct credit_query *q)
{
	SZ_ASSERT(q->decision != 0);
	const struct credit_decision *d = credit_decision_at(c, q->decision - 1);
	const struct credit_model *m = credit_model_at(c, d->model);
	json_t *o = j_query(c, q);
	json_object_set_new(o, "model_version", json_string(m->info.version));
	json_object_set_new(o, "score", credit_json_fixed(d->score_milli, SCORECARD_POINTS_SCALE));
	json_object_set_new(o, "grade", json_string(scorecard_grade_name(d->grade)));
	json_object_set_new(o, "bad_probability", credit_json_number((double)d->bad_probability_ppb / SCORECARD_NANO));
	json_object_set_new(o, "pd_grade",
			    json_string(m->parsed.master_names[scorecard_master_of(&m->parsed, (uint32_t)d->bad_probability_ppb)]));
	json_t *reasons = json_array();
	for (uint32_t i = 0; i < d->reason_count; i++)
		json_array_append_new(reasons, json_pack("{s:s, s:o}", "code", m->parsed.characteristics[d->reasons[i]].name,
							 "points_lost", credit_json_fixed(d->reasons_lost_milli[i], SCORECARD_POINTS_SCALE)));
	json_object_set_new(o, "reasons", reasons);
	if (d->challenger.present)
		json_object_set_new(o, "challenger", j_shadow(m, &d->challenger));
	json_t *inputs = json_object();
	for (uint32_t f = 0; f < CREDIT_FEATURE_COUNT; f++) {
		json_t *v = credit_feature_kind(f) == CREDIT_CSV_NUMERIC ? credit_json_fixed(d->inputs_e4[f], SCORECARD_VALUE_SCALE)
								  : credit_json_str(credit_feature_label(f, d->labels[f]));
		json_object_set_new(inputs, credit_feature_name(f), v);
	}
	json_object_set_new(o, "inputs", inputs);
	json_t *missing = json_array();
	json_t *unseen = json_array();
	for (uint32_t f = 0; f < CREDIT_FEATURE_COUNT; f++) {
		if (d->missing_mask & (1u << f))
			json_array_append_new(missing, json_string(credit_feature_name(f)));
		if (d->unseen_mask & (1u << f))
			json_array_append_new(unseen, json_string(credit_feature_name(f)));
	}
	json_object_set_new(o, "missing", missing);
	json_object_set_new(o, "unseen", unseen);
	json_object_set_new(o, "completeness", credit_json_fixed(d->completeness_bp, 10000));
	enum scorecard_product product = q->kind == CREDIT_QUERY_TECH_SCORE ? SCORECARD_PRODUCT_TECH
									    : SCORECARD_PRODUCT_SCORECARD;
	bool thin = scorecard_thin_file(&m->parsed, product, (uint32_t)d->completeness_bp * 100u);
	json_object_set_new(o, "review", json_string(thin ? "manual" : "automatic"));
	if (q->kind == CREDIT_QUERY_TECH_SCORE) {
		const struct credit_tech *t = &d->tech;
		json_t *tech = json_pack("{s:i, s:i, s:i, s:i, s:i, s:o, s:s}", "index", t->index, "ip_points", t->ip_points,
					 "innovation_points", t->innovation_points, "headcount_points", t->headcount_points,
					 "tax_points", t->tax_points, "score", credit_json_fixed(t->score_milli, SCORECARD_POINTS_SCALE), "grade",
					 scorecard_grade_name(t->grade));
		json_object_set_new(tech, "credit_limit",
				    json_pack("{s:o, s:s}", "amount", credit_json_fen(t->credit_limit_fen), "currency", "CNY"));
		json_object_set_new(o, "tech", tech);
	}
	return o;
}

static json_t *j_authorization(const struct credit_domain_state *c, const struct credit_authorization *a,
			       uint64_t now_ns)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", credit_json_id(a->id));
	json_object_set_new(o, "enterprise", json_string(credit_enterprise_at(c, a->enterprise)->info.uscc));
	json_object_set_new(o, "institution", api_json_string_u64(a->tenant_id));
	json_object_set_new(o, "purpose", json_string(credit_purpose_name(a->purpose)));
	json_object_set_new(o, "granted_at_ns", credit_json_ns(a->granted_ns));
	json_object_set_new(o, "expires_at_ns", credit_json_ns(a->expires_ns));
	json_object_set_new(o, "revoked_at_ns", credit_json_ns(a->revoked_ns));
	json_object_set_new(o, "valid", json_boolean(a->revoked_ns == 0 && a->expires_ns > now_ns));
	return o;
}

/* ---- consent ----------------------------------------------------------------------- */

static void authorization_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!credit_http_done_ok(r, results, count))
		return;
	const sz_id *id = api_submitted_body(r);
	const struct credit_op *op = credit_op_find(credit_http_state(r), *id);
	SZ_ASSERT(op != NULL);
	const struct credit_authorization *a = NULL;
	if (op->kind == CREDIT_CMD_AUTHORIZE) {
		a = credit_authorization_at(credit_http_state(r), op->target);
	} else {
		const struct credit_revoke_cmd *rv = api_submitted_body(r);
		a = credit_authorization_at(credit_http_state(r), credit_op_find(credit_http_state(r), rv->authorization_id)->target);
	}
	api_reply_json(r, api_result_status(results[0]), j_authorization(credit_http_state(r), a, credit_http_wall_ns()));
}

static const struct api_field authorize_fields[] = {
	{ CREDIT_F_ID("id", struct credit_authorize_in, id, API_F_REQUIRED) },
	{ CREDIT_F_ENUM("purpose", struct credit_authorize_in, purpose, API_F_REQUIRED, credit_purpose_names, 1, 0), .invalid = CREDIT_NAMES_INVALID },
	{ .name = "institution", .type = API_T_UINT, .flags = API_F_REQUIRED | API_F_TEXT,
	  .offset = offsetof(struct credit_authorize_in, tenant_id), .size = sizeof(uint64_t), .umin = 1,
	  .invalid = "'%s' must be the institution's tenant id (decimal string)" },
	{ CREDIT_F_DAY("expires", struct credit_authorize_in, expires_day, API_F_REQUIRED) },
};
const struct api_schema credit_authorize_schema = API_SCHEMA("credit_authorize", authorize_fields, struct credit_authorize_in);

void credit_map_authorize(const struct credit_authorize_in *in, const char *uscc, sz_id token_id,
			  struct credit_authorize_cmd *c)
{
	memset(c, 0, sizeof *c);
	c->id = in->id;
	c->purpose = in->purpose;
	c->tenant_id = in->tenant_id;
	credit_http_copy_uscc(c->uscc, uscc);
	c->token_id = token_id;
	/* valid through the named day: until midnight (UTC+8) after it */
	c->expires_ns = credit_ns_of_day(in->expires_day + 1);
}

void credit_handle_authorization_create(struct api_request *r)
{
	int64_t index = credit_http_path_enterprise(r);
	if (index < 0)
		return;
	struct credit_authorize_cmd c;
	credit_map_authorize(r->in, credit_enterprise_at(credit_http_state(r), (uint32_t)index)->info.uscc,
			     r->principal.token_id, &c);
	api_submit_one(r, CREDIT_CMD_AUTHORIZE, &c, sizeof c, authorization_done);
}

void credit_handle_authorization_list(struct api_request *r)
{
	int64_t index = credit_http_path_enterprise(r);
	if (index < 0)
		return;
	const struct credit_domain_state *c = credit_http_state(r);
	const struct credit_enterprise *e = credit_enterprise_at(c, (uint32_t)index);
	uint64_t now = credit_http_wall_ns();
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

static const struct api_field id_fields[] = {
	{ CREDIT_F_ID("id", struct credit_id_in, id, API_F_REQUIRED) },
};
const struct api_schema credit_id_schema = API_SCHEMA("credit_command_id", id_fields, struct credit_id_in);

void credit_handle_authorization_revoke(struct api_request *r)
{
	sz_id auth_id;
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), &auth_id, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return;
	}
	struct credit_revoke_cmd c;
	memset(&c, 0, sizeof c);
	c.id = ((const struct credit_id_in *)r->in)->id;
	const struct credit_domain_state *cs = credit_http_state(r);
	const struct credit_op *op = credit_op_find(cs, auth_id);
	const struct credit_authorization *a =
		op && op->kind == CREDIT_CMD_AUTHORIZE ? credit_authorization_at(cs, op->target) : NULL;
	if (a == NULL || !sz_id_eq(credit_enterprise_at(cs, a->enterprise)->info.owner_id, r->principal.owner_id)) {
		credit_http_problem_result(r, CREDIT_R_AUTHORIZATION_NOT_FOUND);
		return;
	}
	c.authorization_id = auth_id;
	credit_http_copy_uscc(c.uscc, credit_enterprise_at(cs, a->enterprise)->info.uscc);
	api_submit_one(r, CREDIT_CMD_AUTHORIZATION_REVOKE, &c, sizeof c, authorization_done);
}

/* ---- reports, scores and the query log -------------------------------------------------- */

static void query_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!credit_http_done_ok(r, results, count))
		return;
	const struct credit_query_cmd *cmd = api_submitted_body(r);
	const struct credit_domain_state *c = credit_http_state(r);
	const struct credit_op *op = credit_op_find(c, cmd->id);
	SZ_ASSERT(op != NULL && op->kind == CREDIT_CMD_QUERY);
	const struct credit_query *q = credit_query_at(c, op->target);
	if (q->kind != CREDIT_QUERY_REPORT) {
		api_reply_json(r, api_result_status(results[0]), j_decision(c, q));
		return;
	}
	uint8_t now_hash[16];
	credit_report_hash(c, q->enterprise, now_hash);
	json_t *doc = j_report(c, q->enterprise, credit_http_wall_ns());
	json_t *query = j_query(c, q);
	/* the log holds the hash of what the query saw; a later command of the
	 * same batch (or a retry of an old query) may have changed the data */
	json_object_set_new(query, "changed_since_query",
			    json_boolean(memcmp(now_hash, q->content_hash, sizeof now_hash) != 0));
	json_object_set_new(doc, "query", query);
	api_reply_json(r, api_result_status(results[0]), doc);
}

static const char *const product_names[] = { "scorecard", "tech", NULL }; /* from CREDIT_QUERY_SCORE */

static const struct api_field report_fields[] = {
	{ CREDIT_F_ID("id", struct credit_query_in, id, API_F_REQUIRED) },
	{ CREDIT_F_ENUM("purpose", struct credit_query_in, purpose, API_F_REQUIRED, credit_purpose_names, 1, 0), .invalid = CREDIT_NAMES_INVALID },
};
static const struct api_field score_fields[] = {
	{ CREDIT_F_ID("id", struct credit_query_in, id, API_F_REQUIRED) },
	{ CREDIT_F_ENUM("purpose", struct credit_query_in, purpose, API_F_REQUIRED, credit_purpose_names, 1, 0), .invalid = CREDIT_NAMES_INVALID },
	{ CREDIT_F_ENUM("product", struct credit_query_in, kind, 0, product_names, CREDIT_QUERY_SCORE, CREDIT_QUERY_SCORE),
	  .invalid = "'%s' must be scorecard or tech" },
	{ CREDIT_F_TEXT("model_version", struct credit_query_in, model_version, 0) },
};
const struct api_schema credit_report_schema = API_SCHEMA("credit_report", report_fields, struct credit_query_in);
const struct api_schema credit_score_schema = API_SCHEMA("credit_score", score_fields, struct credit_query_in);

void credit_map_query(const struct credit_query_in *in, bool score, struct credit_query_cmd *c)
{
	memset(c, 0, sizeof *c);
	c->id = in->id;
	c->purpose = in->purpose;
	c->kind = score ? in->kind : CREDIT_QUERY_REPORT;
	SZ_ASSERT(c->kind >= CREDIT_QUERY_REPORT && c->kind <= CREDIT_QUERY_TECH_SCORE);
	memcpy(c->model_version, in->model_version, sizeof c->model_version);
}

static void query_submit(struct api_request *r, bool score)
{
	int64_t index = credit_http_path_enterprise(r);
	if (index < 0)
		return;
	struct credit_query_cmd c;
	credit_map_query(r->in, score, &c);
	credit_http_copy_uscc(c.uscc, credit_enterprise_at(credit_http_state(r), (uint32_t)index)->info.uscc);
	c.tenant_id = r->principal.tenant_id;
	c.user_token_id = r->principal.token_id;
	api_submit_one(r, CREDIT_CMD_QUERY, &c, sizeof c, query_done);
}

void credit_handle_report(struct api_request *r) { query_submit(r, false); }
void credit_handle_score(struct api_request *r) { query_submit(r, true); }

void credit_handle_query_list(struct api_request *r)
{
	int64_t index = credit_http_path_enterprise(r);
	if (index < 0)
		return;
	uint32_t limit;
	uint64_t cursor;
	if (!credit_http_page_args(r, &limit, &cursor))
		return;
	const struct credit_domain_state *c = credit_http_state(r);
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

/* ?tenant_id=N of the query log: *by_tenant false when absent; 0 after answering. */
static bool query_tenant_arg(struct api_request *r, bool *by_tenant, uint64_t *tenant_id)
{
	const char *text = api_query(r, "tenant_id");
	*by_tenant = text != NULL;
	*tenant_id = 0;
	if (text != NULL && (sz_u64_parse(text, strlen(text), tenant_id) || *tenant_id == 0)) {
		api_problem(r, "query_invalid", "tenant_id must be a tenant id (a whole number from 1)");
		return false;
	}
	return true;
}

/* GET /v1/credit/queries: the query log across enterprises, newest first.
 * A bank (an operator, and its credit desk acting as one) sees only the
 * queries its own tenant made; a ?tenant_id of another tenant gives an
 * empty page, as the account list does. The others read every tenant's,
 * or one tenant's with ?tenant_id. ?enterprise=USCC narrows to one
 * enterprise. The cursor is the index + 1 of the next query to look at; a
 * page looks at no more than SZ_API_LIST_SCAN_COUNT_MAX queries, so a short
 * (even empty) page may still carry a next_cursor. */
void credit_handle_query_log(struct api_request *r)
{
	const struct credit_domain_state *c = credit_http_state(r);
	int64_t only;
	uint32_t limit;
	uint64_t cursor, tenant_id;
	bool by_tenant;
	if (!credit_http_list_args(r, c, &only, &limit, &cursor) || !query_tenant_arg(r, &by_tenant, &tenant_id))
		return;
	uint32_t count = credit_query_count(c);
	if (cursor > count) {
		api_problem(r, "cursor_invalid", "use next_cursor from the previous page");
		return;
	}
	uint64_t scope = r->principal.role == API_ROLE_OPERATOR ? r->principal.tenant_id : 0;
	SZ_ASSERT(r->principal.role != API_ROLE_OPERATOR || scope != 0);
	uint32_t next = cursor ? (uint32_t)cursor : count;
	json_t *rows = json_array();
	for (uint32_t scanned = 0; next > 0 && json_array_size(rows) < limit && scanned < SZ_API_LIST_SCAN_COUNT_MAX;
	     next--, scanned++) {
		const struct credit_query *q = credit_query_at(c, next - 1);
		if ((scope != 0 && q->tenant_id != scope) || (by_tenant && q->tenant_id != tenant_id) ||
		    (only >= 0 && q->enterprise != (uint32_t)only))
			continue;
		json_array_append_new(rows, j_query(c, q));
	}
	SZ_ASSERT(json_array_size(rows) <= limit);
	api_reply_json(r, 200, json_pack("{s:o, s:o}", "queries", rows, "next_cursor",
					 next ? api_json_string_u64(next) : json_null()));
}

void credit_handle_decision_get(struct api_request *r)
{
	sz_id id;
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), &id, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return;
	}
	const struct credit_domain_state *c = credit_http_state(r);
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
	if (!credit_http_done_ok(r, results, count))
		return;
	const struct credit_domain_state *c = credit_http_state(r);
	const sz_id *id = api_submitted_body(r);
	const struct credit_op *op = credit_op_find(c, *id);
	SZ_ASSERT(op != NULL);
	uint32_t target = op->target;
	if (op->kind == CREDIT_CMD_OBJECTION_RESOLVE) {
		const struct credit_resolve_cmd *res = api_submitted_body(r);
		target = credit_op_find(c, res->objection_id)->target;
	}
	api_reply_json(r, api_result_status(results[0]), j_objection(c, credit_objection_at(c, target), credit_http_wall_ns()));
}

static const struct api_field objection_fields[] = {
	{ CREDIT_F_ID("id", struct credit_objection_in, id, API_F_REQUIRED) },
	{ CREDIT_F_ID("record_id", struct credit_objection_in, record_id, API_F_REQUIRED) },
	{ CREDIT_F_TEXT("reason", struct credit_objection_in, reason, API_F_REQUIRED) },
};
const struct api_schema credit_objection_schema = API_SCHEMA("credit_objection", objection_fields, struct credit_objection_in);

void credit_handle_objection_create(struct api_request *r)
{
	int64_t index = credit_http_path_enterprise(r);
	if (index < 0)
		return;
	const struct credit_objection_in *in = r->in;
	struct credit_objection_cmd c;
	memset(&c, 0, sizeof c);
	c.id = in->id;
	c.record_id = in->record_id;
	memcpy(c.reason, in->reason, sizeof c.reason);
	credit_http_copy_uscc(c.uscc, credit_enterprise_at(credit_http_state(r), (uint32_t)index)->info.uscc);
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
	const struct credit_domain_state *c = credit_http_state(r);
	const struct credit_op *op = credit_op_find(c, id);
	const struct credit_objection *o =
		op && op->kind == CREDIT_CMD_OBJECTION_FILE ? credit_objection_at(c, op->target) : NULL;
	if (o != NULL && r->principal.role == API_ROLE_MERCHANT &&
	    !sz_id_eq(credit_enterprise_at(c, o->enterprise)->info.owner_id, r->principal.owner_id))
		o = NULL;
	if (o == NULL)
		credit_http_problem_result(r, CREDIT_R_OBJECTION_NOT_FOUND);
	return o;
}

void credit_handle_objection_get(struct api_request *r)
{
	const struct credit_objection *o = path_objection(r);
	if (o != NULL)
		api_reply_json(r, 200, j_objection(credit_http_state(r), o, credit_http_wall_ns()));
}

static const char *const outcome_names[] = { "corrected", "confirmed", NULL }; /* from CREDIT_OUTCOME_CORRECTED */

static const struct api_field resolve_fields[] = {
	{ CREDIT_F_ID("id", struct credit_resolve_in, id, API_F_REQUIRED) },
	{ CREDIT_F_TEXT("reply", struct credit_resolve_in, reply, API_F_REQUIRED) },
	{ CREDIT_F_ENUM("outcome", struct credit_resolve_in, outcome, API_F_REQUIRED, outcome_names,
			CREDIT_OUTCOME_CORRECTED, 0), .invalid = "'%s' must be corrected or confirmed" },
};
const struct api_schema credit_resolve_schema = API_SCHEMA("credit_resolve", resolve_fields, struct credit_resolve_in);

void credit_handle_objection_resolve(struct api_request *r)
{
	const struct credit_objection *o = path_objection(r);
	if (o == NULL)
		return;
	const struct credit_resolve_in *in = r->in;
	struct credit_resolve_cmd c;
	memset(&c, 0, sizeof c);
	c.id = in->id;
	c.outcome = in->outcome;
	memcpy(c.reply, in->reply, sizeof c.reply);
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
	const struct credit_domain_state *c = credit_http_state(r);
	int64_t only;
	uint32_t limit;
	uint64_t cursor;
	if (!credit_http_list_args(r, c, &only, &limit, &cursor))
		return;
	uint64_t now = credit_http_wall_ns();
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
