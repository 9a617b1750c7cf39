/*
 * taxonomy.h — green-finance taxonomy tags for loans and bonds.
 *
 * Owns: the top-level categories of the Green Finance Supported Projects
 * Catalogue (绿色金融支持项目目录（2025年版）, PBoC, NFRA and CSRC, in force
 * from 2025-10-01, nine top-level categories), the mapping from the Green
 * Bond Endorsed Projects Catalogue (绿色债券支持项目目录（2021年版）) to them,
 * and tag records (instrument, 2025 category, and the 2021 code a tag was
 * mapped from). Sources and the status of the mapping: share/green/README.md.
 * Never: guess a category. A 2021 top-level code whose projects split over
 * several 2025 categories has no mapping of its own; tag its second-level
 * code instead (SZ_EINVAL says so).
 *
 * File formats (strict dialect of csv.h):
 * share/green/taxonomy/catalogue-2025.csv
 *   header  code,name_zh,name_en
 *   code    the top-level number, 1..GREEN_TAXONOMY_CATEGORY_COUNT_MAX, unique
 *   names   1..95 bytes each
 * share/green/taxonomy/bond-2021-to-2025.csv
 *   header  code_2021,name_zh_2021,code_2025
 *   code_2021   "N" (top level) or "N.M" (second level), N, M in 1..99, unique
 *   name_zh_2021 1..95 bytes
 *   code_2025   a code of the 2025 catalogue, or empty (split category)
 */
#ifndef SZ_GREEN_TAXONOMY_H
#define SZ_GREEN_TAXONOMY_H

#include <stddef.h>
#include <stdint.h>

#include "szfin/szfin.h"
#include "core/limits.h"
#include "green/csv.h"

#define GREEN_TAXONOMY_CODE_SIZE 8u

typedef struct green_taxonomy_category {
	uint32_t code;
	char name_zh[96];
	char name_en[96];
} green_taxonomy_category;

typedef struct green_taxonomy_mapping {
	char code_2021[GREEN_TAXONOMY_CODE_SIZE];
	char name_zh_2021[96];
	uint32_t code_2025; /* 0 = split: map the second level */
} green_taxonomy_mapping;

typedef struct green_taxonomy {
	uint32_t category_count;
	uint32_t mapping_count;
	green_taxonomy_category categories[GREEN_TAXONOMY_CATEGORY_COUNT_MAX];
	green_taxonomy_mapping mappings[GREEN_TAXONOMY_MAP_COUNT_MAX];
} green_taxonomy;

enum green_instrument_kind {
	GREEN_INSTRUMENT_LOAN = 1,
	GREEN_INSTRUMENT_BOND = 2,
};

/* A tag: what the engine stores per instrument. 40 bytes. */
typedef struct green_taxonomy_tag {
	sz_id instrument_id;
	uint32_t instrument_kind;  /* enum green_instrument_kind */
	uint32_t category_2025;    /* 1..9 */
	uint32_t edition;          /* 2025 or 2021: the catalogue the tag was given in */
	char code_2021[GREEN_TAXONOMY_CODE_SIZE]; /* "" for edition 2025 */
	uint32_t reserved;
} green_taxonomy_tag;
_Static_assert(sizeof(green_taxonomy_tag) == 40, "green_taxonomy_tag is 40 bytes, no padding");

/* Parses the 2025 categories into tax (replacing categories and clearing the
 * mapping). 0 or SZ_EINVAL / SZ_ENOMEM with err naming file and line. */
int green_taxonomy_parse_categories(green_taxonomy *tax, const char *text, size_t size,
                                    const char *file, green_parse_error *err);
/* Parses the 2021 mapping into tax (categories must be loaded first). */
int green_taxonomy_parse_mapping(green_taxonomy *tax, const char *text, size_t size,
                                 const char *file, green_parse_error *err);
/* Loads both files from directory dir (share/green/taxonomy). */
int green_taxonomy_load(green_taxonomy *tax, const char *dir, green_parse_error *err);

/* The 2025 category with code, or NULL. */
const green_taxonomy_category *green_taxonomy_category_find(const green_taxonomy *tax, uint32_t code);

/*
 * Makes a tag. edition 2025: code is a top-level number ("4"). edition 2021:
 * code is a 2021 code ("3" or "1.3") mapped to 2025. SZ_ENOTFOUND for an
 * unknown code, SZ_EINVAL for a split 2021 category, a bad kind, edition
 * or zero id.
 */
int green_taxonomy_tag_make(const green_taxonomy *tax, uint32_t instrument_kind,
                            sz_id instrument_id, uint32_t edition, const char *code,
                            green_taxonomy_tag *out);

#endif
