/*
 * routes.c — HTTP routes of the currency domain: operators and issuance,
 * wallets, payments and refunds, hard-wallet devices and offline sync, the
 * limits configuration. Entries in the one route table (src/api/router.c)
 * point here.
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
#include "currency/routes.h"
#include "api/api.h"
#include "api/codec.h"
#include "core/assert.h"
#include "currency/currency.h"
#include "currency/offline.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CNY_CODE 0x594e43u

/* What a done callback needs: the command id, and the subject's id. */
struct pending {
	sz_id id;
	sz_id subject;
	uint64_t tenant_id;
	uint16_t kind;
};

static const struct currency_state *cur_of(const struct api_request *r)
{
	return currency_state_get(sz_engine_state(r->server->engine));
}

static const struct ledger *ledger_of(const struct api_request *r)
{
	return sz_ledger_const(sz_engine_state(r->server->engine));
}

/* ---- JSON helpers ----------------------------------------------------------------- */

static bool get_amount(struct api_request *r, json_t *o, bool required, uint64_t *out)
{
	const char *code = NULL;
	char detail[256];
	if (api_json_amount(o, CNY_CODE, required, out, &code, detail, sizeof detail) != 0) {
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

static json_t *amount_json(uint64_t fen) { return api_json_amount_string(fen, CNY_CODE); }

static json_t *id_json(sz_id id) { return api_json_string_id(id); }

/* Net balance (credits - debits, pending debits included) with a sign. */
static json_t *signed_amount_json(const sz_account *a)
{
	if (a == NULL)
		return amount_json(0);
	uint64_t out = a->debits_posted + a->debits_pending;
	if (a->credits_posted >= out)
		return amount_json(a->credits_posted - out);
	char text[SZ_AMOUNT_TEXT_SIZE + 1];
	text[0] = '-';
	sz_amount_format(out - a->credits_posted, 2, text + 1);
	return json_string(text);
}

static bool path_id(struct api_request *r, sz_id *out)
{
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), out, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return false;
	}
	return true;
}

/* Operators act on their own tenant only. */
static bool in_scope(const struct api_request *r, uint64_t tenant_id)
{
	return r->principal.role != API_ROLE_OPERATOR || r->principal.tenant_id == tenant_id;
}

/* May the caller see (and, on write routes, act on) wallet w? Operators:
 * their tenant's wallets; merchants: wallets they own in their tenant. */
static bool wallet_in_scope(const struct api_request *r, const struct currency_wallet *w)
{
	if (r->principal.role == API_ROLE_MERCHANT)
		return r->principal.tenant_id == w->tenant_id && sz_id_eq(r->principal.owner_id, w->owner_id);
	return in_scope(r, w->tenant_id);
}

static void submit(struct api_request *r, uint16_t kind, const void *body, uint32_t size, sz_id id, sz_id subject,
		   api_done_fn done)
{
	uint64_t buf[SZ_COMMAND_SIZE_MAX / 8];
	sz_command_header h = { .size = (uint32_t)sizeof h + size, .kind = kind };
	SZ_ASSERT(h.size <= sizeof buf && h.size % 8 == 0);
	memcpy(buf, &h, sizeof h);
	memcpy((uint8_t *)buf + sizeof h, body, size);
	struct pending *p = calloc(1, sizeof *p);
	SZ_ASSERT(p != NULL);
	p->id = id;
	p->subject = subject;
	p->kind = kind;
	free(r->extra);
	r->extra = p;
	api_submit(r, buf, h.size, 1, done);
}

/* ---- JSON of records ------------------------------------------------------------------- */

static const char *wallet_type_name(uint16_t type)
{
	switch (type) {
	case CURRENCY_WALLET_PERSONAL: return "personal";
	case CURRENCY_WALLET_CORPORATE: return "corporate";
	case CURRENCY_WALLET_MERCHANT: return "merchant";
	case CURRENCY_WALLET_SUB: return "sub";
	}
	return "unknown";
}

static json_t *limits_json(const struct currency_class_limits *l)
{
	json_t *o = json_object();
	json_object_set_new(o, "balance", amount_json(l->balance_fen));
	json_object_set_new(o, "payment", amount_json(l->payment_fen));
	json_object_set_new(o, "daily", amount_json(l->daily_fen));
	json_object_set_new(o, "annual", amount_json(l->annual_fen));
	return o;
}

static json_t *wallet_json(const struct api_request *r, const struct currency_wallet *w)
{
	const struct currency_state *c = cur_of(r);
	const sz_account *a = ledger_account_get(ledger_of(r), w->id);
	json_t *o = json_object();
	json_object_set_new(o, "id", id_json(w->id));
	json_object_set_new(o, "owner_id", id_json(w->owner_id));
	json_object_set_new(o, "tenant_id", api_json_string_u64(w->tenant_id));
	json_object_set_new(o, "type", json_string(wallet_type_name(w->type)));
	uint8_t cls = currency_wallet_class(c, w);
	json_object_set_new(o, "class", json_integer(cls));
	json_object_set_new(o, "currency", json_string("CNY"));
	json_object_set_new(o, "balance", amount_json(a ? currency_account_balance(a) : 0));
	json_object_set_new(o, "auto_topup", json_boolean(w->flags & CURRENCY_WALLET_AUTO_TOPUP));
	json_object_set_new(o, "closed", json_boolean(w->flags & CURRENCY_WALLET_CLOSED));
	if (w->mcc)
		json_object_set_new(o, "mcc", json_integer(w->mcc));
	if (!sz_id_is_zero(w->bank_account_id))
		json_object_set_new(o, "bank_account_id", id_json(w->bank_account_id));
	const struct currency_wallet *parent = currency_wallet_parent(c, w);
	if (parent != NULL)
		json_object_set_new(o, "parent_id", id_json(parent->id));
	else
		json_object_set_new(o, "sub_wallets", json_integer(w->sub_count));
	/* The class limits in force now (the last applied batch's time). */
	const struct currency_limits_cmd *lim = currency_limits_at(c, sz_engine_state(r->server->engine)->batch_time_ns);
	json_object_set_new(o, "limits_version", api_json_string_u64(lim->version));
	json_object_set_new(o, "class_limits", limits_json(&lim->classes[cls - 1]));
	json_object_set_new(o, "own_limits", limits_json(&w->own));
	/* Outflow counters count on their own day / year only (China time). */
	uint64_t t = sz_engine_state(r->server->engine)->batch_time_ns;
	json_object_set_new(o, "outflow_today", amount_json(w->day == currency_china_day(t) ? w->day_out_fen : 0));
	json_object_set_new(o, "outflow_this_year",
			    amount_json(w->year == currency_china_year(t) ? w->year_out_fen : 0));
	return o;
}

static json_t *operator_json(const struct api_request *r, const struct currency_operator *op)
{
	json_t *o = json_object();
	const struct ledger *l = ledger_of(r);
	json_object_set_new(o, "tenant_id", api_json_string_u64(op->cmd.tenant_id));
	json_object_set_new(o, "type", json_string(op->cmd.type == CURRENCY_OPERATOR_BANK ? "bank" : "payment_institution"));
	json_object_set_new(o, "name", json_stringn(op->cmd.name, strnlen(op->cmd.name, sizeof op->cmd.name)));
	const sz_account *reserve = ledger_account_get(l, op->reserve_id);
	const sz_account *vault = ledger_account_get(l, op->vault_id);
	/* A bank's reserve may be overdrawn (central bank credit): show the sign. */
	json_object_set_new(o, "reserve", signed_amount_json(reserve));
	json_object_set_new(o, "vault", amount_json(vault ? currency_account_balance(vault) : 0));
	json_object_set_new(o, "held_for_customers", amount_json(op->liability_fen));
	json_object_set_new(o, "issued", amount_json(op->issued_fen));
	json_object_set_new(o, "redeemed", amount_json(op->redeemed_fen));
	json_object_set_new(o, "supply", amount_json(currency_supply(cur_of(r), op->cmd.currency)));
	return o;
}

static json_t *op_json(const struct currency_state *c, const struct currency_op *op)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", id_json(op->id));
	json_object_set_new(o, "amount", amount_json(op->amount));
	const struct currency_wallet *payer = currency_op_wallet(c, op->payer), *payee = currency_op_wallet(c, op->payee);
	if (payer != NULL)
		json_object_set_new(o, "payer_id", id_json(payer->id));
	if (payee != NULL)
		json_object_set_new(o, "payee_id", id_json(payee->id));
	if (op->kind == CURRENCY_CMD_REFUND)
		json_object_set_new(o, "to_bank", amount_json(op->topup_fen));
	if (op->kind == CURRENCY_CMD_PAY) {
		json_object_set_new(o, "auto_topup", amount_json(op->topup_fen));
		json_object_set_new(o, "refunded", amount_json(op->refunded_fen));
		json_object_set_new(o, "mcc", json_integer(op->mcc));
	}
	json_object_set_new(o, "timestamp_ns", api_json_string_u64(op->timestamp_ns));
	return o;
}

/* ---- done callbacks ------------------------------------------------------------------------ */

static bool result_ok(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] == SZ_R_OK || results[0] == SZ_R_EXISTS)
		return true;
	api_problem_result(r, results[0], NULL);
	return false;
}

static void wallet_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!result_ok(r, results, count))
		return;
	const struct pending *p = r->extra;
	const struct currency_wallet *w = currency_wallet_find(cur_of(r), p->subject);
	SZ_ASSERT(w != NULL);
	char id[SZ_ID_TEXT_SIZE];
	sz_id_format(w->id, id);
	snprintf(r->location, sizeof r->location, "/v1/wallets/%s", id);
	api_reply_json(r, api_result_status(results[0]), wallet_json(r, w));
}

static void op_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!result_ok(r, results, count))
		return;
	const struct pending *p = r->extra;
	const struct currency_op *op = currency_op_find(cur_of(r), p->id);
	SZ_ASSERT(op != NULL);
	api_reply_json(r, api_result_status(results[0]), op_json(cur_of(r), op));
}

static void operator_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!result_ok(r, results, count))
		return;
	const struct pending *p = r->extra;
	const struct currency_operator *op = currency_operator_find(cur_of(r), p->subject.lo);
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
	c.currency = CNY_CODE;
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
		submit(r, CURRENCY_CMD_OPERATOR_REGISTER, &c, sizeof c, c.id, sz_id_make(0, c.tenant_id), operator_done);
}

static bool path_tenant(struct api_request *r, uint64_t *out)
{
	const char *text = api_param(r, 0);
	if (sz_u64_parse(text, strlen(text), out) || *out == 0) {
		api_problem(r, "id_invalid", "'%s' is not a tenant id", text);
		return false;
	}
	if (currency_operator_find(cur_of(r), *out) == NULL || !in_scope(r, *out)) {
		api_problem(r, "not_found", "no operator %s", text);
		return false;
	}
	return true;
}

void currency_handle_operator_get(struct api_request *r)
{
	uint64_t tenant = 0;
	if (path_tenant(r, &tenant))
		api_reply_json(r, 200, operator_json(r, currency_operator_find(cur_of(r), tenant)));
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
	bool ok = api_keys_known(r, doc, keys, 3) && api_get_id(r, doc, "id", true, &id) && get_amount(r, doc, true, &amount);
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
		submit(r, kind, &c, sizeof c, id, sz_id_make(0, tenant), operator_done);
	} else {
		struct currency_issue_cmd c = { id, tenant, amount };
		submit(r, kind, &c, sizeof c, id, sz_id_make(0, tenant), operator_done);
	}
}

void currency_handle_operator_issue(struct api_request *r) { operator_money(r, CURRENCY_CMD_ISSUE); }
void currency_handle_operator_redeem(struct api_request *r) { operator_money(r, CURRENCY_CMD_REDEEM); }
void currency_handle_operator_reserve(struct api_request *r) { operator_money(r, CURRENCY_CMD_RESERVE); }

/* ---- wallets ---------------------------------------------------------------------------------- */

static bool get_limits(struct api_request *r, json_t *doc, struct currency_class_limits *l)
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

static int wallet_type_parse(const char *text)
{
	static const char *const names[] = { "personal", "corporate", "merchant" };
	for (int i = 0; i < 3 && text != NULL; i++)
		if (strcmp(text, names[i]) == 0)
			return i + 1;
	return -1;
}

void currency_handle_wallet_create(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "owner_id", "tenant_id", "parent_id", "bank_account_id", "class",
					    "type", "auto_topup", "mcc", "limits" };
	struct currency_wallet_open_cmd c;
	memset(&c, 0, sizeof c);
	uint64_t tenant = 0, cls = 0, mcc = 0;
	struct currency_class_limits l;
	bool ok = api_keys_known(r, doc, keys, 10) && api_get_id(r, doc, "id", true, &c.id) &&
		  api_get_id(r, doc, "owner_id", false, &c.owner_id) && api_get_id(r, doc, "parent_id", false, &c.parent_id) &&
		  api_get_id(r, doc, "bank_account_id", false, &c.bank_account_id) &&
		  api_get_u64(r, doc, "tenant_id", UINT64_MAX, 0, &tenant) && api_get_u64(r, doc, "class", 4, 0, &cls) &&
		  api_get_u64(r, doc, "mcc", 9999, 0, &mcc) && get_limits(r, doc, &l);
	json_t *type = json_object_get(doc, "type");
	if (ok && sz_id_is_zero(c.parent_id) && wallet_type_parse(json_string_value(type)) < 0) {
		api_problem(r, "field_invalid", "'type' must be personal, corporate or merchant");
		ok = false;
	}
	if (ok) {
		if (r->principal.role == API_ROLE_OPERATOR && tenant == 0 && sz_id_is_zero(c.parent_id))
			tenant = r->principal.tenant_id;
		c.tenant_id = tenant;
		c.class_level = (uint8_t)cls;
		c.type = sz_id_is_zero(c.parent_id) ? (uint16_t)wallet_type_parse(json_string_value(type)) : 0;
		c.mcc = (uint16_t)mcc;
		c.flags = json_is_true(json_object_get(doc, "auto_topup")) ? CURRENCY_WALLET_AUTO_TOPUP : 0;
		c.limit_balance_fen = l.balance_fen;
		c.limit_payment_fen = l.payment_fen;
		c.limit_daily_fen = l.daily_fen;
		c.limit_annual_fen = l.annual_fen;
		if (!sz_id_is_zero(c.parent_id)) {
			const struct currency_wallet *parent = currency_wallet_find(cur_of(r), c.parent_id);
			if (parent != NULL)
				tenant = parent->tenant_id;
		}
		if (!in_scope(r, tenant)) {
			api_problem(r, "out_of_scope", "an operator opens wallets only in its tenant");
			ok = false;
		}
	}
	json_decref(doc);
	if (ok)
		submit(r, CURRENCY_CMD_WALLET_OPEN, &c, sizeof c, c.id, c.id, wallet_done);
}

/* The wallet named by path parameter 0, in the caller's scope, or NULL (answered). */
static const struct currency_wallet *path_wallet(struct api_request *r)
{
	sz_id id;
	if (!path_id(r, &id))
		return NULL;
	const struct currency_wallet *w = currency_wallet_find(cur_of(r), id);
	if (w == NULL || !wallet_in_scope(r, w)) {
		api_problem(r, "not_found", "no wallet %s", api_param(r, 0));
		return NULL;
	}
	return w;
}

void currency_handle_wallet_get(struct api_request *r)
{
	const struct currency_wallet *w = path_wallet(r);
	if (w != NULL)
		api_reply_json(r, 200, wallet_json(r, w));
}

void currency_handle_wallet_update(struct api_request *r)
{
	const struct currency_wallet *w = path_wallet(r);
	if (w == NULL)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "class", "auto_topup", "limits" };
	struct currency_wallet_update_cmd c;
	memset(&c, 0, sizeof c);
	uint64_t cls = 0;
	struct currency_class_limits l;
	/* Fields left out keep their current values (an upgrade of the class
	 * does not silently drop auto top-up or the own limits). */
	json_t *auto_topup = json_object_get(doc, "auto_topup");
	bool ok = api_keys_known(r, doc, keys, 4) && api_get_id(r, doc, "id", true, &c.id) &&
		  api_get_u64(r, doc, "class", 4, w->class_level, &cls) && get_limits(r, doc, &l);
	if (ok && auto_topup != NULL && !json_is_boolean(auto_topup)) {
		api_problem(r, "field_invalid", "'auto_topup' must be true or false");
		ok = false;
	}
	if (json_object_get(doc, "limits") == NULL)
		l = w->own;
	c.wallet_id = w->id;
	c.class_level = (uint8_t)cls;
	c.flags = auto_topup == NULL ? (uint8_t)(w->flags & CURRENCY_WALLET_FLAGS_CLIENT)
		  : json_is_true(auto_topup) ? CURRENCY_WALLET_AUTO_TOPUP : 0;
	c.limit_balance_fen = l.balance_fen;
	c.limit_payment_fen = l.payment_fen;
	c.limit_daily_fen = l.daily_fen;
	c.limit_annual_fen = l.annual_fen;
	json_decref(doc);
	if (ok)
		submit(r, CURRENCY_CMD_WALLET_UPDATE, &c, sizeof c, c.id, w->id, wallet_done);
}

/* {"id","amount"} routes on a wallet: top-up, withdraw, sub-wallet funding, close. */
static void wallet_amount(struct api_request *r, uint16_t kind)
{
	const struct currency_wallet *w = path_wallet(r);
	if (w == NULL)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "amount", "direction" };
	struct currency_amount_cmd c = { sz_id_make(0, 0), w->id, 0, 0 };
	const char *dir = json_string_value(json_object_get(doc, "direction"));
	bool ok = api_keys_known(r, doc, keys, 3) && api_get_id(r, doc, "id", true, &c.id) &&
		  get_amount(r, doc, kind != CURRENCY_CMD_WALLET_CLOSE, &c.amount);
	if (dir != NULL && strcmp(dir, "to_parent") == 0)
		c.aux = 1;
	json_decref(doc);
	if (!ok)
		return;
	if (kind == CURRENCY_CMD_WALLET_CLOSE) {
		struct currency_ref_cmd rc = { c.id, w->id };
		submit(r, kind, &rc, sizeof rc, c.id, w->id, wallet_done);
		return;
	}
	submit(r, kind, &c, sizeof c, c.id, w->id, wallet_done);
}

void currency_handle_wallet_topup(struct api_request *r) { wallet_amount(r, CURRENCY_CMD_TOPUP); }
void currency_handle_wallet_withdraw(struct api_request *r) { wallet_amount(r, CURRENCY_CMD_WITHDRAW); }
void currency_handle_wallet_sub_fund(struct api_request *r) { wallet_amount(r, CURRENCY_CMD_SUB_FUND); }
void currency_handle_wallet_close(struct api_request *r) { wallet_amount(r, CURRENCY_CMD_WALLET_CLOSE); }

/* POST /v1/wallets/{id}/payments {"id","payee_id","amount"[,"mcc"]} */
void currency_handle_payment_create(struct api_request *r)
{
	const struct currency_wallet *w = path_wallet(r);
	if (w == NULL)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "payee_id", "amount", "mcc" };
	struct currency_pay_cmd c;
	memset(&c, 0, sizeof c);
	uint64_t mcc = 0;
	bool ok = api_keys_known(r, doc, keys, 4) && api_get_id(r, doc, "id", true, &c.id) &&
		  api_get_id(r, doc, "payee_id", true, &c.payee_id) && get_amount(r, doc, true, &c.amount) &&
		  api_get_u64(r, doc, "mcc", 9999, 0, &mcc);
	c.payer_id = w->id;
	c.mcc = (uint16_t)mcc;
	json_decref(doc);
	if (ok)
		submit(r, CURRENCY_CMD_PAY, &c, sizeof c, c.id, w->id, op_done);
}

/* POST /v1/payments/{id}/refunds {"id","amount"} */
void currency_handle_payment_refund(struct api_request *r)
{
	sz_id payment;
	if (!path_id(r, &payment))
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	/* The refund moves the payee's money: the caller must be allowed to. */
	const struct currency_op *op = currency_op_find(cur_of(r), payment);
	const struct currency_wallet *payee = op && op->kind == CURRENCY_CMD_PAY ? currency_op_wallet(cur_of(r), op->payee) : NULL;
	if (payee == NULL || !wallet_in_scope(r, payee)) {
		json_decref(doc);
		api_problem(r, "not_found", "no payment %s", api_param(r, 0));
		return;
	}
	static const char *const keys[] = { "id", "amount" };
	struct currency_amount_cmd c = { sz_id_make(0, 0), payment, 0, 0 };
	bool ok = api_keys_known(r, doc, keys, 2) && api_get_id(r, doc, "id", true, &c.id) && get_amount(r, doc, true, &c.amount);
	json_decref(doc);
	if (ok)
		submit(r, CURRENCY_CMD_REFUND, &c, sizeof c, c.id, payment, op_done);
}

void currency_handle_payment_get(struct api_request *r)
{
	sz_id id;
	if (!path_id(r, &id))
		return;
	const struct currency_op *op = currency_op_find(cur_of(r), id);
	if (op == NULL || op->kind != CURRENCY_CMD_PAY ||
	    (!wallet_in_scope(r, currency_op_wallet(cur_of(r), op->payer)) &&
	     !wallet_in_scope(r, currency_op_wallet(cur_of(r), op->payee)))) {
		api_problem(r, "not_found", "no payment %s", api_param(r, 0));
		return;
	}
	api_reply_json(r, 200, op_json(cur_of(r), op));
}

/* ---- limits --------------------------------------------------------------------------------- */

static json_t *limits_version_json(const struct currency_limits_cmd *l)
{
	json_t *o = json_object();
	json_object_set_new(o, "version", api_json_string_u64(l->version));
	json_object_set_new(o, "effective_from_ns", api_json_string_u64(l->effective_from_ns));
	for (int k = 0; k < 4; k++) {
		char key[8];
		snprintf(key, sizeof key, "class%d", k + 1);
		json_object_set_new(o, key, limits_json(&l->classes[k]));
	}
	json_object_set_new(o, "offline_payment_max", amount_json(l->offline_payment_max_fen));
	json_object_set_new(o, "offline_count_max", json_integer(l->offline_count_max));
	return o;
}

static void limits_reply(struct api_request *r, unsigned status)
{
	const struct currency_state *c = cur_of(r);
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
	if (!result_ok(r, results, count))
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
		ok = get_limits(r, wrap, &c.classes[k]);
		json_decref(wrap);
	}
	json_decref(doc);
	if (!ok)
		return;
	c.offline_count_max = (uint32_t)count;
	c.id = currency_derive_id(sz_id_make(0, c.version), 0x4c494d54u /* as the file loader */, 0);
	submit(r, CURRENCY_CMD_SET_LIMITS, &c, sizeof c, c.id, c.id, limits_done);
}

/* ---- devices -------------------------------------------------------------------------------- */

static json_t *device_json(const struct api_request *r, const struct currency_device *d)
{
	json_t *o = json_object();
	char pk[65];
	sodium_bin2hex(pk, sizeof pk, d->public_key, 32);
	const sz_account *a = ledger_account_get(ledger_of(r), d->id);
	json_object_set_new(o, "id", id_json(d->id));
	json_object_set_new(o, "wallet_id", id_json(d->wallet_id));
	json_object_set_new(o, "public_key", json_string(pk));
	json_object_set_new(o, "value", amount_json(a ? currency_account_balance(a) : 0));
	json_object_set_new(o, "loaded", amount_json(d->loaded_fen));
	json_object_set_new(o, "spent_offline", amount_json(d->spent_fen));
	json_object_set_new(o, "refunded", amount_json(d->refunded_fen));
	json_object_set_new(o, "last_counter", api_json_string_u64(d->last_counter));
	json_object_set_new(o, "suspended", json_boolean(d->suspended_ns != 0));
	return o;
}

/* The device named by path parameter 0, in the caller's scope (that of its
 * wallet; any_caller: every caller of the route, for syncs), or NULL. */
static const struct currency_device *path_device_scoped(struct api_request *r, bool any_caller)
{
	sz_id id;
	if (!path_id(r, &id))
		return NULL;
	const struct currency_device *d = currency_device_find(cur_of(r), id);
	const struct currency_wallet *w = d ? currency_wallet_find(cur_of(r), d->wallet_id) : NULL;
	if (d == NULL || w == NULL || (!any_caller && !wallet_in_scope(r, w))) {
		api_problem(r, "not_found", "no device %s", api_param(r, 0));
		return NULL;
	}
	return d;
}

static const struct currency_device *path_device(struct api_request *r) { return path_device_scoped(r, false); }

static void device_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!result_ok(r, results, count))
		return;
	const struct pending *p = r->extra;
	const struct currency_device *d = currency_device_find(cur_of(r), p->subject);
	SZ_ASSERT(d != NULL);
	api_reply_json(r, api_result_status(results[0]), device_json(r, d));
}

void currency_handle_device_get(struct api_request *r)
{
	const struct currency_device *d = path_device(r);
	if (d != NULL)
		api_reply_json(r, 200, device_json(r, d));
}

/* POST /v1/devices {"id","wallet_id","public_key": 64 hex} */
void currency_handle_device_create(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "wallet_id", "public_key" };
	struct currency_device_cmd c;
	memset(&c, 0, sizeof c);
	const char *pk = json_string_value(json_object_get(doc, "public_key"));
	size_t bin_len = 0;
	bool ok = api_keys_known(r, doc, keys, 3) && api_get_id(r, doc, "id", true, &c.id) &&
		  api_get_id(r, doc, "wallet_id", true, &c.wallet_id);
	if (ok && (pk == NULL || strlen(pk) != 64 ||
		   sodium_hex2bin(c.public_key, 32, pk, 64, NULL, &bin_len, NULL) != 0 || bin_len != 32)) {
		api_problem(r, "field_invalid", "'public_key' must be 64 hex digits (Ed25519)");
		ok = false;
	}
	json_decref(doc);
	if (!ok)
		return;
	const struct currency_wallet *w = currency_wallet_find(cur_of(r), c.wallet_id);
	if (w != NULL && !wallet_in_scope(r, w)) {
		api_problem(r, "out_of_scope", "the wallet belongs to another operator");
		return;
	}
	submit(r, CURRENCY_CMD_DEVICE_REGISTER, &c, sizeof c, c.id, c.id, device_done);
}

/* POST /v1/devices/{id}/load {"id","amount","device_counter"} */
void currency_handle_device_load(struct api_request *r)
{
	const struct currency_device *d = path_device(r);
	if (d == NULL)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "amount", "device_counter" };
	struct currency_amount_cmd c = { sz_id_make(0, 0), d->id, 0, 0 };
	bool ok = api_keys_known(r, doc, keys, 3) && api_get_id(r, doc, "id", true, &c.id) &&
		  get_amount(r, doc, true, &c.amount) && api_get_u64(r, doc, "device_counter", UINT64_MAX, 0, &c.aux);
	json_decref(doc);
	if (ok)
		submit(r, CURRENCY_CMD_DEVICE_LOAD, &c, sizeof c, c.id, d->id, device_done);
}

/* POST /v1/devices/{id}/suspend {"id"} */
void currency_handle_device_suspend(struct api_request *r)
{
	const struct currency_device *d = path_device(r);
	if (d == NULL)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id" };
	struct currency_ref_cmd c = { sz_id_make(0, 0), d->id };
	bool ok = api_keys_known(r, doc, keys, 1) && api_get_id(r, doc, "id", true, &c.id);
	json_decref(doc);
	if (ok)
		submit(r, CURRENCY_CMD_DEVICE_SUSPEND, &c, sizeof c, c.id, d->id, device_done);
}

static void sync_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!result_ok(r, results, count))
		return;
	const struct pending *p = r->extra;
	const struct currency_sync_record *rec = currency_sync_find(cur_of(r), p->id);
	SZ_ASSERT(rec != NULL);
	json_t *doc = json_object(), *list = json_array();
	json_object_set_new(doc, "id", id_json(rec->id));
	json_object_set_new(doc, "accepted", json_integer(rec->accepted));
	for (uint32_t i = 0; i < rec->count; i++) {
		json_t *m = json_object();
		json_object_set_new(m, "counter", api_json_string_u64(rec->counters[i]));
		json_object_set_new(m, "result", json_string(rec->results[i] == 0 ? "accepted" : sz_result_name(rec->results[i])));
		json_array_append_new(list, m);
	}
	json_object_set_new(doc, "messages", list);
	api_reply_json(r, api_result_status(results[0]), doc);
}

/* POST /v1/devices/{id}/sync {"id","messages":[272 hex digits each]}: the
 * payee (or the device's holder) uploads signed offline messages. The
 * path's device is informational: each message names its own device. */
void currency_handle_device_sync(struct api_request *r)
{
	const struct currency_device *d = path_device_scoped(r, true);
	if (d == NULL)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "messages" };
	uint64_t body[SZ_COMMAND_SIZE_MAX / 8];
	struct currency_sync_cmd h;
	memset(&h, 0, sizeof h);
	json_t *msgs = json_object_get(doc, "messages");
	bool ok = api_keys_known(r, doc, keys, 2) && api_get_id(r, doc, "id", true, &h.id);
	if (ok && (!json_is_array(msgs) || json_array_size(msgs) == 0 ||
		   json_array_size(msgs) > CURRENCY_SYNC_MESSAGE_COUNT_MAX)) {
		api_problem(r, "field_invalid", "'messages' must hold 1 to %u hex strings", CURRENCY_SYNC_MESSAGE_COUNT_MAX);
		ok = false;
	}
	for (size_t i = 0; ok && i < json_array_size(msgs); i++) {
		const char *hex = json_string_value(json_array_get(msgs, i));
		size_t n = 0;
		uint8_t *dst = (uint8_t *)body + sizeof h + i * OFFLINE_MESSAGE_SIZE;
		if (hex == NULL || strlen(hex) != 2 * OFFLINE_MESSAGE_SIZE ||
		    sodium_hex2bin(dst, OFFLINE_MESSAGE_SIZE, hex, strlen(hex), NULL, &n, NULL) != 0 ||
		    n != OFFLINE_MESSAGE_SIZE) {
			api_problem(r, "field_invalid", "message %zu must be %u hex digits", i, 2 * OFFLINE_MESSAGE_SIZE);
			ok = false;
		}
	}
	if (ok) {
		h.count = (uint32_t)json_array_size(msgs);
		memcpy(body, &h, sizeof h);
	}
	json_decref(doc);
	if (ok)
		submit(r, CURRENCY_CMD_DEVICE_SYNC, body, (uint32_t)(sizeof h + h.count * OFFLINE_MESSAGE_SIZE), h.id, d->id,
		       sync_done);
}
