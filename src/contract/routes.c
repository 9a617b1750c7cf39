/*
 * routes.c — HTTP routes of the contract domain: register templates, create
 * contracts from them, post events (deliver, confirm, cancel, condition),
 * subsidy grants and spending, merchant insolvency, and the contract query
 * (terms, state, every event, the money it moved).
 *
 * Like src/currency/routes.c: JSON -> one command -> engine -> the record
 * as applied, or a problem with the command's stable result name. Who may
 * post which event is decided in the engine by party ids; the route table
 * decides which roles may call.
 * Scope (as for wallets, src/currency/routes.c): operators act on wallets of
 * their tenant, merchants on wallets they own. A contract is seen by whoever
 * sees its payer or payee wallet (or is its condition party); creating one
 * needs the paying wallet in scope, an event its party's wallet (a
 * conditional's party that is not a wallet: a merchant whose owner id it
 * is, or an operator that sees the contract), a grant the issuer's wallet,
 * a spend the grant holder's wallet, an insolvency the merchant's wallet.
 * Out of scope: a contract answers 404 as if absent; a wallet named in a
 * body answers out_of_scope.
 */
#include "currency/routes.h"
#include "api/api.h"
#include "api/codec.h"
#include "contract/contract.h"
#include "core/assert.h"
#include "currency/currency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CNY_CODE 0x594e43u

static const struct contract_state *k_of(const struct api_request *r)
{
	return contract_state_get(sz_engine_state(r->server->engine));
}

static const struct currency_state *cur_of(const struct api_request *r)
{
	return currency_state_get(sz_engine_state(r->server->engine));
}

/* May the caller act on wallet id? Unknown wallets pass (the engine answers
 * wallet_not_found). */
static bool wallet_ok(const struct api_request *r, sz_id id)
{
	const struct currency_wallet *w = currency_wallet_find(cur_of(r), id);
	if (w == NULL)
		return true;
	switch (r->principal.role) {
	case API_ROLE_OPERATOR: return r->principal.tenant_id == w->tenant_id;
	case API_ROLE_MERCHANT:
		return r->principal.tenant_id == w->tenant_id && sz_id_eq(r->principal.owner_id, w->owner_id);
	}
	return true;
}

static bool wallet_in_scope(const struct api_request *r, sz_id id)
{
	return currency_wallet_find(cur_of(r), id) != NULL && wallet_ok(r, id);
}

static bool contract_visible(const struct api_request *r, const struct contract *c)
{
	if (r->principal.role != API_ROLE_OPERATOR && r->principal.role != API_ROLE_MERCHANT)
		return true;
	if (wallet_in_scope(r, c->payer_id) || (!sz_id_is_zero(c->payee_id) && wallet_in_scope(r, c->payee_id)))
		return true;
	return r->principal.role == API_ROLE_MERCHANT && !sz_id_is_zero(c->party_id) &&
	       sz_id_eq(c->party_id, r->principal.owner_id);
}

static bool wallet_scope_answer(struct api_request *r, sz_id id, const char *field)
{
	if (wallet_ok(r, id))
		return true;
	api_problem(r, "out_of_scope", "'%s' names a wallet the caller may not act on", field);
	return false;
}

static bool get_amount_key(struct api_request *r, json_t *o, const char *key, bool required, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	*out = 0;
	if (v == NULL) {
		if (required)
			api_problem(r, "field_missing", "'%s' is required", key);
		return !required;
	}
	if (!json_is_string(v) || sz_amount_parse(json_string_value(v), json_string_length(v), 2, out)) {
		api_problem(r, "amount_invalid", "'%s' must be a decimal string, e.g. \"12.34\"", key);
		return false;
	}
	return true;
}

static json_t *amount_json(uint64_t fen) { return api_json_amount_string(fen, CNY_CODE); }

static json_t *contract_json(const struct api_request *r, const struct contract *c)
{
	const struct contract_state *k = k_of(r);
	json_t *o = json_object(), *terms = json_object(), *money = json_object(), *events = json_array();
	json_object_set_new(o, "id", api_json_string_id(c->id));
	json_object_set_new(o, "kind", json_string(contract_kind_name(c->kind)));
	json_object_set_new(o, "status", json_string(contract_status_name(c->status)));
	json_object_set_new(terms, "template_id", api_json_string_id(c->template_id));
	json_object_set_new(terms, "payer_wallet_id", api_json_string_id(c->payer_id));
	if (!sz_id_is_zero(c->payee_id))
		json_object_set_new(terms, "payee_wallet_id", api_json_string_id(c->payee_id));
	if (!sz_id_is_zero(c->party_id))
		json_object_set_new(terms, "condition_party_id", api_json_string_id(c->party_id));
	json_object_set_new(terms, c->kind == CONTRACT_KIND_ESCROW ? "session_amount" : "amount", amount_json(c->amount_fen));
	if (c->kind == CONTRACT_KIND_ESCROW) {
		json_object_set_new(terms, "sessions", json_integer(c->sessions));
		json_object_set_new(o, "delivered", json_integer(c->delivered));
		json_object_set_new(o, "released", json_integer(c->released));
	}
	if (c->deadline_ns)
		json_object_set_new(terms, c->kind == CONTRACT_KIND_SUBSIDY ? "expires_at_ns" : "deadline_ns",
				    api_json_string_u64(c->deadline_ns));
	if (c->kind == CONTRACT_KIND_CONDITIONAL)
		json_object_set_new(terms, "condition_code", json_integer(c->condition_code));
	json_object_set_new(terms, "account_id", api_json_string_id(c->account_id));
	json_object_set_new(o, "terms", terms);
	json_object_set_new(money, "funded", amount_json(c->funded_fen));
	json_object_set_new(money, "paid", amount_json(c->paid_fen));
	json_object_set_new(money, "refunded", amount_json(c->refunded_fen));
	if (c->kind == CONTRACT_KIND_SUBSIDY)
		json_object_set_new(money, "granted", amount_json(c->granted_fen));
	const sz_account *a = ledger_account_get(sz_ledger_const(sz_engine_state(r->server->engine)), c->account_id);
	json_object_set_new(money, "held", amount_json(a ? currency_account_balance(a) : 0));
	json_object_set_new(o, "money", money);
	uint32_t link = c->event_head;
	for (const struct contract_event *e; (e = contract_event_next(k, &link)) != NULL;) {
		json_t *ev = json_object();
		json_object_set_new(ev, "type", json_string(contract_event_name(e->kind)));
		json_object_set_new(ev, "timestamp_ns", api_json_string_u64(e->timestamp_ns));
		if (e->amount_fen)
			json_object_set_new(ev, "amount", amount_json(e->amount_fen));
		if (!sz_id_is_zero(e->command_id))
			json_object_set_new(ev, "command_id", api_json_string_id(e->command_id));
		if (!sz_id_is_zero(e->party_id))
			json_object_set_new(ev, "party_id", api_json_string_id(e->party_id));
		if (e->kind == CONTRACT_EV_STEP_FAILED)
			json_object_set_new(ev, "reason", json_string(sz_result_name(e->aux)));
		else if (e->aux)
			json_object_set_new(ev, "detail", json_integer(e->aux));
		json_array_insert_new(events, 0, ev); /* oldest first */
	}
	json_object_set_new(o, "events", events);
	return o;
}

struct pending {
	sz_id contract_id;
};

static void submit(struct api_request *r, uint16_t kind, const void *body, uint32_t size, sz_id contract_id,
		   api_done_fn done)
{
	uint64_t buf[SZ_COMMAND_SIZE_MAX / 8];
	sz_command_header h = { .size = (uint32_t)sizeof h + size, .kind = kind };
	SZ_ASSERT(h.size <= sizeof buf && h.size % 8 == 0);
	memcpy(buf, &h, sizeof h);
	memcpy((uint8_t *)buf + sizeof h, body, size);
	struct pending *p = calloc(1, sizeof *p);
	SZ_ASSERT(p != NULL);
	p->contract_id = contract_id;
	free(r->extra);
	r->extra = p;
	api_submit(r, buf, h.size, 1, done);
}

static void contract_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK && results[0] != SZ_R_EXISTS) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	const struct pending *p = r->extra;
	if (sz_id_is_zero(p->contract_id)) {
		json_t *doc = json_object();
		json_object_set_new(doc, "result", json_string(sz_result_name(results[0])));
		api_reply_json(r, api_result_status(results[0]), doc);
		return;
	}
	const struct contract *c = contract_find(k_of(r), p->contract_id);
	SZ_ASSERT(c != NULL);
	char id[SZ_ID_TEXT_SIZE];
	sz_id_format(c->id, id);
	snprintf(r->location, sizeof r->location, "/v1/contracts/%s", id);
	api_reply_json(r, api_result_status(results[0]), contract_json(r, c));
}

static void template_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK && results[0] != SZ_R_EXISTS) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "result", json_string(sz_result_name(results[0])));
	api_reply_json(r, api_result_status(results[0]), doc);
}

static int kind_parse(const char *text)
{
	for (int k = CONTRACT_KIND_ESCROW; k <= CONTRACT_KIND_CONDITIONAL && text != NULL; k++)
		if (strcmp(text, contract_kind_name((uint16_t)k)) == 0)
			return k;
	return -1;
}

/* POST /v1/contract-templates */
void contract_handle_template_create(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "kind", "name", "auto_confirm_s", "max_sessions", "max_duration_s",
					    "condition_code", "mcc" };
	struct contract_template_cmd c;
	memset(&c, 0, sizeof c);
	uint64_t v[4] = { 0 };
	int kind = kind_parse(json_string_value(json_object_get(doc, "kind")));
	json_t *mcc = json_object_get(doc, "mcc");
	const char *name = json_string_value(json_object_get(doc, "name"));
	bool ok = api_keys_known(r, doc, keys, 8) && api_get_id(r, doc, "id", true, &c.id) &&
		  api_get_u64(r, doc, "auto_confirm_s", UINT32_MAX, 0, &v[0]) &&
		  api_get_u64(r, doc, "max_sessions", UINT32_MAX, 0, &v[1]) &&
		  api_get_u64(r, doc, "max_duration_s", UINT32_MAX, 0, &v[2]) &&
		  api_get_u64(r, doc, "condition_code", UINT32_MAX, 0, &v[3]);
	if (ok && kind < 0) {
		api_problem(r, "field_invalid", "'kind' must be prepaid_escrow, subsidy or conditional");
		ok = false;
	}
	if (ok && mcc != NULL && (!json_is_array(mcc) || json_array_size(mcc) > CONTRACT_MCC_COUNT_MAX)) {
		api_problem(r, "field_invalid", "'mcc' must be an array of at most %u codes", CONTRACT_MCC_COUNT_MAX);
		ok = false;
	}
	for (size_t i = 0; ok && mcc != NULL && i < json_array_size(mcc); i++) {
		json_t *m = json_array_get(mcc, i);
		if (!json_is_integer(m) || json_integer_value(m) < 1 || json_integer_value(m) > 9999) {
			api_problem(r, "field_invalid", "'mcc' codes are 1 to 9999");
			ok = false;
		} else
			c.mcc[i] = (uint16_t)json_integer_value(m);
	}
	if (ok) {
		c.kind = (uint16_t)kind;
		c.mcc_count = mcc ? (uint16_t)json_array_size(mcc) : 0;
		c.auto_confirm_s = (uint32_t)v[0];
		c.max_sessions = (uint32_t)v[1];
		c.max_duration_s = (uint32_t)v[2];
		c.condition_code = (uint32_t)v[3];
		if (name)
			strncpy(c.name, name, sizeof c.name - 1);
	}
	json_decref(doc);
	if (ok)
		submit(r, CONTRACT_CMD_TEMPLATE_REGISTER, &c, sizeof c, sz_id_make(0, 0), template_done);
}

/* POST /v1/contracts {"kind", "id", "template_id", ...} */
void contract_handle_create(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "kind", "id", "template_id", "consumer_wallet_id", "merchant_wallet_id",
					    "session_amount", "sessions", "issuer_wallet_id", "budget", "expires_at_ns",
					    "payer_wallet_id", "payee_wallet_id", "condition_party_id", "amount",
					    "deadline_ns", "condition_code" };
	int kind = kind_parse(json_string_value(json_object_get(doc, "kind")));
	sz_id id, tmpl;
	bool ok = api_keys_known(r, doc, keys, 16) && api_get_id(r, doc, "id", true, &id) && api_get_id(r, doc, "template_id", true, &tmpl);
	if (ok && kind < 0) {
		api_problem(r, "field_invalid", "'kind' must be prepaid_escrow, subsidy or conditional");
		ok = false;
	}
	uint64_t n = 0, t = 0;
	if (ok && kind == CONTRACT_KIND_ESCROW) {
		struct contract_escrow_cmd c;
		memset(&c, 0, sizeof c);
		ok = api_get_id(r, doc, "consumer_wallet_id", true, &c.consumer_wallet_id) &&
		     api_get_id(r, doc, "merchant_wallet_id", true, &c.merchant_wallet_id) &&
		     get_amount_key(r, doc, "session_amount", true, &c.session_fen) &&
		     api_get_u64(r, doc, "sessions", UINT32_MAX, 0, &n);
		c.id = id;
		c.template_id = tmpl;
		c.sessions = (uint32_t)n;
		if (ok && wallet_scope_answer(r, c.consumer_wallet_id, "consumer_wallet_id"))
			submit(r, CONTRACT_CMD_ESCROW_CREATE, &c, sizeof c, id, contract_done);
	} else if (ok && kind == CONTRACT_KIND_SUBSIDY) {
		struct contract_subsidy_cmd c;
		memset(&c, 0, sizeof c);
		ok = api_get_id(r, doc, "issuer_wallet_id", true, &c.issuer_wallet_id) &&
		     get_amount_key(r, doc, "budget", true, &c.budget_fen) &&
		     api_get_u64(r, doc, "expires_at_ns", UINT64_MAX, 0, &c.expires_at_ns);
		c.id = id;
		c.template_id = tmpl;
		if (ok && wallet_scope_answer(r, c.issuer_wallet_id, "issuer_wallet_id"))
			submit(r, CONTRACT_CMD_SUBSIDY_CREATE, &c, sizeof c, id, contract_done);
	} else if (ok) {
		struct contract_conditional_cmd c;
		memset(&c, 0, sizeof c);
		ok = api_get_id(r, doc, "payer_wallet_id", true, &c.payer_wallet_id) &&
		     api_get_id(r, doc, "payee_wallet_id", true, &c.payee_wallet_id) &&
		     api_get_id(r, doc, "condition_party_id", true, &c.condition_party_id) &&
		     get_amount_key(r, doc, "amount", true, &c.amount) &&
		     api_get_u64(r, doc, "deadline_ns", UINT64_MAX, 0, &c.deadline_ns) &&
		     api_get_u64(r, doc, "condition_code", UINT32_MAX, 0, &t);
		c.id = id;
		c.template_id = tmpl;
		c.condition_code = (uint32_t)t;
		if (ok && wallet_scope_answer(r, c.payer_wallet_id, "payer_wallet_id"))
			submit(r, CONTRACT_CMD_CONDITIONAL_CREATE, &c, sizeof c, id, contract_done);
	}
	json_decref(doc);
}

static bool path_contract(struct api_request *r, sz_id *out)
{
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), out, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return false;
	}
	return true;
}

/* The contract of the path if the caller sees it; NULL (and not answered)
 * if there is none, so the engine answers contract_not_found; NULL and
 * answered 404 if it is out of scope. */
static const struct contract *path_contract_scoped(struct api_request *r, sz_id id, bool *answered)
{
	const struct contract *c = contract_find(k_of(r), id);
	*answered = false;
	if (c != NULL && !contract_visible(r, c)) {
		api_problem(r, "not_found", "no contract %s", api_param(r, 0));
		*answered = true;
		return NULL;
	}
	return c;
}

void contract_handle_get(struct api_request *r)
{
	sz_id id;
	if (!path_contract(r, &id))
		return;
	const struct contract *c = contract_find(k_of(r), id);
	if (c == NULL || !contract_visible(r, c)) {
		api_problem(r, "not_found", "no contract %s", api_param(r, 0));
		return;
	}
	api_reply_json(r, 200, contract_json(r, c));
}

/* POST /v1/contracts/{id}/events {"id","type":"deliver|confirm|cancel|condition","party_id"[,"code"]} */
void contract_handle_event(struct api_request *r)
{
	sz_id contract;
	if (!path_contract(r, &contract))
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "type", "party_id", "code" };
	static const struct { const char *name; uint16_t kind; } types[] = {
		{ "deliver", CONTRACT_CMD_SESSION_DELIVER }, { "confirm", CONTRACT_CMD_SESSION_CONFIRM },
		{ "cancel", CONTRACT_CMD_CANCEL }, { "condition", CONTRACT_CMD_CONDITION_POST },
	};
	struct contract_event_cmd c;
	memset(&c, 0, sizeof c);
	uint64_t code = 0;
	uint16_t kind = 0;
	const char *type = json_string_value(json_object_get(doc, "type"));
	for (size_t i = 0; type != NULL && i < 4; i++)
		if (strcmp(type, types[i].name) == 0)
			kind = types[i].kind;
	bool ok = api_keys_known(r, doc, keys, 4) && api_get_id(r, doc, "id", true, &c.id) &&
		  api_get_id(r, doc, "party_id", true, &c.party_id) && api_get_u64(r, doc, "code", UINT32_MAX, 0, &code);
	if (ok && kind == 0) {
		api_problem(r, "field_invalid", "'type' must be deliver, confirm, cancel or condition");
		ok = false;
	}
	c.contract_id = contract;
	c.code = (uint32_t)code;
	json_decref(doc);
	if (!ok)
		return;
	bool answered;
	const struct contract *k = path_contract_scoped(r, contract, &answered);
	if (answered)
		return;
	/* The party acts: its wallet must be the caller's to act on. A party
	 * that is no wallet (a conditional's party): its own merchant token, or
	 * an operator that sees the contract. */
	bool party_wallet = currency_wallet_find(cur_of(r), c.party_id) != NULL;
	if (party_wallet ? !wallet_ok(r, c.party_id)
			 : (r->principal.role == API_ROLE_MERCHANT && !sz_id_eq(r->principal.owner_id, c.party_id)) ||
				   (k != NULL && !contract_visible(r, k) && r->principal.role == API_ROLE_OPERATOR)) {
		api_problem(r, "out_of_scope", "the caller may not act for party %s", "party_id");
		return;
	}
	submit(r, kind, &c, sizeof c, contract, contract_done);
}

/* POST /v1/contracts/{id}/grants {"id","wallet_id","amount"} */
void contract_handle_grant(struct api_request *r)
{
	sz_id contract;
	if (!path_contract(r, &contract))
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "wallet_id", "amount" };
	struct contract_grant_cmd c;
	memset(&c, 0, sizeof c);
	bool ok = api_keys_known(r, doc, keys, 3) && api_get_id(r, doc, "id", true, &c.id) &&
		  api_get_id(r, doc, "wallet_id", true, &c.wallet_id) && get_amount_key(r, doc, "amount", true, &c.amount);
	c.contract_id = contract;
	json_decref(doc);
	if (!ok)
		return;
	bool answered;
	const struct contract *k = path_contract_scoped(r, contract, &answered);
	if (answered)
		return;
	if (k != NULL && !wallet_ok(r, k->payer_id)) { /* the issuer grants */
		api_problem(r, "not_found", "no contract %s", api_param(r, 0));
		return;
	}
	submit(r, CONTRACT_CMD_SUBSIDY_GRANT, &c, sizeof c, contract, contract_done);
}

/* POST /v1/contracts/{id}/spend {"id","wallet_id","payee_id","amount"[,"mcc","to_bank"]} */
void contract_handle_spend(struct api_request *r)
{
	sz_id contract;
	if (!path_contract(r, &contract))
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "wallet_id", "payee_id", "amount", "mcc", "to_bank" };
	struct contract_spend_cmd c;
	memset(&c, 0, sizeof c);
	uint64_t mcc = 0;
	bool ok = api_keys_known(r, doc, keys, 6) && api_get_id(r, doc, "id", true, &c.id) &&
		  api_get_id(r, doc, "wallet_id", true, &c.wallet_id) && api_get_id(r, doc, "payee_id", false, &c.payee_id) &&
		  get_amount_key(r, doc, "amount", true, &c.amount) && api_get_u64(r, doc, "mcc", 9999, 0, &mcc);
	c.contract_id = contract;
	c.mcc = (uint16_t)mcc;
	c.flags = json_is_true(json_object_get(doc, "to_bank")) ? CONTRACT_SPEND_TO_BANK : 0;
	json_decref(doc);
	if (ok && wallet_scope_answer(r, c.wallet_id, "wallet_id")) /* the grant holder spends */
		submit(r, CONTRACT_CMD_SUBSIDY_SPEND, &c, sizeof c, contract, contract_done);
}

/* POST /v1/merchants/{id}/insolvency {"id"}: every active escrow of the
 * merchant's wallet refunds its remainder. */
void contract_handle_insolvency(struct api_request *r)
{
	sz_id merchant;
	if (!path_contract(r, &merchant))
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id" };
	struct contract_event_cmd c;
	memset(&c, 0, sizeof c);
	bool ok = api_keys_known(r, doc, keys, 1) && api_get_id(r, doc, "id", true, &c.id);
	c.party_id = merchant;
	json_decref(doc);
	if (ok && wallet_scope_answer(r, merchant, "merchant"))
		submit(r, CONTRACT_CMD_MERCHANT_INSOLVENT, &c, sizeof c, sz_id_make(0, 0), contract_done);
}
