/*
 * api.h — the HTTP/JSON API: server, requests, the route table and helpers.
 *
 * Owns: struct api_server (the MHD daemon, the engine, the secret, metrics),
 * struct api_request (one HTTP request from first byte to completion), route
 * tables (method, path pattern, roles, body, handler, request schema: the
 * platform's own in router.c, each domain's registered at start) and the
 * helpers handlers use to answer: JSON, problem+json, binary, or a
 * submission to the engine whose reply is sent from the engine's done
 * callback. A route with a schema gets its body decoded by the one request
 * codec (schema.h) into r->in before its handler runs.
 *
 * Threads: everything runs on the server's one thread (the engine thread).
 * Lifecycle of a request: routed and authenticated on its first callback;
 * body collected (bounded by the route's limit) and decoded by the route's
 * schema; the handler either answers
 * at once or submits commands and the connection is suspended until the
 * batch is durable and applied; then the answer is queued.
 * Never: reply to a write before its batch is durable; apply business rules
 * that belong to the engine (the API checks shape, authority and scope);
 * name a domain (domains include this header from their http*.c adapters).
 */
#ifndef SZ_API_H
#define SZ_API_H

#include "api/auth.h"
#include "api/config.h"
#include "api/schema.h"
#include "core/limits.h"
#include "engine/engine.h"
#include "szfin/szfin.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct MHD_Connection;
struct MHD_Daemon;
struct api_request;
struct api_metrics;

/* Who is calling: from the bearer token (role API_ROLE_COUNT = anonymous). */
struct api_principal {
	uint32_t role;
	uint64_t tenant_id;
	sz_id owner_id;
	sz_id token_id;
};

typedef void (*api_handler_fn)(struct api_request *r);
typedef void (*api_done_fn)(struct api_request *r, const uint32_t *results, uint32_t count);

enum api_body { API_BODY_NONE = 0, API_BODY_JSON = 1, API_BODY_BINARY = 2 };

struct api_route {
	const char *method;
	const char *path;      /* "/v1/accounts/{id}"; {name} matches one segment */
	uint32_t roles;        /* API_ROLE_BIT mask; 0 = public */
	enum api_body body;
	api_handler_fn handler;
	const char *summary;
	const struct api_schema *schema; /* JSON body decoded into r->in before the handler; NULL = none */
};

/* A set of routes: the platform's own (router.c) or one domain's (its
 * src/<domain>/http.c exports `<domain>_route_table`). */
/* Route-table entries without a body and with a JSON body decoded by schema_. */
#define API_GET(path_, roles_, handler_, summary_)                                                          \
	{ .method = "GET", .path = (path_), .roles = (roles_), .body = API_BODY_NONE, .handler = (handler_), \
	  .summary = (summary_), .schema = NULL }
#define API_POST(path_, roles_, handler_, schema_, summary_)                                                 \
	{ .method = "POST", .path = (path_), .roles = (roles_), .body = API_BODY_JSON, .handler = (handler_), \
	  .summary = (summary_), .schema = (schema_) }

struct api_route_table {
	const char *domain;
	const struct api_route *routes;
	uint32_t count;
};

/* The platform's own routes: accounts, transfers, binary, tokens, whoami,
 * operations, static files (router.c). Always registered first. */
extern const struct api_route_table api_platform_route_table;

/* Route tables the router serves, registered once at start (by the
 * composition root, src/app/registry.c) before the server starts: at most
 * this many domain tables, a fixed bound so the router needs no allocation. */
#define API_ROUTE_TABLE_COUNT_MAX 32u

struct api_server {
	struct api_config config;
	struct sz_engine *engine;
	struct MHD_Daemon *daemon;
	uint8_t secret[32];
	uint16_t port;
	bool draining;
	bool ready;
	uint32_t waiting_count;       /* requests suspended on the engine */
	uint64_t start_ns;
	struct api_metrics *metrics;
	/* Secondary index: owner id -> accounts (lazily extended, see query.c). */
	uint32_t *owner_next;         /* per account: next account of the same owner, +1 */
	uint32_t *owner_head;         /* owner hash bucket -> newest account, +1 */
	uint32_t owner_bucket_count;
	uint32_t owner_indexed_count;
	uint32_t owner_capacity;
	uint8_t *scratch;             /* command buffer for one submission */
	uint32_t scratch_size;
};

enum api_request_state { API_REQ_NEW, API_REQ_BODY, API_REQ_WAITING, API_REQ_READY };

struct api_request {
	struct api_server *server;
	struct MHD_Connection *conn;
	const struct api_route *route;
	uint32_t route_index;
	const char *url;
	char params[SZ_API_PATH_PARAM_COUNT_MAX][SZ_API_PARAM_SIZE_MAX];
	uint32_t param_count;
	struct api_principal principal;
	uint32_t role_granted_from;   /* the caller's own role when it acts by a grant; API_ROLE_COUNT = none */
	enum api_request_state state;
	uint64_t start_ns;
	/* body */
	uint8_t *body;
	size_t body_size;
	size_t body_size_max;
	size_t body_capacity;         /* bytes allocated (Content-Length or the max) */
	bool body_too_large;
	/* answer */
	unsigned status;
	char *answer;
	size_t answer_size;
	const char *content_type;
	char location[128];
	bool auth_challenge;          /* 401: add WWW-Authenticate */
	char set_cookie[160];         /* Set-Cookie of a login or logout (session.c); "" = none */
	/* what a done callback needs to build the answer */
	api_done_fn on_done;
	uint32_t submitted_count;
	union {
		sz_transfer transfer;
		sz_account account;
		struct auth_token_cmd token;
		struct auth_revoke_cmd revoke;
		struct auth_role_cmd role;
		sz_account_flags_cmd flags;
	} u;
	void *extra;                  /* handler-owned, freed with the request */
	void *in;                     /* the body decoded by route->schema (schema.h), freed with the request */
	void *stream;                 /* an event stream the handler opened (events.h); its response owns it */
	char token_text[AUTH_TOKEN_TEXT_SIZE];
	/* X-Request-Id: the client's if sane, else made by the server; logged
	 * with the request and returned in the answer (http.c). */
	char request_id[72];
};

/* ---- answering (response.c / problem.c) -------------------------------- */

/* Answer with a JSON document (takes ownership of doc). */
void api_reply_json(struct api_request *r, unsigned status, json_t *doc);
/* Answer with bytes (copied). */
void api_reply_bytes(struct api_request *r, unsigned status, const char *content_type,
		     const void *data, size_t size);
/* RFC 9457 problem+json with a stable code; detail is printf-style. */
void api_problem(struct api_request *r, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Problem with a domain's own stable code (not in problem.c's table), e.g.
 * a domain command result named by the domain. */
void api_problem_custom(struct api_request *r, unsigned status, const char *code, const char *title,
			const char *detail);
/* Problem for a command result (ledger or auth) with its HTTP status. */
void api_problem_result(struct api_request *r, uint32_t result, const char *detail);
/* HTTP status of a command result (201 ok, 200 exists, 4xx otherwise). */
unsigned api_result_status(uint32_t result);
/* HTTP status of a problem code; 0 if the code is unknown. */
unsigned api_problem_status(const char *code);
/* Every problem code (NULL-terminated list) for docs and tests. */
extern const char *const api_problem_codes[];

/* Submit count commands (size bytes); on_done runs after they are durable
 * and applied. Answers 503 itself if the engine refuses. */
void api_submit(struct api_request *r, const void *commands, uint32_t size, uint32_t count,
		api_done_fn on_done);

/* Submit one command (kind + body copied into r->extra, which the request
 * owns); api_submitted_body gives the body back in the done callback. */
void api_submit_one(struct api_request *r, uint16_t kind, const void *body, uint32_t size, api_done_fn on_done);
const void *api_submitted_body(const struct api_request *r);

/* ---- request helpers (http.c) ------------------------------------------ */

/* Query parameter or NULL. */
const char *api_query(struct api_request *r, const char *name);
/* True if every query parameter is in allowed (NULL-terminated); otherwise
 * answers 400 query_invalid naming the first other one and returns false. */
bool api_query_only(struct api_request *r, const char *const *allowed);
/* Parse the body as a JSON object under the depth limit; on failure answers
 * with a problem and returns NULL. The caller owns the result. */
json_t *api_body_json(struct api_request *r);
const char *api_param(const struct api_request *r, uint32_t index);

/* ---- scope (scope.c) --------------------------------------------------- */

bool api_scope_can_read(const struct api_principal *p, const sz_account *a);
bool api_scope_can_debit(const struct api_principal *p, const sz_account *a);
/* May p create an account with this tenant and owner? */
bool api_scope_can_create(const struct api_principal *p, const sz_account *a);
/* The domain that owns account a (existing or about to be created), asked
 * through the domain descriptors (sz_state_account_owner); NULL if none.
 * Raw ledger routes refuse such accounts with domain_account. */
const char *api_account_owner(const struct api_request *r, const sz_account *a);

/* ---- JSON codec (json.c) ----------------------------------------------- */

/* Depth of the deepest array/object in text (strings skipped). */
uint32_t api_json_depth(const char *text, size_t size);
/* Field decoders below are kept only for domain routes not yet ported to the
 * one request codec (schema.h); new code declares a schema instead. */
/* Field decoders that keep the first failure: each returns true on success;
 * on failure it sets *code and detail only if no field failed before, and
 * returns false. fmt has one %s, the field's name. */
bool api_dec_fail(const char **code, char *detail, size_t detail_size, const char *new_code, const char *fmt,
		  const char *key);
/* Every key of o must be in allowed (NULL-terminated). */
bool api_dec_known(const char **code, char *detail, size_t detail_size, json_t *o, const char *const *allowed);
bool api_dec_id(const char **code, char *detail, size_t detail_size, json_t *o, const char *key, bool required,
		sz_id *out);
/* The same, answering the request with the problem on failure. */
bool api_keys_known(struct api_request *r, json_t *o, const char *const *keys, size_t count);
bool api_get_id(struct api_request *r, json_t *o, const char *key, bool required, sz_id *out);
/* An unsigned integer field (JSON integer or decimal string) up to max;
 * absent -> dflt. Answers field_invalid on failure. */
bool api_get_u64(struct api_request *r, json_t *o, const char *key, uint64_t max, uint64_t dflt, uint64_t *out);
/* Decode an id field (string) of o; absent and optional -> zero. */
int api_json_id(json_t *o, const char *key, bool required, sz_id *out, const char **code,
		char *detail, size_t detail_size);
/* Decode "amount" of o for a currency (exact, see codec.h). */
int api_json_amount(json_t *o, uint32_t currency, bool required, uint64_t *out,
		    const char **code, char *detail, size_t detail_size);
json_t *api_json_from_account(const sz_account *a);
json_t *api_json_from_transfer(const sz_transfer *t, int status);
json_t *api_json_string_id(sz_id id);
json_t *api_json_string_u64(uint64_t v);
/* Minor units as the currency's decimal string ("1234.56"). */
json_t *api_json_amount_string(uint64_t minor, uint32_t currency);
const char *api_transfer_status_name(int status);

/* A post or void record stores zero accounts and currency (taken from its
 * pending transfer): fill them in from the pending record for display. */
void api_transfer_complete(const struct sz_engine *e, sz_transfer *t);

/* ---- handlers ---------------------------------------------------------- */

void api_handle_account_create(struct api_request *r);
void api_handle_account_get(struct api_request *r);
void api_handle_account_list(struct api_request *r);
void api_handle_account_history(struct api_request *r);
void api_handle_account_freeze(struct api_request *r);
void api_handle_account_unfreeze(struct api_request *r);
void api_handle_account_close(struct api_request *r);
void api_handle_transfer_create(struct api_request *r);
void api_handle_transfer_batch(struct api_request *r);
void api_handle_transfer_get(struct api_request *r);
void api_handle_transfer_post(struct api_request *r);
void api_handle_transfer_void(struct api_request *r);
void api_handle_binary_transfers(struct api_request *r);
void api_handle_binary_accounts(struct api_request *r);
void api_handle_token_create(struct api_request *r);
void api_handle_token_list(struct api_request *r);
void api_handle_token_revoke(struct api_request *r);
void api_handle_token_role(struct api_request *r);
void api_handle_whoami(struct api_request *r);
void api_handle_healthz(struct api_request *r);
void api_handle_readyz(struct api_request *r);
void api_handle_metrics(struct api_request *r);
void api_handle_status(struct api_request *r);
void api_handle_static(struct api_request *r);
void api_handle_openapi(struct api_request *r);
void api_handle_problems_doc(struct api_request *r);
void api_handle_transfer_list(struct api_request *r);
/* GET /v1/series/minutes (series.c): payments and limit breaches per minute. */
void api_handle_series_minutes(struct api_request *r);
/* Note the results of a submission answered for p (series.c counts the
 * limit breaches among them). */
void api_series_results(const struct api_principal *p, const uint32_t *results, uint32_t count);
/* ?limit= of a list within [1, SZ_PAGE_ROW_COUNT_MAX] (default
 * SZ_API_PAGE_ROW_COUNT_DEFAULT); answers 400 and returns 0 if bad. */
uint32_t api_page_limit(struct api_request *r);

/* ---- router (router.c) ------------------------------------------------- */

/* Add a domain's route table. Refused (SZ_EINVAL with why) if a route's
 * method and path are served already, its schema fails api_schema_check, or
 * a JSON schema is set on a route without a JSON body; SZ_ELIMIT past
 * API_ROUTE_TABLE_COUNT_MAX; SZ_EEXIST if the domain's table is in already.
 * The table must outlive the process. */
int api_router_add(const struct api_route_table *t, char *why, size_t why_size);
/* Let role act as as_role in the routes of one domain's table: where a
 * route allows as_role but not role, a caller of role is authorised and its
 * handler sees as_role (tenant and owner unchanged), so the domain's own
 * scoping applies. The composition root declares them (src/app/registry.c);
 * desk roles reach domains only this way. SZ_EINVAL, SZ_ELIMIT. */
#define API_ROLE_GRANT_COUNT_MAX 16u
int api_router_grant(const char *domain, uint32_t role, uint32_t as_role, char *why, size_t why_size);
/* The role a caller of role acts as on route index: role itself if the
 * route allows it, a granted role, or API_ROLE_COUNT (forbidden). */
uint32_t api_route_acting_role(uint32_t index, uint32_t role);
/* Forget every domain table and grant (tests). */
void api_router_reset(void);
/* Routes of every registered table, platform first, in one index space
 * (metrics and the role test walk it). */
uint32_t api_route_count(void);
const struct api_route *api_route_at(uint32_t index);
/* The table (domain name) a route index belongs to. */
const char *api_route_domain(uint32_t index);

/* Find the route for method and path; fills params. Returns the route index,
 * -1 if no path matches (404) or -2 if the path matches another method (405). */
int api_route_match(const char *method, const char *path, char params[][SZ_API_PARAM_SIZE_MAX],
		    uint32_t *param_count);

/* ---- server (http.c, serve.c) ------------------------------------------ */

/* Block SIGTERM/SIGINT in every thread; call before any thread starts. */
void api_signals_block(void);
int api_server_start(struct api_server *s, char *why, size_t why_size);
/* Run until SIGTERM/SIGINT, then drain; returns the process exit code. */
int api_server_run(struct api_server *s);
void api_server_stop(struct api_server *s);
/* szfin serve: load configuration, open the engine, bootstrap, run. */
int api_serve_main(int argc, char **argv);

/* Owner index (query.c). */
int api_owner_index_init(struct api_server *s);
void api_owner_index_release(struct api_server *s);
void api_owner_index_update(struct api_server *s);

/* Monotonic time in ns. */
uint64_t api_now_ns(void);

/* Structured log line (logfmt) at a level; fields is "key=value ..." */
void api_log(int level, const char *event, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void api_log_set_level(int level);

#endif
