/*
 * http.c — the currency domain's HTTP adapter: its route table, the helpers
 * its route files share (http_internal.h), operators and issuance, and the
 * limits configuration. Wallets and payments are in http_wallet.c, hard-
 * wallet devices and offline sync in http_device.c.
 *
 * Each JSON route names its request schema in the table; the router has the
 * one codec (api/schema.h) decode the body into the route's struct before
 * the handler runs, so a handler only adds what the path and the caller's
 * scope say (shape and scope only: business rules are the engine's), maps
 * the struct to one currency command (often it is the command), submits it
 * and answers from the done callback with the record as applied (201 new,
 * 200 idempotent retry) or a problem whose code is the command's stable
 * result name. Shapes the codec has no type for (hex keys and messages, a
 * type required only without a parent) are checked by the handler.
 * Scope: an operator acts only on its own tenant's operator, wallets and
 * devices, a merchant only on wallets (and devices of wallets) it owns and
 * never reads an operator's record;
 * others answer 404 as if absent. A payment is seen by whoever sees its
 * payer or payee and refunded by whoever may move the payee's money. A
 * device sync may be uploaded by anyone allowed to call the route (the
 * payee's bank, say): each message is signed by its device, which is what
 * authorises the payment. Amounts travel as decimal strings in yuan
 * ("12.34"), ids as strings.
 */
#include "currency/http.h"
#include "api/api.h"
#include "api/schema.h"
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
	return sz_ledger_const(sz_engine_state(r->server->engine));
}

/* ---- shared helpers ---------------------------------------------------------------- */

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
	json_object_set_new(o, "reserve_ratio_bp", json_integer(op->reserve_ratio_bp));
	json_object_set_new(o, "pledged", currency_http_amount_json(op->pledged_fen));
	json_t *interest = json_object(), *rates = json_array();
	json_object_set_new(interest, "accrued", currency_http_amount_json(op->interest_accrued_fen));
	json_object_set_new(interest, "paid", currency_http_amount_json(op->interest_paid_fen));
	json_object_set_new(interest, "due", currency_http_amount_json(op->interest_accrued_fen - op->interest_paid_fen));
	for (uint32_t i = 0; i < op->rate_count; i++) {
		json_t *v = json_object();
		json_object_set_new(v, "version", json_integer(op->rates[i].version));
		json_object_set_new(v, "rate_ppm", json_integer(op->rates[i].rate_ppm));
		json_object_set_new(v, "effective_from_ns", api_json_string_u64(op->rates[i].effective_from_ns));
		json_array_append_new(rates, v);
	}
	json_object_set_new(interest, "rates", rates);
	json_object_set_new(o, "interest", interest);
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

/* ---- limits objects ------------------------------------------------------------------------ */

static const struct api_field limits_fields[] = {
	CURRENCY_HTTP_AMOUNT("balance", struct currency_class_limits, balance_fen, 0),
	CURRENCY_HTTP_AMOUNT("payment", struct currency_class_limits, payment_fen, 0),
	CURRENCY_HTTP_AMOUNT("daily", struct currency_class_limits, daily_fen, 0),
	CURRENCY_HTTP_AMOUNT("annual", struct currency_class_limits, annual_fen, 0),
};
const struct api_schema currency_http_limits_schema = API_SCHEMA("wallet_limits", limits_fields, struct currency_class_limits);

/* ---- operators ---------------------------------------------------------------------------- */

static const char *const operator_type_names[] = { "bank", "payment_institution", NULL };
static const char *const currency_names[] = { "CNY", NULL }; /* the one currency of this domain so far */

/* POST /v1/operators: decoded straight into the command. */
static const struct api_field operator_create_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_operator_cmd, id, API_F_REQUIRED),
	CURRENCY_HTTP_UINT("tenant_id", struct currency_operator_cmd, tenant_id, API_F_REQUIRED, 0),
	{ .name = "type", .type = API_T_ENUM, .flags = API_F_REQUIRED, .offset = offsetof(struct currency_operator_cmd, type),
	  .size = sizeof(uint16_t), .base = CURRENCY_OPERATOR_BANK, .names = operator_type_names },
	{ .name = "name", .type = API_T_STRING, .offset = offsetof(struct currency_operator_cmd, name),
	  .size = sizeof(((struct currency_operator_cmd *)0)->name) },
	{ .name = "currency", .type = API_T_ENUM, .offset = offsetof(struct currency_operator_cmd, currency),
	  .size = sizeof(uint32_t), .base = CURRENCY_HTTP_CNY, .dflt = CURRENCY_HTTP_CNY, .names = currency_names },
};
static const struct api_schema operator_create_schema =
	API_SCHEMA("operator_create", operator_create_fields, struct currency_operator_cmd);

static void operator_create(struct api_request *r)
{
	const struct currency_operator_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	currency_http_submit(r, CURRENCY_CMD_OPERATOR_REGISTER, c, sizeof *c, c->id, sz_id_make(0, c->tenant_id),
			     operator_done);
}

/* The operator named by path parameter 0, in the caller's scope; answers
 * id_invalid or not_found and returns false. */
static bool path_tenant(struct api_request *r, uint64_t *out)
{
	const char *text = api_param(r, 0);
	if (sz_u64_parse(text, strlen(text), out) || *out == 0) {
		api_problem(r, "id_invalid", "'%s' is not a tenant id", text);
		return false;
	}
	/* An operator's reserve, vault and customer holdings are for its own
	 * staff and the oversight roles (central bank, regulator, auditor,
	 * admin): a merchant, of any operator, does not see them. */
	if (currency_operator_find(currency_http_state(r), *out) == NULL || !currency_http_in_scope(r, *out) ||
	    r->principal.role == API_ROLE_MERCHANT) {
		api_problem(r, "not_found", "no operator %s", text);
		return false;
	}
	return true;
}

static void operator_get(struct api_request *r)
{
	uint64_t tenant = 0;
	if (path_tenant(r, &tenant))
		api_reply_json(r, 200, operator_json(r, currency_operator_find(currency_http_state(r), tenant)));
}

/* POST /v1/operators/{tenant}/{issue,redeem}: {"id","amount"}. */
static const struct api_field operator_issue_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_issue_cmd, id, API_F_REQUIRED),
	CURRENCY_HTTP_AMOUNT("amount", struct currency_issue_cmd, amount, API_F_REQUIRED),
};
static const struct api_schema operator_issue_schema =
	API_SCHEMA("operator_issue", operator_issue_fields, struct currency_issue_cmd);

static void operator_issue_redeem(struct api_request *r, uint16_t kind)
{
	struct currency_issue_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	if (!path_tenant(r, &c->tenant_id))
		return;
	currency_http_submit(r, kind, c, sizeof *c, c->id, sz_id_make(0, c->tenant_id), operator_done);
}

static void operator_issue(struct api_request *r) { operator_issue_redeem(r, CURRENCY_CMD_ISSUE); }
static void operator_redeem(struct api_request *r) { operator_issue_redeem(r, CURRENCY_CMD_REDEEM); }

/* POST /v1/operators/{tenant}/reserve: {"id","amount"[,"direction"]}. */
static const char *const reserve_direction_names[] = { "deposit", "withdraw", NULL };
static const struct api_field operator_reserve_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_reserve_cmd, id, API_F_REQUIRED),
	CURRENCY_HTTP_AMOUNT("amount", struct currency_reserve_cmd, amount, API_F_REQUIRED),
	{ .name = "direction", .type = API_T_ENUM, .offset = offsetof(struct currency_reserve_cmd, direction),
	  .size = sizeof(uint16_t), .base = 0, .names = reserve_direction_names },
};
static const struct api_schema operator_reserve_schema =
	API_SCHEMA("operator_reserve", operator_reserve_fields, struct currency_reserve_cmd);

static void operator_reserve(struct api_request *r)
{
	struct currency_reserve_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	if (!path_tenant(r, &c->tenant_id))
		return;
	currency_http_submit(r, CURRENCY_CMD_RESERVE, c, sizeof *c, c->id, sz_id_make(0, c->tenant_id), operator_done);
}

/* POST /v1/operators/{tenant}/rates {"id","version","rate_ppm","effective_from_ns"}. */
static const struct api_field rate_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_rate_cmd, id, API_F_REQUIRED),
	CURRENCY_HTTP_UINT("version", struct currency_rate_cmd, version, API_F_REQUIRED, 0),
	CURRENCY_HTTP_UINT("rate_ppm", struct currency_rate_cmd, rate_ppm, API_F_REQUIRED, CURRENCY_RATE_PPM_MAX),
	CURRENCY_HTTP_UINT("effective_from_ns", struct currency_rate_cmd, effective_from_ns, API_F_REQUIRED, 0),
};
static const struct api_schema rate_schema = API_SCHEMA("operator_rate", rate_fields, struct currency_rate_cmd);

static void operator_rate(struct api_request *r)
{
	struct currency_rate_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	if (!path_tenant(r, &c->tenant_id))
		return;
	currency_http_submit(r, CURRENCY_CMD_RATE_SET, c, sizeof *c, c->id, sz_id_make(0, c->tenant_id), operator_done);
}

/* POST /v1/operators/{tenant}/reserve-ratio {"id","ratio_bp"}. */
static const struct api_field ratio_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_ratio_cmd, id, API_F_REQUIRED),
	CURRENCY_HTTP_UINT("ratio_bp", struct currency_ratio_cmd, ratio_bp, API_F_REQUIRED, 10000),
};
static const struct api_schema ratio_schema = API_SCHEMA("operator_ratio", ratio_fields, struct currency_ratio_cmd);

static void operator_ratio(struct api_request *r)
{
	struct currency_ratio_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	if (!path_tenant(r, &c->tenant_id))
		return;
	currency_http_submit(r, CURRENCY_CMD_RESERVE_RATIO, c, sizeof *c, c->id, sz_id_make(0, c->tenant_id), operator_done);
}

/* POST /v1/operators/{tenant}/interest/pay {"id"}. */
static const struct api_field interest_pay_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_issue_cmd, id, API_F_REQUIRED),
};
static const struct api_schema interest_pay_schema =
	API_SCHEMA("operator_interest_pay", interest_pay_fields, struct currency_issue_cmd);

static void interest_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!currency_http_result_ok(r, results, count))
		return;
	const struct currency_http_pending *p = r->extra;
	const struct currency_op *rec = currency_op_find(currency_http_state(r), p->id);
	SZ_ASSERT(rec != NULL);
	json_t *o = json_object();
	json_object_set_new(o, "id", api_json_string_id(rec->id));
	json_object_set_new(o, "paid", currency_http_amount_json(rec->amount));
	json_object_set_new(o, "wallets_paid", json_integer(rec->aux));
	json_object_set_new(o, "operator", operator_json(r, currency_operator_find(currency_http_state(r), p->subject.lo)));
	api_reply_json(r, api_result_status(results[0]), o);
}

static void operator_interest_pay(struct api_request *r)
{
	struct currency_issue_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	if (!path_tenant(r, &c->tenant_id))
		return;
	currency_http_submit(r, CURRENCY_CMD_INTEREST_PAY, c, sizeof *c, c->id, sz_id_make(0, c->tenant_id), interest_done);
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
		json_object_set_new(o, key, currency_http_limits_json(&l->classes[k]));
	}
	json_object_set_new(o, "offline_payment_max", currency_http_amount_json(l->offline_payment_max_fen));
	json_object_set_new(o, "offline_count_max", json_integer(l->offline_count_max));
	json_object_set_new(o, "offline_settle_s", json_integer(l->offline_settle_s));
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

static void limits_get(struct api_request *r) { limits_reply(r, 200); }

static void limits_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!currency_http_result_ok(r, results, count))
		return;
	limits_reply(r, api_result_status(results[0]));
}

/* POST /v1/currency/limits: the fields of share/currency/limits.ini as JSON,
 * decoded straight into the command (its id derives from the version). */
#define LIMITS_CLASS(name_, k_)                                                                                    \
	{ .name = (name_), .type = API_T_OBJECT, .offset = offsetof(struct currency_limits_cmd, classes[k_]),       \
	  .size = sizeof(struct currency_class_limits), .items = &currency_http_limits_schema }
static const struct api_field limits_set_fields[] = {
	CURRENCY_HTTP_UINT("version", struct currency_limits_cmd, version, API_F_REQUIRED, 0),
	CURRENCY_HTTP_UINT("effective_from_ns", struct currency_limits_cmd, effective_from_ns, API_F_REQUIRED, 0),
	CURRENCY_HTTP_AMOUNT("offline_payment_max", struct currency_limits_cmd, offline_payment_max_fen, API_F_REQUIRED),
	CURRENCY_HTTP_UINT("offline_count_max", struct currency_limits_cmd, offline_count_max, API_F_REQUIRED, 0),
	{ .name = "offline_settle_s", .type = API_T_UINT, .flags = API_F_TEXT | API_F_NUMBER,
	  .offset = offsetof(struct currency_limits_cmd, offline_settle_s), .size = sizeof(uint32_t),
	  .umax = UINT32_MAX, .dflt = CURRENCY_OFFLINE_SETTLE_S_DEFAULT },
	LIMITS_CLASS("class1", 0),
	LIMITS_CLASS("class2", 1),
	LIMITS_CLASS("class3", 2),
	LIMITS_CLASS("class4", 3),
};
static const struct api_schema limits_set_schema =
	API_SCHEMA("limits_set", limits_set_fields, struct currency_limits_cmd);

static void limits_set(struct api_request *r)
{
	struct currency_limits_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	c->id = currency_derive_id(sz_id_make(0, c->version), 0x4c494d54u /* as the file loader */, 0);
	currency_http_submit(r, CURRENCY_CMD_SET_LIMITS, c, sizeof *c, c->id, c->id, limits_done);
}

/* ---- the route table ------------------------------------------------------------------------ */


static const struct api_route routes[] = {
	API_POST("/v1/operators", API_CB, operator_create, &operator_create_schema,
	      "register an operator (bank or payment institution)"),
	API_GET("/v1/operators/{tenant}", API_READERS, operator_get,
	      "an operator's reserve, vault, issuance and customer holdings"),
	API_POST("/v1/operators/{tenant}/reserve", API_CB, operator_reserve, &operator_reserve_schema,
	      "deposit or withdraw an operator's reserve"),
	API_POST("/v1/operators/{tenant}/issue", API_CB, operator_issue, &operator_issue_schema,
	      "issue digital currency to an operator against its reserve"),
	API_POST("/v1/operators/{tenant}/redeem", API_CB, operator_redeem, &operator_issue_schema,
	      "redeem digital currency from an operator's vault"),
	API_POST("/v1/operators/{tenant}/rates", API_CB | API_OP, operator_rate, &rate_schema,
	      "add a version of a bank's demand-deposit rate for e-CNY in classes 1-3"),
	API_POST("/v1/operators/{tenant}/reserve-ratio", API_CB, operator_ratio, &ratio_schema,
	      "set a bank's reserve ratio for its e-CNY issuance (deposit-reserve requirement)"),
	API_POST("/v1/operators/{tenant}/interest/pay", API_CB | API_OP, operator_interest_pay, &interest_pay_schema,
	      "pay the interest accrued on a bank's wallets, up to 4,096 wallets a command"),
	API_GET("/v1/currency/supply-series", API_CB | API_OP | API_RG | API_AU | API_AD, currency_handle_supply_series,
		"each operator's issuance, redemption and supply per step of a window"),
	API_GET("/v1/currency/limits", API_READERS, limits_get, "every version of the wallet limits configuration"),
	API_POST("/v1/currency/limits", API_CB, limits_set, &limits_set_schema,
	      "add a limits version, effective from a future time"),
	API_POST("/v1/wallets", API_OP, currency_handle_wallet_create, &currency_wallet_create_schema,
	      "open a wallet or sub-wallet"),
	API_GET("/v1/wallets/{id}", API_READERS, currency_handle_wallet_get, "a wallet: class, balance, limits, outflow"),
	API_POST("/v1/wallets/{id}/update", API_OP, currency_handle_wallet_update, &currency_wallet_update_schema,
	      "change a wallet's class, auto top-up and own limits"),
	API_POST("/v1/wallets/{id}/close", API_OP, currency_handle_wallet_close, &currency_command_id_schema,
	      "close a wallet (balance back to parent or bank)"),
	API_POST("/v1/wallets/{id}/topup", API_OP, currency_handle_wallet_topup, &currency_amount_schema,
	      "top up from the linked bank account"),
	API_POST("/v1/wallets/{id}/withdraw", API_OP, currency_handle_wallet_withdraw, &currency_amount_schema,
	      "redeem to the linked bank account"),
	API_POST("/v1/wallets/{id}/sub-fund", API_OP, currency_handle_wallet_sub_fund, &currency_wallet_sub_fund_schema,
	      "move money between a sub-wallet and its parent"),
	API_POST("/v1/wallets/{id}/controls", API_OP | API_CB | API_RG, currency_handle_wallet_control,
	      &currency_wallet_control_schema,
	      "set or lift a freeze, receive-only, pay-only or amount freeze, with its authority and reason"),
	API_POST("/v1/wallets/{id}/holder-limit", API_OP | API_ME, currency_handle_wallet_holder_limit,
	      &currency_holder_limit_schema, "set the holder's own daily limit, below the class limit"),
	API_POST("/v1/wallets/{id}/risk-status", API_OP | API_CB | API_RG, currency_handle_wallet_risk, &currency_risk_schema,
	      "set a merchant's risk status; at high it takes no new prepayments"),
	API_POST("/v1/wallets/{id}/payments", API_OP | API_ME, currency_handle_payment_create, &currency_payment_create_schema,
	      "pay from a wallet, with limit checks"),
	API_GET("/v1/payments/{id}", API_READERS, currency_handle_payment_get,
	      "a payment: amount, auto top-up part, refunds"),
	API_POST("/v1/payments/{id}/refunds", API_OP | API_ME, currency_handle_payment_refund, &currency_amount_schema,
	      "refund a payment to where its money came from"),
	API_POST("/v1/fiscal/disbursements", API_OP | API_ME, currency_handle_disbursement_create,
	      &currency_disbursement_schema,
	      "pay subsidies or salaries from a government agency wallet to many wallets, one result per line"),
	API_GET("/v1/fiscal/disbursements/{id}", API_READERS, currency_handle_disbursement_get,
	      "a disbursement's per-line report and its reconciliation with the ledger"),
	API_POST("/v1/fiscal/collections", API_OP | API_ME, currency_handle_collection_create, &currency_collection_schema,
	      "collect a tax or fee from a wallet into the treasury wallet; answers the receipt"),
	API_GET("/v1/fiscal/collections/{id}", API_READERS, currency_handle_collection_get, "a tax or fee receipt"),
	API_POST("/v1/devices", API_OP, currency_handle_device_create, &currency_device_create_schema,
	      "register a hard wallet device with its Ed25519 key"),
	API_GET("/v1/devices/{id}", API_READERS, currency_handle_device_get,
	      "a device: value, loads, offline spending, state"),
	API_POST("/v1/devices/{id}/load", API_OP, currency_handle_device_load, &currency_device_load_schema,
	      "load value from the wallet into the device"),
	API_POST("/v1/devices/{id}/suspend", API_OP, currency_handle_device_suspend, &currency_command_id_schema,
	      "suspend a lost device and refund its value"),
	API_POST("/v1/devices/{id}/sync", API_OP | API_ME, currency_handle_device_sync, &currency_device_sync_schema,
	      "sync signed offline payments; one outcome per message"),
};

const struct api_route_table currency_route_table = { "currency", routes, (uint32_t)(sizeof routes / sizeof routes[0]) };
