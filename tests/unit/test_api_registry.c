/*
 * test_api_registry.c — the composition root (src/app/registry.c): the
 * built-in list is consistent and registers every domain with the engine in
 * its order; result ranges follow from the kind base; two domains with one
 * kind base, one name, or a result code outside its range are refused at
 * start — by the check and by an engine that is opened with such a list —
 * without an assertion; raw-ledger ownership is answered through the
 * descriptors (sz_state_account_owner).
 */
#include "testutil.h"

#include "api/api.h"
#include "app/registry.h"
#include "core/errors.h"
#include "engine/engine.h"

#include <string.h>

static char dir[64];

static int setup(void **state)
{
	(void)state;
	tu_tmpdir(dir, sizeof dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmdir(dir);
	return 0;
}

static uint32_t apply_nothing(struct sz_state *s, void *ds, const struct sz_apply_ctx *c, const sz_command_header *h)
{
	(void)s; (void)ds; (void)c; (void)h;
	return SZ_R_OK;
}

static int register_example_a(struct sz_state *s)
{
	struct sz_domain d = { .name = "example_a", .kind_base = 0x7700, .apply = apply_nothing };
	return sz_state_register(s, &d);
}

static int register_example_b(struct sz_state *s)
{
	struct sz_domain d = { .name = "example_b", .kind_base = 0x7700, .apply = apply_nothing };
	return sz_state_register(s, &d);
}

static const struct sz_result_info example_results[] = {
	{ 11900, "example_refused", "the example refuses" },   /* 0x77 = 119: range 11900-11999 */
	{ 11999, "example_last", "the last code of the range" },
};
static const struct sz_result_info stray_results[] = {
	{ 12000, "example_stray", "one past the range" },
};

/* Two domains sharing kind base 0x7700 (and so result codes 11900-11999). */
static const struct app_domain colliding[] = {
	{ "example_a", 0x7700, register_example_a, NULL, NULL, example_results, 2 },
	{ "example_b", 0x7700, register_example_b, NULL, NULL, NULL, 0 },
};

static void test_builtin_list(void **unused)
{
	(void)unused;
	char why[256] = "";
	assert_int_equal(app_registry_check(app_domains, app_domain_count, why, sizeof why), 0);
	assert_true(app_domain_count >= 5);
	for (uint32_t i = 0; i < app_domain_count; i++) { /* every domain lists its results, all in range */
		assert_non_null(app_domains[i].results);
		assert_true(app_domains[i].result_count > 0);
		for (size_t k = 0; k < app_domains[i].result_count; k++) {
			assert_true(app_domains[i].results[k].result >= app_result_first(app_domains[i].kind_base));
			assert_true(app_domains[i].results[k].result <= app_result_last(app_domains[i].kind_base));
		}
	}
	/* the rule: kind base 0xNN00 owns results NN*100 .. NN*100+99 */
	assert_int_equal(app_result_first(0x0100), 100);
	assert_int_equal(app_result_last(0x0100), 199);
	assert_int_equal(app_result_first(0x0500), 500);
	assert_int_equal(app_result_last(0x0500), 599);
	assert_int_equal(app_result_first(0x7700), 11900);
}

static void test_collisions_refused(void **unused)
{
	(void)unused;
	char why[256] = "";
	assert_int_equal(app_registry_check(colliding, 2, why, sizeof why), SZ_EINVAL);
	assert_non_null(strstr(why, "example_a"));
	assert_non_null(strstr(why, "example_b"));
	assert_non_null(strstr(why, "0x7700"));
	/* one name twice */
	struct app_domain same_name[2] = { colliding[0], colliding[0] };
	same_name[1].kind_base = 0x7800;
	same_name[1].results = NULL;
	same_name[1].result_count = 0;
	assert_int_equal(app_registry_check(same_name, 2, why, sizeof why), SZ_EINVAL);
	assert_non_null(strstr(why, "named example_a"));
	/* a result code one past its range */
	struct app_domain stray = colliding[0];
	stray.results = stray_results;
	stray.result_count = 1;
	assert_int_equal(app_registry_check(&stray, 1, why, sizeof why), SZ_EINVAL);
	assert_non_null(strstr(why, "12000"));
	/* both ends of the range are inside it */
	assert_int_equal(app_registry_check(&colliding[0], 1, why, sizeof why), 0);
	/* a kind base that is not a multiple of 0x100 */
	struct app_domain odd = colliding[0];
	odd.kind_base = 0x7701;
	odd.results = NULL;
	odd.result_count = 0;
	assert_int_equal(app_registry_check(&odd, 1, why, sizeof why), SZ_EINVAL);
}

static int register_colliding(struct sz_state *s)
{
	char why[256];
	return app_registry_register_engine(colliding, 2, s, why, sizeof why);
}

static void test_engine_refuses_colliding_list(void **unused)
{
	(void)unused;
	struct sz_engine *e = NULL;
	char why[256];
	struct sz_engine_config cfg = { .data_dir = dir, .register_domains = register_colliding };
	assert_int_equal(sz_engine_open(&e, &cfg, why, sizeof why), SZ_EINVAL);
	assert_null(e);
}

static void test_engine_registers_builtin(void **unused)
{
	(void)unused;
	struct sz_engine *e = NULL;
	char why[256];
	struct sz_engine_config cfg = { .data_dir = dir };
	assert_int_equal(sz_engine_open(&e, &cfg, why, sizeof why), 0);
	const struct sz_state *s = sz_engine_state(e);
	assert_int_equal(s->domain_count, app_domain_count);
	for (uint32_t i = 0; i < app_domain_count; i++) {
		assert_int_equal(s->domains[i].kind_base, app_domains[i].kind_base);
		assert_string_equal(s->domains[i].name, app_domains[i].name);
	}
	/* ownership through the descriptors: a currency-tagged account ("SZCU" in
	 * the high half of user_data, currency.h) belongs to currency */
	sz_account wallet = { .user_data = 0x535a435500000003ull };
	sz_account plain = { .user_data = 0x535a435400000003ull };
	assert_string_equal(sz_state_account_owner(s, &wallet), "currency");
	assert_null(sz_state_account_owner(s, &plain));
	assert_int_equal(sz_engine_close(e), 0);
}

static void test_install_routes(void **unused)
{
	(void)unused;
	char why[256];
	api_router_reset();
	assert_int_equal(app_registry_install(why, sizeof why), 0);
	/* every domain with a route table contributes its routes, platform first */
	uint32_t expected = api_platform_route_table.count;
	for (uint32_t i = 0; i < app_domain_count; i++)
		if (app_domains[i].routes != NULL)
			expected += app_domains[i].routes->count;
	assert_int_equal(api_route_count(), expected);
	assert_string_equal(api_route_domain(0), "platform");
	/* installing twice is refused, not doubled */
	assert_int_equal(app_registry_install(why, sizeof why), SZ_EEXIST);
	assert_int_equal(api_route_count(), expected);
	api_router_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_list),
		cmocka_unit_test(test_collisions_refused),
		cmocka_unit_test_setup_teardown(test_engine_refuses_colliding_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_engine_registers_builtin, setup, teardown),
		cmocka_unit_test(test_install_routes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
