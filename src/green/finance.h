/*
 * finance.h — finance on top of carbon accounts: carbon-linked loan pricing,
 * the PBoC carbon-emission-reduction facility (CERF, 碳减排支持工具), and
 * PCAF financed emissions of a bank's loan book.
 *
 * Owns the formulas and the records that pin them (plain structs, fixed
 * size, no pointers: each can be a log command body or stored result).
 *
 * Carbon-linked pricing (降碳贷). A bank's policy: base score, discount per
 * score point (default 1 bp), cap (default 15 bp), and the share of the
 * discount granted when data quality is 3 (default 50 %). Then
 *   points    = max(0, score - base score)
 *   full      = min(points * discount per point, cap)
 *   discount  = full                  if data quality <= 2
 *             = full * share, rounded if data quality == 3
 *             = 0                     if data quality >= 4
 *   rate      = base rate - discount  (never below zero; no surcharge)
 * The terms pin the policy, score, data quality, base rate, the factor set
 * (version and digest) the score came from, and the result, so
 * green_pricing_rederive() can recompute the discount later.
 *
 * CERF. A loan qualifies when it is in one of the facility's three areas
 * (clean energy; energy saving and environmental protection; carbon
 * reduction technology), the lender is an eligible institution, and the
 * project's annual carbon reduction is disclosed (> 0). Then
 *   refinanceable = principal * share (default 60 %), rounded to the fen
 *   annual cost   = refinanceable * facility rate (configurable; 1.75 % by
 *                   default), rounded to the fen
 *   term cost     = refinanceable * rate * term days / day basis (360)
 *   attributed reduction = project reduction * principal / project investment
 *
 * Financed emissions (PCAF). Attribution factor
 *   private company: outstanding / (equity + debt), book values
 *   listed company:  outstanding / EVIC, EVIC = market capitalisation + debt
 *                    (PCAF: cash is NOT deducted; the cash field is recorded
 *                    but never enters the formula)
 * capped at 1 (flagged). Financed emissions = factor * borrower emissions,
 * computed exactly and rounded once to the gram; the factor is published in
 * ppm. A book sums positions: absolute grams, grams per ¥1m outstanding,
 * and the outstanding-weighted data-quality score (2 decimals).
 */
#ifndef SZ_GREEN_FINANCE_H
#define SZ_GREEN_FINANCE_H

#include <stdint.h>

#include "szfin/szfin.h"
#include "green/factors.h"

/* ---- carbon-linked pricing -------------------------------------------- */

/* 32 bytes. */
typedef struct green_pricing_policy {
	int32_t base_score;
	uint32_t partial_share_bp;         /* of the discount at data quality 3 */
	int64_t discount_per_point_bp4;    /* 1 bp = 10,000 */
	int64_t cap_bp4;
	int64_t reserved;
} green_pricing_policy;
_Static_assert(sizeof(green_pricing_policy) == 32, "green_pricing_policy is 32 bytes");

/* Pinned loan terms. 120 bytes. */
typedef struct green_loan_terms {
	sz_id loan_id;
	green_pricing_policy policy;
	int64_t base_rate_bp4;   /* e.g. the 1-year LPR: 3.00 % = 3,000,000 */
	int64_t discount_bp4;
	int64_t rate_bp4;        /* base_rate - discount */
	int32_t score;
	uint32_t data_quality;   /* PCAF 1..5 */
	char factor_version[GREEN_VERSION_SIZE];
	uint64_t factor_digest;
} green_loan_terms;
_Static_assert(sizeof(green_loan_terms) == 120, "green_loan_terms is 120 bytes, no padding");

/* Base score 60, 1 bp per point, cap 15 bp, 50 % at data quality 3. */
void green_pricing_policy_default(green_pricing_policy *policy);
/* 0 or SZ_EINVAL (negative amounts, share > 100 %, reserved non-zero). */
int green_pricing_policy_validate(const green_pricing_policy *policy);

/*
 * Prices a loan: fills terms (loan id, policy, inputs, factor pin, discount,
 * rate). score 0..1000, data_quality 1..5, base rate 0..10^8 bp4 (100 %),
 * factor_version 1..31 bytes. SZ_EINVAL on bad input.
 */
int green_pricing_price(const green_pricing_policy *policy, sz_id loan_id, int64_t base_rate_bp4,
                        int32_t score, uint32_t data_quality, const char *factor_version,
                        uint64_t factor_digest, green_loan_terms *terms);

/* Recomputes pinned terms: 0 if the discount and rate re-derive exactly,
 * SZ_ECORRUPT if they do not, SZ_EINVAL if the pinned inputs are invalid. */
int green_pricing_rederive(const green_loan_terms *terms);

/* ---- PBoC carbon-emission-reduction facility --------------------------- */

enum green_cerf_area {
	GREEN_CERF_AREA_NONE = 0,
	GREEN_CERF_AREA_CLEAN_ENERGY = 1,
	GREEN_CERF_AREA_ENERGY_SAVING = 2,      /* energy saving and environmental protection */
	GREEN_CERF_AREA_CARBON_REDUCTION_TECH = 3,
};

enum green_cerf_reason {
	GREEN_CERF_QUALIFIES = 0,
	GREEN_CERF_AREA_NOT_ELIGIBLE = 1,
	GREEN_CERF_LENDER_NOT_ELIGIBLE = 2,
	GREEN_CERF_REDUCTION_NOT_DISCLOSED = 3,
};

/* 24 bytes. */
typedef struct green_cerf_policy {
	uint32_t share_bp;       /* default 6,000 = 60 % */
	uint32_t day_basis;      /* default 360 */
	int64_t rate_bp4;        /* default 1.75 % = 1,750,000 */
	int64_t reserved;
} green_cerf_policy;
_Static_assert(sizeof(green_cerf_policy) == 24, "green_cerf_policy is 24 bytes");

/* 64 bytes. */
typedef struct green_cerf_loan {
	sz_id loan_id;
	int64_t principal_fen;
	int64_t project_investment_fen;   /* the whole project's investment */
	int64_t project_reduction_g;      /* the project's annual CO2e reduction */
	uint32_t area;                    /* enum green_cerf_area */
	uint32_t lender_eligible;         /* 1 if the lender may use the facility */
	uint32_t term_days;
	uint32_t reserved[3];
} green_cerf_loan;
_Static_assert(sizeof(green_cerf_loan) == 64, "green_cerf_loan is 64 bytes, no padding");

/* 48 bytes. */
typedef struct green_cerf_result {
	uint32_t qualifies;
	uint32_t reason;                  /* enum green_cerf_reason */
	int64_t refinance_fen;
	int64_t annual_cost_fen;
	int64_t term_cost_fen;
	int64_t attributed_reduction_g;   /* disclosed: the loan's share of the reduction */
	int64_t reserved;
} green_cerf_result;
_Static_assert(sizeof(green_cerf_result) == 48, "green_cerf_result is 48 bytes, no padding");

void green_cerf_policy_default(green_cerf_policy *policy);

/* Assesses one loan. A loan that does not qualify gets qualifies = 0, its
 * reason and zero amounts (status 0). SZ_EINVAL for malformed input
 * (negative amounts, principal > investment, term > 3660 days ...). */
int green_cerf_assess(const green_cerf_policy *policy, const green_cerf_loan *loan,
                      green_cerf_result *out);

/* ---- PCAF financed emissions -------------------------------------------- */

enum green_company_kind {
	GREEN_COMPANY_PRIVATE = 1,
	GREEN_COMPANY_LISTED = 2,
};

/* One loan of a book. 72 bytes. For a listed company equity_fen is the
 * market capitalisation (EVIC = equity + debt); for a private one the book
 * value of equity. */
typedef struct green_pcaf_position {
	sz_id loan_id;
	int64_t outstanding_fen;
	int64_t equity_fen;
	int64_t debt_fen;
	int64_t cash_fen;            /* recorded, never deducted */
	int64_t emissions_g;         /* borrower's scope 1 + 2 */
	uint32_t company_kind;       /* enum green_company_kind */
	uint32_t data_quality;       /* PCAF 1..5 */
	int64_t reserved;
} green_pcaf_position;
_Static_assert(sizeof(green_pcaf_position) == 72, "green_pcaf_position is 72 bytes, no padding");

enum green_pcaf_flags {
	GREEN_PCAF_CAPPED = 1u << 0, /* outstanding exceeded the denominator: factor capped at 1 */
};

/* 24 bytes. */
typedef struct green_pcaf_result {
	int64_t attribution_ppm;     /* 100,000 = 0.10 */
	int64_t financed_g;
	uint32_t flags;
	uint32_t reserved;
} green_pcaf_result;
_Static_assert(sizeof(green_pcaf_result) == 24, "green_pcaf_result is 24 bytes, no padding");

/* 48 bytes. */
typedef struct green_pcaf_book {
	int64_t outstanding_fen;
	int64_t financed_g;
	int64_t intensity_g_per_million_yuan; /* financed grams per ¥1m outstanding */
	int64_t data_quality_centi;           /* outstanding-weighted, 235 = 2.35 */
	uint32_t position_count;
	uint32_t capped_count;
	int64_t reserved;
} green_pcaf_book;
_Static_assert(sizeof(green_pcaf_book) == 48, "green_pcaf_book is 48 bytes, no padding");

/* Attribution and financed emissions of one position. SZ_EINVAL for
 * negative amounts, a zero denominator, unknown kind or data quality. */
int green_pcaf_attribute(const green_pcaf_position *position, green_pcaf_result *out);

/* Sums count positions (0..GREEN_PCAF_POSITION_COUNT_MAX). SZ_EINVAL if any
 * position is invalid (out zeroed), SZ_ELIMIT on overflow. */
int green_pcaf_book_compute(const green_pcaf_position *positions, uint32_t count,
                            green_pcaf_book *out);

#endif
