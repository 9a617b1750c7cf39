/* test_green_grade.c — carbon grade and colour, PCAF data-quality scores
 * and the ESG method (src/green/grade.c), with the grading acceptance
 * example of issue 6 and both sides of every threshold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/errors.h"
#include "green/grade.h"

static void test_grade_acceptance(void **unused)
{
	(void)unused;
	/* 761.38 t, value added ¥50m, industry average 0.20 t/¥10k ->
	 * K 0.761 -> grade 2 (K from the exact intensity 0.152276, not 0.1523,
	 * which would give 0.7615 -> 0.762) */
	green_grade g;
	assert_int_equal(green_grade_compute(761380000, 5000000000, 200000, &g), SZ_OK);
	assert_int_equal(g.k_milli, 761);
	assert_int_equal(g.grade, 2);
	assert_int_equal(g.colour, GREEN_COLOUR_LIGHT_GREEN);
	assert_string_equal(green_colour_name(g.colour), "light green");
	assert_string_equal(green_colour_name_zh(g.colour), "浅绿");
}

static void test_grade_thresholds(void **unused)
{
	(void)unused;
	const struct { int64_t k; uint32_t grade; } cases[] = {
		{ 0, 1 }, { 600, 1 }, { 601, 2 }, { 800, 2 }, { 801, 3 }, { 1200, 3 },
		{ 1201, 4 }, { 2000, 4 }, { 2001, 5 }, { 1000000, 5 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(green_grade_from_k(cases[i].k), cases[i].grade);
	/* the grade is read from the published K: 0.6004 rounds to 0.600 -> 1,
	 * 0.6005 rounds to 0.601 -> 2 (industry 1 t/¥10k, value added ¥10k) */
	green_grade g;
	assert_int_equal(green_grade_compute(600400, 1000000, 1000000, &g), SZ_OK);
	assert_int_equal(g.k_milli, 600);
	assert_int_equal(g.grade, 1);
	assert_int_equal(green_grade_compute(600500, 1000000, 1000000, &g), SZ_OK);
	assert_int_equal(g.k_milli, 601);
	assert_int_equal(g.grade, 2);
	assert_int_equal(green_grade_compute(2000499, 1000000, 1000000, &g), SZ_OK);
	assert_int_equal(g.grade, 4);
	assert_int_equal(green_grade_compute(2000500, 1000000, 1000000, &g), SZ_OK);
	assert_int_equal(g.grade, 5);
	assert_string_equal(green_colour_name(g.colour), "red");
	assert_null(green_colour_name(0));
	assert_null(green_colour_name(6));
	assert_int_equal(green_grade_compute(1, 0, 1, &g), SZ_EINVAL);
	assert_int_equal(green_grade_compute(1, 1, 0, &g), SZ_EINVAL);
	assert_int_equal(green_grade_compute(-1, 1, 1, &g), SZ_EINVAL);
	assert_int_equal(green_grade_compute(INT64_MAX, 1, 1, &g), SZ_ELIMIT);
}

static void test_data_quality(void **unused)
{
	(void)unused;
	const uint32_t expect[] = { 0, 1, 2, 2, 3, 4, 5 };
	for (uint32_t e = GREEN_DQ_VERIFIED_REPORT; e <= GREEN_DQ_SECTOR_PROXY; e++) {
		uint32_t score = 0;
		assert_int_equal(green_data_quality_score(e, &score), SZ_OK);
		assert_int_equal(score, expect[e]);
	}
	uint32_t score;
	assert_int_equal(green_data_quality_score(0, &score), SZ_EINVAL);
	assert_int_equal(green_data_quality_score(7, &score), SZ_EINVAL);
}

static void test_esg_method(void **unused)
{
	(void)unused;
	green_esg_method m;
	green_esg_method_default(&m);
	assert_int_equal(m.indicator_count, 6);
	/* three peers x six indicators:
	 * carbon_intensity(-), green_power_share(+), injury_rate(-),
	 * social_insurance(+), independent_directors(+), penalties(-) */
	const int64_t values[] = {
		100, 30, 2, 90, 40, 0,  /* peer 0: the subject */
		200, 10, 4, 80, 30, 2,  /* peer 1 */
		300, 50, 2, 100, 50, 1, /* peer 2 */
	};
	const uint32_t none[3] = { 0, 0, 0 };
	green_esg_result r;
	assert_int_equal(green_esg_score(&m, values, 3, 0, none, &r), SZ_OK);
	/* carbon 100 is the min -> 0 -> inverted 100.00; share 30 of 10..50 -> 50.00;
	 * injury 2 of 2..4 -> 0 -> 100.00; social 90 of 80..100 -> 50.00;
	 * directors 40 of 30..50 -> 50.00; penalties 0 -> 100.00 */
	assert_int_equal(r.indicator_score_centi[0], 10000);
	assert_int_equal(r.indicator_score_centi[1], 5000);
	assert_int_equal(r.indicator_score_centi[2], 10000);
	assert_int_equal(r.indicator_score_centi[3], 5000);
	assert_int_equal(r.indicator_score_centi[4], 5000);
	assert_int_equal(r.indicator_score_centi[5], 10000);
	assert_int_equal(r.pillar_score_centi[GREEN_ESG_E], 7500);
	assert_int_equal(r.pillar_score_centi[GREEN_ESG_S], 7500);
	assert_int_equal(r.pillar_score_centi[GREEN_ESG_G], 7500);
	assert_int_equal(r.raw_score_centi, 7500);
	assert_int_equal(r.score_centi, 7500);
	/* controversies: 1 minor + 1 severe = 12 points */
	const uint32_t some[3] = { 1, 0, 1 };
	assert_int_equal(green_esg_score(&m, values, 3, 0, some, &r), SZ_OK);
	assert_int_equal(r.deduction_centi, 1200);
	assert_int_equal(r.score_centi, 6300);
	/* capped at 30 points */
	const uint32_t many[3] = { 0, 0, 9 };
	assert_int_equal(green_esg_score(&m, values, 3, 0, many, &r), SZ_OK);
	assert_int_equal(r.deduction_centi, 3000);
	assert_int_equal(r.score_centi, 4500);
	/* peer 1: carbon 200 -> 50 -> 50.00; share 10 -> 0; injury 4 -> 100 -> 0;
	 * social 80 -> 0; directors 30 -> 0; penalties 2 -> 100 -> 0:
	 * E 25.00, S 0, G 0 -> 0.4 * 25 = 10.00 */
	assert_int_equal(green_esg_score(&m, values, 3, 1, none, &r), SZ_OK);
	assert_int_equal(r.pillar_score_centi[GREEN_ESG_E], 2500);
	assert_int_equal(r.score_centi, 1000);
	/* one peer: every indicator scores 50.00 */
	assert_int_equal(green_esg_score(&m, values, 1, 0, none, &r), SZ_OK);
	assert_int_equal(r.score_centi, 5000);
	/* rounding half away from zero at each published step: 1 of 0..3 = 33.33 */
	green_esg_method one;
	memset(&one, 0, sizeof one);
	one.indicator_count = 1;
	one.pillar_weight_bp[GREEN_ESG_E] = 10000;
	strcpy(one.indicators[0].code, "x");
	one.indicators[0].weight = 1;
	const int64_t thirds[] = { 1, 0, 3 };
	assert_int_equal(green_esg_score(&one, thirds, 3, 0, none, &r), SZ_OK);
	assert_int_equal(r.indicator_score_centi[0], 3333);
	assert_int_equal(r.pillar_used, 1u << GREEN_ESG_E);
	/* a pillar without indicators is left out: weight rescaled */
	one.pillar_weight_bp[GREEN_ESG_E] = 5000;
	one.pillar_weight_bp[GREEN_ESG_S] = 5000;
	assert_int_equal(green_esg_score(&one, thirds, 3, 0, none, &r), SZ_OK);
	assert_int_equal(r.score_centi, 3333);
}

static void test_esg_rejects(void **unused)
{
	(void)unused;
	green_esg_method m;
	green_esg_method_default(&m);
	const uint32_t none[3] = { 0, 0, 0 };
	int64_t values[6] = { 0 };
	green_esg_result r;
	assert_int_equal(green_esg_score(&m, values, 0, 0, none, &r), SZ_EINVAL);
	assert_int_equal(green_esg_score(&m, values, 1, 1, none, &r), SZ_EINVAL);
	assert_int_equal(green_esg_score(&m, NULL, 1, 0, none, &r), SZ_EINVAL);
	assert_int_equal(green_esg_score(&m, values, GREEN_ESG_PEER_COUNT_MAX + 1, 0, none, &r), SZ_EINVAL);
	values[0] = 1000000000000001;
	assert_int_equal(green_esg_score(&m, values, 1, 0, none, &r), SZ_EINVAL);
	values[0] = 1000000000000000;
	assert_int_equal(green_esg_score(&m, values, 1, 0, none, &r), SZ_OK);
	m.pillar_weight_bp[0] = 4001;
	assert_int_equal(green_esg_method_validate(&m), SZ_EINVAL);
	green_esg_method_default(&m);
	m.indicators[0].pillar = 3;
	assert_int_equal(green_esg_method_validate(&m), SZ_EINVAL);
	green_esg_method_default(&m);
	m.indicators[0].weight = 0;
	assert_int_equal(green_esg_method_validate(&m), SZ_EINVAL);
	green_esg_method_default(&m);
	m.indicator_count = GREEN_ESG_INDICATOR_COUNT_MAX + 1;
	assert_int_equal(green_esg_method_validate(&m), SZ_EINVAL);
	m.indicator_count = 0;
	assert_int_equal(green_esg_method_validate(&m), SZ_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grade_acceptance),
		cmocka_unit_test(test_grade_thresholds),
		cmocka_unit_test(test_data_quality),
		cmocka_unit_test(test_esg_method),
		cmocka_unit_test(test_esg_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
