/*
 * http_common.c — the credit routes' shared primitives: the state of a
 * request, result codes to problems, the JSON
 * forms of days, months, amounts and fixed-point figures, the enterprise
 * of the path in the caller's scope, paging, and the problems and month text
 * of the mappings from decoded bodies (http.h). Rules in http_internal.h.
 */
#include "credit/http_internal.h"

#include "api/api.h"
#include "api/codec.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const struct credit_domain_state *credit_http_state(const struct api_request *r)
{
	const struct credit_domain_state *c = credit_state_get(sz_engine_state(r->server->engine));
	SZ_ASSERT(c != NULL);
	return c;
}

uint64_t credit_http_wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- problems ------------------------------------------------------------- */

unsigned credit_http_result_status(uint32_t result)
{
	switch (result) {
	case CREDIT_R_ENTERPRISE_NOT_FOUND:
	case CREDIT_R_AUTHORIZATION_NOT_FOUND:
	case CREDIT_R_RECORD_NOT_FOUND:
	case CREDIT_R_OBJECTION_NOT_FOUND:
	case CREDIT_R_MODEL_NOT_FOUND:
	case CREDIT_R_DECISION_NOT_FOUND:
		return 404;
	case CREDIT_R_AUTHORIZATION_REQUIRED:
		return 403;
	case CREDIT_R_ENTERPRISE_EXISTS:
	case CREDIT_R_OBJECTION_OPEN:
	case CREDIT_R_OBJECTION_RESOLVED:
	case CREDIT_R_MODEL_EXISTS:
	case CREDIT_R_WATCH_EXISTS:
	case CREDIT_R_AUTHORIZATION_REVOKED:
	case CREDIT_R_OUTCOME_RECORDED:
		return 409;
	}
	return api_result_status(result);
}

void credit_http_problem_result(struct api_request *r, uint32_t result)
{
	if (result < 400 || result > 499) {
		api_problem_result(r, result, NULL);
		return;
	}
	api_problem_custom(r, credit_http_result_status(result), sz_result_name(result), sz_result_text(result), NULL);
}

bool credit_http_done_ok(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] == SZ_R_OK || results[0] == SZ_R_EXISTS)
		return true;
	credit_http_problem_result(r, results[0]);
	return false;
}

/* ---- problems of the mappings ------------------------------------------------ */

_Static_assert(sizeof(struct credit_in_list) == sizeof(struct api_list) &&
		       offsetof(struct credit_in_list, items) == offsetof(struct api_list, items) &&
		       offsetof(struct credit_in_list, count) == offsetof(struct api_list, count),
	       "credit_in_list is the codec's api_list");

bool credit_dec_fail(struct credit_dec *d, const char *code, const char *fmt, const char *key)
{
	SZ_ASSERT(code != NULL);
	if (d->code != NULL)
		return false;
	d->code = code;
	snprintf(d->detail, sizeof d->detail, fmt, key);
	return false;
}

bool credit_dec_answer(struct api_request *r, struct credit_dec *d)
{
	if (d->code == NULL)
		return true;
	if (d->uscc_invalid)
		api_problem_custom(r, 400, d->code, "The unified social credit code is invalid", d->detail);
	else
		api_problem(r, d->code, "%s", d->detail);
	return false;
}

/* "YYYY-MM" -> year * 12 + month - 1; -1 if malformed. */
int32_t credit_http_parse_month(const char *text)
{
	int y, m, n = 0;
	if (strlen(text) != 7 || sscanf(text, "%4d-%2d%n", &y, &m, &n) != 2 || n != 7 || m < 1 || m > 12 || y < 1900)
		return -1;
	return y * 12 + m - 1;
}

void credit_http_format_day(int32_t day, char out[16])
{
	int32_t y;
	uint32_t m, dd;
	credit_civil_from_day(day, &y, &m, &dd);
	snprintf(out, 16, "%04d-%02u-%02u", y, m, dd);
}

json_t *credit_json_day(int32_t day)
{
	if (day <= 0)
		return json_null();
	char text[16];
	credit_http_format_day(day, text);
	return json_string(text);
}

json_t *credit_json_month(int32_t month)
{
	char text[16];
	snprintf(text, sizeof text, "%04d-%02d", month / 12, month % 12 + 1);
	return json_string(text);
}

json_t *credit_json_fen(int64_t fen)
{
	return api_json_amount_string(fen < 0 ? 0 : (uint64_t)fen, sz_currency_code("CNY"));
}

json_t *credit_json_id(sz_id id) { return api_json_string_id(id); }
json_t *credit_json_ns(uint64_t ns) { return ns ? api_json_string_u64(ns) : json_null(); }
json_t *credit_json_str(const char *s) { return s ? json_string(s) : json_null(); }

json_t *credit_json_hex(const uint8_t *bytes, size_t size)
{
	char hex[129];
	SZ_ASSERT(size <= 64);
	sodium_bin2hex(hex, sizeof hex, bytes, size);
	return json_string(hex);
}

json_t *credit_json_number(double x)
{
	return isnan(x) ? json_null() : json_real(round(x * 10000.0) / 10000.0);
}

/* A fixed-point figure of the decision (scorecard.h scales) as a JSON
 * number; null when missing. */
json_t *credit_json_fixed(int64_t value, int64_t scale)
{
	if (value == SCORECARD_VALUE_MISSING)
		return json_null();
	return json_real((double)value / (double)scale);
}

/* ---- the enterprise of the path, in scope --------------------------------------- */

/* The detail of a bad code: the expected character for a wrong check
 * character (18th, GB 32100) or organization-code check character (17th,
 * GB 11714), the position of a character outside the alphabet. */
void credit_http_uscc_text(enum credit_uscc_result v, const credit_uscc_detail *detail, char *out, size_t size)
{
	SZ_ASSERT(v != CREDIT_USCC_OK);
	SZ_ASSERT(out != NULL && size > 0);
	if (v == CREDIT_USCC_BAD_CHECK || v == CREDIT_USCC_BAD_ORG_CHECK)
		snprintf(out, size, "%s: the %s should be '%c'", credit_uscc_result_text(v),
			 v == CREDIT_USCC_BAD_CHECK ? "check character (18th)" : "organization check character (17th)",
			 detail->expected);
	else if (v == CREDIT_USCC_BAD_CHARACTER)
		snprintf(out, size, "%s (position %u)", credit_uscc_result_text(v), detail->position);
	else
		snprintf(out, size, "%s", credit_uscc_result_text(v));
}

/* The enterprise named by path parameter 0 in the caller's scope; answers
 * 400 (bad code, with where the code is wrong) or 404 and returns -1. */
int64_t credit_http_path_enterprise(struct api_request *r)
{
	const char *uscc = api_param(r, 0);
	credit_uscc_detail detail;
	enum credit_uscc_result v = credit_uscc_validate(uscc, strlen(uscc), &detail);
	if (v != CREDIT_USCC_OK) {
		char text[256];
		credit_http_uscc_text(v, &detail, text, sizeof text);
		api_problem_custom(r, 400, credit_uscc_result_name(v), "The unified social credit code is invalid", text);
		return -1;
	}
	const struct credit_domain_state *c = credit_http_state(r);
	int64_t i = credit_enterprise_find(c, uscc);
	if (i >= 0 && r->principal.role == API_ROLE_MERCHANT &&
	    !sz_id_eq(credit_enterprise_at(c, (uint32_t)i)->info.owner_id, r->principal.owner_id))
		i = -1;
	if (i < 0) {
		credit_http_problem_result(r, CREDIT_R_ENTERPRISE_NOT_FOUND);
		return -1;
	}
	return i;
}

void credit_http_copy_uscc(char out[CREDIT_USCC_FIELD_SIZE], const char *uscc)
{
	memset(out, 0, CREDIT_USCC_FIELD_SIZE);
	memcpy(out, uscc, CREDIT_USCC_SIZE);
}

/* ?limit and ?cursor (an index + 1 to continue after); 0 after answering. */
bool credit_http_page_args(struct api_request *r, uint32_t *limit, uint64_t *cursor)
{
	*limit = SZ_API_PAGE_ROW_COUNT_DEFAULT;
	*cursor = 0;
	const char *text = api_query(r, "limit");
	uint64_t v;
	if (text && (sz_u64_parse(text, strlen(text), &v) || v == 0 || v > SZ_PAGE_ROW_COUNT_MAX)) {
		api_problem(r, "limit_invalid", "limit must be from 1 to %u", SZ_PAGE_ROW_COUNT_MAX);
		return false;
	}
	if (text)
		*limit = (uint32_t)v;
	text = api_query(r, "cursor");
	if (text && (sz_u64_parse(text, strlen(text), cursor) || *cursor == 0)) {
		api_problem(r, "cursor_invalid", "use next_cursor from the previous page");
		return false;
	}
	return true;
}

bool credit_http_list_args(struct api_request *r, const struct credit_domain_state *c, int64_t *only,
			   uint32_t *limit, uint64_t *cursor)
{
	const char *uscc = api_query(r, "enterprise");
	*only = -1;
	if (uscc != NULL && (*only = credit_enterprise_find(c, uscc)) < 0) {
		credit_http_problem_result(r, CREDIT_R_ENTERPRISE_NOT_FOUND);
		return false;
	}
	return credit_http_page_args(r, limit, cursor);
}
