/*
 * fuzz_green_factors.c — libFuzzer harness for the green data-file parsers
 * (src/green/csv.c, factors.c, region.c, taxonomy.c).
 *
 * Input: one selector byte, then the file text.
 *   selector % 4 == 0  factor set; on success every grid series is looked
 *                      up for a few provinces and years, and every fuel
 *                      code in the set is computed under both tiers
 *   selector % 4 == 1  province -> grid region map
 *   selector % 4 == 2  2025 taxonomy categories
 *   selector % 4 == 3  2021 -> 2025 mapping (against built-in categories)
 * Checks beyond "no crash": a rejected file names a line within the text and
 * leaves the destination untouched; an accepted set re-parses to the same
 * digest.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "green/factors.h"
#include "green/region.h"
#include "green/taxonomy.h"

static const char regions_text[] =
	"province,name_en,name_zh,grid_region\n"
	"CN-GD,Guangdong,广东,SOUTH\nCN-BJ,Beijing,北京,NORTH\nCN-SC,Sichuan,四川,SOUTHWEST\n";
static const char categories_text[] =
	"code,name_zh,name_en\n1,a,A\n2,b,B\n3,c,C\n4,d,D\n";

static uint32_t count_lines(const char *text, size_t size)
{
	uint32_t lines = 1;
	for (size_t i = 0; i < size; i++) lines += text[i] == '\n';
	return lines;
}

static void check_error(int status, const green_parse_error *err, const char *text, size_t size)
{
	if (status == SZ_EINVAL && err->line > count_lines(text, size)) abort();
	if (status == SZ_EINVAL && err->message[0] == '\0') abort();
}

static void exercise_set(const green_factor_set *set, const green_region_map *map)
{
	static const char *const provinces[] = { "", "CN", "CN-GD", "CN-BJ", "CN-SC" };
	for (uint32_t series = 0; series <= 5; series++) {
		for (size_t p = 0; p < sizeof provinces / sizeof provinces[0]; p++) {
			for (int32_t year = 2019; year <= 2025; year += 2) {
				green_factor_ref ref;
				if (green_grid_factor(set, map, series, provinces[p], year, &ref) != SZ_OK) continue;
				int64_t g;
				(void)green_electricity_emissions(&ref, 123456789, &g);
			}
		}
	}
	green_factor_ref heat;
	if (green_heat_factor(set, &heat) == SZ_OK) {
		int64_t g;
		(void)green_heat_emissions(&heat, GREEN_ACTIVITY_MICRO_MAX, &g);
	}
	for (uint32_t i = 0; i < set->row_count; i++) {
		const green_factor_row *row = &set->rows[i];
		if (row->kind != GREEN_KIND_FUEL && row->kind != GREEN_KIND_IPCC) continue;
		for (uint32_t tier = 0; tier <= 2; tier++) {
			green_fuel_result r;
			(void)green_fuel_emissions(set, row->code, tier, GREEN_GWP_AR6, GREEN_ACTIVITY_MICRO_MAX, &r);
			(void)green_fuel_emissions(set, row->code, tier, GREEN_GWP_AR5, 1, &r);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0) return 0;
	uint8_t selector = data[0] % 4;
	const char *text = (const char *)data + 1;
	size_t text_size = size - 1;
	green_parse_error err;
	memset(&err, 0, sizeof err);
	int status;
	if (selector == 0) {
		static green_region_map map;
		if (map.count == 0 &&
		    green_region_map_parse(&map, regions_text, sizeof regions_text - 1, "r", &err) != SZ_OK)
			abort();
		green_factor_set *set = green_factor_set_new();
		green_factor_set *again = green_factor_set_new();
		if (set == NULL || again == NULL) abort();
		set->row_count = 12345;
		status = green_factor_set_parse(set, text, text_size, "fuzz.csv", &err);
		check_error(status, &err, text, text_size);
		if (status != SZ_OK && set->row_count != 12345) abort();
		if (status == SZ_OK) {
			if (set->row_count == 0 || set->row_count > GREEN_FACTOR_ROW_COUNT_MAX) abort();
			if (green_factor_set_parse(again, text, text_size, "fuzz.csv", &err) != SZ_OK) abort();
			if (again->digest != set->digest) abort();
			exercise_set(set, &map);
		}
		free(set);
		free(again);
	} else if (selector == 1) {
		static green_region_map map;
		map.count = 99;
		status = green_region_map_parse(&map, text, text_size, "fuzz.csv", &err);
		check_error(status, &err, text, text_size);
		if (status != SZ_OK && map.count != 99) abort();
		if (status == SZ_OK && (map.count == 0 || map.count > GREEN_PROVINCE_COUNT_MAX)) abort();
	} else {
		static green_taxonomy tax;
		memset(&tax, 0, sizeof tax);
		if (selector == 3 &&
		    green_taxonomy_parse_categories(&tax, categories_text, sizeof categories_text - 1, "c",
		                                    &err) != SZ_OK)
			abort();
		uint32_t before = selector == 2 ? tax.category_count : tax.mapping_count;
		status = selector == 2
			? green_taxonomy_parse_categories(&tax, text, text_size, "fuzz.csv", &err)
			: green_taxonomy_parse_mapping(&tax, text, text_size, "fuzz.csv", &err);
		check_error(status, &err, text, text_size);
		uint32_t after = selector == 2 ? tax.category_count : tax.mapping_count;
		if (status != SZ_OK && after != before) abort();
		if (status == SZ_OK && selector == 3) {
			green_taxonomy_tag tag;
			for (uint32_t i = 0; i < tax.mapping_count; i++)
				(void)green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_BOND, sz_id_make(0, 1), 2021,
				                              tax.mappings[i].code_2021, &tag);
		}
	}
	return 0;
}
