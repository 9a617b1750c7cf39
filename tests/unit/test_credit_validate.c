/* test_credit_validate.c — validation metrics and cross-validation
 * (src/credit/validate.c): AUC, Gini, KS, Brier and calibration on examples
 * computed by hand, PSI by hand, splitmix64 against its published vectors,
 * stratified folds, score PSI / CSI, and cross-validation that cannot leak a
 * test fold into its training (a unique-id column predicts nothing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "credit/csv.h"
#include "credit/scorecard_train.h"
#include "credit/validate.h"

#define EPS 1e-12

static void test_auc_ks_by_hand(void **state)
{
	(void)state;
	/* goods at 20, 30, 50; bads at 10, 20, 40. Good-bad pairs: 20 beats 10,
	 * ties 20, loses to 40 (1.5); 30 beats 10, 20 (2); 50 beats all (3):
	 * AUC = 6.5 / 9. Cumulative bad/good shares by score: 10: 1/3 vs 0;
	 * 20: 2/3 vs 1/3; 30: 2/3 vs 2/3; 40: 1 vs 2/3: KS = 1/3, first at 10. */
	double scores[6] = { 30, 10, 20, 50, 40, 20 };
	uint8_t good[6] = { 1, 0, 0, 1, 0, 1 };
	double bad_p[6] = { 0.3, 0.9, 0.6, 0.1, 0.5, 0.6 };
	scorecard_metrics m;
	assert_int_equal(scorecard_metrics_compute(scores, bad_p, good, 6, &m), SZ_OK);
	assert_int_equal(m.good_count, 3);
	assert_int_equal(m.bad_count, 3);
	assert_true(fabs(m.auc - 6.5 / 9.0) < EPS);
	assert_true(fabs(m.gini - (2.0 * 6.5 / 9.0 - 1.0)) < EPS);
	assert_true(fabs(m.ks - 1.0 / 3.0) < EPS);
	assert_true(m.ks_score == 10.0);
	/* Brier: (.3-0)^2 + (.9-1)^2 + (.6-1)^2 + (.1-0)^2 + (.5-1)^2 + (.6-0)^2 = .88 */
	assert_true(fabs(m.brier - 0.88 / 6.0) < EPS);
	double auc;
	assert_int_equal(scorecard_auc(scores, good, 6, &auc), SZ_OK);
	assert_true(auc == m.auc);
	/* perfect and reversed rankings; one class only */
	double s2[4] = { 1, 2, 3, 4 };
	uint8_t g2[4] = { 0, 0, 1, 1 };
	assert_int_equal(scorecard_auc(s2, g2, 4, &auc), SZ_OK);
	assert_true(auc == 1.0);
	uint8_t g3[4] = { 1, 1, 0, 0 };
	assert_int_equal(scorecard_auc(s2, g3, 4, &auc), SZ_OK);
	assert_true(auc == 0.0);
	uint8_t g4[4] = { 1, 1, 1, 1 };
	assert_int_equal(scorecard_auc(s2, g4, 4, &auc), SZ_EINVAL);
	/* all scores tied: AUC one half, KS zero */
	double s5[4] = { 7, 7, 7, 7 };
	assert_int_equal(scorecard_metrics_compute(s5, NULL, g2, 4, &m), SZ_OK);
	assert_true(m.auc == 0.5);
	assert_true(m.ks == 0.0);
}

static void test_calibration_deciles(void **state)
{
	(void)state;
	double scores[20];
	double bad_p[20];
	uint8_t good[20];
	for (int i = 0; i < 20; i++) {
		scores[i] = 500 + 10 * i;       /* worst first after sorting */
		bad_p[i] = 0.5 - 0.02 * i;
		good[i] = i >= 6 && i != 13;    /* bads: rows 0-5 and 13 */
	}
	scorecard_metrics m;
	assert_int_equal(scorecard_metrics_compute(scores, bad_p, good, 20, &m), SZ_OK);
	assert_int_equal(m.calibration_count, 10);
	for (int k = 0; k < 10; k++) {
		assert_int_equal(m.calibration[k].count, 2);
		assert_true(m.calibration[k].score_min == 500 + 20 * k);
		assert_true(m.calibration[k].score_max == 510 + 20 * k);
		double predicted = (bad_p[2 * k] + bad_p[2 * k + 1]) / 2.0;
		assert_true(fabs(m.calibration[k].predicted_bad_rate - predicted) < EPS);
	}
	assert_true(m.calibration[0].observed_bad_rate == 1.0);
	assert_true(m.calibration[2].observed_bad_rate == 1.0);
	assert_true(m.calibration[3].observed_bad_rate == 0.0);
	assert_true(m.calibration[6].observed_bad_rate == 0.5);
	assert_true(m.calibration[9].observed_bad_rate == 0.0);
}

static void test_psi_by_hand(void **state)
{
	(void)state;
	double e1[3] = { 0.25, 0.25, 0.5 };
	double a1[3] = { 0.2, 0.3, 0.5 };
	/* -0.05 ln 0.8 + 0.05 ln 1.2 = 0.05 ln 1.5 */
	assert_true(fabs(scorecard_psi(e1, a1, 3) - 0.05 * log(1.5)) < EPS);
	assert_true(scorecard_psi(e1, e1, 3) == 0.0);
	/* an empty band is floored at 1e-4: 0.5 ln 2 + (1e-4 - 0.5) ln(1e-4 / 0.5) */
	double e2[2] = { 0.5, 0.5 };
	double a2[2] = { 1.0, 0.0 };
	assert_true(fabs(scorecard_psi(e2, a2, 2) - 4.60431846666895) < 1e-9);
}

static void test_splitmix64_vectors(void **state)
{
	(void)state;
	uint64_t s = 0;
	assert_true(scorecard_splitmix64(&s) == 0xe220a8397b1dcdafull);
	assert_true(scorecard_splitmix64(&s) == 0x6e789e6aa1b965f4ull);
	s = 1234567;
	assert_true(scorecard_splitmix64(&s) == 6457827717110365317ull);
	assert_true(scorecard_splitmix64(&s) == 3203168211198807973ull);
}

static void test_folds_stratified(void **state)
{
	(void)state;
	enum { N = 150, K = 5 };
	uint8_t good[N];
	for (int i = 0; i < N; i++)
		good[i] = (i * 7) % 3 != 0; /* 100 goods, 50 bads, interleaved */
	uint32_t folds[N];
	uint32_t again[N];
	assert_int_equal(scorecard_folds_assign(good, N, K, 42, folds), SZ_OK);
	uint32_t goods[K] = { 0 };
	uint32_t bads[K] = { 0 };
	for (int i = 0; i < N; i++) {
		assert_true(folds[i] < K);
		goods[folds[i]] += good[i];
		bads[folds[i]] += 1u - good[i];
	}
	for (int f = 0; f < K; f++) {
		assert_int_equal(goods[f], 20);
		assert_int_equal(bads[f], 10);
	}
	/* same seed, same folds; another seed, other folds */
	assert_int_equal(scorecard_folds_assign(good, N, K, 42, again), SZ_OK);
	assert_memory_equal(folds, again, sizeof(folds));
	assert_int_equal(scorecard_folds_assign(good, N, K, 43, again), SZ_OK);
	assert_memory_not_equal(folds, again, sizeof(folds));
	/* uneven classes: sizes differ by at most one per class */
	uint8_t odd[23];
	for (int i = 0; i < 23; i++)
		odd[i] = i < 16;
	uint32_t f3[23];
	assert_int_equal(scorecard_folds_assign(odd, 23, 4, 7, f3), SZ_OK);
	uint32_t g3[4] = { 0 };
	uint32_t b3[4] = { 0 };
	for (int i = 0; i < 23; i++) {
		g3[f3[i]] += odd[i];
		b3[f3[i]] += 1u - odd[i];
	}
	for (int f = 0; f < 4; f++) {
		assert_int_equal(g3[f], 4);
		assert_true(b3[f] == 1 || b3[f] == 2);
	}
	/* limits: 2..SZ_SCORECARD_FOLD_COUNT_MAX and at most the row count */
	assert_int_equal(scorecard_folds_assign(good, N, 1, 1, folds), SZ_EINVAL);
	assert_int_equal(scorecard_folds_assign(good, N, SZ_SCORECARD_FOLD_COUNT_MAX, 1, folds), SZ_OK);
	assert_int_equal(scorecard_folds_assign(good, N, SZ_SCORECARD_FOLD_COUNT_MAX + 1, 1, folds),
			 SZ_EINVAL);
	assert_int_equal(scorecard_folds_assign(good, 3, 4, 1, folds), SZ_EINVAL);
}

static void sample_load(credit_csv_table *t, uint8_t **good)
{
	char path[512];
	const char *root = getenv("SZFIN_ROOT");
	snprintf(path, sizeof(path), "%s/tests/data/credit/credit_sample.csv",
		 root != NULL && root[0] ? root : ".");
	credit_csv_error e;
	if (credit_csv_load(t, path, &e) != SZ_OK)
		fail_msg("%s: %s", path, e.message);
	*good = malloc(t->row_count);
	scorecard_error error;
	assert_int_equal(scorecard_target_encode(t, "Status", "good", *good, &error), SZ_OK);
}

static void test_shift_psi_csi(void **state)
{
	(void)state;
	credit_csv_table t;
	uint8_t *good;
	sample_load(&t, &good);
	scorecard_options o;
	scorecard_options_default(&o);
	scorecard_model m = { 0 };
	scorecard_error error;
	assert_int_equal(scorecard_train(&m, &t, "Status", "good", good, NULL, t.row_count, &o,
					 &error), SZ_OK);
	assert_true(m.score_bin_count >= 8 && m.score_bin_count <= SCORECARD_SCORE_BIN_COUNT);
	scorecard_binding b;
	assert_int_equal(scorecard_binding_init(&b, &m, &t, &error), SZ_OK);
	double psi = -1.0;
	double csi[32];
	/* the training population against itself: no shift, but for the model
	 * keeping band shares in parts per million: each off by at most 1e-6,
	 * PSI ~ sum of diff^2 / share <= 10 x (1e-6)^2 / 0.05 = 2e-10 */
	assert_int_equal(scorecard_shift_compute(&m, &b, &t, &psi, csi), SZ_OK);
	assert_true(psi < 1e-9);
	for (uint32_t i = 0; i < m.characteristic_count; i++) {
		if (m.characteristics[i].selected)
			assert_true(csi[i] < 1e-12);
		else
			assert_true(isnan(csi[i]));
	}
	scorecard_binding_release(&b);

	/* a table without some of the model's columns cannot be bound */
	credit_csv_table bad_rows;
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	fprintf(mem, "Status,Seniority,Income,Records\n");
	int32_t sen = credit_csv_column_find(&t, "Seniority");
	int32_t inc = credit_csv_column_find(&t, "Income");
	int32_t rec = credit_csv_column_find(&t, "Records");
	for (uint32_t r = 0; r < t.row_count; r++) {
		if (good[r])
			continue;
		int32_t level = t.columns[rec].levels[r];
		fprintf(mem, "bad,%.17g,%.17g,%s\n", t.columns[sen].numbers[r],
			t.columns[inc].numbers[r], level < 0 ? "" : t.columns[rec].level_names[level]);
	}
	fclose(mem);
	credit_csv_error e;
	assert_int_equal(credit_csv_parse(&bad_rows, text, size, &e), SZ_OK);
	/* Only three model columns are present: binding names the first missing one. */
	int rc = scorecard_binding_init(&b, &m, &bad_rows, &error);
	assert_int_equal(rc, SZ_ENOTFOUND);
	assert_non_null(strstr(error.message, "no column"));
	free(text);
	credit_csv_release(&bad_rows);

	/* All columns, bad rows only: their scores sit in the low bands. */
	uint32_t *rows = malloc(t.row_count * sizeof(uint32_t));
	uint32_t n = 0;
	for (uint32_t r = 0; r < t.row_count; r++)
		if (!good[r])
			rows[n++] = r;
	assert_int_equal(scorecard_binding_init(&b, &m, &t, &error), SZ_OK);
	double shares[SCORECARD_SCORE_BIN_COUNT] = { 0 };
	for (uint32_t k = 0; k < n; k++) {
		scorecard_result res;
		scorecard_score_row(&m, &b, &t, rows[k], &res);
		uint32_t band = 0;
		while (band + 1 < m.score_bin_count && res.score_milli > m.score_uppers_milli[band])
			band++;
		shares[band] += 1.0 / n;
	}
	double trained[SCORECARD_SCORE_BIN_COUNT] = { 0 };
	for (uint32_t k = 0; k < m.score_bin_count; k++)
		trained[k] = m.score_shares_ppm[k] / 1e6;
	assert_true(scorecard_psi(trained, shares, m.score_bin_count) > 0.25);
	scorecard_binding_release(&b);
	free(rows);
	scorecard_model_release(&m);
	credit_csv_release(&t);
	free(good);
}

static void test_cross_validation(void **state)
{
	(void)state;
	credit_csv_table t;
	uint8_t *good;
	sample_load(&t, &good);
	scorecard_options o;
	scorecard_options_default(&o);
	scorecard_cv_result a;
	scorecard_cv_result b;
	scorecard_error error;
	assert_int_equal(scorecard_cross_validate(&t, "Status", "good", good, &o, 5, 99, &a, &error),
			 SZ_OK);
	assert_int_equal(scorecard_cross_validate(&t, "Status", "good", good, &o, 5, 99, &b, &error),
			 SZ_OK);
	assert_memory_equal(&a, &b, sizeof(a)); /* deterministic */
	assert_int_equal(a.fold_count, 5);
	double mean = 0.0;
	for (int f = 0; f < 5; f++) {
		assert_true(a.fold_auc[f] > 0.6 && a.fold_auc[f] < 1.0);
		assert_true(a.fold_selected_count[f] >= 3);
		mean += a.fold_auc[f] / 5.0;
	}
	assert_true(fabs(a.auc_mean - mean) < EPS);
	assert_true(a.auc_pooled > 0.7);
	assert_int_equal(scorecard_cross_validate(&t, "Status", "good", good, &o, 1, 99, &a, &error),
			 SZ_EINVAL);
	credit_csv_release(&t);
	free(good);
}

/* One fold that fails to train is reported and the run goes on. The IV
 * filter is set between the best IV of the two 2-fold training halves, so
 * exactly the half with the lower best IV trains no model. */
static void test_cv_one_fold_fails(void **state)
{
	(void)state;
	credit_csv_table t;
	uint8_t *good;
	sample_load(&t, &good);
	uint32_t n = t.row_count;
	uint32_t *fold = malloc(n * sizeof(uint32_t));
	uint32_t *rows = malloc(n * sizeof(uint32_t));
	assert_int_equal(scorecard_folds_assign(good, n, 2, 99, fold), SZ_OK);
	scorecard_options o;
	scorecard_options_default(&o);
	o.iv_min = 0.0;
	scorecard_error error;
	double best[2];
	for (uint32_t f = 0; f < 2; f++) {
		uint32_t k = 0;
		for (uint32_t r = 0; r < n; r++)
			if (fold[r] != f)
				rows[k++] = r;
		scorecard_model m = { 0 };
		assert_int_equal(scorecard_train(&m, &t, "Status", "good", good, rows, k, &o, &error), SZ_OK);
		best[f] = 0.0;
		for (uint32_t i = 0; i < m.characteristic_count; i++)
			if (m.characteristics[i].exclusion != SCORECARD_EXCLUDED_PROTECTED &&
			    m.characteristics[i].iv_nano / 1e9 > best[f])
				best[f] = m.characteristics[i].iv_nano / 1e9;
		scorecard_model_release(&m);
	}
	assert_true(best[0] != best[1]);
	uint32_t weak = best[0] < best[1] ? 0 : 1;
	o.iv_min = (best[0] + best[1]) / 2.0;
	scorecard_cv_result cv;
	assert_int_equal(scorecard_cross_validate(&t, "Status", "good", good, &o, 2, 99, &cv, &error), SZ_OK);
	assert_int_equal(cv.failed_count, 1);
	assert_true(cv.fold_failed[weak] && !cv.fold_failed[1 - weak]);
	assert_non_null(strstr(cv.fold_error[weak], "minimum IV"));
	assert_true(cv.auc_mean == cv.fold_auc[1 - weak]);
	assert_true(cv.auc_pooled > 0.5);
	free(fold);
	free(rows);
	credit_csv_release(&t);
	free(good);
}

static void test_cross_validation_does_not_leak(void **state)
{
	(void)state;
	/* A unique id per row, random outcomes: in-sample the id "predicts"
	 * perfectly; fit on training folds only, every test id is unseen and the
	 * out-of-fold AUC is exactly one half. */
	enum { N = 400 };
	char *text = malloc(N * 32 + 64);
	size_t used = (size_t)sprintf(text, "y,id\n");
	uint64_t s = 5;
	for (int i = 0; i < N; i++)
		used += (size_t)sprintf(text + used, "%s,id%d\n",
					scorecard_splitmix64(&s) % 3 ? "good" : "bad", i);
	credit_csv_table t;
	credit_csv_error e;
	assert_int_equal(credit_csv_parse(&t, text, used, &e), SZ_OK);
	uint8_t good[N];
	scorecard_error error;
	assert_int_equal(scorecard_target_encode(&t, "y", "good", good, &error), SZ_OK);
	scorecard_options o;
	scorecard_options_default(&o);
	scorecard_model m = { 0 };
	assert_int_equal(scorecard_train(&m, &t, "y", "good", good, NULL, N, &o, &error), SZ_OK);
	scorecard_binding b;
	assert_int_equal(scorecard_binding_init(&b, &m, &t, &error), SZ_OK);
	double scores[N];
	for (int r = 0; r < N; r++) {
		scorecard_result res;
		scorecard_score_row(&m, &b, &t, (uint32_t)r, &res);
		scores[r] = (double)res.score_milli;
	}
	double in_sample = 0.0;
	assert_int_equal(scorecard_auc(scores, good, N, &in_sample), SZ_OK);
	assert_true(in_sample > 0.95);
	scorecard_cv_result cv;
	assert_int_equal(scorecard_cross_validate(&t, "y", "good", good, &o, 5, 1, &cv, &error),
			 SZ_OK);
	for (int f = 0; f < 5; f++)
		assert_true(cv.fold_auc[f] == 0.5);
	scorecard_binding_release(&b);
	scorecard_model_release(&m);
	credit_csv_release(&t);
	free(text);
}

/* Exact binomial tail by hand: n = 10, p = 0.1, at least 3 bads.
 *   P(0) = 0.9^10               = 0.3486784401
 *   P(1) = 10 * 0.1 * 0.9^9     = 0.3874204890
 *   P(2) = 45 * 0.01 * 0.9^8    = 0.1937102445
 *   P(X >= 3) = 1 - 0.9298091736 = 0.0701908264 */
static void test_binomial_by_hand(void **state)
{
	(void)state;
	assert_true(fabs(scorecard_binomial_upper(10, 3, 0.1) - 0.0701908264) < 1e-9);
	assert_true(fabs(scorecard_binomial_upper(10, 0, 0.1) - 1.0) < 1e-12);
	/* P(X >= 10) = 0.1^10 */
	assert_true(fabs(scorecard_binomial_upper(10, 10, 0.1) - 1e-10) < 1e-20);
	/* master scale: parse, grade lookup, errors */
	scorecard_master_scale scale;
	scorecard_error error;
	assert_int_equal(scorecard_master_scale_parse("A:0.01,B:0.1,C:1", &scale, &error), SZ_OK);
	assert_int_equal(scale.grade_count, 3);
	assert_int_equal(scorecard_master_grade_of(&scale, 0.01), 0);
	assert_int_equal(scorecard_master_grade_of(&scale, 0.0100001), 1);
	assert_int_equal(scorecard_master_grade_of(&scale, 0.5), 2);
	assert_int_equal(scorecard_master_scale_parse("A:0.1,B:0.05,C:1", &scale, &error), SZ_EINVAL);
	assert_int_equal(scorecard_master_scale_parse("A:0.1,B:0.5", &scale, &error), SZ_EINVAL);
	assert_int_equal(scorecard_master_scale_parse(SCORECARD_MASTER_SCALE_DEFAULT, &scale, &error), SZ_OK);
	assert_int_equal(scale.grade_count, 8);
	/* per grade: 10 rows at PD 0.1 with 3 bads is the example above */
	double pd[12];
	uint8_t good[12];
	for (int i = 0; i < 10; i++) {
		pd[i] = 0.1;
		good[i] = i >= 3;
	}
	pd[10] = 0.005;
	good[10] = 1;
	pd[11] = 0.5;
	good[11] = 0;
	assert_int_equal(scorecard_master_scale_parse("A:0.01,B:0.1,C:1", &scale, &error), SZ_OK);
	scorecard_grade_check checks[3];
	assert_int_equal(scorecard_grade_checks(&scale, pd, good, 12, checks), SZ_OK);
	assert_int_equal(checks[1].count, 10);
	assert_int_equal(checks[1].bad_count, 3);
	assert_true(fabs(checks[1].binomial_p - 0.0701908264) < 1e-9);
	assert_int_equal(checks[0].count, 1);
	assert_int_equal(checks[2].bad_count, 1);
}

/* Hosmer-Lemeshow by hand, three groups of 10 rows, expected bads 1, 2, 3
 * and observed 2, 2, 2:
 *   HL = (2-1)^2 / (1 (1 - 1/10)) + 0 + (2-3)^2 / (3 (1 - 3/10))
 *      = 1/0.9 + 1/2.1 = 1.587301587...
 * with 3 - 2 = 1 degree of freedom, P(chi2_1 > x) = erfc(sqrt(x / 2)).
 * Chi-square tail at df = 2 is exp(-x / 2). */
static void test_hosmer_lemeshow_by_hand(void **state)
{
	(void)state;
	uint32_t counts[3] = { 10, 10, 10 };
	double observed[3] = { 2, 2, 2 };
	double expected[3] = { 1, 2, 3 };
	double hl = 0.0, p = 0.0;
	scorecard_hosmer_lemeshow(counts, observed, expected, 3, &hl, &p);
	assert_true(fabs(hl - (1.0 / 0.9 + 1.0 / 2.1)) < 1e-12);
	assert_true(fabs(p - erfc(sqrt(hl / 2.0))) < 1e-9);
	assert_true(fabs(scorecard_chi2_upper(3.0, 2.0) - exp(-1.5)) < 1e-12);
	/* the tabulated 95% point of chi-square with 8 degrees of freedom: 15.507 */
	assert_true(fabs(scorecard_chi2_upper(15.507, 8.0) - 0.05) < 1e-4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auc_ks_by_hand),
		cmocka_unit_test(test_calibration_deciles),
		cmocka_unit_test(test_psi_by_hand),
		cmocka_unit_test(test_splitmix64_vectors),
		cmocka_unit_test(test_folds_stratified),
		cmocka_unit_test(test_shift_psi_csi),
		cmocka_unit_test(test_cross_validation),
		cmocka_unit_test(test_cv_one_fold_fails),
		cmocka_unit_test(test_binomial_by_hand),
		cmocka_unit_test(test_hosmer_lemeshow_by_hand),
		cmocka_unit_test(test_cross_validation_does_not_leak),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
