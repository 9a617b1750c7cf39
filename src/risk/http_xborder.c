/*
 * http_xborder.c — POST /v1/risk/cross-border-transfers: a ledger transfer
 * that leaves or enters the country, with its counterparty's name screened
 * against the watch list in the adapter (never in apply).
 *
 * Owns: what makes a ledger transfer cross-border in szfin — its transfer
 * code lies in the cross-border code range of the rule set in force
 * ("cross_border_codes", the operator's code map; the default set's
 * convention 8000-8099 when no rule set is in force or it names none; the
 * ledger carries a code, not a country) — and the submission of such a
 * transfer together with RISK_CMD_SCREEN_HIT for its counterparty name:
 * one batch, so a hit's screening alert (payer = the debit account, event
 * = the transfer) is durable and applied together with the transfer. A
 * transfer outside the range is refused here (use POST /v1/transfers), so
 * that every transfer this route books is one that was screened.
 *
 * Body: {"transfer": {as POST /v1/transfers}, "counterparty_name": "..."}.
 * Scope as POST /v1/transfers: the caller must be allowed to debit the
 * debit account; accounts a domain holds are refused.
 */
#include "risk/screen_submit.h"
#include "risk/http_internal.h"
#include "api/api.h"
#include "api/codec.h"
#include "api/requests.h"
#include "api/schema.h"
#include "ledger/ledger.h"
#include "core/assert.h"
#include "core/errors.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The default rule set's convention (share/risk/default.json). */
#define XBORDER_CODE_MIN_DEFAULT 8000u
#define XBORDER_CODE_MAX_DEFAULT 8099u

struct xborder_in {
	struct api_transfer_in transfer;
	char counterparty_name[SCREEN_NAME_SIZE];
};

static const struct api_field xborder_fields[] = {
	{ .name = "transfer", .type = API_T_OBJECT, .flags = API_F_REQUIRED, .offset = offsetof(struct xborder_in, transfer),
	  .size = sizeof(struct api_transfer_in), .items = &api_transfer_create_schema },
	{ .name = "counterparty_name", .type = API_T_STRING, .flags = API_F_REQUIRED,
	  .offset = offsetof(struct xborder_in, counterparty_name), .size = SCREEN_NAME_SIZE },
};
const struct api_schema risk_xborder_schema = API_SCHEMA("risk_cross_border_transfer", xborder_fields, struct xborder_in);

struct xborder_batch {
	sz_command_header h0;
	sz_transfer transfer;
	sz_command_header h1;
	struct risk_screen_cmd screen;
};
_Static_assert(offsetof(struct xborder_batch, h1) == sizeof(sz_command_header) + sizeof(sz_transfer),
	       "the two commands are contiguous");
struct xborder_pending {
	struct xborder_batch batch;
	struct risk_screen_outcome outcome;
};

/* The cross-border code range of the rule set in force. */
static void risk_xborder_range(const struct sz_state *s, uint16_t *min, uint16_t *max)
{
	const struct risk_ruleset *rs = risk_ruleset_in_force(risk_state_get(s), s->batch_time_ns);
	*min = XBORDER_CODE_MIN_DEFAULT;
	*max = XBORDER_CODE_MAX_DEFAULT;
	if (rs != NULL && (rs->xborder_code_min != 0 || rs->xborder_code_max != 0)) {
		*min = rs->xborder_code_min;
		*max = rs->xborder_code_max;
	}
}

static void xborder_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count >= 1 && count <= 2);
	const struct xborder_pending *p = r->extra;
	if (results[0] != SZ_R_OK && results[0] != SZ_R_EXISTS) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	if (count == 2 && results[1] != SZ_R_OK) {
		api_problem_result(r, results[1], "the transfer was booked but its screening was refused");
		return;
	}
	const sz_transfer *t = &p->batch.transfer;
	char id[SZ_ID_TEXT_SIZE];
	sz_id_format(t->id, id);
	snprintf(r->location, sizeof r->location, "/v1/transfers/%s", id);
	int status = (t->flags & SZ_TRANSFER_PENDING) ? SZ_STATUS_PENDING : SZ_STATUS_POSTED;
	json_t *doc = api_json_from_transfer(t, status);
	json_object_set_new(doc, "screening", risk_screen_json(&p->outcome, sz_engine_state(r->server->engine),
								 t->debit_account_id, t->id));
	api_reply_json(r, api_result_status(results[0]), doc);
}

/* The debit account if the caller may debit it and no domain holds either
 * side; otherwise answers and returns NULL. */
static const sz_account *xborder_scope(struct api_request *r, const sz_transfer *t)
{
	const struct ledger *l = sz_ledger_const(sz_engine_state(r->server->engine));
	const sz_account *d = ledger_account_get(l, t->debit_account_id);
	if (d == NULL) {
		api_problem_result(r, SZ_R_DEBIT_ACCOUNT_NOT_FOUND, NULL);
		return NULL;
	}
	if (r->principal.role != API_ROLE_CENTRAL_BANK && !api_scope_can_debit(&r->principal, d)) {
		api_problem(r, "out_of_scope", "the debit account belongs to another tenant or owner");
		return NULL;
	}
	const sz_id ids[2] = { t->debit_account_id, t->credit_account_id };
	for (int i = 0; i < 2; i++) {
		const sz_account *a = ledger_account_get(l, ids[i]);
		const char *owner = a != NULL ? api_account_owner(r, a) : NULL;
		if (owner != NULL) {
			api_problem(r, "domain_account", "an account of the transfer is held by the %s domain", owner);
			return NULL;
		}
	}
	return d;
}

void risk_handle_xborder_transfer(struct api_request *r)
{
	const struct xborder_in *in = r->in;
	SZ_ASSERT(in != NULL);
	sz_transfer t = in->transfer.t;
	if (in->transfer.pending)
		t.flags |= SZ_TRANSFER_PENDING;
	const struct sz_state *s = sz_engine_state(r->server->engine);
	uint16_t min = 0, max = 0;
	risk_xborder_range(s, &min, &max);
	if (t.code < min || t.code > max) {
		char detail[160];
		snprintf(detail, sizeof detail, "code %u is not in the cross-border range %u-%u of the rule set in force; "
			 "book it with POST /v1/transfers", t.code, min, max);
		api_problem_custom(r, 400, "risk_not_cross_border", "The transfer is not cross-border", detail);
		return;
	}
	const sz_account *debit = xborder_scope(r, &t);
	if (debit == NULL)
		return;
	struct xborder_pending *p = calloc(1, sizeof *p);
	if (p == NULL) {
		api_problem(r, "internal", "out of memory");
		return;
	}
	struct ledger_slot found;
	bool retry = ledger_transfer_find(sz_ledger_const(s), t.id, &found, NULL) != 0;
	int rc = risk_screen_name(retry ? "" : in->counterparty_name, SCREEN_THRESHOLD_DEFAULT, &p->outcome);
	if (rc != 0) {
		free(p);
		api_problem(r, "field_invalid", "'counterparty_name' %s",
			    rc == SZ_ELIMIT ? "is too long once normalised" : "must be UTF-8 text");
		return;
	}
	if (retry)
		snprintf(p->outcome.detail, sizeof p->outcome.detail, "the transfer exists (screened when it was booked)");
	bool screened = p->outcome.status != RISK_SCREEN_NOT_SCREENED;
	p->batch.h0 = (sz_command_header){ .size = sizeof p->batch.h0 + sizeof t, .kind = SZ_CMD_CREATE_TRANSFER };
	p->batch.transfer = t;
	p->batch.h1 = (sz_command_header){ .size = sizeof p->batch.h1 + sizeof p->batch.screen, .kind = RISK_CMD_SCREEN_HIT };
	if (screened)
		risk_screen_command(&p->outcome, t.debit_account_id, t.id, debit->tenant_id, t.currency, &p->batch.screen);
	free(r->extra);
	r->extra = p;
	api_submit(r, &p->batch, screened ? (uint32_t)sizeof p->batch : p->batch.h0.size, screened ? 2 : 1, xborder_done);
}
