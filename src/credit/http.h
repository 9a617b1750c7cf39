/*
 * http.h — the pure request decoders of the credit HTTP adapter (http_*.c): a parsed JSON body in,
 * a credit command body (domain.h) or a problem out. No api_request, no
 * state, no clock: the handlers add what comes from the path, the caller's
 * principal and the state, and answers the problem; fuzz/fuzz_credit_json.c
 * drives the same functions.
 *
 * Each decoder returns true with the body filled, or false with d->code set
 * to a problem code of api/problem.c (or, when d->uscc_invalid, the
 * credit_uscc_result_name of a malformed code, answered as a 400 of its
 * own) and d->detail to the text. d must start zeroed; the first failure
 * wins. Never: read a clock, touch the engine, keep plaintext personal data
 * after returning.
 */
#ifndef SZ_CREDIT_HTTP_H
#define SZ_CREDIT_HTTP_H

#include "credit/domain.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct api_route_table; /* api/api.h */

/* Every /v1/credit route (http.c); only the composition root names it. */
extern const struct api_route_table credit_route_table;

struct credit_dec {
	const char *code;       /* NULL while no field has failed */
	bool uscc_invalid;      /* code is a credit_uscc_result_name */
	char detail[512];
};

/* Register (path_uscc NULL: the code is the body's "uscc") or update (the
 * code of the path). Personal fields are sealed under keys derived from
 * secret (see http_internal.h). */
bool credit_decode_enterprise(struct credit_dec *d, json_t *doc, const char *path_uscc, const uint8_t secret[32],
			      struct credit_enterprise_cmd *c);

/* A feed of kind ("tax", "headcount", "cashflow", "ip", "innovation",
 * "negative"; another kind is the problem "not_found") for the enterprise
 * uscc (18 valid characters, from the path). body has room for the largest
 * feed command; *cmd_kind and *size say which one it holds. */
bool credit_decode_feed(struct credit_dec *d, const char *kind, json_t *doc, const char *uscc, uint16_t *cmd_kind,
			void *body, uint32_t *size);

/* A cash-flow summary request: command id, months from..to (1 to 12 in
 * order) and the currency (CNY if not given). */
bool credit_decode_cashflow_request(struct credit_dec *d, json_t *doc, sz_id *id, int32_t *from, int32_t *to,
				    uint32_t *currency);

/* An authorization of the enterprise uscc, granted by token_id. */
bool credit_decode_authorize(struct credit_dec *d, json_t *doc, const char *uscc, sz_id token_id,
			     struct credit_authorize_cmd *c);

/* The command id of a revocation; the caller sets authorization_id and uscc. */
bool credit_decode_revoke(struct credit_dec *d, json_t *doc, struct credit_revoke_cmd *c);

/* A report (score false) or score request; the caller sets uscc, tenant_id
 * and user_token_id. */
bool credit_decode_query(struct credit_dec *d, json_t *doc, bool score, struct credit_query_cmd *c);

/* An objection; the caller sets uscc. */
bool credit_decode_objection(struct credit_dec *d, json_t *doc, struct credit_objection_cmd *c);

/* A resolution; the caller sets objection_id and resolver_token_id. */
bool credit_decode_resolve(struct credit_dec *d, json_t *doc, struct credit_resolve_cmd *c);

/* A model chunk or activation: c zeroed but for the version (from the path). */
bool credit_decode_model_chunk(struct credit_dec *d, json_t *doc, struct credit_model_chunk_cmd *c);
bool credit_decode_model_activate(struct credit_dec *d, json_t *doc, struct credit_model_activate_cmd *c);

/* A watch; the caller sets uscc and tenant_id. */
bool credit_decode_watch(struct credit_dec *d, json_t *doc, struct credit_watch_cmd *c);

#endif
