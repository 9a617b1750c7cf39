/*
 * http_declare.c — POST /v1/risk/declarations and GET
 * /v1/risk/declarations/{account}: an account's declared cross-border
 * volume per calendar month (China Standard Time), which the rule feature
 * "cross_border_declared_bp" compares the month's cross-border flow with
 * (docs/risk.md, "Declared cross-border business").
 *
 * Owns: the body's schema and its checks before RISK_CMD_DECLARE enters the
 * log: the account exists, is the caller's to declare, and the currency is
 * the account's. Body: {"account", "currency", "monthly_volume"} with
 * monthly_volume a decimal string in that currency ("0" withdraws it).
 * Roles: central bank and admins for any account; an operator for accounts
 * it may debit; a compliance officer for accounts of its tenant.
 */
#include "risk/ext.h"
#include "risk/http_internal.h"
#include "api/api.h"
#include "api/codec.h"
#include "api/schema.h"
#include "ledger/ledger.h"
#include "core/assert.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct declare_in {
	sz_id account_id;
	uint32_t currency;
	uint64_t monthly_minor;
};

static const struct api_field declare_fields[] = {
	{ .name = "account", .type = API_T_ID, .flags = API_F_REQUIRED, .offset = offsetof(struct declare_in, account_id) },
	{ .name = "currency", .type = API_T_CURRENCY, .flags = API_F_REQUIRED,
	  .offset = offsetof(struct declare_in, currency) },
	{ .name = "monthly_volume", .type = API_T_AMOUNT, .flags = API_F_REQUIRED,
	  .offset = offsetof(struct declare_in, monthly_minor), .currency_key = "currency" },
};
const struct api_schema risk_declare_schema = API_SCHEMA("risk_declaration", declare_fields, struct declare_in);

static json_t *declaration_json(const struct risk_state *st, sz_id account_id)
{
	char id[SZ_ID_TEXT_SIZE];
	sz_id_format(account_id, id);
	const struct risk_account_ext *e = risk_ext_find(st, account_id);
	json_t *doc = json_pack("{s:s}", "account", id);
	if (e == NULL || e->declared_month_minor == 0) {
		json_object_set_new(doc, "monthly_volume", json_null());
		return doc;
	}
	char code[4];
	sz_currency_format(e->declared_currency, code);
	json_object_set_new(doc, "currency", json_string(code));
	json_object_set_new(doc, "monthly_volume", api_json_amount_string(e->declared_month_minor, e->declared_currency));
	json_object_set_new(doc, "monthly_volume_minor", api_json_string_u64(e->declared_month_minor));
	return doc;
}

static void declare_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	const struct risk_declare_cmd *c = api_submitted_body(r);
	api_reply_json(r, 200, declaration_json(risk_state_get(sz_engine_state(r->server->engine)), c->account_id));
}

/* The account if the caller may declare for it; otherwise answers, NULL. */
static const sz_account *declare_scope(struct api_request *r, sz_id account_id)
{
	const struct ledger *l = sz_ledger_const(sz_engine_state(r->server->engine));
	const sz_account *a = ledger_account_get(l, account_id);
	if (a == NULL) {
		api_problem(r, "not_found", "no such account");
		return NULL;
	}
	uint64_t tenant = risk_principal_tenant(&r->principal);
	bool ok = r->principal.role == API_ROLE_OPERATOR ? api_scope_can_debit(&r->principal, a)
							 : tenant == 0 || tenant == a->tenant_id;
	if (!ok) {
		api_problem(r, "out_of_scope", "the account belongs to another tenant or owner");
		return NULL;
	}
	return a;
}

void risk_handle_declare(struct api_request *r)
{
	const struct declare_in *in = r->in;
	SZ_ASSERT(in != NULL);
	const sz_account *a = declare_scope(r, in->account_id);
	if (a == NULL)
		return;
	if (a->currency != in->currency) {
		api_problem_custom(r, 400, "currency_mismatch", "The declaration is not in the account's currency",
				   "the declaration must be in the account's currency");
		return;
	}
	struct risk_declare_cmd c = { .account_id = in->account_id, .tenant_id = a->tenant_id,
				      .monthly_minor = in->monthly_minor, .currency = in->currency };
	api_submit_one(r, RISK_CMD_DECLARE, &c, sizeof c, declare_done);
}

void risk_handle_declare_get(struct api_request *r)
{
	sz_id id;
	if (sz_id_parse(api_param(r, 0), strlen(api_param(r, 0)), &id, 0) != 0) {
		api_problem(r, "id_invalid", "'%s' is not an account id", api_param(r, 0));
		return;
	}
	if (declare_scope(r, id) == NULL)
		return;
	api_reply_json(r, 200, declaration_json(risk_state_get(sz_engine_state(r->server->engine)), id));
}
