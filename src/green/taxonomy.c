/*
 * taxonomy.c — loads the 2025 green-finance catalogue's top-level categories
 * and the 2021 bond-catalogue mapping (formats in taxonomy.h), and makes tag
 * records for loans and bonds.
 */
#include "green/taxonomy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assert.h"
#include "core/errors.h"

/* "N" with N in 1..max; 0 if not. */
static uint32_t green__number(const char *text, size_t size, uint32_t max)
{
	SZ_ASSERT(text != NULL || size == 0);
	SZ_ASSERT(max > 0 && max < 100);
	if (size == 0 || size > 2 || text[0] == '0') return 0;
	uint32_t value = 0;
	for (size_t i = 0; i < size; i++) {
		if (text[i] < '0' || text[i] > '9') return 0;
		value = value * 10 + (uint32_t)(text[i] - '0');
	}
	return value <= max ? value : 0;
}

/* "N" or "N.M", N and M in 1..99. */
static int green__code_2021_valid(const char *text, size_t size)
{
	SZ_ASSERT(text != NULL || size == 0);
	const char *dot = memchr(text, '.', size);
	if (dot == NULL) return green__number(text, size, 99) != 0;
	size_t head = (size_t)(dot - text);
	return green__number(text, head, 99) != 0 && green__number(dot + 1, size - head - 1, 99) != 0;
}

const green_taxonomy_category *green_taxonomy_category_find(const green_taxonomy *tax, uint32_t code)
{
	SZ_ASSERT(tax != NULL);
	SZ_ASSERT(tax->category_count <= GREEN_TAXONOMY_CATEGORY_COUNT_MAX);
	for (uint32_t i = 0; i < tax->category_count; i++) {
		if (tax->categories[i].code == code) return &tax->categories[i];
	}
	return NULL;
}

int green_taxonomy_parse_categories(green_taxonomy *tax, const char *text, size_t size,
                                    const char *file, green_parse_error *err)
{
	SZ_ASSERT(tax != NULL);
	SZ_ASSERT(text != NULL || size == 0);
	green_taxonomy *parsed = calloc(1, sizeof *parsed);
	if (parsed == NULL) return SZ_ENOMEM;
	green_csv csv;
	green_csv_init(&csv, text, size, file);
	int status = green_csv_expect_header(&csv, "code,name_zh,name_en", err);
	if (status != SZ_OK) goto fail;
	green_csv_row row;
	while ((status = green_csv_next(&csv, &row, err)) == 1) {
		if (row.field_count != 3) {
			status = green_parse_fail(err, csv.file, row.line, "expected 3 fields, found %u", row.field_count);
			goto fail;
		}
		if (parsed->category_count == GREEN_TAXONOMY_CATEGORY_COUNT_MAX) {
			status = green_parse_fail(err, csv.file, row.line, "more than %u categories",
			                          GREEN_TAXONOMY_CATEGORY_COUNT_MAX);
			goto fail;
		}
		green_taxonomy_category *c = &parsed->categories[parsed->category_count];
		c->code = green__number(row.field[0], row.field_size[0], GREEN_TAXONOMY_CATEGORY_COUNT_MAX);
		if (c->code == 0) {
			status = green_parse_fail(err, csv.file, row.line, "code must be 1..%u",
			                          GREEN_TAXONOMY_CATEGORY_COUNT_MAX);
			goto fail;
		}
		if (green_taxonomy_category_find(parsed, c->code) != NULL) {
			status = green_parse_fail(err, csv.file, row.line, "category %u listed twice", c->code);
			goto fail;
		}
		if (row.field_size[1] == 0 || row.field_size[2] == 0) {
			status = green_parse_fail(err, csv.file, row.line, "names must not be empty");
			goto fail;
		}
		status = green_csv_field_copy(&row, 1, c->name_zh, sizeof c->name_zh, csv.file, "name_zh", err);
		if (status == SZ_OK)
			status = green_csv_field_copy(&row, 2, c->name_en, sizeof c->name_en, csv.file, "name_en", err);
		if (status != SZ_OK) goto fail;
		parsed->category_count++;
	}
	if (status < 0) goto fail;
	if (parsed->category_count == 0) {
		status = green_parse_fail(err, csv.file, csv.line, "no categories");
		goto fail;
	}
	*tax = *parsed;
	free(parsed);
	return SZ_OK;
fail:
	free(parsed);
	SZ_ASSERT(status < 0);
	return status;
}

int green_taxonomy_parse_mapping(green_taxonomy *tax, const char *text, size_t size,
                                 const char *file, green_parse_error *err)
{
	SZ_ASSERT(tax != NULL);
	SZ_ASSERT(text != NULL || size == 0);
	if (tax->category_count == 0)
		return green_parse_fail(err, file, 0, "load the 2025 categories before the mapping");
	green_taxonomy *parsed = malloc(sizeof *parsed);
	if (parsed == NULL) return SZ_ENOMEM;
	*parsed = *tax;
	parsed->mapping_count = 0;
	memset(parsed->mappings, 0, sizeof parsed->mappings);
	green_csv csv;
	green_csv_init(&csv, text, size, file);
	int status = green_csv_expect_header(&csv, "code_2021,name_zh_2021,code_2025", err);
	if (status != SZ_OK) goto fail;
	green_csv_row row;
	while ((status = green_csv_next(&csv, &row, err)) == 1) {
		if (row.field_count != 3) {
			status = green_parse_fail(err, csv.file, row.line, "expected 3 fields, found %u", row.field_count);
			goto fail;
		}
		if (parsed->mapping_count == GREEN_TAXONOMY_MAP_COUNT_MAX) {
			status = green_parse_fail(err, csv.file, row.line, "more than %u rows",
			                          GREEN_TAXONOMY_MAP_COUNT_MAX);
			goto fail;
		}
		green_taxonomy_mapping *m = &parsed->mappings[parsed->mapping_count];
		if (!green__code_2021_valid(row.field[0], row.field_size[0])) {
			status = green_parse_fail(err, csv.file, row.line, "code_2021 must be N or N.M (1..99)");
			goto fail;
		}
		memcpy(m->code_2021, row.field[0], row.field_size[0]);
		for (uint32_t i = 0; i < parsed->mapping_count; i++) {
			if (strcmp(parsed->mappings[i].code_2021, m->code_2021) == 0) {
				status = green_parse_fail(err, csv.file, row.line, "code %s listed twice", m->code_2021);
				goto fail;
			}
		}
		if (row.field_size[1] == 0) {
			status = green_parse_fail(err, csv.file, row.line, "name_zh_2021 must not be empty");
			goto fail;
		}
		status = green_csv_field_copy(&row, 1, m->name_zh_2021, sizeof m->name_zh_2021, csv.file,
		                              "name_zh_2021", err);
		if (status != SZ_OK) goto fail;
		if (row.field_size[2] != 0) {
			m->code_2025 = green__number(row.field[2], row.field_size[2], GREEN_TAXONOMY_CATEGORY_COUNT_MAX);
			if (m->code_2025 == 0 || green_taxonomy_category_find(parsed, m->code_2025) == NULL) {
				status = green_parse_fail(err, csv.file, row.line,
				                          "code_2025 is not a category of the 2025 catalogue");
				goto fail;
			}
		}
		parsed->mapping_count++;
	}
	if (status < 0) goto fail;
	if (parsed->mapping_count == 0) {
		status = green_parse_fail(err, csv.file, csv.line, "no mapping rows");
		goto fail;
	}
	*tax = *parsed;
	free(parsed);
	return SZ_OK;
fail:
	free(parsed);
	SZ_ASSERT(status < 0);
	return status;
}

int green_taxonomy_load(green_taxonomy *tax, const char *dir, green_parse_error *err)
{
	SZ_ASSERT(tax != NULL);
	SZ_ASSERT(dir != NULL);
	char path[512];
	char *text = NULL;
	size_t size = 0;
	green_taxonomy *scratch = calloc(1, sizeof *scratch);
	if (scratch == NULL) return SZ_ENOMEM;
	snprintf(path, sizeof path, "%s/catalogue-2025.csv", dir);
	int status = green_file_read(path, &text, &size, err);
	if (status == SZ_OK) status = green_taxonomy_parse_categories(scratch, text, size, path, err);
	free(text);
	text = NULL;
	if (status != SZ_OK) goto done;
	snprintf(path, sizeof path, "%s/bond-2021-to-2025.csv", dir);
	status = green_file_read(path, &text, &size, err);
	if (status == SZ_OK) status = green_taxonomy_parse_mapping(scratch, text, size, path, err);
	free(text);
	if (status == SZ_OK) *tax = *scratch;
done:
	free(scratch);
	return status;
}

int green_taxonomy_tag_make(const green_taxonomy *tax, uint32_t instrument_kind,
                            sz_id instrument_id, uint32_t edition, const char *code,
                            green_taxonomy_tag *out)
{
	SZ_ASSERT(tax != NULL && code != NULL);
	SZ_ASSERT(out != NULL);
	memset(out, 0, sizeof *out);
	if (instrument_kind != GREEN_INSTRUMENT_LOAN && instrument_kind != GREEN_INSTRUMENT_BOND)
		return SZ_EINVAL;
	if (sz_id_is_zero(instrument_id)) return SZ_EINVAL;
	size_t size = strnlen(code, GREEN_TAXONOMY_CODE_SIZE);
	if (size == GREEN_TAXONOMY_CODE_SIZE) return SZ_EINVAL;
	uint32_t category = 0;
	if (edition == 2025) {
		category = green__number(code, size, GREEN_TAXONOMY_CATEGORY_COUNT_MAX);
		if (category == 0) return SZ_EINVAL;
		if (green_taxonomy_category_find(tax, category) == NULL) return SZ_ENOTFOUND;
	} else if (edition == 2021) {
		if (!green__code_2021_valid(code, size)) return SZ_EINVAL;
		const green_taxonomy_mapping *found = NULL;
		for (uint32_t i = 0; i < tax->mapping_count; i++) {
			if (strcmp(tax->mappings[i].code_2021, code) == 0) found = &tax->mappings[i];
		}
		if (found == NULL) return SZ_ENOTFOUND;
		if (found->code_2025 == 0) return SZ_EINVAL; /* split: tag the second level */
		category = found->code_2025;
		memcpy(out->code_2021, code, size);
	} else {
		return SZ_EINVAL;
	}
	out->instrument_id = instrument_id;
	out->instrument_kind = instrument_kind;
	out->category_2025 = category;
	out->edition = edition;
	SZ_ASSERT(out->category_2025 != 0);
	return SZ_OK;
}
