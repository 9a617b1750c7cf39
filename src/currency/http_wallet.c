/*
 * http_wallet.c — HTTP routes of currency wallets and payments: open,
 * read, update and close a wallet or sub-wallet, top up from and withdraw
 * to its linked bank account, fund a sub-wallet, pay from a wallet and
 * refund a payment; set and lift wallet controls and the holder's own
 * daily limit. Scope and submission as described in http.c.
 *
 * Opening a wallet with a "holder_name" screens that name against the
 * active watch list here, in the adapter (risk/screen_submit.h; ICU never
 * runs in apply), and submits RISK_CMD_SCREEN_HIT in the same submission
 * as the wallet open: one batch, so a hit's screening alert is durable and
 * applied together with the wallet. The name itself is not logged; only
 * the list version, the entry and the per-mille score are. The answer's
 * "screening" names the outcome (not_screened, clear or hit with its alert).
 */
#include "currency/http.h"
#include "api/api.h"
#include "api/schema.h"
#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"
#include "currency/http_internal.h"
#include "risk/screen_submit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON of records ------------------------------------------------------------------- */

static const char *wallet_type_name(uint16_t type)
{
	switch (type) {
	case CURRENCY_WALLET_PERSONAL: return "personal";
	case CURRENCY_WALLET_CORPORATE: return "corporate";
	case CURRENCY_WALLET_MERCHANT: return "merchant";
	case CURRENCY_WALLET_SUB: return "sub";
	case CURRENCY_WALLET_GOVERNMENT: return "government";
	case CURRENCY_WALLET_TREASURY: return "treasury";
	}
	return "unknown";
}

/* The wallet's controls: one entry per authority that has one, what they
 * allow together (a sub-wallet's include its main wallet's), the holder's
 * own daily limit. */
extern const char *const currency_risk_names[];

static void wallet_controls_json(json_t *o, const struct currency_state *c, const struct currency_wallet *w)
{
	json_t *list = json_array();
	for (uint32_t k = 0; k < CURRENCY_AUTHORITY_COUNT; k++) {
		const struct currency_wallet_control *slot = &w->controls[k];
		if (slot->state == CURRENCY_CONTROL_NONE)
			continue;
		SZ_ASSERT(slot->state <= CURRENCY_CONTROL_AMOUNT && slot->reason >= 1 && slot->reason <= CURRENCY_REASON_COUNT);
		json_t *e = json_object();
		json_object_set_new(e, "authority", json_string(currency_authority_names[k]));
		json_object_set_new(e, "state", json_string(currency_control_state_names[slot->state - 1]));
		json_object_set_new(e, "reason", json_string(currency_reason_names[slot->reason - 1]));
		if (slot->state == CURRENCY_CONTROL_AMOUNT)
			json_object_set_new(e, "amount", currency_http_amount_json(slot->amount_fen));
		json_object_set_new(e, "set_ns", api_json_string_u64(slot->set_ns));
		json_array_append_new(list, e);
	}
	json_object_set_new(o, "controls", list);
	struct currency_wallet_blocks b;
	currency_wallet_blocks_of(c, w, &b);
	json_object_set_new(o, "can_pay", json_boolean(!b.pay_blocked));
	json_object_set_new(o, "can_receive", json_boolean(!b.receive_blocked));
	json_object_set_new(o, "frozen_amount", currency_http_amount_json(b.frozen_fen));
	json_t *holder = json_object();
	json_object_set_new(holder, "daily", currency_http_amount_json(w->holder_daily_fen));
	json_object_set_new(o, "holder_limits", holder);
	json_object_set_new(o, "interest_due", currency_http_amount_json(w->interest_due_fen));
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
	if (w->type == CURRENCY_WALLET_MERCHANT) {
		SZ_ASSERT(w->risk_status <= CURRENCY_RISK_HIGH);
		json_object_set_new(o, "risk_status", json_string(currency_risk_names[w->risk_status]));
		json_object_set_new(o, "prepaid_freeze_bp", json_integer(w->prepaid_freeze_bp));
	}
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
	wallet_controls_json(o, c, w);
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

/* POST /v1/wallets: the command's own fields, plus what the handler maps. */
struct wallet_create_in {
	struct currency_wallet_open_cmd cmd;
	struct currency_class_limits limits;
	bool auto_topup;
	bool type_given;
	char holder_name[SCREEN_NAME_SIZE];
};

/* "sub" holds the place of CURRENCY_WALLET_SUB (set by the engine; refused as a type). */
static const char *const wallet_type_names[] = { "personal", "corporate", "merchant", "sub", "government", "treasury", NULL };
static const struct api_field wallet_create_fields[] = {
	CURRENCY_HTTP_ID("id", struct wallet_create_in, cmd.id, API_F_REQUIRED),
	CURRENCY_HTTP_ID("owner_id", struct wallet_create_in, cmd.owner_id, 0),
	CURRENCY_HTTP_ID("parent_id", struct wallet_create_in, cmd.parent_id, 0),
	CURRENCY_HTTP_ID("bank_account_id", struct wallet_create_in, cmd.bank_account_id, 0),
	CURRENCY_HTTP_UINT("tenant_id", struct wallet_create_in, cmd.tenant_id, 0, 0),
	CURRENCY_HTTP_UINT("class", struct wallet_create_in, cmd.class_level, 0, 4),
	CURRENCY_HTTP_UINT("mcc", struct wallet_create_in, cmd.mcc, 0, 9999),
	{ .name = "limits", .type = API_T_OBJECT, .offset = offsetof(struct wallet_create_in, limits),
	  .size = sizeof(struct currency_class_limits), .items = &currency_http_limits_schema },
	{ .name = "type", .type = API_T_ENUM, .flags = API_F_PRESENT, .offset = offsetof(struct wallet_create_in, cmd.type),
	  .size = sizeof(uint16_t), .base = CURRENCY_WALLET_PERSONAL, .names = wallet_type_names,
	  .present_offset = offsetof(struct wallet_create_in, type_given) },
	{ .name = "auto_topup", .type = API_T_BOOL, .offset = offsetof(struct wallet_create_in, auto_topup) },
	{ .name = "holder_name", .type = API_T_STRING, .offset = offsetof(struct wallet_create_in, holder_name),
	  .size = SCREEN_NAME_SIZE },
};
const struct api_schema currency_wallet_create_schema =
	API_SCHEMA("wallet_create", wallet_create_fields, struct wallet_create_in);

/* A wallet open with its screening: the done callback's pending record
 * starts with the currency one. */
struct wallet_screen_pending {
	struct currency_http_pending base;
	struct risk_screen_outcome outcome;
};

static void wallet_screened_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count >= 1 && count <= 2);
	const struct wallet_screen_pending *p = r->extra;
	if (results[0] != SZ_R_OK && results[0] != SZ_R_EXISTS) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	if (count == 2 && results[1] != SZ_R_OK) {
		api_problem_result(r, results[1], "the wallet was opened but its screening was refused");
		return;
	}
	const struct currency_wallet *w = currency_wallet_find(currency_http_state(r), p->base.subject);
	SZ_ASSERT(w != NULL);
	char id[SZ_ID_TEXT_SIZE];
	sz_id_format(w->id, id);
	snprintf(r->location, sizeof r->location, "/v1/wallets/%s", id);
	json_t *doc = wallet_json(r, w);
	json_object_set_new(doc, "screening", risk_screen_json(&p->outcome, sz_engine_state(r->server->engine),
								 w->id, p->base.id));
	api_reply_json(r, api_result_status(results[0]), doc);
}

/* Screen the holder's name (if given and a watch list is active) and submit
 * the wallet open with the screening command in one submission. A retry of
 * an open wallet is not screened again (it was when it opened). */
static void wallet_open_screened(struct api_request *r, struct wallet_create_in *in, uint64_t tenant)
{
	const struct currency_wallet_open_cmd *c = &in->cmd;
	struct wallet_screen_pending *p = calloc(1, sizeof *p);
	if (p == NULL) {
		api_problem(r, "internal", "out of memory");
		return;
	}
	p->base = (struct currency_http_pending){ .id = c->id, .subject = c->id, .kind = CURRENCY_CMD_WALLET_OPEN };
	bool retry = currency_wallet_find(currency_http_state(r), c->id) != NULL;
	int rc = risk_screen_name(retry ? "" : in->holder_name, SCREEN_THRESHOLD_DEFAULT, &p->outcome);
	if (rc != 0) {
		free(p);
		api_problem(r, "field_invalid", "'holder_name' %s",
			    rc == SZ_ELIMIT ? "is too long once normalised" : "must be UTF-8 text");
		return;
	}
	if (retry)
		snprintf(p->outcome.detail, sizeof p->outcome.detail, "the wallet is already open (screened when it opened)");
	struct {
		sz_command_header h0;
		struct currency_wallet_open_cmd open;
		sz_command_header h1;
		struct risk_screen_cmd screen;
	} batch = { .h0 = { .size = sizeof batch.h0 + sizeof batch.open, .kind = CURRENCY_CMD_WALLET_OPEN },
		    .open = *c,
		    .h1 = { .size = sizeof batch.h1 + sizeof batch.screen, .kind = RISK_CMD_SCREEN_HIT } };
	_Static_assert(offsetof(__typeof__(batch), h1) == sizeof(sz_command_header) + sizeof(struct currency_wallet_open_cmd),
		       "the two commands are contiguous");
	bool screened = p->outcome.status != RISK_SCREEN_NOT_SCREENED;
	if (screened)
		risk_screen_command(&p->outcome, c->id, c->id, tenant, sz_currency_code("CNY"), &batch.screen);
	free(r->extra);
	r->extra = p;
	api_submit(r, &batch, screened ? (uint32_t)sizeof batch : batch.h0.size, screened ? 2 : 1, wallet_screened_done);
}

void currency_handle_wallet_create(struct api_request *r)
{
	struct wallet_create_in *in = r->in;
	SZ_ASSERT(in != NULL);
	struct currency_wallet_open_cmd *c = &in->cmd;
	bool sub = !sz_id_is_zero(c->parent_id);
	/* A main wallet needs its type; a sub-wallet takes everything from its parent. */
	if (!sub && !in->type_given) {
		api_problem(r, "field_missing", "'type' is required for a wallet without 'parent_id'");
		return;
	}
	if (sub)
		c->type = 0;
	if (r->principal.role == API_ROLE_OPERATOR && c->tenant_id == 0 && !sub)
		c->tenant_id = r->principal.tenant_id;
	c->flags = in->auto_topup ? CURRENCY_WALLET_AUTO_TOPUP : 0;
	c->limit_balance_fen = in->limits.balance_fen;
	c->limit_payment_fen = in->limits.payment_fen;
	c->limit_daily_fen = in->limits.daily_fen;
	c->limit_annual_fen = in->limits.annual_fen;
	uint64_t tenant = c->tenant_id;
	if (sub) {
		const struct currency_wallet *parent = currency_wallet_find(currency_http_state(r), c->parent_id);
		if (parent != NULL)
			tenant = parent->tenant_id;
	}
	if (!currency_http_in_scope(r, tenant)) {
		api_problem(r, "out_of_scope", "an operator opens wallets only in its tenant");
		return;
	}
	wallet_open_screened(r, in, tenant);
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

/* POST /v1/wallets/{id}/update: fields left out keep their current values
 * (an upgrade of the class does not silently drop auto top-up or the own
 * limits). */
struct wallet_update_in {
	sz_id id;
	struct currency_class_limits limits;
	uint8_t class_level;
	bool class_given;
	bool auto_topup;
	bool auto_topup_given;
	bool limits_given;
};

static const struct api_field wallet_update_fields[] = {
	CURRENCY_HTTP_ID("id", struct wallet_update_in, id, API_F_REQUIRED),
	{ .name = "class", .type = API_T_UINT, .flags = API_F_TEXT | API_F_NUMBER | API_F_PRESENT,
	  .offset = offsetof(struct wallet_update_in, class_level), .size = sizeof(uint8_t), .umax = 4,
	  .present_offset = offsetof(struct wallet_update_in, class_given) },
	{ .name = "auto_topup", .type = API_T_BOOL, .flags = API_F_PRESENT, .offset = offsetof(struct wallet_update_in, auto_topup),
	  .present_offset = offsetof(struct wallet_update_in, auto_topup_given) },
	{ .name = "limits", .type = API_T_OBJECT, .flags = API_F_PRESENT, .offset = offsetof(struct wallet_update_in, limits),
	  .size = sizeof(struct currency_class_limits), .items = &currency_http_limits_schema,
	  .present_offset = offsetof(struct wallet_update_in, limits_given) },
};
const struct api_schema currency_wallet_update_schema =
	API_SCHEMA("wallet_update", wallet_update_fields, struct wallet_update_in);

void currency_handle_wallet_update(struct api_request *r)
{
	const struct wallet_update_in *in = r->in;
	SZ_ASSERT(in != NULL);
	const struct currency_wallet *w = path_wallet(r);
	if (w == NULL)
		return;
	const struct currency_class_limits *l = in->limits_given ? &in->limits : &w->own;
	struct currency_wallet_update_cmd c = {
		.id = in->id,
		.wallet_id = w->id,
		.limit_balance_fen = l->balance_fen,
		.limit_payment_fen = l->payment_fen,
		.limit_daily_fen = l->daily_fen,
		.limit_annual_fen = l->annual_fen,
		.class_level = in->class_given ? in->class_level : w->class_level,
		.flags = !in->auto_topup_given ? (uint8_t)(w->flags & CURRENCY_WALLET_FLAGS_CLIENT)
			 : in->auto_topup     ? CURRENCY_WALLET_AUTO_TOPUP
					      : 0,
	};
	currency_http_submit(r, CURRENCY_CMD_WALLET_UPDATE, &c, sizeof c, c.id, w->id, wallet_done);
}

/* {"id","amount"}: top-up, withdraw (target: the wallet) and refund (target:
 * the payment), decoded straight into the command. */
static const struct api_field amount_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_amount_cmd, id, API_F_REQUIRED),
	CURRENCY_HTTP_AMOUNT("amount", struct currency_amount_cmd, amount, API_F_REQUIRED),
};
const struct api_schema currency_amount_schema = API_SCHEMA("amount", amount_fields, struct currency_amount_cmd);

/* {"id","amount"[,"direction"]}: sub-wallet funding; aux 0 = from the parent, 1 = to it. */
static const char *const sub_fund_direction_names[] = { "from_parent", "to_parent", NULL };
static const struct api_field sub_fund_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_amount_cmd, id, API_F_REQUIRED),
	CURRENCY_HTTP_AMOUNT("amount", struct currency_amount_cmd, amount, API_F_REQUIRED),
	{ .name = "direction", .type = API_T_ENUM, .offset = offsetof(struct currency_amount_cmd, aux),
	  .size = sizeof(uint64_t), .base = 0, .names = sub_fund_direction_names },
};
const struct api_schema currency_wallet_sub_fund_schema =
	API_SCHEMA("wallet_sub_fund", sub_fund_fields, struct currency_amount_cmd);

/* {"id"}: wallet close, device suspend (target from the path). */
static const struct api_field command_id_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_ref_cmd, id, API_F_REQUIRED),
};
const struct api_schema currency_command_id_schema = API_SCHEMA("command_id", command_id_fields, struct currency_ref_cmd);

/* A money move on the path's wallet: top-up, withdraw, sub-wallet funding. */
static void wallet_amount(struct api_request *r, uint16_t kind)
{
	struct currency_amount_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	const struct currency_wallet *w = path_wallet(r);
	if (w == NULL)
		return;
	c->target_id = w->id;
	currency_http_submit(r, kind, c, sizeof *c, c->id, w->id, wallet_done);
}

void currency_handle_wallet_topup(struct api_request *r) { wallet_amount(r, CURRENCY_CMD_TOPUP); }
void currency_handle_wallet_withdraw(struct api_request *r) { wallet_amount(r, CURRENCY_CMD_WITHDRAW); }
void currency_handle_wallet_sub_fund(struct api_request *r) { wallet_amount(r, CURRENCY_CMD_SUB_FUND); }

void currency_handle_wallet_close(struct api_request *r)
{
	struct currency_ref_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	const struct currency_wallet *w = path_wallet(r);
	if (w == NULL)
		return;
	c->target_id = w->id;
	currency_http_submit(r, CURRENCY_CMD_WALLET_CLOSE, c, sizeof *c, c->id, w->id, wallet_done);
}

/* ---- payments ------------------------------------------------------------------------------- */

/* POST /v1/wallets/{id}/payments {"id","payee_id","amount"[,"mcc"]}: into the command. */
static const struct api_field payment_create_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_pay_cmd, id, API_F_REQUIRED),
	CURRENCY_HTTP_ID("payee_id", struct currency_pay_cmd, payee_id, API_F_REQUIRED),
	CURRENCY_HTTP_AMOUNT("amount", struct currency_pay_cmd, amount, API_F_REQUIRED),
	CURRENCY_HTTP_UINT("mcc", struct currency_pay_cmd, mcc, 0, 9999),
};
const struct api_schema currency_payment_create_schema =
	API_SCHEMA("payment_create", payment_create_fields, struct currency_pay_cmd);

void currency_handle_payment_create(struct api_request *r)
{
	struct currency_pay_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	const struct currency_wallet *w = path_wallet(r);
	if (w == NULL)
		return;
	c->payer_id = w->id;
	currency_http_submit(r, CURRENCY_CMD_PAY, c, sizeof *c, c->id, w->id, op_done);
}

/* The payment named by path parameter 0 if the caller may see it (payee's
 * side only: may_move), or NULL (answered). */
static const struct currency_op *path_payment(struct api_request *r, bool may_move)
{
	sz_id id;
	if (!currency_http_path_id(r, &id))
		return NULL;
	const struct currency_state *c = currency_http_state(r);
	const struct currency_op *op = currency_op_find(c, id);
	bool seen = false;
	if (op != NULL && op->kind == CURRENCY_CMD_PAY) {
		const struct currency_wallet *payer = currency_op_wallet(c, op->payer), *payee = currency_op_wallet(c, op->payee);
		seen = (payee != NULL && currency_http_wallet_in_scope(r, payee)) ||
		       (!may_move && payer != NULL && currency_http_wallet_in_scope(r, payer));
	}
	if (!seen) {
		api_problem(r, "not_found", "no payment %s", api_param(r, 0));
		return NULL;
	}
	return op;
}

/* POST /v1/payments/{id}/refunds {"id","amount"}: the refund moves the
 * payee's money, so the caller must be allowed to. */
void currency_handle_payment_refund(struct api_request *r)
{
	struct currency_amount_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	const struct currency_op *op = path_payment(r, true);
	if (op == NULL)
		return;
	c->target_id = op->id;
	currency_http_submit(r, CURRENCY_CMD_REFUND, c, sizeof *c, c->id, op->id, op_done);
}

void currency_handle_payment_get(struct api_request *r)
{
	const struct currency_op *op = path_payment(r, false);
	if (op != NULL)
		api_reply_json(r, 200, op_json(currency_http_state(r), op));
}

/* ---- wallet controls ------------------------------------------------------------------------ */

/* POST /v1/wallets/{id}/controls {"id","authority","state"[,"reason"][,"amount"]}:
 * into the command. State "none" lifts the authority's control. */
static const char *const control_state_names[] = { "none", "frozen", "receive_only", "pay_only", "amount", NULL };
static const struct api_field control_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_control_cmd, id, API_F_REQUIRED),
	{ .name = "authority", .type = API_T_ENUM, .flags = API_F_REQUIRED,
	  .offset = offsetof(struct currency_control_cmd, authority), .size = sizeof(uint8_t),
	  .base = CURRENCY_AUTHORITY_OPERATOR, .names = currency_authority_names },
	{ .name = "state", .type = API_T_ENUM, .flags = API_F_REQUIRED, .offset = offsetof(struct currency_control_cmd, state),
	  .size = sizeof(uint8_t), .base = CURRENCY_CONTROL_NONE, .names = control_state_names },
	{ .name = "reason", .type = API_T_ENUM, .offset = offsetof(struct currency_control_cmd, reason),
	  .size = sizeof(uint16_t), .base = CURRENCY_REASON_HOLDER_REQUEST, .names = currency_reason_names },
	CURRENCY_HTTP_AMOUNT("amount", struct currency_control_cmd, amount_fen, 0),
};
const struct api_schema currency_wallet_control_schema =
	API_SCHEMA("wallet_control", control_fields, struct currency_control_cmd);

/* Who may act for an authority: an operator's staff for the operator and
 * for a court (an operator executes a court's order), the central bank and
 * regulators for the regulator. */
static bool may_act_for(const struct api_request *r, uint8_t authority)
{
	switch (r->principal.role) {
	case API_ROLE_OPERATOR:
		return authority == CURRENCY_AUTHORITY_OPERATOR || authority == CURRENCY_AUTHORITY_JUDICIAL;
	case API_ROLE_CENTRAL_BANK:
	case API_ROLE_REGULATOR:
		return authority == CURRENCY_AUTHORITY_REGULATOR;
	default:
		return false;
	}
}

void currency_handle_wallet_control(struct api_request *r)
{
	struct currency_control_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	const struct currency_wallet *w = path_wallet(r);
	if (w == NULL)
		return;
	if (!may_act_for(r, c->authority)) {
		api_problem(r, "forbidden", "the caller's role does not set or lift controls of authority '%s'",
			    currency_authority_names[c->authority - 1]);
		return;
	}
	c->wallet_id = w->id;
	currency_http_submit(r, CURRENCY_CMD_WALLET_CONTROL, c, sizeof *c, c->id, w->id, wallet_done);
}

/* POST /v1/wallets/{id}/holder-limit {"id","daily"}: the holder's own daily
 * limit ("0.00" removes it). */
static const struct api_field holder_limit_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_amount_cmd, id, API_F_REQUIRED),
	CURRENCY_HTTP_AMOUNT("daily", struct currency_amount_cmd, amount, API_F_REQUIRED),
};
const struct api_schema currency_holder_limit_schema =
	API_SCHEMA("holder_limit", holder_limit_fields, struct currency_amount_cmd);

void currency_handle_wallet_holder_limit(struct api_request *r) { wallet_amount(r, CURRENCY_CMD_HOLDER_LIMIT); }

/* POST /v1/wallets/{id}/risk-status {"id","status"[,"reason"][,"freeze_share_bp"]}: a
 * merchant's risk status and the share of its prepaid releases held back. */
const char *const currency_risk_names[] = { "normal", "watch", "high", NULL };
static const struct api_field risk_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_risk_cmd, id, API_F_REQUIRED),
	{ .name = "status", .type = API_T_ENUM, .flags = API_F_REQUIRED, .offset = offsetof(struct currency_risk_cmd, status),
	  .size = sizeof(uint16_t), .base = CURRENCY_RISK_NORMAL, .names = currency_risk_names },
	{ .name = "reason", .type = API_T_ENUM, .offset = offsetof(struct currency_risk_cmd, reason),
	  .size = sizeof(uint16_t), .base = CURRENCY_REASON_HOLDER_REQUEST, .names = currency_reason_names },
	CURRENCY_HTTP_UINT("freeze_share_bp", struct currency_risk_cmd, freeze_share_bp, 0, 10000),
};
const struct api_schema currency_risk_schema = API_SCHEMA("merchant_risk", risk_fields, struct currency_risk_cmd);

void currency_handle_wallet_risk(struct api_request *r)
{
	struct currency_risk_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	const struct currency_wallet *w = path_wallet(r);
	if (w == NULL)
		return;
	c->wallet_id = w->id;
	currency_http_submit(r, CURRENCY_CMD_MERCHANT_RISK, c, sizeof *c, c->id, w->id, wallet_done);
}
