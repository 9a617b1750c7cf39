/*
 * http_internal.h — what the files of the green HTTP adapter share (the
 * route handlers and their request schemas in http_account.c and
 * http_finance.c; path parameters, scope, decimal scaling and submission in
 * http.c; JSON rendering in http_render.c). Only src/green/http*.c include
 * it. Request bodies are decoded by the one request codec (api/schema.h)
 * before a handler runs; the field macros below only shorten the tables.
 * It names api/ types only by declaration: each http*.c includes api/api.h
 * (and so api/schema.h) before it, as only those files may include api/.
 */
#ifndef SZ_GREEN_HTTP_INTERNAL_H
#define SZ_GREEN_HTTP_INTERNAL_H

#include "green/domain.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct api_decimal;
struct api_principal;
struct api_request;
struct api_schema;

/* "CNY" packed as sz_currency_code does, for static schema tables. */
#define GREEN_HTTP_CNY ((uint32_t)'C' | (uint32_t)'N' << 8 | (uint32_t)'Y' << 16)

/* ---- schema fields (api/schema.h) of an input struct T ----
 * Each macro gives the designators of one struct api_field; a table entry is
 * { GREEN_F_...(...) } or, to learn whether the field was sent,
 * { GREEN_F_...(..., API_F_PRESENT, ...), GREEN_GIVEN(T, bool_member) }. */

#define GREEN_F_ID(n, T, m, fl) .name = (n), .type = API_T_ID, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(sz_id)
#define GREEN_F_STRING(n, T, m, fl) \
	.name = (n), .type = API_T_STRING, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(((T *)0)->m)
/* A factor-set digest: exactly 16 characters (hex checked by green_http_digest). */
#define GREEN_F_DIGEST(n, T, m) \
	.name = (n), .type = API_T_STRING, .offset = offsetof(T, m), .size = sizeof(((T *)0)->m), .umin = 16, \
	.invalid = "'%s' must be 16 lowercase hex digits"
#define GREEN_F_INT(n, T, m, fl, lo, hi) \
	.name = (n), .type = API_T_INT, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(((T *)0)->m), \
	.min = (lo), .max = (hi), .invalid = "'%s' must be an integer in range"
/* An exact decimal of at most `decimals` fraction digits (negative_ok: a
 * leading '-'); code field_invalid as every green figure. */
#define GREEN_F_DEC(n, T, m, fl, decimals, negative_ok) \
	.name = (n), .type = API_T_DECIMAL, .flags = (fl), .offset = offsetof(T, m), \
	.size = sizeof(struct api_decimal), .umax = (decimals), .min = (negative_ok) ? -1 : 0, .code = "field_invalid", \
	.invalid = "'%s' must be a decimal string with limited decimals"
#define GREEN_F_AMOUNT(n, T, m, fl) \
	.name = (n), .type = API_T_AMOUNT, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(uint64_t), \
	.currency = GREEN_HTTP_CNY, .umax = INT64_MAX, .invalid = "'%s' must be a CNY decimal string (2 decimals at most)"
#define GREEN_F_ENUM(n, T, m, fl, names_, base_, dflt_) \
	.name = (n), .type = API_T_ENUM, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(((T *)0)->m), \
	.names = (names_), .base = (base_), .dflt = (dflt_), .invalid = "'%s' is not one of the accepted names"
#define GREEN_F_BOOL(n, T, m, fl) \
	.name = (n), .type = API_T_BOOL, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(bool), \
	.invalid = "'%s' must be true or false"
#define GREEN_F_LIST(n, T, m, fl, item_schema, item_type, lo, hi, invalid_) \
	.name = (n), .type = API_T_LIST, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(item_type), \
	.items = (item_schema), .umin = (lo), .umax = (hi), .invalid = (invalid_)
#define GREEN_F_OBJECT(n, T, m, fl, schema_) \
	.name = (n), .type = API_T_OBJECT, .flags = (fl), .offset = offsetof(T, m), .size = sizeof(((T *)0)->m), \
	.items = (schema_), .invalid = "'%s' must be an object"
/* Sets the bool T.given when the field is in the body (with API_F_PRESENT). */
#define GREEN_GIVEN(T, given) .present_offset = offsetof(T, given)

/* ---- http.c: state, path parameters, scope, submission ---- */

/* The green state of the server's engine (never NULL). */
const struct green_domain_state *green_http_state(const struct api_request *r);
/* Path parameter index as an id, a year 1990-2100, a non-zero tenant id;
 * false after answering the problem. */
bool green_http_param_id(struct api_request *r, uint32_t index, sz_id *out);
bool green_http_param_year(struct api_request *r, uint32_t index, int32_t *out);
bool green_http_param_u64(struct api_request *r, uint32_t index, uint64_t *out);
/* Read scope: a merchant reads only its own enterprise; an operator only
 * its own bank; central bank, regulator, auditor and admin read all. */
bool green_http_can_read_enterprise(const struct api_principal *p, sz_id enterprise);
bool green_http_can_read_bank(const struct api_principal *p, uint64_t bank);
/* True if the one result is ok or exists; otherwise answers the problem. */
bool green_http_done_ok(struct api_request *r, const uint32_t *results, uint32_t count);
/* A decoded decimal (its fraction digits already bounded by the schema) as
 * an integer in units of 10^-decimals; false after answering field_invalid
 * "'name' is too large" when it does not fit an int64. */
bool green_http_fixed(struct api_request *r, const char *name, const struct api_decimal *d, uint32_t decimals,
		      int64_t *out);
/* A factor-set digest: "" (absent) is 0, else exactly 16 lowercase hex
 * digits (the schema bounds the length); false after answering. */
bool green_http_digest(struct api_request *r, const char *name, const char text[17], uint64_t *out);

/* ---- http_render.c: the JSON forms of green records ---- */

extern const char *const green_http_tier_names[];     /* fuel tiers, NULL-terminated */
extern const char *const green_http_evidence_names[]; /* enum green_dq_evidence - 1 */
extern const char *const green_http_cerf_area_names[];

json_t *green_json_digest(uint64_t digest);
json_t *green_json_dec(green_dec v);
json_t *green_json_factor_set(const green_factor_set *set, const struct green_active_set *a);
json_t *green_json_active_set(const struct green_active_set *a);
json_t *green_json_factor_rows(const green_factor_set *set);
json_t *green_json_account(const struct green_domain_state *g, const green_account *a,
			   const green_account_result *res, const struct green_account_meta *m);
json_t *green_json_restatement(const green_restatement *rs);
json_t *green_json_policy(const green_pricing_policy *p);
json_t *green_json_loan(const struct green_loan *l);
json_t *green_json_cerf(const struct green_cerf_record *c);
json_t *green_json_tag(const struct green_domain_state *g, const struct green_tag_record *t);
json_t *green_json_position(const struct green_position_record *p);
json_t *green_json_book(uint64_t bank, const green_pcaf_book *book, json_t *positions, bool truncated);
json_t *green_json_taxonomy(const green_taxonomy *tax);

/* ---- request schemas and handlers (http_account.c, http_finance.c) ---- */

extern const struct api_schema green_activate_schema, green_account_schema, green_restate_schema, green_esg_schema;
extern const struct api_schema green_policy_schema, green_price_schema, green_cerf_schema, green_position_schema,
	green_tag_schema;

void green_handle_factors_list(struct api_request *r);
void green_handle_factor_set_get(struct api_request *r);
void green_handle_factor_activate(struct api_request *r);
void green_handle_account_submit(struct api_request *r);
void green_handle_account_get(struct api_request *r);
void green_handle_account_restatements(struct api_request *r);
void green_handle_account_restate(struct api_request *r);
void green_handle_account_esg(struct api_request *r);
void green_handle_cert_get(struct api_request *r);
void green_handle_policy_set(struct api_request *r);
void green_handle_policy_get(struct api_request *r);
void green_handle_loan_price(struct api_request *r);
void green_handle_loan_get(struct api_request *r);
void green_handle_loan_cerf(struct api_request *r);
void green_handle_position_add(struct api_request *r);
void green_handle_book_get(struct api_request *r);
void green_handle_tag(struct api_request *r);
void green_handle_tag_get(struct api_request *r);
void green_handle_taxonomy(struct api_request *r);

#endif
