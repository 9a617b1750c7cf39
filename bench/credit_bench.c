/*
 * credit_bench.c — accuracy and speed of the credit scorecard.
 *
 * Measures, with the default training options:
 *   1. 5-fold stratified cross-validated AUC (fixed seed; bins, WoE and
 *      coefficients fit on the training folds only) on two public data sets:
 *      credit/credit_data.csv (target Status, good = "good"; target AUC >=
 *      0.83, an R WoE scorecard gets 0.832) and credit/lending_club.csv
 *      (target Class, good = "good"; target >= 0.72);
 *   2. training time on 10,000 rows (lending_club's rows, the first ones
 *      repeated to reach 10,000; target < 1 s);
 *   3. scoring throughput on one core, in enterprises per second, through a
 *      bound table (label -> bin arrays precomputed) and through raw values
 *      (labels looked up by hash); target >= 1,000,000/s;
 *   4. the boosted challenger side by side with the scorecard on the same
 *      folds (same seed): the scorecard, the float challenger (XGBoost's own
 *      margins) and the integer-quantised challenger (boost.h, as the server
 *      scores it), against R's reference figures on the same files (issue
 *      13: gbm 0.844 and WoE scorecard 0.832 on credit_data, gbm 0.722 on
 *      lending_club), with the targets "challenger beats gbm" and
 *      "quantised within 0.001 of float".
 * Usage: credit_bench [DATA_DIR]; DATA_DIR defaults to $SZFIN_DATA, else
 * $SZFIN_ROOT/../shared/data (SZFIN_ROOT defaults to ".").
 */
#include "core/errors.h"
#include "credit/boost_train.h"
#include "credit/csv.h"
#include "credit/scorecard_train.h"
#include "credit/validate.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_SEED 20240601u
#define BENCH_FOLD_COUNT 5u
#define BENCH_TRAIN_ROW_COUNT 10000u
#define BENCH_TRAIN_REPEAT_COUNT 5u
#define BENCH_SCORE_SECONDS_MIN 1.0

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct dataset {
	const char *file;
	const char *target;
	const char *good;
	double auc_target;
};

static int load(const char *dir, const struct dataset *d, credit_csv_table *table,
		uint8_t **is_good)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/credit/%s", dir, d->file);
	credit_csv_error csv_error;
	int rc = credit_csv_load(table, path, &csv_error);
	if (rc != SZ_OK) {
		fprintf(stderr, "credit_bench: %s: %s\n", path, csv_error.message);
		return rc;
	}
	*is_good = malloc(table->row_count);
	scorecard_error error;
	rc = *is_good == NULL ? SZ_ENOMEM
			      : scorecard_target_encode(table, d->target, d->good, *is_good, &error);
	if (rc != SZ_OK) {
		fprintf(stderr, "credit_bench: %s: %s\n", path, error.message);
		credit_csv_release(table);
		free(*is_good);
	}
	return rc;
}

static int bench_cv(const char *dir, const struct dataset *d, const scorecard_options *options,
		    bool *met)
{
	credit_csv_table table;
	uint8_t *is_good = NULL;
	int rc = load(dir, d, &table, &is_good);
	if (rc != SZ_OK)
		return rc;
	scorecard_cv_result cv;
	scorecard_error error;
	double t0 = now_s();
	rc = scorecard_cross_validate(&table, d->target, d->good, is_good, options,
				      BENCH_FOLD_COUNT, BENCH_SEED, &cv, &error);
	double elapsed = now_s() - t0;
	if (rc != SZ_OK) {
		fprintf(stderr, "credit_bench: %s: %s\n", d->file, error.message);
	} else {
		*met = cv.auc_mean >= d->auc_target;
		printf("%-18s rows %5u  cv AUC %.4f (sd %.4f, pooled %.4f, KS %.3f)  target >= %.2f %s"
		       "  [%.2f s]\n",
		       d->file, table.row_count, cv.auc_mean, cv.auc_sd, cv.auc_pooled, cv.ks_mean,
		       d->auc_target, *met ? "MET" : "NOT MET", elapsed);
		printf("%-18s   folds:", "");
		for (uint32_t f = 0; f < cv.fold_count; f++)
			printf(" %.4f (%u chars)", cv.fold_auc[f], cv.fold_selected_count[f]);
		printf("\n");
	}
	credit_csv_release(&table);
	free(is_good);
	return rc;
}

struct challenger_cv {
	double auc[3][SZ_SCORECARD_FOLD_COUNT_MAX]; /* scorecard, float, quantised */
	double train_s;
	uint32_t fold_count;
};

/* One fold: scorecard and challenger trained on the other folds' rows, the
 * held-out rows scored three ways. */
static int challenger_fold(const credit_csv_table *table, const struct dataset *d,
			   const uint8_t *is_good, const uint32_t *fold_of_row, uint32_t fold,
			   const scorecard_options *options, struct challenger_cv *out)
{
	uint32_t n = table->row_count, train_count = 0, test_count = 0;
	uint32_t *train = malloc(n * sizeof(uint32_t)), *test = malloc(n * sizeof(uint32_t));
	double *scores = malloc(3 * (size_t)n * sizeof(double));
	uint8_t *good = malloc(n);
	int64_t *features = malloc(table->column_count * sizeof(int64_t) + sizeof(int64_t));
	int rc = SZ_ENOMEM;
	scorecard_model model = { 0 };
	scorecard_binding binding = { 0 };
	scorecard_error error;
	boost_train_options boost;
	boost_train_options_default(&boost);
	if (train == NULL || test == NULL || scores == NULL || good == NULL || features == NULL)
		goto done;
	for (uint32_t r = 0; r < n; r++) {
		if (fold_of_row[r] == fold)
			test[test_count++] = r;
		else
			train[train_count++] = r;
	}
	double t0 = now_s();
	rc = scorecard_train(&model, table, d->target, d->good, is_good, train, train_count, options,
			     &error);
	if (rc == SZ_OK)
		rc = boost_train(&model, table, is_good, train, train_count, &boost, test, test_count,
				 scores + test_count, &error);
	out->train_s += now_s() - t0;
	if (rc == SZ_OK)
		rc = scorecard_binding_init(&binding, &model, table, &error);
	if (rc != SZ_OK) {
		fprintf(stderr, "credit_bench: %s fold %u: %s\n", d->file, fold, error.message);
		goto done;
	}
	for (uint32_t k = 0; k < test_count; k++) {
		scorecard_result result;
		scorecard_score_row(&model, &binding, table, test[k], &result);
		scores[k] = (double)result.score_milli;
		boost_features_of_row(&model, &binding, table, test[k], features);
		boost_score_features(model.challenger, &model, features, &result, NULL, NULL);
		scores[2 * test_count + k] = (double)result.score_milli;
		good[k] = is_good[test[k]];
	}
	for (uint32_t m = 0; m < 3 && rc == SZ_OK; m++)
		rc = scorecard_auc(scores + (size_t)m * test_count, good, test_count, &out->auc[m][fold]);
done:
	scorecard_binding_release(&binding);
	scorecard_model_release(&model);
	free(train);
	free(test);
	free(scores);
	free(good);
	free(features);
	return rc;
}

static double mean_of(const double *x, uint32_t count)
{
	double sum = 0;
	for (uint32_t i = 0; i < count; i++)
		sum += x[i];
	return sum / count;
}

/* R's figures on the same files (issue 13); NAN where R gave none. */
struct reference {
	double gbm_auc;
	double scorecard_auc;
};

static int bench_challenger(const char *dir, const struct dataset *d, const struct reference *ref,
			    const scorecard_options *options, bool *met)
{
	credit_csv_table table;
	uint8_t *is_good = NULL;
	int rc = load(dir, d, &table, &is_good);
	if (rc != SZ_OK)
		return rc;
	struct challenger_cv cv = { .fold_count = BENCH_FOLD_COUNT };
	uint32_t *fold_of_row = malloc(table.row_count * sizeof(uint32_t));
	rc = fold_of_row == NULL ? SZ_ENOMEM
				 : scorecard_folds_assign(is_good, table.row_count, BENCH_FOLD_COUNT,
							  BENCH_SEED, fold_of_row);
	for (uint32_t f = 0; f < BENCH_FOLD_COUNT && rc == SZ_OK; f++)
		rc = challenger_fold(&table, d, is_good, fold_of_row, f, options, &cv);
	if (rc == SZ_OK) {
		double sc = mean_of(cv.auc[0], cv.fold_count), fl = mean_of(cv.auc[1], cv.fold_count);
		double qu = mean_of(cv.auc[2], cv.fold_count);
		printf("%-18s %u-fold cv AUC: scorecard %.4f | challenger float %.4f | quantised %.4f"
		       "  [%.2f s to train]\n",
		       d->file, cv.fold_count, sc, fl, qu, cv.train_s);
		printf("%-18s   R reference: gbm %.3f", "", ref->gbm_auc);
		if (!isnan(ref->scorecard_auc))
			printf(", WoE scorecard %.3f", ref->scorecard_auc);
		printf("; challenger - scorecard %+.4f\n", qu - sc);
		bool beats = qu > ref->gbm_auc && fl > ref->gbm_auc;
		bool close = fabs(qu - fl) <= 0.001;
		printf("%-18s   target challenger beats gbm (%.4f > %.3f): %s\n", "", qu, ref->gbm_auc,
		       beats ? "MET" : "NOT MET");
		printf("%-18s   target quantised within 0.001 of float (|%.4f - %.4f| = %.5f): %s\n", "",
		       qu, fl, fabs(qu - fl), close ? "MET" : "NOT MET");
		*met = beats && close;
	}
	free(fold_of_row);
	credit_csv_release(&table);
	free(is_good);
	return rc;
}

static int double_compare(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;
	return (x > y) - (x < y);
}

static int bench_speed(const char *dir, const struct dataset *d, const scorecard_options *options)
{
	credit_csv_table table;
	uint8_t *is_good = NULL;
	int rc = load(dir, d, &table, &is_good);
	if (rc != SZ_OK)
		return rc;
	uint32_t *rows = malloc(BENCH_TRAIN_ROW_COUNT * sizeof(uint32_t));
	scorecard_value *values = NULL;
	for (uint32_t i = 0; i < BENCH_TRAIN_ROW_COUNT; i++)
		rows[i] = i % table.row_count;
	double times[BENCH_TRAIN_REPEAT_COUNT];
	scorecard_model model = { 0 };
	scorecard_error error;
	for (uint32_t k = 0; k < BENCH_TRAIN_REPEAT_COUNT; k++) {
		scorecard_model_release(&model);
		double t0 = now_s();
		rc = scorecard_train(&model, &table, d->target, d->good, is_good, rows,
				     BENCH_TRAIN_ROW_COUNT, options, &error);
		times[k] = now_s() - t0;
		if (rc != SZ_OK) {
			fprintf(stderr, "credit_bench: train: %s\n", error.message);
			goto done;
		}
	}
	qsort(times, BENCH_TRAIN_REPEAT_COUNT, sizeof(double), double_compare);
	printf("training, %u rows x %u columns: median %.1f ms (min %.1f ms) of %u runs  "
	       "target < 1000 ms %s\n",
	       BENCH_TRAIN_ROW_COUNT, table.column_count, times[BENCH_TRAIN_REPEAT_COUNT / 2] * 1e3,
	       times[0] * 1e3, BENCH_TRAIN_REPEAT_COUNT,
	       times[BENCH_TRAIN_REPEAT_COUNT / 2] < 1.0 ? "MET" : "NOT MET");

	scorecard_binding binding;
	rc = scorecard_binding_init(&binding, &model, &table, &error);
	if (rc != SZ_OK)
		goto done;
	double checksum = 0.0;
	uint64_t scored = 0;
	double t0 = now_s();
	double elapsed = 0.0;
	do {
		for (uint32_t r = 0; r < table.row_count; r++) {
			scorecard_result result;
			scorecard_score_row(&model, &binding, &table, r, &result);
			checksum += (double)result.score_milli + result.reason_count;
		}
		scored += table.row_count;
		elapsed = now_s() - t0;
	} while (elapsed < BENCH_SCORE_SECONDS_MIN);
	double rate_bound = (double)scored / elapsed;
	scorecard_binding_release(&binding);

	/* Raw values: one scorecard_value array per row, labels as strings. */
	uint32_t cc = model.characteristic_count;
	values = malloc((size_t)table.row_count * cc * sizeof(*values));
	for (uint32_t r = 0; r < table.row_count; r++) {
		for (uint32_t i = 0; i < cc; i++) {
			const scorecard_characteristic *c = &model.characteristics[i];
			const credit_csv_column *col =
				&table.columns[credit_csv_column_find(&table, c->name)];
			scorecard_value *v = &values[(size_t)r * cc + i];
			v->number_e4 = SCORECARD_VALUE_MISSING;
			v->label = NULL;
			if (col->kind == CREDIT_CSV_NUMERIC)
				v->number_e4 = scorecard_value_e4_of(col->numbers[r]);
			else if (col->levels[r] >= 0)
				v->label = col->level_names[col->levels[r]];
		}
	}
	scored = 0;
	t0 = now_s();
	do {
		for (uint32_t r = 0; r < table.row_count; r++) {
			scorecard_result result;
			scorecard_score_values(&model, &values[(size_t)r * cc], &result);
			checksum += (double)result.score_milli + result.reason_count;
		}
		scored += table.row_count;
		elapsed = now_s() - t0;
	} while (elapsed < BENCH_SCORE_SECONDS_MIN);
	double rate_raw = (double)scored / elapsed;
	printf("scoring, one core, %u characteristics in the card, 4 reason codes each:\n"
	       "  bound table %.2f M enterprises/s, raw values %.2f M enterprises/s  "
	       "target >= 1.00 M/s %s  (checksum %.6g)\n",
	       model.selected_count, rate_bound / 1e6, rate_raw / 1e6,
	       rate_raw >= 1e6 && rate_bound >= 1e6 ? "MET" : "NOT MET", checksum);
done:
	scorecard_model_release(&model);
	free(values);
	free(rows);
	free(is_good);
	credit_csv_release(&table);
	return rc;
}

int main(int argc, char **argv)
{
	char dir[4096];
	const char *data = getenv("SZFIN_DATA");
	if (argc > 1) {
		snprintf(dir, sizeof(dir), "%s", argv[1]);
	} else if (data != NULL && data[0] != '\0') {
		snprintf(dir, sizeof(dir), "%s", data);
	} else {
		const char *root = getenv("SZFIN_ROOT");
		snprintf(dir, sizeof(dir), "%s/../shared/data", root != NULL ? root : ".");
	}
	scorecard_options options;
	scorecard_options_default(&options);
	/* Like for like with R's scorecard, which was fit on every column:
	 * credit_data's Age and Marital stay in (a lender's model leaves them
	 * out by default; see docs/credit.md). */
	options.exclude_protected = false;
	printf("credit scorecard bench (data %s; %u folds, seed %u; defaults: %u fine bins, "
	       "min bin share %.3f, min category share %.3f, WoE prior %.2f, IV >= %.3f, "
	       "lambda %g)\n",
	       dir, BENCH_FOLD_COUNT, BENCH_SEED, options.fine_bin_count, options.bin_share_min,
	       options.category_share_min, options.woe_prior_count, options.iv_min, options.lambda);
	static const struct dataset sets[] = {
		{ "credit_data.csv", "Status", "good", 0.83 },
		{ "lending_club.csv", "Class", "good", 0.72 },
	};
	bool all_met = true;
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		bool met = false;
		if (bench_cv(dir, &sets[i], &options, &met) != SZ_OK)
			return 1;
		all_met = all_met && met;
	}
	if (bench_speed(dir, &sets[1], &options) != SZ_OK)
		return 1;
	static const struct reference references[] = { { 0.844, 0.832 }, { 0.722, NAN } };
	printf("boosted challenger (defaults: 400 trees of depth 4, eta 0.02, monotone in the WoE "
	       "direction; on the scorecard's selected characteristics)\n");
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		bool met = false;
		if (bench_challenger(dir, &sets[i], &references[i], &options, &met) != SZ_OK)
			return 1;
		all_met = all_met && met;
	}
	printf("accuracy targets %s\n", all_met ? "met" : "NOT met");
	return 0;
}
