/*
 * http.c — the contract domain's HTTP adapter: register templates, create
 * contracts from them, post events (deliver, confirm, cancel, condition),
 * subsidy grants and spending, merchant insolvency, and the contract query
 * (terms, state, every event, the money it moved).
 *
 * Like src/currency/http.c: the route's request schema has the codec
 * (api/schema.h) decode the body into a struct; the handler adds what the
 * path and the caller's scope say, submits one command and answers with
 * the record as applied, or a problem with the command's stable result name. Who may
 * post which event is decided in the engine by party ids; the route table
 * decides which roles may call.
 * Scope (as for wallets, src/currency/http.c): operators act on wallets of
 * their tenant, merchants on wallets they own. A contract is seen by whoever
 * sees its payer or payee wallet (or is its condition party); creating one
 * needs the paying wallet in scope, an event its party's wallet (a
 * conditional's party that is not a wallet: a merchant whose owner id it
 * is, or an operator that sees the contract), a grant the issuer's wallet,
 * a spend the grant holder's wallet, an insolvency the merchant's wallet.
 * Out of scope: a contract answers 404 as if absent; a wallet named in a
 * body answers out_of_scope.
 */
#include "contract/http.h"
#include "api/api.h"
#include "api/codec.h"
#include "api/schema.h"
#include "contract/contract.h"
#include "core/assert.h"
#include "currency/currency.h"
#include "ledger/ledger.h"

#include <stddef.h>
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

static json_t *amount_json(uint64_t fen) { return api_json_amount_string(fen, CNY_CODE); }

static json_t *contract_json(const struct api_request *r, const struct contract *c)
{
	const struct contract_state *k = k_of(r);
	json_t *o = json_object(), *terms = json_object(), *money = json_object(), *events = json_array();
	json_object_set_new(o, "id", api_json_string_id(c->id));
	json_object_set_new(o, "kind", json_string(contract_kind_name(c->kind)));
	json_object_set_new(o, "status", json_string(contract_status_name(c->status)));
	json_object_set_new(terms, "template_id", api_json_string_id(c->template_id));
	json_object_set_new(terms, "template_version", json_integer(c->template_version ? c->template_version : 1));
	json_object_set_new(terms, "payer_wallet_id", api_json_string_id(c->payer_id));
	if (!sz_id_is_zero(c->payee_id))
		json_object_set_new(terms, "payee_wallet_id", api_json_string_id(c->payee_id));
	if (!sz_id_is_zero(c->party_id))
		json_object_set_new(terms, "condition_party_id", api_json_string_id(c->party_id));
	json_object_set_new(terms, c->kind == CONTRACT_KIND_ESCROW ? "session_amount" : "amount", amount_json(c->amount_fen));
	if (c->kind == CONTRACT_KIND_ESCROW) {
		const struct contract_template *t = contract_template_of(k, c);
		if (t->cmd.cooling_off_s != 0)
			json_object_set_new(terms, "cooling_off_until_ns",
					    api_json_string_u64(c->created_ns + (uint64_t)t->cmd.cooling_off_s * 1000000000ull));
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
	if (c->kind == CONTRACT_KIND_ESCROW)
		json_object_set_new(money, "frozen", amount_json(c->frozen_fen));
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

/* Schema field shorthands (api/schema.h); integers take a JSON integer or a
 * decimal string, as these routes always have. */
#define F_ID(name_, type_, member_, flags_) \
	{ .name = (name_), .type = API_T_ID, .flags = (flags_), .offset = offsetof(type_, member_) }
#define F_AMOUNT(name_, type_, member_, flags_)                                                          \
	{ .name = (name_), .type = API_T_AMOUNT, .flags = (flags_), .offset = offsetof(type_, member_), \
	  .currency = CNY_CODE }
#define F_UINT(name_, type_, member_, flags_, max_)                                               \
	{ .name = (name_), .type = API_T_UINT, .flags = (flags_) | API_F_TEXT | API_F_NUMBER,   \
	  .offset = offsetof(type_, member_), .size = sizeof(((type_ *)0)->member_), .umax = (max_) }

/* contract_kind_name() of CONTRACT_KIND_ESCROW, _SUBSIDY, _CONDITIONAL. */
static const char *const kind_names[] = { "prepaid_escrow", "subsidy", "conditional", NULL };

/* ---- templates ------------------------------------------------------------------------------ */

/* POST /v1/contract-templates: the command, and its categories as a list. */
struct template_in {
	struct contract_template_cmd cmd;
	struct api_list mcc; /* uint16_t */
};

static const struct api_field template_mcc_item = {
	.name = "mcc", .type = API_T_UINT, .size = sizeof(uint16_t), .umin = 1, .umax = 9999,
	.invalid = "'%s' codes are 1 to 9999",
};
static const struct api_field template_fields[] = {
	F_ID("id", struct template_in, cmd.id, API_F_REQUIRED),
	F_UINT("auto_confirm_s", struct template_in, cmd.auto_confirm_s, 0, 0),
	F_UINT("cooling_off_s", struct template_in, cmd.cooling_off_s, 0, 0),
	F_UINT("max_sessions", struct template_in, cmd.max_sessions, 0, 0),
	F_UINT("max_duration_s", struct template_in, cmd.max_duration_s, API_F_REQUIRED, 0),
	F_UINT("condition_code", struct template_in, cmd.condition_code, 0, 0),
	{ .name = "kind", .type = API_T_ENUM, .flags = API_F_REQUIRED, .offset = offsetof(struct template_in, cmd.kind),
	  .size = sizeof(uint16_t), .base = CONTRACT_KIND_ESCROW, .names = kind_names },
	{ .name = "mcc", .type = API_T_LIST, .offset = offsetof(struct template_in, mcc), .size = sizeof(uint16_t),
	  .umax = CONTRACT_MCC_COUNT_MAX, .item = &template_mcc_item },
	{ .name = "name", .type = API_T_STRING, .offset = offsetof(struct template_in, cmd.name),
	  .size = sizeof(((struct contract_template_cmd *)0)->name) },
};
static const struct api_schema template_schema = API_SCHEMA("contract_template", template_fields, struct template_in);

static void template_create(struct api_request *r)
{
	struct template_in *in = r->in;
	SZ_ASSERT(in != NULL);
	SZ_ASSERT(in->mcc.count <= CONTRACT_MCC_COUNT_MAX);
	struct contract_template_cmd *c = &in->cmd;
	c->mcc_count = (uint16_t)in->mcc.count;
	for (uint32_t i = 0; i < in->mcc.count; i++)
		c->mcc[i] = ((const uint16_t *)in->mcc.items)[i];
	submit(r, CONTRACT_CMD_TEMPLATE_REGISTER, c, sizeof *c, sz_id_make(0, 0), template_done);
}

/* POST /v1/contract-templates/{id}/versions: "id" (the command's), the
 * template's fields (the template from the path) and "version" (the newest + 1). */
struct template_version_in {
	struct template_in t;
	sz_id id;
	uint32_t version;
};
static const struct api_field template_version_fields[] = {
	F_ID("id", struct template_version_in, id, API_F_REQUIRED),
	F_UINT("version", struct template_version_in, version, API_F_REQUIRED, CONTRACT_TEMPLATE_VERSION_COUNT_MAX),
	F_UINT("auto_confirm_s", struct template_version_in, t.cmd.auto_confirm_s, 0, 0),
	F_UINT("cooling_off_s", struct template_version_in, t.cmd.cooling_off_s, 0, 0),
	F_UINT("max_sessions", struct template_version_in, t.cmd.max_sessions, 0, 0),
	F_UINT("max_duration_s", struct template_version_in, t.cmd.max_duration_s, API_F_REQUIRED, 0),
	F_UINT("condition_code", struct template_version_in, t.cmd.condition_code, 0, 0),
	{ .name = "kind", .type = API_T_ENUM, .flags = API_F_REQUIRED, .offset = offsetof(struct template_version_in, t.cmd.kind),
	  .size = sizeof(uint16_t), .base = CONTRACT_KIND_ESCROW, .names = kind_names },
	{ .name = "mcc", .type = API_T_LIST, .offset = offsetof(struct template_version_in, t.mcc), .size = sizeof(uint16_t),
	  .umax = CONTRACT_MCC_COUNT_MAX, .item = &template_mcc_item },
	{ .name = "name", .type = API_T_STRING, .offset = offsetof(struct template_version_in, t.cmd.name),
	  .size = sizeof(((struct contract_template_cmd *)0)->name) },
};
static const struct api_schema template_version_schema =
	API_SCHEMA("contract_template_version", template_version_fields, struct template_version_in);

static void template_version_create(struct api_request *r)
{
	struct template_version_in *in = r->in;
	SZ_ASSERT(in != NULL);
	SZ_ASSERT(in->t.mcc.count <= CONTRACT_MCC_COUNT_MAX);
	const char *text = api_param(r, 0);
	struct contract_template_version_cmd c;
	memset(&c, 0, sizeof c);
	if (sz_id_parse(text, strlen(text), &c.terms.id, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return;
	}
	c.terms.kind = in->t.cmd.kind;
	c.terms.auto_confirm_s = in->t.cmd.auto_confirm_s;
	c.terms.cooling_off_s = in->t.cmd.cooling_off_s;
	c.terms.max_sessions = in->t.cmd.max_sessions;
	c.terms.max_duration_s = in->t.cmd.max_duration_s;
	c.terms.condition_code = in->t.cmd.condition_code;
	memcpy(c.terms.name, in->t.cmd.name, sizeof c.terms.name);
	c.terms.mcc_count = (uint16_t)in->t.mcc.count;
	for (uint32_t i = 0; i < in->t.mcc.count; i++)
		c.terms.mcc[i] = ((const uint16_t *)in->t.mcc.items)[i];
	c.id = in->id;
	c.version = in->version;
	submit(r, CONTRACT_CMD_TEMPLATE_VERSION, &c, sizeof c, sz_id_make(0, 0), template_done);
}

/* ---- contracts ------------------------------------------------------------------------------ */

/* POST /v1/contracts {"kind","id","template_id", and the kind's terms}: one
 * schema for the fields of every kind; which of them a kind takes (and
 * requires) is the table create_terms, checked by the handler. */
enum create_term {
	T_CONSUMER, T_MERCHANT, T_SESSION_AMOUNT, T_SESSIONS, T_ISSUER, T_BUDGET, T_EXPIRES_AT,
	T_PAYER, T_PAYEE, T_PARTY, T_AMOUNT, T_DEADLINE, T_CONDITION_CODE, T_COUNT
};

struct create_in {
	sz_id id;
	sz_id template_id;
	uint16_t kind;
	struct contract_escrow_cmd escrow;
	struct contract_subsidy_cmd subsidy;
	struct contract_conditional_cmd conditional;
	bool given[T_COUNT];
};

/* Terms record that they were given; integers take a JSON integer or a decimal string. */
#define GIVEN(t_) .flags = API_F_PRESENT, .present_offset = offsetof(struct create_in, given[t_])
#define GIVEN_UINT(t_) .flags = API_F_PRESENT | API_F_TEXT | API_F_NUMBER, .present_offset = offsetof(struct create_in, given[t_])
static const struct api_field create_fields[] = {
	F_ID("id", struct create_in, id, API_F_REQUIRED),
	F_ID("template_id", struct create_in, template_id, API_F_REQUIRED),
	{ .name = "kind", .type = API_T_ENUM, .flags = API_F_REQUIRED, .offset = offsetof(struct create_in, kind),
	  .size = sizeof(uint16_t), .base = CONTRACT_KIND_ESCROW, .names = kind_names },
	{ .name = "consumer_wallet_id", .type = API_T_ID, .offset = offsetof(struct create_in, escrow.consumer_wallet_id), GIVEN(T_CONSUMER) },
	{ .name = "merchant_wallet_id", .type = API_T_ID, .offset = offsetof(struct create_in, escrow.merchant_wallet_id), GIVEN(T_MERCHANT) },
	{ .name = "session_amount", .type = API_T_AMOUNT, .offset = offsetof(struct create_in, escrow.session_fen),
	  .currency = CNY_CODE, GIVEN(T_SESSION_AMOUNT) },
	{ .name = "sessions", .type = API_T_UINT, .offset = offsetof(struct create_in, escrow.sessions), .size = sizeof(uint32_t),
	  GIVEN_UINT(T_SESSIONS) },
	{ .name = "issuer_wallet_id", .type = API_T_ID, .offset = offsetof(struct create_in, subsidy.issuer_wallet_id), GIVEN(T_ISSUER) },
	{ .name = "budget", .type = API_T_AMOUNT, .offset = offsetof(struct create_in, subsidy.budget_fen), .currency = CNY_CODE,
	  GIVEN(T_BUDGET) },
	{ .name = "expires_at_ns", .type = API_T_UINT, .offset = offsetof(struct create_in, subsidy.expires_at_ns),
	  .size = sizeof(uint64_t), GIVEN_UINT(T_EXPIRES_AT) },
	{ .name = "payer_wallet_id", .type = API_T_ID, .offset = offsetof(struct create_in, conditional.payer_wallet_id), GIVEN(T_PAYER) },
	{ .name = "payee_wallet_id", .type = API_T_ID, .offset = offsetof(struct create_in, conditional.payee_wallet_id), GIVEN(T_PAYEE) },
	{ .name = "condition_party_id", .type = API_T_ID, .offset = offsetof(struct create_in, conditional.condition_party_id),
	  GIVEN(T_PARTY) },
	{ .name = "amount", .type = API_T_AMOUNT, .offset = offsetof(struct create_in, conditional.amount), .currency = CNY_CODE,
	  GIVEN(T_AMOUNT) },
	{ .name = "deadline_ns", .type = API_T_UINT, .offset = offsetof(struct create_in, conditional.deadline_ns),
	  .size = sizeof(uint64_t), GIVEN_UINT(T_DEADLINE) },
	{ .name = "condition_code", .type = API_T_UINT, .offset = offsetof(struct create_in, conditional.condition_code),
	  .size = sizeof(uint32_t), GIVEN_UINT(T_CONDITION_CODE) },
};
static const struct api_schema create_schema = API_SCHEMA("contract_create", create_fields, struct create_in);

/* Which kind takes each term, and whether it must be given (docs/openapi.yaml
 * ContractCreate: one object per kind, no field of another kind). */
static const struct {
	const char *name;
	uint16_t kind;
	bool required;
} create_terms[T_COUNT] = {
	[T_CONSUMER] = { "consumer_wallet_id", CONTRACT_KIND_ESCROW, true },
	[T_MERCHANT] = { "merchant_wallet_id", CONTRACT_KIND_ESCROW, true },
	[T_SESSION_AMOUNT] = { "session_amount", CONTRACT_KIND_ESCROW, true },
	[T_SESSIONS] = { "sessions", CONTRACT_KIND_ESCROW, true },
	[T_ISSUER] = { "issuer_wallet_id", CONTRACT_KIND_SUBSIDY, true },
	[T_BUDGET] = { "budget", CONTRACT_KIND_SUBSIDY, true },
	[T_EXPIRES_AT] = { "expires_at_ns", CONTRACT_KIND_SUBSIDY, true },
	[T_PAYER] = { "payer_wallet_id", CONTRACT_KIND_CONDITIONAL, true },
	[T_PAYEE] = { "payee_wallet_id", CONTRACT_KIND_CONDITIONAL, true },
	[T_PARTY] = { "condition_party_id", CONTRACT_KIND_CONDITIONAL, true },
	[T_AMOUNT] = { "amount", CONTRACT_KIND_CONDITIONAL, true },
	[T_DEADLINE] = { "deadline_ns", CONTRACT_KIND_CONDITIONAL, true },
	[T_CONDITION_CODE] = { "condition_code", CONTRACT_KIND_CONDITIONAL, false },
};

/* The first term that the kind does not take but was given, or that it
 * requires but is missing, in schema order; answers it. */
static bool create_terms_ok(struct api_request *r, const struct create_in *in)
{
	for (uint32_t t = 0; t < T_COUNT; t++) {
		bool own = create_terms[t].kind == in->kind;
		if (in->given[t] && !own) {
			api_problem(r, "field_unknown", "'%s' is not a field of a %s contract", create_terms[t].name,
				    contract_kind_name(in->kind));
			return false;
		}
		if (!in->given[t] && own && create_terms[t].required) {
			api_problem(r, "field_missing", "'%s' is required for a %s contract", create_terms[t].name,
				    contract_kind_name(in->kind));
			return false;
		}
	}
	return true;
}

static void contract_create(struct api_request *r)
{
	struct create_in *in = r->in;
	SZ_ASSERT(in != NULL);
	SZ_ASSERT(in->kind >= CONTRACT_KIND_ESCROW && in->kind <= CONTRACT_KIND_CONDITIONAL);
	if (!create_terms_ok(r, in))
		return;
	if (in->kind == CONTRACT_KIND_ESCROW) {
		struct contract_escrow_cmd *c = &in->escrow;
		c->id = in->id;
		c->template_id = in->template_id;
		if (wallet_scope_answer(r, c->consumer_wallet_id, "consumer_wallet_id"))
			submit(r, CONTRACT_CMD_ESCROW_CREATE, c, sizeof *c, c->id, contract_done);
	} else if (in->kind == CONTRACT_KIND_SUBSIDY) {
		struct contract_subsidy_cmd *c = &in->subsidy;
		c->id = in->id;
		c->template_id = in->template_id;
		if (wallet_scope_answer(r, c->issuer_wallet_id, "issuer_wallet_id"))
			submit(r, CONTRACT_CMD_SUBSIDY_CREATE, c, sizeof *c, c->id, contract_done);
	} else {
		struct contract_conditional_cmd *c = &in->conditional;
		c->id = in->id;
		c->template_id = in->template_id;
		if (wallet_scope_answer(r, c->payer_wallet_id, "payer_wallet_id"))
			submit(r, CONTRACT_CMD_CONDITIONAL_CREATE, c, sizeof *c, c->id, contract_done);
	}
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

static void contract_get(struct api_request *r)
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

/* GET /v1/wallets/{id}/grants: the subsidy money held for a wallet, which
 * it cannot see in its own balance (the grant accounts are the subsidy's). */
static void wallet_grants(struct api_request *r)
{
	sz_id id;
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), &id, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return;
	}
	if (!wallet_in_scope(r, id)) {
		api_problem(r, "not_found", "no wallet %s", text);
		return;
	}
	const struct contract_state *k = k_of(r);
	const struct ledger *l = sz_ledger_const(sz_engine_state(r->server->engine));
	json_t *list = json_array();
	uint64_t total = 0;
	uint32_t cursor = 0;
	const struct contract *c = NULL;
	for (const struct contract_grant *g; (g = contract_wallet_grant_next(k, id, &cursor, &c)) != NULL;) {
		const sz_account *a = ledger_account_get(l, g->account_id);
		uint64_t left = a ? currency_account_balance(a) : 0;
		total += left;
		json_t *o = json_object();
		json_object_set_new(o, "contract_id", api_json_string_id(c->id));
		json_object_set_new(o, "status", json_string(contract_status_name(c->status)));
		json_object_set_new(o, "expires_at_ns", api_json_string_u64(c->deadline_ns));
		json_object_set_new(o, "account_id", api_json_string_id(g->account_id));
		json_object_set_new(o, "granted", amount_json(g->granted_fen));
		json_object_set_new(o, "spent", amount_json(g->spent_fen));
		json_object_set_new(o, "returned", amount_json(g->returned_fen));
		json_object_set_new(o, "remaining", amount_json(left));
		json_array_append_new(list, o);
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "wallet_id", api_json_string_id(id));
	json_object_set_new(doc, "remaining", amount_json(total));
	json_object_set_new(doc, "grants", list);
	api_reply_json(r, 200, doc);
}

/* POST /v1/contracts/{id}/events {"id","type","party_id"[,"code"]}. */
struct event_in {
	struct contract_event_cmd cmd;
	uint16_t type; /* index into event_kinds */
};

static const char *const event_type_names[] = { "deliver", "confirm", "cancel", "condition", NULL };
static const uint16_t event_kinds[] = { CONTRACT_CMD_SESSION_DELIVER, CONTRACT_CMD_SESSION_CONFIRM, CONTRACT_CMD_CANCEL,
					CONTRACT_CMD_CONDITION_POST };
static const struct api_field event_fields[] = {
	F_ID("id", struct event_in, cmd.id, API_F_REQUIRED),
	F_ID("party_id", struct event_in, cmd.party_id, API_F_REQUIRED),
	F_UINT("code", struct event_in, cmd.code, 0, 0),
	{ .name = "type", .type = API_T_ENUM, .flags = API_F_REQUIRED, .offset = offsetof(struct event_in, type),
	  .size = sizeof(uint16_t), .base = 0, .names = event_type_names },
};
static const struct api_schema event_schema = API_SCHEMA("contract_event", event_fields, struct event_in);

static void contract_event(struct api_request *r)
{
	struct event_in *in = r->in;
	SZ_ASSERT(in != NULL);
	SZ_ASSERT(in->type < sizeof event_kinds / sizeof event_kinds[0]);
	struct contract_event_cmd *c = &in->cmd;
	if (!path_contract(r, &c->contract_id))
		return;
	bool answered;
	const struct contract *k = path_contract_scoped(r, c->contract_id, &answered);
	if (answered)
		return;
	/* The party acts: its wallet must be the caller's to act on. A party
	 * that is no wallet (a conditional's party): its own merchant token, or
	 * an operator that sees the contract. */
	bool party_wallet = currency_wallet_find(cur_of(r), c->party_id) != NULL;
	if (party_wallet ? !wallet_ok(r, c->party_id)
			 : (r->principal.role == API_ROLE_MERCHANT && !sz_id_eq(r->principal.owner_id, c->party_id)) ||
				   (k != NULL && !contract_visible(r, k) && r->principal.role == API_ROLE_OPERATOR)) {
		api_problem(r, "out_of_scope", "the caller may not act for party %s", "party_id");
		return;
	}
	submit(r, event_kinds[in->type], c, sizeof *c, c->contract_id, contract_done);
}

/* POST /v1/contracts/{id}/grants {"id","wallet_id","amount"}: into the command. */
static const struct api_field grant_fields[] = {
	F_ID("id", struct contract_grant_cmd, id, API_F_REQUIRED),
	F_ID("wallet_id", struct contract_grant_cmd, wallet_id, API_F_REQUIRED),
	F_AMOUNT("amount", struct contract_grant_cmd, amount, API_F_REQUIRED),
};
static const struct api_schema grant_schema = API_SCHEMA("contract_grant", grant_fields, struct contract_grant_cmd);

static void contract_grant(struct api_request *r)
{
	struct contract_grant_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	if (!path_contract(r, &c->contract_id))
		return;
	bool answered;
	const struct contract *k = path_contract_scoped(r, c->contract_id, &answered);
	if (answered)
		return;
	if (k != NULL && !wallet_ok(r, k->payer_id)) { /* the issuer grants */
		api_problem(r, "not_found", "no contract %s", api_param(r, 0));
		return;
	}
	submit(r, CONTRACT_CMD_SUBSIDY_GRANT, c, sizeof *c, c->contract_id, contract_done);
}

/* POST /v1/contracts/{id}/spend {"id","wallet_id","amount"[,"payee_id","mcc","to_bank"]}. */
struct spend_in {
	struct contract_spend_cmd cmd;
	bool to_bank;
};

static const struct api_field spend_fields[] = {
	F_ID("id", struct spend_in, cmd.id, API_F_REQUIRED),
	F_ID("wallet_id", struct spend_in, cmd.wallet_id, API_F_REQUIRED),
	F_ID("payee_id", struct spend_in, cmd.payee_id, 0),
	F_AMOUNT("amount", struct spend_in, cmd.amount, API_F_REQUIRED),
	F_UINT("mcc", struct spend_in, cmd.mcc, 0, 9999),
	{ .name = "to_bank", .type = API_T_BOOL, .offset = offsetof(struct spend_in, to_bank) },
};
static const struct api_schema spend_schema = API_SCHEMA("contract_spend", spend_fields, struct spend_in);

static void contract_spend(struct api_request *r)
{
	struct spend_in *in = r->in;
	SZ_ASSERT(in != NULL);
	struct contract_spend_cmd *c = &in->cmd;
	if (!path_contract(r, &c->contract_id))
		return;
	c->flags = in->to_bank ? CONTRACT_SPEND_TO_BANK : 0;
	if (wallet_scope_answer(r, c->wallet_id, "wallet_id")) /* the grant holder spends */
		submit(r, CONTRACT_CMD_SUBSIDY_SPEND, c, sizeof *c, c->contract_id, contract_done);
}

/* POST /v1/merchants/{id}/insolvency {"id"}: every active escrow of the
 * merchant's wallet refunds its remainder. */
static const struct api_field insolvency_fields[] = {
	F_ID("id", struct contract_event_cmd, id, API_F_REQUIRED),
};
static const struct api_schema insolvency_schema =
	API_SCHEMA("merchant_insolvency", insolvency_fields, struct contract_event_cmd);

static void merchant_insolvency(struct api_request *r)
{
	struct contract_event_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	if (!path_contract(r, &c->party_id))
		return;
	if (wallet_scope_answer(r, c->party_id, "merchant"))
		submit(r, CONTRACT_CMD_MERCHANT_INSOLVENT, c, sizeof *c, sz_id_make(0, 0), contract_done);
}

/* ---- the route table ------------------------------------------------------------------------ */


static const struct api_route routes[] = {
	API_POST("/v1/contract-templates", API_CB | API_OP, template_create, &template_schema, "register a programmable-payment template"),
	API_POST("/v1/contract-templates/{id}/versions", API_CB | API_OP, template_version_create, &template_version_schema,
	      "add a version of a template; running contracts keep theirs"),
	API_POST("/v1/contracts", API_OP | API_ME, contract_create, &create_schema,
	     "create an escrow, subsidy or conditional payment from a template"),
	API_GET("/v1/contracts/{id}", API_READERS, contract_get, "a contract: terms, state, events and money moved"),
	API_POST("/v1/contracts/{id}/events", API_OP | API_ME, contract_event, &event_schema, "deliver, confirm, cancel or post a condition"),
	API_POST("/v1/contracts/{id}/grants", API_OP, contract_grant, &grant_schema, "grant subsidy money to a wallet"),
	API_POST("/v1/contracts/{id}/spend", API_OP | API_ME, contract_spend, &spend_schema, "spend granted subsidy money at a merchant"),
	API_GET("/v1/wallets/{id}/grants", API_READERS, wallet_grants, "the subsidy grants held for a wallet and what remains"),
	API_POST("/v1/merchants/{id}/insolvency", API_CB | API_OP, merchant_insolvency, &insolvency_schema,
	     "refund every active escrow of an insolvent merchant"),
};

const struct api_route_table contract_route_table = { "contract", routes, (uint32_t)(sizeof routes / sizeof routes[0]) };
