/* test_credit_scorecard.c — binning, WoE and IV, points, grades, reason
 * codes and the model artifact (src/credit/binning.c, scorecard.c,
 * model_io.c): monotonic WoE, IV on a hand-computed example, 600 points at
 * 50:1 with 20 points per doubling, reason codes against a brute-force
 * search, an exact save/load round trip, and rejected damaged artifacts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"
#include "credit/binning.h"
#include "credit/csv.h"
#include "credit/scorecard_train.h"
#include "credit/validate.h"

#define EPS 1e-9

struct fixture {
	credit_csv_table table;
	uint8_t *good;
	scorecard_model model;
	scorecard_binding binding;
};

static void parse_text(credit_csv_table *t, const char *text, size_t size)
{
	credit_csv_error e;
	if (credit_csv_parse(t, text, size, &e) != SZ_OK)
		fail_msg("csv: %s", e.message);
}

static int sample_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[512];
	const char *root = getenv("SZFIN_ROOT");
	snprintf(path, sizeof(path), "%s/tests/data/credit/credit_sample.csv",
		 root != NULL && root[0] ? root : ".");
	credit_csv_error e;
	if (f == NULL || credit_csv_load(&f->table, path, &e) != SZ_OK)
		return -1;
	f->good = malloc(f->table.row_count);
	scorecard_error error;
	scorecard_options o;
	scorecard_options_default(&o);
	if (scorecard_target_encode(&f->table, "Status", "good", f->good, &error) != SZ_OK ||
	    scorecard_train(&f->model, &f->table, "Status", "good", f->good, NULL,
			    f->table.row_count, &o, &error) != SZ_OK ||
	    scorecard_binding_init(&f->binding, &f->model, &f->table, &error) != SZ_OK) {
		fprintf(stderr, "setup: %s\n", error.message);
		return -1;
	}
	*state = f;
	return 0;
}

static int sample_teardown(void **state)
{
	struct fixture *f = *state;
	scorecard_binding_release(&f->binding);
	scorecard_model_release(&f->model);
	credit_csv_release(&f->table);
	free(f->good);
	free(f);
	return 0;
}

/* Synthetic numeric data: P(good) follows shape(x) for x in 0..999. */
static void synthetic(credit_csv_table *t, uint8_t **good, double (*shape)(double), uint64_t seed)
{
	enum { N = 4000 };
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	fprintf(mem, "y,x\n");
	uint64_t s = seed;
	for (int i = 0; i < N; i++) {
		double x = (double)(scorecard_splitmix64(&s) % 1000);
		double u = (double)(scorecard_splitmix64(&s) >> 11) / 9007199254740992.0;
		fprintf(mem, "%s,%g\n", u < shape(x) ? "good" : "bad", x);
	}
	fclose(mem);
	parse_text(t, text, size);
	free(text);
	*good = malloc(N);
	scorecard_error error;
	assert_int_equal(scorecard_target_encode(t, "y", "good", *good, &error), SZ_OK);
}

static double rising(double x) { return 0.3 + 0.6 * x / 1000.0; }
static double falling(double x) { return 0.9 - 0.6 * x / 1000.0; }
static double valley(double x) { return 0.4 + 0.5 * fabs(x - 500.0) / 500.0; }

static void assert_monotone(const scorecard_characteristic *c, int direction)
{
	uint32_t ranges = c->missing_bin;
	assert_true(ranges >= 1);
	int seen = 0;
	for (uint32_t b = 1; b < ranges; b++) {
		int64_t step = c->bins[b].woe_nano - c->bins[b - 1].woe_nano;
		assert_true(step != 0);
		int d = step > 0 ? 1 : -1;
		if (seen == 0)
			seen = d;
		assert_int_equal(d, seen);
		assert_true(c->bins[b].upper_e4 > c->bins[b - 1].upper_e4);
	}
	if (direction != 0 && ranges > 1)
		assert_int_equal(seen, direction);
	assert_true(c->bins[ranges - 1].upper_e4 == SCORECARD_UPPER_LAST);
	assert_int_equal(c->bins[c->missing_bin].kind, SCORECARD_BIN_MISSING);
}

static void test_woe_monotonic(void **state)
{
	(void)state;
	double (*shapes[3])(double) = { rising, falling, valley };
	int directions[3] = { 1, -1, 0 };
	for (int k = 0; k < 3; k++) {
		credit_csv_table t;
		uint8_t *good;
		synthetic(&t, &good, shapes[k], 11 + (uint64_t)k);
		scorecard_options o;
		scorecard_options_default(&o);
		o.iv_min = 0.0;
		scorecard_model m = { 0 };
		scorecard_error error;
		assert_int_equal(scorecard_train(&m, &t, "y", "good", good, NULL, t.row_count, &o,
						 &error), SZ_OK);
		const scorecard_characteristic *c = &m.characteristics[0];
		assert_string_equal(c->name, "x");
		assert_monotone(c, directions[k]);
		if (k < 2)
			assert_true(c->missing_bin >= 4); /* a real trend keeps several bins */
		/* every bin holds at least the minimum share of the rows */
		for (uint32_t b = 0; b < c->missing_bin; b++)
			assert_true(c->bins[b].good_count + c->bins[b].bad_count >=
				    ceil(o.bin_share_min * t.row_count));
		scorecard_model_release(&m);
		credit_csv_release(&t);
		free(good);
	}
}

static void test_sample_numeric_bins_monotonic(void **state)
{
	struct fixture *f = *state;
	uint32_t numeric = 0;
	for (uint32_t i = 0; i < f->model.characteristic_count; i++) {
		const scorecard_characteristic *c = &f->model.characteristics[i];
		if (c->kind != CREDIT_CSV_NUMERIC)
			continue;
		assert_monotone(c, 0);
		numeric++;
		uint32_t goods = 0, bads = 0;
		for (uint32_t b = 0; b < c->bin_count; b++) {
			goods += c->bins[b].good_count;
			bads += c->bins[b].bad_count;
		}
		assert_int_equal(goods, f->model.good_count);
		assert_int_equal(bads, f->model.bad_count);
	}
	assert_int_equal(numeric, 9);
}

static void test_iv_by_hand(void **state)
{
	(void)state;
	/* A: 40 good 10 bad, B: 30 good 20 bad, C: 30 good 70 bad; G = B = 100.
	 * Textbook WoE (prior 0): ln(.4/.1) = ln 4, ln(.3/.2) = ln 1.5,
	 * ln(.3/.7); IV = .3 ln 4 + .1 ln 1.5 + .4 ln(7/3) = 0.795354... */
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	fprintf(mem, "y,grade\n");
	const struct { const char *label; int good; int bad; } cells[3] = {
		{ "A", 40, 10 }, { "B", 30, 20 }, { "C", 30, 70 },
	};
	for (int k = 0; k < 3; k++) {
		for (int i = 0; i < cells[k].good; i++)
			fprintf(mem, "good,%s\n", cells[k].label);
		for (int i = 0; i < cells[k].bad; i++)
			fprintf(mem, "bad,%s\n", cells[k].label);
	}
	fclose(mem);
	credit_csv_table t;
	parse_text(&t, text, size);
	free(text);
	uint8_t good[200];
	scorecard_error error;
	assert_int_equal(scorecard_target_encode(&t, "y", "good", good, &error), SZ_OK);
	uint32_t rows[200];
	for (uint32_t i = 0; i < 200; i++)
		rows[i] = i;
	scorecard_options o;
	scorecard_options_default(&o);
	o.woe_prior_count = 0.0;
	scorecard_totals totals = { 100, 100 };
	scorecard_characteristic c = { 0 };
	assert_int_equal(scorecard_bin_categorical(&c, &t.columns[1], good, rows, 200, &o, &totals),
			 SZ_OK);
	double iv = 0.3 * log(4.0) + 0.1 * log(1.5) + 0.4 * log(7.0 / 3.0);
	/* WoE and IV are kept in 1e-9 units, rounded to nearest: within 0.5e-9 */
	assert_true(fabs(c.iv_nano * 1e-9 - 0.795354) < 1e-6); /* .4158883 + .0405465 + .3389192 */
	assert_true(fabs(c.iv_nano * 1e-9 - iv) <= 0.5e-9);
	assert_int_equal(c.bin_count, 5); /* C, B, A (by WoE), other, missing */
	assert_int_equal(c.level_count, 3);
	for (uint32_t l = 0; l < 3; l++) {
		const scorecard_bin *bin = &c.bins[c.level_bins[l]];
		double expected = l == 0 ? log(4.0) : l == 1 ? log(1.5) : log(3.0 / 7.0);
		assert_true(fabs(bin->woe_nano * 1e-9 - expected) <= 0.5e-9);
	}
	assert_true(c.bins[c.other_bin].woe_nano == 0);
	assert_true(c.bins[c.missing_bin].woe_nano == 0);
	/* with prior a = 1: (40 + .5) / 100 against (10 + .5) / 100 */
	assert_true(fabs(scorecard_woe(40, 10, &totals, 1.0) - log(40.5 / 10.5)) < 1e-12);
	/* a zero count with prior 0 stands in as 0.5 */
	assert_true(fabs(scorecard_woe(0, 10, &totals, 0.0) - log(0.5 / 10.0)) < 1e-12);
	assert_true(scorecard_woe(0, 0, &totals, 1.0) == 0.0);
	free(c.bins);
	for (uint32_t l = 0; l < c.level_count; l++)
		free(c.level_names[l]);
	free(c.level_names);
	free(c.level_bins);
	credit_csv_release(&t);
}

static void test_points_scaling(void **state)
{
	struct fixture *f = *state;
	scorecard_scaling s = { 600.0, 50.0, 20.0 };
	double factor = scorecard_scaling_factor(&s);
	double offset = scorecard_scaling_offset(&s);
	assert_true(fabs(factor - 20.0 / log(2.0)) < 1e-12);
	/* 600 points at 50:1; every 20 points doubles the odds */
	assert_true(fabs((600.0 - offset) / factor - log(50.0)) < 1e-12);
	assert_true(fabs((620.0 - offset) / factor - log(100.0)) < 1e-12);
	assert_true(fabs((580.0 - offset) / factor - log(25.0)) < 1e-12);
	assert_true(fabs((660.0 - offset) / factor - log(400.0)) < 1e-12);
	/* every scored row: the score is the sum of its bins' points, and its
	 * bad probability is the model's table read at that score, which is
	 * 1 / (1 + odds) with ln odds = (score - offset) / factor: within 1e-6
	 * (interpolation between entries at most 0.25 point apart, see
	 * scorecard.h) plus the rounding of each entry to 1e-9 */
	for (uint32_t r = 0; r < f->table.row_count; r++) {
		scorecard_result res;
		scorecard_score_row(&f->model, &f->binding, &f->table, r, &res);
		double points = res.score_milli / 1000.0;
		double bad = 1.0 / (1.0 + exp((points - offset) / factor));
		assert_true(fabs(res.bad_ppb * 1e-9 - bad) < 1e-6);
		assert_int_equal(res.grade, scorecard_grade_of(&f->model, res.score_milli));
	}
	/* the table itself: every entry is that formula rounded to 1e-9 */
	const scorecard_model *fm = &f->model;
	assert_true(fm->pd_count >= 2 && fm->pd_step_milli >= SCORECARD_PD_STEP_MILLI_MIN);
	assert_true(fm->pd_first_milli % 1000 == 0);
	for (uint32_t k = 0; k < fm->pd_count; k++) {
		double points = (fm->pd_first_milli + (int64_t)k * fm->pd_step_milli) / 1000.0;
		double bad = 1.0 / (1.0 + exp((points - offset) / factor));
		assert_true(fabs(fm->pd_ppb[k] - bad * 1e9) <= 0.501); /* 0.5 + a last-bit difference */
	}
	scorecard_model flat;
	memset(&flat, 0, sizeof(flat));
	scorecard_scale_apply(&flat, &s);
	assert_int_equal(flat.pd_first_milli, 0);
	assert_int_equal(flat.pd_step_milli, SCORECARD_PD_STEP_MILLI_MIN);
	assert_int_equal(flat.pd_count, 11); /* a card with no points: 0 to 1 point */
	assert_int_equal(scorecard_pd_of(&flat, -5000), flat.pd_ppb[0]);
	assert_int_equal(scorecard_pd_of(&flat, 5000), flat.pd_ppb[10]);
	/* halfway between entries 0 and 1 (0 and 0.1 point): their mean,
	 * rounded toward the upper entry's side by integer division */
	uint32_t mid = scorecard_pd_of(&flat, 50);
	assert_int_equal(mid, flat.pd_ppb[0] - (flat.pd_ppb[0] - flat.pd_ppb[1]) / 2);
	/* a card with another scaling: 500 points at 20:1, 40 to double */
	scorecard_options o;
	scorecard_options_default(&o);
	o.scaling = (scorecard_scaling){ 500.0, 20.0, 40.0 };
	scorecard_model m = { 0 };
	scorecard_error error;
	assert_int_equal(scorecard_train(&m, &f->table, "Status", "good", f->good, NULL,
					 f->table.row_count, &o, &error), SZ_OK);
	scorecard_binding b;
	assert_int_equal(scorecard_binding_init(&b, &m, &f->table, &error), SZ_OK);
	for (uint32_t r = 0; r < 20; r++) {
		scorecard_result res;
		scorecard_score_row(&m, &b, &f->table, r, &res);
		/* odds = 20 x 2^((score - 500) / 40); bad = 1 / (1 + odds) */
		double odds = 20.0 * exp2((res.score_milli / 1000.0 - 500.0) / 40.0);
		assert_true(fabs(res.bad_ppb * 1e-9 - 1.0 / (1.0 + odds)) < 1e-6);
	}
	scorecard_binding_release(&b);
	scorecard_model_release(&m);
}

static void test_grades(void **state)
{
	(void)state;
	scorecard_scaling s = { 600.0, 50.0, 20.0 };
	scorecard_model m;
	memset(&m, 0, sizeof(m));
	scorecard_scale_apply(&m, &s);
	/* scores in 1/1,000 point */
	static const struct { int64_t score_milli; const char *grade; } cases[] = {
		{ 900000, "AAA" }, { 660000, "AAA" }, { 659999, "AA" }, { 640000, "AA" }, { 620000, "A" },
		{ 600000, "BBB" }, { 599999, "BB" }, { 580000, "BB" }, { 560000, "B" }, { 540000, "CCC" },
		{ 520000, "CC" }, { 519999, "C" }, { -100000, "C" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(scorecard_grade_name(scorecard_grade_of(&m, cases[i].score_milli)),
				    cases[i].grade);
	assert_true(scorecard_grade_points_min(&s, SCORECARD_GRADE_AAA) == 660.0);
	assert_true(scorecard_grade_points_min(&s, SCORECARD_GRADE_BBB) == 600.0);
	assert_true(scorecard_grade_points_min(&s, SCORECARD_GRADE_CC) == 520.0);
	assert_true(isinf(scorecard_grade_points_min(&s, SCORECARD_GRADE_C)));
	assert_true(m.grade_points_min_milli[SCORECARD_GRADE_AAA] == 660000);
	assert_true(m.grade_points_min_milli[SCORECARD_GRADE_CC] == 520000);
	assert_true(m.grade_points_min_milli[SCORECARD_GRADE_C] == INT64_MIN);
	/* grades are odds bands: under another scaling BBB still starts at 50:1:
	 * 500 + 40 log2(50 / 20) = 552.8771237954945 points -> 552,877 milli */
	scorecard_scaling t = { 500.0, 20.0, 40.0 };
	double bbb = scorecard_grade_points_min(&t, SCORECARD_GRADE_BBB);
	assert_true(fabs(bbb - (500.0 + 40.0 * log2(50.0 / 20.0))) < 1e-9);
	scorecard_model n;
	memset(&n, 0, sizeof(n));
	scorecard_scale_apply(&n, &t);
	assert_true(n.grade_points_min_milli[SCORECARD_GRADE_BBB] == 552877);
	assert_int_equal(scorecard_grade_of(&n, 552877), SCORECARD_GRADE_BBB);
	assert_int_equal(scorecard_grade_of(&n, 552876), SCORECARD_GRADE_BB);
	for (uint32_t g = 0; g + 1 < SCORECARD_GRADE_COUNT; g++)
		assert_int_equal(scorecard_grade_of(&m, m.grade_points_min_milli[g]), g);
}

/* Reason codes equal a brute-force search over the characteristics. */
static void test_reason_codes(void **state)
{
	struct fixture *f = *state;
	const scorecard_model *m = &f->model;
	uint32_t with_four = 0;
	for (uint32_t r = 0; r < f->table.row_count; r++) {
		scorecard_result res;
		scorecard_score_row(m, &f->binding, &f->table, r, &res);
		int64_t lost[64];
		int64_t points = 0;
		for (uint32_t i = 0; i < m->characteristic_count; i++) {
			lost[i] = -1;
			if (!m->characteristics[i].selected)
				continue;
			uint32_t bin = scorecard_bin_of_row(m, &f->binding, &f->table, i, r);
			const scorecard_characteristic *c = &m->characteristics[i];
			lost[i] = c->points_max_milli - c->bins[bin].points_milli;
			points += c->bins[bin].points_milli;
			assert_true(lost[i] >= 0);
		}
		assert_true(points == res.score_milli);
		assert_true(res.reason_count <= SCORECARD_REASON_COUNT);
		with_four += res.reason_count == SCORECARD_REASON_COUNT;
		for (uint32_t k = 0; k < res.reason_count; k++) {
			uint32_t i = res.reasons[k].characteristic;
			/* the k-th largest loss, ties by characteristic order */
			uint32_t best = UINT32_MAX;
			for (uint32_t j = 0; j < m->characteristic_count; j++)
				if (lost[j] > 0 && (best == UINT32_MAX || lost[j] > lost[best]))
					best = j;
			assert_int_equal(i, best);
			assert_true(res.reasons[k].points_lost_milli == lost[best]);
			lost[best] = -1;
		}
		if (res.reason_count < SCORECARD_REASON_COUNT) /* nothing else lost points */
			for (uint32_t j = 0; j < m->characteristic_count; j++)
				assert_true(lost[j] <= 0);
	}
	assert_true(with_four > f->table.row_count / 2);
}

/* Builds raw values that fall in each characteristic's best bin. */
static void test_best_row_has_no_reasons(void **state)
{
	struct fixture *f = *state;
	const scorecard_model *m = &f->model;
	scorecard_value values[64];
	int64_t best_total = 0;
	for (uint32_t i = 0; i < m->characteristic_count; i++) {
		const scorecard_characteristic *c = &m->characteristics[i];
		values[i].number_e4 = SCORECARD_VALUE_MISSING;
		values[i].label = NULL;
		if (!c->selected)
			continue;
		best_total += c->points_max_milli;
		uint32_t best = 0;
		for (uint32_t b = 0; b < c->bin_count; b++)
			if (c->bins[b].good_count + c->bins[b].bad_count > 0 &&
			    c->bins[b].points_milli == c->points_max_milli)
				best = b;
		if (c->kind == CREDIT_CSV_NUMERIC) {
			if (best == c->missing_bin)
				values[i].number_e4 = SCORECARD_VALUE_MISSING;
			else if (c->bins[best].upper_e4 == SCORECARD_UPPER_LAST)
				values[i].number_e4 = c->bins[best - 1].upper_e4 + 1;
			else
				values[i].number_e4 = c->bins[best].upper_e4;
		} else if (best != c->missing_bin) {
			for (uint32_t l = 0; l < c->level_count; l++)
				if (c->level_bins[l] == best)
					values[i].label = c->level_names[l];
		}
	}
	scorecard_result res;
	scorecard_score_values(m, values, &res);
	assert_int_equal(res.reason_count, 0);
	assert_true(res.score_milli == best_total);
}

static void test_score_values_equals_score_row(void **state)
{
	struct fixture *f = *state;
	const scorecard_model *m = &f->model;
	scorecard_value values[64];
	for (uint32_t r = 0; r < f->table.row_count; r++) {
		for (uint32_t i = 0; i < m->characteristic_count; i++) {
			const credit_csv_column *col =
				&f->table.columns[credit_csv_column_find(&f->table,
									 m->characteristics[i].name)];
			values[i].number_e4 = col->kind == CREDIT_CSV_NUMERIC
						      ? scorecard_value_e4_of(col->numbers[r])
						      : SCORECARD_VALUE_MISSING;
			values[i].label = col->kind == CREDIT_CSV_CATEGORICAL && col->levels[r] >= 0
						  ? col->level_names[col->levels[r]] : NULL;
		}
		scorecard_result a;
		scorecard_result b;
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		scorecard_score_values(m, values, &a);
		scorecard_score_row(m, &f->binding, &f->table, r, &b);
		assert_memory_equal(&a, &b, sizeof(a));
	}
}

static void test_unseen_and_missing_labels(void **state)
{
	struct fixture *f = *state;
	const scorecard_model *m = &f->model;
	int32_t home = -1;
	for (uint32_t i = 0; i < m->characteristic_count; i++)
		if (strcmp(m->characteristics[i].name, "Home") == 0)
			home = (int32_t)i;
	assert_true(home >= 0);
	const scorecard_characteristic *c = &m->characteristics[home];
	assert_int_equal(scorecard_bin_of_label(c, "castle"), c->other_bin);
	assert_true(c->bins[c->other_bin].woe_nano == 0);
	assert_int_equal(scorecard_bin_of_label(c, NULL), c->missing_bin);
	assert_int_equal(scorecard_bin_of_label(c, "NA"), c->missing_bin);
	assert_int_equal(scorecard_bin_of_label(c, ""), c->missing_bin);
	assert_int_not_equal(scorecard_bin_of_label(c, "owner"), c->other_bin);
	/* new data where Home has no value at all (so it reads as numeric) and
	 * Age is text: the first binds as all missing, the second is refused */
	credit_csv_table t;
	scorecard_binding b;
	scorecard_error error;
	const char *empty_home = "Seniority,Home,Time,Age,Marital,Records,Job,Expenses,Income,"
				 "Assets,Debt,Amount,Price\n1,,36,30,married,no,fixed,50,100,0,0,"
				 "900,1000\n";
	parse_text(&t, empty_home, strlen(empty_home));
	assert_int_equal(t.columns[1].kind, CREDIT_CSV_NUMERIC);
	assert_int_equal(scorecard_binding_init(&b, m, &t, &error), SZ_OK);
	assert_int_equal(scorecard_bin_of_row(m, &b, &t, (uint32_t)home, 0), c->missing_bin);
	scorecard_result res;
	scorecard_score_row(m, &b, &t, 0, &res);
	assert_true(res.score_milli > 0 && res.bad_ppb <= SCORECARD_NANO);
	scorecard_binding_release(&b);
	credit_csv_release(&t);
	const char *text_age = "Seniority,Home,Time,Age,Marital,Records,Job,Expenses,Income,"
			       "Assets,Debt,Amount,Price\n1,rent,36,30,married,no,fixed,50,100,0,"
			       "0,900,1000\n2,rent,36,30,married,no,fixed,50,100,0,0,lots,1000\n";
	parse_text(&t, text_age, strlen(text_age));
	assert_int_equal(scorecard_binding_init(&b, m, &t, &error), SZ_EINVAL);
	/* the message names the row and the field (line 2 of the file) */
	assert_string_equal(error.message, "row 2 (line 3): 'lots' in column 'Amount' is not a number");
	credit_csv_release(&t);
	/* numbers: below the first bound, beyond the last, NaN */
	int32_t age = -1;
	for (uint32_t i = 0; i < m->characteristic_count; i++)
		if (strcmp(m->characteristics[i].name, "Age") == 0)
			age = (int32_t)i;
	const scorecard_characteristic *a = &m->characteristics[age];
	assert_int_equal(scorecard_bin_of_number(a, -SCORECARD_VALUE_E4_MAX), 0);
	assert_int_equal(scorecard_bin_of_number(a, SCORECARD_VALUE_E4_MAX), a->missing_bin - 1);
	assert_int_equal(scorecard_bin_of_number(a, scorecard_value_e4_of(1e300)), a->missing_bin - 1);
	assert_int_equal(scorecard_bin_of_number(a, scorecard_value_e4_of(-INFINITY)), 0);
	assert_int_equal(scorecard_bin_of_number(a, scorecard_value_e4_of(NAN)), a->missing_bin);
	assert_int_equal(scorecard_bin_of_number(a, a->bins[0].upper_e4), 0);
	if (a->missing_bin > 1)
		assert_int_equal(scorecard_bin_of_number(a, a->bins[0].upper_e4 + 1), 1);
	/* table values convert exactly: 30 years is 300,000; 0.3 is 3,000 */
	assert_true(scorecard_value_e4_of(30.0) == 300000);
	assert_true(scorecard_value_e4_of(0.3) == 3000);
	assert_true(scorecard_value_e4_of(-2.5) == -25000);
	assert_true(scorecard_value_e4_of(0.00005) == 1); /* half away from zero */
}

static void test_model_round_trip(void **state)
{
	struct fixture *f = *state;
	char *text = NULL;
	size_t size = 0;
	assert_int_equal(scorecard_model_save(&f->model, &text, &size), SZ_OK);
	assert_true(strncmp(text, "szfin-scorecard 3\n", 18) == 0);
	scorecard_model loaded;
	scorecard_error error;
	if (scorecard_model_parse(&loaded, text, size, &error) != SZ_OK)
		fail_msg("parse: %s", error.message);
	/* everything serialized reads back bit for bit */
	const scorecard_model *a = &f->model;
	assert_memory_equal(&a->options, &loaded.options, sizeof(a->options));
	assert_true(a->intercept_nano == loaded.intercept_nano);
	assert_int_equal(a->selected_count, loaded.selected_count);
	assert_int_equal(a->score_bin_count, loaded.score_bin_count);
	assert_memory_equal(a->score_uppers_milli, loaded.score_uppers_milli, sizeof(a->score_uppers_milli));
	assert_memory_equal(a->score_shares_ppm, loaded.score_shares_ppm, sizeof(a->score_shares_ppm));
	assert_memory_equal(a->grade_points_min_milli, loaded.grade_points_min_milli,
			    sizeof(a->grade_points_min_milli));
	assert_true(a->pd_first_milli == loaded.pd_first_milli && a->pd_step_milli == loaded.pd_step_milli);
	assert_int_equal(a->pd_count, loaded.pd_count);
	assert_memory_equal(a->pd_ppb, loaded.pd_ppb, sizeof(a->pd_ppb));
	for (uint32_t i = 0; i < a->characteristic_count; i++) {
		const scorecard_characteristic *x = &a->characteristics[i];
		const scorecard_characteristic *y = &loaded.characteristics[i];
		assert_string_equal(x->name, y->name);
		assert_int_equal(x->bin_count, y->bin_count);
		assert_true(x->coefficient_nano == y->coefficient_nano && x->iv_nano == y->iv_nano);
		assert_true(x->points_max_milli == y->points_max_milli);
		for (uint32_t b = 0; b < x->bin_count; b++) {
			const scorecard_bin *p = &x->bins[b];
			const scorecard_bin *q = &y->bins[b];
			assert_int_equal(p->kind, q->kind);
			assert_true(p->woe_nano == q->woe_nano && p->points_milli == q->points_milli &&
				    p->iv_nano == q->iv_nano);
			assert_true(p->upper_e4 == q->upper_e4);
		}
		assert_int_equal(x->level_count, y->level_count);
		for (uint32_t l = 0; l < x->level_count; l++)
			assert_string_equal(x->level_names[l], y->level_names[l]);
	}
	/* saving the loaded model gives the same bytes; scores are identical */
	char *again = NULL;
	size_t again_size = 0;
	assert_int_equal(scorecard_model_save(&loaded, &again, &again_size), SZ_OK);
	assert_int_equal(size, again_size);
	assert_memory_equal(text, again, size);
	scorecard_binding b;
	assert_int_equal(scorecard_binding_init(&b, &loaded, &f->table, &error), SZ_OK);
	for (uint32_t r = 0; r < f->table.row_count; r++) {
		scorecard_result x;
		scorecard_result y;
		memset(&x, 0, sizeof(x));
		memset(&y, 0, sizeof(y));
		scorecard_score_row(&f->model, &f->binding, &f->table, r, &x);
		scorecard_score_row(&loaded, &b, &f->table, r, &y);
		assert_memory_equal(&x, &y, sizeof(x));
	}
	/* and through a file */
	char path[] = "/tmp/szfin_credit_model_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(scorecard_model_write_file(&f->model, path, &error), SZ_OK);
	scorecard_model from_file;
	assert_int_equal(scorecard_model_read_file(&from_file, path, &error), SZ_OK);
	assert_true(from_file.intercept_nano == a->intercept_nano);
	scorecard_model_release(&from_file);
	unlink(path);
	assert_int_equal(scorecard_model_read_file(&from_file, path, &error), SZ_EIO);
	scorecard_binding_release(&b);
	scorecard_model_release(&loaded);
	free(text);
	free(again);
}

/* Replaces the checksum line so that a deliberately edited body parses. */
static void reseal(char *text, size_t size)
{
	size_t check = 7 + 64 + 1;
	uint8_t hash[SZ_HASH_SIZE];
	char hex[65];
	assert_int_equal(sz_hash_init(), 0);
	sz_sha256(hash, text, size - check);
	sz_hash_hex(hex, hash);
	memcpy(text + size - check + 7, hex, 64);
}

static int parse_edited(const char *original, size_t size, const char *from, const char *to,
			bool seal, scorecard_error *error)
{
	char *text = malloc(size + 64);
	const char *at = strstr(original, from);
	assert_non_null(at);
	size_t head = (size_t)(at - original);
	memcpy(text, original, head);
	memcpy(text + head, to, strlen(to));
	size_t tail = size - head - strlen(from);
	memcpy(text + head + strlen(to), at + strlen(from), tail);
	size_t edited = head + strlen(to) + tail;
	if (seal)
		reseal(text, edited);
	scorecard_model m;
	int rc = scorecard_model_parse(&m, text, edited, error);
	if (rc == SZ_OK)
		scorecard_model_release(&m);
	free(text);
	return rc;
}

static void test_model_rejects_damage(void **state)
{
	struct fixture *f = *state;
	char *text = NULL;
	size_t size = 0;
	assert_int_equal(scorecard_model_save(&f->model, &text, &size), SZ_OK);
	scorecard_error error;
	scorecard_model m;
	/* every single flipped byte in the body is caught by the checksum */
	for (size_t i = 20; i < size - 73; i += 97) {
		text[i] ^= 0x20;
		assert_int_not_equal(scorecard_model_parse(&m, text, size, &error), SZ_OK);
		text[i] ^= 0x20;
	}
	text[size / 2] ^= 1;
	assert_int_equal(scorecard_model_parse(&m, text, size, &error), SZ_ECORRUPT);
	assert_non_null(strstr(error.message, "checksum"));
	text[size / 2] ^= 1;
	/* truncated, empty, not a model, another version, over the size limit */
	assert_int_equal(scorecard_model_parse(&m, text, size - 1, &error), SZ_ECORRUPT);
	assert_int_equal(scorecard_model_parse(&m, text, 0, &error), SZ_ECORRUPT);
	assert_int_equal(scorecard_model_parse(&m, "a,b\n1,2\n", 8, &error), SZ_ECORRUPT);
	assert_int_equal(parse_edited(text, size, "szfin-scorecard 3", "szfin-scorecard 5", false,
				      &error), SZ_EVERSION);
	/* version 1 (doubles) is refused as a version, not as damage */
	assert_int_equal(parse_edited(text, size, "szfin-scorecard 3", "szfin-scorecard 1", false,
				      &error), SZ_EVERSION);
	assert_int_equal(scorecard_model_parse(&m, text, (size_t)SZ_SCORECARD_MODEL_SIZE_MAX + 1u,
					       &error), SZ_ELIMIT);
	/* well sealed but wrong inside: the reader names the line */
	assert_int_equal(parse_edited(text, size, "\nintercept ", "\nintercep ", true, &error),
			 SZ_ECORRUPT);
	assert_non_null(strstr(error.message, "model line 7"));
	assert_int_equal(parse_edited(text, size, "bin missing -", "bin range -", true, &error),
			 SZ_ECORRUPT);
	assert_int_equal(parse_edited(text, size, "\ntraining ", "\ntraining 1", true, &error),
			 SZ_ECORRUPT);
	assert_int_equal(parse_edited(text, size, " max ", " 1e308 ", true, &error), SZ_ECORRUPT);
	assert_int_equal(parse_edited(text, size, " max ", " 1.5 ", true, &error), SZ_ECORRUPT);
	assert_int_equal(parse_edited(text, size, " max ", " 1234567890123456789 ", true, &error),
			 SZ_ECORRUPT);
	/* a probability over 1, or a grade out of order */
	assert_int_equal(parse_edited(text, size, "\npd ", "\npd 1", true, &error), SZ_ECORRUPT);
	assert_int_equal(parse_edited(text, size, "\ngrades 660000 ", "\ngrades 630000 ", true, &error),
			 SZ_ECORRUPT);
	assert_int_equal(parse_edited(text, size, "end\n", "end\nmore\n", true, &error),
			 SZ_ECORRUPT);
	assert_int_equal(parse_edited(text, size, "level 1 ", "level 99 ", true, &error),
			 SZ_ECORRUPT);
	/* the sealed original still parses */
	reseal(text, size);
	assert_int_equal(scorecard_model_parse(&m, text, size, &error), SZ_OK);
	scorecard_model_release(&m);
	free(text);
}

static void test_training_is_deterministic(void **state)
{
	struct fixture *f = *state;
	scorecard_options o;
	scorecard_options_default(&o);
	scorecard_error error;
	char *texts[2];
	size_t sizes[2];
	for (int k = 0; k < 2; k++) {
		scorecard_model m = { 0 };
		assert_int_equal(scorecard_train(&m, &f->table, "Status", "good", f->good, NULL,
						 f->table.row_count, &o, &error), SZ_OK);
		assert_int_equal(scorecard_model_save(&m, &texts[k], &sizes[k]), SZ_OK);
		scorecard_model_release(&m);
	}
	assert_int_equal(sizes[0], sizes[1]);
	assert_memory_equal(texts[0], texts[1], sizes[0]);
	free(texts[0]);
	free(texts[1]);
}

static void test_options_and_target_errors(void **state)
{
	struct fixture *f = *state;
	scorecard_options o;
	scorecard_error error;
	scorecard_options_default(&o);
	assert_int_equal(scorecard_options_check(&o, &error), SZ_OK);
	o.fine_bin_count = SZ_SCORECARD_FINE_BIN_COUNT_MAX;
	assert_int_equal(scorecard_options_check(&o, &error), SZ_OK);
	o.fine_bin_count = SZ_SCORECARD_FINE_BIN_COUNT_MAX + 1;
	assert_int_equal(scorecard_options_check(&o, &error), SZ_EINVAL);
	scorecard_options_default(&o);
	o.bin_share_min = 1.0 / (SZ_SCORECARD_BIN_COUNT_MAX - 2u);
	assert_int_equal(scorecard_options_check(&o, &error), SZ_OK);
	o.bin_share_min = 0.999 / (SZ_SCORECARD_BIN_COUNT_MAX - 2u);
	assert_int_equal(scorecard_options_check(&o, &error), SZ_EINVAL);
	scorecard_options_default(&o);
	o.lambda = -1.0;
	assert_int_equal(scorecard_options_check(&o, &error), SZ_EINVAL);
	scorecard_options_default(&o);
	o.scaling.pdo_points = 0.0;
	assert_int_equal(scorecard_options_check(&o, &error), SZ_EINVAL);

	uint8_t *good = malloc(f->table.row_count);
	assert_int_equal(scorecard_target_encode(&f->table, "Nope", "good", good, &error),
			 SZ_ENOTFOUND);
	assert_int_equal(scorecard_target_encode(&f->table, "Status", "fine", good, &error),
			 SZ_EINVAL);
	assert_non_null(strstr(error.message, "never appears"));
	assert_int_equal(scorecard_target_encode(&f->table, "Home", "owner", good, &error),
			 SZ_EINVAL); /* missing values and more than two */
	credit_csv_table t;
	parse_text(&t, "y,x\n1,3\n0,4\n1,5\n", 16);
	assert_int_equal(scorecard_target_encode(&t, "y", "1", good, &error), SZ_OK);
	assert_int_equal(good[0] + good[1] + good[2], 2);
	assert_int_equal(scorecard_target_encode(&t, "y", "good", good, &error), SZ_EINVAL);
	assert_int_equal(scorecard_target_encode(&t, "x", "3", good, &error), SZ_EINVAL);
	/* training needs both outcomes and at least one informative characteristic */
	scorecard_model m = { 0 };
	scorecard_options_default(&o);
	uint32_t goods_only[2] = { 0, 2 };
	assert_int_equal(scorecard_target_encode(&t, "y", "1", good, &error), SZ_OK);
	assert_int_equal(scorecard_train(&m, &t, "y", "1", good, goods_only, 2, &o, &error),
			 SZ_EINVAL);
	assert_null(m.characteristics);
	o.iv_min = 50.0;
	assert_int_equal(scorecard_train(&m, &f->table, "Status", "good", f->good, NULL,
					 f->table.row_count, &o, &error), SZ_EINVAL);
	assert_non_null(strstr(error.message, "minimum IV"));
	assert_null(m.characteristics);
	credit_csv_release(&t);
	free(good);
}

static void test_drop_negative_and_chi_merge(void **state)
{
	struct fixture *f = *state;
	scorecard_options o;
	scorecard_options_default(&o);
	assert_true(o.drop_negative); /* the default since negative signs reverse WoE */
	o.lambda = 0.0;
	o.drop_negative = false;
	o.exclude_protected = false; /* Marital is the negative one */
	scorecard_error error;
	scorecard_model plain = { 0 };
	scorecard_model dropped = { 0 };
	assert_int_equal(scorecard_train(&plain, &f->table, "Status", "good", f->good, NULL,
					 f->table.row_count, &o, &error), SZ_OK);
	uint32_t negative = 0;
	for (uint32_t i = 0; i < plain.characteristic_count; i++)
		negative += plain.characteristics[i].coefficient_nano < 0;
	assert_true(negative > 0); /* Marital, see the golden coefficients */
	o.drop_negative = true;
	assert_int_equal(scorecard_train(&dropped, &f->table, "Status", "good", f->good, NULL,
					 f->table.row_count, &o, &error), SZ_OK);
	assert_true(dropped.selected_count < plain.selected_count);
	for (uint32_t i = 0; i < dropped.characteristic_count; i++) {
		assert_true(dropped.characteristics[i].coefficient_nano >= 0);
		/* every characteristic negative in the plain fit is reported as dropped */
		if (plain.characteristics[i].coefficient_nano < 0)
			assert_int_equal(dropped.characteristics[i].exclusion, SCORECARD_EXCLUDED_NEGATIVE);
	}
	scorecard_model_release(&plain);
	scorecard_model_release(&dropped);

	/* ChiMerge: adjacent bins left apart differ significantly */
	scorecard_options_default(&o);
	o.split_chi2_min = 3.84;
	o.iv_min = 0.0;
	scorecard_model chi = { 0 };
	assert_int_equal(scorecard_train(&chi, &f->table, "Status", "good", f->good, NULL,
					 f->table.row_count, &o, &error), SZ_OK);
	for (uint32_t i = 0; i < chi.characteristic_count; i++) {
		const scorecard_characteristic *c = &chi.characteristics[i];
		uint32_t last = c->kind == CREDIT_CSV_NUMERIC ? c->missing_bin : c->other_bin;
		for (uint32_t b = 1; b < last; b++) {
			double ga = c->bins[b - 1].good_count, ba = c->bins[b - 1].bad_count;
			double gb = c->bins[b].good_count, bb = c->bins[b].bad_count;
			double n = ga + ba + gb + bb;
			double chi2 = n * pow(ga * bb - ba * gb, 2) /
				      ((ga + ba) * (gb + bb) * (ga + gb) * (ba + bb));
			assert_true(chi2 >= 3.84);
		}
	}
	scorecard_model_release(&chi);
}


/* The label rule of scorecard.h, case by case (expected strings by hand). */
static void test_label_normalize(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(scorecard_label_normalize("Radio/TV", out, sizeof out), 8);
	assert_string_equal(out, "radio/tv");
	scorecard_label_normalize("  radio \t\t tv  ", out, sizeof out);
	assert_string_equal(out, "radio tv");
	/* U+FF32 U+FF41 = full-width "Ra", U+3000 ideographic space */
	scorecard_label_normalize("\xEF\xBC\xB2\xEF\xBD\x81" "dio\xE3\x80\x80" "TV", out, sizeof out);
	assert_string_equal(out, "radio tv");
	scorecard_label_normalize("\xE5\x8C\x97\xE4\xBA\xAC", out, sizeof out); /* 北京: kept */
	assert_string_equal(out, "\xE5\x8C\x97\xE4\xBA\xAC");
	assert_int_equal(scorecard_label_normalize(" \t ", out, sizeof out), 0);
	/* training merges spellings: "Radio/TV" and "radio/tv" are one category */
	credit_csv_table t;
	const char *csv = "y,purpose\ngood,radio/tv\nbad,Radio/TV\ngood,car\nbad,car\nbad,car\n"
			  "good,RADIO/TV\n";
	parse_text(&t, csv, strlen(csv));
	uint8_t good[6];
	scorecard_error error;
	assert_int_equal(scorecard_target_encode(&t, "y", "good", good, &error), SZ_OK);
	scorecard_options o;
	scorecard_options_default(&o);
	o.iv_min = 0.0;
	o.category_share_min = 0.1;
	scorecard_model m = { 0 };
	assert_int_equal(scorecard_train(&m, &t, "y", "good", good, NULL, 6, &o, &error), SZ_OK);
	const scorecard_characteristic *c = &m.characteristics[0];
	assert_int_equal(c->level_count, 2); /* radio/tv (3 rows) and car (3 rows) */
	uint32_t radio = scorecard_bin_of_label(c, "radio/tv");
	assert_int_equal(c->bins[radio].good_count + c->bins[radio].bad_count, 3);
	assert_int_equal(scorecard_bin_of_label(c, "Radio/TV"), radio);
	assert_int_equal(scorecard_bin_of_label(c, " \xEF\xBD\x92\xEF\xBD\x81\xEF\xBD\x84\xEF\xBD\x89"
						   "\xEF\xBD\x8F/tv"), radio);
	assert_int_equal(scorecard_bin_of_label(c, "boat"), c->other_bin);
	scorecard_result r = { 0 };
	scorecard_score_add(&m, 0, scorecard_bin_of_label(c, "boat"), &r);
	assert_int_equal(r.unseen_count, 1);
	assert_int_equal(scorecard_completeness_ppm(&r), 0);
	scorecard_model_release(&m);
	credit_csv_release(&t);
}

/* Protected attributes by token (scorecard_train.h): the German credit and
 * credit_data spellings match, look-alikes and the enterprise age do not. */
static void test_protected_attributes(void **state)
{
	struct fixture *f = *state;
	const char *yes[] = { "Age", "age_group", "Marital", "personal_status_sex", "foreign_worker",
			      "Race", "applicant_ethnicity", "Sex", "religion", "nationality" };
	const char *no[] = { "mortgage", "stage", "Amount", "age_years", "Seniority", "Home" };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		assert_true(scorecard_protected_match(yes[i], NULL));
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		assert_false(scorecard_protected_match(no[i], NULL));
	assert_true(scorecard_protected_match("Home", "home,job"));
	assert_false(scorecard_protected_match("Age", "home,job"));
	/* the fixture trained with the defaults: Age and Marital are out */
	for (uint32_t i = 0; i < f->model.characteristic_count; i++) {
		const scorecard_characteristic *c = &f->model.characteristics[i];
		bool protected_name = strcmp(c->name, "Age") == 0 || strcmp(c->name, "Marital") == 0;
		assert_int_equal(c->exclusion == SCORECARD_EXCLUDED_PROTECTED, protected_name);
		assert_false(c->selected && protected_name);
	}
	scorecard_options o;
	scorecard_options_default(&o);
	o.protected_allow = "Marital";
	o.drop_negative = false;
	scorecard_model m = { 0 };
	scorecard_error error;
	assert_int_equal(scorecard_train(&m, &f->table, "Status", "good", f->good, NULL,
					 f->table.row_count, &o, &error), SZ_OK);
	for (uint32_t i = 0; i < m.characteristic_count; i++) {
		const scorecard_characteristic *c = &m.characteristics[i];
		if (strcmp(c->name, "Marital") == 0)
			assert_true(c->protected_used && c->selected);
		if (strcmp(c->name, "Age") == 0)
			assert_int_equal(c->exclusion, SCORECARD_EXCLUDED_PROTECTED);
	}
	scorecard_model_release(&m);
}

/* A characteristic never missing in training: its missing bin scores as the
 * worst bin by default, as WoE 0 under the neutral policy; with missing
 * training rows it keeps their own WoE. Declared range: never negative in
 * training, so negative values are out of range. */
static void test_missing_policy_and_range(void **state)
{
	(void)state;
	credit_csv_table t;
	uint8_t *good;
	synthetic(&t, &good, rising, 7);
	scorecard_options o;
	scorecard_options_default(&o);
	scorecard_error error;
	for (int policy = 0; policy < 2; policy++) {
		o.missing_policy = policy == 0 ? SCORECARD_MISSING_WORST : SCORECARD_MISSING_NEUTRAL;
		scorecard_model m = { 0 };
		assert_int_equal(scorecard_train(&m, &t, "y", "good", good, NULL, t.row_count, &o, &error),
				 SZ_OK);
		const scorecard_characteristic *c = &m.characteristics[0];
		const scorecard_bin *missing = &c->bins[c->missing_bin];
		assert_int_equal(missing->good_count + missing->bad_count, 0);
		int64_t lowest = INT64_MAX;
		for (uint32_t b = 0; b < c->missing_bin; b++)
			lowest = c->bins[b].points_milli < lowest ? c->bins[b].points_milli : lowest;
		if (policy == 0) {
			assert_true(missing->points_milli == lowest);
			assert_true(missing->woe_nano == c->bins[0].woe_nano); /* rising: bin 0 is worst */
		} else {
			assert_true(missing->woe_nano == 0);
		}
		assert_true(c->value_min_e4 == 0);
		assert_false(scorecard_value_in_range(c, -1));
		assert_true(scorecard_value_in_range(c, 0));
		assert_true(scorecard_value_in_range(c, SCORECARD_VALUE_MISSING));
		/* the range survives the model file */
		char *text = NULL;
		size_t size = 0;
		assert_int_equal(scorecard_model_save(&m, &text, &size), SZ_OK);
		assert_non_null(strstr(text, "\nrange 0 max\n"));
		scorecard_model loaded;
		assert_int_equal(scorecard_model_parse(&loaded, text, size, &error), SZ_OK);
		assert_true(loaded.characteristics[0].value_min_e4 == 0);
		assert_true(loaded.characteristics[0].bins[c->missing_bin].points_milli == missing->points_milli);
		scorecard_model_release(&loaded);
		free(text);
		scorecard_model_release(&m);
	}
	credit_csv_release(&t);
	free(good);
}

/* Quasi-complete separation: category "z" has 40 goods and no bad. Without
 * a WoE prior and without a penalty the trainer names the bin and merges
 * it; with the prior it names it and keeps it (the prior bounds its WoE). */
static void test_separation_named_and_merged(void **state)
{
	(void)state;
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	fprintf(mem, "y,kind\n");
	for (int i = 0; i < 200; i++)
		fprintf(mem, "%s,%s\n", i % 3 == 0 ? "bad" : "good", i % 2 == 0 ? "a" : "b");
	for (int i = 0; i < 200; i++)
		fprintf(mem, "%s,c\n", i % 2 == 0 ? "bad" : "good");
	for (int i = 0; i < 40; i++)
		fprintf(mem, "good,z\n");
	fclose(mem);
	credit_csv_table t;
	parse_text(&t, text, size);
	free(text);
	uint8_t *good = malloc(t.row_count);
	scorecard_error error;
	assert_int_equal(scorecard_target_encode(&t, "y", "good", good, &error), SZ_OK);
	scorecard_options o;
	scorecard_options_default(&o);
	o.lambda = 0.0;
	o.woe_prior_count = 0.0;
	o.iv_min = 0.0;
	scorecard_model m = { 0 };
	if (scorecard_train(&m, &t, "y", "good", good, NULL, t.row_count, &o, &error) != SZ_OK)
		fail_msg("train: %s", error.message);
	const scorecard_characteristic *c = &m.characteristics[0];
	assert_non_null(strstr(c->separation_note, "bin 'z' of 'kind' has no bad rows"));
	assert_non_null(strstr(c->separation_note, "merged"));
	assert_true(c->separation_merge_count >= 1);
	for (uint32_t b = 0; b < c->other_bin; b++)
		assert_true(c->bins[b].good_count > 0 && c->bins[b].bad_count > 0);
	scorecard_model_release(&m);
	o.woe_prior_count = 1.0;
	assert_int_equal(scorecard_train(&m, &t, "y", "good", good, NULL, t.row_count, &o, &error), SZ_OK);
	assert_non_null(strstr(m.characteristics[0].separation_note, "shrunk by the prior"));
	scorecard_model_release(&m);
	credit_csv_release(&t);
	free(good);
}

/* A configured PD master scale travels in the model as integers (ppb) and
 * grades a bad probability by its first bound at or above it. */
static void test_master_scale_in_model(void **state)
{
	struct fixture *f = *state;
	scorecard_options o;
	scorecard_options_default(&o);
	o.master_scale = "A:0.02,B:0.2,C:1";
	o.thin_file_completeness_min[SCORECARD_PRODUCT_TECH] = 0.75; /* tech product only */
	scorecard_model m = { 0 };
	scorecard_error error;
	assert_int_equal(scorecard_train(&m, &f->table, "Status", "good", f->good, NULL,
					 f->table.row_count, &o, &error), SZ_OK);
	char *text = NULL;
	size_t size = 0;
	assert_int_equal(scorecard_model_save(&m, &text, &size), SZ_OK);
	assert_non_null(strstr(text, "\nmaster_scale 3\nmaster A 20000000\nmaster B 200000000\n"
				     "master C 1000000000\nend\n"));
	scorecard_model loaded;
	assert_int_equal(scorecard_model_parse(&loaded, text, size, &error), SZ_OK);
	assert_int_equal(loaded.master_count, 3);
	assert_string_equal(loaded.master_names[1], "B");
	assert_int_equal(scorecard_master_of(&loaded, 20000000), 0);
	assert_int_equal(scorecard_master_of(&loaded, 20000001), 1);
	assert_int_equal(scorecard_master_of(&loaded, 1000000000), 2);
	/* the thin-file policy per product travels with it */
	assert_non_null(strstr(text, "\nthin_file 0 750000\n"));
	assert_true(scorecard_thin_file(&loaded, SCORECARD_PRODUCT_TECH, 749999));
	assert_false(scorecard_thin_file(&loaded, SCORECARD_PRODUCT_TECH, 750000));
	assert_false(scorecard_thin_file(&loaded, SCORECARD_PRODUCT_SCORECARD, 0));
	scorecard_model_release(&loaded);
	free(text);
	scorecard_model_release(&m);
	o.master_scale = "A:0.5,B:0.2,C:1";
	assert_int_equal(scorecard_train(&m, &f->table, "Status", "good", f->good, NULL,
					 f->table.row_count, &o, &error), SZ_EINVAL);
	assert_non_null(strstr(error.message, "master scale"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_woe_monotonic),
		cmocka_unit_test(test_iv_by_hand),
		cmocka_unit_test(test_grades),
		cmocka_unit_test(test_sample_numeric_bins_monotonic),
		cmocka_unit_test(test_points_scaling),
		cmocka_unit_test(test_reason_codes),
		cmocka_unit_test(test_best_row_has_no_reasons),
		cmocka_unit_test(test_score_values_equals_score_row),
		cmocka_unit_test(test_unseen_and_missing_labels),
		cmocka_unit_test(test_model_round_trip),
		cmocka_unit_test(test_model_rejects_damage),
		cmocka_unit_test(test_training_is_deterministic),
		cmocka_unit_test(test_options_and_target_errors),
		cmocka_unit_test(test_drop_negative_and_chi_merge),
		cmocka_unit_test(test_label_normalize),
		cmocka_unit_test(test_master_scale_in_model),
		cmocka_unit_test(test_protected_attributes),
		cmocka_unit_test(test_missing_policy_and_range),
		cmocka_unit_test(test_separation_named_and_merged),
	};
	return cmocka_run_group_tests(tests, sample_setup, sample_teardown);
}
