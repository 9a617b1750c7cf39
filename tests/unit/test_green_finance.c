/* test_green_finance.c — carbon-linked pricing, the PBoC carbon-emission-
 * reduction facility and PCAF financed emissions (src/green/finance.c),
 * with the pricing and attribution acceptance examples of issue 6. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/errors.h"
#include "green/finance.h"
#include "green/fixed.h"

#define BP4(bp) ((int64_t)(bp) * 10000)

static void test_pricing_acceptance(void **unused)
{
	(void)unused;
	/* Base score 60, score 78, 1 bp per point, cap 15 bp, LPR 3.00% -> 2.85% */
	green_pricing_policy policy;
	green_pricing_policy_default(&policy);
	assert_int_equal(policy.base_score, 60);
	assert_int_equal(policy.discount_per_point_bp4, BP4(1));
	policy.cap_bp4 = BP4(15);
	green_loan_terms terms;
	assert_int_equal(green_pricing_price(&policy, sz_id_make(0, 7), BP4(300), 78, 2, "cn-2025.1",
	                                     0x1234, &terms), SZ_OK);
	assert_int_equal(terms.discount_bp4, BP4(15)); /* 18 points, capped */
	assert_int_equal(terms.rate_bp4, BP4(285));
	char text[32];
	/* rate in percent with 2 decimals: bp4 / 10^4 = bp, bp / 100 = % */
	assert_int_equal(green_format_fixed(text, sizeof text, terms.rate_bp4 / 10000, 2), 0);
	assert_string_equal(text, "2.85");
	assert_string_equal(terms.factor_version, "cn-2025.1");
	assert_int_equal(terms.factor_digest, 0x1234);
	/* the pinned terms re-derive; a tampered discount does not */
	assert_int_equal(green_pricing_rederive(&terms), SZ_OK);
	green_loan_terms tampered = terms;
	tampered.discount_bp4 += 1;
	tampered.rate_bp4 -= 1;
	assert_int_equal(green_pricing_rederive(&tampered), SZ_ECORRUPT);
	tampered = terms;
	tampered.rate_bp4 -= 1;
	assert_int_equal(green_pricing_rederive(&tampered), SZ_ECORRUPT);
	tampered = terms;
	tampered.data_quality = 9;
	assert_int_equal(green_pricing_rederive(&tampered), SZ_EINVAL);
}

static void test_pricing_rules(void **unused)
{
	(void)unused;
	green_pricing_policy policy;
	green_pricing_policy_default(&policy);
	green_loan_terms t;
	sz_id id = sz_id_make(0, 1);
	/* below the cap: 10 points = 10 bp */
	assert_int_equal(green_pricing_price(&policy, id, BP4(300), 70, 1, "v", 0, &t), SZ_OK);
	assert_int_equal(t.discount_bp4, BP4(10));
	/* full discount needs data quality <= 2; 3 gets the partial share; 4-5 none */
	assert_int_equal(green_pricing_price(&policy, id, BP4(300), 70, 3, "v", 0, &t), SZ_OK);
	assert_int_equal(t.discount_bp4, BP4(5));
	assert_int_equal(green_pricing_price(&policy, id, BP4(300), 70, 4, "v", 0, &t), SZ_OK);
	assert_int_equal(t.discount_bp4, 0);
	assert_int_equal(t.rate_bp4, BP4(300));
	/* at or below the base score: no discount, no surcharge */
	assert_int_equal(green_pricing_price(&policy, id, BP4(300), 60, 1, "v", 0, &t), SZ_OK);
	assert_int_equal(t.discount_bp4, 0);
	assert_int_equal(green_pricing_price(&policy, id, BP4(300), 20, 1, "v", 0, &t), SZ_OK);
	assert_int_equal(t.rate_bp4, BP4(300));
	/* fractional per-point discounts: 0.5 bp x 7 points = 3.5 bp; at dq 3, 1.75 bp */
	policy.discount_per_point_bp4 = 5000;
	assert_int_equal(green_pricing_price(&policy, id, BP4(300), 67, 2, "v", 0, &t), SZ_OK);
	assert_int_equal(t.discount_bp4, 35000);
	assert_int_equal(green_pricing_price(&policy, id, BP4(300), 67, 3, "v", 0, &t), SZ_OK);
	assert_int_equal(t.discount_bp4, 17500);
	assert_int_equal(green_pricing_rederive(&t), SZ_OK);
	/* a rate never goes below zero */
	policy.cap_bp4 = BP4(500);
	policy.discount_per_point_bp4 = BP4(100);
	assert_int_equal(green_pricing_price(&policy, id, BP4(10), 100, 1, "v", 0, &t), SZ_OK);
	assert_int_equal(t.rate_bp4, 0);
	/* bad inputs */
	green_pricing_policy_default(&policy);
	assert_int_equal(green_pricing_price(&policy, sz_id_make(0, 0), BP4(300), 70, 1, "v", 0, &t), SZ_EINVAL);
	assert_int_equal(green_pricing_price(&policy, id, -1, 70, 1, "v", 0, &t), SZ_EINVAL);
	assert_int_equal(green_pricing_price(&policy, id, BP4(300), 70, 0, "v", 0, &t), SZ_EINVAL);
	assert_int_equal(green_pricing_price(&policy, id, BP4(300), 70, 6, "v", 0, &t), SZ_EINVAL);
	assert_int_equal(green_pricing_price(&policy, id, BP4(300), 1001, 1, "v", 0, &t), SZ_EINVAL);
	assert_int_equal(green_pricing_price(&policy, id, BP4(300), 1000, 1, "v", 0, &t), SZ_OK);
	assert_int_equal(green_pricing_price(&policy, id, BP4(300), 70, 1, "", 0, &t), SZ_EINVAL);
	assert_int_equal(green_pricing_price(&policy, id, BP4(10000) + 1, 70, 1, "v", 0, &t), SZ_EINVAL);
	assert_int_equal(green_pricing_price(&policy, id, BP4(10000), 70, 1, "v", 0, &t), SZ_OK);
	policy.partial_share_bp = 10001;
	assert_int_equal(green_pricing_price(&policy, id, BP4(300), 70, 1, "v", 0, &t), SZ_EINVAL);
}

static void test_cerf(void **unused)
{
	(void)unused;
	green_cerf_policy policy;
	green_cerf_policy_default(&policy);
	green_cerf_loan loan;
	memset(&loan, 0, sizeof loan);
	loan.loan_id = sz_id_make(0, 3);
	loan.principal_fen = 1000000000;          /* ¥10m */
	loan.project_investment_fen = 4000000000; /* ¥40m */
	loan.project_reduction_g = 20000000000;   /* 20,000 t a year */
	loan.area = GREEN_CERF_AREA_CLEAN_ENERGY;
	loan.lender_eligible = 1;
	loan.term_days = 365;
	green_cerf_result r;
	assert_int_equal(green_cerf_assess(&policy, &loan, &r), SZ_OK);
	assert_int_equal(r.qualifies, 1);
	assert_int_equal(r.refinance_fen, 600000000);        /* 60 %: ¥6m */
	assert_int_equal(r.annual_cost_fen, 10500000);       /* 1.75 %: ¥105,000 */
	assert_int_equal(r.term_cost_fen, 10645833);         /* x 365/360 = ¥106,458.333 */
	assert_int_equal(r.attributed_reduction_g, 5000000000); /* a quarter: 5,000 t */
	/* configurable share and rate */
	policy.share_bp = 5000;
	policy.rate_bp4 = 1500000;
	assert_int_equal(green_cerf_assess(&policy, &loan, &r), SZ_OK);
	assert_int_equal(r.refinance_fen, 500000000);
	assert_int_equal(r.annual_cost_fen, 7500000);
	green_cerf_policy_default(&policy);
	/* not qualifying: reasons, zero amounts */
	loan.area = GREEN_CERF_AREA_NONE;
	assert_int_equal(green_cerf_assess(&policy, &loan, &r), SZ_OK);
	assert_int_equal(r.qualifies, 0);
	assert_int_equal(r.reason, GREEN_CERF_AREA_NOT_ELIGIBLE);
	assert_int_equal(r.refinance_fen, 0);
	loan.area = GREEN_CERF_AREA_CARBON_REDUCTION_TECH;
	loan.lender_eligible = 0;
	assert_int_equal(green_cerf_assess(&policy, &loan, &r), SZ_OK);
	assert_int_equal(r.reason, GREEN_CERF_LENDER_NOT_ELIGIBLE);
	loan.lender_eligible = 1;
	loan.project_reduction_g = 0;
	assert_int_equal(green_cerf_assess(&policy, &loan, &r), SZ_OK);
	assert_int_equal(r.reason, GREEN_CERF_REDUCTION_NOT_DISCLOSED);
	loan.project_reduction_g = 1;
	/* malformed */
	loan.project_investment_fen = loan.principal_fen - 1;
	assert_int_equal(green_cerf_assess(&policy, &loan, &r), SZ_EINVAL);
	loan.project_investment_fen = loan.principal_fen;
	assert_int_equal(green_cerf_assess(&policy, &loan, &r), SZ_OK);
	loan.term_days = 3661;
	assert_int_equal(green_cerf_assess(&policy, &loan, &r), SZ_EINVAL);
	loan.term_days = 3660;
	assert_int_equal(green_cerf_assess(&policy, &loan, &r), SZ_OK);
	loan.area = 4;
	assert_int_equal(green_cerf_assess(&policy, &loan, &r), SZ_EINVAL);
	loan.area = 1;
	policy.day_basis = 300;
	assert_int_equal(green_cerf_assess(&policy, &loan, &r), SZ_EINVAL);
}

static void test_pcaf_acceptance(void **unused)
{
	(void)unused;
	/* ¥10m loan, borrower equity ¥40m + debt ¥60m, emissions 5,000 t ->
	 * attribution 0.10 -> 500 t */
	green_pcaf_position p;
	memset(&p, 0, sizeof p);
	p.loan_id = sz_id_make(0, 1);
	p.outstanding_fen = 1000000000;
	p.equity_fen = 4000000000;
	p.debt_fen = 6000000000;
	p.emissions_g = 5000000000;
	p.company_kind = GREEN_COMPANY_PRIVATE;
	p.data_quality = 2;
	green_pcaf_result r;
	assert_int_equal(green_pcaf_attribute(&p, &r), SZ_OK);
	assert_int_equal(r.attribution_ppm, 100000);
	assert_int_equal(r.financed_g, 500000000);
	assert_int_equal(r.flags, 0);
	/* EVIC case: equity 50, debt 50, cash 20 -> 50 % (cash not deducted) */
	green_pcaf_position listed = p;
	listed.company_kind = GREEN_COMPANY_LISTED;
	listed.outstanding_fen = 5000;
	listed.equity_fen = 5000;
	listed.debt_fen = 5000;
	listed.cash_fen = 2000;
	assert_int_equal(green_pcaf_attribute(&listed, &r), SZ_OK);
	assert_int_equal(r.attribution_ppm, 500000);
	assert_int_equal(r.financed_g, 2500000000);
	/* capped at 1 */
	listed.outstanding_fen = 20000;
	assert_int_equal(green_pcaf_attribute(&listed, &r), SZ_OK);
	assert_int_equal(r.attribution_ppm, 1000000);
	assert_int_equal(r.financed_g, 5000000000);
	assert_true(r.flags & GREEN_PCAF_CAPPED);
	/* invalid */
	listed.equity_fen = listed.debt_fen = 0;
	assert_int_equal(green_pcaf_attribute(&listed, &r), SZ_EINVAL);
	p.company_kind = 3;
	assert_int_equal(green_pcaf_attribute(&p, &r), SZ_EINVAL);
	p.company_kind = GREEN_COMPANY_PRIVATE;
	p.data_quality = 0;
	assert_int_equal(green_pcaf_attribute(&p, &r), SZ_EINVAL);
}

static void test_pcaf_book(void **unused)
{
	(void)unused;
	green_pcaf_position book[3];
	memset(book, 0, sizeof book);
	for (int i = 0; i < 3; i++) {
		book[i].loan_id = sz_id_make(0, (uint64_t)i + 1);
		book[i].company_kind = GREEN_COMPANY_PRIVATE;
	}
	/* ¥10m at 10 % of 5,000 t (dq 2) */
	book[0].outstanding_fen = 1000000000; book[0].equity_fen = 4000000000;
	book[0].debt_fen = 6000000000; book[0].emissions_g = 5000000000; book[0].data_quality = 2;
	/* ¥30m at 30 % of 1,000 t (dq 4) */
	book[1].outstanding_fen = 3000000000; book[1].equity_fen = 5000000000;
	book[1].debt_fen = 5000000000; book[1].emissions_g = 1000000000; book[1].data_quality = 4;
	/* ¥0 outstanding: counts, adds nothing (dq 5) */
	book[2].outstanding_fen = 0; book[2].equity_fen = 100; book[2].debt_fen = 0;
	book[2].emissions_g = 7; book[2].data_quality = 5;
	green_pcaf_book out;
	assert_int_equal(green_pcaf_book_compute(book, 3, &out), SZ_OK);
	assert_int_equal(out.position_count, 3);
	assert_int_equal(out.outstanding_fen, 4000000000);
	assert_int_equal(out.financed_g, 500000000 + 300000000);   /* 800 t */
	assert_int_equal(out.intensity_g_per_million_yuan, 20000000); /* 20 t per ¥1m */
	assert_int_equal(out.data_quality_centi, 350);             /* (2*10 + 4*30) / 40 */
	assert_int_equal(green_pcaf_book_compute(NULL, 0, &out), SZ_OK);
	assert_int_equal(out.financed_g, 0);
	book[1].data_quality = 6;
	assert_int_equal(green_pcaf_book_compute(book, 3, &out), SZ_EINVAL);
	assert_int_equal(out.position_count, 0);
	assert_int_equal(green_pcaf_book_compute(book, GREEN_PCAF_POSITION_COUNT_MAX + 1, &out), SZ_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pricing_acceptance),
		cmocka_unit_test(test_pricing_rules),
		cmocka_unit_test(test_cerf),
		cmocka_unit_test(test_pcaf_acceptance),
		cmocka_unit_test(test_pcaf_book),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
