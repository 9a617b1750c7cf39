/*
 * factors.h — versioned emission-factor sets: parsing, provenance, lookup and
 * the per-line emission formulas that use them.
 *
 * Owns: a factor set (every published value with its source, publication,
 * year, unit and the set's version), its content digest, strict loading from
 * share/green/factors/<version>.csv, the grid-factor lookup rule (province ->
 * grid region -> national; latest year <= requested), and the exact formulas
 * for electricity, purchased heat and fuel combustion (GB/T 32150 family and
 * the IPCC 2006 default tier with CH4 and N2O under AR5 or AR6 GWPs).
 * Never: change a value after loading (a set is immutable: results pin its
 * version and digest; a new publication is a new set), invent a factor that
 * is missing (lookup fails with SZ_ENOTFOUND), or use floating point.
 *
 * File format (strict dialect of csv.h), one published value per row:
 *   header  kind,code,area,year,param,value,unit,source,publication,version
 *   kind    grid | heat | fuel | ipcc | gwp
 *   code    grid: average | excl_market_nonfossil | fossil | ets
 *           heat: purchased;  fuel, ipcc: [a-z0-9_]{1,23} (natural_gas ...)
 *           gwp: AR5 | AR6
 *   area    grid: CN | a grid region of region.h | a province code (CN-GD);
 *           heat, fuel: CN;  ipcc, gwp: empty
 *   year    grid: the data year the factor describes (required, 1990..2100);
 *           others: year of the standard or report (optional)
 *   param   grid, heat: ef;  fuel: ncv | carbon_content | oxidation;
 *           ipcc: ncv | ef_co2 | ef_ch4 | ef_n2o;  gwp: ch4 | n2o
 *   value   decimal exactly as published, > 0, <= GREEN_DECIMAL_SCALE_MAX
 *           decimals; oxidation <= 100
 *   unit    must match the param: ef tCO2/MWh (grid) or tCO2/GJ (heat);
 *           ncv GJ/t or GJ/10^4Nm3 (the denominator is the fuel's activity
 *           unit); carbon_content tC/GJ; oxidation %; ef_* kg/TJ; gwp 1
 *   source, publication  who published it and where (1..63 / 1..191 bytes)
 *   version the set's version, identical on every row (1..31 bytes)
 * (kind, code, area, param) is unique, and for grid rows (.., year) too.
 *
 * Emission arithmetic (all exact, one rounding to grams per line, half away
 * from zero):
 *   electricity_g = mwh_milli / 1000 * ef[tCO2/MWh] * 10^6
 *   heat_g        = gj_milli / 1000 * ef[tCO2/GJ] * 10^6
 *   fuel national = micro / 10^6 * ncv * carbon_content * oxidation/100 * 44/12 * 10^6
 *                   (CO2 only: GB/T 32150 combustion)
 *   fuel IPCC     = micro / 10^6 * ncv * (ef_co2 + ef_ch4 * gwp_ch4 + ef_n2o * gwp_n2o)
 *                   (kg/TJ = g/GJ; ncv from the national row when the set has
 *                   one, else the IPCC default ncv; oxidation 100%)
 */
#ifndef SZ_GREEN_FACTORS_H
#define SZ_GREEN_FACTORS_H

#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"
#include "green/csv.h"
#include "green/fixed.h"
#include "green/region.h"

#define GREEN_VERSION_SIZE 32u
#define GREEN_CODE_SIZE 24u
#define GREEN_UNIT_SIZE 16u

enum green_factor_kind {
	GREEN_KIND_GRID = 1,
	GREEN_KIND_HEAT = 2,
	GREEN_KIND_FUEL = 3,
	GREEN_KIND_IPCC = 4,
	GREEN_KIND_GWP = 5,
};

enum green_factor_param {
	GREEN_PARAM_EF = 1,
	GREEN_PARAM_NCV = 2,
	GREEN_PARAM_CARBON_CONTENT = 3,
	GREEN_PARAM_OXIDATION = 4,
	GREEN_PARAM_EF_CO2 = 5,
	GREEN_PARAM_EF_CH4 = 6,
	GREEN_PARAM_EF_N2O = 7,
	GREEN_PARAM_CH4 = 8,
	GREEN_PARAM_N2O = 9,
};

/* Electricity factor series. The ETS compliance factor (0.5703) is a
 * different series from the MEE/NBS statistics: results using it are flagged. */
enum green_grid_series {
	GREEN_GRID_AVERAGE = 1,               /* "average" */
	GREEN_GRID_EXCL_MARKET_NONFOSSIL = 2, /* "excl_market_nonfossil": our residual mix */
	GREEN_GRID_FOSSIL = 3,                /* "fossil" */
	GREEN_GRID_ETS = 4,                   /* "ets" */
};

enum green_tier {
	GREEN_TIER_AUTO = 0,     /* national if the set has ncv, carbon content and oxidation, else IPCC */
	GREEN_TIER_NATIONAL = 1, /* GB/T 32150 family */
	GREEN_TIER_IPCC = 2,     /* IPCC 2006 defaults with CH4 and N2O */
};

enum green_gwp {
	GREEN_GWP_AR5 = 5,
	GREEN_GWP_AR6 = 6,
};

/* Flags on factors and results: why a value is what it is. Stable numbers
 * (they are stored in results in the log). */
enum green_flags {
	GREEN_FLAG_ETS_SERIES = 1u << 0,      /* the ETS compliance factor was used */
	GREEN_FLAG_AREA_REGION = 1u << 1,     /* no province factor: the grid region's */
	GREEN_FLAG_AREA_NATIONAL = 1u << 2,   /* no province or region factor: national */
	GREEN_FLAG_YEAR_EARLIER = 1u << 3,    /* the latest factor is of an earlier year */
	GREEN_FLAG_IPCC_TIER = 1u << 4,       /* IPCC 2006 default tier used */
	GREEN_FLAG_RESIDUAL_MIX = 1u << 5,    /* market-based: excl-market factor as residual mix */
	GREEN_FLAG_IPCC_NCV = 1u << 6,        /* IPCC default net calorific value used */
};

/* One published value with its provenance. 336 bytes. */
typedef struct green_factor_row {
	green_dec value;
	int32_t year; /* 0 = not given */
	uint8_t kind;
	uint8_t param;
	uint8_t reserved[2];
	char code[GREEN_CODE_SIZE];
	char area[GREEN_AREA_SIZE];
	char unit[GREEN_UNIT_SIZE];
	char source[64];
	char publication[192];
} green_factor_row;

/* An immutable factor set. About 690 KiB: allocate it (green_factor_set_new). */
typedef struct green_factor_set {
	char version[GREEN_VERSION_SIZE];
	uint64_t digest; /* FNV-1a 64 of the canonical rows: pinned by results */
	uint32_t row_count;
	uint32_t reserved;
	green_factor_row rows[GREEN_FACTOR_ROW_COUNT_MAX];
} green_factor_set;

/* A factor as used by a result: value, year, area and flags. 40 bytes. */
typedef struct green_factor_ref {
	green_dec value;
	int32_t year;
	uint32_t flags;
	char area[GREEN_AREA_SIZE];
} green_factor_ref;
_Static_assert(sizeof(green_factor_ref) == 40, "green_factor_ref is 40 bytes, no padding");

/* Fuel combustion result of one line. 120 bytes, no padding. */
typedef struct green_fuel_result {
	int64_t co2e_g;  /* what scope 1 adds */
	int64_t co2_g;   /* gas masses, each rounded to the gram (information) */
	int64_t ch4_g;
	int64_t n2o_g;
	green_dec ncv;
	green_dec carbon_content; /* national tier; zero under IPCC */
	green_dec oxidation_pct;  /* national tier; zero under IPCC */
	uint32_t tier;            /* enum green_tier actually used */
	uint32_t flags;
	char activity_unit[GREEN_UNIT_SIZE]; /* "t", "10^4Nm3": the unit of activity_micro */
} green_fuel_result;
_Static_assert(sizeof(green_fuel_result) == 104, "green_fuel_result is 104 bytes, no padding");

/* A zeroed set on the heap, or NULL. Free with free(). */
green_factor_set *green_factor_set_new(void);

/* Parses a factor set from text (format above) into set (overwritten only on
 * success). 0, SZ_EINVAL (err names file, line, reason), SZ_ENOMEM. */
int green_factor_set_parse(green_factor_set *set, const char *text, size_t size,
                           const char *file, green_parse_error *err);
/* Reads and parses path; SZ_EIO / SZ_ELIMIT / SZ_EINVAL / SZ_ENOMEM, err filled. */
int green_factor_set_load(green_factor_set *set, const char *path, green_parse_error *err);

/* Series name <-> number ("average" ...). */
const char *green_grid_series_name(uint32_t series);
uint32_t green_grid_series_from_name(const char *name);

/* The row (kind, code, area, param[, year for grid]) or NULL. area may be "". */
const green_factor_row *green_factor_find(const green_factor_set *set, uint32_t kind,
                                          const char *code, const char *area,
                                          int32_t year, uint32_t param);

/*
 * Grid factor of a series for a province ("CN-GD", or "" / "CN" for the
 * national factor) and data year. Rule: the most specific area with any
 * factor of a year <= year (province, then its grid region, then CN), and
 * there the latest such year. Flags say which fallbacks happened; the ETS
 * series sets GREEN_FLAG_ETS_SERIES. SZ_EINVAL for an unknown province or
 * series, SZ_ENOTFOUND when no area has a factor.
 */
int green_grid_factor(const green_factor_set *set, const green_region_map *map,
                      uint32_t series, const char *province, int32_t year,
                      green_factor_ref *out);

/* The purchased-heat factor (national). SZ_ENOTFOUND if the set lacks it. */
int green_heat_factor(const green_factor_set *set, green_factor_ref *out);

/* electricity_g = mwh_milli / 1000 * factor * 10^6, rounded once. */
int green_electricity_emissions(const green_factor_ref *factor, int64_t mwh_milli,
                                int64_t *emissions_g);
/* heat_g = gj_milli / 1000 * factor * 10^6, rounded once. */
int green_heat_emissions(const green_factor_ref *factor, int64_t gj_milli,
                         int64_t *emissions_g);

/*
 * Combustion of activity_micro millionths of the fuel's activity unit (the
 * denominator of its ncv unit, e.g. 10^4Nm3 for natural gas, so 100,000 Nm3
 * = 10 units = 10,000,000 micro; t for diesel, 10 t = 10,000,000). tier: enum green_tier;
 * gwp: enum green_gwp (used by the IPCC tier). SZ_ENOTFOUND if the set
 * lacks the fuel's factors for the tier, SZ_EINVAL for a negative or
 * excessive activity, SZ_ELIMIT on overflow.
 */
int green_fuel_emissions(const green_factor_set *set, const char *fuel, uint32_t tier,
                         uint32_t gwp, int64_t activity_micro, green_fuel_result *out);

#endif
