/*
 * http.c — the risk domain's HTTP routes: activate and list rule-set
 * versions, read alerts and refusals, work cases, export reports.
 *
 * Routes (roles in the table below; a risk analyst or compliance officer
 * sees only alerts and cases of its own tenant — the payer account's):
 *   POST /v1/risk/rulesets             body: a rule-set file (docs/risk.md)
 *   GET  /v1/risk/rulesets             the versions kept, with their effective times
 *   GET  /v1/risk/status               counts, the version in force, table use
 *   GET  /v1/risk/alerts               ?kind=alerts|refusals&typology=N&limit=N&cursor=C, newest
 *                                      first; next_cursor continues (null: no older records)
 *   GET  /v1/risk/alerts/{alert}       one alert with its explanation
 *   POST /v1/risk/cases                {"case_id","alert","assignee"?,"due"?,"text"?}
 *   POST /v1/risk/cases/{id}/events    {"action","assignee"?,"text"?,"disposition"?,"due"?}
 *   GET  /v1/risk/cases                ?status=open|escalated|closed&limit=N&cursor=C (as alerts)
 *   GET  /v1/risk/cases/{id}           with its history
 *   GET  /v1/risk/reports              ?kind=large_value|suspicious&format=json|csv (http_report.c)
 *
 * Closing a case as "frozen" (a compliance officer only) also freezes the
 * alert's payer when it is a currency wallet: the batch carries the currency
 * domain's own wallet-control command (authority operator — the
 * institution's compliance team — state frozen, reason aml_investigation;
 * lifted, like any control, by the same authority through
 * /v1/wallets/{id}/controls) and then the case command. The case's answer
 * says what happened to the wallet ("wallet_control").
 *   POST /v1/risk/screen               {"name","threshold"?}: watch-list hits (http_screen.c)
 *   POST /v1/risk/cross-border-transfers {"transfer","counterparty_name"}: a transfer whose code is
 *                                      cross-border, with its counterparty screened (http_xborder.c)
 *   POST /v1/risk/declarations         {"account","currency","monthly_volume"}: declared cross-border
 *                                      volume per month (http_declare.c); GET .../{account} reads it
 *   POST /v1/risk/purge                {"before"}: tombstone alerts and refusals older than it,
 *                                      once it is the retention period in the past
 */
#include "risk/http_internal.h"
#include "currency/currency.h"
#include "api/api.h"
#include "api/codec.h"
#include "api/schema.h"
#include "core/assert.h"
#include "core/errors.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RISK_READERS (API_CB | API_RG | API_AU | API_AD | API_RA | API_CO)

void risk_handle_reports(struct api_request *r);
void risk_handle_screen(struct api_request *r);
extern const struct api_schema risk_screen_schema;
void risk_handle_xborder_transfer(struct api_request *r);
void risk_handle_declare(struct api_request *r);
void risk_handle_declare_get(struct api_request *r);
extern const struct api_schema risk_declare_schema;
extern const struct api_schema risk_xborder_schema;

static const struct risk_state *state_of(struct api_request *r)
{
	return risk_state_get(sz_engine_state(r->server->engine));
}

/* The tenant a principal is confined to (0: it sees every tenant). */
uint64_t risk_principal_tenant(const struct api_principal *p)
{
	return p->role == API_ROLE_RISK_ANALYST || p->role == API_ROLE_COMPLIANCE_OFFICER ? p->tenant_id : 0;
}

bool risk_alert_visible(const struct api_principal *p, const struct risk_alert *a)
{
	uint64_t tenant = risk_principal_tenant(p);
	return tenant == 0 || tenant == a->tenant_id;
}

/* ---- rule sets -------------------------------------------------------------- */

static json_t *version_json(const struct risk_ruleset *rs, uint64_t now_ns, const struct risk_ruleset *in_force)
{
	char eff[32];
	risk_time_text(rs->effective_ns, eff);
	return json_pack("{s:i, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:b}", "version", (json_int_t)rs->version, "name",
			 rs->name, "effective", eff, "effective_ns", "", "rules", rs->rule_count, "typologies",
			 rs->typology_count, "report_due_working_days", rs->report_due_working_days,
			 "retention_days", rs->retention_days, "in_force", rs == in_force && rs->effective_ns <= now_ns);
}

static json_t *versions_json(const struct risk_state *st, uint64_t now_ns)
{
	json_t *list = json_array();
	const struct risk_ruleset *in_force = risk_ruleset_in_force(st, now_ns);
	for (uint32_t i = 0; i < risk_version_count(st); i++) {
		const struct risk_ruleset *rs = risk_version_at(st, i);
		json_t *v = version_json(rs, now_ns, in_force);
		json_object_set_new(v, "effective_ns", api_json_string_u64(rs->effective_ns));
		json_array_append_new(list, v);
	}
	return json_pack("{s:o}", "versions", list);
}

static void ruleset_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	const struct sz_state *s = sz_engine_state(r->server->engine);
	api_reply_json(r, 200, versions_json(risk_state_get(s), s->batch_time_ns));
}

static void handle_ruleset_post(struct api_request *r)
{
	struct risk_ruleset *rs = malloc(sizeof *rs);
	char why[256];
	if (rs == NULL) {
		api_problem(r, "internal", "no memory for the rule set");
		return;
	}
	int rc = risk_ruleset_parse((const char *)r->body, r->body_size, rs, why, sizeof why);
	if (rc == 0)
		api_submit_one(r, RISK_CMD_RULESET_ACTIVATE, rs, sizeof *rs, ruleset_done);
	else
		api_problem_custom(r, 400, "risk_ruleset_invalid", "The rule set is malformed", why);
	free(rs);
}

static void handle_ruleset_list(struct api_request *r)
{
	const struct sz_state *s = sz_engine_state(r->server->engine);
	api_reply_json(r, 200, versions_json(risk_state_get(s), s->batch_time_ns));
}

static void handle_status(struct api_request *r)
{
	const struct sz_state *s = sz_engine_state(r->server->engine);
	const struct risk_state *st = risk_state_get(s);
	const struct risk_ruleset *rs = risk_ruleset_in_force(st, s->batch_time_ns);
	json_t *o = json_object();
	json_object_set_new(o, "version_in_force", rs ? json_integer(rs->version) : json_null());
	json_object_set_new(o, "alert_count", json_integer(risk_alert_count(st)));
	json_object_set_new(o, "alert_count_max", json_integer(RISK_ALERT_COUNT_MAX));
	json_object_set_new(o, "alerts_dropped", api_json_string_u64(risk_alert_dropped_count(st)));
	json_object_set_new(o, "refusal_count", json_integer(risk_refusal_count(st)));
	json_object_set_new(o, "case_count", json_integer(risk_case_count(st)));
	json_object_set_new(o, "monitored_accounts", json_integer(risk_monitored_count(st)));
	json_object_set_new(o, "monitored_accounts_max", json_integer(RISK_ACCOUNT_COUNT_MAX));
	json_object_set_new(o, "bytes_per_account", json_integer(RISK_ACCOUNT_BYTES));
	json_object_set_new(o, "unmonitored_transfers", api_json_string_u64(risk_unmonitored_count(st)));
	api_reply_json(r, 200, o);
}

/* ---- alerts ----------------------------------------------------------------- */

static bool query_u64(struct api_request *r, const char *name, uint64_t dflt, uint64_t *out)
{
	const char *q = api_query(r, name);
	*out = dflt;
	if (q == NULL)
		return true;
	if (sz_u64_parse(q, strlen(q), out) != 0) {
		api_problem(r, "query_invalid", "'%s' must be a decimal number", name);
		return false;
	}
	return true;
}

/* ?cursor= of a newest-first list of count records: the index to continue
 * below (exclusive), from next_cursor of the previous page; count when
 * absent. false (answered 400) when it is not one this list gave. */
static bool page_cursor(struct api_request *r, uint32_t count, uint32_t *from)
{
	const char *text = api_query(r, "cursor");
	uint64_t v = count;
	if (text != NULL && (sz_u64_parse(text, strlen(text), &v) != 0 || v == 0 || v > count)) {
		api_problem(r, "cursor_invalid", "use next_cursor from the previous page");
		return false;
	}
	*from = (uint32_t)v;
	return true;
}

/* A page and its next_cursor: null once the scan reached the oldest record. */
static json_t *page_doc(const char *key, json_t *rows, uint32_t next)
{
	json_t *doc = json_pack("{s:o}", key, rows);
	json_object_set_new(doc, "next_cursor", next > 0 ? api_json_string_u64(next) : json_null());
	return doc;
}

static void handle_alert_list(struct api_request *r)
{
	static const char *const allowed[] = { "kind", "typology", "limit", "cursor", NULL };
	const struct sz_state *s = sz_engine_state(r->server->engine);
	const struct risk_state *st = risk_state_get(s);
	const char *kind = api_query(r, "kind");
	uint64_t typology;
	uint32_t limit, i;
	if (!api_query_only(r, allowed) || !query_u64(r, "typology", 0, &typology) || (limit = api_page_limit(r)) == 0)
		return;
	if (kind != NULL && strcmp(kind, "alerts") != 0 && strcmp(kind, "refusals") != 0) {
		api_problem(r, "query_invalid", "kind is alerts or refusals");
		return;
	}
	bool refusals = kind != NULL && strcmp(kind, "refusals") == 0;
	if (!page_cursor(r, refusals ? risk_refusal_count(st) : risk_alert_count(st), &i))
		return;
	json_t *list = json_array();
	/* Newest first; a bounded scan keeps a scoped caller's request cheap
	 * (the cursor says where the next page goes on). */
	for (uint32_t scanned = 0; i > 0 && json_array_size(list) < limit && scanned < SZ_API_LIST_SCAN_COUNT_MAX;
	     i--, scanned++) {
		const struct risk_alert *a = refusals ? risk_refusal_at(st, i - 1) : risk_alert_at(st, i - 1);
		if (!risk_alert_purged(a) && risk_alert_visible(&r->principal, a) &&
		    (typology == 0 || a->typology_id == typology))
			json_array_append_new(list, risk_alert_json(st, a, s->batch_time_ns));
	}
	api_reply_json(r, 200, page_doc("alerts", list, i));
}

static void handle_alert_get(struct api_request *r)
{
	const struct sz_state *s = sz_engine_state(r->server->engine);
	uint64_t no = 0;
	const struct risk_alert *a = NULL;
	if (sz_u64_parse(api_param(r, 0), strlen(api_param(r, 0)), &no) == 0)
		a = risk_alert_find(risk_state_get(s), no);
	if (a == NULL || !risk_alert_visible(&r->principal, a)) {
		api_problem(r, "not_found", "no alert %s", api_param(r, 0));
		return;
	}
	if (risk_alert_purged(a)) {
		api_problem(r, "not_found", "alert %s was purged after its retention period", api_param(r, 0));
		return;
	}
	api_reply_json(r, 200, risk_alert_json(risk_state_get(s), a, s->batch_time_ns));
}

/* ---- retention ---------------------------------------------------------------- */

struct purge_in {
	uint64_t before_ns;
};
static const struct api_field purge_fields[] = {
	{ .name = "before", .type = API_T_TIME, .flags = API_F_REQUIRED, .offset = offsetof(struct purge_in, before_ns) },
};
static const struct api_schema purge_schema = API_SCHEMA("risk_purge", purge_fields, struct purge_in);

/* Older records left unpurged (the command purges a bounded number). */
static uint32_t purge_left(const struct risk_state *st, uint64_t before_ns)
{
	uint32_t left = 0;
	for (uint32_t pass = 0; pass < 2; pass++) {
		uint32_t count = pass == 0 ? risk_alert_count(st) : risk_refusal_count(st);
		for (uint32_t i = 0; i < count; i++) {
			const struct risk_alert *a = pass == 0 ? risk_alert_at(st, i) : risk_refusal_at(st, i);
			if (a->time_ns >= before_ns)
				break;
			left += !risk_alert_purged(a);
		}
	}
	return left;
}

static void purge_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	const struct risk_purge_cmd *c = api_submitted_body(r);
	uint32_t left = purge_left(state_of(r), c->before_ns);
	api_reply_json(r, 200, json_pack("{s:b, s:i}", "more", left > 0, "older_left", (json_int_t)left));
}

static void handle_purge(struct api_request *r)
{
	const struct purge_in *in = r->in;
	struct risk_purge_cmd c = { .before_ns = in->before_ns };
	api_submit_one(r, RISK_CMD_PURGE, &c, sizeof c, purge_done);
}

/* ---- cases ------------------------------------------------------------------ */

struct case_in {
	sz_id case_id;
	uint64_t alert_no;
	sz_id assignee_id;
	uint64_t due_ns;
	uint32_t action;
	uint32_t disposition;
	char text[RISK_CASE_TEXT_SIZE];
};

static const char *const disposition_names[] = { "false_positive", "reported", "frozen", NULL };

static const struct api_field case_open_fields[] = {
	{ .name = "case_id", .type = API_T_ID, .flags = API_F_REQUIRED, .offset = offsetof(struct case_in, case_id) },
	{ .name = "alert", .type = API_T_UINT, .flags = API_F_REQUIRED | API_F_TEXT | API_F_NUMBER,
	  .offset = offsetof(struct case_in, alert_no), .size = 8, .umin = 1 },
	{ .name = "assignee", .type = API_T_ID, .offset = offsetof(struct case_in, assignee_id) },
	{ .name = "due", .type = API_T_TIME, .offset = offsetof(struct case_in, due_ns) },
	{ .name = "text", .type = API_T_STRING, .offset = offsetof(struct case_in, text), .size = RISK_CASE_TEXT_SIZE },
};
static const struct api_schema case_open_schema = API_SCHEMA("risk_case_open", case_open_fields, struct case_in);

static const struct api_field case_event_fields[] = {
	{ .name = "action", .type = API_T_ENUM, .flags = API_F_REQUIRED, .offset = offsetof(struct case_in, action),
	  .size = 4, .base = RISK_CASE_ASSIGN, .names = risk_action_names + 1 },
	{ .name = "assignee", .type = API_T_ID, .offset = offsetof(struct case_in, assignee_id) },
	{ .name = "disposition", .type = API_T_ENUM, .offset = offsetof(struct case_in, disposition), .size = 4,
	  .base = RISK_DISP_FALSE_POSITIVE, .names = disposition_names },
	{ .name = "due", .type = API_T_TIME, .offset = offsetof(struct case_in, due_ns) },
	{ .name = "text", .type = API_T_STRING, .offset = offsetof(struct case_in, text), .size = RISK_CASE_TEXT_SIZE },
};
static const struct api_schema case_event_schema = API_SCHEMA("risk_case_event", case_event_fields, struct case_in);

static void case_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	const struct risk_case_cmd *c = api_submitted_body(r);
	const struct risk_state *st = state_of(r);
	const struct risk_case *k = risk_case_find(st, c->case_id);
	SZ_ASSERT(k != NULL); /* the command just applied to it */
	api_reply_json(r, c->action == RISK_CASE_OPEN ? 201 : 200, risk_case_json(st, k));
}

static void case_submit(struct api_request *r, const struct case_in *in, sz_id case_id, uint32_t action)
{
	struct risk_case_cmd c = {
		.case_id = case_id, .actor_id = r->principal.token_id, .assignee_id = in->assignee_id,
		.alert_no = in->alert_no, .tenant_id = risk_principal_tenant(&r->principal), .due_ns = in->due_ns,
		.action = (uint8_t)action, .disposition = (uint8_t)in->disposition,
		.actor = r->principal.role == API_ROLE_RISK_ANALYST ? RISK_ACTOR_ANALYST
			 : r->principal.role == API_ROLE_COMPLIANCE_OFFICER ? RISK_ACTOR_OFFICER : RISK_ACTOR_PLATFORM,
	};
	memcpy(c.text, in->text, sizeof c.text);
	api_submit_one(r, RISK_CMD_CASE, &c, sizeof c, case_done);
}

static void handle_case_open(struct api_request *r)
{
	const struct case_in *in = r->in;
	case_submit(r, in, in->case_id, RISK_CASE_OPEN);
}

static bool case_param(struct api_request *r, sz_id *id)
{
	if (sz_id_parse(api_param(r, 0), strlen(api_param(r, 0)), id, 0) != 0) {
		api_problem(r, "id_invalid", "'%s' is not a case id", api_param(r, 0));
		return false;
	}
	return true;
}

/* Control and case command of a close-as-frozen, one batch (domain
 * commands are not linked: the case's checks are made here first, so that
 * the freeze is not applied for a close that apply would refuse). */
struct freeze_batch {
	sz_command_header control_header;
	struct currency_control_cmd control;
	sz_command_header case_header;
	struct risk_case_cmd case_cmd;
};

static void freeze_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 2);
	const struct freeze_batch *b = r->extra; /* case_close_frozen put the batch there */
	SZ_ASSERT(b != NULL);
	if (results[1] != SZ_R_OK) {
		api_problem_result(r, results[1], NULL);
		return;
	}
	const struct risk_state *st = state_of(r);
	const struct risk_case *k = risk_case_find(st, b->case_cmd.case_id);
	SZ_ASSERT(k != NULL); /* the command just applied to it */
	json_t *doc = risk_case_json(st, k);
	char wallet[SZ_ID_TEXT_SIZE];
	sz_id_format(b->control.wallet_id, wallet);
	json_object_set_new(doc, "wallet_control",
			    json_pack("{s:s, s:s, s:s}", "wallet", wallet, "state", "frozen", "result",
				      results[0] == SZ_R_OK ? "ok" : sz_result_name(results[0])));
	api_reply_json(r, 200, doc);
}

/* Close as frozen: when the alert's payer is a currency wallet and the close
 * will be accepted, submit the freeze and the close together; true if it did. */
static bool case_close_frozen(struct api_request *r, const struct case_in *in, sz_id case_id)
{
	const struct sz_state *s = sz_engine_state(r->server->engine);
	const struct risk_state *st = risk_state_get(s);
	const struct risk_case *k = risk_case_find(st, case_id);
	uint64_t tenant = risk_principal_tenant(&r->principal);
	if (k == NULL || (tenant != 0 && k->tenant_id != tenant) || k->status == RISK_CASE_S_CLOSED ||
	    r->principal.role != API_ROLE_COMPLIANCE_OFFICER)
		return false; /* apply refuses it with its own result; nothing is frozen */
	const struct risk_alert *a = risk_alert_find(st, k->alert_no);
	const struct currency_state *cs = currency_state_get(s);
	if (a == NULL || cs == NULL || currency_wallet_find(cs, a->payer_id) == NULL)
		return false; /* not a wallet: the case closes, nothing to freeze here */
	struct freeze_batch b = {
		.control_header = { .size = sizeof b.control_header + sizeof b.control, .kind = CURRENCY_CMD_WALLET_CONTROL },
		.control = { .id = case_id, .wallet_id = a->payer_id, .authority = CURRENCY_AUTHORITY_OPERATOR,
			     .state = CURRENCY_CONTROL_FROZEN, .reason = CURRENCY_REASON_AML_INVESTIGATION },
		.case_header = { .size = sizeof b.case_header + sizeof b.case_cmd, .kind = RISK_CMD_CASE },
		.case_cmd = { .case_id = case_id, .actor_id = r->principal.token_id, .tenant_id = tenant,
			      .action = RISK_CASE_CLOSE, .disposition = RISK_DISP_FROZEN, .actor = RISK_ACTOR_OFFICER },
	};
	memcpy(b.case_cmd.text, in->text, sizeof b.case_cmd.text);
	struct freeze_batch *kept = malloc(sizeof *kept);
	if (kept == NULL) {
		api_problem(r, "internal", "out of memory");
		return true;
	}
	*kept = b;
	free(r->extra);
	r->extra = kept; /* the request owns it: freeze_done reads the ids back */
	api_submit(r, kept, sizeof *kept, 2, freeze_done);
	return true;
}

static void handle_case_event(struct api_request *r)
{
	const struct case_in *in = r->in;
	sz_id id;
	if (!case_param(r, &id))
		return;
	if (in->action == RISK_CASE_CLOSE && in->disposition == RISK_DISP_NONE) {
		api_problem(r, "field_missing", "'disposition' is required to close a case");
		return;
	}
	if (in->action == RISK_CASE_CLOSE && in->disposition == RISK_DISP_FROZEN && case_close_frozen(r, in, id))
		return;
	case_submit(r, in, id, in->action);
}

static void handle_case_get(struct api_request *r)
{
	sz_id id;
	if (!case_param(r, &id))
		return;
	const struct risk_state *st = state_of(r);
	const struct risk_case *k = risk_case_find(st, id);
	uint64_t tenant = risk_principal_tenant(&r->principal);
	if (k == NULL || (tenant != 0 && k->tenant_id != tenant)) {
		api_problem(r, "not_found", "no case %s", api_param(r, 0));
		return;
	}
	api_reply_json(r, 200, risk_case_json(st, k));
}

static void handle_case_list(struct api_request *r)
{
	static const char *const status_names[] = { "", "open", "escalated", "closed" };
	static const char *const allowed[] = { "status", "limit", "cursor", NULL };
	const struct risk_state *st = state_of(r);
	const char *status = api_query(r, "status");
	uint64_t tenant = risk_principal_tenant(&r->principal);
	uint32_t limit, i;
	if (!api_query_only(r, allowed) || (limit = api_page_limit(r)) == 0 || !page_cursor(r, risk_case_count(st), &i))
		return;
	if (status != NULL && strcmp(status, "open") != 0 && strcmp(status, "escalated") != 0 &&
	    strcmp(status, "closed") != 0) {
		api_problem(r, "query_invalid", "status is open, escalated or closed");
		return;
	}
	json_t *list = json_array();
	for (uint32_t scanned = 0; i > 0 && json_array_size(list) < limit && scanned < SZ_API_LIST_SCAN_COUNT_MAX;
	     i--, scanned++) {
		const struct risk_case *k = risk_case_at(st, i - 1);
		if ((tenant == 0 || k->tenant_id == tenant) && (status == NULL || strcmp(status, status_names[k->status]) == 0))
			json_array_append_new(list, risk_case_json(st, k));
	}
	api_reply_json(r, 200, page_doc("cases", list, i));
}

static const struct api_route risk_routes[] = {
	{ .method = "POST", .path = "/v1/risk/rulesets", .roles = API_CB | API_RG | API_AD, .body = API_BODY_JSON,
	  .handler = handle_ruleset_post, .summary = "activate a rule-set version (a rule-set file as the body)" },
	API_GET("/v1/risk/rulesets", RISK_READERS, handle_ruleset_list, "the rule-set versions kept"),
	API_GET("/v1/risk/status", RISK_READERS, handle_status, "the risk domain's counts and the version in force"),
	API_GET("/v1/risk/alerts", RISK_READERS, handle_alert_list, "alerts or refusals, newest first"),
	API_GET("/v1/risk/alerts/{alert}", RISK_READERS, handle_alert_get, "one alert with its explanation"),
	API_POST("/v1/risk/cases", API_RA | API_CO, handle_case_open, &case_open_schema, "open a case on an alert"),
	API_POST("/v1/risk/cases/{id}/events", API_RA | API_CO, handle_case_event, &case_event_schema,
		 "assign, comment, escalate or close a case"),
	API_GET("/v1/risk/cases", RISK_READERS, handle_case_list, "cases, newest first"),
	API_GET("/v1/risk/cases/{id}", RISK_READERS, handle_case_get, "one case with its history"),
	API_GET("/v1/risk/reports", API_CB | API_RG | API_AU | API_AD | API_CO, risk_handle_reports,
		"large-value or suspicious transaction report rows (JSON or CSV)"),
	API_POST("/v1/risk/screen", RISK_READERS | API_OP, risk_handle_screen, &risk_screen_schema,
		 "screen a name against the watch list"),
	API_POST("/v1/risk/cross-border-transfers", API_CB | API_OP, risk_handle_xborder_transfer, &risk_xborder_schema,
		 "book a cross-border transfer with its counterparty name screened (http_xborder.c)"),
	API_POST("/v1/risk/declarations", API_CB | API_AD | API_OP | API_CO, risk_handle_declare, &risk_declare_schema,
		 "declare an account's expected cross-border volume per month"),
	API_GET("/v1/risk/declarations/{account}", RISK_READERS | API_OP, risk_handle_declare_get,
		"an account's declared monthly cross-border volume"),
	API_POST("/v1/risk/purge", API_CB | API_RG | API_AD, handle_purge, &purge_schema,
		 "purge alerts and refusals older than the retention period"),
};

const struct api_route_table risk_route_table = { "risk", risk_routes, sizeof risk_routes / sizeof risk_routes[0] };
