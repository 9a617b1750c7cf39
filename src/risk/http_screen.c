/*
 * http_screen.c — POST /v1/risk/screen: one name screened against the watch
 * list, in the adapter (never in apply: screening calls ICU).
 *
 * Owns: the route's request and answer. The server's watch list, variant
 * table and ICU normaliser are screen_submit.h's (http_screen_submit.c),
 * shared with the registration adapters. The answer names the
 * list and its version, the threshold, and every hit at or above it with
 * its per-mille score, best first. With "subject" (the ledger account or
 * wallet whose holder the name is) and a hit, the result also enters the log
 * as RISK_CMD_SCREEN_HIT — integers and names only — which opens a
 * screening alert (risk.h); the answer then carries its number ("alert").
 * Registrations and cross-border transfers screen in C instead, in their own
 * submission (screen_submit.h).
 *
 * Where the watch list is found: http_screen_submit.c.
 */
#include "risk/http_internal.h"
#include "risk/screen.h"
#include "risk/screen_submit.h"
#include "api/api.h"
#include "api/codec.h"
#include "ledger/ledger.h"
#include "api/schema.h"
#include "core/assert.h"
#include "core/errors.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCREEN_HIT_REPLY_MAX 20u

struct screen_in {
	char name[SCREEN_NAME_SIZE];
	uint64_t threshold;
	sz_id subject_id;
	sz_id event_id;
};

static const struct api_field screen_fields[] = {
	{ .name = "name", .type = API_T_STRING, .flags = API_F_REQUIRED, .offset = offsetof(struct screen_in, name),
	  .size = SCREEN_NAME_SIZE },
	{ .name = "threshold", .type = API_T_UINT, .offset = offsetof(struct screen_in, threshold), .size = 8,
	  .umin = 1, .umax = SCREEN_SCORE_MAX, .dflt = SCREEN_THRESHOLD_DEFAULT },
	{ .name = "subject", .type = API_T_ID, .offset = offsetof(struct screen_in, subject_id) },
	{ .name = "event", .type = API_T_ID, .offset = offsetof(struct screen_in, event_id) },
};
const struct api_schema risk_screen_schema = API_SCHEMA("risk_screen", screen_fields, struct screen_in);

static json_t *hits_json(const struct screen_list *list, const struct screen_hit *hits, uint32_t count)
{
	json_t *arr = json_array();
	for (uint32_t i = 0; i < count; i++) {
		const struct screen_entry *e = &list->entries[hits[i].entry_index];
		char kind[2] = { e->kind, '\0' };
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i}", "id", e->id, "kind", kind, "name", e->name,
						     "score", (json_int_t)hits[i].score));
	}
	return arr;
}

/* The answer waits for the command: kept with the request (r->extra). */
struct screen_pending {
	sz_command_header header;
	struct risk_screen_cmd cmd;
	char doc[4096];                /* the answer so far, as JSON text */
};

static void screen_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	const struct screen_pending *p = r->extra;
	SZ_ASSERT(p != NULL);
	if (results[0] != SZ_R_OK) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	json_t *doc = json_loads(p->doc, 0, NULL);
	const struct risk_state *st = risk_state_get(sz_engine_state(r->server->engine));
	json_t *alert = json_null();
	for (uint32_t i = risk_alert_count(st); i > 0; i--) { /* ours is among the newest */
		const struct risk_alert *a = risk_alert_at(st, i - 1);
		if (a->typology_id == RISK_TYPOLOGY_SCREENING && a->ruleset_version == 0 &&
		    sz_id_eq(a->payer_id, p->cmd.subject_id) && sz_id_eq(a->transfer_id, p->cmd.event_id)) {
			json_decref(alert);
			alert = api_json_string_u64(a->alert_no);
			break;
		}
	}
	json_object_set_new(doc, "alert", alert);
	api_reply_json(r, 200, doc);
}

/* With a subject and a hit: submit the result; true if submitted (or answered). */
static bool screen_record(struct api_request *r, const struct screen_in *in, const struct screen_hit *best,
			  json_t *doc)
{
	const struct sz_state *s = sz_engine_state(r->server->engine);
	enum api_role role = r->principal.role;
	if (role == API_ROLE_AUDITOR || role == API_ROLE_ADMIN || role == API_ROLE_REGULATOR) {
		json_decref(doc);
		api_problem(r, "forbidden", "this role reads screening results but does not record them (no subject)");
		return true;
	}
	const sz_account *acc = ledger_account_get(sz_ledger_const(s), in->subject_id);
	bool scoped = role == API_ROLE_OPERATOR || role == API_ROLE_RISK_ANALYST || role == API_ROLE_COMPLIANCE_OFFICER;
	if (acc != NULL && scoped && acc->tenant_id != r->principal.tenant_id)
		acc = NULL; /* another tenant's account is not there for this caller */
	if (acc == NULL) {
		json_decref(doc);
		api_problem(r, "not_found", "no account %s to screen", "given as subject");
		return true;
	}
	struct screen_pending *p = calloc(1, sizeof *p);
	char *text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (p == NULL || text == NULL || strlen(text) >= sizeof p->doc) {
		free(p);
		free(text);
		api_problem(r, "internal", "no memory for the screening answer");
		return true;
	}
	const struct screen_list *list = risk_screen_server_list(NULL, NULL);
	SZ_ASSERT(list != NULL);
	const struct screen_entry *e = &list->entries[best->entry_index];
	p->header = (sz_command_header){ .size = sizeof p->header + sizeof p->cmd, .kind = RISK_CMD_SCREEN_HIT };
	p->cmd = (struct risk_screen_cmd){ .subject_id = in->subject_id, .event_id = in->event_id,
					   .tenant_id = acc->tenant_id, .score = best->score,
					   .threshold = (uint32_t)in->threshold, .list_version = list->version,
					   .currency = acc->currency };
	snprintf(p->cmd.list_name, sizeof p->cmd.list_name, "%s", list->list_name);
	snprintf(p->cmd.entry_id, sizeof p->cmd.entry_id, "%s", e->id);
	snprintf(p->doc, sizeof p->doc, "%s", text);
	free(text);
	free(r->extra);
	r->extra = p;
	api_submit(r, &p->header, p->header.size, 1, screen_done);
	return true;
}

void risk_handle_screen(struct api_request *r)
{
	const struct screen_in *in = r->in;
	const char *why = NULL;
	const struct screen_list *list = risk_screen_server_list(NULL, &why);
	if (list == NULL) {
		api_problem_custom(r, 503, "risk_watchlist_unavailable", "No watch list is loaded", why);
		return;
	}
	char key[SCREEN_KEY_SIZE];
	struct screen_hit hits[SCREEN_HIT_REPLY_MAX];
	uint32_t n = 0;
	int rc = risk_screen_server_match(in->name, (uint32_t)in->threshold, key, hits, SCREEN_HIT_REPLY_MAX, &n);
	if (rc != 0) {
		api_problem(r, "field_invalid", "name: %s", rc == SZ_ELIMIT ? "too long once normalised" : "not UTF-8 text");
		return;
	}
	json_t *doc = json_pack("{s:s, s:s, s:s, s:i, s:i, s:o}", "name", in->name, "key", key, "list",
				list->list_name, "list_version", (json_int_t)list->version,
				"threshold", (json_int_t)in->threshold, "hits", hits_json(list, hits, n));
	if (!sz_id_is_zero(in->subject_id) && n > 0 && screen_record(r, in, &hits[0], doc))
		return;
	api_reply_json(r, 200, doc);
}
