/* test_credit_logit.c — the logistic fit (src/credit/logit.c) against golden
 * coefficients from independent implementations (tests/data/credit/README.md):
 * statsmodels for maximum likelihood, numpy/LAPACK Newton for the ridge;
 * the trainer end to end on the same sample; the ridge optimality condition;
 * and the error cases (collinear, one outcome, separation). */
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
#include "credit/logit.h"
#include "credit/scorecard_train.h"

#define GOLDEN_TOLERANCE 1e-6

static void data_path(char *buf, size_t size, const char *name)
{
	const char *root = getenv("SZFIN_ROOT");
	snprintf(buf, size, "%s/tests/data/credit/%s", root != NULL && root[0] ? root : ".", name);
}

static void load(credit_csv_table *t, const char *name)
{
	char path[512];
	credit_csv_error e;
	data_path(path, sizeof(path), name);
	if (credit_csv_load(t, path, &e) != SZ_OK)
		fail_msg("%s: %s", path, e.message);
}

/* Design matrix: column 0 is y, the others features. */
struct design {
	credit_csv_table table;
	uint32_t row_count;
	uint32_t feature_count;
	double *x;
	uint8_t *y;
};

static void design_load(struct design *d)
{
	load(&d->table, "credit_sample_design.csv");
	d->row_count = d->table.row_count;
	d->feature_count = d->table.column_count - 1u;
	d->x = malloc((size_t)d->row_count * d->feature_count * sizeof(double));
	d->y = malloc(d->row_count);
	assert_non_null(d->x);
	assert_non_null(d->y);
	for (uint32_t r = 0; r < d->row_count; r++) {
		d->y[r] = (uint8_t)d->table.columns[0].numbers[r];
		for (uint32_t j = 0; j < d->feature_count; j++)
			d->x[(size_t)r * d->feature_count + j] = d->table.columns[j + 1].numbers[r];
	}
}

static void design_release(struct design *d)
{
	credit_csv_release(&d->table);
	free(d->x);
	free(d->y);
}

/* Compares coefficients (intercept first) with a golden file of term,coefficient. */
static void compare_golden(const char *golden_name, const double *beta, uint32_t count,
			   const char *const *names)
{
	credit_csv_table g;
	load(&g, golden_name);
	assert_int_equal(g.row_count, count);
	assert_int_equal(g.columns[1].kind, CREDIT_CSV_NUMERIC);
	double worst = 0.0;
	for (uint32_t j = 0; j < count; j++) {
		const char *term = g.columns[0].level_names[g.columns[0].levels[j]];
		if (names != NULL)
			assert_string_equal(term, names[j]);
		double diff = fabs(beta[j] - g.columns[1].numbers[j]);
		if (diff > worst)
			worst = diff;
		if (diff > GOLDEN_TOLERANCE)
			fail_msg("%s: %s = %.12f, golden %.12f", golden_name, term, beta[j],
				 g.columns[1].numbers[j]);
	}
	printf("# %s: largest difference %.3g\n", golden_name, worst);
	credit_csv_release(&g);
}

static void test_mle_matches_statsmodels(void **state)
{
	(void)state;
	struct design d;
	design_load(&d);
	assert_int_equal(d.row_count, 297);
	double beta[64];
	scorecard_logit_info info;
	assert_int_equal(scorecard_logit_fit(d.x, d.y, d.row_count, d.feature_count, 0.0, beta,
					     &info), SZ_OK);
	assert_true(info.iteration_count < 20);
	/* statsmodels: log-likelihood -117.867635548544 */
	assert_true(fabs(info.log_likelihood - -117.867635548544) < 1e-8);
	const char *names[64] = { "(intercept)" };
	for (uint32_t j = 0; j < d.feature_count; j++)
		names[j + 1] = d.table.columns[j + 1].name;
	compare_golden("credit_sample_coefficients.csv", beta, d.feature_count + 1, names);
	design_release(&d);
}

static void test_ridge_matches_numpy(void **state)
{
	(void)state;
	struct design d;
	design_load(&d);
	double beta[64];
	assert_int_equal(scorecard_logit_fit(d.x, d.y, d.row_count, d.feature_count, 10.0, beta,
					     NULL), SZ_OK);
	compare_golden("credit_sample_coefficients_ridge.csv", beta, d.feature_count + 1, NULL);
	design_release(&d);
}

static void test_ridge_optimality(void **state)
{
	(void)state;
	struct design d;
	design_load(&d);
	double beta[64];
	double lambda = 3.0;
	uint32_t k = d.feature_count;
	assert_int_equal(scorecard_logit_fit(d.x, d.y, d.row_count, k, lambda, beta, NULL), SZ_OK);
	/* gradient of the penalised log-likelihood is zero: X'(y - p) = lambda b' */
	double gradient[64] = { 0 };
	for (uint32_t r = 0; r < d.row_count; r++) {
		const double *row = d.x + (size_t)r * k;
		double eta = beta[0];
		for (uint32_t j = 0; j < k; j++)
			eta += beta[j + 1] * row[j];
		double residual = d.y[r] - 1.0 / (1.0 + exp(-eta));
		gradient[0] += residual;
		for (uint32_t j = 0; j < k; j++)
			gradient[j + 1] += residual * row[j];
	}
	assert_true(fabs(gradient[0]) < 1e-8);
	for (uint32_t j = 1; j <= k; j++)
		assert_true(fabs(gradient[j] - lambda * beta[j]) < 1e-8);
	design_release(&d);
}

static void test_trainer_end_to_end(void **state)
{
	(void)state;
	credit_csv_table t;
	load(&t, "credit_sample.csv");
	uint8_t *is_good = malloc(t.row_count);
	scorecard_error error;
	assert_int_equal(scorecard_target_encode(&t, "Status", "good", is_good, &error), SZ_OK);
	/* The options the golden design matrix was exported with (README). */
	scorecard_options o;
	scorecard_options_default(&o);
	o.fine_bin_count = 30;
	o.bin_share_min = 0.03;
	o.category_share_min = 0.01;
	o.woe_prior_count = 1.0;
	o.split_chi2_min = 0.0;
	o.drop_negative = false;
	o.exclude_protected = false; /* the golden matrix holds Age and Marital */
	o.iv_min = 0.02;
	o.lambda = 0.0;
	scorecard_model m = { 0 };
	if (scorecard_train(&m, &t, "Status", "good", is_good, NULL, t.row_count, &o, &error))
		fail_msg("train: %s", error.message);
	double beta[64];
	const char *names[64] = { "(intercept)" };
	uint32_t n = 1;
	beta[0] = scorecard_double_of(m.intercept_nano, SCORECARD_NANO);
	for (uint32_t i = 0; i < m.characteristic_count; i++) {
		if (!m.characteristics[i].selected)
			continue;
		names[n] = m.characteristics[i].name;
		beta[n++] = scorecard_double_of(m.characteristics[i].coefficient_nano, SCORECARD_NANO);
	}
	compare_golden("credit_sample_coefficients.csv", beta, n, names);
	scorecard_model_release(&m);
	free(is_good);
	credit_csv_release(&t);
}

static void test_errors(void **state)
{
	(void)state;
	/* collinear: two identical features */
	double x[8 * 2];
	uint8_t y[8] = { 1, 0, 1, 1, 0, 0, 1, 0 };
	double v[8] = { 0.1, -0.3, 0.4, -0.2, 0.3, -0.5, 0.2, 0.25 };
	for (int i = 0; i < 8; i++)
		x[2 * i] = x[2 * i + 1] = v[i];
	double beta[3];
	assert_int_equal(scorecard_logit_fit(x, y, 8, 2, 0.0, beta, NULL), SZ_EINVAL);
	/* with a ridge the same problem is well-posed and both get the same weight */
	assert_int_equal(scorecard_logit_fit(x, y, 8, 2, 1.0, beta, NULL), SZ_OK);
	assert_true(fabs(beta[1] - beta[2]) < 1e-9);
	/* one outcome only */
	uint8_t ones[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	assert_int_equal(scorecard_logit_fit(v, ones, 8, 1, 0.0, beta, NULL), SZ_EINVAL);
	assert_int_equal(scorecard_logit_fit(v, y, 0, 1, 0.0, beta, NULL), SZ_EINVAL);
	/* perfectly separated: no maximum-likelihood estimate exists */
	double sx[6] = { -3, -2, -1, 1, 2, 3 };
	uint8_t sy[6] = { 0, 0, 0, 1, 1, 1 };
	assert_int_not_equal(scorecard_logit_fit(sx, sy, 6, 1, 0.0, beta, NULL), SZ_OK);
	assert_int_equal(scorecard_logit_fit(sx, sy, 6, 1, 0.5, beta, NULL), SZ_OK);
	assert_true(beta[1] > 0.0);
}

static void test_cholesky(void **state)
{
	(void)state;
	double a[9] = { 4, 12, -16, 12, 37, -43, -16, -43, 98 };
	double b[3] = { 1, 2, 3 };
	assert_int_equal(scorecard_cholesky_solve(a, b, 3), SZ_OK);
	/* exact solution of [[4,12,-16],[12,37,-43],[-16,-43,98]] z = [1,2,3] */
	assert_true(fabs(b[0] - 28.583333333333333) < 1e-9);
	assert_true(fabs(b[1] - -7.6666666666666667) < 1e-9);
	assert_true(fabs(b[2] - 1.3333333333333333) < 1e-9);
	double singular[4] = { 1, 2, 2, 4 };
	double c[2] = { 1, 1 };
	assert_int_equal(scorecard_cholesky_solve(singular, c, 2), SZ_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mle_matches_statsmodels),
		cmocka_unit_test(test_ridge_matches_numpy),
		cmocka_unit_test(test_ridge_optimality),
		cmocka_unit_test(test_trainer_end_to_end),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cholesky),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
