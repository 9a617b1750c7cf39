/*
 * scorecard.c — training a scorecard: options, target, bins, fit, points.
 *
 * Training is: bin every characteristic on the training rows (binning.c),
 * keep those whose IV reaches iv_min, encode the rows as WoE through the
 * same lookup used for scoring (score.c), fit the logistic regression
 * (logit.c), optionally refit without negative coefficients, turn
 * coefficients into points, and record the training score distribution for
 * later PSI. Everything is computed in double precision and rounded once
 * into the integer model (scorecard.h): WoE and IV right after binning (so
 * the fit sees the model's own WoE), coefficients after the fit, points,
 * grade thresholds and the probability table at the end.
 *
 * lint-float: offline — training runs in szfin credit train/cv and the
 * benchmarks, never in apply.
 */
#include "credit/scorecard_train.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"
#include "credit/binning.h"
#include "credit/logit.h"
#include "credit/validate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void error_set(scorecard_error *error, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

static void error_set(scorecard_error *error, const char *format, ...)
{
	if (error == NULL)
		return;
	va_list args;
	va_start(args, format);
	vsnprintf(error->message, sizeof(error->message), format, args);
	va_end(args);
}

void scorecard_options_default(scorecard_options *options)
{
	SZ_ASSERT(options != NULL);
	memset(options, 0, sizeof(*options));
	/* Chosen by 5-fold cross-validation (8 seeds) on the two public data
	 * sets of bench/credit_bench.c; see the README of tests/data/credit. */
	options->fine_bin_count = 30;
	options->bin_share_min = 0.03;
	options->category_share_min = 0.01;
	options->woe_prior_count = 1.0;
	options->split_chi2_min = 0.0;
	/* With WoE coding a negative coefficient reverses what the
	 * characteristic means: drop it and refit (the report lists it). */
	options->drop_negative = true;
	options->missing_policy = SCORECARD_MISSING_WORST;
	options->exclude_protected = true;
	options->protected_list = NULL;
	options->protected_allow = NULL;
	options->iv_min = 0.02;
	options->lambda = 10.0;
	options->scaling.base_points = 600.0;
	options->scaling.base_odds = 50.0;
	options->scaling.pdo_points = 20.0;
}

int scorecard_options_check(const scorecard_options *o, scorecard_error *error)
{
	SZ_ASSERT(o != NULL);
	/* A share below this could make more bins than SZ_SCORECARD_BIN_COUNT_MAX. */
	double share_min = 1.0 / (double)(SZ_SCORECARD_BIN_COUNT_MAX - 2u);
	if (o->fine_bin_count < 2 || o->fine_bin_count > SZ_SCORECARD_FINE_BIN_COUNT_MAX) {
		error_set(error, "fine bin count must be 2..%u", SZ_SCORECARD_FINE_BIN_COUNT_MAX);
		return SZ_EINVAL;
	}
	if (!(o->bin_share_min >= share_min && o->bin_share_min <= 0.5)) {
		error_set(error, "minimum bin share must be %.4f..0.5", share_min);
		return SZ_EINVAL;
	}
	if (!(o->category_share_min >= share_min && o->category_share_min <= 0.5)) {
		error_set(error, "minimum category share must be %.4f..0.5", share_min);
		return SZ_EINVAL;
	}
	if (!(o->woe_prior_count >= 0.0 && o->woe_prior_count <= 1e6)) {
		error_set(error, "WoE prior count must be 0..1e6");
		return SZ_EINVAL;
	}
	if (!(o->split_chi2_min >= 0.0 && o->split_chi2_min <= 1e6)) {
		error_set(error, "split chi-square must be 0..1e6");
		return SZ_EINVAL;
	}
	if (!(o->iv_min >= 0.0 && o->iv_min <= 100.0)) {
		error_set(error, "minimum IV must be 0..100");
		return SZ_EINVAL;
	}
	if (!(o->thin_file_completeness_min[0] >= 0.0 && o->thin_file_completeness_min[0] <= 1.0 &&
	      o->thin_file_completeness_min[1] >= 0.0 && o->thin_file_completeness_min[1] <= 1.0)) {
		error_set(error, "thin-file completeness must be 0..1");
		return SZ_EINVAL;
	}
	if (!(o->lambda >= 0.0 && o->lambda <= 1e9)) {
		error_set(error, "lambda must be 0..1e9");
		return SZ_EINVAL;
	}
	const scorecard_scaling *s = &o->scaling;
	if (!(isfinite(s->base_points) && fabs(s->base_points) <= 1e6 && s->base_odds > 0.0 &&
	      s->base_odds <= 1e9 && s->pdo_points > 0.0 && s->pdo_points <= 1e6)) {
		error_set(error, "scaling needs finite base points, odds > 0 and points to double > 0");
		return SZ_EINVAL;
	}
	return SZ_OK;
}

double scorecard_scaling_factor(const scorecard_scaling *scaling)
{
	SZ_ASSERT(scaling->pdo_points > 0.0);
	return scaling->pdo_points / log(2.0);
}

double scorecard_scaling_offset(const scorecard_scaling *scaling)
{
	SZ_ASSERT(scaling->base_odds > 0.0);
	return scaling->base_points - scorecard_scaling_factor(scaling) * log(scaling->base_odds);
}

/* Grade g (0 = AAA) starts at odds 400:1 / 2^g; see scorecard.h. */
double scorecard_grade_points_min(const scorecard_scaling *scaling, enum scorecard_grade grade)
{
	SZ_ASSERT((uint32_t)grade < SCORECARD_GRADE_COUNT);
	if (grade == SCORECARD_GRADE_C)
		return -INFINITY;
	double top = scaling->base_points + scaling->pdo_points * log2(400.0 / scaling->base_odds);
	return top - scaling->pdo_points * (double)grade;
}

static void options_record(scorecard_options_record *r, const scorecard_options *o)
{
	SZ_ASSERT(r != NULL && o != NULL);
	r->fine_bin_count = o->fine_bin_count;
	r->drop_negative = o->drop_negative ? 1u : 0u;
	r->bin_share_min_ppm = scorecard_fixed_of(o->bin_share_min, SCORECARD_PPM);
	r->category_share_min_ppm = scorecard_fixed_of(o->category_share_min, SCORECARD_PPM);
	r->woe_prior_count_ppm = scorecard_fixed_of(o->woe_prior_count, SCORECARD_PPM);
	r->split_chi2_min_ppm = scorecard_fixed_of(o->split_chi2_min, SCORECARD_PPM);
	r->iv_min_ppm = scorecard_fixed_of(o->iv_min, SCORECARD_PPM);
	r->lambda_ppm = scorecard_fixed_of(o->lambda, SCORECARD_PPM);
	r->base_points_ppm = scorecard_fixed_of(o->scaling.base_points, SCORECARD_PPM);
	r->base_odds_ppm = scorecard_fixed_of(o->scaling.base_odds, SCORECARD_PPM);
	r->pdo_points_ppm = scorecard_fixed_of(o->scaling.pdo_points, SCORECARD_PPM);
}

int scorecard_target_encode(const credit_csv_table *table, const char *target_name,
			    const char *good_label, uint8_t *is_good, scorecard_error *error)
{
	SZ_ASSERT(table != NULL && target_name != NULL && good_label != NULL);
	SZ_ASSERT(is_good != NULL || table->row_count == 0);
	int32_t index = credit_csv_column_find(table, target_name);
	if (index < 0) {
		error_set(error, "no column named '%.64s'", target_name);
		return SZ_ENOTFOUND;
	}
	const credit_csv_column *col = &table->columns[index];
	if (col->missing_count > 0) {
		error_set(error, "target column '%.64s' has %u missing values", target_name,
			  col->missing_count);
		return SZ_EINVAL;
	}
	if (col->kind == CREDIT_CSV_CATEGORICAL) {
		if (col->level_count > 2) {
			error_set(error, "target column '%.64s' has %u distinct values; it needs two",
				  target_name, col->level_count);
			return SZ_EINVAL;
		}
		int32_t good = credit_csv_level_find(col, good_label);
		if (good < 0) {
			error_set(error, "good value '%.64s' never appears in '%.64s'", good_label,
				  target_name);
			return SZ_EINVAL;
		}
		for (uint32_t r = 0; r < table->row_count; r++)
			is_good[r] = col->levels[r] == good;
		return SZ_OK;
	}
	SZ_ASSERT(col->kind == CREDIT_CSV_NUMERIC);
	double good_value;
	if (credit_csv_number_parse(good_label, strlen(good_label), &good_value) != SZ_OK) {
		error_set(error, "target column '%.64s' is numeric; good value '%.64s' is not a number",
			  target_name, good_label);
		return SZ_EINVAL;
	}
	double first = NAN;
	double second = NAN;
	bool good_seen = false;
	for (uint32_t r = 0; r < table->row_count; r++) {
		double v = col->numbers[r];
		if (isnan(first))
			first = v;
		else if (v != first && isnan(second))
			second = v;
		else if (v != first && v != second) {
			error_set(error, "target column '%.64s' has more than two distinct values",
				  target_name);
			return SZ_EINVAL;
		}
		is_good[r] = v == good_value;
		good_seen = good_seen || is_good[r];
	}
	if (!good_seen) {
		error_set(error, "good value '%.64s' never appears in '%.64s'", good_label, target_name);
		return SZ_EINVAL;
	}
	return SZ_OK;
}

/* Points per bin from the model's coefficients, WoE and the scaling,
 * rounded to 1/1,000 point; points_max per card. */
static void points_apply(scorecard_model *model, const scorecard_scaling *scaling)
{
	SZ_ASSERT(model->selected_count > 0);
	double factor = scorecard_scaling_factor(scaling);
	double offset = scorecard_scaling_offset(scaling);
	double intercept = scorecard_double_of(model->intercept_nano, SCORECARD_NANO);
	double share = (offset + factor * intercept) / (double)model->selected_count;
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		scorecard_characteristic *c = &model->characteristics[i];
		double coefficient = scorecard_double_of(c->coefficient_nano, SCORECARD_NANO);
		int64_t best = INT64_MIN;
		int64_t best_any = INT64_MIN;
		for (uint32_t b = 0; b < c->bin_count; b++) {
			scorecard_bin *bin = &c->bins[b];
			double woe = scorecard_double_of(bin->woe_nano, SCORECARD_NANO);
			double points = c->selected ? factor * coefficient * woe + share : 0.0;
			bin->points_milli = scorecard_fixed_of(points, SCORECARD_POINTS_SCALE);
			if (bin->good_count + bin->bad_count > 0 && bin->points_milli > best)
				best = bin->points_milli;
			if (bin->points_milli > best_any)
				best_any = bin->points_milli;
		}
		c->points_max_milli = best != INT64_MIN ? best : best_any;
		SZ_ASSERT(c->points_max_milli != INT64_MIN);
	}
}

static void missing_policy_apply(scorecard_characteristic *c, enum scorecard_missing_policy policy);

/* Bad probability in ppb at a score, from the scaling: ln odds =
 * (points - offset) / factor; one exponential of a non-positive number. */
static uint32_t pd_at(const scorecard_scaling *scaling, int64_t score_milli)
{
	double eta = (scorecard_double_of(score_milli, SCORECARD_POINTS_SCALE) -
		      scorecard_scaling_offset(scaling)) / scorecard_scaling_factor(scaling);
	double e = exp(-fabs(eta));
	double bad = eta >= 0.0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
	int64_t ppb = scorecard_fixed_of(bad, SCORECARD_NANO);
	SZ_ASSERT(ppb >= 0 && ppb <= SCORECARD_NANO);
	return (uint32_t)ppb;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	SZ_ASSERT(b > 0);
	int64_t q = a / b;
	return q * b > a ? q - 1 : q;
}

void scorecard_scale_apply(scorecard_model *model, const scorecard_scaling *scaling)
{
	SZ_ASSERT(model != NULL && scaling != NULL);
	SZ_ASSERT(scaling->pdo_points > 0.0);
	for (uint32_t g = 0; g + 1 < SCORECARD_GRADE_COUNT; g++)
		model->grade_points_min_milli[g] = scorecard_fixed_of(
			scorecard_grade_points_min(scaling, (enum scorecard_grade)g), SCORECARD_POINTS_SCALE);
	model->grade_points_min_milli[SCORECARD_GRADE_C] = INT64_MIN;
	/* The table spans every score the card can give, from whole points. */
	int64_t low = 0;
	int64_t high = 0;
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		const scorecard_characteristic *c = &model->characteristics[i];
		if (!c->selected)
			continue;
		int64_t bin_low = INT64_MAX;
		int64_t bin_high = INT64_MIN;
		for (uint32_t b = 0; b < c->bin_count; b++) {
			bin_low = c->bins[b].points_milli < bin_low ? c->bins[b].points_milli : bin_low;
			bin_high = c->bins[b].points_milli > bin_high ? c->bins[b].points_milli : bin_high;
		}
		low += bin_low;
		high += bin_high;
	}
	int64_t first = floor_div(low, SCORECARD_POINTS_SCALE) * SCORECARD_POINTS_SCALE;
	int64_t last = -floor_div(-high, SCORECARD_POINTS_SCALE) * SCORECARD_POINTS_SCALE;
	int64_t span = last > first ? last - first : SCORECARD_POINTS_SCALE;
	int64_t step = (span + SCORECARD_PD_COUNT_MAX - 2) / (SCORECARD_PD_COUNT_MAX - 1);
	if (step < SCORECARD_PD_STEP_MILLI_MIN)
		step = SCORECARD_PD_STEP_MILLI_MIN;
	int64_t count = (span + step - 1) / step + 1;
	SZ_ASSERT(count >= 2 && count <= SCORECARD_PD_COUNT_MAX);
	model->pd_first_milli = first;
	model->pd_step_milli = step;
	model->pd_count = (uint32_t)count;
	for (uint32_t k = 0; k < model->pd_count; k++)
		model->pd_ppb[k] = pd_at(scaling, first + (int64_t)k * step);
}

static int int64_compare(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a;
	int64_t y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Training score deciles (ties never split) for the PSI. */
static int score_distribution_set(scorecard_model *model, const scorecard_binding *binding,
				  const credit_csv_table *table, const uint32_t *rows,
				  uint32_t row_count)
{
	SZ_ASSERT(row_count > 0);
	int64_t *scores = malloc((size_t)row_count * sizeof(int64_t));
	if (scores == NULL)
		return SZ_ENOMEM;
	for (uint32_t i = 0; i < row_count; i++) {
		scorecard_result r;
		scorecard_score_row(model, binding, table, rows[i], &r);
		scores[i] = r.score_milli;
	}
	qsort(scores, row_count, sizeof(int64_t), int64_compare);
	uint32_t n = 0;
	uint32_t pos = 0;
	for (uint32_t k = 1; k <= SCORECARD_SCORE_BIN_COUNT && pos < row_count; k++) {
		uint32_t end = (uint32_t)(((uint64_t)k * row_count) / SCORECARD_SCORE_BIN_COUNT);
		if (end <= pos)
			continue;
		while (end < row_count && scores[end] == scores[end - 1])
			end++;
		/* Shares are differences of rounded cumulative shares: they add up
		 * to exactly SCORECARD_PPM. */
		uint64_t through = ((uint64_t)end * SCORECARD_PPM * 2u + row_count) / (2u * row_count);
		uint64_t before = ((uint64_t)pos * SCORECARD_PPM * 2u + row_count) / (2u * row_count);
		model->score_uppers_milli[n] = end == row_count ? SCORECARD_UPPER_LAST : scores[end - 1];
		model->score_shares_ppm[n] = (uint32_t)(through - before);
		n++;
		pos = end;
	}
	SZ_ASSERT(n >= 1 && pos == row_count);
	model->score_bin_count = n;
	free(scores);
	return SZ_OK;
}

int scorecard_design_write(const scorecard_model *model, const scorecard_binding *binding,
			   const credit_csv_table *table, const uint8_t *is_good,
			   const uint32_t *rows, uint32_t row_count, const char *path)
{
	SZ_ASSERT(model != NULL && binding != NULL && path != NULL);
	FILE *file = fopen(path, "w");
	if (file == NULL)
		return SZ_EIO;
	fprintf(file, "y");
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		if (model->characteristics[i].selected)
			fprintf(file, ",%s", model->characteristics[i].name);
	}
	fprintf(file, "\n");
	for (uint32_t k = 0; k < row_count; k++) {
		uint32_t row = rows != NULL ? rows[k] : k;
		fprintf(file, "%u", (unsigned)is_good[row]);
		for (uint32_t i = 0; i < model->characteristic_count; i++) {
			const scorecard_characteristic *c = &model->characteristics[i];
			if (!c->selected)
				continue;
			uint32_t bin = scorecard_bin_of_row(model, binding, table, i, row);
			fprintf(file, ",%.17g", scorecard_double_of(c->bins[bin].woe_nano, SCORECARD_NANO));
		}
		fprintf(file, "\n");
	}
	int failed = ferror(file);
	if (fclose(file) != 0 || failed)
		return SZ_EIO;
	return SZ_OK;
}

/* Lowercased tokens of text (split at every byte not a letter or digit)
 * into tokens, at most count_max; returns the count. */
static uint32_t name_tokens(const char *text, size_t length, char tokens[][32], uint32_t count_max)
{
	uint32_t count = 0;
	size_t used = 0;
	for (size_t i = 0; i <= length; i++) {
		unsigned char ch = i < length ? (unsigned char)text[i] : 0;
		bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
		if (alnum && count < count_max && used + 1 < 32) {
			tokens[count][used++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
			continue;
		}
		if (!alnum && used > 0) {
			tokens[count++][used] = '\0';
			used = 0;
		}
	}
	return count;
}

/* Names the credit domain computes for an enterprise (docs/credit.md):
 * company attributes, never a person's. */
static bool enterprise_characteristic(const char *name)
{
	return strcmp(name, "age_years") == 0;
}

bool scorecard_protected_match(const char *column_name, const char *list)
{
	SZ_ASSERT(column_name != NULL);
	if (enterprise_characteristic(column_name))
		return false;
	if (list == NULL)
		list = SCORECARD_PROTECTED_DEFAULT;
	char column[16][32];
	uint32_t column_count = name_tokens(column_name, strlen(column_name), column, 16);
	const char *entry = list;
	while (*entry != '\0') {
		const char *comma = strchr(entry, ',');
		size_t length = comma != NULL ? (size_t)(comma - entry) : strlen(entry);
		char want[8][32];
		uint32_t want_count = name_tokens(entry, length, want, 8);
		for (uint32_t start = 0; want_count > 0 && start + want_count <= column_count; start++) {
			uint32_t k = 0;
			while (k < want_count && strcmp(column[start + k], want[k]) == 0)
				k++;
			if (k == want_count)
				return true;
		}
		entry += length + (comma != NULL ? 1u : 0u);
	}
	return false;
}

/* Whether the column is on the comma-separated allow list ("all" = every one). */
static bool protected_allowed(const char *name, const char *allow)
{
	if (allow == NULL)
		return false;
	if (strcmp(allow, "all") == 0)
		return true;
	size_t length = strlen(name);
	for (const char *p = allow; *p != '\0';) {
		const char *comma = strchr(p, ',');
		size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (n == length && memcmp(p, name, n) == 0)
			return true;
		p += n + (comma != NULL ? 1u : 0u);
	}
	return false;
}

/* The missing bin of a characteristic with no missing training row: under
 * SCORECARD_MISSING_WORST it takes the WoE of the bin with the lowest WoE
 * among those with rows (points follow from it in points_apply; with a
 * positive coefficient that is the fewest points), so leaving a bad value
 * blank never raises a score. */
static void missing_policy_apply(scorecard_characteristic *c, enum scorecard_missing_policy policy)
{
	scorecard_bin *missing = &c->bins[c->missing_bin];
	SZ_ASSERT(missing->kind == SCORECARD_BIN_MISSING);
	if (missing->good_count + missing->bad_count > 0 || policy != SCORECARD_MISSING_WORST)
		return;
	uint32_t worst = SCORECARD_NO_BIN;
	for (uint32_t b = 0; b < c->bin_count; b++) {
		const scorecard_bin *bin = &c->bins[b];
		if (bin->good_count + bin->bad_count == 0)
			continue;
		if (worst == SCORECARD_NO_BIN || bin->points_milli < c->bins[worst].points_milli ||
		    (!c->selected && bin->woe_nano < c->bins[worst].woe_nano))
			worst = b;
	}
	SZ_ASSERT(worst != SCORECARD_NO_BIN);
	missing->woe_nano = c->bins[worst].woe_nano;
	missing->points_milli = c->bins[worst].points_milli;
}

/* First bin with training rows of a single outcome (quasi-complete
 * separation: its WoE would be infinite), or SCORECARD_NO_BIN. */
static uint32_t separated_bin(const scorecard_characteristic *c)
{
	for (uint32_t b = 0; b < c->bin_count; b++) {
		const scorecard_bin *bin = &c->bins[b];
		if (bin->kind != SCORECARD_BIN_RANGE && bin->kind != SCORECARD_BIN_LEVELS)
			continue;
		if (bin->good_count + bin->bad_count > 0 && (bin->good_count == 0 || bin->bad_count == 0))
			return b;
	}
	return SCORECARD_NO_BIN;
}

static void separation_describe(scorecard_characteristic *c, uint32_t b, bool merged)
{
	const scorecard_bin *bin = &c->bins[b];
	char what[64];
	if (bin->kind == SCORECARD_BIN_RANGE) {
		double upper = scorecard_double_of(bin->upper_e4, SCORECARD_VALUE_SCALE);
		if (b == 0)
			snprintf(what, sizeof what, "<= %.6g", upper);
		else if (bin->upper_e4 == SCORECARD_UPPER_LAST)
			snprintf(what, sizeof what, "> %.6g",
				 scorecard_double_of(c->bins[b - 1].upper_e4, SCORECARD_VALUE_SCALE));
		else
			snprintf(what, sizeof what, "(%.6g, %.6g]",
				 scorecard_double_of(c->bins[b - 1].upper_e4, SCORECARD_VALUE_SCALE), upper);
	} else {
		snprintf(what, sizeof what, "(labels)");
		for (uint32_t l = 0; l < c->level_count; l++) {
			if (c->level_bins[l] == b) {
				snprintf(what, sizeof what, "'%.40s'", c->level_names[l]);
				break;
			}
		}
	}
	snprintf(c->separation_note, sizeof c->separation_note,
		 "bin %s of '%.40s' has no %s rows (quasi-complete separation): %s", what, c->name,
		 bin->bad_count == 0 ? "bad" : "good",
		 merged ? "merged with its neighbour" : "its WoE is shrunk by the prior count");
}

/* Merges bin b of c into a neighbour (the next one when there is one among
 * the ranges or levels, else the previous), keeping the bin shape. */
static void bins_merge(scorecard_characteristic *c, uint32_t b)
{
	uint32_t value_bins = c->kind == CREDIT_CSV_NUMERIC ? c->missing_bin : c->other_bin;
	SZ_ASSERT(b < value_bins && value_bins >= 2);
	uint32_t into = b + 1 < value_bins ? b + 1 : b - 1;
	uint32_t low = b < into ? b : into;
	scorecard_bin *keep = &c->bins[low];
	const scorecard_bin *gone = &c->bins[low + 1];
	keep->good_count += gone->good_count;
	keep->bad_count += gone->bad_count;
	keep->upper_e4 = gone->upper_e4;
	for (uint32_t l = 0; l < c->level_count; l++) {
		if (c->level_bins[l] > low)
			c->level_bins[l]--;
	}
	memmove(&c->bins[low + 1], &c->bins[low + 2], (c->bin_count - low - 2) * sizeof(*c->bins));
	c->bin_count--;
	c->missing_bin--;
	if (c->other_bin != SCORECARD_NO_BIN)
		c->other_bin--;
	SZ_ASSERT(c->bins[c->missing_bin].kind == SCORECARD_BIN_MISSING);
}

/* Quasi-complete separation in the selected characteristics: named in the
 * characteristic's note; with a WoE prior count the prior already keeps its
 * WoE finite, without one the bin is merged with its neighbour until no bin
 * lacks an outcome (a characteristic left with one value bin is dropped). */
static void separation_resolve(scorecard_model *model, const scorecard_options *options,
			       const scorecard_totals *totals)
{
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		scorecard_characteristic *c = &model->characteristics[i];
		if (!c->selected)
			continue;
		for (;;) {
			uint32_t b = separated_bin(c);
			if (b == SCORECARD_NO_BIN)
				break;
			bool merge = options->woe_prior_count == 0.0;
			if (c->separation_note[0] == '\0')
				separation_describe(c, b, merge);
			if (!merge)
				break;
			uint32_t value_bins = c->kind == CREDIT_CSV_NUMERIC ? c->missing_bin : c->other_bin;
			if (value_bins < 2) {
				c->selected = false;
				c->exclusion = SCORECARD_EXCLUDED_IV;
				model->selected_count--;
				break;
			}
			bins_merge(c, b);
			c->separation_merge_count++;
		}
		if (c->separation_merge_count > 0)
			scorecard_woe_apply(c, totals, options->woe_prior_count);
	}
}

/* Bins every characteristic and applies the IV filter and the protected
 * attribute exclusion. */
static int train_bin(scorecard_model *model, const credit_csv_table *table, int32_t target,
		     const uint8_t *is_good, const uint32_t *rows, uint32_t row_count,
		     const scorecard_options *options, const scorecard_totals *totals)
{
	uint32_t n = 0;
	for (uint32_t col = 0; col < table->column_count; col++) {
		if ((int32_t)col == target || protected_allowed(table->columns[col].name, options->ignore_columns))
			continue;
		scorecard_characteristic *c = &model->characteristics[n++];
		const credit_csv_column *column = &table->columns[col];
		c->name = strdup(column->name);
		if (c->name == NULL)
			return SZ_ENOMEM;
		int rc = column->kind == CREDIT_CSV_NUMERIC
			? scorecard_bin_numeric(c, column->numbers, is_good, rows, row_count,
						options, totals)
			: scorecard_bin_categorical(c, column, is_good, rows, row_count,
						    options, totals);
		if (rc != SZ_OK)
			return rc;
		double iv = scorecard_double_of(c->iv_nano, SCORECARD_NANO);
		c->selected = iv >= options->iv_min && c->iv_nano > 0;
		c->exclusion = c->selected ? SCORECARD_INCLUDED : SCORECARD_EXCLUDED_IV;
		if (options->exclude_protected && scorecard_protected_match(c->name, options->protected_list)) {
			if (protected_allowed(c->name, options->protected_allow)) {
				c->protected_used = c->selected;
			} else {
				c->selected = false;
				c->exclusion = SCORECARD_EXCLUDED_PROTECTED;
			}
		}
		model->selected_count += c->selected;
	}
	SZ_ASSERT(n == model->characteristic_count);
	return SZ_OK;
}

/* Fits the logistic regression on the WoE of the selected characteristics.
 * design holds row_count x selected_count doubles, beta selected_count + 1. */
static int train_fit(const scorecard_model *model, const scorecard_binding *binding,
		     const credit_csv_table *table, const uint8_t *is_good, const uint32_t *rows,
		     uint32_t row_count, double lambda, double *design, uint8_t *y, double *beta)
{
	uint32_t k = model->selected_count;
	SZ_ASSERT(k >= 1);
	for (uint32_t r = 0; r < row_count; r++) {
		y[r] = is_good[rows[r]];
		uint32_t j = 0;
		for (uint32_t i = 0; i < model->characteristic_count; i++) {
			const scorecard_characteristic *c = &model->characteristics[i];
			if (!c->selected)
				continue;
			uint32_t bin = scorecard_bin_of_row(model, binding, table, i, rows[r]);
			design[(size_t)r * k + j++] = scorecard_double_of(c->bins[bin].woe_nano, SCORECARD_NANO);
		}
		SZ_ASSERT(j == k);
	}
	return scorecard_logit_fit(design, y, row_count, k, lambda, beta, NULL);
}

/* The model's integer master scale from its text (validate.h). */
static int master_scale_set(scorecard_model *model, const char *text, scorecard_error *error)
{
	scorecard_master_scale scale;
	int rc = scorecard_master_scale_parse(text != NULL ? text : SCORECARD_MASTER_SCALE_DEFAULT,
					      &scale, error);
	if (rc != SZ_OK)
		return rc;
	_Static_assert(SCORECARD_MASTER_GRADE_COUNT_MAX <= SCORECARD_MASTER_COUNT_MAX, "master scale bound");
	model->master_count = scale.grade_count;
	for (uint32_t k = 0; k < scale.grade_count; k++) {
		memcpy(model->master_names[k], scale.names[k], sizeof scale.names[k]);
		model->master_pd_max_ppb[k] = (uint32_t)scorecard_fixed_of(scale.pd_max[k], SCORECARD_NANO);
	}
	SZ_ASSERT(model->master_pd_max_ppb[scale.grade_count - 1] == SCORECARD_NANO);
	return SZ_OK;
}

/* Over 70 lines: the training pipeline of the file comment in order (bin,
 * index, fit and refit, points, scale, bands) over buffers it owns, with
 * one cleanup exit; each step is a function above. */
int scorecard_train(scorecard_model *model, const credit_csv_table *table,
		    const char *target_name, const char *good_label, const uint8_t *is_good,
		    const uint32_t *rows, uint32_t row_count, const scorecard_options *options,
		    scorecard_error *error)
{
	SZ_ASSERT(model != NULL && table != NULL && is_good != NULL && options != NULL);
	SZ_ASSERT(model->characteristics == NULL);
	int rc = scorecard_options_check(options, error);
	if (rc != SZ_OK)
		return rc;
	int32_t target = credit_csv_column_find(table, target_name);
	if (target < 0) {
		error_set(error, "no column named '%.64s'", target_name);
		return SZ_ENOTFOUND;
	}
	uint32_t *all_rows = NULL;
	double *design = NULL;
	uint8_t *y = NULL;
	double *beta = NULL;
	scorecard_binding binding = { 0 };
	if (rows == NULL) {
		row_count = table->row_count;
		all_rows = malloc((row_count > 0 ? row_count : 1u) * sizeof(uint32_t));
		if (all_rows == NULL)
			goto nomem;
		for (uint32_t i = 0; i < row_count; i++)
			all_rows[i] = i;
		rows = all_rows;
	}
	scorecard_totals totals = { 0, 0 };
	for (uint32_t i = 0; i < row_count; i++) {
		SZ_ASSERT(rows[i] < table->row_count);
		totals.good_count += is_good[rows[i]];
	}
	totals.bad_count = row_count - totals.good_count;
	if (totals.good_count == 0 || totals.bad_count == 0) {
		error_set(error, "training rows need both outcomes (%u good, %u bad)",
			  totals.good_count, totals.bad_count);
		rc = SZ_EINVAL;
		goto fail;
	}
	rc = master_scale_set(model, options->master_scale, error);
	if (rc != SZ_OK)
		goto fail;
	options_record(&model->options, options);
	for (uint32_t p = 0; p < SCORECARD_PRODUCT_COUNT; p++)
		model->thin_file_completeness_min_ppm[p] =
			(uint32_t)scorecard_fixed_of(options->thin_file_completeness_min[p], SCORECARD_PPM);
	model->good_count = totals.good_count;
	model->bad_count = totals.bad_count;
	model->target_name = strdup(target_name);
	model->good_label = strdup(good_label);
	model->characteristic_count = table->column_count - 1u;
	for (uint32_t col = 0; col < table->column_count; col++) {
		if ((int32_t)col != target && protected_allowed(table->columns[col].name, options->ignore_columns))
			model->characteristic_count--;
	}
	model->characteristics = calloc(model->characteristic_count + 1u,
					sizeof(*model->characteristics));
	if (model->target_name == NULL || model->good_label == NULL ||
	    model->characteristics == NULL)
		goto nomem;
	rc = train_bin(model, table, target, is_good, rows, row_count, options, &totals);
	if (rc != SZ_OK)
		goto fail;
	separation_resolve(model, options, &totals);
	if (model->selected_count == 0) {
		error_set(error, "no characteristic reaches the minimum IV %g", options->iv_min);
		rc = SZ_EINVAL;
		goto fail;
	}
	rc = scorecard_model_index(model);
	if (rc == SZ_OK)
		rc = scorecard_binding_init(&binding, model, table, error);
	if (rc != SZ_OK)
		goto fail;

	/* WoE design matrix through the scoring lookup, then the fit; with
	 * drop_negative, refit without the most negative coefficient until none
	 * is negative. */
	uint32_t k = model->selected_count;
	design = malloc((size_t)row_count * k * sizeof(double));
	y = malloc(row_count);
	beta = malloc((k + 1u) * sizeof(double));
	if (design == NULL || y == NULL || beta == NULL)
		goto nomem;
	for (;;) {
		rc = train_fit(model, &binding, table, is_good, rows, row_count, options->lambda, design, y,
			       beta);
		if (rc != SZ_OK || !options->drop_negative)
			break;
		uint32_t worst = SCORECARD_NO_BIN;
		double worst_coefficient = 0.0;
		uint32_t j = 1;
		for (uint32_t i = 0; i < model->characteristic_count; i++) {
			if (!model->characteristics[i].selected)
				continue;
			if (beta[j] < worst_coefficient) {
				worst_coefficient = beta[j];
				worst = i;
			}
			j++;
		}
		if (worst == SCORECARD_NO_BIN)
			break;
		if (model->selected_count == 1) {
			error_set(error, "no characteristic keeps a positive coefficient");
			rc = SZ_EINVAL;
			goto fail;
		}
		model->characteristics[worst].selected = false;
		model->characteristics[worst].exclusion = SCORECARD_EXCLUDED_NEGATIVE;
		model->selected_count--;
	}
	if (rc == SZ_EINVAL || rc == SZ_ELIMIT) {
		for (uint32_t i = 0; i < model->characteristic_count; i++) {
			const scorecard_characteristic *c = &model->characteristics[i];
			if (c->selected && c->separation_note[0] != '\0') {
				error_set(error, "the logistic fit failed: %s (try --woe-prior 1 or "
						 "--lambda > 0)", c->separation_note);
				goto fail;
			}
		}
	}
	if (rc == SZ_EINVAL) {
		error_set(error, "the logistic fit is singular: characteristics are collinear "
				 "(try --lambda > 0 or a higher --iv-min)");
		goto fail;
	}
	if (rc == SZ_ELIMIT) {
		error_set(error, "the logistic fit did not converge in %u iterations (separation?)",
			  SZ_SCORECARD_NEWTON_ITERATION_COUNT_MAX);
		goto fail;
	}
	if (rc != SZ_OK)
		goto nomem;
	model->intercept_nano = scorecard_fixed_of(beta[0], SCORECARD_NANO);
	uint32_t j = 1;
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		scorecard_characteristic *c = &model->characteristics[i];
		c->coefficient_nano = c->selected ? scorecard_fixed_of(beta[j++], SCORECARD_NANO) : 0;
	}
	points_apply(model, &options->scaling);
	for (uint32_t i = 0; i < model->characteristic_count; i++)
		missing_policy_apply(&model->characteristics[i], options->missing_policy);
	scorecard_scale_apply(model, &options->scaling);
	rc = score_distribution_set(model, &binding, table, rows, row_count);
	if (rc != SZ_OK)
		goto nomem;
	rc = SZ_OK;
	goto done;
nomem:
	error_set(error, "out of memory");
	rc = SZ_ENOMEM;
fail:
	scorecard_model_release(model);
done:
	scorecard_binding_release(&binding);
	free(all_rows);
	free(design);
	free(y);
	free(beta);
	return rc;
}
