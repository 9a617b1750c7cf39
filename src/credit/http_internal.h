/*
 * http_internal.h — what the HTTP adapter files of the credit domain share
 * (http_common.c, http_enterprises.c, http_queries.c, http_models.c).
 *
 * The HTTP routes of the credit domain (/v1/credit/...): map request
 * bodies decoded by the one request codec (their schemas are in the
 * http_*.c files, their structs in http.h) to commands, seal personal data, compute cash-flow
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
#include <stddef.h>
#include <stdint.h>

/* api/api.h and api/codec.h, which only the adapter's .c files include. */
struct api_request;

/* "CNY" packed as sz_currency_code does, for static schema tables. */
#define CREDIT_HTTP_CNY ((uint32_t)'C' | (uint32_t)'N' << 8 | (uint32_t)'Y' << 16)
/* The dates a credit field accepts: 1970-01-01 (day 0) to 2200-12-31 (day
 * 84370), the calendar's range (credit_day_from_civil) from the epoch on. */
#define CREDIT_HTTP_DAY_MAX 84370

/* ---- schema fields (api/schema.h) of an input struct T ----
 * Each macro gives the designators of one struct api_field; only the
 * adapter's .c files expand them (after including api/api.h). */
#define CREDIT_F_ID(n, T, m, fl) .name = (n), .type = API_T_ID, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(sz_id)
#define CREDIT_F_TEXT(n, T, m, fl) \
	.name = (n), .type = API_T_STRING, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(((T *)0)->m), \
	.invalid = "'%s' must be a string of limited length (bytes)"
#define CREDIT_F_INT(n, T, m, fl, lo, hi) \
	.name = (n), .type = API_T_INT, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(((T *)0)->m), \
	.min = (lo), .max = (hi), .invalid = "'%s' must be an integer in range"
#define CREDIT_F_UINT(n, T, m, fl, lo, hi) \
	.name = (n), .type = API_T_UINT, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(((T *)0)->m), \
	.umin = (lo), .umax = (hi), .invalid = "'%s' must be an integer in range"
#define CREDIT_F_AMOUNT(n, T, m, fl) \
	.name = (n), .type = API_T_AMOUNT, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(uint64_t), \
	.currency = CREDIT_HTTP_CNY, .umax = INT64_MAX, .invalid = "'%s' must be a CNY decimal string"
#define CREDIT_F_DAY(n, T, m, fl) \
	.name = (n), .type = API_T_DATE, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(int32_t), .min = 0, \
	.max = CREDIT_HTTP_DAY_MAX, .invalid = "'%s' must be a date YYYY-MM-DD"
#define CREDIT_F_MONTH(n, T, m, fl) \
	.name = (n), .type = API_T_STRING, .flags = (fl), .offset = offsetof(T, m), .size = CREDIT_MONTH_TEXT_SIZE, \
	.invalid = "'%s' must be a month YYYY-MM"
#define CREDIT_F_ENUM(n, T, m, fl, names_, base_, dflt_) \
	.name = (n), .type = API_T_ENUM, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(((T *)0)->m), \
	.names = (names_), .base = (base_), .dflt = (dflt_)
/* The detail of an enum field outside its names (each use names its own). */
#define CREDIT_NAMES_INVALID "'%s' is not one of the names this field accepts"
#define CREDIT_F_SHA256(n, T, m) \
	.name = (n), .type = API_T_STRING, .flags = API_F_REQUIRED, .offset = offsetof(T, m), \
	.size = CREDIT_SHA256_TEXT_SIZE, .umin = 64, .invalid = "'%s' must be 64 hex digits"
#define CREDIT_F_LIST(n, T, m, item_schema, item_type, hi, invalid_) \
	.name = (n), .type = API_T_LIST, .flags = API_F_REQUIRED, .offset = offsetof(T, m), .size = sizeof(item_type), \
	.items = (item_schema), .umin = 1, .umax = (hi), .invalid = (invalid_)

/* ---- requests, problems (http_common.c) ----------------- */

const struct credit_domain_state *credit_http_state(const struct api_request *r);
uint64_t credit_http_wall_ns(void);
unsigned credit_http_result_status(uint32_t result);
void credit_http_problem_result(struct api_request *r, uint32_t result);
bool credit_http_done_ok(struct api_request *r, const uint32_t *results, uint32_t count);
/* Record the first failure in d (fmt has one %s, the key); returns false. */
bool credit_dec_fail(struct credit_dec *d, const char *code, const char *fmt, const char *key);
/* True if d holds no failure; else answers it and returns false. */
bool credit_dec_answer(struct api_request *r, struct credit_dec *d);
void credit_http_format_day(int32_t day, char out[16]);
json_t *credit_json_day(int32_t day);
json_t *credit_json_month(int32_t month);
json_t *credit_json_fen(int64_t fen);
json_t *credit_json_hex(const uint8_t *bytes, size_t size);
json_t *credit_json_number(double x);
json_t *credit_json_fixed(int64_t value, int64_t scale);
int64_t credit_http_path_enterprise(struct api_request *r);
/* The problem detail of a bad unified social credit code (expected check characters, position). */
void credit_http_uscc_text(enum credit_uscc_result v, const credit_uscc_detail *detail, char *out, size_t size);
void credit_http_copy_uscc(char out[CREDIT_USCC_FIELD_SIZE], const char *uscc);
bool credit_http_page_args(struct api_request *r, uint32_t *limit, uint64_t *cursor);
/* A list route's ?enterprise=USCC (*only = its index, -1 when absent) and
 * its page arguments; answers the problem and returns false on bad input. */
bool credit_http_list_args(struct api_request *r, const struct credit_domain_state *c, int64_t *only,
			   uint32_t *limit, uint64_t *cursor);
json_t *credit_json_id(sz_id id);
json_t *credit_json_ns(uint64_t ns);
json_t *credit_json_str(const char *s);

/* ---- handlers of the route table (http.c) -------------------------------------- */

void credit_handle_authorization_create(struct api_request *r);
void credit_handle_authorization_list(struct api_request *r);
void credit_handle_authorization_revoke(struct api_request *r);
void credit_handle_cashflow(struct api_request *r);
void credit_handle_decision_get(struct api_request *r);
/* http_challenger.c */
extern const struct api_schema credit_outcome_schema;
void credit_handle_decision_outcome(struct api_request *r);
void credit_handle_challenger_report(struct api_request *r);
void credit_handle_enterprise_get(struct api_request *r);
void credit_handle_enterprise_personal(struct api_request *r);
void credit_handle_enterprise_register(struct api_request *r);
void credit_handle_enterprise_update(struct api_request *r);
void credit_handle_feed_tax(struct api_request *r);
void credit_handle_feed_headcount(struct api_request *r);
void credit_handle_feed_cashflow(struct api_request *r);
void credit_handle_feed_ip(struct api_request *r);
void credit_handle_feed_innovation(struct api_request *r);
void credit_handle_feed_negative(struct api_request *r);
void credit_handle_model_activate(struct api_request *r);
void credit_handle_model_chunk(struct api_request *r);
void credit_handle_model_list(struct api_request *r);
void credit_handle_monitoring(struct api_request *r);
void credit_handle_objection_create(struct api_request *r);
void credit_handle_objection_get(struct api_request *r);
void credit_handle_objection_list(struct api_request *r);
void credit_handle_objection_resolve(struct api_request *r);
void credit_handle_purge_list(struct api_request *r);
void credit_handle_query_list(struct api_request *r);
void credit_handle_query_log(struct api_request *r);
void credit_handle_report(struct api_request *r);
void credit_handle_score(struct api_request *r);
void credit_handle_warning_list(struct api_request *r);
void credit_handle_watch(struct api_request *r);

/* ---- renderers shared between files --------------------------------------------- */

/* An enterprise record as JSON (http_enterprises.c). */
json_t *credit_json_enterprise(const struct credit_enterprise *e);

#endif
