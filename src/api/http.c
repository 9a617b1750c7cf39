/*
 * http.c — the HTTP server: libmicrohttpd in external-select (epoll) mode,
 * driven together with the engine on one thread.
 *
 * Owns: the event loop (poll on MHD's epoll fd, the engine's wakeup fd and a
 * signalfd), the request lifecycle (route, authenticate, collect the body,
 * dispatch, suspend on submission, resume from the engine's done callback,
 * queue the answer), answers and their metrics and log lines, and draining
 * on SIGTERM/SIGINT.
 *
 * Group commit: requests arriving while the log writer syncs one batch all
 * land in the next batch; each waits suspended (its socket not polled) until
 * its batch is durable and applied, so no reply ever precedes durability.
 */
#include "api/api.h"
#include "api/events.h"
#include "api/session.h"
#include "api/http_limits.h"
#include "api/metrics.h"
#include "core/assert.h"
#include "core/errors.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

uint64_t api_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- structured log ---------------------------------------------------- */

static int log_level = 2;

void api_log_set_level(int level) { log_level = level; }

void api_log(int level, const char *event, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	if (level > log_level || level < 0 || level > 3)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char line[1024];
	int n = snprintf(line, sizeof line, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s event=%s ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 ts.tv_nsec / 1000000, names[level], event);
	va_list ap;
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof line)
		vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
}

/* ---- answers ----------------------------------------------------------- */

void api_reply_bytes(struct api_request *r, unsigned status, const char *content_type,
		     const void *data, size_t size)
{
	SZ_ASSERT(r->state != API_REQ_READY);
	SZ_ASSERT(status >= 100 && status < 600);
	char *copy = malloc(size ? size : 1);
	SZ_ASSERT(copy != NULL);
	if (size)
		memcpy(copy, data, size);
	free(r->answer);
	r->answer = copy;
	r->answer_size = size;
	r->status = status;
	r->content_type = content_type;
	r->state = API_REQ_READY;
}

void api_reply_json(struct api_request *r, unsigned status, json_t *doc)
{
	SZ_ASSERT(doc != NULL);
	char *text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	SZ_ASSERT(text != NULL);
	size_t size = strlen(text);
	SZ_ASSERT(r->state != API_REQ_READY);
	free(r->answer);
	r->answer = text; /* json_dumps uses malloc by default */
	r->answer_size = size;
	r->status = status;
	r->content_type = "application/json";
	r->state = API_REQ_READY;
}

static void on_engine_done(void *ctx, const uint32_t *results, uint32_t count)
{
	struct api_request *r = ctx;
	SZ_ASSERT(r->state == API_REQ_WAITING);
	SZ_ASSERT(count == r->submitted_count);
	r->state = API_REQ_BODY;
	api_series_results(&r->principal, results, count);
	r->on_done(r, results, count);
	SZ_ASSERT(r->state == API_REQ_READY);
	SZ_ASSERT(r->server->waiting_count > 0);
	r->server->waiting_count--;
	MHD_resume_connection(r->conn);
}

void api_submit(struct api_request *r, const void *commands, uint32_t size, uint32_t count,
		api_done_fn on_done)
{
	SZ_ASSERT(count > 0);
	SZ_ASSERT(on_done != NULL);
	struct api_server *s = r->server;
	r->on_done = on_done;
	r->submitted_count = count;
	int rc;
	/* SZ_EBUSY: every batch buffer is in flight; completing one frees it. */
	for (uint32_t attempt = 0;; attempt++) {
		rc = sz_engine_submit(s->engine, commands, size, count, on_engine_done, r);
		if (rc != SZ_EBUSY || attempt == 1000)
			break;
		if (sz_engine_poll(s->engine, 10) == SZ_EFATAL) {
			rc = SZ_EFATAL;
			break;
		}
	}
	if (rc == 0) {
		r->state = API_REQ_WAITING;
		s->waiting_count++;
		return;
	}
	if (rc == SZ_EFATAL)
		api_problem(r, "engine_failed", "the log could not be made durable; the server is stopping");
	else if (rc == SZ_ELIMIT)
		api_problem(r, "batch_too_large", "the commands cannot fit one engine batch");
	else if (rc == SZ_EINVAL)
		api_problem(r, "field_invalid", "the engine rejected the command envelope");
	else if (rc == SZ_ELINKED)
		api_problem_result(r, SZ_R_LINKED_CHAIN_OPEN, "the last record of a request may not carry the linked flag");
	else
		api_problem(r, "not_ready", "the engine is busy (%s); retry", sz_strerror(rc));
}

/* ---- request helpers --------------------------------------------------- */

const char *api_query(struct api_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_check {
	const char *const *allowed;
	const char *unknown; /* the first parameter not in allowed */
};

static enum MHD_Result query_known(void *ctx, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct query_check *q = ctx;
	(void)kind, (void)value;
	for (const char *const *a = q->allowed; *a != NULL; a++)
		if (strcmp(*a, key) == 0)
			return MHD_YES;
	q->unknown = key;
	return MHD_NO;
}

bool api_query_only(struct api_request *r, const char *const *allowed)
{
	SZ_ASSERT(r != NULL && allowed != NULL);
	struct query_check q = { allowed, NULL };
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_known, &q);
	if (q.unknown == NULL)
		return true;
	api_problem(r, "query_invalid", "unknown query parameter %.64s", q.unknown);
	return false;
}

const char *api_param(const struct api_request *r, uint32_t index)
{
	SZ_ASSERT(index < r->param_count);
	return r->params[index];
}

json_t *api_body_json(struct api_request *r)
{
	if (r->body_size == 0) {
		api_problem(r, "body_required", "this route needs a JSON object body");
		return NULL;
	}
	if (api_json_depth((const char *)r->body, r->body_size) > r->server->config.json_depth_max) {
		api_problem(r, "json_too_deep", "nesting deeper than %u", r->server->config.json_depth_max);
		return NULL;
	}
	json_error_t error;
	json_t *doc = json_loadb((const char *)r->body, r->body_size, JSON_REJECT_DUPLICATES, &error);
	if (doc == NULL) {
		api_problem(r, "invalid_json", "%s at line %d column %d", error.text, error.line, error.column);
		return NULL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		api_problem(r, "invalid_json", "the body must be a JSON object");
		return NULL;
	}
	return doc;
}

/* ---- lifecycle --------------------------------------------------------- */

static void authenticate(struct api_request *r)
{
	struct api_server *s = r->server;
	r->principal.role = API_ROLE_COUNT;
	const char *header = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (header == NULL || strncmp(header, "Bearer ", 7) != 0)
		return;
	const char *token = header + 7;
	size_t size = strlen(token);
	if (size != AUTH_TOKEN_TEXT_SIZE - 1)
		return;
	uint8_t hash[32];
	auth_token_hash(s->secret, token, size, hash);
	const struct auth_state *a = auth_state_get(sz_engine_state(s->engine));
	SZ_ASSERT(a != NULL);
	const struct auth_token *t = auth_token_by_hash(a, hash);
	if (t == NULL)
		return;
	r->principal.role = t->cmd.role;
	r->principal.tenant_id = t->cmd.tenant_id;
	r->principal.owner_id = t->cmd.owner_id;
	r->principal.token_id = t->cmd.token_id;
}

static bool content_type_ok(struct api_request *r)
{
	const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (r->route->body == API_BODY_NONE)
		return true;
	if (ct == NULL) /* a body route needs its type said (415), not guessed */
		return false;
	const char *want = r->route->body == API_BODY_JSON ? "application/json" : "application/octet-stream";
	return strncmp(ct, want, strlen(want)) == 0;
}

/* ---- request head: id, URL and header bounds --------------------------- */

/* What the URI callback saw in the raw target, before libmicrohttpd
 * decodes it (a decoded %00 would cut the path short: /web/app.js%00.txt
 * would serve app.js). The callback's answer is the first *con_cls. */
static char uri_has_nul, uri_too_long;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	if (uri == NULL)
		return NULL;
	if (strlen(uri) > SZ_API_URL_SIZE_MAX)
		return &uri_too_long;
	for (const char *p = strchr(uri, '%'); p != NULL; p = strchr(p + 1, '%'))
		if (p[1] == '0' && p[2] == '0')
			return &uri_has_nul;
	return NULL;
}

static bool request_id_sane(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > SZ_API_REQUEST_ID_SIZE_MAX)
		return false;
	return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* The client's X-Request-Id if sane, else this process's random 32 bits
 * and a sequence number: unique per server run, and no clock. */
static void request_id_set(struct api_request *r)
{
	static uint32_t boot;
	static uint64_t sequence;
	const char *given = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Request-Id");
	if (given != NULL && request_id_sane(given)) {
		snprintf(r->request_id, sizeof r->request_id, "%s", given);
		return;
	}
	if (boot == 0)
		boot = randombytes_random() | 1u;
	sequence++;
	snprintf(r->request_id, sizeof r->request_id, "%08x%016llx", boot, (unsigned long long)sequence);
}

struct header_tally {
	uint32_t count;
	size_t size;
};

static enum MHD_Result header_count(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct header_tally *t = cls;
	t->count++;
	t->size += strlen(key) + (value ? strlen(value) : 0);
	return MHD_YES;
}

/* 414, 431 or 400 for a head szfin will not read; false if one was answered. */
static bool head_ok(struct api_request *r, void *uri_seen)
{
	if (uri_seen == &uri_too_long) {
		api_problem(r, "uri_too_long", "the request target may have at most %u bytes", SZ_API_URL_SIZE_MAX);
		return false;
	}
	if (uri_seen == &uri_has_nul) {
		api_problem(r, "path_invalid", "the request target holds an encoded NUL (%%00)");
		return false;
	}
	struct header_tally t = { 0, 0 };
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, header_count, &t);
	if (t.count > SZ_API_HEADER_COUNT_MAX || t.size > SZ_API_HEADER_SIZE_MAX) {
		api_problem(r, "headers_too_large", "at most %u header fields and %u bytes of them (sent %u, %zu bytes)",
			    SZ_API_HEADER_COUNT_MAX, SZ_API_HEADER_SIZE_MAX, t.count, t.size);
		return false;
	}
	return true;
}

/* Route, authenticate and authorise on the first callback. Leaves the request
 * READY with a problem if it cannot proceed. */
static void request_begin(struct api_request *r, const char *method)
{
	struct api_server *s = r->server;
	int index = api_route_match(method, r->url, r->params, &r->param_count);
	if (index == -1) {
		api_problem(r, "not_found", "no route for %s", r->url);
		return;
	}
	if (index == -2) {
		api_problem(r, "method_not_allowed", "%s is not allowed on %s", method, r->url);
		return;
	}
	r->route = api_route_at((uint32_t)index);
	SZ_ASSERT(r->route != NULL);
	r->route_index = (uint32_t)index;
	r->body_size_max = r->route->body == API_BODY_BINARY ? s->config.binary_body_size_max
			 : r->route->body == API_BODY_JSON ? s->config.body_size_max : 0;
	if (r->route->roles != 0) {
		authenticate(r);
		if (r->principal.role == API_ROLE_COUNT && !api_session_authenticate(r))
			return; /* the session's CSRF rule answered */
		if (r->principal.role == API_ROLE_COUNT) {
			api_problem(r, "unauthorized", "send Authorization: Bearer <token>, or log in on the dashboard "
				    "(POST /v1/session) and send its szfin_session cookie");
			return;
		}
		uint32_t acting = api_route_acting_role(r->route_index, r->principal.role);
		if (acting == API_ROLE_COUNT) {
			api_problem(r, "forbidden", "role %s may not %s %s", api_role_name(r->principal.role),
				    method, r->route->path);
			return;
		}
		if (acting != r->principal.role) {
			r->role_granted_from = r->principal.role;
			r->principal.role = acting;
		}
	}
	if (s->draining && r->route->roles != 0) {
		api_problem(r, "not_ready", "the server is shutting down");
		return;
	}
	if (!content_type_ok(r)) {
		api_problem(r, "unsupported_media_type", "send Content-Type: %s",
			    r->route->body == API_BODY_JSON ? "application/json" : "application/octet-stream");
		return;
	}
	const char *length = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long declared = length ? strtoull(length, NULL, 10) : 0;
	if (declared > r->body_size_max) {
		api_problem(r, "body_too_large", "the body may have at most %zu bytes", r->body_size_max);
		return;
	}
	/* Size the buffer by Content-Length when given (small JSON bodies stay
	 * small); chunked bodies get the route's maximum on first data. */
	r->body_capacity = length ? (size_t)declared : r->body_size_max;
	r->state = API_REQ_BODY;
}

static void body_append(struct api_request *r, const char *data, size_t size)
{
	if (r->body_too_large || r->state != API_REQ_BODY)
		return;
	if (size > r->body_size_max - r->body_size) {
		r->body_too_large = true;
		return;
	}
	if (size > r->body_capacity - r->body_size) { /* more than Content-Length said */
		uint8_t *grown = realloc(r->body, r->body_size_max);
		SZ_ASSERT(grown != NULL);
		r->body = grown;
		r->body_capacity = r->body_size_max;
	}
	if (r->body == NULL)
		r->body = malloc(r->body_capacity);
	SZ_ASSERT(r->body != NULL);
	memcpy(r->body + r->body_size, data, size);
	r->body_size += size;
}

/* Idempotency-Key: the command's id given as a header instead of in the
 * body (same semantics: a resubmission returns the first outcome). With
 * both, they must agree (409). False after answering a problem. */
static bool idempotency_key_apply(struct api_request *r, json_t *doc)
{
	const char *key = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Idempotency-Key");
	if (key == NULL)
		return true;
	const struct api_schema *schema = r->route->schema;
	bool has_id = false;
	for (uint32_t i = 0; i < schema->field_count && !has_id; i++)
		has_id = strcmp(schema->fields[i].name, "id") == 0;
	if (!has_id) {
		api_problem(r, "field_invalid", "this route takes no id, so no Idempotency-Key");
		return false;
	}
	json_t *id = json_object_get(doc, "id");
	if (id == NULL)
		return json_object_set_new(doc, "id", json_string(key)) == 0;
	if (!json_is_string(id) || strcmp(json_string_value(id), key) != 0) {
		api_problem(r, "idempotency_key_conflict", "Idempotency-Key is %s but the body's id differs", key);
		return false;
	}
	return true;
}

/* Decode the body by the route's schema into r->in (the one request codec,
 * schema.h). False after answering the first problem. */
static bool request_decode(struct api_request *r)
{
	const struct api_schema *schema = r->route->schema;
	if (schema == NULL)
		return true;
	SZ_ASSERT(r->route->body == API_BODY_JSON);
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return false;
	if (!idempotency_key_apply(r, doc)) {
		json_decref(doc);
		return false;
	}
	r->in = calloc(1, schema->size);
	if (r->in == NULL) {
		json_decref(doc);
		api_problem(r, "internal", "no memory to decode the body");
		return false;
	}
	struct api_decode_error err;
	int rc = api_schema_decode(schema, doc, r->in, &err);
	json_decref(doc);
	if (rc == 0)
		return true;
	if (api_problem_status(err.code) != 0)
		api_problem(r, err.code, "%s", err.detail);
	else /* a domain's own code (its schema names it) */
		api_problem_custom(r, 400, err.code, "A field has the wrong type or value", err.detail);
	return false;
}

static enum MHD_Result respond(struct api_request *r)
{
	struct api_server *s = r->server;
	SZ_ASSERT(r->state == API_REQ_READY);
	struct MHD_Response *resp = r->stream != NULL
		? api_events_response(r)
		: MHD_create_response_from_buffer(r->answer_size, r->answer, MHD_RESPMEM_MUST_FREE);
	SZ_ASSERT(resp != NULL);
	if (r->stream == NULL)
		r->answer = NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
	if (r->location[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
	if (r->set_cookie[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
	if (r->request_id[0])
		MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	if (r->auth_challenge)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"szfin\"");
	if (s->draining)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	uint64_t duration_ns = api_now_ns() - r->start_ns;
	api_metrics_request(s->metrics, r->route ? (int)r->route_index : -1, r->status, duration_ns);
	api_log(r->status >= 400 ? API_LOG_INFO : API_LOG_DEBUG, "request",
		"request_id=%s route=\"%s\" path=\"%s\" status=%u duration_us=%llu role=%s%s%s", r->request_id,
		r->route ? r->route->path : "unmatched", r->url, r->status,
		(unsigned long long)(duration_ns / 1000),
		api_role_name(r->role_granted_from != API_ROLE_COUNT ? r->role_granted_from : r->principal.role),
		r->role_granted_from != API_ROLE_COUNT ? " acting_as=" : "",
		r->role_granted_from != API_ROLE_COUNT ? api_role_name(r->principal.role) : "");
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct api_server *s = cls;
	struct api_request *r = *con_cls;
	if (r == NULL || *con_cls == &uri_has_nul || *con_cls == &uri_too_long) {
		void *uri_seen = *con_cls;
		r = calloc(1, sizeof *r);
		if (r == NULL)
			return MHD_NO;
		r->server = s;
		r->conn = conn;
		r->url = url;
		r->start_ns = api_now_ns();
		r->principal.role = API_ROLE_COUNT;
		r->role_granted_from = API_ROLE_COUNT;
		*con_cls = r;
		request_id_set(r);
		if (head_ok(r, uri_seen))
			request_begin(r, method);
		return r->state == API_REQ_READY ? respond(r) : MHD_YES;
	}
	if (r->state == API_REQ_READY)
		return respond(r);
	SZ_ASSERT(r->state == API_REQ_BODY);
	if (*upload_data_size != 0) {
		body_append(r, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->body_too_large)
		api_problem(r, "body_too_large", "the body may have at most %zu bytes", r->body_size_max);
	else if (request_decode(r))
		r->route->handler(r);
	if (r->state == API_REQ_WAITING) {
		MHD_suspend_connection(conn);
		return MHD_YES;
	}
	return respond(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode code)
{
	(void)cls;
	(void)conn;
	(void)code;
	struct api_request *r = *con_cls;
	if (r == NULL || *con_cls == &uri_has_nul || *con_cls == &uri_too_long)
		return; /* the URI callback's mark: no request was made */
	SZ_ASSERT(r->state != API_REQ_WAITING);
	free(r->body);
	free(r->answer);
	free(r->extra);
	if (r->in != NULL)
		api_schema_release(r->route->schema, r->in);
	free(r->in);
	free(r);
	*con_cls = NULL;
}

/* ---- server ------------------------------------------------------------ */

int api_server_start(struct api_server *s, char *why, size_t why_size)
{
	char host[API_CONFIG_TEXT_SIZE];
	uint16_t port;
	SZ_ASSERT(s->engine != NULL);
	if (api_config_listen_split(&s->config, host, sizeof host, &port))
		SZ_UNREACHABLE(); /* checked by api_config_load */
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
		snprintf(why, why_size, "listen host '%s' is not an IPv4 address", host);
		return SZ_EINVAL;
	}
	s->daemon = MHD_start_daemon(
		MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO, port, NULL, NULL, on_request, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)s->config.connection_count_max,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)s->config.idle_timeout_s,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SZ_API_CONNECTION_MEMORY_SIZE,
		MHD_OPTION_END);
	if (s->daemon == NULL) {
		snprintf(why, why_size, "cannot listen on %s: %s", s->config.listen, strerror(errno));
		return SZ_EIO;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : port;
	return 0;
}

void api_server_stop(struct api_server *s)
{
	/* After a fatal engine error requests may still be suspended: they are
	 * never answered, and MHD refuses to stop with suspended connections,
	 * so the process exits with the daemon running. */
	if (s->daemon != NULL && s->waiting_count == 0)
		MHD_stop_daemon(s->daemon);
	s->daemon = NULL;
}

void api_signals_block(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* SIGTERM/SIGINT were blocked before any thread started (api_signals_block),
 * so only this fd ever sees them. */
static int signals_open(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static void drain_begin(struct api_server *s)
{
	if (s->draining)
		return;
	s->draining = true;
	s->ready = false;
	MHD_socket listen_fd = MHD_quiesce_daemon(s->daemon);
	if (listen_fd != MHD_INVALID_SOCKET)
		close(listen_fd);
	api_log(API_LOG_INFO, "drain", "waiting=%u", s->waiting_count);
}

int api_server_run(struct api_server *s)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_EPOLL_FD);
	SZ_ASSERT(info != NULL);
	int signal_fd = signals_open();
	SZ_ASSERT(signal_fd >= 0);
	struct pollfd fds[3] = {
		{ .fd = info->epoll_fd, .events = POLLIN },
		{ .fd = sz_engine_wakeup_fd(s->engine), .events = POLLIN },
		{ .fd = signal_fd, .events = POLLIN },
	};
	uint64_t drain_deadline_ns = 0, quiet_since_ns = 0;
	int exit_code = 0;
	for (;;) {
		MHD_UNSIGNED_LONG_LONG mhd_timeout_ms = 0;
		int timeout_ms = 500;
		if (MHD_get_timeout(s->daemon, &mhd_timeout_ms) == MHD_YES && mhd_timeout_ms < 500)
			timeout_ms = (int)mhd_timeout_ms;
		if (s->draining)
			timeout_ms = 10;
		if (poll(fds, 3, timeout_ms) < 0 && errno != EINTR)
			SZ_UNREACHABLE();
		if (fds[2].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(signal_fd, &si, sizeof si) == sizeof si)
				api_log(API_LOG_INFO, "signal", "signo=%u", si.ssi_signo);
			drain_begin(s);
			drain_deadline_ns = api_now_ns() + SZ_API_DRAIN_TIMEOUT_S * 1000000000ull;
		}
		if (sz_engine_poll(s->engine, 0) == SZ_EFATAL) {
			api_log(API_LOG_ERROR, "engine_fatal", "detail=\"durability failure: stopping without acknowledging\"");
			exit_code = 3;
			break;
		}
		MHD_run(s->daemon);
		if (sz_engine_poll(s->engine, 0) == SZ_EFATAL) {
			exit_code = 3;
			break;
		}
		api_events_pump(s);
		if (s->draining) {
			uint64_t now = api_now_ns();
			/* Open event streams end at the next turn (the pump resumes them,
			 * their reader ends them); one whose client does not read is
			 * not waited for past the drain deadline. */
			if (s->waiting_count != 0 || (api_events_open_count() != 0 && now <= drain_deadline_ns))
				quiet_since_ns = 0;
			else if (quiet_since_ns == 0)
				quiet_since_ns = now;
			/* Requests in the engine are always answered: the engine either
			 * makes their batch durable or turns fatal (handled above). Once
			 * none wait, give MHD a moment (bounded) to write answers out. */
			if (quiet_since_ns && (now - quiet_since_ns > 200000000ull || now > drain_deadline_ns))
				break;
		}
	}
	close(signal_fd);
	return exit_code;
}

void api_submit_one(struct api_request *r, uint16_t kind, const void *body, uint32_t size, api_done_fn on_done)
{
	SZ_ASSERT(size <= SZ_COMMAND_SIZE_MAX - sizeof(sz_command_header));
	uint8_t *buf = malloc(sizeof(sz_command_header) + size);
	if (buf == NULL) {
		api_problem(r, "internal", "out of memory");
		return;
	}
	sz_command_header h = { .size = (uint32_t)sizeof h + size, .kind = kind };
	memcpy(buf, &h, sizeof h);
	memcpy(buf + sizeof h, body, size);
	free(r->extra);
	r->extra = buf;
	api_submit(r, buf, h.size, 1, on_done);
}

const void *api_submitted_body(const struct api_request *r)
{
	SZ_ASSERT(r->extra != NULL);
	return (const uint8_t *)r->extra + sizeof(sz_command_header);
}
