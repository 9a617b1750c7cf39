/*
 * problem.c — RFC 9457 problem details and the stable problem codes.
 *
 * Owns the table of API-level problem codes (each with its HTTP status and
 * title) and the mapping of command results (ledger and domain codes, named
 * by auth_result_name / sz_result_name) to HTTP statuses: ledger and auth
 * results by the switch below, domain results by the class each domain
 * registers for them (sz_result_class: not found 404, conflict 409, else
 * 422). Codes are part of the API: never rename one; add new ones at the end.
 * A problem document: {"type": "/docs/problems#<code>", "title", "status",
 * "code", "detail", "instance"} with content type application/problem+json.
 */
#include "api/api.h"
#include "core/assert.h"
#include "core/results.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct problem {
	const char *code;
	unsigned status;
	const char *title;
};

static const struct problem problems[] = {
	{ "invalid_json", 400, "The body is not valid JSON" },
	{ "json_too_deep", 400, "The JSON document nests too deeply" },
	{ "body_too_large", 413, "The request body is too large" },
	{ "body_required", 400, "The request needs a body" },
	{ "field_missing", 400, "A required field is missing" },
	{ "field_unknown", 400, "The request has a field this route does not know" },
	{ "field_invalid", 400, "A field has the wrong type or value" },
	{ "amount_invalid", 400, "The amount is not a valid decimal string for its currency" },
	{ "id_invalid", 400, "An id is not a valid 128-bit id string" },
	{ "batch_empty", 400, "The batch has no records" },
	{ "batch_too_large", 413, "The batch has too many records" },
	{ "record_size_invalid", 400, "The binary body is not a whole number of records" },
	{ "unsupported_media_type", 415, "The content type is not accepted by this route" },
	{ "cursor_invalid", 400, "The cursor is not one this server issued for this list" },
	{ "limit_invalid", 400, "The page limit is out of range" },
	{ "query_invalid", 400, "A query parameter is missing or invalid" },
	{ "unauthorized", 401, "A valid bearer token or session cookie is required" },
	{ "forbidden", 403, "The token's role may not use this route" },
	{ "out_of_scope", 403, "The account belongs to another tenant or owner" },
	{ "not_found", 404, "No such resource" },
	{ "account_not_found", 404, "The account does not exist" },
	{ "transfer_not_found", 404, "The transfer does not exist" },
	{ "method_not_allowed", 405, "The path does not accept this method" },
	{ "not_ready", 503, "The server is starting or draining" },
	{ "engine_failed", 503, "The engine stopped after a durability failure" },
	{ "internal", 500, "Internal error" },
	{ "log_corrupt", 500, "A log record failed its checksum: the server refuses to answer from it" },
	{ "domain_account", 403, "The account belongs to the currency or contract domain: only their routes move it" },
	{ "uri_too_long", 414, "The request target is too long" },
	{ "headers_too_large", 431, "The request has too many or too long header fields" },
	{ "path_invalid", 400, "The request target is not a valid path" },
	{ "idempotency_key_conflict", 409, "The Idempotency-Key header and the id in the body differ" },
};
#define PROBLEM_COUNT (sizeof problems / sizeof problems[0])

const char *const api_problem_codes[] = {
	"invalid_json", "json_too_deep", "body_too_large", "body_required", "field_missing",
	"field_unknown", "field_invalid", "amount_invalid", "id_invalid", "batch_empty",
	"batch_too_large", "record_size_invalid", "unsupported_media_type", "cursor_invalid",
	"limit_invalid", "query_invalid", "unauthorized", "forbidden", "out_of_scope", "not_found",
	"account_not_found", "transfer_not_found", "method_not_allowed", "not_ready",
	"engine_failed", "internal", "log_corrupt", "domain_account", "uri_too_long", "headers_too_large",
	"path_invalid", "idempotency_key_conflict", NULL,
};

static const struct problem *problem_find(const char *code)
{
	for (size_t i = 0; i < PROBLEM_COUNT; i++)
		if (strcmp(problems[i].code, code) == 0)
			return &problems[i];
	return NULL;
}

unsigned api_problem_status(const char *code)
{
	const struct problem *p = problem_find(code);
	return p ? p->status : 0;
}

unsigned api_result_status(uint32_t result)
{
	switch (result) {
	case SZ_R_OK: return 201;
	case SZ_R_EXISTS: return 200;
	case SZ_R_EXISTS_WITH_DIFFERENT_FIELDS:
	case SZ_R_PENDING_ALREADY_POSTED:
	case SZ_R_PENDING_ALREADY_VOIDED:
	case SZ_R_PENDING_EXPIRED:
	case AUTH_R_TOKEN_HASH_TAKEN:
		return 409;
	case SZ_R_DENIED: return 403;
	case AUTH_R_TOKEN_NOT_FOUND: return 404;
	case SZ_R_LIMIT_REACHED: return 507;
	}
	/* Domain results: each domain classes its own codes (core/results.h). */
	switch (sz_result_class(result)) {
	case SZ_RESULT_CLASS_NOT_FOUND: return 404;
	case SZ_RESULT_CLASS_CONFLICT: return 409;
	case SZ_RESULT_CLASS_REJECTED: break;
	}
	return 422;
}

static void problem_send(struct api_request *r, unsigned status, const char *code,
			 const char *title, const char *detail)
{
	json_t *doc = json_object();
	char type[96];
	/* docs/problems.md (served at /docs/problems) has an anchor per API
	 * code; command results share one, with their meaning per route. */
	snprintf(type, sizeof type, "/docs/problems#%s", problem_find(code) ? code : "command-results");
	json_object_set_new(doc, "type", json_string(type));
	json_object_set_new(doc, "title", json_string(title));
	json_object_set_new(doc, "status", json_integer(status));
	json_object_set_new(doc, "code", json_string(code));
	if (detail != NULL && detail[0] != '\0')
		json_object_set_new(doc, "detail", json_string(detail));
	if (r->url != NULL)
		json_object_set_new(doc, "instance", json_string(r->url));
	char *text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	SZ_ASSERT(text != NULL);
	api_reply_bytes(r, status, "application/problem+json", text, strlen(text));
	free(text);
	if (status == 401)
		r->auth_challenge = true;
}

void api_problem_custom(struct api_request *r, unsigned status, const char *code, const char *title,
			const char *detail)
{
	SZ_ASSERT(status >= 400 && status < 600);
	SZ_ASSERT(code != NULL && title != NULL);
	problem_send(r, status, code, title, detail);
}

void api_problem(struct api_request *r, const char *code, const char *fmt, ...)
{
	const struct problem *p = problem_find(code);
	SZ_ASSERT(p != NULL);
	char detail[512] = "";
	if (fmt != NULL) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
	}
	problem_send(r, p->status, p->code, p->title, detail);
}

void api_problem_result(struct api_request *r, uint32_t result, const char *detail)
{
	SZ_ASSERT(result != SZ_R_OK);
	/* Ledger and domain results carry their own text; auth results do not. */
	const char *text = sz_result_text(result);
	if (result >= SZ_R_LEDGER_END_ && strcmp(text, "unknown result") == 0)
		text = "The command was rejected";
	problem_send(r, api_result_status(result), auth_result_name(result), text, detail);
}
