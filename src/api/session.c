/*
 * session.c — dashboard sessions (see session.h for the contract and the
 * CSRF rule).
 *
 * The table is a fixed array searched linearly (256 entries of 80 bytes:
 * a scan is cheaper than one TLS record). Session ids are compared in
 * constant time. Expiry uses the server's monotonic clock (api_now_ns);
 * sessions never enter the log, so no clock reaches engine apply.
 */
#include "api/session.h"
#include "api/api.h"
#include "api/auth.h"
#include "core/assert.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

struct session {
	uint8_t id[32];
	uint8_t token_hash[32];
	uint64_t expires_ns; /* 0 = free slot */
};

static struct session sessions[API_SESSION_COUNT_MAX];

#define NS_PER_S 1000000000ull

void api_session_reset(void)
{
	sodium_memzero(sessions, sizeof sessions);
	SZ_ASSERT(sessions[0].expires_ns == 0);
}

/* The session named by r's cookie, live at now_ns, or NULL. */
static struct session *session_of(struct api_request *r, uint64_t now_ns)
{
	const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, API_SESSION_COOKIE);
	uint8_t id[32];
	size_t size = 0;
	if (cookie == NULL || strlen(cookie) != API_SESSION_ID_HEX_SIZE - 1)
		return NULL;
	if (sodium_hex2bin(id, sizeof id, cookie, strlen(cookie), NULL, &size, NULL) != 0 || size != sizeof id)
		return NULL;
	for (uint32_t i = 0; i < API_SESSION_COUNT_MAX; i++) {
		struct session *s = &sessions[i];
		if (s->expires_ns != 0 && s->expires_ns <= now_ns)
			sodium_memzero(s, sizeof *s); /* expired: free it on the way */
		if (s->expires_ns != 0 && sodium_memcmp(s->id, id, sizeof id) == 0)
			return s;
	}
	return NULL;
}

/* The CSRF rule of session.h: true if r may change state with a cookie. */
static bool csrf_ok(struct api_request *r)
{
	const char *method = r->route->method;
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		return true;
	const char *marker = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Szfin-Request");
	if (marker != NULL && strcmp(marker, "1") == 0)
		return true;
	const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	return ct != NULL && strncmp(ct, "application/json", 16) == 0;
}

bool api_session_authenticate(struct api_request *r)
{
	SZ_ASSERT(r->route != NULL);
	SZ_ASSERT(r->principal.role == API_ROLE_COUNT);
	struct session *s = session_of(r, api_now_ns());
	if (s == NULL)
		return true;
	const struct auth_state *a = auth_state_get(sz_engine_state(r->server->engine));
	const struct auth_token *t = a ? auth_token_by_hash(a, s->token_hash) : NULL;
	if (t == NULL) { /* the token was revoked: so is the session */
		sodium_memzero(s, sizeof *s);
		return true;
	}
	if (!csrf_ok(r)) {
		api_problem_custom(r, 403, "csrf_header_required", "A cookie-authenticated change needs a marker",
				   "send Content-Type: application/json or X-Szfin-Request: 1 with the session cookie");
		return false;
	}
	r->principal.role = t->cmd.role;
	r->principal.tenant_id = t->cmd.tenant_id;
	r->principal.owner_id = t->cmd.owner_id;
	r->principal.token_id = t->cmd.token_id;
	return true;
}

/* A free (or expired) slot at now_ns, or NULL when all are live. */
static struct session *slot_free(uint64_t now_ns)
{
	for (uint32_t i = 0; i < API_SESSION_COUNT_MAX; i++)
		if (sessions[i].expires_ns == 0 || sessions[i].expires_ns <= now_ns)
			return &sessions[i];
	return NULL;
}

/* ---- routes ------------------------------------------------------------ */

struct session_login_in {
	char token[AUTH_TOKEN_TEXT_SIZE + 1]; /* one more than a token: a longer text is refused below */
};

static const struct api_field session_login_fields[] = {
	{ .name = "token", .type = API_T_STRING, .flags = API_F_REQUIRED,
	  .offset = offsetof(struct session_login_in, token), .size = AUTH_TOKEN_TEXT_SIZE + 1 },
};
static const struct api_schema session_login_schema =
	API_SCHEMA("session_login", session_login_fields, struct session_login_in);

static void handle_login(struct api_request *r)
{
	const struct session_login_in *in = r->in;
	SZ_ASSERT(in != NULL);
	size_t size = strlen(in->token);
	uint8_t hash[32];
	auth_token_hash(r->server->secret, in->token, size, hash);
	const struct auth_state *a = auth_state_get(sz_engine_state(r->server->engine));
	SZ_ASSERT(a != NULL);
	const struct auth_token *t = size == AUTH_TOKEN_TEXT_SIZE - 1 ? auth_token_by_hash(a, hash) : NULL;
	if (t == NULL) {
		api_problem(r, "unauthorized", "the token is not a valid, unrevoked szfin token");
		return;
	}
	uint64_t now_ns = api_now_ns();
	struct session *s = slot_free(now_ns);
	if (s == NULL) {
		api_problem_custom(r, 503, "sessions_full", "Too many live sessions",
				   "every session slot is in use; try again when one expires");
		return;
	}
	randombytes_buf(s->id, sizeof s->id);
	memcpy(s->token_hash, hash, sizeof hash);
	s->expires_ns = now_ns + (uint64_t)API_SESSION_TTL_S * NS_PER_S;
	char id_hex[API_SESSION_ID_HEX_SIZE];
	sodium_bin2hex(id_hex, sizeof id_hex, s->id, sizeof s->id);
	snprintf(r->set_cookie, sizeof r->set_cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%u",
		 API_SESSION_COOKIE, id_hex, API_SESSION_TTL_S);
	sodium_memzero(id_hex, sizeof id_hex);
	json_t *doc = json_object();
	json_object_set_new(doc, "role", json_string(api_role_name(t->cmd.role)));
	json_object_set_new(doc, "tenant_id", api_json_string_u64(t->cmd.tenant_id));
	json_object_set_new(doc, "expires_in_s", json_integer(API_SESSION_TTL_S));
	api_reply_json(r, 201, doc);
}

static void handle_logout(struct api_request *r)
{
	struct session *s = session_of(r, api_now_ns());
	if (s != NULL)
		sodium_memzero(s, sizeof *s);
	snprintf(r->set_cookie, sizeof r->set_cookie, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
		 API_SESSION_COOKIE);
	json_t *doc = json_object();
	json_object_set_new(doc, "ended", json_boolean(s != NULL));
	api_reply_json(r, 200, doc);
}

/* The domains in which role may use at least one route (its own or by a
 * grant), in registration order. */
static json_t *views_reachable(uint32_t role)
{
	json_t *out = json_array();
	const char *last = NULL;
	bool added = false;
	uint32_t count = api_route_count();
	for (uint32_t i = 0; i < count; i++) {
		const char *d = api_route_domain(i);
		SZ_ASSERT(d != NULL);
		if (last == NULL || strcmp(last, d) != 0)
			added = false;
		last = d;
		if (!added && api_route_at(i)->roles != 0 && api_route_acting_role(i, role) != API_ROLE_COUNT) {
			json_array_append_new(out, json_string(d));
			added = true;
		}
	}
	return out;
}

/* The domains whose routes the server serves, in registration order, those
 * the caller's role can reach, and the role: the dashboard builds its
 * navigation from this. */
static void handle_views(struct api_request *r)
{
	json_t *domains = json_array();
	const char *last = NULL;
	uint32_t count = api_route_count();
	for (uint32_t i = 0; i < count; i++) {
		const char *d = api_route_domain(i);
		SZ_ASSERT(d != NULL);
		if (last == NULL || strcmp(last, d) != 0)
			json_array_append_new(domains, json_string(d));
		last = d;
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "domains", domains);
	json_object_set_new(doc, "reachable", views_reachable(r->principal.role));
	json_object_set_new(doc, "role", json_string(api_role_name(r->principal.role)));
	api_reply_json(r, 200, doc);
}

/* The log's head: batch sequence, head hash and the last online check
 * (a background scrub: the check `szfin verify` makes). */
static void handle_audit_head(struct api_request *r)
{
	struct sz_engine_stats st;
	sz_engine_stats(r->server->engine, &st);
	char hash_hex[65];
	sodium_bin2hex(hash_hex, sizeof hash_hex, st.head_hash, sizeof st.head_hash);
	json_t *doc = json_object();
	json_object_set_new(doc, "sequence", api_json_string_u64(st.sequence));
	json_object_set_new(doc, "head_hash", json_string(hash_hex));
	json_object_set_new(doc, "verifications", api_json_string_u64(st.scrub_count));
	json_object_set_new(doc, "verifications_failed", api_json_string_u64(st.scrub_failed_count));
	json_object_set_new(doc, "last_ok", json_boolean(st.scrub_last_ok));
	json_object_set_new(doc, "last_time_ns", api_json_string_u64(st.scrub_last_time_ns));
	json_object_set_new(doc, "last_batches", api_json_string_u64(st.scrub_last_batches));
	api_reply_json(r, 200, doc);
}

/* Start an online verification; its outcome shows in GET /v1/audit/head. */
static void handle_audit_verify(struct api_request *r)
{
	int rc = sz_engine_scrub(r->server->engine);
	if (rc != 0) {
		api_problem_custom(r, 409, "verification_busy", "A verification is running", "try again when it ends");
		return;
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "started", json_true());
	api_reply_json(r, 202, doc);
}

#define AUDIT_READERS (API_CB | API_RG | API_AU | API_AD)
static const struct api_route session_routes[] = {
	API_POST("/v1/session", 0u, handle_login, &session_login_schema, "log in: exchange a token for a session cookie"),
	{ .method = "DELETE", .path = "/v1/session", .roles = API_READERS | API_DESKS, .body = API_BODY_NONE,
	  .handler = handle_logout, .summary = "log out: end the session", .schema = NULL },
	API_GET("/v1/views", API_READERS | API_DESKS, handle_views, "the domains this server has, for navigation"),
	API_GET("/v1/audit/head", AUDIT_READERS, handle_audit_head, "the log's head hash and the last online verification"),
	{ .method = "POST", .path = "/v1/audit/verify", .roles = API_AU | API_AD, .body = API_BODY_NONE,
	  .handler = handle_audit_verify, .summary = "start an online verification of the log", .schema = NULL },
};
const struct api_route_table api_session_route_table = {
	"auth", session_routes, sizeof session_routes / sizeof session_routes[0],
};
