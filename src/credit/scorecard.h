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
 * The model is integers only (format 2): what the server keeps in its state
 * and scores with is fixed point, so every replica on every compiler and
 * libm gets the same score, probability and grade. Scales:
 *   values       1/10,000 of the characteristic's unit (SCORECARD_VALUE_SCALE):
 *                age 3.25 years is 32500; a range bin's upper bound likewise;
 *   points       1/1,000 point (SCORECARD_POINTS_SCALE): 612.345 is 612345;
 *   WoE, IV, coefficients, the intercept   1e-9 (SCORECARD_NANO);
 *   probabilities   parts per billion (SCORECARD_NANO);
 *   shares and training options   parts per million (SCORECARD_PPM).
 * Score -> bad probability is a table in the model (pd_*): the bad
 * probability at evenly spaced scores covering every score the card can
 * give, interpolated linearly in integers between two entries. Grade
 * thresholds are in the model too, so scoring needs no logarithm.
 * Training (scorecard_train.h) computes in floating point and rounds into
 * this model once; the offline tools score with this same integer code.
 * Never: use floating point here (scripts/lint-float.sh), read a clock,
 * random state or the environment.
 */
#ifndef SZ_CREDIT_SCORECARD_H
#define SZ_CREDIT_SCORECARD_H

#include "credit/csv.h" /* enum credit_csv_kind, the missing-value tokens */

#include <stdbool.h>
#include <stdint.h>

/* Reason codes returned per score: the four most costly characteristics. */
#define SCORECARD_REASON_COUNT 4u

/* Score bands kept from the training population, for the score PSI. */
#define SCORECARD_SCORE_BIN_COUNT 10u

/* Marks a bin index that does not exist (other_bin of numeric characteristics). */
#define SCORECARD_NO_BIN UINT32_MAX

/* The products a model scores for: the scorecard alone, and the
 * tech-enterprise score built on it (docs/credit.md). */
enum scorecard_product {
	SCORECARD_PRODUCT_SCORECARD = 0,
	SCORECARD_PRODUCT_TECH = 1,
};
#define SCORECARD_PRODUCT_COUNT 2u

/* PD master scale bounds: grades and the bytes of a grade name (with NUL). */
#define SCORECARD_MASTER_COUNT_MAX 20u
#define SCORECARD_MASTER_NAME_SIZE 16u

/* Fixed-point scales (see above). */
#define SCORECARD_VALUE_SCALE 10000
#define SCORECARD_POINTS_SCALE 1000
#define SCORECARD_NANO 1000000000
#define SCORECARD_PPM 1000000

/* A missing numeric value. */
#define SCORECARD_VALUE_MISSING INT64_MIN
/* Numeric values are clamped to +-SCORECARD_VALUE_E4_MAX (1e14 units of the
 * characteristic): far beyond any figure a model bins, and sums of a few of
 * them cannot overflow. */
#define SCORECARD_VALUE_E4_MAX 1000000000000000000ll
/* Open ends of a declared value range. */
#define SCORECARD_RANGE_OPEN_MIN (-SCORECARD_VALUE_E4_MAX)
#define SCORECARD_RANGE_OPEN_MAX SCORECARD_VALUE_E4_MAX
/* Upper bound of the last range bin, and of the last score band. */
#define SCORECARD_UPPER_LAST INT64_MAX
/* Entries of the score -> bad probability table: 0.1 point apart for a card
 * spanning up to 409 points, wider steps beyond (a 1,000-point card gets
 * 0.245 points, where linear interpolation is off by under 1e-6); 16 KiB
 * per model. */
#define SCORECARD_PD_COUNT_MAX 4096u
/* Finest step of that table: 0.1 point. */
#define SCORECARD_PD_STEP_MILLI_MIN 100

/* What the missing bin of a characteristic scores when training had no
 * missing value for it (with missing rows, it has their own WoE). */
enum scorecard_missing_policy {
	SCORECARD_MISSING_WORST = 0,   /* the WoE of its worst bin: missing data never helps */
	SCORECARD_MISSING_NEUTRAL = 1, /* WoE 0: the population average */
};

/* Why training left a characteristic out (not serialized: the train report). */
enum scorecard_exclusion {
	SCORECARD_INCLUDED = 0,
	SCORECARD_EXCLUDED_IV,         /* IV under iv_min */
	SCORECARD_EXCLUDED_NEGATIVE,   /* negative coefficient: dropped and refit */
	SCORECARD_EXCLUDED_PROTECTED,  /* a protected attribute */
};

typedef struct scorecard_error {
	char message[256];
} scorecard_error;

/* The training options and scaling a model was made with, as recorded in
 * the model (parts per million of the option's value); for the record only:
 * scoring never reads them. */
typedef struct scorecard_options_record {
	uint32_t fine_bin_count;
	uint32_t drop_negative;        /* 0 or 1 */
	int64_t bin_share_min_ppm;
	int64_t category_share_min_ppm;
	int64_t woe_prior_count_ppm;
	int64_t split_chi2_min_ppm;
	int64_t iv_min_ppm;
	int64_t lambda_ppm;
	int64_t base_points_ppm;       /* points at base_odds: 600 */
	int64_t base_odds_ppm;         /* good:bad odds at base_points: 50 */
	int64_t pdo_points_ppm;        /* points that double the odds: 20 */
} scorecard_options_record;

enum scorecard_bin_kind {
	SCORECARD_BIN_RANGE = 1,    /* numeric: previous bin's upper < value <= upper */
	SCORECARD_BIN_LEVELS = 2,   /* categorical: the labels mapped to it */
	SCORECARD_BIN_OTHER = 3,    /* categorical: labels never seen in training */
	SCORECARD_BIN_MISSING = 4,  /* missing values; always the last bin */
};

typedef struct scorecard_bin {
	enum scorecard_bin_kind kind;
	uint32_t good_count;   /* training rows */
	uint32_t bad_count;
	int64_t upper_e4;      /* RANGE only: inclusive upper bound; SCORECARD_UPPER_LAST for
				  the last; 0 for other kinds */
	int64_t woe_nano;
	int64_t iv_nano;       /* this bin's share of the characteristic's IV */
	int64_t points_milli;  /* 0 when the characteristic is not selected */
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
	int64_t iv_nano;
	bool selected;            /* passed the IV filter; in the regression and the score */
	int64_t coefficient_nano; /* 0 when not selected */
	int64_t points_max_milli; /* selected: highest points of a bin with training rows */
	/* Numeric: the declared range of a value (inclusive, 1/10,000 of the
	 * unit); a value outside it is refused, never binned. Training declares
	 * [0, max] when no training value is negative, else [min, max] (the
	 * open ends SCORECARD_RANGE_OPEN_MIN/MAX); --range overrides. */
	int64_t value_min_e4;
	int64_t value_max_e4;
	/* Derived on train and load, not serialized: label -> bin lookup. */
	uint32_t label_slot_count;
	int32_t *label_slots;
	/* Set by training only, for its report: why it was left out, whether it
	 * is a protected attribute used by override, and the bins merged
	 * because one outcome was absent from them (quasi-complete separation). */
	enum scorecard_exclusion exclusion;
	bool protected_used;
	uint32_t separation_merge_count;
	char separation_note[128];     /* the first bin found with one outcome absent */
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
	scorecard_options_record options; /* as trained */
	uint32_t good_count;              /* training rows */
	uint32_t bad_count;
	int64_t intercept_nano;
	uint32_t characteristic_count;
	scorecard_characteristic *characteristics;
	uint32_t selected_count;
	/* Lowest score of each grade; grade_points_min_milli[C] is INT64_MIN. */
	int64_t grade_points_min_milli[SCORECARD_GRADE_COUNT];
	/* Score -> bad probability: pd_ppb[k] at score pd_first_milli +
	 * k * pd_step_milli, non-increasing; scores outside take the end value. */
	int64_t pd_first_milli;
	int64_t pd_step_milli;
	uint32_t pd_count;
	uint32_t pd_ppb[SCORECARD_PD_COUNT_MAX];
	/* Training score distribution for the PSI: score_bin_count bands with
	 * inclusive upper bounds (last SCORECARD_UPPER_LAST) and the training
	 * share in each (adding up to SCORECARD_PPM). */
	uint32_t score_bin_count;
	int64_t score_uppers_milli[SCORECARD_SCORE_BIN_COUNT];
	uint32_t score_shares_ppm[SCORECARD_SCORE_BIN_COUNT];
	/* Thin-file policy per product (enum scorecard_product): a decision
	 * whose completeness (scorecard_completeness_ppm) is under its
	 * product's bound goes to the manual-review band whatever its score;
	 * 0 = no policy. */
	uint32_t thin_file_completeness_min_ppm[SCORECARD_PRODUCT_COUNT];
	/* PD master scale (format 3): grade k holds bad probabilities up to
	 * master_pd_max_ppb[k], rising, the last SCORECARD_NANO. */
	uint32_t master_count;
	char master_names[SCORECARD_MASTER_COUNT_MAX][SCORECARD_MASTER_NAME_SIZE];
	uint32_t master_pd_max_ppb[SCORECARD_MASTER_COUNT_MAX];
	/* The boosted challenger scored in shadow (boost.h, model format 4),
	 * or NULL; owned by the model. */
	struct boost_model *challenger;
} scorecard_model;

/* Master-scale grade of a bad probability: the first grade whose bound is
 * >= bad_ppb. The model has at least one grade. */
uint32_t scorecard_master_of(const scorecard_model *model, uint32_t bad_ppb);

/* Whether a result of a product falls in the model's manual-review band
 * (thin file). */
bool scorecard_thin_file(const scorecard_model *model, enum scorecard_product product,
			 uint32_t completeness_ppm);

typedef struct scorecard_reason {
	uint32_t characteristic;   /* index in model->characteristics */
	int64_t points_lost_milli; /* points_max - points of the row's bin; > 0 */
} scorecard_reason;

typedef struct scorecard_result {
	int64_t score_milli;
	uint32_t bad_ppb;          /* bad probability; the good one is SCORECARD_NANO - bad_ppb */
	enum scorecard_grade grade;
	uint32_t reason_count;     /* characteristics that lost points, at most 4 */
	scorecard_reason reasons[SCORECARD_REASON_COUNT]; /* most points lost first */
	/* Data completeness: selected characteristics scored, and of them those
	 * whose value was missing or a label unseen in training (the first 64
	 * characteristic indexes also as bits of the masks). */
	uint32_t scored_count;
	uint32_t missing_count;
	uint32_t unseen_count;
	uint64_t missing_mask;
	uint64_t unseen_mask;
} scorecard_result;

/* Share of the scored characteristics with a value seen in training, in
 * parts per million (rounded down); SCORECARD_PPM when none was scored. */
uint32_t scorecard_completeness_ppm(const scorecard_result *result);

/* Whether a numeric value is inside c's declared range (missing is). */
bool scorecard_value_in_range(const scorecard_characteristic *c, int64_t number_e4);

/* One raw value per characteristic: numeric uses number_e4
 * (SCORECARD_VALUE_MISSING = missing), categorical uses label (NULL or a
 * missing token of csv.h = missing). */
typedef struct scorecard_value {
	int64_t number_e4;
	const char *label;
} scorecard_value;

/* Frees everything the model owns and zeroes it. */
void scorecard_model_release(scorecard_model *model);

/* Builds the derived lookups of a model whose bins are set (train, load):
 * the label hash tables. SZ_ENOMEM. */
int scorecard_model_index(scorecard_model *model);

/* Labels are compared after one normalisation, at training and at
 * scoring: full-width ASCII forms (U+FF01-U+FF5E) become their ASCII
 * characters and the ideographic space (U+3000) a space; ASCII letters are
 * lowercased; leading and trailing whitespace (space, tab, CR, LF, VT, FF)
 * is removed and every inner run of it becomes one space. Other bytes are
 * kept. So "Radio/TV", " radio/tv " and "\uFF32adio/TV" are "radio/tv".
 * Writes at most size - 1 bytes and a NUL into out; the result is never
 * longer than the input. Returns its length. */
size_t scorecard_label_normalize(const char *label, char *out, size_t size);

/* Bin of a raw value of characteristic c (a label through the rule above;
 * a label that normalises to nothing is missing). */
uint32_t scorecard_bin_of_number(const scorecard_characteristic *c, int64_t number_e4);
uint32_t scorecard_bin_of_label(const scorecard_characteristic *c, const char *label);

/* Adds bin `bin` of characteristic index to a running score (start from a
 * zeroed result), keeping the top reasons; then scorecard_score_finish sets
 * the probability and grade. scorecard_score_values does both. */
void scorecard_score_add(const scorecard_model *model, uint32_t characteristic, uint32_t bin,
			 scorecard_result *result);
void scorecard_score_finish(const scorecard_model *model, scorecard_result *result);

/* Scores one row of raw values (model->characteristic_count entries). */
void scorecard_score_values(const scorecard_model *model, const scorecard_value *values,
			    scorecard_result *result);

/* Bad probability (ppb) of a score by the model's table, and the grade. */
uint32_t scorecard_pd_of(const scorecard_model *model, int64_t score_milli);
enum scorecard_grade scorecard_grade_of(const scorecard_model *model, int64_t score_milli);
const char *scorecard_grade_name(enum scorecard_grade grade);

/* Model artifact (model_io.c): a versioned text format of integers ending
 * in a SHA-256 checksum line. save returns a malloc'ed text; parse checks
 * everything and rebuilds the lookup tables; a saved then parsed model is
 * field for field the same. Errors: SZ_ECORRUPT (checksum or structure,
 * with the line in the message), SZ_EVERSION, SZ_ELIMIT (larger than
 * SZ_SCORECARD_MODEL_SIZE_MAX), SZ_EIO. */
int scorecard_model_save(const scorecard_model *model, char **text, size_t *size);
int scorecard_model_parse(scorecard_model *model, const char *text, size_t size,
			  scorecard_error *error);
int scorecard_model_write_file(const scorecard_model *model, const char *path,
			       scorecard_error *error);
int scorecard_model_read_file(scorecard_model *model, const char *path, scorecard_error *error);

#endif
