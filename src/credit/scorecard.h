/*
 * scorecard.h — weight-of-evidence scorecards: the model, training, scoring.
 *
 * Owns: the scorecard model (characteristics, their bins with weight of
 * evidence and points, the logistic coefficients, the scaling), training it
 * from a credit_csv_table (scorecard.c), scoring one row of raw values into
 * points, a probability, a grade and reason codes (score.c), and the model
 * artifact (model_io.c).
 * Binning lives in binning.h, the logistic fit in logit.h, validation
 * metrics and cross-validation in validate.h.
 *
 * Conventions:
 *   - "good" is the outcome the lender wants; odds are good:bad.
 *   - WoE of a bin = ln( (g + a*G/N)/G / ((b + a*B/N)/B) ) where g, b are the
 *     bin's good and bad training rows, G, B, N the totals and a the prior
 *     count option: a bin with few rows is pulled toward 0 (the population
 *     average), an empty bin has WoE 0. With a = 0 this is the textbook
 *     ln(%good / %bad), and a zero count is replaced by 0.5.
 *   - IV of a characteristic = sum over bins of (g/G - b/B) * WoE.
 *   - ln(odds) = intercept + sum of coefficient * WoE; points =
 *     offset + factor * ln(odds) with factor = pdo / ln 2 and offset =
 *     base_points - factor * ln(base_odds). Each selected characteristic's
 *     bin carries factor * coefficient * WoE plus an equal share of
 *     offset + factor * intercept, so a score is a plain sum of points.
 *   - Grades (scorecard_grade_of) are bands of good:bad odds, so they keep
 *     their meaning under any scaling. With the default scaling (600 points
 *     at 50:1, 20 points to double) the bands are:
 *        AAA >= 660 (odds >= 400:1, bad probability <= 0.25%)
 *        AA  >= 640 (200:1)   A   >= 620 (100:1)   BBB >= 600 (50:1)
 *        BB  >= 580 (25:1)    B   >= 560 (12.5:1)  CCC >= 540 (6.25:1)
 *        CC  >= 520 (3.125:1, bad probability <= 24%)   C below 520.
 *     AAA-BBB is "investment grade" (bad probability under 2%).
 *
 * Floating point is used (statistics, not money); every computation runs in a
 * fixed order with no threads, so the same input gives bit-identical models.
 * Never: read a clock, random state or the environment while training.
 */
#ifndef SZ_CREDIT_SCORECARD_H
#define SZ_CREDIT_SCORECARD_H

#include "credit/csv.h"

#include <stdbool.h>
#include <stdint.h>

/* Reason codes returned per score: the four most costly characteristics. */
#define SCORECARD_REASON_COUNT 4u

/* Score bands kept from the training population, for the score PSI. */
#define SCORECARD_SCORE_BIN_COUNT 10u

/* Marks a bin index that does not exist (other_bin of numeric characteristics). */
#define SCORECARD_NO_BIN UINT32_MAX

typedef struct scorecard_error {
	char message[256];
} scorecard_error;

typedef struct scorecard_scaling {
	double base_points;   /* points at base_odds: 600 */
	double base_odds;     /* good:bad odds at base_points: 50 */
	double pdo_points;    /* points that double the odds: 20 */
} scorecard_scaling;

typedef struct scorecard_options {
	uint32_t fine_bin_count;    /* quantile bins of a numeric characteristic before merging */
	double bin_share_min;       /* a numeric bin holds at least this share of training rows */
	double category_share_min;  /* a category smaller than this share is merged with its
				       nearest neighbour by WoE */
	double woe_prior_count;     /* the prior count a of the WoE formula above */
	double split_chi2_min;      /* adjacent bins stay apart only when the chi-square of
				       their good/bad table reaches this (ChiMerge); 0 = off */
	bool drop_negative;         /* refit without characteristics whose coefficient is
				       negative (their points would run against their WoE) */
	double iv_min;              /* characteristics with a lower IV are left out */
	double lambda;              /* L2 penalty on the coefficients (not the intercept); 0 = MLE */
	scorecard_scaling scaling;
} scorecard_options;

enum scorecard_bin_kind {
	SCORECARD_BIN_RANGE = 1,    /* numeric: previous bin's upper < value <= upper */
	SCORECARD_BIN_LEVELS = 2,   /* categorical: the labels mapped to it */
	SCORECARD_BIN_OTHER = 3,    /* categorical: labels never seen in training */
	SCORECARD_BIN_MISSING = 4,  /* missing values; always the last bin */
};

typedef struct scorecard_bin {
	enum scorecard_bin_kind kind;
	double upper;          /* RANGE only: inclusive upper bound; +INFINITY for the last */
	uint32_t good_count;   /* training rows */
	uint32_t bad_count;
	double woe;
	double iv;             /* this bin's share of the characteristic's IV */
	double points;         /* 0 when the characteristic is not selected */
} scorecard_bin;

typedef struct scorecard_characteristic {
	char *name;
	enum credit_csv_kind kind;
	uint32_t bin_count;
	scorecard_bin *bins;
	uint32_t missing_bin;     /* == bin_count - 1 */
	uint32_t other_bin;       /* categorical: == bin_count - 2; numeric: SCORECARD_NO_BIN */
	uint32_t level_count;     /* categorical: labels seen in training */
	char **level_names;
	uint32_t *level_bins;     /* bin of each label */
	double iv;
	bool selected;            /* passed the IV filter; in the regression and the score */
	double coefficient;       /* 0 when not selected */
	double points_max;        /* selected: highest points of a bin with training rows */
	/* Derived on train and load, not serialized: label -> bin lookup. */
	uint32_t label_slot_count;
	int32_t *label_slots;
} scorecard_characteristic;

enum scorecard_grade {
	SCORECARD_GRADE_AAA = 0,
	SCORECARD_GRADE_AA,
	SCORECARD_GRADE_A,
	SCORECARD_GRADE_BBB,
	SCORECARD_GRADE_BB,
	SCORECARD_GRADE_B,
	SCORECARD_GRADE_CCC,
	SCORECARD_GRADE_CC,
	SCORECARD_GRADE_C,
};
#define SCORECARD_GRADE_COUNT 9u

typedef struct scorecard_model {
	char *target_name;
	char *good_label;
	scorecard_options options;        /* as trained */
	uint32_t good_count;              /* training rows */
	uint32_t bad_count;
	double intercept;
	uint32_t characteristic_count;
	scorecard_characteristic *characteristics;
	uint32_t selected_count;
	/* Training score distribution for the PSI: score_bin_count bands with
	 * inclusive upper bounds (last +INFINITY) and the training share in each. */
	uint32_t score_bin_count;
	double score_uppers[SCORECARD_SCORE_BIN_COUNT];
	double score_shares[SCORECARD_SCORE_BIN_COUNT];
	/* Derived on train and load, not serialized: lowest score of each grade
	 * but C (scorecard_grade_points_min), so scoring needs no logarithm. */
	double grade_points_min[SCORECARD_GRADE_COUNT];
} scorecard_model;

typedef struct scorecard_reason {
	uint32_t characteristic;   /* index in model->characteristics */
	double points_lost;        /* points_max - points of the row's bin; > 0 */
} scorecard_reason;

typedef struct scorecard_result {
	double score_points;
	double good_probability;
	double bad_probability;
	enum scorecard_grade grade;
	uint32_t reason_count;     /* characteristics that lost points, at most 4 */
	scorecard_reason reasons[SCORECARD_REASON_COUNT]; /* most points lost first */
} scorecard_result;

/* One raw value per characteristic: numeric uses number (NAN = missing),
 * categorical uses label (NULL or a missing token of csv.h = missing). */
typedef struct scorecard_value {
	double number;
	const char *label;
} scorecard_value;

/* Model characteristics bound to a table's columns, with each categorical
 * column's label indexes translated to bins once (the scoring fast path). */
typedef struct scorecard_binding {
	uint32_t characteristic_count;
	int32_t *columns;          /* table column per characteristic; -1 if not selected */
	uint32_t **level_bins;     /* categorical: table label index -> bin */
} scorecard_binding;

/* Defaults: 30 fine bins, 3% minimum bin share, 1% minimum category share,
 * prior count 1, no ChiMerge, negative coefficients kept, IV >= 0.02,
 * lambda 10 (a mild ridge: it lifts cross-validated AUC where bads are rare
 * and WoE is noisy; pass 0 for the plain maximum-likelihood fit), 600
 * points at 50:1, 20 points to double the odds. */
void scorecard_options_default(scorecard_options *options);

/* SZ_EINVAL with a message when an option is out of range. */
int scorecard_options_check(const scorecard_options *options, scorecard_error *error);

/* Fills is_good (table->row_count bytes: 1 good, 0 bad) from the target
 * column: a row is good when its value equals good_label (compared as a
 * number in a numeric column). Errors (SZ_ENOTFOUND, SZ_EINVAL): no such
 * column, a missing target value, more than two distinct values, or
 * good_label never present. */
int scorecard_target_encode(const credit_csv_table *table, const char *target_name,
			    const char *good_label, uint8_t *is_good, scorecard_error *error);

/* Trains a model on the given rows of table (rows == NULL: all rows) with
 * is_good from scorecard_target_encode. Every column except the target is a
 * characteristic. The model must be zeroed; on error it is released.
 * Errors: SZ_EINVAL (options, no good or no bad row, no characteristic
 * passing the IV filter, collinear characteristics), SZ_ELIMIT (the fit did
 * not converge), SZ_ENOMEM. */
int scorecard_train(scorecard_model *model, const credit_csv_table *table,
		    const char *target_name, const char *good_label, const uint8_t *is_good,
		    const uint32_t *rows, uint32_t row_count, const scorecard_options *options,
		    scorecard_error *error);

/* Frees everything the model owns and zeroes it. */
void scorecard_model_release(scorecard_model *model);

/* Builds the derived lookups of a model whose bins and scaling are set
 * (train, load): label hash tables and grade thresholds. */
int scorecard_model_index(scorecard_model *model);

/* Binds the selected characteristics to table columns by name.
 * SZ_ENOTFOUND: a selected characteristic has no column; SZ_EINVAL: the
 * column's kind differs from the characteristic's (except a column with no
 * value at all, which reads as numeric and binds as all missing). */
int scorecard_binding_init(scorecard_binding *binding, const scorecard_model *model,
			   const credit_csv_table *table, scorecard_error *error);
void scorecard_binding_release(scorecard_binding *binding);

/* Bin of a raw value of characteristic c. */
uint32_t scorecard_bin_of_number(const scorecard_characteristic *c, double number);
uint32_t scorecard_bin_of_label(const scorecard_characteristic *c, const char *label);
/* Bin of row `row` of the bound table for characteristic index. */
uint32_t scorecard_bin_of_row(const scorecard_model *model, const scorecard_binding *binding,
			      const credit_csv_table *table, uint32_t characteristic,
			      uint32_t row);

/* Scores one row of raw values (model->characteristic_count entries). */
void scorecard_score_values(const scorecard_model *model, const scorecard_value *values,
			    scorecard_result *result);

/* Scores row `row` of a bound table. Same result as scorecard_score_values. */
void scorecard_score_row(const scorecard_model *model, const scorecard_binding *binding,
			 const credit_csv_table *table, uint32_t row, scorecard_result *result);

/* The grade of a score under the given scaling, and its name ("BBB"). */
enum scorecard_grade scorecard_grade_of(const scorecard_scaling *scaling, double score_points);
const char *scorecard_grade_name(enum scorecard_grade grade);
/* Lowest score of a grade (-INFINITY for C). */
double scorecard_grade_points_min(const scorecard_scaling *scaling, enum scorecard_grade grade);

/* Points scaling: factor = pdo / ln 2; offset = base - factor * ln(odds). */
double scorecard_scaling_factor(const scorecard_scaling *scaling);
double scorecard_scaling_offset(const scorecard_scaling *scaling);

/* Writes the WoE design matrix of the given rows as CSV: a header
 * "y,<selected characteristic names>", then one line per row with y (1 good,
 * 0 bad) and each selected characteristic's WoE printed with 17 significant
 * digits. This is the exact input of the logistic fit. SZ_EIO on write error. */
int scorecard_design_write(const scorecard_model *model, const scorecard_binding *binding,
			   const credit_csv_table *table, const uint8_t *is_good,
			   const uint32_t *rows, uint32_t row_count, const char *path);

/* Model artifact (model_io.c): a versioned text format ending in a SHA-256
 * checksum line. save returns a malloc'ed text; parse checks everything and
 * rebuilds the lookup tables; a saved then parsed model scores bit-identically.
 * Errors: SZ_ECORRUPT (checksum or structure, with the line in the message),
 * SZ_EVERSION, SZ_ELIMIT (larger than SZ_SCORECARD_MODEL_SIZE_MAX), SZ_EIO. */
int scorecard_model_save(const scorecard_model *model, char **text, size_t *size);
int scorecard_model_parse(scorecard_model *model, const char *text, size_t size,
			  scorecard_error *error);
int scorecard_model_write_file(const scorecard_model *model, const char *path,
			       scorecard_error *error);
int scorecard_model_read_file(scorecard_model *model, const char *path, scorecard_error *error);

#endif
