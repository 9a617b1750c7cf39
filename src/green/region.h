/*
 * region.h — the province -> grid region map used by emission-factor lookup.
 *
 * Owns: the seven regional grids for which the Ministry of Ecology and
 * Environment publishes electricity emission factors, and which grid each
 * province belongs to (share/green/regions.csv). Lookup in factors.h falls
 * back province -> grid region -> national through this map.
 * Never: hold factor values (those are versioned in factor sets), or guess a
 * region for an unknown province (that is an error).
 *
 * File format (share/green/regions.csv, strict dialect of csv.h):
 *   header  province,name_en,name_zh,grid_region
 *   province     ISO 3166-2:CN code, "CN-" and two capital letters ("CN-GD")
 *   name_en      English name, 1..31 bytes
 *   name_zh      Chinese name, 1..31 bytes of UTF-8
 *   grid_region  NORTH | NORTHEAST | EAST | CENTRAL | NORTHWEST | SOUTH | SOUTHWEST
 * A province appears once; at most GREEN_PROVINCE_COUNT_MAX rows.
 */
#ifndef SZ_GREEN_REGION_H
#define SZ_GREEN_REGION_H

#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"
#include "green/csv.h"

#define GREEN_PROVINCE_CODE_SIZE 8u  /* "CN-GD" + NUL, padded */
#define GREEN_AREA_SIZE 16u          /* "CN", "NORTHEAST", "CN-GD" + NUL */

enum green_grid_region {
	GREEN_REGION_NONE = 0,
	GREEN_REGION_NORTH = 1,
	GREEN_REGION_NORTHEAST = 2,
	GREEN_REGION_EAST = 3,
	GREEN_REGION_CENTRAL = 4,
	GREEN_REGION_NORTHWEST = 5,
	GREEN_REGION_SOUTH = 6,
	GREEN_REGION_SOUTHWEST = 7,
};
#define GREEN_REGION_COUNT 7u

typedef struct green_province {
	char code[GREEN_PROVINCE_CODE_SIZE];
	char name_en[32];
	char name_zh[32];
	uint32_t region; /* enum green_grid_region */
} green_province;

typedef struct green_region_map {
	uint32_t count;
	green_province provinces[GREEN_PROVINCE_COUNT_MAX];
} green_region_map;

/* "NORTH" ... "SOUTHWEST"; NULL for GREEN_REGION_NONE or out of range. */
const char *green_region_name(uint32_t region);
/* The region named by text of size bytes, or GREEN_REGION_NONE. */
uint32_t green_region_from_name(const char *text, size_t size);
/* 1 if text is "CN-" followed by two capital letters. */
int green_province_code_valid(const char *text, size_t size);

/* Parses a map from text (see format above); map is overwritten. 0 or
 * SZ_EINVAL with err naming file and line. */
int green_region_map_parse(green_region_map *map, const char *text, size_t size,
                           const char *file, green_parse_error *err);
/* Reads and parses path. SZ_EIO / SZ_ELIMIT / SZ_EINVAL with err filled. */
int green_region_map_load(green_region_map *map, const char *path, green_parse_error *err);

/* The grid region of a province code, or GREEN_REGION_NONE if unknown. */
uint32_t green_region_of(const green_region_map *map, const char *province);

#endif
