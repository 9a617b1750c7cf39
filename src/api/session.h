/*
 * session.h — dashboard sessions: a pasted token exchanged for a cookie.
 *
 * Owns: the in-memory session table (at most API_SESSION_COUNT_MAX live
 * sessions, each expiring API_SESSION_TTL_S after login), the
 * szfin_session cookie (HttpOnly, SameSite=Strict, Path=/, Max-Age), the
 * routes POST /v1/session (login), DELETE /v1/session (logout) and
 * GET /v1/views (what the server has, for the dashboard's navigation),
 * GET /v1/audit/head and POST /v1/audit/verify (the auditor's view: head
 * hash, last online verification, start one), and the CSRF rule for
 * cookie-authenticated requests.
 *
 * A session holds the keyed hash of the token it was made from, never the
 * token: each request looks the token up again, so revoking the token or
 * changing its role takes effect on the next request. Sessions are not
 * replicated state: they live in the server process only and vanish at
 * restart (the dashboard asks the user to log in again).
 *
 * CSRF rule: a request authenticated by the cookie whose method is not GET
 * or HEAD must carry `Content-Type: application/json` or the header
 * `X-Szfin-Request: 1`; a browser sends neither cross-site without a CORS
 * preflight, which szfin never grants. Otherwise 403 csrf_header_required.
 * Never: store, log or echo a token; read sessions from engine apply.
 */
#ifndef SZ_API_SESSION_H
#define SZ_API_SESSION_H

#include <stdbool.h>
#include <stdint.h>

struct api_request;
struct api_route_table;

/* Live sessions held at once: a dashboard is a handful of people per
 * operator; the bound keeps the table a fixed 256 * 80 bytes. */
#define API_SESSION_COUNT_MAX 256u
/* A session lasts one hour after login; the user then logs in again. */
#define API_SESSION_TTL_S 3600u
#define API_SESSION_COOKIE "szfin_session"
/* 32 random bytes as 64 hex digits. */
#define API_SESSION_ID_HEX_SIZE 65u

/* The session routes (registered by the composition root with the auth
 * domain). */
extern const struct api_route_table api_session_route_table;

/* Authenticate r from its session cookie when it carries no bearer token.
 * Fills r->principal on success. Returns false after answering a problem
 * (the CSRF rule); true otherwise, authenticated or not. */
bool api_session_authenticate(struct api_request *r);

/* Forget every session (tests, server start). */
void api_session_reset(void);

#endif
