/*
 * http.c — the green domain's HTTP adapter: its route table (/v1/green/...,
 * with each route's roles and request schema) and what every handler
 * shares: the engine's green state, path parameters, read scope, decimal
 * scaling and the answer to a submitted command. The handlers are in
 * http_account.c (factor sets, carbon accounts, ESG, certificates) and
 * http_finance.c (pricing, loans, CERF, PCAF, taxonomy); the JSON forms in
 * http_render.c. No business rule is decided here: everything that depends
 * on state is decided by the domain in apply.
 *
 * Scope: an enterprise (merchant role) submits and reads its own accounts
 * (owner id = enterprise id); an operator (bank) acts for its own tenant and
 * reads its own loans and book; regulator, auditor, central bank and admin
 * read everything. Out-of-scope reads of single records answer not_found.
 */
#include "api/api.h"
#include "green/http.h"
#include "green/http_internal.h"

#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"

#include <stdlib.h>
#include <string.h>

const struct green_domain_state *green_http_state(const struct api_request *r)
{
	const struct green_domain_state *g = green_state_get(sz_engine_state(r->server->engine));
	SZ_ASSERT(g != NULL);
	return g;
}

/* ---- path parameters ---------------------------------------------------------------- */

bool green_http_param_id(struct api_request *r, uint32_t index, sz_id *out)
{
	const char *text = api_param(r, index);
	if (sz_id_parse(text, strlen(text), out, 0) == 0)
		return true;
	api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
	return false;
}

bool green_http_param_year(struct api_request *r, uint32_t index, int32_t *out)
{
	const char *text = api_param(r, index);
	uint64_t v = 0;
	if (sz_u64_parse(text, strlen(text), &v) == 0 && v >= 1990 && v <= 2100) {
		*out = (int32_t)v;
		return true;
	}
	api_problem(r, "field_invalid", "period '%s' must be a year 1990-2100", text);
	return false;
}

bool green_http_param_u64(struct api_request *r, uint32_t index, uint64_t *out)
{
	const char *text = api_param(r, index);
	if (sz_u64_parse(text, strlen(text), out) == 0 && *out != 0)
		return true;
	api_problem(r, "id_invalid", "'%s' is not a non-zero tenant id", text);
	return false;
}

/* ---- scope ---------------------------------------------------------------------------- */

static bool is_reader_of_all(const struct api_principal *p)
{
	return p->role == API_ROLE_CENTRAL_BANK || p->role == API_ROLE_REGULATOR || p->role == API_ROLE_AUDITOR ||
	       p->role == API_ROLE_ADMIN;
}

bool green_http_can_read_enterprise(const struct api_principal *p, sz_id enterprise)
{
	if (p->role == API_ROLE_MERCHANT)
		return sz_id_eq(p->owner_id, enterprise);
	return true; /* banks read accounts of borrowers; readers read all */
}

bool green_http_can_read_bank(const struct api_principal *p, uint64_t bank)
{
	return is_reader_of_all(p) || (p->role == API_ROLE_OPERATOR && p->tenant_id == bank);
}

/* ---- decoded values and submission ------------------------------------------------------ */

bool green_http_fixed(struct api_request *r, const char *name, const struct api_decimal *d, uint32_t decimals,
		      int64_t *out)
{
	SZ_ASSERT(d->scale <= decimals);
	uint64_t magnitude = d->magnitude;
	for (uint32_t i = d->scale; i < decimals; i++)
		if (__builtin_mul_overflow(magnitude, 10u, &magnitude))
			goto too_large;
	if (magnitude > (uint64_t)INT64_MAX)
		goto too_large;
	*out = d->negative ? -(int64_t)magnitude : (int64_t)magnitude;
	return true;
too_large:
	api_problem(r, "field_invalid", "'%s' is too large", name);
	return false;
}

bool green_http_digest(struct api_request *r, const char *name, const char text[17], uint64_t *out)
{
	*out = 0;
	if (text[0] == '\0')
		return true;
	if (strlen(text) != 16 || strspn(text, "0123456789abcdef") != 16) {
		api_problem(r, "field_invalid", "'%s' must be 16 lowercase hex digits", name);
		return false;
	}
	*out = strtoull(text, NULL, 16);
	return true;
}

/* True if the result is ok or exists; otherwise answers the problem. */
bool green_http_done_ok(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] == SZ_R_OK || results[0] == SZ_R_EXISTS)
		return true;
	api_problem_result(r, results[0], NULL);
	return false;
}

/* ---- the route table -------------------------------------------------------------------- */

#define BANK_READERS (API_OP | API_CB | API_RG | API_AU | API_AD)

static const struct api_route green_routes[] = {
	{ "GET", "/v1/green/factors", API_READERS, API_BODY_NONE, green_handle_factors_list,
	  "loaded and active emission-factor sets", NULL },
	{ "GET", "/v1/green/factors/{version}", API_READERS, API_BODY_NONE, green_handle_factor_set_get,
	  "a factor set's values with provenance", NULL },
	{ "POST", "/v1/green/factors/{version}/activate", API_CB | API_AD, API_BODY_JSON, green_handle_factor_activate,
	  "activate a loaded factor set, pinned by digest", &green_activate_schema },
	{ "POST", "/v1/green/accounts", API_ME, API_BODY_JSON, green_handle_account_submit,
	  "submit an enterprise's carbon account for a period", &green_account_schema },
	{ "GET", "/v1/green/accounts/{enterprise}/{period}", API_READERS, API_BODY_NONE, green_handle_account_get,
	  "a carbon account's result, grade, data quality and ESG", NULL },
	{ "GET", "/v1/green/accounts/{enterprise}/{period}/restatements", API_READERS, API_BODY_NONE,
	  green_handle_account_restatements, "an account's restatements, before and after", NULL },
	{ "POST", "/v1/green/accounts/{enterprise}/{period}/restate", API_ME | API_AD, API_BODY_JSON, green_handle_account_restate,
	  "restate an account under a newer factor set", &green_restate_schema },
	{ "POST", "/v1/green/accounts/{enterprise}/{period}/esg", API_OP, API_BODY_JSON, green_handle_account_esg,
	  "score an account's ESG against its peers", &green_esg_schema },
	{ "GET", "/v1/green/certificates/{serial}", API_READERS, API_BODY_NONE, green_handle_cert_get,
	  "who claimed a green-power certificate", NULL },
	{ "POST", "/v1/green/pricing/policies", API_OP, API_BODY_JSON, green_handle_policy_set,
	  "set the bank's carbon-linked pricing policy", &green_policy_schema },
	{ "GET", "/v1/green/pricing/policies/{bank}", BANK_READERS, API_BODY_NONE, green_handle_policy_get,
	  "a bank's pricing policy", NULL },
	{ "POST", "/v1/green/loans/{id}/price", API_OP, API_BODY_JSON, green_handle_loan_price,
	  "price a carbon-reduction loan with pinned terms", &green_price_schema },
	{ "GET", "/v1/green/loans/{id}", BANK_READERS, API_BODY_NONE, green_handle_loan_get,
	  "a loan's pinned terms, tag, CERF and position", NULL },
	{ "POST", "/v1/green/loans/{id}/cerf", API_OP, API_BODY_JSON, green_handle_loan_cerf,
	  "assess a loan under the PBoC carbon-emission-reduction facility", &green_cerf_schema },
	{ "POST", "/v1/green/positions", API_OP, API_BODY_JSON, green_handle_position_add, "register a loan position for PCAF",
	  &green_position_schema },
	{ "GET", "/v1/green/books/{bank}/financed-emissions", BANK_READERS, API_BODY_NONE, green_handle_book_get,
	  "PCAF financed emissions of a bank's book", NULL },
	{ "POST", "/v1/green/tags", API_OP, API_BODY_JSON, green_handle_tag, "tag a loan or bond with a green taxonomy category",
	  &green_tag_schema },
	{ "GET", "/v1/green/tags/{id}", API_READERS, API_BODY_NONE, green_handle_tag_get, "an instrument's taxonomy tag", NULL },
	{ "GET", "/v1/green/taxonomy", API_READERS, API_BODY_NONE, green_handle_taxonomy,
	  "the 2025 catalogue and the 2021 mapping", NULL },
};

const struct api_route_table green_route_table = { "green", green_routes,
						   sizeof green_routes / sizeof green_routes[0] };
