/*
 * http_internal.h — what the currency domain's HTTP adapter files share
 * (http.c: route table, operators, limits and these helpers; http_wallet.c:
 * wallets and payments; http_device.c: hard-wallet devices and offline sync;
 * http_fiscal.c: fiscal disbursements and collections).
 *
 * Owns: the state a done callback needs, the caller-scope rules on wallets
 * and tenants, the one submission path, the amount rendering of the adapter,
 * and the request schemas and handlers the route table (http.c) names. Not
 * for other modules (they use http.h); never included outside
 * src/currency/http*.c.
 */
#ifndef SZ_CURRENCY_HTTP_INTERNAL_H
#define SZ_CURRENCY_HTTP_INTERNAL_H

#include "currency/currency.h"
#include "ledger/ledger.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* api/api.h and api/schema.h, which only the adapter's .c files include. */
struct api_request;
struct api_schema;

#define CURRENCY_HTTP_CNY 0x594e43u

/* Schema field shorthands (api/schema.h). Integers take a JSON integer or a
 * decimal string, as every currency route always has. */
#define CURRENCY_HTTP_ID(name_, type_, member_, flags_) \
	{ .name = (name_), .type = API_T_ID, .flags = (flags_), .offset = offsetof(type_, member_) }
#define CURRENCY_HTTP_AMOUNT(name_, type_, member_, flags_)                                              \
	{ .name = (name_), .type = API_T_AMOUNT, .flags = (flags_), .offset = offsetof(type_, member_), \
	  .currency = CURRENCY_HTTP_CNY }
#define CURRENCY_HTTP_UINT(name_, type_, member_, flags_, max_)                                               \
	{ .name = (name_), .type = API_T_UINT, .flags = (flags_) | API_F_TEXT | API_F_NUMBER,               \
	  .offset = offsetof(type_, member_), .size = sizeof(((type_ *)0)->member_), .umax = (max_) }

/* What a done callback needs: the command id, and the subject's id. */
struct currency_http_pending {
	sz_id id;
	sz_id subject;
	uint16_t kind;
};

const struct currency_state *currency_http_state(const struct api_request *r);
const struct ledger *currency_http_ledger(const struct api_request *r);

/* Minor units of CNY as a decimal string ("12.34"). */
json_t *currency_http_amount_json(uint64_t fen);
json_t *currency_http_limits_json(const struct currency_class_limits *l);

/* The "limits" object of wallets and of each class of a limits version:
 * {balance, payment, daily, annual} in yuan, each optional (0 = no limit),
 * decoded into a struct currency_class_limits. */
extern const struct api_schema currency_http_limits_schema;

/* Path parameter 0 as a 128-bit id; answers id_invalid and returns false. */
bool currency_http_path_id(struct api_request *r, sz_id *out);

/* Operators act on their own tenant only. */
bool currency_http_in_scope(const struct api_request *r, uint64_t tenant_id);
/* May the caller see (and, on write routes, act on) wallet w? Operators:
 * their tenant's wallets; merchants: wallets they own in their tenant. */
bool currency_http_wallet_in_scope(const struct api_request *r, const struct currency_wallet *w);

/* Submit one command of kind with body (size bytes); the done callback finds
 * id and subject in r->extra (struct currency_http_pending). */
void currency_http_submit(struct api_request *r, uint16_t kind, const void *body, uint32_t size, sz_id id,
			  sz_id subject, void (*done)(struct api_request *r, const uint32_t *results, uint32_t count));
/* True if the one result is ok or exists; otherwise answers its problem. */
bool currency_http_result_ok(struct api_request *r, const uint32_t *results, uint32_t count);

/* ---- routes of http_wallet.c -------------------------------------------- */

extern const struct api_schema currency_wallet_create_schema;
extern const struct api_schema currency_wallet_update_schema;
extern const struct api_schema currency_amount_schema;          /* {"id","amount"}: top-up, withdraw, refund */
extern const struct api_schema currency_wallet_sub_fund_schema;
extern const struct api_schema currency_command_id_schema;      /* {"id"}: close, suspend */
extern const struct api_schema currency_payment_create_schema;
void currency_handle_wallet_create(struct api_request *r);
void currency_handle_wallet_get(struct api_request *r);
void currency_handle_wallet_update(struct api_request *r);
void currency_handle_wallet_topup(struct api_request *r);
void currency_handle_wallet_withdraw(struct api_request *r);
void currency_handle_wallet_sub_fund(struct api_request *r);
void currency_handle_wallet_close(struct api_request *r);
void currency_handle_payment_create(struct api_request *r);
void currency_handle_payment_get(struct api_request *r);
void currency_handle_payment_refund(struct api_request *r);
extern const struct api_schema currency_wallet_control_schema;
extern const struct api_schema currency_holder_limit_schema;
void currency_handle_wallet_control(struct api_request *r);
void currency_handle_wallet_holder_limit(struct api_request *r);
extern const struct api_schema currency_risk_schema;
void currency_handle_wallet_risk(struct api_request *r);

/* ---- routes of http_fiscal.c -------------------------------------------- */

extern const struct api_schema currency_disbursement_schema;
extern const struct api_schema currency_collection_schema;
void currency_handle_disbursement_create(struct api_request *r);
void currency_handle_disbursement_get(struct api_request *r);
void currency_handle_collection_create(struct api_request *r);
void currency_handle_collection_get(struct api_request *r);

/* ---- routes of http_supply.c -------------------------------------------- */

void currency_handle_supply_series(struct api_request *r);

/* ---- routes of http_device.c -------------------------------------------- */

extern const struct api_schema currency_device_create_schema;
extern const struct api_schema currency_device_load_schema;
extern const struct api_schema currency_device_sync_schema;
void currency_handle_device_create(struct api_request *r);
void currency_handle_device_get(struct api_request *r);
void currency_handle_device_load(struct api_request *r);
void currency_handle_device_suspend(struct api_request *r);
void currency_handle_device_sync(struct api_request *r);

#endif
