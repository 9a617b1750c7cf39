/*
 * http.c — the currency domain's HTTP adapter: its route table, the helpers
 * its route files share (http_internal.h), operators and issuance, and the
 * limits configuration. Wallets and payments are in http_wallet.c, hard-
 * wallet devices and offline sync in http_device.c.
 *
 * Each write route decodes a JSON body into one currency command (shape and
 * scope only: business rules are the engine's), submits it and answers from
 * the done callback with the record as applied (201 new, 200 idempotent
 * retry) or a problem whose code is the command's stable result name.
 * Scope: an operator acts only on its own tenant's operator, wallets and
 * devices, a merchant only on wallets (and devices of wallets) it owns;
 * others answer 404 as if absent. A payment is seen by whoever sees its
 * payer or payee and refunded by whoever may move the payee's money. A
 * device sync may be uploaded by anyone allowed to call the route (the
 * payee's bank, say): each message is signed by its device, which is what
 * authorises the payment. Amounts travel as decimal strings in yuan
 * ("12.34"), ids as strings.
 */
#include "currency/http.h"
#include "api/codec.h"
#include "core/assert.h"
#include "currency/http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct currency_state *currency_http_state(const struct api_request *r)
{
	return currency_state_get(sz_engine_state(r->server->engine));
}

const struct ledger *currency_http_ledger(const struct api_request *r)
{
	return &sz_engine_state(r->server->engine)->ledger;
}

/* ---- JSON helpers ----------------------------------------------------------------- */

bool currency_http_get_amount(struct api_request *r, json_t *o, bool required, uint64_t *out)
{
	const char *code = NULL;
	char detail[256];
	if (api_json_amount(o, CURRENCY_HTTP_CNY, required, out, &code, detail, sizeof detail) != 0) {
		api_problem(r, code, "%s", detail);
		return false;
	}
	return true;
}

/* A yuan amount field other than "amount" (limits); absent -> 0 = no limit. */
static bool get_yuan(struct api_request *r, json_t *o, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	*out = 0;
	if (v == NULL)
		return true;
	if (!json_is_string(v) || sz_amount_parse(json_string_value(v), json_string_length(v), 2, out)) {
		api_problem(r, "amount_invalid", "'%s' must be a decimal string, e.g. \"2000.00\"", key);
		return false;
	}
	return true;
}

json_t *currency_http_amount_json(uint64_t fen) { return api_json_amount_string(fen, CURRENCY_HTTP_CNY); }

/* Net balance (credits - debits, pending debits included) with a sign. */
static json_t *signed_amount_json(const sz_account *a)
{
	if (a == NULL)
		return currency_http_amount_json(0);
	uint64_t out = a->debits_posted + a->debits_pending;
	if (a->credits_posted >= out)
		return currency_http_amount_json(a->credits_posted - out);
	char text[SZ_AMOUNT_TEXT_SIZE + 1];
	text[0] = '-';
	sz_amount_format(out - a->credits_posted, 2, text + 1);
	return json_string(text);
}

bool currency_http_path_id(struct api_request *r, sz_id *out)
{
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), out, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return false;
	}
	return true;
}

/* Operators act on their own tenant only. */
bool currency_http_in_scope(const struct api_request *r, uint64_t tenant_id)
{
	return r->principal.role != API_ROLE_OPERATOR || r->principal.tenant_id == tenant_id;
}

/* May the caller see (and, on write routes, act on) wallet w? Operators:
 * their tenant's wallets; merchants: wallets they own in their tenant. */
bool currency_http_wallet_in_scope(const struct api_request *r, const struct currency_wallet *w)
{
	if (r->principal.role == API_ROLE_MERCHANT)
		return r->principal.tenant_id == w->tenant_id && sz_id_eq(r->principal.owner_id, w->owner_id);
	return currency_http_in_scope(r, w->tenant_id);
}

void currency_http_submit(struct api_request *r, uint16_t kind, const void *body, uint32_t size, sz_id id, sz_id subject,
		   api_done_fn done)
{
	uint64_t buf[SZ_COMMAND_SIZE_MAX / 8];
	sz_command_header h = { .size = (uint32_t)sizeof h + size, .kind = kind };
	SZ_ASSERT(h.size <= sizeof buf && h.size % 8 == 0);
	memcpy(buf, &h, sizeof h);
	memcpy((uint8_t *)buf + sizeof h, body, size);
	struct currency_http_pending *p = calloc(1, sizeof *p);
	SZ_ASSERT(p != NULL);
	p->id = id;
	p->subject = subject;
	p->kind = kind;
	free(r->extra);
	r->extra = p;
	api_submit(r, buf, h.size, 1, done);
}

json_t *currency_http_limits_json(const struct currency_class_limits *l)
{
	json_t *o = json_object();
	json_object_set_new(o, "balance", currency_http_amount_json(l->balance_fen));
	json_object_set_new(o, "payment", currency_http_amount_json(l->payment_fen));
	json_object_set_new(o, "daily", currency_http_amount_json(l->daily_fen));
	json_object_set_new(o, "annual", currency_http_amount_json(l->annual_fen));
	return o;
}

static json_t *operator_json(const struct api_request *r, const struct currency_operator *op)
{
	json_t *o = json_object();
	const struct ledger *l = currency_http_ledger(r);
	json_object_set_new(o, "tenant_id", api_json_string_u64(op->cmd.tenant_id));
	json_object_set_new(o, "type", json_string(op->cmd.type == CURRENCY_OPERATOR_BANK ? "bank" : "payment_institution"));
	json_object_set_new(o, "name", json_stringn(op->cmd.name, strnlen(op->cmd.name, sizeof op->cmd.name)));
	const sz_account *reserve = ledger_account_get(l, op->reserve_id);
	const sz_account *vault = ledger_account_get(l, op->vault_id);
	/* A bank's reserve may be overdrawn (central bank credit): show the sign. */
	json_object_set_new(o, "reserve", signed_amount_json(reserve));
	json_object_set_new(o, "vault", currency_http_amount_json(vault ? currency_account_balance(vault) : 0));
	json_object_set_new(o, "held_for_customers", currency_http_amount_json(op->liability_fen));
	json_object_set_new(o, "issued", currency_http_amount_json(op->issued_fen));
	json_object_set_new(o, "redeemed", currency_http_amount_json(op->redeemed_fen));
	json_object_set_new(o, "supply", currency_http_amount_json(currency_supply(currency_http_state(r), op->cmd.currency)));
	return o;
}

/* ---- done callbacks ------------------------------------------------------------------------ */

bool currency_http_result_ok(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] == SZ_R_OK || results[0] == SZ_R_EXISTS)
		return true;
	api_problem_result(r, results[0], NULL);
	return false;
}

static void operator_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!currency_http_result_ok(r, results, count))
		return;
	const struct currency_http_pending *p = r->extra;
	const struct currency_operator *op = currency_operator_find(currency_http_state(r), p->subject.lo);
	SZ_ASSERT(op != NULL);
	snprintf(r->location, sizeof r->location, "/v1/operators/%llu", (unsigned long long)op->cmd.tenant_id);
	api_reply_json(r, api_result_status(results[0]), operator_json(r, op));
}

/* ---- operators ---------------------------------------------------------------------------- */

void currency_handle_operator_create(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "tenant_id", "type", "name", "currency" };
	struct currency_operator_cmd c;
	memset(&c, 0, sizeof c);
	c.currency = CURRENCY_HTTP_CNY;
	uint64_t tenant = 0;
	const char *type = json_string_value(json_object_get(doc, "type"));
	const char *name = json_string_value(json_object_get(doc, "name"));
	bool ok = api_keys_known(r, doc, keys, 5) && api_get_id(r, doc, "id", true, &c.id) &&
		  api_get_u64(r, doc, "tenant_id", UINT64_MAX, 0, &tenant);
	if (ok && (type == NULL || (strcmp(type, "bank") && strcmp(type, "payment_institution")))) {
		api_problem(r, "field_invalid", "'type' must be \"bank\" or \"payment_institution\"");
		ok = false;
	}
	if (ok) {
		c.tenant_id = tenant;
		c.type = strcmp(type, "bank") == 0 ? CURRENCY_OPERATOR_BANK : CURRENCY_OPERATOR_PAYMENT_INSTITUTION;
		if (name != NULL)
			strncpy(c.name, name, sizeof c.name - 1);
	}
	json_decref(doc);
	if (ok)
		currency_http_submit(r, CURRENCY_CMD_OPERATOR_REGISTER, &c, sizeof c, c.id, sz_id_make(0, c.tenant_id), operator_done);
}

static bool path_tenant(struct api_request *r, uint64_t *out)
{
	const char *text = api_param(r, 0);
	if (sz_u64_parse(text, strlen(text), out) || *out == 0) {
		api_problem(r, "id_invalid", "'%s' is not a tenant id", text);
		return false;
	}
	if (currency_operator_find(currency_http_state(r), *out) == NULL || !currency_http_in_scope(r, *out)) {
		api_problem(r, "not_found", "no operator %s", text);
		return false;
	}
	return true;
}

void currency_handle_operator_get(struct api_request *r)
{
	uint64_t tenant = 0;
	if (path_tenant(r, &tenant))
		api_reply_json(r, 200, operator_json(r, currency_operator_find(currency_http_state(r), tenant)));
}

/* POST /v1/operators/{tenant}/{issue,redeem,reserve}: {"id","amount"[,"direction"]} */
static void operator_money(struct api_request *r, uint16_t kind)
{
	uint64_t tenant = 0;
	if (!path_tenant(r, &tenant))
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "amount", "direction" };
	sz_id id;
	uint64_t amount = 0, direction = 0;
	const char *dir = json_string_value(json_object_get(doc, "direction"));
	bool ok = api_keys_known(r, doc, keys, 3) && api_get_id(r, doc, "id", true, &id) && currency_http_get_amount(r, doc, true, &amount);
	if (ok && dir != NULL && strcmp(dir, "deposit") && strcmp(dir, "withdraw")) {
		api_problem(r, "field_invalid", "'direction' must be \"deposit\" or \"withdraw\"");
		ok = false;
	}
	if (dir != NULL && strcmp(dir, "withdraw") == 0)
		direction = 1;
	json_decref(doc);
	if (!ok)
		return;
	if (kind == CURRENCY_CMD_RESERVE) {
		struct currency_reserve_cmd c = { id, tenant, amount, (uint16_t)direction, { 0 } };
		currency_http_submit(r, kind, &c, sizeof c, id, sz_id_make(0, tenant), operator_done);
	} else {
		struct currency_issue_cmd c = { id, tenant, amount };
		currency_http_submit(r, kind, &c, sizeof c, id, sz_id_make(0, tenant), operator_done);
	}
}

void currency_handle_operator_issue(struct api_request *r) { operator_money(r, CURRENCY_CMD_ISSUE); }
void currency_handle_operator_redeem(struct api_request *r) { operator_money(r, CURRENCY_CMD_REDEEM); }
void currency_handle_operator_reserve(struct api_request *r) { operator_money(r, CURRENCY_CMD_RESERVE); }

/* ---- limits --------------------------------------------------------------------------------- */

bool currency_http_get_limits(struct api_request *r, json_t *doc, struct currency_class_limits *l)
{
	json_t *o = json_object_get(doc, "limits");
	memset(l, 0, sizeof *l);
	if (o == NULL)
		return true;
	static const char *const keys[] = { "balance", "payment", "daily", "annual" };
	if (!json_is_object(o)) {
		api_problem(r, "field_invalid", "'limits' must be an object");
		return false;
	}
	return api_keys_known(r, o, keys, 4) && get_yuan(r, o, "balance", &l->balance_fen) &&
	       get_yuan(r, o, "payment", &l->payment_fen) && get_yuan(r, o, "daily", &l->daily_fen) &&
	       get_yuan(r, o, "annual", &l->annual_fen);
}

static json_t *limits_version_json(const struct currency_limits_cmd *l)
{
	json_t *o = json_object();
	json_object_set_new(o, "version", api_json_string_u64(l->version));
	json_object_set_new(o, "effective_from_ns", api_json_string_u64(l->effective_from_ns));
	for (int k = 0; k < 4; k++) {
		char key[8];
		snprintf(key, sizeof key, "class%d", k + 1);
		json_object_set_new(o, key, currency_http_limits_json(&l->classes[k]));
	}
	json_object_set_new(o, "offline_payment_max", currency_http_amount_json(l->offline_payment_max_fen));
	json_object_set_new(o, "offline_count_max", json_integer(l->offline_count_max));
	return o;
}

static void limits_reply(struct api_request *r, unsigned status)
{
	const struct currency_state *c = currency_http_state(r);
	json_t *list = json_array();
	for (uint32_t i = 0; i < currency_limits_count(c); i++)
		json_array_append_new(list, limits_version_json(currency_limits_version(c, i)));
	json_t *doc = json_object();
	json_object_set_new(doc, "versions", list);
	api_reply_json(r, status, doc);
}

void currency_handle_limits_get(struct api_request *r) { limits_reply(r, 200); }

static void limits_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!currency_http_result_ok(r, results, count))
		return;
	limits_reply(r, api_result_status(results[0]));
}

/* POST /v1/currency/limits: the fields of share/currency/limits.ini as JSON:
 * {"version", "effective_from_ns", "class1".."class4": {balance, payment,
 * daily, annual}, "offline_payment_max", "offline_count_max"}. */
void currency_handle_limits_set(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "version", "effective_from_ns", "class1", "class2", "class3", "class4",
					    "offline_payment_max", "offline_count_max" };
	struct currency_limits_cmd c;
	memset(&c, 0, sizeof c);
	uint64_t count = 0;
	bool ok = api_keys_known(r, doc, keys, 8) && api_get_u64(r, doc, "version", UINT64_MAX, 0, &c.version) &&
		  api_get_u64(r, doc, "effective_from_ns", UINT64_MAX, 0, &c.effective_from_ns) &&
		  get_yuan(r, doc, "offline_payment_max", &c.offline_payment_max_fen) &&
		  api_get_u64(r, doc, "offline_count_max", UINT32_MAX, 0, &count);
	for (int k = 0; k < 4 && ok; k++) {
		char key[8];
		snprintf(key, sizeof key, "class%d", k + 1);
		json_t *o = json_object_get(doc, key);
		json_t *wrap = json_object();
		if (o != NULL)
			json_object_set(wrap, "limits", o);
		ok = currency_http_get_limits(r, wrap, &c.classes[k]);
		json_decref(wrap);
	}
	json_decref(doc);
	if (!ok)
		return;
	c.offline_count_max = (uint32_t)count;
	c.id = currency_derive_id(sz_id_make(0, c.version), 0x4c494d54u /* as the file loader */, 0);
	currency_http_submit(r, CURRENCY_CMD_SET_LIMITS, &c, sizeof c, c.id, c.id, limits_done);
}
