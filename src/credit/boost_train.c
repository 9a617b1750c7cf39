/*
 * boost_train.c — training the boosted challenger through libxgboost's C API.
 *
 * lint-float: offline — training runs in the szfin-credit-boost trainer and the benchmark, never in apply.
 *
 * Not in libszfin: this is the only file that needs libxgboost (linked into
 * build/<mode>/szfin-credit-boost and bench/credit_bench alone, see the
 * Makefile), so the server and its tests build and run without it.
 */
#include "credit/boost_train.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

struct train {
	const scorecard_model *model;
	uint32_t feature_count;
	uint32_t feature_characteristics[SZ_CREDIT_CSV_COLUMN_COUNT_MAX];
	DMatrixHandle train;
	DMatrixHandle predict;
	BoosterHandle booster;
	float *matrix;
	float *labels;
	scorecard_error *error;
};

static int xgb_fail(struct train *t, const char *what)
{
	if (t->error != NULL)
		snprintf(t->error->message, sizeof(t->error->message), "libxgboost: %s: %s", what,
			 XGBGetLastError());
	return SZ_EIO;
}

/* The float matrix XGBoost reads: float(feature) per selected
 * characteristic, NAN for missing. */
static int matrix_build(struct train *t, const scorecard_binding *binding,
			const credit_csv_table *table, const uint32_t *rows, uint32_t row_count,
			DMatrixHandle *out)
{
	int64_t features[SZ_CREDIT_CSV_COLUMN_COUNT_MAX];
	free(t->matrix);
	t->matrix = malloc((size_t)row_count * t->feature_count * sizeof(float));
	if (t->matrix == NULL)
		return SZ_ENOMEM;
	for (uint32_t r = 0; r < row_count; r++) {
		uint32_t row = rows != NULL ? rows[r] : r;
		boost_features_of_row(t->model, binding, table, row, features);
		for (uint32_t j = 0; j < t->feature_count; j++) {
			int64_t x = features[t->feature_characteristics[j]];
			t->matrix[(size_t)r * t->feature_count + j] =
				x == SCORECARD_VALUE_MISSING ? NAN : (float)x;
		}
	}
	if (XGDMatrixCreateFromMat(t->matrix, row_count, t->feature_count, NAN, out) != 0)
		return xgb_fail(t, "DMatrix");
	return SZ_OK;
}

static int params_set(struct train *t, const boost_train_options *o, double base_score)
{
	char value[64];
	char monotone[SZ_CREDIT_CSV_COLUMN_COUNT_MAX * 3 + 4];
	size_t used = 0;
	monotone[used++] = '(';
	for (uint32_t j = 0; j < t->feature_count; j++) {
		const scorecard_characteristic *c = &t->model->characteristics[t->feature_characteristics[j]];
		int sign = o->monotone ? boost_monotone_sign(c) : 0;
		used += (size_t)snprintf(monotone + used, sizeof(monotone) - used, "%s%d",
					 j > 0 ? "," : "", sign);
	}
	snprintf(monotone + used, sizeof(monotone) - used, ")");
	struct { const char *name; char value[32]; } params[] = {
		{ "objective", "binary:logistic" }, { "tree_method", "exact" },
		{ "nthread", "1" },                 { "eval_metric", "auc" },
		{ "max_depth", "" },                { "eta", "" },
		{ "min_child_weight", "" },         { "subsample", "" },
		{ "colsample_bytree", "" },         { "lambda", "" },
		{ "seed", "" },                     { "base_score", "" },
	};
	snprintf(params[4].value, sizeof(params[4].value), "%u", o->depth_max);
	snprintf(params[5].value, sizeof(params[5].value), "%.17g", o->eta);
	snprintf(params[6].value, sizeof(params[6].value), "%.17g", o->min_child_weight);
	snprintf(params[7].value, sizeof(params[7].value), "%.17g", o->subsample);
	snprintf(params[8].value, sizeof(params[8].value), "%.17g", o->colsample);
	snprintf(params[9].value, sizeof(params[9].value), "%.17g", o->lambda);
	snprintf(params[10].value, sizeof(params[10].value), "%u", o->seed);
	snprintf(params[11].value, sizeof(params[11].value), "%.17g", base_score);
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		if (XGBoosterSetParam(t->booster, params[i].name, params[i].value) != 0)
			return xgb_fail(t, params[i].name);
	}
	snprintf(value, sizeof value, "monotone_constraints");
	if (XGBoosterSetParam(t->booster, value, monotone) != 0)
		return xgb_fail(t, "monotone_constraints");
	return SZ_OK;
}

static int export_trees(struct train *t, scorecard_model *model, double base_score,
			const boost_train_options *o)
{
	bst_ulong count = 0;
	const char **dump = NULL;
	if (XGBoosterDumpModelEx(t->booster, "", 1, "json", &count, &dump) != 0)
		return xgb_fail(t, "dump");
	boost_model *b = calloc(1, sizeof(*b));
	if (b == NULL)
		return SZ_ENOMEM;
	int rc = boost_from_dump(b, model, t->feature_characteristics, t->feature_count, dump,
				 (uint32_t)count, base_score, o, t->error);
	if (rc != SZ_OK) {
		free(b);
		return rc;
	}
	if (model->challenger != NULL) {
		boost_model_release(model->challenger);
		free(model->challenger);
	}
	model->challenger = b;
	return SZ_OK;
}

static int predict(struct train *t, const scorecard_binding *binding, const credit_csv_table *table,
		   const uint32_t *rows, uint32_t count, double *margin)
{
	int rc = matrix_build(t, binding, table, rows, count, &t->predict);
	if (rc != SZ_OK)
		return rc;
	bst_ulong length = 0;
	const float *result = NULL;
	if (XGBoosterPredict(t->booster, t->predict, 1 /* margin */, 0, 0, &length, &result) != 0)
		return xgb_fail(t, "predict");
	if (length != count)
		return xgb_fail(t, "predict returned another row count");
	for (uint32_t r = 0; r < count; r++)
		margin[r] = (double)result[r];
	return SZ_OK;
}

static int train_run(struct train *t, scorecard_model *model, const scorecard_binding *binding,
		     const credit_csv_table *table, const uint8_t *is_good, const uint32_t *rows,
		     uint32_t row_count, const boost_train_options *o)
{
	int rc = matrix_build(t, binding, table, rows, row_count, &t->train);
	if (rc != SZ_OK)
		return rc;
	t->labels = malloc((size_t)row_count * sizeof(float));
	if (t->labels == NULL)
		return SZ_ENOMEM;
	double good = 0;
	for (uint32_t r = 0; r < row_count; r++) {
		t->labels[r] = is_good[rows != NULL ? rows[r] : r] ? 1.0f : 0.0f;
		good += t->labels[r];
	}
	if (good == 0 || good == row_count) {
		if (t->error != NULL)
			snprintf(t->error->message, sizeof(t->error->message),
				 "challenger: training needs good and bad rows");
		return SZ_EINVAL;
	}
	/* base_score is what the dump's margins are relative to: the good
	 * rate, rounded to a float as XGBoost keeps it. */
	double base_score = (double)(float)(good / row_count);
	if (XGDMatrixSetFloatInfo(t->train, "label", t->labels, row_count) != 0)
		return xgb_fail(t, "labels");
	if (XGBoosterCreate(&t->train, 1, &t->booster) != 0)
		return xgb_fail(t, "booster");
	if ((rc = params_set(t, o, base_score)) != SZ_OK)
		return rc;
	for (uint32_t i = 0; i < o->rounds; i++)
		if (XGBoosterUpdateOneIter(t->booster, (int)i, t->train) != 0)
			return xgb_fail(t, "update");
	return export_trees(t, model, base_score, o);
}

int boost_train(scorecard_model *model, const credit_csv_table *table, const uint8_t *is_good,
		const uint32_t *rows, uint32_t row_count, const boost_train_options *o,
		const uint32_t *predict_rows, uint32_t predict_count, double *predict_margin,
		scorecard_error *error)
{
	SZ_ASSERT(model != NULL && table != NULL && is_good != NULL && o != NULL);
	SZ_ASSERT(predict_count == 0 || (predict_rows != NULL && predict_margin != NULL));
	int rc = boost_train_options_check(o, error);
	if (rc != SZ_OK)
		return rc;
	struct train *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return SZ_ENOMEM;
	t->model = model;
	t->error = error;
	for (uint32_t i = 0; i < model->characteristic_count; i++)
		if (model->characteristics[i].selected)
			t->feature_characteristics[t->feature_count++] = i;
	scorecard_binding binding = { 0 };
	rc = scorecard_binding_init(&binding, model, table, error);
	if (rc == SZ_OK)
		rc = train_run(t, model, &binding, table, is_good, rows, row_count, o);
	if (rc == SZ_OK && predict_count > 0)
		rc = predict(t, &binding, table, predict_rows, predict_count, predict_margin);
	scorecard_binding_release(&binding);
	if (t->booster != NULL)
		XGBoosterFree(t->booster);
	if (t->train != NULL)
		XGDMatrixFree(t->train);
	if (t->predict != NULL)
		XGDMatrixFree(t->predict);
	free(t->matrix);
	free(t->labels);
	free(t);
	return rc;
}
