/*
 * boost_train.h — training the boosted challenger offline and quantising it.
 *
 * lint-float: offline — training (libxgboost), the model dump and the float
 * predictions run in the szfin-credit-boost trainer and the benchmark, never in apply.
 *
 * Owns: the challenger's training options; the feature row of a table row
 * (the fixed-point features of boost.h, as the server computes them); the
 * conversion of an XGBoost JSON model dump (XGBoosterDumpModelEx, format
 * "json", with statistics) into the integer trees of boost.h
 * (boost_dump.c: needs no libxgboost, so the tests and fuzzers use it); and
 * training through libxgboost's C API (boost_train.c, linked only into the
 * trainer program and the benchmark).
 *
 * Training: binary:logistic with label 1 = good, so a tree's margin is in
 * ln(good:bad odds) like the scorecard's; monotone constraints from each
 * characteristic's WoE direction (numeric: the sign of the WoE slope over
 * its range bins, weighted by their rows; categorical: +1, the feature is
 * the WoE itself); base_score the training good rate. Quantisation: a
 * threshold t (a float, as XGBoost compares float(feature) < t) becomes the
 * smallest integer T with float(T) >= t, so integer x < T decides exactly
 * as XGBoost did; a leaf's margin v becomes round(1000 * factor * v)
 * milli-points (factor = pdo / ln 2 of the champion's scaling); a split's
 * value is the cover-weighted mean of its leaves' margins, rounded the same
 * way; base = round(1000 * (offset + factor * ln(base_score / (1 - base_score)))).
 */
#ifndef SZ_CREDIT_BOOST_TRAIN_H
#define SZ_CREDIT_BOOST_TRAIN_H

#include "credit/boost.h"
#include "credit/csv.h"
#include "credit/scorecard_train.h"

#include <stdint.h>

typedef struct boost_train_options {
	uint32_t rounds;           /* trees */
	uint32_t depth_max;        /* of a tree (<= 7: BOOST_TREE_NODE_COUNT_MAX) */
	double eta;                /* learning rate */
	double min_child_weight;
	double subsample;          /* row share per tree (seeded) */
	double colsample;          /* characteristic share per tree */
	double lambda;             /* L2 on leaf values */
	uint32_t seed;
	bool monotone;             /* constraints from the WoE direction (default on) */
} boost_train_options;

/* 400 trees of depth 4, eta 0.02, min child weight 20, subsample 0.7,
 * colsample 0.8, lambda 5, seed 20240601, monotone: chosen on the 5-fold
 * AUC of credit_data and lending_club (bench/credit_bench.c), where depth 3
 * with eta 0.05 and weaker regularisation overfit lending_club (0.719). */
void boost_train_options_default(boost_train_options *options);

/* SZ_EINVAL with a message when an option is out of range. */
int boost_train_options_check(const boost_train_options *options, scorecard_error *error);

/* Monotone direction of characteristic c for a "good" label: +1, -1 or 0. */
int boost_monotone_sign(const scorecard_characteristic *c);

/* Features (boost.h) of row `row` of a bound table, one per characteristic
 * of model (SCORECARD_VALUE_MISSING for those not selected). */
void boost_features_of_row(const scorecard_model *model, const scorecard_binding *binding,
			   const credit_csv_table *table, uint32_t row, int64_t *features);

/* The integer threshold T of a float threshold t: integer x < T exactly
 * when (float)x < t. Clamped to +-(SCORECARD_VALUE_E4_MAX - 1). */
int64_t boost_threshold_of(float t);

/* Builds out (zeroed) from tree_count JSON tree dumps: feature "fJ" is
 * characteristic feature_characteristics[J] of model (J < feature_count);
 * base_score is the training base_score (a probability). Every node needs
 * "cover". SZ_EINVAL with a message on a malformed dump (the tree and
 * node named), SZ_ELIMIT over the boost.h bounds, SZ_ENOMEM. */
int boost_from_dump(boost_model *out, const scorecard_model *model,
		    const uint32_t *feature_characteristics, uint32_t feature_count,
		    const char *const *trees, uint32_t tree_count, double base_score,
		    const boost_train_options *options, scorecard_error *error);

/* Trains the challenger of a trained scorecard on its rows (rows NULL: all)
 * and sets model->challenger. When predict_count > 0, also writes
 * XGBoost's own margin (ln good:bad odds, float model) for predict_rows
 * into predict_margin. SZ_EINVAL (options, data), SZ_EIO (libxgboost
 * failed, its message in error), SZ_ENOMEM. */
int boost_train(scorecard_model *model, const credit_csv_table *table, const uint8_t *is_good,
		const uint32_t *rows, uint32_t row_count, const boost_train_options *options,
		const uint32_t *predict_rows, uint32_t predict_count, double *predict_margin,
		scorecard_error *error);

#endif
