/*
 * grade.h — carbon grades, colour labels, data-quality scores and the ESG
 * score of an enterprise.
 *
 * Owns three transparent methods, each re-derivable by hand from its inputs:
 *
 * 1. Carbon grade. K = L / L_industry, where L is the enterprise's intensity
 *    (t CO2e per ¥10,000 value added) and L_industry the industry average.
 *    K is computed exactly from grams and fen and rounded once to 3 decimals
 *    (k_milli, half away from zero); the grade is read from that published
 *    value: K <= 0.600 -> 1, <= 0.800 -> 2, <= 1.200 -> 3, <= 2.000 -> 4,
 *    else 5. Colours: 1 dark green, 2 light green, 3 yellow, 4 orange, 5 red.
 *
 * 2. Data quality, on the PCAF 1 (best) .. 5 (worst) scale for business
 *    loans: verified reported emissions 1; unverified reported emissions or
 *    primary physical activity data (metered energy, as a szfin carbon
 *    account is) 2; production-based estimates 3; revenue with sector
 *    factors 4; asset- or sector-average proxies 5.
 *
 * 3. ESG score (0.00 .. 100.00, in centi-points):
 *    a. each indicator is normalised within the industry peer group by
 *       min-max: s = (x - min) / (max - min) * 100, rounded to 0.01; when
 *       max == min every peer scores 50.00;
 *    b. negative indicators (lower is better: emissions intensity,
 *       injury rate, penalties) are inverted: s = 100 - s;
 *    c. a pillar (E, S, G) is the weight-averaged mean of its indicators'
 *       published scores, rounded to 0.01; a pillar without indicators is
 *       left out and the other pillar weights are rescaled;
 *    d. the raw score is the weight-averaged mean of the pillars, rounded
 *       to 0.01;
 *    e. controversies deduct points per case by severity (default minor
 *       2, moderate 5, severe 10) up to a cap (default 30); the score is
 *       max(0, raw - deduction).
 *    Each step rounds half away from zero from the published numbers of
 *    the step before, so a reader can recompute every figure from a report.
 * Never: use floating point, or read anything but its arguments.
 */
#ifndef SZ_GREEN_GRADE_H
#define SZ_GREEN_GRADE_H

#include <stdint.h>

#include "core/limits.h"
#include "green/factors.h"

enum green_colour {
	GREEN_COLOUR_DARK_GREEN = 1,
	GREEN_COLOUR_LIGHT_GREEN = 2,
	GREEN_COLOUR_YELLOW = 3,
	GREEN_COLOUR_ORANGE = 4,
	GREEN_COLOUR_RED = 5,
};

/* 16 bytes. */
typedef struct green_grade {
	int64_t k_milli; /* K with 3 decimals: 761 = 0.761 */
	uint32_t grade;  /* 1 (best) .. 5 */
	uint32_t colour; /* enum green_colour, same number as the grade */
} green_grade;
_Static_assert(sizeof(green_grade) == 16, "green_grade is 16 bytes, no padding");

/*
 * Grades total_g of emissions against value_added_fen and the industry's
 * average intensity (grams per ¥10,000 value added; 0.20 t = 200,000 g).
 * SZ_EINVAL for total < 0 or value added / industry average <= 0,
 * SZ_ELIMIT on overflow.
 */
int green_grade_compute(int64_t total_g, int64_t value_added_fen,
                        int64_t industry_intensity_g_per_10k_yuan, green_grade *out);

/* The grade for a published K (k_milli >= 0), 1..5. */
uint32_t green_grade_from_k(int64_t k_milli);

/* "dark green" ... "red" and "深绿" ... "红"; NULL for other values. */
const char *green_colour_name(uint32_t colour);
const char *green_colour_name_zh(uint32_t colour);

/* Evidence behind an enterprise's emissions (PCAF options). */
enum green_dq_evidence {
	GREEN_DQ_VERIFIED_REPORT = 1,   /* 1a: reported and third-party verified */
	GREEN_DQ_UNVERIFIED_REPORT = 2, /* 1b: reported, not verified */
	GREEN_DQ_PRIMARY_ENERGY = 3,    /* 2a: metered energy use x factors */
	GREEN_DQ_PRODUCTION = 4,        /* 2b: production data x factors */
	GREEN_DQ_REVENUE_SECTOR = 5,    /* 3a: revenue x sector factor */
	GREEN_DQ_SECTOR_PROXY = 6,      /* 3b/3c: assets or sector averages */
};

/* The PCAF score 1..5 of an evidence kind; SZ_EINVAL for an unknown kind. */
int green_data_quality_score(uint32_t evidence, uint32_t *score);

/* ---- ESG ---------------------------------------------------------------- */

enum green_esg_pillar {
	GREEN_ESG_E = 0,
	GREEN_ESG_S = 1,
	GREEN_ESG_G = 2,
};
#define GREEN_ESG_PILLAR_COUNT 3u

enum green_controversy {
	GREEN_CONTROVERSY_MINOR = 0,
	GREEN_CONTROVERSY_MODERATE = 1,
	GREEN_CONTROVERSY_SEVERE = 2,
};
#define GREEN_CONTROVERSY_LEVEL_COUNT 3u

/* 40 bytes. */
typedef struct green_esg_indicator {
	char code[GREEN_CODE_SIZE];
	uint32_t pillar;   /* enum green_esg_pillar */
	uint32_t negative; /* 1: lower is better (inverted) */
	uint32_t weight;   /* relative weight within its pillar, >= 1 */
	uint32_t reserved;
} green_esg_indicator;
_Static_assert(sizeof(green_esg_indicator) == 40, "green_esg_indicator is 40 bytes");

typedef struct green_esg_method {
	uint32_t indicator_count;
	uint32_t pillar_weight_bp[GREEN_ESG_PILLAR_COUNT];            /* sum 10,000 */
	uint32_t deduction_centi[GREEN_CONTROVERSY_LEVEL_COUNT];       /* per case */
	uint32_t deduction_cap_centi;
	green_esg_indicator indicators[GREEN_ESG_INDICATOR_COUNT_MAX];
} green_esg_method;

typedef struct green_esg_result {
	uint32_t indicator_score_centi[GREEN_ESG_INDICATOR_COUNT_MAX];
	uint32_t pillar_score_centi[GREEN_ESG_PILLAR_COUNT];
	uint32_t pillar_used;     /* bit p set if pillar p had indicators */
	uint32_t raw_score_centi;
	uint32_t deduction_centi;
	uint32_t score_centi;     /* 0 .. 10,000 */
	uint32_t reserved;
} green_esg_result;

/*
 * The default method: E 40 %, S 30 %, G 30 %; deductions 2 / 5 / 10 points
 * per minor / moderate / severe case, capped at 30; six indicators
 * (E: carbon_intensity -, green_power_share +; S: injury_rate -,
 * social_insurance_rate +; G: independent_directors +,
 * regulatory_penalties -), each of weight 1.
 */
void green_esg_method_default(green_esg_method *method);

/* 0 if method is usable (counts, pillars, weights, sum of pillar weights). */
int green_esg_method_validate(const green_esg_method *method);

/*
 * Scores peer `subject` of peer_count peers (1..GREEN_ESG_PEER_COUNT_MAX) of
 * one industry. values[peer * indicator_count + i] is peer's raw value of
 * indicator i in any fixed-point unit (the same unit for every peer; |value|
 * <= 10^15). controversies[level] counts the subject's cases. SZ_EINVAL for
 * a bad method or arguments.
 */
int green_esg_score(const green_esg_method *method, const int64_t *values, uint32_t peer_count,
                    uint32_t subject, const uint32_t controversies[GREEN_CONTROVERSY_LEVEL_COUNT],
                    green_esg_result *out);

#endif
