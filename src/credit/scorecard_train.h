/*
 * scorecard_train.h — training a scorecard offline and scoring tables with it.
 *
 * lint-float: offline — training, tables and validation run in the szfin
 * credit train/validate/cv tools and the benchmarks, never in apply.
 *
 * Owns: the training options (floating point), training a model from a
 * credit_csv_table (scorecard.c), binding a model to a table's columns and
 * scoring table rows (score_table.c). Training computes WoE, the logistic
 * fit and the points in double precision and rounds them once into the
 * integer model of scorecard.h; scoring a table converts each value to
 * fixed point (scorecard_value_e4_of) and scores with the same integer code
 * as the server, so offline and server scores are identical.
 */
#ifndef SZ_CREDIT_SCORECARD_TRAIN_H
#define SZ_CREDIT_SCORECARD_TRAIN_H

#include "credit/csv.h"
#include "credit/scorecard.h"

#include <stdbool.h>
#include <stdint.h>

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
	double woe_prior_count;     /* the prior count a of the WoE formula (scorecard.h) */
	double split_chi2_min;      /* adjacent bins stay apart only when the chi-square of
				       their good/bad table reaches this (ChiMerge); 0 = off */
	bool drop_negative;         /* refit without characteristics whose coefficient is
				       negative (their points would run against their WoE) */
	double iv_min;              /* characteristics with a lower IV are left out */
	double lambda;              /* L2 penalty on the coefficients (not the intercept); 0 = MLE */
	scorecard_scaling scaling;
	/* The missing bin of a characteristic whose training rows have no
	 * missing value (one that has them gets their own WoE). */
	enum scorecard_missing_policy missing_policy;
	/* Protected attributes (scorecard_protected_match) are left out of the
	 * model unless allowed: protected_list replaces the default list when
	 * not NULL (comma-separated names); protected_allow names the columns
	 * used anyway (comma-separated, or "all"; NULL = none). */
	bool exclude_protected;
	const char *protected_list;
	const char *protected_allow;
	/* Thin-file policy written into the model, per product (enum
	 * scorecard_product): completeness under this share (0..1) is the
	 * manual-review band; 0 = none. */
	double thin_file_completeness_min[SCORECARD_PRODUCT_COUNT];
	/* Columns that are neither target nor characteristic (a time column,
	 * an id): comma-separated names, NULL = none. */
	const char *ignore_columns;
	/* PD master scale written into the model, "NAME:PD_MAX,..." (validate.h);
	 * NULL = SCORECARD_MASTER_SCALE_DEFAULT. */
	const char *master_scale;
} scorecard_options;

/* The default protected attributes: race, ethnicity, sex, marital status,
 * age, religion, nationality, with the spellings public data sets use for
 * them (gender, personal_status_sex, foreign_worker, citizenship). */
#define SCORECARD_PROTECTED_DEFAULT \
	"race,ethnicity,ethnic,sex,gender,marital,marital_status,personal_status,age,religion," \
	"nationality,foreign_worker,citizenship"

/* Whether a column name is on a comma-separated list of protected names
 * (NULL = SCORECARD_PROTECTED_DEFAULT). Names compare as tokens: both are
 * lowercased and split at every byte that is not a letter or digit, and an
 * entry matches when its tokens appear in a row among the column's ("Age",
 * "age_group" and "Marital" match; "mortgage" and "stage" do not). The
 * enterprise characteristics the credit domain computes (age_years is the
 * age of a company) are never protected. */
bool scorecard_protected_match(const char *column_name, const char *list);

/* Model characteristics bound to a table's columns, with each categorical
 * column's label indexes translated to bins once (the scoring fast path). */
typedef struct scorecard_binding {
	uint32_t characteristic_count;
	int32_t *columns;          /* table column per characteristic; -1 if not selected */
	uint32_t **level_bins;     /* categorical: table label index -> bin */
} scorecard_binding;

/* Defaults: 30 fine bins, 3% minimum bin share, 1% minimum category share,
 * prior count 1, no ChiMerge, characteristics with a negative coefficient
 * dropped and the model refit, protected attributes excluded, the missing
 * bin of a characteristic never missing in training scored as its worst
 * bin, IV >= 0.02,
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

/* Fixed point of a value read from a table: x * 10,000 rounded to nearest
 * (half away from zero), clamped to +-SCORECARD_VALUE_E4_MAX; NAN ->
 * SCORECARD_VALUE_MISSING. A decimal with at most 4 places converts exactly. */
int64_t scorecard_value_e4_of(double x);
/* x * scale rounded to nearest (half away from zero); |x * scale| < 2^62. */
int64_t scorecard_fixed_of(double x, int64_t scale);
/* Fixed point back to a double, for reports and statistics. */
double scorecard_double_of(int64_t fixed, int64_t scale);

/* The grade thresholds and probability table of a scaling, for a model
 * whose bins' points are set: training fills them; tests check them. */
void scorecard_scale_apply(scorecard_model *model, const scorecard_scaling *scaling);

/* Points scaling: factor = pdo / ln 2; offset = base - factor * ln(odds). */
double scorecard_scaling_factor(const scorecard_scaling *scaling);
double scorecard_scaling_offset(const scorecard_scaling *scaling);
/* Lowest score of a grade (-INFINITY for C), in points. */
double scorecard_grade_points_min(const scorecard_scaling *scaling, enum scorecard_grade grade);

/* Binds the selected characteristics to table columns by name.
 * SZ_ENOTFOUND: a selected characteristic has no column; SZ_EINVAL: the
 * column's kind differs from the characteristic's (except a column with no
 * value at all, which reads as numeric and binds as all missing). */
int scorecard_binding_init(scorecard_binding *binding, const scorecard_model *model,
			   const credit_csv_table *table, scorecard_error *error);
void scorecard_binding_release(scorecard_binding *binding);

/* Bin of row `row` of the bound table for characteristic index. */
uint32_t scorecard_bin_of_row(const scorecard_model *model, const scorecard_binding *binding,
			      const credit_csv_table *table, uint32_t characteristic,
			      uint32_t row);

/* The first selected characteristic whose value in row `row` is outside
 * its declared range (and the value), or -1. */
int32_t scorecard_row_out_of_range(const scorecard_model *model, const scorecard_binding *binding,
				   const credit_csv_table *table, uint32_t row, double *value);

/* Scores row `row` of a bound table: the same result as
 * scorecard_score_values with each value through scorecard_value_e4_of. */
void scorecard_score_row(const scorecard_model *model, const scorecard_binding *binding,
			 const credit_csv_table *table, uint32_t row, scorecard_result *result);

/* Writes the WoE design matrix of the given rows as CSV: a header
 * "y,<selected characteristic names>", then one line per row with y (1 good,
 * 0 bad) and each selected characteristic's WoE (the model's, 1e-9 units)
 * printed with 17 significant digits. This is the exact input of the
 * logistic fit. SZ_EIO on write error. */
int scorecard_design_write(const scorecard_model *model, const scorecard_binding *binding,
			   const credit_csv_table *table, const uint8_t *is_good,
			   const uint32_t *rows, uint32_t row_count, const char *path);

#endif
