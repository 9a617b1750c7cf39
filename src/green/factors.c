/*
 * factors.c — strict parsing of factor sets, provenance lookup, the grid
 * fallback rule and the exact per-line emission formulas (see factors.h for
 * the file format and the formulas). A set is parsed into a scratch copy and
 * published to the caller only when every row is valid.
 */
#include "green/factors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assert.h"
#include "core/errors.h"

#define GREEN_FACTORS_HEADER "kind,code,area,year,param,value,unit,source,publication,version"
#define GREEN_FACTORS_FIELD_COUNT 10u

enum { F_KIND, F_CODE, F_AREA, F_YEAR, F_PARAM, F_VALUE, F_UNIT, F_SOURCE, F_PUBLICATION, F_VERSION };

static const char *const green__kind_names[] = { NULL, "grid", "heat", "fuel", "ipcc", "gwp" };
static const char *const green__param_names[] = {
	NULL, "ef", "ncv", "carbon_content", "oxidation", "ef_co2", "ef_ch4", "ef_n2o", "ch4", "n2o",
};
static const char *const green__series_names[] = {
	NULL, "average", "excl_market_nonfossil", "fossil", "ets",
};

static uint32_t green__name_index(const char *const *names, uint32_t count, const char *text,
                                  size_t size)
{
	SZ_ASSERT(names != NULL);
	SZ_ASSERT(names[0] == NULL);
	for (uint32_t i = 1; i < count; i++) {
		if (strlen(names[i]) == size && memcmp(names[i], text, size) == 0) return i;
	}
	return 0;
}

const char *green_grid_series_name(uint32_t series)
{
	if (series == 0 || series > GREEN_GRID_ETS) return NULL;
	SZ_ASSERT(green__series_names[series] != NULL);
	return green__series_names[series];
}

uint32_t green_grid_series_from_name(const char *name)
{
	SZ_ASSERT(name != NULL);
	return green__name_index(green__series_names, 5, name, strlen(name));
}

green_factor_set *green_factor_set_new(void)
{
	green_factor_set *set = calloc(1, sizeof *set);
	SZ_ASSERT(set == NULL || set->row_count == 0);
	return set;
}

/* 1 if the unit text is allowed for (kind, param). */
static int green__unit_valid(uint32_t kind, uint32_t param, const char *unit)
{
	SZ_ASSERT(kind >= GREEN_KIND_GRID && kind <= GREEN_KIND_GWP);
	SZ_ASSERT(unit != NULL);
	switch (param) {
	case GREEN_PARAM_EF:
		return strcmp(unit, kind == GREEN_KIND_GRID ? "tCO2/MWh" : "tCO2/GJ") == 0;
	case GREEN_PARAM_NCV:
		return strcmp(unit, "GJ/t") == 0 || strcmp(unit, "GJ/10^4Nm3") == 0;
	case GREEN_PARAM_CARBON_CONTENT: return strcmp(unit, "tC/GJ") == 0;
	case GREEN_PARAM_OXIDATION: return strcmp(unit, "%") == 0;
	case GREEN_PARAM_EF_CO2:
	case GREEN_PARAM_EF_CH4:
	case GREEN_PARAM_EF_N2O: return strcmp(unit, "kg/TJ") == 0;
	case GREEN_PARAM_CH4:
	case GREEN_PARAM_N2O: return strcmp(unit, "1") == 0;
	}
	return 0;
}

/* 1 if param belongs to kind. */
static int green__param_allowed(uint32_t kind, uint32_t param)
{
	SZ_ASSERT(kind >= GREEN_KIND_GRID && kind <= GREEN_KIND_GWP);
	SZ_ASSERT(param >= GREEN_PARAM_EF && param <= GREEN_PARAM_N2O);
	switch (kind) {
	case GREEN_KIND_GRID:
	case GREEN_KIND_HEAT: return param == GREEN_PARAM_EF;
	case GREEN_KIND_FUEL:
		return param == GREEN_PARAM_NCV || param == GREEN_PARAM_CARBON_CONTENT ||
		       param == GREEN_PARAM_OXIDATION;
	case GREEN_KIND_IPCC:
		return param == GREEN_PARAM_NCV || param == GREEN_PARAM_EF_CO2 ||
		       param == GREEN_PARAM_EF_CH4 || param == GREEN_PARAM_EF_N2O;
	case GREEN_KIND_GWP: return param == GREEN_PARAM_CH4 || param == GREEN_PARAM_N2O;
	}
	return 0;
}

static int green__code_valid(uint32_t kind, const char *code, size_t size)
{
	SZ_ASSERT(code != NULL || size == 0);
	SZ_ASSERT(kind >= GREEN_KIND_GRID && kind <= GREEN_KIND_GWP);
	switch (kind) {
	case GREEN_KIND_GRID: return green__name_index(green__series_names, 5, code, size) != 0;
	case GREEN_KIND_HEAT: return size == 9 && memcmp(code, "purchased", 9) == 0;
	case GREEN_KIND_GWP:
		return size == 3 && (memcmp(code, "AR5", 3) == 0 || memcmp(code, "AR6", 3) == 0);
	default: break;
	}
	if (size == 0 || size >= GREEN_CODE_SIZE) return 0;
	for (size_t i = 0; i < size; i++) {
		char c = code[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return 0;
	}
	return 1;
}

static int green__area_valid(uint32_t kind, const char *area, size_t size)
{
	SZ_ASSERT(area != NULL || size == 0);
	SZ_ASSERT(kind >= GREEN_KIND_GRID && kind <= GREEN_KIND_GWP);
	if (kind == GREEN_KIND_IPCC || kind == GREEN_KIND_GWP) return size == 0;
	int national = size == 2 && memcmp(area, "CN", 2) == 0;
	if (kind != GREEN_KIND_GRID) return national;
	return national || green_region_from_name(area, size) != GREEN_REGION_NONE ||
	       green_province_code_valid(area, size);
}

/* Year: empty -> 0 (allowed unless required); else 4 digits in [1900, 2100]. */
static int green__year_parse(const char *text, size_t size, int32_t *year)
{
	SZ_ASSERT(year != NULL);
	SZ_ASSERT(text != NULL || size == 0);
	*year = 0;
	if (size == 0) return SZ_OK;
	if (size != 4) return SZ_EINVAL;
	int32_t value = 0;
	for (size_t i = 0; i < 4; i++) {
		if (text[i] < '0' || text[i] > '9') return SZ_EINVAL;
		value = value * 10 + (text[i] - '0');
	}
	if (value < 1900 || value > 2100) return SZ_EINVAL;
	*year = value;
	return SZ_OK;
}

/* Digest of one row's canonical fields, NUL-separated. */
static uint64_t green__row_digest(uint64_t hash, const green_factor_row *row)
{
	SZ_ASSERT(row != NULL);
	SZ_ASSERT(row->kind != 0);
	uint8_t fixed[16];
	uint64_t value = (uint64_t)row->value.value;
	for (int i = 0; i < 8; i++) fixed[i] = (uint8_t)(value >> (8 * i));
	fixed[8] = (uint8_t)row->value.scale;
	fixed[9] = row->kind;
	fixed[10] = row->param;
	fixed[11] = 0;
	uint32_t year = (uint32_t)row->year;
	for (int i = 0; i < 4; i++) fixed[12 + i] = (uint8_t)(year >> (8 * i));
	hash = green_fnv1a(hash, fixed, sizeof fixed);
	const char *texts[] = { row->code, row->area, row->unit, row->source, row->publication };
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		hash = green_fnv1a(hash, texts[i], strlen(texts[i]) + 1);
	return hash;
}

/* One CSV row into the next row of set. Over 70 lines for one reason: the
 * fields are checked in column order, each with its own message, and a
 * helper per column would only thread (csv_row, file, line, err) through. */
static int green__parse_row(green_factor_set *set, const green_csv_row *csv_row,
                            const char *file, green_parse_error *err)
{
	SZ_ASSERT(set != NULL && csv_row != NULL);
	SZ_ASSERT(set->row_count < GREEN_FACTOR_ROW_COUNT_MAX);
	uint32_t line = csv_row->line;
	if (csv_row->field_count != GREEN_FACTORS_FIELD_COUNT)
		return green_parse_fail(err, file, line, "expected %u fields, found %u",
		                        GREEN_FACTORS_FIELD_COUNT, csv_row->field_count);
	green_factor_row *row = &set->rows[set->row_count];
	memset(row, 0, sizeof *row);
	uint32_t kind = green__name_index(green__kind_names, 6, csv_row->field[F_KIND],
	                                  csv_row->field_size[F_KIND]);
	if (kind == 0) return green_parse_fail(err, file, line, "kind must be grid, heat, fuel, ipcc or gwp");
	row->kind = (uint8_t)kind;
	if (!green__code_valid(kind, csv_row->field[F_CODE], csv_row->field_size[F_CODE]))
		return green_parse_fail(err, file, line, "code is not valid for kind %s", green__kind_names[kind]);
	memcpy(row->code, csv_row->field[F_CODE], csv_row->field_size[F_CODE]);
	if (!green__area_valid(kind, csv_row->field[F_AREA], csv_row->field_size[F_AREA]))
		return green_parse_fail(err, file, line,
		                        "area is not valid for kind %s (grid: CN, a grid region or "
		                        "CN-XX; heat, fuel: CN; ipcc, gwp: empty)", green__kind_names[kind]);
	memcpy(row->area, csv_row->field[F_AREA], csv_row->field_size[F_AREA]);
	if (green__year_parse(csv_row->field[F_YEAR], csv_row->field_size[F_YEAR], &row->year) != SZ_OK)
		return green_parse_fail(err, file, line, "year must be empty or 1900..2100");
	if (kind == GREEN_KIND_GRID && (row->year < 1990))
		return green_parse_fail(err, file, line, "a grid factor needs its data year (1990..2100)");
	uint32_t param = green__name_index(green__param_names, 10, csv_row->field[F_PARAM],
	                                   csv_row->field_size[F_PARAM]);
	if (param == 0 || !green__param_allowed(kind, param))
		return green_parse_fail(err, file, line, "param is not valid for kind %s", green__kind_names[kind]);
	row->param = (uint8_t)param;
	if (green_dec_parse(csv_row->field[F_VALUE], csv_row->field_size[F_VALUE], &row->value) != SZ_OK)
		return green_parse_fail(err, file, line,
		                        "value must be a plain decimal with at most %u decimals",
		                        GREEN_DECIMAL_SCALE_MAX);
	if (row->value.value <= 0) return green_parse_fail(err, file, line, "value must be > 0");
	if (param == GREEN_PARAM_OXIDATION &&
	    row->value.value > 100 * (int64_t)green_pow10((uint32_t)row->value.scale))
		return green_parse_fail(err, file, line, "oxidation must be <= 100 %%");
	int status = green_csv_field_copy(csv_row, F_UNIT, row->unit, sizeof row->unit, file, "unit", err);
	if (status != SZ_OK) return status;
	if (!green__unit_valid(kind, param, row->unit))
		return green_parse_fail(err, file, line, "unit %s does not match %s %s", row->unit,
		                        green__kind_names[kind], green__param_names[param]);
	if (csv_row->field_size[F_SOURCE] == 0 || csv_row->field_size[F_PUBLICATION] == 0)
		return green_parse_fail(err, file, line, "source and publication must not be empty");
	status = green_csv_field_copy(csv_row, F_SOURCE, row->source, sizeof row->source, file, "source", err);
	if (status != SZ_OK) return status;
	status = green_csv_field_copy(csv_row, F_PUBLICATION, row->publication, sizeof row->publication,
	                              file, "publication", err);
	if (status != SZ_OK) return status;
	/* The version: identical on every row. */
	if (csv_row->field_size[F_VERSION] == 0)
		return green_parse_fail(err, file, line, "version must not be empty");
	if (set->row_count == 0) {
		status = green_csv_field_copy(csv_row, F_VERSION, set->version, sizeof set->version,
		                              file, "version", err);
		if (status != SZ_OK) return status;
	} else if (!green_csv_field_is(csv_row, F_VERSION, set->version)) {
		return green_parse_fail(err, file, line, "version differs from the first row's (%s)",
		                        set->version);
	}
	/* Uniqueness of (kind, code, area, param[, year]). */
	const green_factor_row *prior = green_factor_find(set, kind, row->code, row->area,
	                                                  row->year, param);
	if (prior != NULL)
		return green_parse_fail(err, file, line, "duplicate value: %s %s %s %s is already given above",
		                        green__kind_names[kind], row->code, row->area,
		                        green__param_names[param]);
	set->row_count++;
	return SZ_OK;
}

int green_factor_set_parse(green_factor_set *set, const char *text, size_t size,
                           const char *file, green_parse_error *err)
{
	SZ_ASSERT(set != NULL);
	SZ_ASSERT(text != NULL || size == 0);
	green_factor_set *scratch = green_factor_set_new();
	if (scratch == NULL) return SZ_ENOMEM;
	green_csv csv;
	green_csv_init(&csv, text, size, file);
	int status = green_csv_expect_header(&csv, GREEN_FACTORS_HEADER, err);
	if (status != SZ_OK) goto fail;
	green_csv_row row;
	while ((status = green_csv_next(&csv, &row, err)) == 1) {
		if (scratch->row_count == GREEN_FACTOR_ROW_COUNT_MAX) {
			status = green_parse_fail(err, csv.file, row.line, "more than %u rows",
			                          GREEN_FACTOR_ROW_COUNT_MAX);
			goto fail;
		}
		status = green__parse_row(scratch, &row, csv.file, err);
		if (status != SZ_OK) goto fail;
	}
	if (status < 0) goto fail;
	if (scratch->row_count == 0) {
		status = green_parse_fail(err, csv.file, csv.line, "no factor rows");
		goto fail;
	}
	uint64_t digest = green_fnv1a(GREEN_FNV_OFFSET, scratch->version, strlen(scratch->version) + 1);
	for (uint32_t i = 0; i < scratch->row_count; i++) digest = green__row_digest(digest, &scratch->rows[i]);
	scratch->digest = digest;
	memcpy(set, scratch, sizeof *set);
	free(scratch);
	return SZ_OK;
fail:
	free(scratch);
	SZ_ASSERT(status < 0);
	return status;
}

int green_factor_set_load(green_factor_set *set, const char *path, green_parse_error *err)
{
	SZ_ASSERT(set != NULL);
	SZ_ASSERT(path != NULL);
	char *text = NULL;
	size_t size = 0;
	int status = green_file_read(path, &text, &size, err);
	if (status != SZ_OK) return status;
	status = green_factor_set_parse(set, text, size, path, err);
	free(text);
	return status;
}

const green_factor_row *green_factor_find(const green_factor_set *set, uint32_t kind,
                                          const char *code, const char *area,
                                          int32_t year, uint32_t param)
{
	SZ_ASSERT(set != NULL);
	SZ_ASSERT(code != NULL && area != NULL);
	for (uint32_t i = 0; i < set->row_count; i++) {
		const green_factor_row *row = &set->rows[i];
		if (row->kind != kind || row->param != param) continue;
		if (kind == GREEN_KIND_GRID && row->year != year) continue;
		if (strcmp(row->code, code) != 0 || strcmp(row->area, area) != 0) continue;
		return row;
	}
	return NULL;
}

/* The grid row of series at area with the latest year <= year, or NULL. */
static const green_factor_row *green__grid_latest(const green_factor_set *set, const char *series,
                                                  const char *area, int32_t year)
{
	SZ_ASSERT(set != NULL);
	SZ_ASSERT(series != NULL && area != NULL);
	const green_factor_row *best = NULL;
	for (uint32_t i = 0; i < set->row_count; i++) {
		const green_factor_row *row = &set->rows[i];
		if (row->kind != GREEN_KIND_GRID || row->year > year) continue;
		if (strcmp(row->code, series) != 0 || strcmp(row->area, area) != 0) continue;
		if (best == NULL || row->year > best->year) best = row;
	}
	return best;
}

int green_grid_factor(const green_factor_set *set, const green_region_map *map,
                      uint32_t series, const char *province, int32_t year,
                      green_factor_ref *out)
{
	SZ_ASSERT(set != NULL && map != NULL);
	SZ_ASSERT(province != NULL && out != NULL);
	const char *series_name = green_grid_series_name(series);
	if (series_name == NULL) return SZ_EINVAL;
	const char *areas[3] = { NULL, NULL, "CN" };
	const uint32_t area_flags[3] = { 0, GREEN_FLAG_AREA_REGION, GREEN_FLAG_AREA_NATIONAL };
	uint32_t first = 2;
	if (province[0] != '\0' && strcmp(province, "CN") != 0) {
		uint32_t region = green_region_of(map, province);
		if (region == GREEN_REGION_NONE) return SZ_EINVAL;
		areas[0] = province;
		areas[1] = green_region_name(region);
		first = 0;
	}
	for (uint32_t level = first; level < 3; level++) {
		const green_factor_row *row = green__grid_latest(set, series_name, areas[level], year);
		if (row == NULL) continue;
		memset(out, 0, sizeof *out);
		out->value = row->value;
		out->year = row->year;
		out->flags = area_flags[level] & (first == 0 ? ~0u : 0u);
		if (row->year < year) out->flags |= GREEN_FLAG_YEAR_EARLIER;
		if (series == GREEN_GRID_ETS) out->flags |= GREEN_FLAG_ETS_SERIES;
		SZ_ASSERT(strlen(row->area) < sizeof out->area);
		memcpy(out->area, row->area, sizeof out->area);
		return SZ_OK;
	}
	return SZ_ENOTFOUND;
}

int green_heat_factor(const green_factor_set *set, green_factor_ref *out)
{
	SZ_ASSERT(set != NULL);
	SZ_ASSERT(out != NULL);
	const green_factor_row *row = green_factor_find(set, GREEN_KIND_HEAT, "purchased", "CN", 0,
	                                                GREEN_PARAM_EF);
	if (row == NULL) return SZ_ENOTFOUND;
	memset(out, 0, sizeof *out);
	out->value = row->value;
	out->year = row->year;
	memcpy(out->area, row->area, sizeof out->area);
	return SZ_OK;
}

/* amount_milli / 1000 * factor [t per unit] * 10^6 g/t = amount_milli * factor * 1000. */
static int green__milli_times_factor(const green_factor_ref *factor, int64_t amount_milli,
                                     int64_t *emissions_g)
{
	SZ_ASSERT(factor != NULL && emissions_g != NULL);
	SZ_ASSERT(factor->value.scale >= 0);
	if (amount_milli < 0 || amount_milli > GREEN_ACTIVITY_MICRO_MAX) return SZ_EINVAL;
	green_ratio ratio = green_ratio_int(amount_milli);
	int status = green_ratio_mul_dec(&ratio, factor->value);
	if (status == SZ_OK) status = green_ratio_mul(&ratio, 1000, 1);
	if (status == SZ_OK) status = green_ratio_round(&ratio, emissions_g);
	return status;
}

int green_electricity_emissions(const green_factor_ref *factor, int64_t mwh_milli,
                                int64_t *emissions_g)
{
	SZ_ASSERT(factor != NULL);
	SZ_ASSERT(emissions_g != NULL);
	return green__milli_times_factor(factor, mwh_milli, emissions_g);
}

int green_heat_emissions(const green_factor_ref *factor, int64_t gj_milli, int64_t *emissions_g)
{
	SZ_ASSERT(factor != NULL);
	SZ_ASSERT(emissions_g != NULL);
	return green__milli_times_factor(factor, gj_milli, emissions_g);
}

/* activity_micro / 10^6 * dec * other: the rational for grams of one gas. */
static int green__ipcc_gas(const green_ratio *energy_gj, const green_factor_row *ef,
                           int64_t *gas_g, green_ratio *exact)
{
	SZ_ASSERT(energy_gj != NULL && ef != NULL);
	SZ_ASSERT(gas_g != NULL && exact != NULL);
	*exact = *energy_gj;
	int status = green_ratio_mul_dec(exact, ef->value); /* kg/TJ == g/GJ */
	if (status == SZ_OK) status = green_ratio_round(exact, gas_g);
	return status;
}

static int green__fuel_ipcc(const green_factor_set *set, const char *fuel, uint32_t gwp,
                            int64_t activity_micro, green_fuel_result *out)
{
	SZ_ASSERT(set != NULL && fuel != NULL);
	SZ_ASSERT(out != NULL);
	const green_factor_row *ncv = green_factor_find(set, GREEN_KIND_FUEL, fuel, "CN", 0, GREEN_PARAM_NCV);
	if (ncv == NULL) {
		ncv = green_factor_find(set, GREEN_KIND_IPCC, fuel, "", 0, GREEN_PARAM_NCV);
		out->flags |= GREEN_FLAG_IPCC_NCV;
	}
	const green_factor_row *co2 = green_factor_find(set, GREEN_KIND_IPCC, fuel, "", 0, GREEN_PARAM_EF_CO2);
	const green_factor_row *ch4 = green_factor_find(set, GREEN_KIND_IPCC, fuel, "", 0, GREEN_PARAM_EF_CH4);
	const green_factor_row *n2o = green_factor_find(set, GREEN_KIND_IPCC, fuel, "", 0, GREEN_PARAM_EF_N2O);
	const char *gwp_code = gwp == GREEN_GWP_AR5 ? "AR5" : gwp == GREEN_GWP_AR6 ? "AR6" : NULL;
	if (gwp_code == NULL) return SZ_EINVAL;
	const green_factor_row *gwp_ch4 = green_factor_find(set, GREEN_KIND_GWP, gwp_code, "", 0, GREEN_PARAM_CH4);
	const green_factor_row *gwp_n2o = green_factor_find(set, GREEN_KIND_GWP, gwp_code, "", 0, GREEN_PARAM_N2O);
	if (!ncv || !co2 || !ch4 || !n2o || !gwp_ch4 || !gwp_n2o) return SZ_ENOTFOUND;
	/* energy [GJ] = activity_micro / 10^6 * ncv */
	green_ratio energy = green_ratio_int(activity_micro);
	int status = green_ratio_mul_dec(&energy, ncv->value);
	if (status == SZ_OK) status = green_ratio_mul(&energy, 1, 1000000);
	green_ratio co2_exact = green_ratio_int(0), ch4_exact = co2_exact, n2o_exact = co2_exact;
	if (status == SZ_OK) status = green__ipcc_gas(&energy, co2, &out->co2_g, &co2_exact);
	if (status == SZ_OK) status = green__ipcc_gas(&energy, ch4, &out->ch4_g, &ch4_exact);
	if (status == SZ_OK) status = green__ipcc_gas(&energy, n2o, &out->n2o_g, &n2o_exact);
	if (status == SZ_OK) status = green_ratio_mul_dec(&ch4_exact, gwp_ch4->value);
	if (status == SZ_OK) status = green_ratio_mul_dec(&n2o_exact, gwp_n2o->value);
	green_ratio co2e = co2_exact;
	if (status == SZ_OK) status = green_ratio_add(&co2e, &ch4_exact);
	if (status == SZ_OK) status = green_ratio_add(&co2e, &n2o_exact);
	if (status == SZ_OK) status = green_ratio_round(&co2e, &out->co2e_g);
	if (status != SZ_OK) return status;
	out->ncv = ncv->value;
	out->tier = GREEN_TIER_IPCC;
	out->flags |= GREEN_FLAG_IPCC_TIER;
	const char *slash = strchr(ncv->unit, '/');
	SZ_ASSERT(slash != NULL);
	snprintf(out->activity_unit, sizeof out->activity_unit, "%s", slash + 1);
	return SZ_OK;
}

int green_fuel_emissions(const green_factor_set *set, const char *fuel, uint32_t tier,
                         uint32_t gwp, int64_t activity_micro, green_fuel_result *out)
{
	SZ_ASSERT(set != NULL && fuel != NULL);
	SZ_ASSERT(out != NULL);
	if (activity_micro < 0 || activity_micro > GREEN_ACTIVITY_MICRO_MAX) return SZ_EINVAL;
	if (tier > GREEN_TIER_IPCC) return SZ_EINVAL;
	memset(out, 0, sizeof *out);
	const green_factor_row *ncv = green_factor_find(set, GREEN_KIND_FUEL, fuel, "CN", 0, GREEN_PARAM_NCV);
	const green_factor_row *cc = green_factor_find(set, GREEN_KIND_FUEL, fuel, "CN", 0, GREEN_PARAM_CARBON_CONTENT);
	const green_factor_row *ox = green_factor_find(set, GREEN_KIND_FUEL, fuel, "CN", 0, GREEN_PARAM_OXIDATION);
	int national = ncv != NULL && cc != NULL && ox != NULL;
	if (tier == GREEN_TIER_IPCC || (tier == GREEN_TIER_AUTO && !national))
		return green__fuel_ipcc(set, fuel, gwp, activity_micro, out);
	if (!national) return SZ_ENOTFOUND;
	/* micro / 10^6 [unit] * 10^6 [g/t] cancel: grams = micro * ncv * cc * ox/100 * 44/12 */
	green_ratio co2 = green_ratio_int(activity_micro);
	int status = green_ratio_mul_dec(&co2, ncv->value);
	if (status == SZ_OK) status = green_ratio_mul_dec(&co2, cc->value);
	if (status == SZ_OK) status = green_ratio_mul_dec(&co2, ox->value);
	if (status == SZ_OK) status = green_ratio_mul(&co2, 44, 12 * 100);
	if (status == SZ_OK) status = green_ratio_round(&co2, &out->co2_g);
	if (status != SZ_OK) return status;
	out->co2e_g = out->co2_g;
	out->ncv = ncv->value;
	out->carbon_content = cc->value;
	out->oxidation_pct = ox->value;
	out->tier = GREEN_TIER_NATIONAL;
	const char *slash = strchr(ncv->unit, '/');
	SZ_ASSERT(slash != NULL);
	snprintf(out->activity_unit, sizeof out->activity_unit, "%s", slash + 1);
	return SZ_OK;
}
