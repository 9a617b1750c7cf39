/*
 * http_wallet.c — HTTP routes of currency wallets and payments: open,
 * read, update and close a wallet or sub-wallet, top up from and withdraw
 * to its linked bank account, fund a sub-wallet, pay from a wallet and
 * refund a payment. Scope and submission as described in http.c.
 */
#include "currency/http.h"
#include "api/codec.h"
#include "core/assert.h"
#include "currency/http_internal.h"

#include <stdio.h>
#include <string.h>

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

static json_t *wallet_json(const struct api_request *r, const struct currency_wallet *w)
{
	const struct currency_state *c = currency_http_state(r);
	const sz_account *a = ledger_account_get(currency_http_ledger(r), w->id);
	json_t *o = json_object();
	json_object_set_new(o, "id", api_json_string_id(w->id));
	json_object_set_new(o, "owner_id", api_json_string_id(w->owner_id));
	json_object_set_new(o, "tenant_id", api_json_string_u64(w->tenant_id));
	json_object_set_new(o, "type", json_string(wallet_type_name(w->type)));
	uint8_t cls = currency_wallet_class(c, w);
	json_object_set_new(o, "class", json_integer(cls));
	json_object_set_new(o, "currency", json_string("CNY"));
	json_object_set_new(o, "balance", currency_http_amount_json(a ? currency_account_balance(a) : 0));
	json_object_set_new(o, "auto_topup", json_boolean(w->flags & CURRENCY_WALLET_AUTO_TOPUP));
	json_object_set_new(o, "closed", json_boolean(w->flags & CURRENCY_WALLET_CLOSED));
	if (w->mcc)
		json_object_set_new(o, "mcc", json_integer(w->mcc));
	if (!sz_id_is_zero(w->bank_account_id))
		json_object_set_new(o, "bank_account_id", api_json_string_id(w->bank_account_id));
	const struct currency_wallet *parent = currency_wallet_parent(c, w);
	if (parent != NULL)
		json_object_set_new(o, "parent_id", api_json_string_id(parent->id));
	else
		json_object_set_new(o, "sub_wallets", json_integer(w->sub_count));
	/* The class limits in force now (the last applied batch's time). */
	const struct currency_limits_cmd *lim = currency_limits_at(c, sz_engine_state(r->server->engine)->batch_time_ns);
	json_object_set_new(o, "limits_version", api_json_string_u64(lim->version));
	json_object_set_new(o, "class_limits", currency_http_limits_json(&lim->classes[cls - 1]));
	json_object_set_new(o, "own_limits", currency_http_limits_json(&w->own));
	/* Outflow counters count on their own day / year only (China time). */
	uint64_t t = sz_engine_state(r->server->engine)->batch_time_ns;
	json_object_set_new(o, "outflow_today", currency_http_amount_json(w->day == currency_china_day(t) ? w->day_out_fen : 0));
	json_object_set_new(o, "outflow_this_year",
			    currency_http_amount_json(w->year == currency_china_year(t) ? w->year_out_fen : 0));
	return o;
}

static json_t *op_json(const struct currency_state *c, const struct currency_op *op)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", api_json_string_id(op->id));
	json_object_set_new(o, "amount", currency_http_amount_json(op->amount));
	const struct currency_wallet *payer = currency_op_wallet(c, op->payer), *payee = currency_op_wallet(c, op->payee);
	if (payer != NULL)
		json_object_set_new(o, "payer_id", api_json_string_id(payer->id));
	if (payee != NULL)
		json_object_set_new(o, "payee_id", api_json_string_id(payee->id));
	if (op->kind == CURRENCY_CMD_REFUND)
		json_object_set_new(o, "to_bank", currency_http_amount_json(op->topup_fen));
	if (op->kind == CURRENCY_CMD_PAY) {
		json_object_set_new(o, "auto_topup", currency_http_amount_json(op->topup_fen));
		json_object_set_new(o, "refunded", currency_http_amount_json(op->refunded_fen));
		json_object_set_new(o, "mcc", json_integer(op->mcc));
	}
	json_object_set_new(o, "timestamp_ns", api_json_string_u64(op->timestamp_ns));
	return o;
}

/* ---- done callbacks ------------------------------------------------------------------------ */

static void wallet_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!currency_http_result_ok(r, results, count))
		return;
	const struct currency_http_pending *p = r->extra;
	const struct currency_wallet *w = currency_wallet_find(currency_http_state(r), p->subject);
	SZ_ASSERT(w != NULL);
	char id[SZ_ID_TEXT_SIZE];
	sz_id_format(w->id, id);
	snprintf(r->location, sizeof r->location, "/v1/wallets/%s", id);
	api_reply_json(r, api_result_status(results[0]), wallet_json(r, w));
}

static void op_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!currency_http_result_ok(r, results, count))
		return;
	const struct currency_http_pending *p = r->extra;
	const struct currency_op *op = currency_op_find(currency_http_state(r), p->id);
	SZ_ASSERT(op != NULL);
	api_reply_json(r, api_result_status(results[0]), op_json(currency_http_state(r), op));
}

/* ---- wallets ---------------------------------------------------------------------------------- */

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
		  api_get_u64(r, doc, "mcc", 9999, 0, &mcc) && currency_http_get_limits(r, doc, &l);
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
			const struct currency_wallet *parent = currency_wallet_find(currency_http_state(r), c.parent_id);
			if (parent != NULL)
				tenant = parent->tenant_id;
		}
		if (!currency_http_in_scope(r, tenant)) {
			api_problem(r, "out_of_scope", "an operator opens wallets only in its tenant");
			ok = false;
		}
	}
	json_decref(doc);
	if (ok)
		currency_http_submit(r, CURRENCY_CMD_WALLET_OPEN, &c, sizeof c, c.id, c.id, wallet_done);
}

/* The wallet named by path parameter 0, in the caller's scope, or NULL (answered). */
static const struct currency_wallet *path_wallet(struct api_request *r)
{
	sz_id id;
	if (!currency_http_path_id(r, &id))
		return NULL;
	const struct currency_wallet *w = currency_wallet_find(currency_http_state(r), id);
	if (w == NULL || !currency_http_wallet_in_scope(r, w)) {
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
		  api_get_u64(r, doc, "class", 4, w->class_level, &cls) && currency_http_get_limits(r, doc, &l);
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
		currency_http_submit(r, CURRENCY_CMD_WALLET_UPDATE, &c, sizeof c, c.id, w->id, wallet_done);
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
		  currency_http_get_amount(r, doc, kind != CURRENCY_CMD_WALLET_CLOSE, &c.amount);
	if (dir != NULL && strcmp(dir, "to_parent") == 0)
		c.aux = 1;
	json_decref(doc);
	if (!ok)
		return;
	if (kind == CURRENCY_CMD_WALLET_CLOSE) {
		struct currency_ref_cmd rc = { c.id, w->id };
		currency_http_submit(r, kind, &rc, sizeof rc, c.id, w->id, wallet_done);
		return;
	}
	currency_http_submit(r, kind, &c, sizeof c, c.id, w->id, wallet_done);
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
		  api_get_id(r, doc, "payee_id", true, &c.payee_id) && currency_http_get_amount(r, doc, true, &c.amount) &&
		  api_get_u64(r, doc, "mcc", 9999, 0, &mcc);
	c.payer_id = w->id;
	c.mcc = (uint16_t)mcc;
	json_decref(doc);
	if (ok)
		currency_http_submit(r, CURRENCY_CMD_PAY, &c, sizeof c, c.id, w->id, op_done);
}

/* POST /v1/payments/{id}/refunds {"id","amount"} */
void currency_handle_payment_refund(struct api_request *r)
{
	sz_id payment;
	if (!currency_http_path_id(r, &payment))
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	/* The refund moves the payee's money: the caller must be allowed to. */
	const struct currency_op *op = currency_op_find(currency_http_state(r), payment);
	const struct currency_wallet *payee = op && op->kind == CURRENCY_CMD_PAY ? currency_op_wallet(currency_http_state(r), op->payee) : NULL;
	if (payee == NULL || !currency_http_wallet_in_scope(r, payee)) {
		json_decref(doc);
		api_problem(r, "not_found", "no payment %s", api_param(r, 0));
		return;
	}
	static const char *const keys[] = { "id", "amount" };
	struct currency_amount_cmd c = { sz_id_make(0, 0), payment, 0, 0 };
	bool ok = api_keys_known(r, doc, keys, 2) && api_get_id(r, doc, "id", true, &c.id) && currency_http_get_amount(r, doc, true, &c.amount);
	json_decref(doc);
	if (ok)
		currency_http_submit(r, CURRENCY_CMD_REFUND, &c, sizeof c, c.id, payment, op_done);
}

void currency_handle_payment_get(struct api_request *r)
{
	sz_id id;
	if (!currency_http_path_id(r, &id))
		return;
	const struct currency_op *op = currency_op_find(currency_http_state(r), id);
	if (op == NULL || op->kind != CURRENCY_CMD_PAY ||
	    (!currency_http_wallet_in_scope(r, currency_op_wallet(currency_http_state(r), op->payer)) &&
	     !currency_http_wallet_in_scope(r, currency_op_wallet(currency_http_state(r), op->payee)))) {
		api_problem(r, "not_found", "no payment %s", api_param(r, 0));
		return;
	}
	api_reply_json(r, 200, op_json(currency_http_state(r), op));
}
