/* test_api_routes.c — every registered route table (the platform's in
 * src/api/router.c and each domain's, installed by src/app/registry.c)
 * against docs/openapi.yaml in both directions, roles included; the matcher
 * across tables; refusals when a table is registered twice or serves a
 * route another table serves; tenant scope; problem codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/requests.h"
#include "app/registry.h"
#include "core/errors.h"

#define SPEC_OP_MAX 256

struct spec_op {
	char method[8];
	char path[128];
	uint32_t roles;
	int seen;
};

static struct spec_op ops[SPEC_OP_MAX];
static int op_count;

static uint32_t parse_roles(const char *list)
{
	uint32_t roles = 0;
	for (int r = 0; r < API_ROLE_COUNT; r++) {
		const char *name = api_role_name((uint32_t)r);
		const char *p = list;
		size_t n = strlen(name);
		while ((p = strstr(p, name)) != NULL) {
			if ((p == list || p[-1] == '[' || p[-1] == ' ' || p[-1] == ',') &&
			    (p[n] == ',' || p[n] == ']' || p[n] == ' '))
				roles |= API_ROLE_BIT(r);
			p += n;
		}
	}
	return roles;
}

/* A deliberately small reader for our own layout of openapi.yaml:
 * "  /path:" then "    method:" then "      x-szfin-roles: [..]". */
static void spec_load(void)
{
	const char *root = getenv("SZFIN_ROOT");
	char path[512];
	snprintf(path, sizeof path, "%s/docs/openapi.yaml", root ? root : ".");
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[1024], current[128] = "";
	int in_paths = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "paths:") == 0) { in_paths = 1; continue; }
		if (in_paths && line[0] != ' ' && line[0] != '\0') in_paths = 0;
		if (!in_paths) continue;
		if (strncmp(line, "  /", 3) == 0 && line[strlen(line) - 1] == ':') {
			snprintf(current, sizeof current, "%.*s", (int)strlen(line) - 3, line + 2);
			continue;
		}
		static const char *const methods[] = { "get", "post", "put", "delete", "patch" };
		for (int m = 0; m < 5; m++) {
			char want[32];
			snprintf(want, sizeof want, "    %s:", methods[m]);
			if (strcmp(line, want) == 0) {
				assert_true(op_count < SPEC_OP_MAX);
				struct spec_op *op = &ops[op_count++];
				snprintf(op->path, sizeof op->path, "%s", current);
				for (int i = 0; methods[m][i]; i++) op->method[i] = (char)(methods[m][i] - 32);
				op->roles = UINT32_MAX;
			}
		}
		const char *roles = strstr(line, "x-szfin-roles:");
		if (roles && op_count > 0 && strncmp(line, "      x-szfin-roles:", 20) == 0)
			ops[op_count - 1].roles = parse_roles(roles + 14);
	}
	fclose(f);
}

static void test_every_route_in_spec(void **unused)
{
	(void)unused;
	for (uint32_t i = 0; i < api_route_count(); i++) {
		const struct api_route *r = api_route_at(i);
		assert_non_null(r);
		int found = 0;
		for (int j = 0; j < op_count; j++)
			if (strcmp(ops[j].path, r->path) == 0 && strcmp(ops[j].method, r->method) == 0) {
				found = 1;
				ops[j].seen = 1;
				if (ops[j].roles != r->roles)
					fail_msg("%s %s (%s): spec roles 0x%x, table 0x%x", r->method, r->path,
						 api_route_domain(i), ops[j].roles, r->roles);
			}
		if (!found)
			fail_msg("route %s %s (%s) is missing from docs/openapi.yaml", r->method, r->path, api_route_domain(i));
	}
	assert_null(api_route_at(api_route_count()));
}

static void test_every_spec_op_served(void **unused)
{
	(void)unused;
	for (int j = 0; j < op_count; j++)
		if (!ops[j].seen)
			fail_msg("docs/openapi.yaml has %s %s but the server has no such route", ops[j].method, ops[j].path);
	assert_int_equal(op_count, (int)api_route_count());
}

static void test_match(void **unused)
{
	(void)unused;
	char params[SZ_API_PATH_PARAM_COUNT_MAX][SZ_API_PARAM_SIZE_MAX];
	uint32_t n = 0;
	int i = api_route_match("GET", "/v1/accounts/123/transfers", params, &n);
	assert_true(i >= 0);
	assert_string_equal(api_route_at((uint32_t)i)->path, "/v1/accounts/{id}/transfers");
	assert_string_equal(api_route_domain((uint32_t)i), "platform");
	assert_int_equal(n, 1);
	assert_string_equal(params[0], "123");
	/* a domain table's route is matched through the same index space */
	i = api_route_match("GET", "/v1/green/taxonomy", params, &n);
	assert_true(i >= 0);
	assert_string_equal(api_route_domain((uint32_t)i), "green");
	assert_int_equal(api_route_match("DELETE", "/v1/green/taxonomy", params, &n), -2);
	assert_int_equal(api_route_match("DELETE", "/v1/accounts/123", params, &n), -2);
	assert_int_equal(api_route_match("GET", "/v1/nope", params, &n), -1);
	assert_int_equal(api_route_match("GET", "/v1/accounts//transfers", params, &n), -1);
	assert_int_equal(api_route_match("GET", "/v1/accounts/1/2", params, &n), -1);
	char longid[SZ_API_PARAM_SIZE_MAX + 20];
	memset(longid, '1', sizeof longid);
	memcpy(longid, "/v1/accounts/", 13);
	longid[sizeof longid - 1] = '\0';
	assert_int_equal(api_route_match("GET", longid, params, &n), -1);
	assert_true(api_route_match("HEAD", "/healthz", params, &n) >= 0);
}

static void handler_none(struct api_request *r) { (void)r; }

static void test_table_refusals(void **unused)
{
	(void)unused;
	char why[256];
	uint32_t before = api_route_count();
	/* the platform's table again: refused */
	assert_int_equal(api_router_add(&api_platform_route_table, why, sizeof why), SZ_EEXIST);
	/* a new domain serving a route another table serves: refused, nothing added */
	static const struct api_route clash[] = {
		{ "GET", "/v1/example/things", 0, API_BODY_NONE, handler_none, "new", NULL },
		{ "GET", "/v1/accounts/{id}", 0, API_BODY_NONE, handler_none, "taken", NULL },
	};
	static const struct api_route_table clash_table = { "example", clash, 2 };
	assert_int_equal(api_router_add(&clash_table, why, sizeof why), SZ_EINVAL);
	assert_non_null(strstr(why, "/v1/accounts/{id}"));
	assert_int_equal(api_route_count(), before);
	/* a schema on a route without a JSON body: refused */
	static const struct api_route bodyless[] = {
		{ "POST", "/v1/example/x", 0, API_BODY_NONE, handler_none, "x", &api_transfer_batch_schema },
	};
	static const struct api_route_table bodyless_table = { "example2", bodyless, 1 };
	assert_int_equal(api_router_add(&bodyless_table, why, sizeof why), SZ_EINVAL);
	/* a fresh domain with fresh routes: accepted, served, matched */
	static const struct api_route fresh[] = {
		{ "GET", "/v1/example/things", 0, API_BODY_NONE, handler_none, "new", NULL },
	};
	static const struct api_route_table fresh_table = { "example3", fresh, 1 };
	assert_int_equal(api_router_add(&fresh_table, why, sizeof why), 0);
	assert_int_equal(api_route_count(), before + 1);
	char params[SZ_API_PATH_PARAM_COUNT_MAX][SZ_API_PARAM_SIZE_MAX];
	uint32_t n;
	int i = api_route_match("GET", "/v1/example/things", params, &n);
	assert_int_equal(i, (int)before);
	assert_string_equal(api_route_domain((uint32_t)i), "example3");
	/* back to the registry's tables for the other tests */
	api_router_reset();
	assert_int_equal(app_registry_install(why, sizeof why), 0);
	assert_int_equal(api_route_count(), before);
}

static void test_scope(void **unused)
{
	(void)unused;
	sz_account a = { .tenant_id = 1, .owner_id = { 7, 0 } };
	struct api_principal op1 = { .role = API_ROLE_OPERATOR, .tenant_id = 1 };
	struct api_principal op2 = { .role = API_ROLE_OPERATOR, .tenant_id = 2 };
	struct api_principal me = { .role = API_ROLE_MERCHANT, .tenant_id = 1, .owner_id = { 7, 0 } };
	struct api_principal me_other = { .role = API_ROLE_MERCHANT, .tenant_id = 1, .owner_id = { 8, 0 } };
	struct api_principal rg = { .role = API_ROLE_REGULATOR };
	struct api_principal cb = { .role = API_ROLE_CENTRAL_BANK };
	struct api_principal op0 = { .role = API_ROLE_OPERATOR, .tenant_id = 0 };
	sz_account none = { .tenant_id = 0 };
	assert_true(api_scope_can_read(&op1, &a) && api_scope_can_debit(&op1, &a));
	assert_false(api_scope_can_read(&op2, &a) || api_scope_can_debit(&op2, &a));
	assert_true(api_scope_can_read(&me, &a) && api_scope_can_debit(&me, &a));
	assert_false(api_scope_can_read(&me_other, &a) || api_scope_can_debit(&me_other, &a));
	assert_true(api_scope_can_read(&rg, &a));
	assert_false(api_scope_can_debit(&rg, &a) || api_scope_can_create(&rg, &a));
	assert_true(api_scope_can_debit(&cb, &a) && api_scope_can_create(&cb, &a));
	assert_false(api_scope_can_create(&op2, &a));
	assert_false(api_scope_can_read(&op0, &none)); /* tenant 0 is nobody's */
	assert_false(api_scope_can_create(&me, &a));
}

static void test_problem_codes(void **unused)
{
	(void)unused;
	for (int i = 0; api_problem_codes[i]; i++)
		assert_true(api_problem_status(api_problem_codes[i]) >= 400);
	assert_int_equal(api_problem_status("no_such_code"), 0);
	assert_int_equal(api_result_status(SZ_R_OK), 201);
	assert_int_equal(api_result_status(SZ_R_EXISTS), 200);
	assert_int_equal(api_result_status(SZ_R_EXISTS_WITH_DIFFERENT_FIELDS), 409);
	assert_int_equal(api_result_status(SZ_R_EXCEEDS_CREDITS), 422);
	assert_string_equal(auth_result_name(SZ_R_EXCEEDS_CREDITS), "exceeds_credits");
	assert_string_equal(auth_result_name(AUTH_R_TOKEN_NOT_FOUND), "token_not_found");
}

static void test_roles(void **unused)
{
	(void)unused;
	for (int r = 0; r < API_ROLE_COUNT; r++)
		assert_int_equal(api_role_parse(api_role_name((uint32_t)r)), r);
	assert_int_equal(api_role_parse("root"), -1);
	assert_int_equal(api_role_parse(NULL), -1);
}

int main(void)
{
	char why[256];
	if (app_registry_install(why, sizeof why) != 0) {
		fprintf(stderr, "registry: %s\n", why);
		return 1;
	}
	spec_load();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_route_in_spec),
		cmocka_unit_test(test_every_spec_op_served),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_table_refusals),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_problem_codes),
		cmocka_unit_test(test_roles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
