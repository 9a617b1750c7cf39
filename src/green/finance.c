/*
 * finance.c — carbon-linked pricing with pinned, re-derivable terms, the
 * PBoC carbon-emission-reduction facility and PCAF financed emissions
 * (formulas in finance.h). Money in fen, rates in 1e-4 bp, emissions in
 * grams; every figure is rounded once, half away from zero.
 */
#include "green/finance.h"

#include <string.h>

#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"
#include "green/fixed.h"

#define GREEN_BP4_PER_BP 10000ll
#define GREEN_RATE_BP4_MAX 100000000ll /* 100 % */
#define GREEN_SCORE_MAX 1000
#define GREEN_TERM_DAYS_MAX 3660u      /* ten years */
#define GREEN_MONEY_FEN_MAX 100000000000000000ll /* ¥10^15: far above any loan */

/* ---- pricing ------------------------------------------------------------ */

void green_pricing_policy_default(green_pricing_policy *policy)
{
	SZ_ASSERT(policy != NULL);
	memset(policy, 0, sizeof *policy);
	policy->base_score = 60;
	policy->discount_per_point_bp4 = 1 * GREEN_BP4_PER_BP;
	policy->cap_bp4 = 15 * GREEN_BP4_PER_BP;
	policy->partial_share_bp = 5000;
	SZ_ASSERT(green_pricing_policy_validate(policy) == SZ_OK);
}

int green_pricing_policy_validate(const green_pricing_policy *policy)
{
	SZ_ASSERT(policy != NULL);
	SZ_ASSERT(GREEN_RATE_BP4_MAX > 0);
	if (policy->base_score < 0 || policy->base_score > GREEN_SCORE_MAX) return SZ_EINVAL;
	if (policy->discount_per_point_bp4 < 0 || policy->discount_per_point_bp4 > GREEN_RATE_BP4_MAX)
		return SZ_EINVAL;
	if (policy->cap_bp4 < 0 || policy->cap_bp4 > GREEN_RATE_BP4_MAX) return SZ_EINVAL;
	if (policy->partial_share_bp > 10000 || policy->reserved != 0) return SZ_EINVAL;
	return SZ_OK;
}

/* The discount of the pinned inputs (validated by the caller). */
static int64_t green__discount(const green_pricing_policy *policy, int64_t base_rate_bp4,
                               int32_t score, uint32_t data_quality)
{
	SZ_ASSERT(policy != NULL);
	SZ_ASSERT(data_quality >= 1 && data_quality <= 5);
	int64_t points = score > policy->base_score ? (int64_t)score - policy->base_score : 0;
	/* points <= 1000 and per point <= 10^8: the product fits. */
	int64_t full = points * policy->discount_per_point_bp4;
	if (full > policy->cap_bp4) full = policy->cap_bp4;
	int64_t discount = 0;
	if (data_quality <= 2) {
		discount = full;
	} else if (data_quality == 3) {
		int status = green_div_round((green_i128)full * policy->partial_share_bp, 10000, &discount);
		SZ_ASSERT(status == SZ_OK);
	}
	if (discount > base_rate_bp4) discount = base_rate_bp4; /* a rate never goes below zero */
	SZ_ASSERT(discount >= 0);
	return discount;
}

static int green__pricing_inputs_valid(const green_pricing_policy *policy, int64_t base_rate_bp4,
                                       int32_t score, uint32_t data_quality)
{
	SZ_ASSERT(policy != NULL);
	if (green_pricing_policy_validate(policy) != SZ_OK) return 0;
	if (base_rate_bp4 < 0 || base_rate_bp4 > GREEN_RATE_BP4_MAX) return 0;
	if (score < 0 || score > GREEN_SCORE_MAX) return 0;
	return data_quality >= 1 && data_quality <= 5;
}

int green_pricing_price(const green_pricing_policy *policy, sz_id loan_id, int64_t base_rate_bp4,
                        int32_t score, uint32_t data_quality, const char *factor_version,
                        uint64_t factor_digest, green_loan_terms *terms)
{
	SZ_ASSERT(policy != NULL && terms != NULL);
	SZ_ASSERT(factor_version != NULL);
	memset(terms, 0, sizeof *terms);
	if (sz_id_is_zero(loan_id)) return SZ_EINVAL;
	if (!green__pricing_inputs_valid(policy, base_rate_bp4, score, data_quality)) return SZ_EINVAL;
	size_t version_length = strnlen(factor_version, GREEN_VERSION_SIZE);
	if (version_length == 0 || version_length == GREEN_VERSION_SIZE) return SZ_EINVAL;
	terms->loan_id = loan_id;
	terms->policy = *policy;
	terms->base_rate_bp4 = base_rate_bp4;
	terms->score = score;
	terms->data_quality = data_quality;
	memcpy(terms->factor_version, factor_version, version_length);
	terms->factor_digest = factor_digest;
	terms->discount_bp4 = green__discount(policy, base_rate_bp4, score, data_quality);
	terms->rate_bp4 = base_rate_bp4 - terms->discount_bp4;
	SZ_ASSERT(terms->rate_bp4 >= 0);
	return SZ_OK;
}

int green_pricing_rederive(const green_loan_terms *terms)
{
	SZ_ASSERT(terms != NULL);
	SZ_ASSERT(sizeof terms->factor_version == GREEN_VERSION_SIZE);
	if (!green__pricing_inputs_valid(&terms->policy, terms->base_rate_bp4, terms->score,
	                                 terms->data_quality))
		return SZ_EINVAL;
	int64_t discount = green__discount(&terms->policy, terms->base_rate_bp4, terms->score,
	                                   terms->data_quality);
	if (discount != terms->discount_bp4) return SZ_ECORRUPT;
	if (terms->base_rate_bp4 - discount != terms->rate_bp4) return SZ_ECORRUPT;
	return SZ_OK;
}

/* ---- CERF --------------------------------------------------------------- */

void green_cerf_policy_default(green_cerf_policy *policy)
{
	SZ_ASSERT(policy != NULL);
	memset(policy, 0, sizeof *policy);
	policy->share_bp = 6000;
	policy->day_basis = 360;
	policy->rate_bp4 = 175 * GREEN_BP4_PER_BP;
	SZ_ASSERT(policy->rate_bp4 == 1750000);
}

int green_cerf_assess(const green_cerf_policy *policy, const green_cerf_loan *loan,
                      green_cerf_result *out)
{
	SZ_ASSERT(policy != NULL && loan != NULL);
	SZ_ASSERT(out != NULL);
	memset(out, 0, sizeof *out);
	if (policy->share_bp > 10000 || (policy->day_basis != 360 && policy->day_basis != 365))
		return SZ_EINVAL;
	if (policy->rate_bp4 < 0 || policy->rate_bp4 > GREEN_RATE_BP4_MAX || policy->reserved != 0)
		return SZ_EINVAL;
	if (sz_id_is_zero(loan->loan_id)) return SZ_EINVAL;
	if (loan->principal_fen <= 0 || loan->principal_fen > GREEN_MONEY_FEN_MAX) return SZ_EINVAL;
	if (loan->project_investment_fen < loan->principal_fen ||
	    loan->project_investment_fen > GREEN_MONEY_FEN_MAX)
		return SZ_EINVAL;
	if (loan->project_reduction_g < 0 || loan->project_reduction_g > GREEN_ACTIVITY_MICRO_MAX * 1000)
		return SZ_EINVAL;
	if (loan->area > GREEN_CERF_AREA_CARBON_REDUCTION_TECH || loan->lender_eligible > 1) return SZ_EINVAL;
	if (loan->term_days == 0 || loan->term_days > GREEN_TERM_DAYS_MAX) return SZ_EINVAL;
	if (loan->reserved[0] | loan->reserved[1] | loan->reserved[2]) return SZ_EINVAL;

	if (loan->area == GREEN_CERF_AREA_NONE) out->reason = GREEN_CERF_AREA_NOT_ELIGIBLE;
	else if (!loan->lender_eligible) out->reason = GREEN_CERF_LENDER_NOT_ELIGIBLE;
	else if (loan->project_reduction_g == 0) out->reason = GREEN_CERF_REDUCTION_NOT_DISCLOSED;
	if (out->reason != GREEN_CERF_QUALIFIES) return SZ_OK;

	/* Bounds above keep every product below 2^127. */
	int status = green_div_round((green_i128)loan->principal_fen * policy->share_bp, 10000,
	                             &out->refinance_fen);
	SZ_ASSERT(status == SZ_OK);
	/* rate_bp4 / 10^8 is the annual rate */
	status = green_div_round((green_i128)out->refinance_fen * policy->rate_bp4, 100000000,
	                         &out->annual_cost_fen);
	SZ_ASSERT(status == SZ_OK);
	status = green_div_round((green_i128)out->refinance_fen * policy->rate_bp4 * loan->term_days,
	                         (green_i128)100000000 * policy->day_basis, &out->term_cost_fen);
	SZ_ASSERT(status == SZ_OK);
	status = green_div_round((green_i128)loan->project_reduction_g * loan->principal_fen,
	                         loan->project_investment_fen, &out->attributed_reduction_g);
	SZ_ASSERT(status == SZ_OK);
	out->qualifies = 1;
	return SZ_OK;
}

/* ---- PCAF --------------------------------------------------------------- */

static int green__position_valid(const green_pcaf_position *p)
{
	SZ_ASSERT(p != NULL);
	if (p->outstanding_fen < 0 || p->outstanding_fen > GREEN_MONEY_FEN_MAX) return 0;
	if (p->equity_fen < 0 || p->equity_fen > GREEN_MONEY_FEN_MAX) return 0;
	if (p->debt_fen < 0 || p->debt_fen > GREEN_MONEY_FEN_MAX) return 0;
	if (p->cash_fen < 0 || p->cash_fen > GREEN_MONEY_FEN_MAX) return 0;
	if (p->emissions_g < 0 || p->emissions_g > GREEN_ACTIVITY_MICRO_MAX * 1000) return 0;
	if (p->company_kind != GREEN_COMPANY_PRIVATE && p->company_kind != GREEN_COMPANY_LISTED) return 0;
	if (p->data_quality < 1 || p->data_quality > 5 || p->reserved != 0) return 0;
	return p->equity_fen + p->debt_fen > 0;
}

int green_pcaf_attribute(const green_pcaf_position *position, green_pcaf_result *out)
{
	SZ_ASSERT(position != NULL);
	SZ_ASSERT(out != NULL);
	memset(out, 0, sizeof *out);
	if (!green__position_valid(position)) return SZ_EINVAL;
	/* Private: equity + debt at book value. Listed: EVIC = market cap +
	 * debt; PCAF does not deduct cash, so cash_fen is not used. */
	int64_t denominator_fen = position->equity_fen + position->debt_fen;
	int64_t numerator_fen = position->outstanding_fen;
	if (numerator_fen > denominator_fen) {
		numerator_fen = denominator_fen;
		out->flags |= GREEN_PCAF_CAPPED;
	}
	int status = green_div_round((green_i128)numerator_fen * 1000000, denominator_fen,
	                             &out->attribution_ppm);
	SZ_ASSERT(status == SZ_OK);
	status = green_div_round((green_i128)position->emissions_g * numerator_fen, denominator_fen,
	                         &out->financed_g);
	SZ_ASSERT(status == SZ_OK);
	SZ_ASSERT(out->attribution_ppm >= 0 && out->attribution_ppm <= 1000000);
	return SZ_OK;
}

int green_pcaf_book_compute(const green_pcaf_position *positions, uint32_t count,
                            green_pcaf_book *out)
{
	SZ_ASSERT(out != NULL);
	SZ_ASSERT(positions != NULL || count == 0);
	memset(out, 0, sizeof *out);
	if (count > GREEN_PCAF_POSITION_COUNT_MAX) return SZ_EINVAL;
	green_i128 quality_weighted = 0;
	green_pcaf_book book;
	memset(&book, 0, sizeof book);
	for (uint32_t i = 0; i < count; i++) {
		green_pcaf_result result;
		int status = green_pcaf_attribute(&positions[i], &result);
		if (status != SZ_OK) return status;
		status = green_add(book.outstanding_fen, positions[i].outstanding_fen, &book.outstanding_fen);
		if (status == SZ_OK) status = green_add(book.financed_g, result.financed_g, &book.financed_g);
		if (status != SZ_OK) return status;
		quality_weighted += (green_i128)positions[i].outstanding_fen * positions[i].data_quality;
		if (result.flags & GREEN_PCAF_CAPPED) book.capped_count++;
	}
	book.position_count = count;
	if (book.outstanding_fen > 0) {
		/* ¥1m = 10^8 fen */
		int status = green_div_round((green_i128)book.financed_g * 100000000, book.outstanding_fen,
		                             &book.intensity_g_per_million_yuan);
		if (status != SZ_OK) return status;
		status = green_div_round(quality_weighted * 100, book.outstanding_fen, &book.data_quality_centi);
		SZ_ASSERT(status == SZ_OK);
	}
	*out = book;
	return SZ_OK;
}
