/*
 * validate.h — how good and how stable a scorecard is.
 *
 * lint-float: offline — validation and cross-validation run in the offline tools.
 *
 * Owns: discrimination (AUC, Gini, KS), accuracy (Brier score, calibration
 * by decile), population stability (PSI of the score, CSI of each
 * characteristic between the training population and another one), and
 * stratified k-fold cross-validation with a seeded splitmix64 generator.
 *
 * Conventions: a higher score means a better (good) applicant. AUC is the
 * probability that a random good outranks a random bad, ties counting one
 * half (Mann-Whitney). KS is the largest gap between the cumulative score
 * distributions of bads and goods, evaluated only between distinct scores.
 * Brier is the mean of (bad probability - is_bad)^2. Calibration groups are
 * tenths of the rows ordered by score (worst first; ties by row order).
 * PSI = sum (actual - expected) ln(actual / expected) over bands, with each
 * share floored at 1e-4 so that an empty band gives a large, finite value.
 * Rules of thumb: PSI < 0.1 stable, 0.1-0.25 watch, > 0.25 shifted.
 *
 * Never: use a random source other than the given seed, or let a test fold's
 * rows reach its training (bins and WoE are fit on the training folds only).
 */
#ifndef SZ_CREDIT_VALIDATE_H
#define SZ_CREDIT_VALIDATE_H

#include "core/limits.h"
#include "credit/scorecard_train.h"

#define SCORECARD_CALIBRATION_COUNT 10u

/* Share floor of the PSI formula (see above). */
#define SCORECARD_PSI_SHARE_FLOOR 1e-4

typedef struct scorecard_calibration {
	uint32_t count;
	double score_min;
	double score_max;
	double predicted_bad_rate;   /* mean bad probability */
	double observed_bad_rate;
} scorecard_calibration;

typedef struct scorecard_metrics {
	uint32_t count;
	uint32_t good_count;
	uint32_t bad_count;
	double auc;
	double gini;           /* 2 AUC - 1 */
	double ks;
	double ks_score;       /* score at which the KS gap is largest (bands <= it) */
	double brier;
	uint32_t calibration_count;
	scorecard_calibration calibration[SCORECARD_CALIBRATION_COUNT];
} scorecard_metrics;

/* AUC of scores against outcomes. SZ_EINVAL without a good and a bad row. */
int scorecard_auc(const double *scores, const uint8_t *is_good, uint32_t count, double *auc);

/* All metrics above. bad_probabilities may be NULL (Brier and calibration
 * rates are then NAN). SZ_EINVAL without a good and a bad row, SZ_ENOMEM. */
int scorecard_metrics_compute(const double *scores, const double *bad_probabilities,
			      const uint8_t *is_good, uint32_t count, scorecard_metrics *out);

/* PSI of two distributions over the same bands (shares sum to 1 each). */
double scorecard_psi(const double *expected_shares, const double *actual_shares,
		     uint32_t band_count);

/* Score PSI of the bound table's rows against the model's training
 * population, and the CSI of each characteristic (csi has
 * characteristic_count entries; NAN for characteristics not selected). */
int scorecard_shift_compute(const scorecard_model *model, const scorecard_binding *binding,
			    const credit_csv_table *table, double *psi, double *csi);

/* Fairness of decisions by a sensitive attribute: per group the AUC, the
 * approval rate (score >= cutoff) and the adverse-impact ratio, the group's
 * approval rate over the highest group's (the four-fifths rule flags a
 * ratio under 0.8). Groups are the labels of a categorical column, or the
 * quartiles of a numeric one (ties never split); missing values are their
 * own group. */
#define SCORECARD_GROUP_COUNT_MAX 64u
#define SCORECARD_IMPACT_RATIO_MIN 0.8

typedef struct scorecard_group {
	char label[64];
	uint32_t count;
	uint32_t good_count;
	uint32_t approved_count;
	double auc;            /* NAN when the group lacks goods or bads */
	double approval_rate;
	double impact_ratio;
} scorecard_group;

/* Fills groups (at most SCORECARD_GROUP_COUNT_MAX; labels past that are
 * pooled into the last) for column over count rows. SZ_ENOMEM. */
int scorecard_groups_compute(const credit_csv_column *column, const double *scores,
			     const uint8_t *is_good, uint32_t count, double cutoff,
			     scorecard_group *groups, uint32_t *group_count);

/* PD master scale: grades with the highest bad probability of each, in
 * increasing order, the last 1.0. Parsed from "NAME:PD_MAX,NAME:PD_MAX,...";
 * the default is 1 <= 0.25%, 2 <= 0.5%, 3 <= 1%, 4 <= 2%, 5 <= 5%,
 * 6 <= 10%, 7 <= 20%, 8 <= 100%. */
#define SCORECARD_MASTER_GRADE_COUNT_MAX 20u
#define SCORECARD_MASTER_SCALE_DEFAULT "1:0.0025,2:0.005,3:0.01,4:0.02,5:0.05,6:0.1,7:0.2,8:1"

typedef struct scorecard_master_scale {
	uint32_t grade_count;
	char names[SCORECARD_MASTER_GRADE_COUNT_MAX][16];
	double pd_max[SCORECARD_MASTER_GRADE_COUNT_MAX];
} scorecard_master_scale;

/* SZ_EINVAL (with a message) unless names are 1-15 bytes and the bounds
 * increase strictly in (0, 1] ending at 1. */
int scorecard_master_scale_parse(const char *text, scorecard_master_scale *scale,
				 scorecard_error *error);
/* Grade index of a bad probability: the first whose pd_max >= pd. */
uint32_t scorecard_master_grade_of(const scorecard_master_scale *scale, double pd);

/* Per master grade: rows, observed bads, mean predicted PD, and the
 * one-sided exact binomial test of H0 "the PD is right" against "too low":
 * p = P(X >= observed) for X ~ Binomial(rows, mean PD). */
typedef struct scorecard_grade_check {
	uint32_t count;
	uint32_t bad_count;
	double predicted_pd;
	double observed_rate;
	double binomial_p;     /* NAN for an empty grade */
} scorecard_grade_check;

int scorecard_grade_checks(const scorecard_master_scale *scale, const double *bad_probabilities,
			   const uint8_t *is_good, uint32_t count, scorecard_grade_check *checks);

/* P(X >= k) for X ~ Binomial(n, p), summed exactly in log space. */
double scorecard_binomial_upper(uint32_t n, uint32_t k, double p);

/* Hosmer-Lemeshow over groups with counts n_g, observed bads o_g and
 * expected bads e_g (sum of predicted PDs): HL = sum (o_g - e_g)^2 /
 * (e_g (1 - e_g / n_g)); p from the chi-square distribution with
 * group_count - 2 degrees of freedom. Groups with e_g = 0 or e_g = n_g are
 * skipped (their term is undefined). */
void scorecard_hosmer_lemeshow(const uint32_t *counts, const double *observed,
			       const double *expected, uint32_t group_count, double *statistic,
			       double *p_value);

/* P(chi-square with df degrees of freedom > x). */
double scorecard_chi2_upper(double x, double df);

/* Median of count scores (the default approval cutoff of a report). */
double scorecard_median(const double *scores, uint32_t count);

/* splitmix64 (Steele, Lea, Flood 2014): the next value of the stream. */
uint64_t scorecard_splitmix64(uint64_t *state);

/* Assigns each of count rows a fold in [0, fold_count): rows of each outcome
 * are shuffled with the seed, then dealt round-robin, so every fold gets
 * the same number of goods and of bads, give or take one. SZ_EINVAL if
 * fold_count is outside 2..SZ_SCORECARD_FOLD_COUNT_MAX or above count. */
int scorecard_folds_assign(const uint8_t *is_good, uint32_t count, uint32_t fold_count,
			   uint64_t seed, uint32_t *fold_of_row);

typedef struct scorecard_cv_result {
	uint32_t fold_count;
	double fold_auc[SZ_SCORECARD_FOLD_COUNT_MAX];
	double fold_ks[SZ_SCORECARD_FOLD_COUNT_MAX];
	uint32_t fold_selected_count[SZ_SCORECARD_FOLD_COUNT_MAX];
	double auc_mean;
	double auc_sd;         /* sample standard deviation across folds */
	double ks_mean;
	double auc_pooled;     /* AUC of all out-of-fold scores together */
	/* A fold whose training fails is reported, never the end of the run:
	 * the means and the pooled AUC are over the folds that trained. */
	uint32_t failed_count;
	bool fold_failed[SZ_SCORECARD_FOLD_COUNT_MAX];
	char fold_error[SZ_SCORECARD_FOLD_COUNT_MAX][160];
} scorecard_cv_result;

/* Stratified k-fold cross-validation of scorecard_train with options on all
 * rows of table. A fold that fails to train is marked with its error; the
 * run fails (SZ_EINVAL, the first fold's error) only when every fold does.
 * Errors as scorecard_folds_assign, SZ_ENOMEM. */
int scorecard_cross_validate(const credit_csv_table *table, const char *target_name,
			     const char *good_label, const uint8_t *is_good,
			     const scorecard_options *options, uint32_t fold_count, uint64_t seed,
			     scorecard_cv_result *result, scorecard_error *error);

/* scorecard_cross_validate on the given rows of table only. */
int scorecard_cross_validate_rows(const credit_csv_table *table, const char *target_name,
				  const char *good_label, const uint8_t *is_good,
				  const uint32_t *rows, uint32_t row_count,
				  const scorecard_options *options, uint32_t fold_count, uint64_t seed,
				  scorecard_cv_result *result, scorecard_error *error);

/* Out-of-time validation: rows whose time_column value is at or after
 * `from` (numbers as numbers, text as text: 2023-07 sorts after 2023-06)
 * are held out; k-fold cross-validation runs on the earlier rows, a model
 * trained on all of them scores the later ones: AUC, KS, calibration by
 * decile and Hosmer-Lemeshow out of time. The options must ignore the time
 * column (options->ignore_columns). */
typedef struct scorecard_oot_result {
	uint32_t in_count;
	uint32_t out_count;
	scorecard_cv_result cv;          /* in time */
	scorecard_metrics oot;           /* out of time */
	double hosmer_lemeshow;
	double hosmer_lemeshow_p;
} scorecard_oot_result;

int scorecard_out_of_time(const credit_csv_table *table, const char *target_name,
			  const char *good_label, const uint8_t *is_good, const char *time_column,
			  const char *from, const scorecard_options *options, uint32_t fold_count,
			  uint64_t seed, scorecard_oot_result *result, scorecard_error *error);

#endif
