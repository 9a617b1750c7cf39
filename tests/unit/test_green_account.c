/* test_green_account.c — carbon accounts, scopes, summary, the immutable
 * store with explicit restatements, and the claim-once certificate registry
 * (src/green/account.c, certs.c), including the account-level acceptance
 * examples of issue 6. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "green/account.h"
#include "green/certs.h"
#include "green/fixed.h"

static green_factor_set *set_2024;
static green_factor_set *set_2025;
static green_region_map regions;

static int load(green_factor_set **set, const char *name)
{
	const char *root = getenv("SZFIN_ROOT");
	char path[512];
	green_parse_error err;
	snprintf(path, sizeof path, "%s/share/green/factors/%s", root && root[0] ? root : ".", name);
	*set = green_factor_set_new();
	if (*set == NULL || green_factor_set_load(*set, path, &err) != 0) {
		fprintf(stderr, "%s:%u: %s\n", err.file, err.line, err.message);
		return -1;
	}
	return 0;
}

static int setup(void **unused)
{
	(void)unused;
	const char *root = getenv("SZFIN_ROOT");
	char path[512];
	green_parse_error err;
	snprintf(path, sizeof path, "%s/share/green/regions.csv", root && root[0] ? root : ".");
	if (green_region_map_load(&regions, path, &err) != 0) return -1;
	if (load(&set_2024, "cn-2024.1.csv") != 0) return -1;
	return load(&set_2025, "cn-2025.1.csv");
}

static int teardown(void **unused)
{
	(void)unused;
	free(set_2024);
	free(set_2025);
	return 0;
}

static void tonnes(int64_t g, const char *expect)
{
	char t[32];
	assert_int_equal(green_format_fixed(t, sizeof t, green_g_to_t_e2(g), 2), 0);
	assert_string_equal(t, expect);
}

static green_account base_account(void)
{
	green_account a;
	memset(&a, 0, sizeof a);
	a.enterprise_id = sz_id_make(0, 42);
	a.period_year = 2023;
	a.grid_series = GREEN_GRID_AVERAGE;
	strcpy(a.province, "CN-GD");
	a.gwp = GREEN_GWP_AR6;
	return a;
}

static void add_cert(green_account *a, const char *serial, int64_t mwh_milli)
{
	strcpy(a->certs[a->cert_count].serial, serial);
	a->certs[a->cert_count].mwh_milli = mwh_milli;
	a->cert_count++;
	a->green_power_mwh_milli += mwh_milli;
}

static void test_market_based_acceptance(void **unused)
{
	(void)unused;
	/* 1,000 MWh of which 300 MWh green power, 2023 market based:
	 * 700 x 0.6096 = 426.72 (location based, South: 404.20) */
	green_account a = base_account();
	a.electricity_mwh_milli = 1000000;
	add_cert(&a, "GEC-2023-000001", 300000);
	green_account_result r;
	assert_int_equal(green_account_compute(&a, set_2025, &regions, &r), SZ_OK);
	tonnes(r.scope2_market_g, "426.72");
	tonnes(r.scope2_location_g, "404.20");
	assert_int_equal(r.residual_factor.value.value, 6096);
	assert_true(r.flags & GREEN_FLAG_RESIDUAL_MIX);
	assert_true(r.flags & GREEN_FLAG_AREA_REGION);
	assert_false(r.flags & GREEN_FLAG_ETS_SERIES);
	assert_string_equal(r.factor_version, "cn-2025.1");
	assert_int_equal(r.factor_digest, set_2025->digest);
	/* ETS series for location based: 570.30 and flagged */
	a.grid_series = GREEN_GRID_ETS;
	assert_int_equal(green_account_compute(&a, set_2025, &regions, &r), SZ_OK);
	tonnes(r.scope2_location_g, "570.30");
	assert_true(r.flags & GREEN_FLAG_ETS_SERIES);
}

static void test_full_account(void **unused)
{
	(void)unused;
	green_account a = base_account();
	/* bytes after the terminator must be zero: a record has one encoding */
	strcpy(a.province, "CN");
	assert_int_equal(green_account_validate(&a), SZ_EINVAL);
	memset(a.province, 0, sizeof a.province);
	strcpy(a.province, "CN");
	a.electricity_mwh_milli = 1000000;          /* 530.60 */
	a.heat_gj_milli = 1000000;                  /* 110.00 */
	strcpy(a.fuels[0].fuel, "natural_gas");     /* 216.22 */
	a.fuels[0].activity_micro = 10000000;
	strcpy(a.fuels[1].fuel, "diesel");          /* 30.96 */
	a.fuels[1].activity_micro = 10000000;
	strcpy(a.fuels[2].fuel, "gasoline");        /* 14.63 */
	a.fuels[2].activity_micro = 5000000;
	a.fuel_count = 3;
	a.value_added_fen = 5000000000;             /* ¥50m */
	a.previous_total_g = 900000000;
	a.flags = GREEN_ACCOUNT_HAS_PREVIOUS;
	green_account_result r;
	assert_int_equal(green_account_compute(&a, set_2025, &regions, &r), SZ_OK);
	assert_int_equal(r.fuel_co2e_g[0], 216218881);
	assert_int_equal(r.fuel_co2e_g[1], 30959096);
	assert_int_equal(r.fuel_co2e_g[2], 14625280);
	assert_int_equal(r.scope1_g, 216218881 + 30959096 + 14625280);
	tonnes(r.scope1_g, "261.80");
	tonnes(r.heat_g, "110.00");
	tonnes(r.scope2_location_g, "640.60");
	tonnes(r.summary.total_g, "902.40");
	assert_int_equal(r.summary.total_g, r.scope1_g + r.scope2_location_g);
	assert_int_equal(r.total_market_g, r.scope1_g + r.scope2_market_g);
	assert_true(r.summary.result_flags & GREEN_RESULT_HAS_YOY);
	assert_true(r.summary.result_flags & GREEN_RESULT_HAS_INTENSITY);
	/* determinism: the same inputs give the same bytes */
	green_account_result again;
	assert_int_equal(green_account_compute(&a, set_2025, &regions, &again), SZ_OK);
	assert_memory_equal(&r, &again, sizeof r);
}

static void test_summary_acceptance(void **unused)
{
	(void)unused;
	/* Scope 1 = 247.18 and scope 2 = 514.20 give 761.38; previous year 800
	 * -> -4.83 %; value added ¥50m -> 0.1523 t/¥10k */
	green_summary s;
	assert_int_equal(green_summary_compute(247180000, 514200000, 5000000000, 800000000, 1, &s), SZ_OK);
	tonnes(s.total_g, "761.38");
	char text[32];
	assert_int_equal(s.yoy_change_bp, -483);
	assert_int_equal(green_format_fixed(text, sizeof text, s.yoy_change_bp, 2), 0);
	assert_string_equal(text, "-4.83");
	assert_int_equal(s.intensity_t_per_10k_yuan_e4, 1523);
	assert_int_equal(green_format_fixed(text, sizeof text, s.intensity_t_per_10k_yuan_e4, 4), 0);
	assert_string_equal(text, "0.1523");
	assert_int_equal(s.intensity_g_per_10k_yuan, 152276);
	/* no previous year, no value added: flags say so, fields are zero */
	assert_int_equal(green_summary_compute(1, 2, 0, 0, 0, &s), SZ_OK);
	assert_int_equal(s.result_flags, 0);
	assert_int_equal(s.total_g, 3);
	assert_int_equal(green_summary_compute(-1, 2, 0, 0, 0, &s), SZ_EINVAL);
	assert_int_equal(green_summary_compute(INT64_MAX, 1, 0, 0, 0, &s), SZ_ELIMIT);
}

static void test_validation(void **unused)
{
	(void)unused;
	green_account_result r;
	green_account a = base_account();
	assert_int_equal(green_account_validate(&a), SZ_OK);
#define BAD(mutation) do { a = base_account(); mutation; \
	assert_int_equal(green_account_validate(&a), SZ_EINVAL); \
	assert_int_equal(green_account_compute(&a, set_2025, &regions, &r), SZ_EINVAL); } while (0)
	BAD(a.enterprise_id = sz_id_make(0, 0));
	BAD(a.period_year = 1989);
	BAD(a.grid_series = GREEN_GRID_FOSSIL);
	BAD(strcpy(a.province, "GD"));
	BAD(a.electricity_mwh_milli = -1);
	BAD(a.electricity_mwh_milli = GREEN_ACTIVITY_MICRO_MAX + 1);
	BAD(a.green_power_mwh_milli = 1);                       /* green without certificates */
	BAD(a.electricity_mwh_milli = 100; add_cert(&a, "X1", 200)); /* green > electricity */
	BAD(a.electricity_mwh_milli = 500; add_cert(&a, "X1", 200); add_cert(&a, "X1", 200));
	BAD(a.gwp = 0);
	BAD(a.flags = 2);
	BAD(a.previous_total_g = 5);                            /* without the flag */
	BAD(a.fuel_count = GREEN_ACCOUNT_FUEL_LINE_COUNT_MAX + 1);
	BAD(a.fuel_count = 1);                                  /* empty fuel code */
	BAD(strcpy(a.fuels[3].fuel, "diesel"));                 /* unused slot not zero */
	BAD(a.fuel_count = 1; strcpy(a.fuels[0].fuel, "diesel"); a.fuels[0].tier = 3);
	BAD(a.value_added_fen = -1);
	BAD(memset(a.province, 'A', sizeof a.province));        /* unterminated */
#undef BAD
	/* a fuel the set does not know */
	a = base_account();
	a.fuel_count = 1;
	strcpy(a.fuels[0].fuel, "peat");
	a.fuels[0].activity_micro = 1;
	assert_int_equal(green_account_compute(&a, set_2025, &regions, &r), SZ_ENOTFOUND);
	/* limits: 8 fuel and 8 certificate lines are accepted */
	a = base_account();
	a.electricity_mwh_milli = 8000;
	for (uint32_t i = 0; i < GREEN_ACCOUNT_FUEL_LINE_COUNT_MAX; i++) {
		strcpy(a.fuels[i].fuel, "lpg");
		a.fuels[i].activity_micro = 1000000;
	}
	a.fuel_count = GREEN_ACCOUNT_FUEL_LINE_COUNT_MAX;
	for (uint32_t i = 0; i < GREEN_ACCOUNT_CERT_LINE_COUNT_MAX; i++) {
		char serial[16];
		snprintf(serial, sizeof serial, "S%u", i);
		add_cert(&a, serial, 1000);
	}
	assert_int_equal(green_account_compute(&a, set_2025, &regions, &r), SZ_OK);
	assert_int_equal(r.scope2_market_g, 0); /* all green */
}

static void test_restatement(void **unused)
{
	(void)unused;
	green_account_store store;
	assert_int_equal(green_account_store_init(&store, 4, 2), SZ_OK);
	green_account a = base_account();
	a.electricity_mwh_milli = 1000000;
	green_account_result old;
	/* computed in 2024 with what was published then: South 2022, 0.3869 */
	assert_int_equal(green_account_compute(&a, set_2024, &regions, &old), SZ_OK);
	tonnes(old.scope2_location_g, "386.90");
	assert_true(old.flags & GREEN_FLAG_YEAR_EARLIER);
	assert_int_equal(green_account_store_put(&store, &a, &old), SZ_OK);
	/* a second submission never replaces the stored result */
	green_account_result newer;
	assert_int_equal(green_account_compute(&a, set_2025, &regions, &newer), SZ_OK);
	assert_int_equal(green_account_store_put(&store, &a, &newer), SZ_EEXIST);
	/* restatement shows before and after, and changes nothing stored */
	green_restatement rs;
	assert_int_equal(green_account_store_restate(&store, a.enterprise_id, 2023, set_2025, &regions, &rs), SZ_OK);
	tonnes(rs.before.scope2_location_g, "386.90");
	tonnes(rs.after.scope2_location_g, "404.20");
	assert_string_equal(rs.before.factor_version, "cn-2024.1");
	assert_string_equal(rs.after.factor_version, "cn-2025.1");
	assert_int_equal(rs.delta_scope2_location_g, 404200000 - 386900000);
	assert_int_equal(rs.delta_total_g, rs.delta_scope2_location_g);
	/* market based: 0.5856 (2022) -> 0.6096 (2023) */
	assert_int_equal(rs.delta_scope2_market_g, 609600000 - 585600000);
	const green_account_result *stored = green_account_store_get(&store, a.enterprise_id, 2023, NULL);
	assert_non_null(stored);
	assert_memory_equal(stored, &old, sizeof old);
	assert_int_equal(store.restatement_count, 1);
	/* restating under the same set is refused */
	assert_int_equal(green_account_store_restate(&store, a.enterprise_id, 2023, set_2024, &regions, &rs),
	                 SZ_EINVAL);
	/* unknown account, and the restatement log limit */
	assert_int_equal(green_account_store_restate(&store, sz_id_make(0, 9), 2023, set_2025, &regions, &rs),
	                 SZ_ENOTFOUND);
	assert_int_equal(green_account_store_restate(&store, a.enterprise_id, 2023, set_2025, &regions, &rs), SZ_OK);
	assert_int_equal(green_account_store_restate(&store, a.enterprise_id, 2023, set_2025, &regions, &rs),
	                 SZ_ELIMIT);
	/* pure restatement refuses a result of another account */
	green_account other = base_account();
	other.period_year = 2022;
	assert_int_equal(green_restate(&other, &old, set_2025, &regions, &rs), SZ_EINVAL);
	green_account_store_release(&store);
}

static void test_store_limits(void **unused)
{
	(void)unused;
	green_account_store store;
	assert_int_equal(green_account_store_init(&store, 0, 0), SZ_EINVAL);
	assert_int_equal(green_account_store_init(&store, GREEN_ACCOUNT_STORE_COUNT_MAX + 1, 0), SZ_EINVAL);
	assert_int_equal(green_account_store_init(&store, 3, 0), SZ_OK);
	green_account a = base_account();
	green_account_result r;
	for (int32_t year = 2021; year <= 2023; year++) {
		a.period_year = year;
		assert_int_equal(green_account_compute(&a, set_2025, &regions, &r), SZ_OK);
		assert_int_equal(green_account_store_put(&store, &a, &r), SZ_OK);
	}
	a.period_year = 2024;
	assert_int_equal(green_account_compute(&a, set_2025, &regions, &r), SZ_OK);
	assert_int_equal(green_account_store_put(&store, &a, &r), SZ_ELIMIT);
	a.period_year = 2022;
	assert_int_equal(green_account_store_put(&store, &a, &r), SZ_EINVAL); /* result is 2024's */
	const green_account *stored_account = NULL;
	assert_non_null(green_account_store_get(&store, a.enterprise_id, 2022, &stored_account));
	assert_int_equal(stored_account->period_year, 2022);
	assert_null(green_account_store_get(&store, a.enterprise_id, 2024, NULL));
	assert_int_equal(green_account_store_restate(&store, a.enterprise_id, 2022, set_2024, &regions,
	                                             &(green_restatement){ 0 }), SZ_ELIMIT);
	green_account_store_release(&store);
}

static void test_cert_registry(void **unused)
{
	(void)unused;
	green_cert_registry reg;
	assert_int_equal(green_cert_registry_init(&reg, 0), SZ_EINVAL);
	assert_int_equal(green_cert_registry_init(&reg, GREEN_CERT_CLAIM_COUNT_MAX + 1), SZ_EINVAL);
	assert_int_equal(green_cert_registry_init(&reg, 3), SZ_OK);
	sz_id e1 = sz_id_make(0, 1), e2 = sz_id_make(0, 2);
	green_cert_claim prior;
	assert_int_equal(green_cert_registry_claim(&reg, "GEC-1", e1, 2023, &prior), SZ_OK);
	/* once only: another enterprise, or the same one again */
	assert_int_equal(green_cert_registry_claim(&reg, "GEC-1", e2, 2023, &prior), SZ_EEXIST);
	assert_true(sz_id_eq(prior.enterprise_id, e1));
	assert_int_equal(green_cert_registry_claim(&reg, "GEC-1", e1, 2024, &prior), SZ_EEXIST);
	assert_int_equal(green_cert_registry_claim(&reg, "", e1, 2023, NULL), SZ_EINVAL);
	assert_int_equal(green_cert_registry_claim(&reg, "has space", e1, 2023, NULL), SZ_EINVAL);
	assert_int_equal(green_cert_registry_claim(&reg, "GEC-9", sz_id_make(0, 0), 2023, NULL), SZ_EINVAL);
	/* an account's lines: all or nothing */
	green_account a = base_account();
	a.enterprise_id = e2;
	a.electricity_mwh_milli = 10000;
	add_cert(&a, "GEC-2", 1000);
	add_cert(&a, "GEC-1", 1000); /* taken */
	assert_int_equal(green_cert_registry_claim_account(&reg, &a, &prior), SZ_EEXIST);
	assert_null(green_cert_registry_find(&reg, "GEC-2"));
	assert_int_equal(reg.count, 1);
	/* room for 2 more: an account with 3 new lines is refused whole */
	green_account b = base_account();
	b.electricity_mwh_milli = 10000;
	add_cert(&b, "GEC-3", 1000);
	add_cert(&b, "GEC-4", 1000);
	add_cert(&b, "GEC-5", 1000);
	assert_int_equal(green_cert_registry_claim_account(&reg, &b, NULL), SZ_ELIMIT);
	assert_int_equal(reg.count, 1);
	b.cert_count = 2;
	memset(&b.certs[2], 0, sizeof b.certs[2]);
	b.green_power_mwh_milli = 2000;
	assert_int_equal(green_cert_registry_claim_account(&reg, &b, NULL), SZ_OK);
	assert_int_equal(reg.count, 3);
	const green_cert_claim *claim = green_cert_registry_find(&reg, "GEC-4");
	assert_non_null(claim);
	assert_int_equal(claim->period_year, 2023);
	assert_int_equal(green_cert_registry_claim(&reg, "GEC-6", e1, 2023, NULL), SZ_ELIMIT);
	/* the same account cannot claim twice */
	assert_int_equal(green_cert_registry_claim_account(&reg, &b, NULL), SZ_EEXIST);
	green_cert_registry_release(&reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_market_based_acceptance),
		cmocka_unit_test(test_full_account),
		cmocka_unit_test(test_summary_acceptance),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_restatement),
		cmocka_unit_test(test_store_limits),
		cmocka_unit_test(test_cert_registry),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
