/* test_green_factors.c — factor sets and lookups (src/green/factors.c,
 * region.c, csv.c, fixed.c): the electricity and fuel acceptance examples of
 * issue 6 to the hundredth of a tonne, the fallback rule, provenance, and a
 * strict loader that names file and line for every kind of bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "green/factors.h"
#include "green/fixed.h"
#include "green/region.h"

static green_factor_set *set_2024;
static green_factor_set *set_2025;
static green_region_map regions;

static void share_path(char *buf, size_t size, const char *relative)
{
	const char *root = getenv("SZFIN_ROOT");
	snprintf(buf, size, "%s/share/green/%s", root && root[0] ? root : ".", relative);
}

static int setup(void **unused)
{
	(void)unused;
	char path[512];
	green_parse_error err;
	set_2024 = green_factor_set_new();
	set_2025 = green_factor_set_new();
	if (!set_2024 || !set_2025) return -1;
	share_path(path, sizeof path, "factors/cn-2024.1.csv");
	if (green_factor_set_load(set_2024, path, &err) != 0) {
		fprintf(stderr, "%s:%u: %s\n", err.file, err.line, err.message);
		return -1;
	}
	share_path(path, sizeof path, "factors/cn-2025.1.csv");
	if (green_factor_set_load(set_2025, path, &err) != 0) {
		fprintf(stderr, "%s:%u: %s\n", err.file, err.line, err.message);
		return -1;
	}
	share_path(path, sizeof path, "regions.csv");
	if (green_region_map_load(&regions, path, &err) != 0) {
		fprintf(stderr, "%s:%u: %s\n", err.file, err.line, err.message);
		return -1;
	}
	return 0;
}

static int teardown(void **unused)
{
	(void)unused;
	free(set_2024);
	free(set_2025);
	return 0;
}

/* Emissions of a grid lookup for mwh MWh, as "t.tt". */
static void grid_tonnes(const green_factor_set *set, uint32_t series, const char *province,
                        int32_t year, int64_t mwh_milli, char *out, green_factor_ref *ref)
{
	assert_int_equal(green_grid_factor(set, &regions, series, province, year, ref), SZ_OK);
	int64_t g = -1;
	assert_int_equal(green_electricity_emissions(ref, mwh_milli, &g), SZ_OK);
	assert_int_equal(green_format_fixed(out, 32, green_g_to_t_e2(g), 2), SZ_OK);
}

static void test_electricity_acceptance(void **unused)
{
	(void)unused;
	char t[32];
	green_factor_ref ref;
	/* 1,000 MWh in the Southern grid, 2023: 404.20 */
	grid_tonnes(set_2025, GREEN_GRID_AVERAGE, "CN-GD", 2023, 1000000, t, &ref);
	assert_string_equal(t, "404.20");
	assert_string_equal(ref.area, "SOUTH");
	assert_int_equal(ref.year, 2023);
	assert_int_equal(ref.flags, GREEN_FLAG_AREA_REGION);
	/* national 2023: 530.60 */
	grid_tonnes(set_2025, GREEN_GRID_AVERAGE, "", 2023, 1000000, t, &ref);
	assert_string_equal(t, "530.60");
	assert_int_equal(ref.flags, 0);
	/* with the ETS factor: 570.30 and flagged */
	grid_tonnes(set_2025, GREEN_GRID_ETS, "CN-GD", 2023, 1000000, t, &ref);
	assert_string_equal(t, "570.30");
	assert_true(ref.flags & GREEN_FLAG_ETS_SERIES);
	assert_true(ref.flags & GREEN_FLAG_AREA_NATIONAL);
	/* market based: 700 MWh at the excl-market factor 0.6096: 426.72 */
	grid_tonnes(set_2025, GREEN_GRID_EXCL_MARKET_NONFOSSIL, "CN", 2023, 700000, t, &ref);
	assert_string_equal(t, "426.72");
}

static void fuel_tonnes(const char *fuel, uint32_t tier, int64_t micro, const char *expect,
                        const char *unit)
{
	green_fuel_result r;
	char t[32];
	assert_int_equal(green_fuel_emissions(set_2025, fuel, tier, GREEN_GWP_AR6, micro, &r), SZ_OK);
	assert_int_equal(green_format_fixed(t, sizeof t, green_g_to_t_e2(r.co2e_g), 2), SZ_OK);
	assert_string_equal(t, expect);
	assert_string_equal(r.activity_unit, unit);
}

static void test_fuel_acceptance(void **unused)
{
	(void)unused;
	/* 100,000 Nm3 natural gas = 10 x 10^4 Nm3: 216.22 (exact 216.2188809 t) */
	fuel_tonnes("natural_gas", GREEN_TIER_AUTO, 10000000, "216.22", "10^4Nm3");
	/* 10 t diesel: 30.96 (30.95909637) */
	fuel_tonnes("diesel", GREEN_TIER_NATIONAL, 10000000, "30.96", "t");
	/* 5 t gasoline: 14.63 (14.6252799) */
	fuel_tonnes("gasoline", GREEN_TIER_NATIONAL, 5000000, "14.63", "t");
	green_fuel_result r;
	assert_int_equal(green_fuel_emissions(set_2025, "natural_gas", GREEN_TIER_AUTO, GREEN_GWP_AR6,
	                                      10000000, &r), SZ_OK);
	assert_int_equal(r.co2e_g, 216218881); /* 216,218,880.9 g rounded once */
	assert_int_equal(r.tier, GREEN_TIER_NATIONAL);
	assert_int_equal(r.ch4_g, 0);
	/* 1,000 GJ purchased heat: 110.00 */
	green_factor_ref heat;
	int64_t g;
	assert_int_equal(green_heat_factor(set_2025, &heat), SZ_OK);
	assert_int_equal(green_heat_emissions(&heat, 1000000, &g), SZ_OK);
	assert_int_equal(g, 110000000);
}

static void test_fuel_ipcc_tier(void **unused)
{
	(void)unused;
	green_fuel_result ar5, ar6;
	/* 10 t diesel, IPCC tier with the national NCV: 426.52 GJ.
	 * CO2 426.52 * 74100 g = 31,605,132 g; CH4 426.52*3 = 1279.56 g;
	 * N2O 426.52 * 0.6 = 255.912 g. */
	assert_int_equal(green_fuel_emissions(set_2025, "diesel", GREEN_TIER_IPCC, GREEN_GWP_AR5,
	                                      10000000, &ar5), SZ_OK);
	assert_int_equal(ar5.co2_g, 31605132);
	assert_int_equal(ar5.ch4_g, 1280);
	assert_int_equal(ar5.n2o_g, 256);
	/* AR5: 31,605,132 + 1279.56*28 + 255.912*265 = 31,605,132 + 35,827.68 + 67,816.68 */
	assert_int_equal(ar5.co2e_g, 31708776);
	assert_true(ar5.flags & GREEN_FLAG_IPCC_TIER);
	assert_false(ar5.flags & GREEN_FLAG_IPCC_NCV);
	/* AR6: + 1279.56*29.8 + 255.912*273 = 38,130.888 + 69,863.976 */
	assert_int_equal(green_fuel_emissions(set_2025, "diesel", GREEN_TIER_IPCC, GREEN_GWP_AR6,
	                                      10000000, &ar6), SZ_OK);
	assert_int_equal(ar6.co2e_g, 31713127);
	/* A fuel with no national factors falls back to IPCC under AUTO, with
	 * the IPCC NCV: 1 t coal = 25.8 GJ * 94,600 = 2,440,680 g CO2. */
	green_fuel_result coal;
	assert_int_equal(green_fuel_emissions(set_2025, "other_bituminous_coal", GREEN_TIER_AUTO,
	                                      GREEN_GWP_AR6, 1000000, &coal), SZ_OK);
	assert_int_equal(coal.co2_g, 2440680);
	assert_int_equal(coal.tier, GREEN_TIER_IPCC);
	assert_true(coal.flags & GREEN_FLAG_IPCC_NCV);
	assert_int_equal(green_fuel_emissions(set_2025, "other_bituminous_coal", GREEN_TIER_NATIONAL,
	                                      GREEN_GWP_AR6, 1000000, &coal), SZ_ENOTFOUND);
	assert_int_equal(green_fuel_emissions(set_2025, "peat", GREEN_TIER_AUTO, GREEN_GWP_AR6,
	                                      1000000, &coal), SZ_ENOTFOUND);
	assert_int_equal(green_fuel_emissions(set_2025, "diesel", GREEN_TIER_IPCC, 4, 1000000, &coal),
	                 SZ_EINVAL);
}

static void test_activity_bounds(void **unused)
{
	(void)unused;
	green_fuel_result r;
	assert_int_equal(green_fuel_emissions(set_2025, "lpg", GREEN_TIER_AUTO, GREEN_GWP_AR6,
	                                      GREEN_ACTIVITY_MICRO_MAX, &r), SZ_OK);
	assert_int_equal(green_fuel_emissions(set_2025, "lpg", GREEN_TIER_AUTO, GREEN_GWP_AR6,
	                                      GREEN_ACTIVITY_MICRO_MAX + 1, &r), SZ_EINVAL);
	assert_int_equal(green_fuel_emissions(set_2025, "lpg", GREEN_TIER_AUTO, GREEN_GWP_AR6, -1, &r),
	                 SZ_EINVAL);
	green_factor_ref ref;
	int64_t g;
	assert_int_equal(green_grid_factor(set_2025, &regions, GREEN_GRID_FOSSIL, "", 2023, &ref), SZ_OK);
	assert_int_equal(green_electricity_emissions(&ref, GREEN_ACTIVITY_MICRO_MAX, &g), SZ_OK);
	assert_int_equal(green_electricity_emissions(&ref, GREEN_ACTIVITY_MICRO_MAX + 1, &g), SZ_EINVAL);
	assert_int_equal(green_electricity_emissions(&ref, 0, &g), SZ_OK);
	assert_int_equal(g, 0);
}

static void test_grid_fallbacks(void **unused)
{
	(void)unused;
	green_factor_ref ref;
	/* 2021: no regional factors that early -> national 2021 */
	assert_int_equal(green_grid_factor(set_2025, &regions, GREEN_GRID_AVERAGE, "CN-SC", 2021, &ref), SZ_OK);
	assert_int_equal(ref.value.value, 5568);
	assert_int_equal(ref.year, 2021);
	assert_string_equal(ref.area, "CN");
	assert_int_equal(ref.flags, GREEN_FLAG_AREA_NATIONAL);
	/* 2024 data year not yet published: latest earlier year, flagged */
	assert_int_equal(green_grid_factor(set_2025, &regions, GREEN_GRID_AVERAGE, "CN-SC", 2024, &ref), SZ_OK);
	assert_int_equal(ref.value.value, 2472);
	assert_int_equal(ref.flags, GREEN_FLAG_AREA_REGION | GREEN_FLAG_YEAR_EARLIER);
	/* The older set has no 2023 factors: 2022 South */
	assert_int_equal(green_grid_factor(set_2024, &regions, GREEN_GRID_AVERAGE, "CN-GD", 2023, &ref), SZ_OK);
	assert_int_equal(ref.value.value, 3869);
	assert_int_equal(ref.year, 2022);
	/* before any published year */
	assert_int_equal(green_grid_factor(set_2025, &regions, GREEN_GRID_AVERAGE, "CN-GD", 2020, &ref),
	                 SZ_ENOTFOUND);
	/* unknown province and series */
	assert_int_equal(green_grid_factor(set_2025, &regions, GREEN_GRID_AVERAGE, "CN-ZZ", 2023, &ref),
	                 SZ_EINVAL);
	assert_int_equal(green_grid_factor(set_2025, &regions, 9, "CN-GD", 2023, &ref), SZ_EINVAL);
	/* a province-level row wins over its region */
	const char *text =
		"kind,code,area,year,param,value,unit,source,publication,version\n"
		"grid,average,SOUTH,2023,ef,0.4042,tCO2/MWh,MEE/NBS,p,t-1\n"
		"grid,average,CN-GD,2023,ef,0.4100,tCO2/MWh,example,p,t-1\n"
		"grid,average,CN,2023,ef,0.5306,tCO2/MWh,MEE/NBS,p,t-1\n";
	green_factor_set *set = green_factor_set_new();
	green_parse_error err;
	assert_int_equal(green_factor_set_parse(set, text, strlen(text), "t.csv", &err), SZ_OK);
	assert_int_equal(green_grid_factor(set, &regions, GREEN_GRID_AVERAGE, "CN-GD", 2023, &ref), SZ_OK);
	assert_int_equal(ref.value.value, 4100);
	assert_int_equal(ref.flags, 0);
	assert_int_equal(green_grid_factor(set, &regions, GREEN_GRID_AVERAGE, "CN-GX", 2023, &ref), SZ_OK);
	assert_int_equal(ref.value.value, 4042);
	free(set);
}

static void test_every_region_and_province(void **unused)
{
	(void)unused;
	assert_int_equal(regions.count, 31);
	uint32_t per_region[GREEN_REGION_COUNT + 1] = { 0 };
	for (uint32_t i = 0; i < regions.count; i++) per_region[regions.provinces[i].region]++;
	assert_int_equal(per_region[GREEN_REGION_NORTH], 6);
	assert_int_equal(per_region[GREEN_REGION_NORTHEAST], 3);
	assert_int_equal(per_region[GREEN_REGION_EAST], 5);
	assert_int_equal(per_region[GREEN_REGION_CENTRAL], 4);
	assert_int_equal(per_region[GREEN_REGION_NORTHWEST], 5);
	assert_int_equal(per_region[GREEN_REGION_SOUTH], 5);
	assert_int_equal(per_region[GREEN_REGION_SOUTHWEST], 3);
	/* Every province resolves to its regional 2022 and 2023 factor. */
	for (uint32_t i = 0; i < regions.count; i++) {
		green_factor_ref ref;
		for (int32_t year = 2022; year <= 2023; year++) {
			assert_int_equal(green_grid_factor(set_2025, &regions, GREEN_GRID_AVERAGE,
			                                   regions.provinces[i].code, year, &ref), SZ_OK);
			assert_string_equal(ref.area, green_region_name(regions.provinces[i].region));
			assert_int_equal(ref.year, year);
		}
	}
	assert_int_equal(green_region_of(&regions, "CN-XZ"), GREEN_REGION_SOUTHWEST);
	assert_int_equal(green_region_of(&regions, "CN-NM"), GREEN_REGION_NORTH);
}

static void test_provenance_and_digest(void **unused)
{
	(void)unused;
	assert_string_equal(set_2025->version, "cn-2025.1");
	assert_string_equal(set_2024->version, "cn-2024.1");
	assert_true(set_2024->digest != set_2025->digest);
	const green_factor_row *row = green_factor_find(set_2025, GREEN_KIND_GRID, "average", "SOUTH",
	                                                2023, GREEN_PARAM_EF);
	assert_non_null(row);
	assert_string_equal(row->unit, "tCO2/MWh");
	assert_string_equal(row->source, "MEE/NBS");
	assert_non_null(strstr(row->publication, "2023"));
	char text[32];
	assert_int_equal(green_format_dec(text, sizeof text, row->value), SZ_OK);
	assert_string_equal(text, "0.4042");
	row = green_factor_find(set_2025, GREEN_KIND_FUEL, "natural_gas", "CN", 0, GREEN_PARAM_NCV);
	assert_non_null(row);
	assert_string_equal(row->unit, "GJ/10^4Nm3");
	assert_int_equal(row->value.value, 38931);
	assert_int_equal(row->value.scale, 2);
	/* Parsing the same text twice gives the same digest. */
	char path[512];
	green_parse_error err;
	green_factor_set *again = green_factor_set_new();
	share_path(path, sizeof path, "factors/cn-2025.1.csv");
	assert_int_equal(green_factor_set_load(again, path, &err), SZ_OK);
	assert_int_equal(again->digest, set_2025->digest);
	assert_int_equal(again->row_count, set_2025->row_count);
	free(again);
}

/* Parses text and expects SZ_EINVAL at line with message containing needle. */
static void expect_bad(const char *text, uint32_t line, const char *needle)
{
	green_factor_set *set = green_factor_set_new();
	assert_non_null(set);
	set->row_count = 77; /* must stay untouched on failure */
	green_parse_error err;
	memset(&err, 0, sizeof err);
	int status = green_factor_set_parse(set, text, strlen(text), "bad.csv", &err);
	if (status != SZ_EINVAL || err.line != line || strstr(err.message, needle) == NULL)
		fprintf(stderr, "status %d, %s:%u: %s (wanted line %u, \"%s\")\n", status, err.file,
		        err.line, err.message, line, needle);
	assert_int_equal(status, SZ_EINVAL);
	assert_int_equal(err.line, line);
	assert_string_equal(err.file, "bad.csv");
	assert_non_null(strstr(err.message, needle));
	assert_int_equal(set->row_count, 77);
	free(set);
}

#define H "kind,code,area,year,param,value,unit,source,publication,version\n"
#define OK_ROW "grid,average,CN,2023,ef,0.5306,tCO2/MWh,MEE/NBS,p,v1\n"

static void test_loader_rejects(void **unused)
{
	(void)unused;
	expect_bad("", 0, "empty file");
	expect_bad("kind,code\n", 1, "header must be");
	expect_bad(H, 1, "no factor rows");
	expect_bad(H "grid,average,CN,2023,ef,0.5306,tCO2/MWh,MEE/NBS,p\n", 2, "expected 10 fields");
	expect_bad(H OK_ROW "coal,average,CN,2023,ef,0.5306,tCO2/MWh,MEE/NBS,p,v1\n", 3, "kind must be");
	expect_bad(H "grid,mean,CN,2023,ef,0.5306,tCO2/MWh,MEE/NBS,p,v1\n", 2, "code is not valid");
	expect_bad(H "grid,average,MARS,2023,ef,0.5306,tCO2/MWh,MEE/NBS,p,v1\n", 2, "area is not valid");
	expect_bad(H "fuel,diesel,CN-GD,,ncv,42.652,GJ/t,x,p,v1\n", 2, "area is not valid");
	expect_bad(H "grid,average,CN,,ef,0.5306,tCO2/MWh,MEE/NBS,p,v1\n", 2, "data year");
	expect_bad(H "grid,average,CN,23,ef,0.5306,tCO2/MWh,MEE/NBS,p,v1\n", 2, "year must be");
	expect_bad(H "grid,average,CN,2023,ncv,0.5306,tCO2/MWh,MEE/NBS,p,v1\n", 2, "param is not valid");
	expect_bad(H "grid,average,CN,2023,ef,0.53.06,tCO2/MWh,MEE/NBS,p,v1\n", 2, "plain decimal");
	expect_bad(H "grid,average,CN,2023,ef,5e-1,tCO2/MWh,MEE/NBS,p,v1\n", 2, "plain decimal");
	expect_bad(H "grid,average,CN,2023,ef,0.1234567891,tCO2/MWh,MEE/NBS,p,v1\n", 2, "plain decimal");
	expect_bad(H "grid,average,CN,2023,ef,0,tCO2/MWh,MEE/NBS,p,v1\n", 2, "must be > 0");
	expect_bad(H "grid,average,CN,2023,ef,-0.5,tCO2/MWh,MEE/NBS,p,v1\n", 2, "must be > 0");
	expect_bad(H "fuel,diesel,CN,,oxidation,100.5,%,x,p,v1\n", 2, "oxidation");
	expect_bad(H "grid,average,CN,2023,ef,0.5306,kgCO2/kWh,MEE/NBS,p,v1\n", 2, "does not match");
	expect_bad(H "grid,average,CN,2023,ef,0.5306,tCO2/MWh,,p,v1\n", 2, "must not be empty");
	expect_bad(H "grid,average,CN,2023,ef,0.5306,tCO2/MWh,MEE/NBS,p,\n", 2, "version must not");
	expect_bad(H OK_ROW "grid,average,CN,2022,ef,0.5366,tCO2/MWh,MEE/NBS,p,v2\n", 3, "version differs");
	expect_bad(H OK_ROW "# comment\n" OK_ROW, 4, "duplicate");
	expect_bad(H "grid,average,CN,2023,ef,\"0.5\",tCO2/MWh,MEE/NBS,p,v1\n", 2, "quotes");
	expect_bad(H "grid,average,CN,2023,ef, 0.5,tCO2/MWh,MEE/NBS,p,v1\n", 2, "space");
	expect_bad(H "grid,average,CN,2023,ef,0.5\t,tCO2/MWh,MEE/NBS,p,v1\n", 2, "control byte");
	expect_bad(H "grid,average,CN,2023,ef,0.5,tCO2/MWh,MEE/NBS,p\xff,v1\n", 2, "UTF-8");
	expect_bad(H "grid,average,CN,2023,ef,0.5,tCO2/MWh,MEE/NBS,p\xe2\x82,v1\n", 2, "UTF-8");
	expect_bad(H "a,b,c,d,e,f,g,h,i,j,k,l,m\n", 2, "more than 12 fields");
	char long_line[2048];
	memset(long_line, 'x', sizeof long_line);
	memcpy(long_line, H, strlen(H));
	long_line[sizeof long_line - 1] = '\0';
	expect_bad(long_line, 2, "longer than 1024");
	char long_source[600];
	snprintf(long_source, sizeof long_source,
	         H "grid,average,CN,2023,ef,0.5,tCO2/MWh,%0100d,p,v1\n", 0);
	expect_bad(long_source, 2, "source longer than 63");
	/* at the limit: 63-byte source and 31-byte version are fine */
	snprintf(long_source, sizeof long_source,
	         H "grid,average,CN,2023,ef,0.5,tCO2/MWh,%063d,p,%031d\n", 0, 0);
	green_factor_set *set = green_factor_set_new();
	green_parse_error err;
	assert_int_equal(green_factor_set_parse(set, long_source, strlen(long_source), "ok.csv", &err), SZ_OK);
	snprintf(long_source, sizeof long_source,
	         H "grid,average,CN,2023,ef,0.5,tCO2/MWh,x,p,%032d\n", 0);
	assert_int_equal(green_factor_set_parse(set, long_source, strlen(long_source), "v.csv", &err), SZ_EINVAL);
	/* CRLF endings and a missing final newline are accepted */
	const char *crlf = "kind,code,area,year,param,value,unit,source,publication,version\r\n"
	                   "heat,purchased,CN,,ef,0.11,tCO2/GJ,MEE,p,v1";
	assert_int_equal(green_factor_set_parse(set, crlf, strlen(crlf), "crlf.csv", &err), SZ_OK);
	assert_int_equal(set->row_count, 1);
	free(set);
}

static void test_row_limit(void **unused)
{
	(void)unused;
	size_t cap = (GREEN_FACTOR_ROW_COUNT_MAX + 2) * 64 + 128;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t at = (size_t)snprintf(text, cap, H);
	/* GREEN_FACTOR_ROW_COUNT_MAX distinct rows: accepted */
	for (uint32_t i = 0; i < GREEN_FACTOR_ROW_COUNT_MAX; i++)
		at += (size_t)snprintf(text + at, cap - at, "fuel,f%u,CN,,ncv,1,GJ/t,s,p,v\n", i);
	green_factor_set *set = green_factor_set_new();
	green_parse_error err;
	assert_int_equal(green_factor_set_parse(set, text, at, "max.csv", &err), SZ_OK);
	assert_int_equal(set->row_count, GREEN_FACTOR_ROW_COUNT_MAX);
	/* one more: rejected, naming the line */
	at += (size_t)snprintf(text + at, cap - at, "fuel,extra,CN,,ncv,1,GJ/t,s,p,v\n");
	assert_int_equal(green_factor_set_parse(set, text, at, "max.csv", &err), SZ_EINVAL);
	assert_int_equal(err.line, GREEN_FACTOR_ROW_COUNT_MAX + 2);
	free(set);
	free(text);
}

static void test_load_errors(void **unused)
{
	(void)unused;
	green_factor_set *set = green_factor_set_new();
	green_parse_error err;
	assert_int_equal(green_factor_set_load(set, "/nonexistent/green.csv", &err), SZ_EIO);
	assert_string_equal(err.file, "/nonexistent/green.csv");
	assert_non_null(strstr(err.message, "cannot open"));
	/* a file over the size limit */
	char path[] = "/tmp/szfin_green_bigXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *file = fdopen(fd, "w");
	char line[65];
	memset(line, 'x', 64);
	line[0] = '#';
	line[63] = '\n';
	line[64] = '\0';
	/* exactly the limit: read (then rejected as having no header) */
	for (uint32_t i = 0; i < GREEN_DATA_FILE_SIZE_MAX / 64; i++) fputs(line, file);
	fflush(file);
	assert_int_equal(green_factor_set_load(set, path, &err), SZ_EINVAL);
	assert_non_null(strstr(err.message, "empty file"));
	/* one byte over the limit */
	fputc('#', file);
	fclose(file);
	assert_int_equal(green_factor_set_load(set, path, &err), SZ_ELIMIT);
	assert_non_null(strstr(err.message, "larger than"));
	remove(path);
	free(set);
}

static void test_line_and_province_limits(void **unused)
{
	(void)unused;
	green_parse_error err;
	/* a line of exactly GREEN_CSV_LINE_SIZE_MAX bytes is read (a comment here) */
	char text[GREEN_CSV_LINE_SIZE_MAX + 256];
	size_t at = (size_t)snprintf(text, sizeof text, H);
	memset(text + at, 'x', GREEN_CSV_LINE_SIZE_MAX);
	text[at] = '#';
	at += GREEN_CSV_LINE_SIZE_MAX;
	at += (size_t)snprintf(text + at, sizeof text - at, "\n" OK_ROW);
	green_factor_set *set = green_factor_set_new();
	assert_int_equal(green_factor_set_parse(set, text, at, "line.csv", &err), SZ_OK);
	assert_int_equal(set->row_count, 1);
	free(set);
	/* GREEN_PROVINCE_COUNT_MAX provinces accepted, one more rejected */
	char map_text[4096];
	at = (size_t)snprintf(map_text, sizeof map_text, "province,name_en,name_zh,grid_region\n");
	for (uint32_t i = 0; i <= GREEN_PROVINCE_COUNT_MAX; i++) {
		if (i == GREEN_PROVINCE_COUNT_MAX) {
			green_region_map map;
			assert_int_equal(green_region_map_parse(&map, map_text, at, "r.csv", &err), SZ_OK);
			assert_int_equal(map.count, GREEN_PROVINCE_COUNT_MAX);
		}
		at += (size_t)snprintf(map_text + at, sizeof map_text - at, "CN-%c%c,n,n,EAST\n",
		                       'A' + (char)(i / 26), 'A' + (char)(i % 26));
	}
	green_region_map map;
	assert_int_equal(green_region_map_parse(&map, map_text, at, "r.csv", &err), SZ_EINVAL);
	assert_non_null(strstr(err.message, "more than"));
}

static void test_region_map_rejects(void **unused)
{
	(void)unused;
	green_region_map map;
	green_parse_error err;
	const char *cases[][2] = {
		{ "province,name_en,name_zh,grid_region\nGD,Guangdong,广东,SOUTH\n", "ISO 3166-2" },
		{ "province,name_en,name_zh,grid_region\nCN-GD,Guangdong,广东,SOUTHERN\n", "unknown grid region" },
		{ "province,name_en,name_zh,grid_region\nCN-GD,Guangdong,广东,SOUTH\nCN-GD,G,广,SOUTH\n", "twice" },
		{ "province,name_en,name_zh,grid_region\nCN-GD,,广东,SOUTH\n", "must not be empty" },
		{ "province,name_en,name_zh,grid_region\nCN-GD,Guangdong,SOUTH\n", "expected 4 fields" },
		{ "province,name_en,name_zh,grid_region\n", "no provinces" },
		{ "province,name,grid_region\n", "header must be" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		map.count = 5;
		assert_int_equal(green_region_map_parse(&map, cases[i][0], strlen(cases[i][0]), "r.csv", &err),
		                 SZ_EINVAL);
		assert_non_null(strstr(err.message, cases[i][1]));
		assert_int_equal(map.count, 5);
	}
}

static void test_fixed_point(void **unused)
{
	(void)unused;
	green_dec d;
	assert_int_equal(green_dec_parse("0.01530", 7, &d), SZ_OK);
	assert_int_equal(d.value, 1530);
	assert_int_equal(d.scale, 5);
	assert_int_equal(green_dec_parse("389.31", 6, &d), SZ_OK);
	assert_int_equal(d.value, 38931);
	const char *bad[] = { "", "-", ".5", "5.", "+5", "05", "00.5", "1e3", "1,0", "0x1", "1.2.3",
		              "1234567890123456789", "0.1234567890" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(green_dec_parse(bad[i], strlen(bad[i]), &d), SZ_EINVAL);
	assert_int_equal(green_dec_parse("999999999999999999", 18, &d), SZ_OK);
	assert_int_equal(green_dec_parse("0.123456789", 11, &d), SZ_OK);
	/* half away from zero, both signs */
	int64_t v;
	assert_int_equal(green_div_round(5, 2, &v), SZ_OK); assert_int_equal(v, 3);
	assert_int_equal(green_div_round(-5, 2, &v), SZ_OK); assert_int_equal(v, -3);
	assert_int_equal(green_div_round(7, 3, &v), SZ_OK); assert_int_equal(v, 2);
	assert_int_equal(green_div_round(-7, 3, &v), SZ_OK); assert_int_equal(v, -2);
	assert_int_equal(green_div_round((green_i128)INT64_MAX, 1, &v), SZ_OK);
	assert_int_equal(green_div_round((green_i128)INT64_MAX + 1, 1, &v), SZ_ELIMIT);
	assert_int_equal(green_div_round((green_i128)INT64_MIN, 1, &v), SZ_OK);
	assert_int_equal(green_div_round((green_i128)INT64_MIN - 1, 1, &v), SZ_ELIMIT);
	assert_int_equal(green_add(INT64_MAX, 1, &v), SZ_ELIMIT);
	assert_int_equal(green_sub(INT64_MIN, 1, &v), SZ_ELIMIT);
	char text[32];
	assert_int_equal(green_format_fixed(text, sizeof text, -483, 2), SZ_OK);
	assert_string_equal(text, "-4.83");
	assert_int_equal(green_format_fixed(text, sizeof text, 5, 4), SZ_OK);
	assert_string_equal(text, "0.0005");
	assert_int_equal(green_format_fixed(text, 5, 40420, 2), SZ_ELIMIT);
	assert_int_equal(green_format_fixed(text, 7, 40420, 2), SZ_OK);
	assert_int_equal(green_g_to_t_e2(5000), 1);
	assert_int_equal(green_g_to_t_e2(4999), 0);
	assert_int_equal(green_g_to_t_e2(-5000), -1);
	/* overflow of a ratio product is reported, not wrapped */
	green_ratio r = green_ratio_int(INT64_MAX);
	assert_int_equal(green_ratio_mul(&r, INT64_MAX, 1), SZ_OK);
	assert_int_equal(green_ratio_mul(&r, INT64_MAX, 1), SZ_ELIMIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_electricity_acceptance),
		cmocka_unit_test(test_fuel_acceptance),
		cmocka_unit_test(test_fuel_ipcc_tier),
		cmocka_unit_test(test_activity_bounds),
		cmocka_unit_test(test_grid_fallbacks),
		cmocka_unit_test(test_every_region_and_province),
		cmocka_unit_test(test_provenance_and_digest),
		cmocka_unit_test(test_loader_rejects),
		cmocka_unit_test(test_row_limit),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_line_and_province_limits),
		cmocka_unit_test(test_region_map_rejects),
		cmocka_unit_test(test_fixed_point),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
