/*
 * region.c — parses and queries the province -> grid region map (format in
 * region.h). A bad file is rejected at its first bad line, never half-loaded
 * into a caller's map.
 */
#include "green/region.h"

#include <stdlib.h>
#include <string.h>

#include "core/assert.h"
#include "core/errors.h"

static const char *const green__region_names[GREEN_REGION_COUNT + 1] = {
	NULL, "NORTH", "NORTHEAST", "EAST", "CENTRAL", "NORTHWEST", "SOUTH", "SOUTHWEST",
};

const char *green_region_name(uint32_t region)
{
	if (region == GREEN_REGION_NONE || region > GREEN_REGION_COUNT) return NULL;
	SZ_ASSERT(green__region_names[region] != NULL);
	return green__region_names[region];
}

uint32_t green_region_from_name(const char *text, size_t size)
{
	SZ_ASSERT(text != NULL || size == 0);
	for (uint32_t r = 1; r <= GREEN_REGION_COUNT; r++) {
		const char *name = green__region_names[r];
		SZ_ASSERT(name != NULL);
		if (strlen(name) == size && memcmp(name, text, size) == 0) return r;
	}
	return GREEN_REGION_NONE;
}

int green_province_code_valid(const char *text, size_t size)
{
	SZ_ASSERT(text != NULL || size == 0);
	if (size != 5 || memcmp(text, "CN-", 3) != 0) return 0;
	return text[3] >= 'A' && text[3] <= 'Z' && text[4] >= 'A' && text[4] <= 'Z';
}

#define GREEN_REGIONS_HEADER "province,name_en,name_zh,grid_region"

int green_region_map_parse(green_region_map *map, const char *text, size_t size,
                           const char *file, green_parse_error *err)
{
	SZ_ASSERT(map != NULL);
	SZ_ASSERT(text != NULL || size == 0);
	green_region_map *parsed = calloc(1, sizeof *parsed);
	if (parsed == NULL) return SZ_ENOMEM;
	green_csv csv;
	green_csv_init(&csv, text, size, file);
	int status = green_csv_expect_header(&csv, GREEN_REGIONS_HEADER, err);
	if (status != SZ_OK) goto fail;
	green_csv_row row;
	while ((status = green_csv_next(&csv, &row, err)) == 1) {
		if (row.field_count != 4) {
			status = green_parse_fail(err, csv.file, row.line, "expected 4 fields, found %u",
			                          row.field_count);
			goto fail;
		}
		if (parsed->count == GREEN_PROVINCE_COUNT_MAX) {
			status = green_parse_fail(err, csv.file, row.line, "more than %u provinces",
			                          GREEN_PROVINCE_COUNT_MAX);
			goto fail;
		}
		green_province *p = &parsed->provinces[parsed->count];
		if (!green_province_code_valid(row.field[0], row.field_size[0])) {
			status = green_parse_fail(err, csv.file, row.line,
			                          "province must be an ISO 3166-2:CN code like CN-GD");
			goto fail;
		}
		memcpy(p->code, row.field[0], row.field_size[0]);
		for (uint32_t i = 0; i < parsed->count; i++) {
			if (strcmp(parsed->provinces[i].code, p->code) == 0) {
				status = green_parse_fail(err, csv.file, row.line, "province %s listed twice",
				                          p->code);
				goto fail;
			}
		}
		if (row.field_size[1] == 0 || row.field_size[2] == 0) {
			status = green_parse_fail(err, csv.file, row.line, "names must not be empty");
			goto fail;
		}
		status = green_csv_field_copy(&row, 1, p->name_en, sizeof p->name_en, csv.file, "name_en", err);
		if (status != SZ_OK) goto fail;
		status = green_csv_field_copy(&row, 2, p->name_zh, sizeof p->name_zh, csv.file, "name_zh", err);
		if (status != SZ_OK) goto fail;
		p->region = green_region_from_name(row.field[3], row.field_size[3]);
		if (p->region == GREEN_REGION_NONE) {
			status = green_parse_fail(err, csv.file, row.line,
			                          "unknown grid region (NORTH, NORTHEAST, EAST, CENTRAL, "
			                          "NORTHWEST, SOUTH, SOUTHWEST)");
			goto fail;
		}
		parsed->count++;
	}
	if (status < 0) goto fail;
	if (parsed->count == 0) {
		status = green_parse_fail(err, csv.file, csv.line, "no provinces");
		goto fail;
	}
	*map = *parsed;
	free(parsed);
	return SZ_OK;
fail:
	free(parsed);
	SZ_ASSERT(status < 0);
	return status;
}

int green_region_map_load(green_region_map *map, const char *path, green_parse_error *err)
{
	SZ_ASSERT(map != NULL);
	SZ_ASSERT(path != NULL);
	char *text = NULL;
	size_t size = 0;
	int status = green_file_read(path, &text, &size, err);
	if (status != SZ_OK) return status;
	status = green_region_map_parse(map, text, size, path, err);
	free(text);
	return status;
}

uint32_t green_region_of(const green_region_map *map, const char *province)
{
	SZ_ASSERT(map != NULL);
	SZ_ASSERT(province != NULL);
	for (uint32_t i = 0; i < map->count; i++) {
		if (strcmp(map->provinces[i].code, province) == 0) return map->provinces[i].region;
	}
	return GREEN_REGION_NONE;
}
