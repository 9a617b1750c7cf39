/*
 * http_internal.h — what the currency domain's HTTP adapter files share
 * (http.c: route table, operators, limits and these helpers; http_wallet.c:
 * wallets and payments; http_device.c: hard-wallet devices and offline sync).
 *
 * Owns: the state a done callback needs, the caller-scope rules on wallets
 * and tenants, the one submission path and the amount rendering of the
 * adapter. Not for other modules (they use http.h); never included outside
 * src/currency/http*.c.
 */
#ifndef SZ_CURRENCY_HTTP_INTERNAL_H
#define SZ_CURRENCY_HTTP_INTERNAL_H

#include "api/api.h"
#include "currency/currency.h"

#define CURRENCY_HTTP_CNY 0x594e43u

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

/* Decode "amount" (CNY) of o; answers the problem and returns false. */
bool currency_http_get_amount(struct api_request *r, json_t *o, bool required, uint64_t *out);
/* Decode the optional "limits" object of doc (absent fields: 0 = no limit). */
bool currency_http_get_limits(struct api_request *r, json_t *doc, struct currency_class_limits *l);

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
			  sz_id subject, api_done_fn done);
/* True if the one result is ok or exists; otherwise answers its problem. */
bool currency_http_result_ok(struct api_request *r, const uint32_t *results, uint32_t count);

#endif
