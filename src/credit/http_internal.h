/*
 * http_internal.h — what the HTTP adapter files of the credit domain share
 * (http_common.c, http_enterprises.c, http_queries.c, http_models.c).
 *
 * The HTTP routes of the credit domain (/v1/credit/...): decode and
 * check the shape of requests, seal personal data, compute cash-flow
 * summaries from the ledger, build credit commands (domain.h), submit them
 * and render the credit state as JSON. Every rule that depends on state
 * (consent, expiry, retention, deadlines) is decided in apply.
 *
 * Personal data: the legal representative's ID number and phone are sealed
 * here, before the command exists, with crypto_secretbox under a key
 * derived from the server secret (BLAKE2b keyed by the secret, context
 * "szfin credit personal data v1"); the nonce is derived from the command
 * id, the field and the plaintext with a second derived key, so a retried
 * request seals to the same bytes (idempotency) and no nonce repeats for
 * different plaintexts. The log, snapshots, responses and log lines hold
 * only ciphertext and masks (110***********1234, 138****5678); only the
 * admin's /personal route opens them.
 *
 * Scope: an enterprise (merchant role) acts for the enterprise whose
 * registered owner id is its own (others answer enterprise_not_found); a
 * bank (operator role) asks reports and scores for its own tenant, and sees
 * its own authorizations, decisions and the warnings of enterprises it
 * holds an authorization from; the central bank (platform operator) and
 * admin register enterprises, feed data, resolve objections and manage
 * models; regulator and auditor read.
 *
 * Text forms: dates "YYYY-MM-DD", months "YYYY-MM" (China Standard Time),
 * money CNY decimal strings, ids as in the rest of the API.
 */
#ifndef SZ_CREDIT_HTTP_INTERNAL_H
#define SZ_CREDIT_HTTP_INTERNAL_H

#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/results.h"
#include "credit/domain.h"
#include "credit/http.h"
#include "credit/uscc.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* api/api.h and api/codec.h, which only the adapter's .c files include. */
struct api_request;

/* ---- requests, problems, decoding primitives (http_common.c) ----------------- */

const struct credit_domain_state *credit_http_state(const struct api_request *r);
uint64_t credit_http_wall_ns(void);
unsigned credit_http_result_status(uint32_t result);
void credit_http_problem_result(struct api_request *r, uint32_t result);
bool credit_http_done_ok(struct api_request *r, const uint32_t *results, uint32_t count);
bool credit_dec_fail(struct credit_dec *d, const char *code, const char *fmt, const char *key);
bool credit_dec_answer(struct api_request *r, struct credit_dec *d);
bool credit_dec_known(struct credit_dec *d, json_t *o, const char *const *allowed);
bool credit_dec_id(struct credit_dec *d, json_t *o, const char *key, bool required, sz_id *out);
bool credit_dec_text(struct credit_dec *d, json_t *o, const char *key, bool required, char *buf, size_t size);
bool credit_dec_int(struct credit_dec *d, json_t *o, const char *key, bool required, int64_t min, int64_t max, int64_t *out);
bool credit_dec_amount(struct credit_dec *d, json_t *o, const char *key, bool required, int64_t *out);
int32_t credit_http_parse_day(const char *text);
int32_t credit_http_parse_month(const char *text);
bool credit_dec_day(struct credit_dec *d, json_t *o, const char *key, bool required, int32_t *out);
bool credit_dec_month(struct credit_dec *d, json_t *o, const char *key, int32_t *out);
bool credit_dec_name(struct credit_dec *d, json_t *o, const char *key, bool required, const char *(*name_of)(uint32_t),
		     uint32_t max, uint16_t *out);
void credit_http_format_day(int32_t day, char out[16]);
json_t *credit_json_day(int32_t day);
json_t *credit_json_month(int32_t month);
json_t *credit_json_fen(int64_t fen);
json_t *credit_json_hex(const uint8_t *bytes, size_t size);
json_t *credit_json_number(double x);
json_t *credit_json_fixed(int64_t value, int64_t scale);
int64_t credit_http_path_enterprise(struct api_request *r);
void credit_http_copy_uscc(char out[CREDIT_USCC_FIELD_SIZE], const char *uscc);
bool credit_http_page_args(struct api_request *r, uint32_t *limit, uint64_t *cursor);
json_t *credit_json_id(sz_id id);
json_t *credit_json_ns(uint64_t ns);
json_t *credit_json_str(const char *s);

/* ---- handlers of the route table (http.c) -------------------------------------- */

void credit_handle_authorization_create(struct api_request *r);
void credit_handle_authorization_list(struct api_request *r);
void credit_handle_authorization_revoke(struct api_request *r);
void credit_handle_cashflow(struct api_request *r);
void credit_handle_decision_get(struct api_request *r);
void credit_handle_enterprise_get(struct api_request *r);
void credit_handle_enterprise_personal(struct api_request *r);
void credit_handle_enterprise_register(struct api_request *r);
void credit_handle_enterprise_update(struct api_request *r);
void credit_handle_feed(struct api_request *r);
void credit_handle_model_activate(struct api_request *r);
void credit_handle_model_chunk(struct api_request *r);
void credit_handle_model_list(struct api_request *r);
void credit_handle_objection_create(struct api_request *r);
void credit_handle_objection_get(struct api_request *r);
void credit_handle_objection_list(struct api_request *r);
void credit_handle_objection_resolve(struct api_request *r);
void credit_handle_purge_list(struct api_request *r);
void credit_handle_query_list(struct api_request *r);
void credit_handle_report(struct api_request *r);
void credit_handle_score(struct api_request *r);
void credit_handle_warning_list(struct api_request *r);
void credit_handle_watch(struct api_request *r);

/* ---- renderers shared between files --------------------------------------------- */

/* An enterprise record as JSON (http_enterprises.c). */
json_t *credit_json_enterprise(const struct credit_enterprise *e);

#endif
