/*
 * http.h — the credit HTTP adapter's route table, the structs its request
 * schemas decode into, and the pure mappings from a decoded body to a
 * credit command (domain.h).
 *
 * Every /v1/credit route with a JSON body names its schema in the route
 * table (http.c); the one request codec (api/schema.h) decodes and checks
 * the body into the route's credit_*_in struct before the handler runs.
 * What the codec has no type for (a month "YYYY-MM", a SHA-256 in hex, a
 * base64 chunk, a resident ID number, a phone number, the unified social
 * credit code's check character, a grade year required with a grade) is
 * checked by the mapping functions below, which then build the command.
 * They take no api_request, state or clock: the handlers add what comes
 * from the path, the caller's principal and the state, and answer the
 * problem; fuzz/fuzz_credit_json.c drives the same schemas and mappings.
 *
 * Each mapping returns true with the command filled, or false with d->code
 * set to a problem code of api/problem.c (or, when d->uscc_invalid, the
 * credit_uscc_result_name of a malformed code, answered as a 400 of its
 * own) and d->detail to the text. d must start zeroed.
 * Never: read a clock, touch the engine, keep plaintext personal data
 * after returning (credit_map_enterprise wipes it from the decoded struct).
 */
#ifndef SZ_CREDIT_HTTP_H
#define SZ_CREDIT_HTTP_H

#include "credit/domain.h"

#include <stdbool.h>
#include <stdint.h>

struct api_route_table; /* api/api.h */
struct api_schema;      /* api/schema.h */

/* Every /v1/credit route (http.c); only the composition root names it. */
extern const struct api_route_table credit_route_table;

struct credit_dec {
	const char *code;       /* NULL while nothing has failed */
	bool uscc_invalid;      /* code is a credit_uscc_result_name */
	char detail[512];
};

/* The codec's storage of a list (api/schema.h struct api_list), declared
 * here with the same layout so that this header needs no api/ include. */
struct credit_in_list {
	void *items;
	uint32_t count;
};

/* A month as sent: "YYYY-MM" (checked by the mapping). */
#define CREDIT_MONTH_TEXT_SIZE 8u
/* A SHA-256 as sent: 64 hex digits. */
#define CREDIT_SHA256_TEXT_SIZE 65u
/* A model chunk as sent: base64 (with padding) of at most
 * CREDIT_MODEL_CHUNK_SIZE bytes, 4 characters per 3 bytes. */
#define CREDIT_CHUNK_TEXT_SIZE (4u * ((CREDIT_MODEL_CHUNK_SIZE + 2u) / 3u) + 1u)

/* ---- decoded bodies (one per schema) ---- */

struct credit_rep_in {
	char id_number[CREDIT_SEALED_PLAIN_SIZE];
	char phone[CREDIT_SEALED_PLAIN_SIZE];
};

struct credit_enterprise_in {
	sz_id id;
	char uscc[CREDIT_USCC_FIELD_SIZE]; /* register only (update: the path's) */
	char name[CREDIT_NAME_SIZE];
	char industry[CREDIT_INDUSTRY_SIZE];
	char district[CREDIT_DISTRICT_SIZE];
	uint64_t registered_capital_fen;
	int32_t founded_day;
	sz_id owner_id;
	uint32_t tags;
	struct credit_rep_in rep;
};

struct credit_tax_row_in {
	char month[CREDIT_MONTH_TEXT_SIZE];
	uint64_t tax_paid_fen;
};
struct credit_headcount_row_in {
	char month[CREDIT_MONTH_TEXT_SIZE];
	int64_t headcount;
};
struct credit_cash_row_in {
	char month[CREDIT_MONTH_TEXT_SIZE];
	uint64_t inflow_fen, outflow_fen;
};
struct credit_ip_item_in {
	char number[CREDIT_IP_NUMBER_SIZE];
	uint16_t kind;
	int32_t granted_day;
	bool pledged;
};

/* Every feed kind's fields; a kind's schema names only its own. */
struct credit_feed_in {
	sz_id id;
	char source[CREDIT_SOURCE_SIZE];
	int32_t as_of_day;
	char grade[4];                  /* tax */
	int32_t grade_year;             /* tax: required when grade is given */
	bool grade_year_given;
	struct credit_in_list months;   /* tax, headcount, cashflow rows */
	struct credit_in_list items;    /* ip */
	int64_t points;                 /* innovation */
	uint16_t kind;                  /* negative */
	char reference[CREDIT_REFERENCE_SIZE];
	char summary[CREDIT_SUMMARY_SIZE];
	uint64_t amount_fen;
	int32_t conduct_ended_day;
};

struct credit_cashflow_request_in {
	sz_id id;
	char from[CREDIT_MONTH_TEXT_SIZE];
	char to[CREDIT_MONTH_TEXT_SIZE];
	uint32_t currency;              /* 0 = not given: CNY */
};

struct credit_authorize_in {
	sz_id id;
	uint16_t purpose;
	uint64_t tenant_id;
	int32_t expires_day;
};

/* revoke, watch */
struct credit_id_in {
	sz_id id;
};

struct credit_query_in {
	sz_id id;
	uint16_t purpose;
	uint16_t kind;                  /* score: enum credit_query_kind, default scorecard */
	char model_version[CREDIT_VERSION_SIZE];
};

struct credit_objection_in {
	sz_id id;
	sz_id record_id;
	char reason[CREDIT_TEXT_SIZE];
};

struct credit_resolve_in {
	sz_id id;
	char reply[CREDIT_TEXT_SIZE];
	uint16_t outcome;
};

struct credit_model_chunk_in {
	sz_id id;
	uint16_t index;
	uint16_t count;
	uint32_t total_size;
	char sha256[CREDIT_SHA256_TEXT_SIZE];
	char data[CREDIT_CHUNK_TEXT_SIZE];
};

struct credit_model_activate_in {
	sz_id id;
	char sha256[CREDIT_SHA256_TEXT_SIZE];
};

/* ---- schemas (http_enterprises.c, http_queries.c, http_models.c) ---- */

extern const struct api_schema credit_register_schema, credit_update_schema;
extern const struct api_schema credit_feed_tax_schema, credit_feed_headcount_schema, credit_feed_cashflow_schema,
	credit_feed_ip_schema, credit_feed_innovation_schema, credit_feed_negative_schema;
/* the same, indexed by enum credit_feed_kind */
extern const struct api_schema *const credit_feed_schemas[CREDIT_FEED_KIND_COUNT];
extern const struct api_schema credit_cashflow_request_schema, credit_authorize_schema, credit_id_schema,
	credit_report_schema, credit_score_schema, credit_objection_schema, credit_resolve_schema,
	credit_model_chunk_schema, credit_model_activate_schema;

/* ---- mappings ---- */

/* Register (path_uscc NULL: the code is in->uscc) or update (the code of
 * the path). Personal fields are sealed under keys derived from secret (see
 * http_internal.h); in->rep is wiped either way. */
bool credit_map_enterprise(struct credit_dec *d, struct credit_enterprise_in *in, const char *path_uscc,
			   const uint8_t secret[32], struct credit_enterprise_cmd *c);

/* A feed of kind (enum credit_feed_kind) for the enterprise uscc (18 valid
 * characters, from the path). body has room for the largest feed command;
 * *cmd_kind and *size say which one it holds. */
bool credit_map_feed(struct credit_dec *d, uint32_t kind, const struct credit_feed_in *in, const char *uscc,
		     uint16_t *cmd_kind, void *body, uint32_t *size);

/* A cash-flow summary request: months from..to (1 to 12 in order) and the
 * currency (CNY if not given). */
bool credit_map_cashflow_request(struct credit_dec *d, const struct credit_cashflow_request_in *in, int32_t *from,
				 int32_t *to, uint32_t *currency);

/* An authorization of the enterprise uscc, granted by token_id. */
void credit_map_authorize(const struct credit_authorize_in *in, const char *uscc, sz_id token_id,
			  struct credit_authorize_cmd *c);

/* A report (score false: kind report) or score request; the caller sets
 * uscc, tenant_id and user_token_id. */
void credit_map_query(const struct credit_query_in *in, bool score, struct credit_query_cmd *c);

/* A model chunk or activation: c zeroed but for the version (from the path). */
bool credit_map_model_chunk(struct credit_dec *d, const struct credit_model_chunk_in *in,
			    struct credit_model_chunk_cmd *c);
bool credit_map_model_activate(struct credit_dec *d, const struct credit_model_activate_in *in,
			       struct credit_model_activate_cmd *c);

/* "YYYY-MM" -> year * 12 + month - 1 (years 1900 on); -1 if malformed. */
int32_t credit_http_parse_month(const char *text);

#endif
