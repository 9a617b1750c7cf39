/*
 * router.c — the platform's own route table and the router that serves it
 * together with every domain's table.
 *
 * Owns: the platform routes (accounts, transfers, binary batches, tokens,
 * whoami, operations, static files), the list of route tables registered at
 * start (src/app/registry.c adds each domain's `<domain>_route_table`), the
 * one index space over all of them, and the matcher. Each route carries its
 * method, path, required roles, body kind, handler and request schema.
 *
 * The tables are the single source of truth for authorisation: http.c checks
 * a caller's role against `roles` before any handler runs, and the e2e test
 * walks every route of every table with every role. docs/openapi.yaml must
 * list exactly these routes (tests/unit/test_api_routes.c checks both
 * directions). Handlers then apply tenant scope (scope.c) to the records
 * they touch. Never: name a domain here; domains bring their own tables.
 */
#include "api/api.h"
#include "api/events.h"
#include "api/requests.h"
#include "api/vendor.h"
#include "core/assert.h"
#include "core/errors.h"

#include <stdio.h>
#include <string.h>

#define PUBLIC 0u

static const struct api_route platform_routes[] = {
	/* accounts */
	{ "POST", "/v1/accounts", API_CB | API_OP, API_BODY_JSON, api_handle_account_create, "create an account", &api_account_create_schema },
	{ "GET", "/v1/accounts", API_READERS, API_BODY_NONE, api_handle_account_list, "list accounts (of an owner, or every one the token may read, by tenant and currency)", NULL },
	{ "GET", "/v1/accounts/{id}", API_READERS, API_BODY_NONE, api_handle_account_get, "get an account", NULL },
	{ "GET", "/v1/accounts/{id}/transfers", API_READERS, API_BODY_NONE, api_handle_account_history,
	  "an account's transfers, newest first, with a cursor", NULL },
	{ "POST", "/v1/accounts/{id}/freeze", API_CB | API_OP, API_BODY_NONE, api_handle_account_freeze, "freeze an account", NULL },
	{ "POST", "/v1/accounts/{id}/unfreeze", API_CB | API_OP, API_BODY_NONE, api_handle_account_unfreeze, "unfreeze an account", NULL },
	{ "POST", "/v1/accounts/{id}/close", API_CB | API_OP, API_BODY_NONE, api_handle_account_close, "close an account with zero balances", NULL },
	/* transfers */
	{ "POST", "/v1/transfers", API_CB | API_OP | API_ME, API_BODY_JSON, api_handle_transfer_create, "create a transfer (single or pending)", &api_transfer_create_schema },
	{ "POST", "/v1/transfers/batch", API_CB | API_OP | API_ME, API_BODY_JSON, api_handle_transfer_batch,
	  "create transfers together, optionally linked (all or nothing)", &api_transfer_batch_schema },
	{ "GET", "/v1/transfers", API_READERS, API_BODY_NONE, api_handle_transfer_list, "list transfers in the caller's scope, by account and currency", NULL },
	{ "GET", "/v1/transfers/{id}", API_READERS, API_BODY_NONE, api_handle_transfer_get, "get a transfer", NULL },
	{ "POST", "/v1/transfers/{id}/post", API_CB | API_OP | API_ME, API_BODY_JSON, api_handle_transfer_post, "post a pending transfer", &api_transfer_post_schema },
	{ "POST", "/v1/transfers/{id}/void", API_CB | API_OP | API_ME, API_BODY_JSON, api_handle_transfer_void, "void a pending transfer", &api_transfer_void_schema },
	/* binary batches */
	{ "POST", "/v1/binary/transfers", API_CB | API_OP, API_BODY_BINARY, api_handle_binary_transfers,
	  "create up to 8190 transfers from 128-byte records", NULL },
	{ "POST", "/v1/binary/accounts", API_CB | API_OP, API_BODY_BINARY, api_handle_binary_accounts,
	  "create up to 8190 accounts from 128-byte records", NULL },
	/* tokens */
	{ "POST", "/v1/tokens", API_AD, API_BODY_JSON, api_handle_token_create, "create a token", &api_token_create_schema },
	{ "GET", "/v1/tokens", API_AD, API_BODY_NONE, api_handle_token_list, "list tokens", NULL },
	{ "DELETE", "/v1/tokens/{id}", API_AD, API_BODY_NONE, api_handle_token_revoke, "revoke a token", NULL },
	{ "PUT", "/v1/tokens/{id}/role", API_AD, API_BODY_JSON, api_handle_token_role, "change a token's role and scope", &api_token_role_schema },
	{ "GET", "/v1/series/minutes", API_CB | API_OP | API_RG | API_AU | API_AD, API_BODY_NONE, api_handle_series_minutes,
	  "payments and limit breaches per minute in the caller's scope, for charts", NULL },
	{ "GET", "/v1/events", API_READERS | API_DESKS, API_BODY_NONE, api_handle_events,
	  "Server-Sent Events of committed accounts and transfers in the caller's scope, resumable by event id", NULL },
	{ "GET", "/v1/whoami", API_READERS | API_DESKS, API_BODY_NONE, api_handle_whoami, "the caller's role and scope", NULL },
	/* operations */
	{ "GET", "/v1/status", PUBLIC, API_BODY_NONE, api_handle_status, "live figures for the front page", NULL },
	{ "GET", "/healthz", PUBLIC, API_BODY_NONE, api_handle_healthz, "liveness", NULL },
	{ "GET", "/readyz", PUBLIC, API_BODY_NONE, api_handle_readyz, "readiness", NULL },
	{ "GET", "/metrics", PUBLIC, API_BODY_NONE, api_handle_metrics, "Prometheus metrics", NULL },
	{ "GET", "/openapi.yaml", PUBLIC, API_BODY_NONE, api_handle_openapi, "the OpenAPI description", NULL },
	{ "GET", "/", PUBLIC, API_BODY_NONE, api_handle_static, "front page", NULL },
	{ "GET", "/docs", PUBLIC, API_BODY_NONE, api_handle_static, "rendered API reference", NULL },
	{ "GET", "/docs/problems", PUBLIC, API_BODY_NONE, api_handle_problems_doc, "the problem types (docs/problems.md)", NULL },
	{ "GET", "/web/{file}", PUBLIC, API_BODY_NONE, api_handle_static, "static files of the web page", NULL },
	{ "GET", "/web/vendor/{file}", PUBLIC, API_BODY_NONE, api_handle_vendor_file, "dashboard libraries from npm (vendor.h)", NULL },
};
const struct api_route_table api_platform_route_table = {
	"platform", platform_routes, sizeof platform_routes / sizeof platform_routes[0],
};

/* Registered tables; [0] is always the platform's. */
static const struct api_route_table *tables[API_ROUTE_TABLE_COUNT_MAX + 1] = { &api_platform_route_table };
static uint32_t table_count = 1;

/* Grants (api_router_grant): a desk role acting as another role in one
 * domain's routes. */
struct role_grant {
	const char *domain;
	uint32_t role;
	uint32_t as_role;
};
static struct role_grant grants[API_ROLE_GRANT_COUNT_MAX];
static uint32_t grant_count;

int api_router_grant(const char *domain, uint32_t role, uint32_t as_role, char *why, size_t why_size)
{
	SZ_ASSERT(domain != NULL);
	SZ_ASSERT(why != NULL && why_size > 0);
	if (role >= API_ROLE_COUNT || as_role >= API_ROLE_COUNT || role == as_role) {
		snprintf(why, why_size, "grant in %s: roles %u as %u are not two known roles", domain, role, as_role);
		return SZ_EINVAL;
	}
	if (grant_count == API_ROLE_GRANT_COUNT_MAX) {
		snprintf(why, why_size, "grant in %s: more than %u grants", domain, API_ROLE_GRANT_COUNT_MAX);
		return SZ_ELIMIT;
	}
	grants[grant_count++] = (struct role_grant){ domain, role, as_role };
	return 0;
}

uint32_t api_route_acting_role(uint32_t index, uint32_t role)
{
	const struct api_route *route = api_route_at(index);
	SZ_ASSERT(route != NULL);
	if (role >= API_ROLE_COUNT)
		return API_ROLE_COUNT;
	if (route->roles & API_ROLE_BIT(role))
		return role;
	const char *domain = api_route_domain(index);
	for (uint32_t g = 0; g < grant_count; g++)
		if (grants[g].role == role && strcmp(grants[g].domain, domain) == 0 &&
		    (route->roles & API_ROLE_BIT(grants[g].as_role)) != 0)
			return grants[g].as_role;
	return API_ROLE_COUNT;
}

void api_router_reset(void)
{
	grant_count = 0;
	table_count = 1;
	SZ_ASSERT(tables[0] == &api_platform_route_table);
}

uint32_t api_route_count(void)
{
	uint32_t count = 0;
	for (uint32_t t = 0; t < table_count; t++)
		count += tables[t]->count;
	return count;
}

/* Table and position of a global route index; false if past the end. */
static bool route_locate(uint32_t index, uint32_t *table, uint32_t *position)
{
	for (uint32_t t = 0; t < table_count; t++) {
		if (index < tables[t]->count) {
			*table = t;
			*position = index;
			return true;
		}
		index -= tables[t]->count;
	}
	return false;
}

const struct api_route *api_route_at(uint32_t index)
{
	uint32_t t, i;
	if (!route_locate(index, &t, &i))
		return NULL;
	return &tables[t]->routes[i];
}

const char *api_route_domain(uint32_t index)
{
	uint32_t t, i;
	return route_locate(index, &t, &i) ? tables[t]->domain : NULL;
}

/* Is method + path served by a registered table already? */
static bool route_taken(const struct api_route *r)
{
	for (uint32_t t = 0; t < table_count; t++)
		for (uint32_t i = 0; i < tables[t]->count; i++)
			if (strcmp(tables[t]->routes[i].method, r->method) == 0 &&
			    strcmp(tables[t]->routes[i].path, r->path) == 0)
				return true;
	return false;
}

static int route_check(const struct api_route *r, const struct api_route_table *t, char *why, size_t why_size)
{
	if (r->method == NULL || r->path == NULL || r->path[0] != '/' || r->handler == NULL) {
		snprintf(why, why_size, "%s: a route lacks its method, path or handler", t->domain);
		return SZ_EINVAL;
	}
	if (route_taken(r)) {
		snprintf(why, why_size, "%s: %s %s is served by another table", t->domain, r->method, r->path);
		return SZ_EINVAL;
	}
	if (r->schema != NULL && r->body != API_BODY_JSON) {
		snprintf(why, why_size, "%s: %s %s has a schema but no JSON body", t->domain, r->method, r->path);
		return SZ_EINVAL;
	}
	if (r->schema != NULL && api_schema_check(r->schema, why, why_size) != 0)
		return SZ_EINVAL;
	return 0;
}

int api_router_add(const struct api_route_table *t, char *why, size_t why_size)
{
	SZ_ASSERT(t != NULL && t->domain != NULL);
	SZ_ASSERT(t->routes != NULL || t->count == 0);
	for (uint32_t i = 0; i < table_count; i++)
		if (tables[i] == t || strcmp(tables[i]->domain, t->domain) == 0) {
			snprintf(why, why_size, "route table of %s is registered already", t->domain);
			return SZ_EEXIST;
		}
	if (table_count > API_ROUTE_TABLE_COUNT_MAX) {
		snprintf(why, why_size, "more than %u route tables", API_ROUTE_TABLE_COUNT_MAX);
		return SZ_ELIMIT;
	}
	for (uint32_t i = 0; i < t->count; i++) {
		int rc = route_check(&t->routes[i], t, why, why_size);
		if (rc)
			return rc;
	}
	tables[table_count++] = t;
	return 0;
}

/* Match one pattern against path; fills params on success. */
static bool path_match(const char *pattern, const char *path, char params[][SZ_API_PARAM_SIZE_MAX],
		       uint32_t *param_count)
{
	uint32_t count = 0;
	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *close = strchr(pattern, '}');
			SZ_ASSERT(close != NULL);
			size_t n = strcspn(path, "/");
			if (n == 0 || n >= SZ_API_PARAM_SIZE_MAX || count == SZ_API_PATH_PARAM_COUNT_MAX)
				return false;
			memcpy(params[count], path, n);
			params[count][n] = '\0';
			count++;
			pattern = close + 1;
			path += n;
			continue;
		}
		if (*pattern != *path)
			return false;
		pattern++;
		path++;
	}
	if (*pattern != '\0' || *path != '\0')
		return false;
	*param_count = count;
	return true;
}

int api_route_match(const char *method, const char *path, char params[][SZ_API_PARAM_SIZE_MAX],
		    uint32_t *param_count)
{
	bool path_seen = false;
	uint32_t index = 0;
	for (uint32_t t = 0; t < table_count; t++) {
		for (uint32_t i = 0; i < tables[t]->count; i++, index++) {
			const struct api_route *r = &tables[t]->routes[i];
			if (!path_match(r->path, path, params, param_count))
				continue;
			if (strcmp(r->method, method) == 0 || (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0))
				return (int)index;
			path_seen = true;
		}
	}
	return path_seen ? -2 : -1;
}
