/*
 * grade.c — carbon grade and colour, PCAF data-quality scores and the ESG
 * score (methods documented in grade.h). Integer arithmetic only; every
 * published figure is rounded once, half away from zero.
 */
#include "green/grade.h"

#include <string.h>

#include "core/assert.h"
#include "core/errors.h"
#include "green/fixed.h"

#define GREEN_ESG_VALUE_ABS_MAX 1000000000000000ll /* 10^15 */
#define GREEN_ESG_SCORE_MAX_CENTI 10000u

uint32_t green_grade_from_k(int64_t k_milli)
{
	SZ_ASSERT(k_milli >= 0);
	uint32_t grade = k_milli <= 600 ? 1u : k_milli <= 800 ? 2u : k_milli <= 1200 ? 3u
	               : k_milli <= 2000 ? 4u : 5u;
	SZ_ASSERT(grade >= 1 && grade <= 5);
	return grade;
}

int green_grade_compute(int64_t total_g, int64_t value_added_fen,
                        int64_t industry_intensity_g_per_10k_yuan, green_grade *out)
{
	SZ_ASSERT(out != NULL);
	memset(out, 0, sizeof *out);
	if (total_g < 0 || value_added_fen <= 0 || industry_intensity_g_per_10k_yuan <= 0)
		return SZ_EINVAL;
	/* L = total_g * 10^6 / value_added_fen  [g per ¥10k, 10^6 fen]
	 * K = L / industry; k_milli = K * 1000, exactly then rounded once. */
	green_ratio k = green_ratio_int(total_g);
	int status = green_ratio_mul(&k, 1000000, value_added_fen);
	if (status == SZ_OK) status = green_ratio_mul(&k, 1000, industry_intensity_g_per_10k_yuan);
	if (status == SZ_OK) status = green_ratio_round(&k, &out->k_milli);
	if (status != SZ_OK) return status;
	out->grade = green_grade_from_k(out->k_milli);
	out->colour = out->grade; /* one colour per grade */
	SZ_ASSERT(out->colour >= GREEN_COLOUR_DARK_GREEN && out->colour <= GREEN_COLOUR_RED);
	return SZ_OK;
}

const char *green_colour_name(uint32_t colour)
{
	static const char *const names[] = { NULL, "dark green", "light green", "yellow", "orange", "red" };
	if (colour < GREEN_COLOUR_DARK_GREEN || colour > GREEN_COLOUR_RED) return NULL;
	SZ_ASSERT(names[colour] != NULL);
	return names[colour];
}

const char *green_colour_name_zh(uint32_t colour)
{
	static const char *const names[] = { NULL, "深绿", "浅绿", "黄", "橙", "红" };
	if (colour < GREEN_COLOUR_DARK_GREEN || colour > GREEN_COLOUR_RED) return NULL;
	SZ_ASSERT(names[colour] != NULL);
	return names[colour];
}

int green_data_quality_score(uint32_t evidence, uint32_t *score)
{
	SZ_ASSERT(score != NULL);
	static const uint32_t scores[] = { 0, 1, 2, 2, 3, 4, 5 };
	if (evidence < GREEN_DQ_VERIFIED_REPORT || evidence > GREEN_DQ_SECTOR_PROXY) return SZ_EINVAL;
	*score = scores[evidence];
	SZ_ASSERT(*score >= 1 && *score <= 5);
	return SZ_OK;
}

void green_esg_method_default(green_esg_method *method)
{
	SZ_ASSERT(method != NULL);
	memset(method, 0, sizeof *method);
	method->pillar_weight_bp[GREEN_ESG_E] = 4000;
	method->pillar_weight_bp[GREEN_ESG_S] = 3000;
	method->pillar_weight_bp[GREEN_ESG_G] = 3000;
	method->deduction_centi[GREEN_CONTROVERSY_MINOR] = 200;
	method->deduction_centi[GREEN_CONTROVERSY_MODERATE] = 500;
	method->deduction_centi[GREEN_CONTROVERSY_SEVERE] = 1000;
	method->deduction_cap_centi = 3000;
	static const struct { const char *code; uint32_t pillar, negative; } defaults[] = {
		{ "carbon_intensity", GREEN_ESG_E, 1 },
		{ "green_power_share", GREEN_ESG_E, 0 },
		{ "injury_rate", GREEN_ESG_S, 1 },
		{ "social_insurance_rate", GREEN_ESG_S, 0 },
		{ "independent_directors", GREEN_ESG_G, 0 },
		{ "regulatory_penalties", GREEN_ESG_G, 1 },
	};
	for (uint32_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
		green_esg_indicator *indicator = &method->indicators[i];
		SZ_ASSERT(strlen(defaults[i].code) < sizeof indicator->code);
		strcpy(indicator->code, defaults[i].code);
		indicator->pillar = defaults[i].pillar;
		indicator->negative = defaults[i].negative;
		indicator->weight = 1;
	}
	method->indicator_count = sizeof defaults / sizeof defaults[0];
	SZ_ASSERT(green_esg_method_validate(method) == SZ_OK);
}

int green_esg_method_validate(const green_esg_method *method)
{
	SZ_ASSERT(method != NULL);
	SZ_ASSERT(GREEN_ESG_PILLAR_COUNT == 3);
	if (method->indicator_count == 0 || method->indicator_count > GREEN_ESG_INDICATOR_COUNT_MAX)
		return SZ_EINVAL;
	uint32_t weight_sum = 0;
	for (uint32_t p = 0; p < GREEN_ESG_PILLAR_COUNT; p++) {
		if (method->pillar_weight_bp[p] > 10000) return SZ_EINVAL;
		weight_sum += method->pillar_weight_bp[p];
	}
	if (weight_sum != 10000) return SZ_EINVAL;
	for (uint32_t l = 0; l < GREEN_CONTROVERSY_LEVEL_COUNT; l++) {
		if (method->deduction_centi[l] > GREEN_ESG_SCORE_MAX_CENTI) return SZ_EINVAL;
	}
	if (method->deduction_cap_centi > GREEN_ESG_SCORE_MAX_CENTI) return SZ_EINVAL;
	uint32_t used_weight = 0;
	for (uint32_t i = 0; i < method->indicator_count; i++) {
		const green_esg_indicator *indicator = &method->indicators[i];
		if (indicator->pillar >= GREEN_ESG_PILLAR_COUNT || indicator->negative > 1) return SZ_EINVAL;
		if (indicator->weight == 0 || indicator->weight > 10000) return SZ_EINVAL;
		if (strnlen(indicator->code, sizeof indicator->code) == sizeof indicator->code) return SZ_EINVAL;
		used_weight += method->pillar_weight_bp[indicator->pillar];
	}
	/* At least one used pillar must carry weight. */
	if (used_weight == 0) return SZ_EINVAL;
	return SZ_OK;
}

/* Weighted mean of scores (centi) with weights, rounded to 0.01 point. */
static uint32_t green__weighted_mean(const uint32_t *scores, const uint32_t *weights, uint32_t count)
{
	SZ_ASSERT(scores != NULL && weights != NULL);
	SZ_ASSERT(count > 0);
	int64_t num = 0, den = 0;
	for (uint32_t i = 0; i < count; i++) {
		num += (int64_t)scores[i] * weights[i];
		den += weights[i];
	}
	SZ_ASSERT(den > 0);
	int64_t mean = 0;
	int status = green_div_round(num, den, &mean);
	SZ_ASSERT(status == SZ_OK && mean >= 0 && mean <= GREEN_ESG_SCORE_MAX_CENTI);
	return (uint32_t)mean;
}

int green_esg_score(const green_esg_method *method, const int64_t *values, uint32_t peer_count,
                    uint32_t subject, const uint32_t controversies[GREEN_CONTROVERSY_LEVEL_COUNT],
                    green_esg_result *out)
{
	SZ_ASSERT(method != NULL && out != NULL);
	SZ_ASSERT(controversies != NULL);
	memset(out, 0, sizeof *out);
	if (green_esg_method_validate(method) != SZ_OK) return SZ_EINVAL;
	if (values == NULL || peer_count == 0 || peer_count > GREEN_ESG_PEER_COUNT_MAX) return SZ_EINVAL;
	if (subject >= peer_count) return SZ_EINVAL;
	uint32_t n = method->indicator_count;
	for (uint32_t i = 0; i < peer_count * n; i++) {
		if (values[i] > GREEN_ESG_VALUE_ABS_MAX || values[i] < -GREEN_ESG_VALUE_ABS_MAX) return SZ_EINVAL;
	}
	/* a, b: normalise within the peers, invert negative indicators. */
	for (uint32_t i = 0; i < n; i++) {
		int64_t min = values[i], max = values[i];
		for (uint32_t p = 1; p < peer_count; p++) {
			int64_t v = values[(size_t)p * n + i];
			if (v < min) min = v;
			if (v > max) max = v;
		}
		int64_t score = 5000;
		if (max > min) {
			int64_t x = values[(size_t)subject * n + i];
			int status = green_div_round((green_i128)(x - min) * GREEN_ESG_SCORE_MAX_CENTI,
			                             max - min, &score);
			SZ_ASSERT(status == SZ_OK);
		}
		SZ_ASSERT(score >= 0 && score <= GREEN_ESG_SCORE_MAX_CENTI);
		if (method->indicators[i].negative) score = GREEN_ESG_SCORE_MAX_CENTI - score;
		out->indicator_score_centi[i] = (uint32_t)score;
	}
	/* c: pillars. */
	uint32_t pillar_scores[GREEN_ESG_PILLAR_COUNT], pillar_weights[GREEN_ESG_PILLAR_COUNT];
	uint32_t pillar_count = 0;
	for (uint32_t p = 0; p < GREEN_ESG_PILLAR_COUNT; p++) {
		uint32_t scores[GREEN_ESG_INDICATOR_COUNT_MAX], weights[GREEN_ESG_INDICATOR_COUNT_MAX];
		uint32_t count = 0;
		for (uint32_t i = 0; i < n; i++) {
			if (method->indicators[i].pillar != p) continue;
			scores[count] = out->indicator_score_centi[i];
			weights[count] = method->indicators[i].weight;
			count++;
		}
		if (count == 0 || method->pillar_weight_bp[p] == 0) continue;
		out->pillar_score_centi[p] = green__weighted_mean(scores, weights, count);
		out->pillar_used |= 1u << p;
		pillar_scores[pillar_count] = out->pillar_score_centi[p];
		pillar_weights[pillar_count] = method->pillar_weight_bp[p];
		pillar_count++;
	}
	SZ_ASSERT(pillar_count > 0); /* validate() guarantees a weighted pillar */
	/* d: raw score; e: deductions. */
	out->raw_score_centi = green__weighted_mean(pillar_scores, pillar_weights, pillar_count);
	uint64_t deduction = 0;
	for (uint32_t l = 0; l < GREEN_CONTROVERSY_LEVEL_COUNT; l++)
		deduction += (uint64_t)controversies[l] * method->deduction_centi[l];
	if (deduction > method->deduction_cap_centi) deduction = method->deduction_cap_centi;
	out->deduction_centi = (uint32_t)deduction;
	out->score_centi = out->raw_score_centi > out->deduction_centi
		? out->raw_score_centi - out->deduction_centi : 0;
	SZ_ASSERT(out->score_centi <= GREEN_ESG_SCORE_MAX_CENTI);
	return SZ_OK;
}
