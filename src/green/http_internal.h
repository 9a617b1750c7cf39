/*
 * http_internal.h — what the files of the green HTTP adapter share (the
 * route handlers in http_account.c and http_finance.c, path parameters,
 * scope and submission in http.c, JSON rendering in http_render.c,
 * body decoding in http_decode.c). Only src/green/http*.c include it.
 */
#ifndef SZ_GREEN_HTTP_INTERNAL_H
#define SZ_GREEN_HTTP_INTERNAL_H

#include "api/api.h"
#include "green/domain.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

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

/* ---- handlers (http_account.c, http_finance.c) ---- */

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
