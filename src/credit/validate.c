/*
 * validate.c — AUC, KS, Brier, calibration, PSI/CSI and k-fold CV.
 *
 * lint-float: offline — validation and cross-validation run in the offline tools.
 *
 * Rank statistics sort (score, row) pairs once and walk groups of equal
 * scores, so ties are handled exactly and the result does not depend on the
 * sort's stability. Cross-validation trains a fresh model per fold through
 * scorecard_train, on the training folds' rows only.
 */
#include "credit/validate.h"

#include "core/assert.h"
#include "core/errors.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scored {
	double score;
	double bad_probability;
	uint32_t index;
	uint8_t good;
};

static int scored_compare(const void *a, const void *b)
{
	const struct scored *x = a;
	const struct scored *y = b;
	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static struct scored *scored_sort(const double *scores, const double *bad_probabilities,
				  const uint8_t *is_good, uint32_t count, uint32_t *good_count)
{
	struct scored *s = malloc((count > 0 ? count : 1u) * sizeof(*s));
	if (s == NULL)
		return NULL;
	uint32_t goods = 0;
	for (uint32_t i = 0; i < count; i++) {
		SZ_ASSERT(is_good[i] <= 1);
		SZ_ASSERT(!isnan(scores[i]));
		s[i].score = scores[i];
		s[i].bad_probability = bad_probabilities != NULL ? bad_probabilities[i] : NAN;
		s[i].index = i;
		s[i].good = is_good[i];
		goods += is_good[i];
	}
	qsort(s, count, sizeof(*s), scored_compare);
	*good_count = goods;
	return s;
}

/* AUC and KS over sorted rows. */
static void rank_statistics(const struct scored *s, uint32_t count, uint32_t goods,
			    scorecard_metrics *out)
{
	uint32_t bads = count - goods;
	SZ_ASSERT(goods > 0 && bads > 0);
	double wins = 0.0;        /* good above bad, ties half */
	uint32_t bads_below = 0;
	uint32_t goods_below = 0;
	uint64_t ks_numerator = 0; /* |F_bad - F_good| * goods * bads, exact */
	double ks_score = s[0].score;
	uint32_t i = 0;
	while (i < count) {
		uint32_t g = 0;
		uint32_t b = 0;
		uint32_t j = i;
		while (j < count && s[j].score == s[i].score) {
			g += s[j].good;
			b += 1u - s[j].good;
			j++;
		}
		wins += (double)g * (double)bads_below + 0.5 * (double)g * (double)b;
		bads_below += b;
		goods_below += g;
		uint64_t x = (uint64_t)bads_below * goods;
		uint64_t y = (uint64_t)goods_below * bads;
		uint64_t gap = x > y ? x - y : y - x;
		if (gap > ks_numerator) {
			ks_numerator = gap;
			ks_score = s[i].score;
		}
		i = j;
	}
	SZ_ASSERT(bads_below == bads && goods_below == goods);
	out->auc = wins / ((double)goods * (double)bads);
	out->gini = 2.0 * out->auc - 1.0;
	out->ks = (double)ks_numerator / ((double)goods * (double)bads);
	out->ks_score = ks_score;
}

int scorecard_auc(const double *scores, const uint8_t *is_good, uint32_t count, double *auc)
{
	SZ_ASSERT(auc != NULL);
	scorecard_metrics m;
	int rc = scorecard_metrics_compute(scores, NULL, is_good, count, &m);
	if (rc == SZ_OK)
		*auc = m.auc;
	return rc;
}

int scorecard_metrics_compute(const double *scores, const double *bad_probabilities,
			      const uint8_t *is_good, uint32_t count, scorecard_metrics *out)
{
	SZ_ASSERT(out != NULL);
	SZ_ASSERT(scores != NULL || count == 0);
	memset(out, 0, sizeof(*out));
	uint32_t goods = 0;
	struct scored *s = scored_sort(scores, bad_probabilities, is_good, count, &goods);
	if (s == NULL)
		return SZ_ENOMEM;
	if (goods == 0 || goods == count) {
		free(s);
		return SZ_EINVAL;
	}
	out->count = count;
	out->good_count = goods;
	out->bad_count = count - goods;
	rank_statistics(s, count, goods, out);

	double brier = 0.0;
	for (uint32_t i = 0; i < count; i++) {
		double miss = s[i].bad_probability - (double)(1u - s[i].good);
		brier += miss * miss;
	}
	out->brier = brier / count;
	uint32_t groups = count < SCORECARD_CALIBRATION_COUNT ? count : SCORECARD_CALIBRATION_COUNT;
	for (uint32_t k = 0; k < groups; k++) {
		uint32_t begin = (uint32_t)(((uint64_t)k * count) / groups);
		uint32_t end = (uint32_t)(((uint64_t)(k + 1) * count) / groups);
		SZ_ASSERT(end > begin);
		scorecard_calibration *cal = &out->calibration[k];
		double predicted = 0.0;
		uint32_t observed = 0;
		for (uint32_t i = begin; i < end; i++) {
			predicted += s[i].bad_probability;
			observed += 1u - s[i].good;
		}
		cal->count = end - begin;
		cal->score_min = s[begin].score;
		cal->score_max = s[end - 1].score;
		cal->predicted_bad_rate = predicted / cal->count;
		cal->observed_bad_rate = (double)observed / cal->count;
	}
	out->calibration_count = groups;
	free(s);
	return SZ_OK;
}

double scorecard_psi(const double *expected_shares, const double *actual_shares,
		     uint32_t band_count)
{
	SZ_ASSERT(expected_shares != NULL && actual_shares != NULL);
	SZ_ASSERT(band_count >= 1);
	double psi = 0.0;
	for (uint32_t i = 0; i < band_count; i++) {
		double e = fmax(expected_shares[i], SCORECARD_PSI_SHARE_FLOOR);
		double a = fmax(actual_shares[i], SCORECARD_PSI_SHARE_FLOOR);
		psi += (a - e) * log(a / e);
	}
	SZ_ASSERT(psi >= 0.0);
	return psi;
}

int scorecard_shift_compute(const scorecard_model *model, const scorecard_binding *binding,
			    const credit_csv_table *table, double *psi, double *csi)
{
	SZ_ASSERT(model != NULL && binding != NULL && table != NULL);
	SZ_ASSERT(psi != NULL && csi != NULL);
	SZ_ASSERT(model->score_bin_count >= 1 &&
		  model->score_bin_count <= SCORECARD_SCORE_BIN_COUNT);
	if (table->row_count == 0)
		return SZ_EINVAL;
	double score_counts[SCORECARD_SCORE_BIN_COUNT] = { 0 };
	double *expected = malloc(SZ_SCORECARD_BIN_COUNT_MAX * sizeof(double));
	double *actual = malloc(SZ_SCORECARD_BIN_COUNT_MAX * sizeof(double));
	if (expected == NULL || actual == NULL) {
		free(expected);
		free(actual);
		return SZ_ENOMEM;
	}
	double rows = table->row_count;
	for (uint32_t r = 0; r < table->row_count; r++) {
		scorecard_result result;
		scorecard_score_row(model, binding, table, r, &result);
		uint32_t band = 0;
		while (band + 1 < model->score_bin_count &&
		       result.score_milli > model->score_uppers_milli[band])
			band++;
		score_counts[band] += 1.0;
	}
	for (uint32_t band = 0; band < model->score_bin_count; band++)
		score_counts[band] /= rows;
	double trained_shares[SCORECARD_SCORE_BIN_COUNT];
	for (uint32_t band = 0; band < model->score_bin_count; band++)
		trained_shares[band] = scorecard_double_of(model->score_shares_ppm[band], SCORECARD_PPM);
	*psi = scorecard_psi(trained_shares, score_counts, model->score_bin_count);

	double trained = (double)model->good_count + (double)model->bad_count;
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		const scorecard_characteristic *c = &model->characteristics[i];
		csi[i] = NAN;
		if (!c->selected)
			continue;
		SZ_ASSERT(c->bin_count <= SZ_SCORECARD_BIN_COUNT_MAX);
		for (uint32_t b = 0; b < c->bin_count; b++) {
			expected[b] = (c->bins[b].good_count + c->bins[b].bad_count) / trained;
			actual[b] = 0.0;
		}
		for (uint32_t r = 0; r < table->row_count; r++)
			actual[scorecard_bin_of_row(model, binding, table, i, r)] += 1.0;
		for (uint32_t b = 0; b < c->bin_count; b++)
			actual[b] /= rows;
		csi[i] = scorecard_psi(expected, actual, c->bin_count);
	}
	free(expected);
	free(actual);
	return SZ_OK;
}

uint64_t scorecard_splitmix64(uint64_t *state)
{
	SZ_ASSERT(state != NULL);
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform integer in [0, bound) by rejection (no modulo bias). */
static uint32_t uniform_below(uint64_t *state, uint32_t bound)
{
	SZ_ASSERT(bound >= 1);
	uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
	uint64_t x;
	do {
		x = scorecard_splitmix64(state);
	} while (x >= limit);
	return (uint32_t)(x % bound);
}

int scorecard_folds_assign(const uint8_t *is_good, uint32_t count, uint32_t fold_count,
			   uint64_t seed, uint32_t *fold_of_row)
{
	SZ_ASSERT(is_good != NULL && fold_of_row != NULL);
	if (fold_count < 2 || fold_count > SZ_SCORECARD_FOLD_COUNT_MAX || fold_count > count)
		return SZ_EINVAL;
	uint32_t *order = malloc(count * sizeof(uint32_t));
	if (order == NULL)
		return SZ_ENOMEM;
	uint64_t state = seed;
	uint32_t next_fold = 0;
	for (uint8_t outcome = 0; outcome <= 1; outcome++) {
		uint32_t n = 0;
		for (uint32_t i = 0; i < count; i++) {
			if (is_good[i] == outcome)
				order[n++] = i;
		}
		for (uint32_t i = n; i > 1; i--) { /* Fisher-Yates */
			uint32_t j = uniform_below(&state, i);
			uint32_t t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		for (uint32_t i = 0; i < n; i++) {
			fold_of_row[order[i]] = next_fold;
			next_fold = next_fold + 1 == fold_count ? 0 : next_fold + 1;
		}
	}
	free(order);
	return SZ_OK;
}

/* Sample standard deviation of the folds that trained. */
static double fold_auc_sd(const double *values, const bool *failed, uint32_t count, double mean)
{
	uint32_t used = 0;
	double sum = 0.0;
	for (uint32_t i = 0; i < count; i++) {
		if (failed[i])
			continue;
		sum += (values[i] - mean) * (values[i] - mean);
		used++;
	}
	if (used < 2)
		return 0.0;
	return sqrt(sum / (used - 1));
}

int scorecard_cross_validate(const credit_csv_table *table, const char *target_name,
			     const char *good_label, const uint8_t *is_good,
			     const scorecard_options *options, uint32_t fold_count, uint64_t seed,
			     scorecard_cv_result *result, scorecard_error *error)
{
	return scorecard_cross_validate_rows(table, target_name, good_label, is_good, NULL,
					     table->row_count, options, fold_count, seed, result, error);
}

/* Over 70 lines: per fold train, score and measure, then the summary, with
 * one cleanup exit for the fold buffers. */
int scorecard_cross_validate_rows(const credit_csv_table *table, const char *target_name,
				  const char *good_label, const uint8_t *is_good,
				  const uint32_t *rows, uint32_t n,
				  const scorecard_options *options, uint32_t fold_count, uint64_t seed,
				  scorecard_cv_result *result, scorecard_error *error)
{
	SZ_ASSERT(table != NULL && is_good != NULL && result != NULL);
	SZ_ASSERT(rows != NULL || n == table->row_count);
	memset(result, 0, sizeof(*result));
	uint32_t *folds = malloc((n > 0 ? n : 1u) * sizeof(uint32_t));
	uint32_t *train_rows = malloc((n > 0 ? n : 1u) * sizeof(uint32_t));
	double *oof_scores = malloc((n > 0 ? n : 1u) * sizeof(double));
	double *test_scores = malloc((n > 0 ? n : 1u) * sizeof(double));
	uint8_t *test_good = malloc(n > 0 ? n : 1u);
	uint8_t *oof_good = malloc(n > 0 ? n : 1u);
	int rc = SZ_ENOMEM;
	if (folds == NULL || train_rows == NULL || oof_scores == NULL || test_scores == NULL ||
	    test_good == NULL || oof_good == NULL)
		goto fail;
	for (uint32_t k = 0; k < n; k++)
		oof_good[k] = is_good[rows != NULL ? rows[k] : k];
	rc = scorecard_folds_assign(oof_good, n, fold_count, seed, folds);
	if (rc != SZ_OK) {
		if (error != NULL && rc == SZ_EINVAL)
			snprintf(error->message, sizeof(error->message),
				 "folds must be 2..%u and at most the row count",
				 SZ_SCORECARD_FOLD_COUNT_MAX);
		goto fail;
	}
	result->fold_count = fold_count;
	uint32_t scored_count = 0;
	for (uint32_t f = 0; f < fold_count; f++) {
		uint32_t train_count = 0;
		for (uint32_t k = 0; k < n; k++) {
			if (folds[k] != f)
				train_rows[train_count++] = rows != NULL ? rows[k] : k;
		}
		scorecard_model model = { 0 };
		scorecard_error fold_error;
		rc = scorecard_train(&model, table, target_name, good_label, is_good, train_rows,
				     train_count, options, &fold_error);
		if (rc == SZ_ENOMEM)
			goto fail;
		if (rc != SZ_OK) {
			result->fold_failed[f] = true;
			result->failed_count++;
			snprintf(result->fold_error[f], sizeof(result->fold_error[f]), "%s",
				 fold_error.message);
			result->fold_auc[f] = NAN;
			result->fold_ks[f] = NAN;
			continue;
		}
		scorecard_binding binding;
		rc = scorecard_binding_init(&binding, &model, table, error);
		if (rc != SZ_OK) {
			scorecard_model_release(&model);
			goto fail;
		}
		uint32_t test_count = 0;
		for (uint32_t k = 0; k < n; k++) {
			if (folds[k] != f)
				continue;
			uint32_t r = rows != NULL ? rows[k] : k;
			scorecard_result score;
			scorecard_score_row(&model, &binding, table, r, &score);
			test_scores[test_count] = scorecard_double_of(score.score_milli, SCORECARD_POINTS_SCALE);
			test_good[test_count] = is_good[r];
			oof_scores[scored_count] = test_scores[test_count];
			oof_good[scored_count++] = is_good[r];
			test_count++;
		}
		result->fold_selected_count[f] = model.selected_count;
		scorecard_binding_release(&binding);
		scorecard_model_release(&model);
		scorecard_metrics metrics;
		rc = scorecard_metrics_compute(test_scores, NULL, test_good, test_count, &metrics);
		if (rc != SZ_OK)
			goto fail;
		result->fold_auc[f] = metrics.auc;
		result->fold_ks[f] = metrics.ks;
		result->auc_mean += metrics.auc;
		result->ks_mean += metrics.ks;
	}
	uint32_t trained = fold_count - result->failed_count;
	if (trained == 0) {
		for (uint32_t f = 0; f < fold_count; f++)
			SZ_ASSERT(result->fold_failed[f]);
		if (error != NULL)
			snprintf(error->message, sizeof(error->message), "every fold failed; fold 1: %s",
				 result->fold_error[0]);
		rc = SZ_EINVAL;
		goto fail;
	}
	result->auc_mean /= trained;
	result->ks_mean /= trained;
	result->auc_sd = fold_auc_sd(result->fold_auc, result->fold_failed, fold_count,
				     result->auc_mean);
	rc = scorecard_auc(oof_scores, oof_good, scored_count, &result->auc_pooled);
fail:
	free(folds);
	free(train_rows);
	free(oof_scores);
	free(test_scores);
	free(test_good);
	free(oof_good);
	return rc;
}

static int double_compare(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;
	return (x > y) - (x < y);
}

double scorecard_median(const double *scores, uint32_t count)
{
	SZ_ASSERT(scores != NULL && count > 0);
	double *sorted = malloc((size_t)count * sizeof(double));
	if (sorted == NULL)
		return NAN;
	memcpy(sorted, scores, (size_t)count * sizeof(double));
	qsort(sorted, count, sizeof(double), double_compare);
	double median = count % 2 == 1 ? sorted[count / 2]
				       : (sorted[count / 2 - 1] + sorted[count / 2]) / 2.0;
	free(sorted);
	return median;
}

/* Group of each row: labels (categorical) or quartiles (numeric); the last
 * group index is for missing values when there are any. */
static uint32_t groups_assign(const credit_csv_column *column, uint32_t count, uint32_t *group_of,
			      scorecard_group *groups)
{
	uint32_t group_count = 0;
	if (column->kind == CREDIT_CSV_CATEGORICAL) {
		uint32_t labels = column->level_count < SCORECARD_GROUP_COUNT_MAX - 1u
				  ? column->level_count : SCORECARD_GROUP_COUNT_MAX - 1u;
		for (uint32_t l = 0; l < labels; l++)
			snprintf(groups[l].label, sizeof groups[l].label, "%s",
				 l + 1 == labels && column->level_count > labels ? "(other labels)"
										  : column->level_names[l]);
		group_count = labels;
		for (uint32_t r = 0; r < count; r++) {
			int32_t level = column->levels[r];
			group_of[r] = level < 0 ? UINT32_MAX
				      : (uint32_t)level < labels ? (uint32_t)level : labels - 1u;
		}
	} else {
		double *sorted = malloc((size_t)count * sizeof(double));
		uint32_t n = 0;
		for (uint32_t r = 0; sorted != NULL && r < count; r++) {
			if (!isnan(column->numbers[r]))
				sorted[n++] = column->numbers[r];
		}
		if (sorted != NULL && n > 0) {
			qsort(sorted, n, sizeof(double), double_compare);
			double uppers[4];
			uint32_t pos = 0;
			for (uint32_t k = 1; k <= 4 && pos < n; k++) {
				uint32_t end = (uint32_t)(((uint64_t)k * n) / 4u);
				if (end <= pos)
					continue;
				while (end < n && sorted[end] == sorted[end - 1])
					end++;
				uppers[group_count] = sorted[end - 1];
				snprintf(groups[group_count].label, sizeof groups[group_count].label,
					 "%.6g to %.6g", sorted[pos], sorted[end - 1]);
				group_count++;
				pos = end;
			}
			for (uint32_t r = 0; r < count; r++) {
				double v = column->numbers[r];
				uint32_t g = 0;
				while (g + 1 < group_count && v > uppers[g])
					g++;
				group_of[r] = isnan(v) ? UINT32_MAX : g;
			}
		}
		free(sorted);
	}
	bool missing = false;
	for (uint32_t r = 0; r < count; r++) {
		if (group_of[r] == UINT32_MAX) {
			group_of[r] = group_count;
			missing = true;
		}
	}
	if (missing)
		snprintf(groups[group_count++].label, sizeof groups[0].label, "(missing)");
	SZ_ASSERT(group_count <= SCORECARD_GROUP_COUNT_MAX);
	return group_count;
}

int scorecard_groups_compute(const credit_csv_column *column, const double *scores,
			     const uint8_t *is_good, uint32_t count, double cutoff,
			     scorecard_group *groups, uint32_t *group_count)
{
	SZ_ASSERT(column != NULL && scores != NULL && is_good != NULL);
	SZ_ASSERT(groups != NULL && group_count != NULL);
	memset(groups, 0, SCORECARD_GROUP_COUNT_MAX * sizeof(*groups));
	uint32_t *group_of = malloc((count > 0 ? count : 1u) * sizeof(uint32_t));
	double *group_scores = malloc((count > 0 ? count : 1u) * sizeof(double));
	uint8_t *group_good = malloc(count > 0 ? count : 1u);
	int rc = SZ_ENOMEM;
	if (group_of == NULL || group_scores == NULL || group_good == NULL)
		goto done;
	uint32_t n = groups_assign(column, count, group_of, groups);
	double best_rate = 0.0;
	for (uint32_t g = 0; g < n; g++) {
		uint32_t k = 0;
		for (uint32_t r = 0; r < count; r++) {
			if (group_of[r] != g)
				continue;
			group_scores[k] = scores[r];
			group_good[k++] = is_good[r];
			groups[g].good_count += is_good[r];
			groups[g].approved_count += scores[r] >= cutoff;
		}
		groups[g].count = k;
		if (scorecard_auc(group_scores, group_good, k, &groups[g].auc) != SZ_OK)
			groups[g].auc = NAN;
		groups[g].approval_rate = k > 0 ? (double)groups[g].approved_count / k : NAN;
		if (k > 0 && groups[g].approval_rate > best_rate)
			best_rate = groups[g].approval_rate;
	}
	for (uint32_t g = 0; g < n; g++)
		groups[g].impact_ratio = best_rate > 0.0 ? groups[g].approval_rate / best_rate : NAN;
	*group_count = n;
	rc = SZ_OK;
done:
	free(group_of);
	free(group_scores);
	free(group_good);
	return rc;
}

int scorecard_master_scale_parse(const char *text, scorecard_master_scale *scale,
				 scorecard_error *error)
{
	SZ_ASSERT(text != NULL && scale != NULL);
	memset(scale, 0, sizeof(*scale));
	const char *p = text;
	while (*p != '\0') {
		const char *comma = strchr(p, ',');
		size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		const char *colon = memchr(p, ':', n);
		size_t name_size = colon != NULL ? (size_t)(colon - p) : 0;
		double pd = NAN;
		if (colon != NULL)
			(void)credit_csv_number_parse(colon + 1, n - name_size - 1, &pd);
		uint32_t g = scale->grade_count;
		if (g == SCORECARD_MASTER_GRADE_COUNT_MAX || name_size == 0 || name_size >= 16 ||
		    !(pd > 0.0 && pd <= 1.0) || (g > 0 && !(pd > scale->pd_max[g - 1]))) {
			if (error != NULL)
				snprintf(error->message, sizeof(error->message),
					 "master scale: grade %u must be NAME:PD_MAX with PD_MAX rising in "
					 "(0, 1] (at most %u grades)", g + 1, SCORECARD_MASTER_GRADE_COUNT_MAX);
			return SZ_EINVAL;
		}
		memcpy(scale->names[g], p, name_size);
		scale->pd_max[g] = pd;
		scale->grade_count++;
		p += n + (comma != NULL ? 1u : 0u);
	}
	if (scale->grade_count == 0 || scale->pd_max[scale->grade_count - 1] != 1.0) {
		if (error != NULL)
			snprintf(error->message, sizeof(error->message),
				 "master scale: the last grade must reach PD 1");
		return SZ_EINVAL;
	}
	return SZ_OK;
}

uint32_t scorecard_master_grade_of(const scorecard_master_scale *scale, double pd)
{
	SZ_ASSERT(scale->grade_count >= 1);
	SZ_ASSERT(scale->pd_max[scale->grade_count - 1] == 1.0);
	uint32_t g = 0;
	while (g + 1 < scale->grade_count && pd > scale->pd_max[g])
		g++;
	return g;
}

double scorecard_binomial_upper(uint32_t n, uint32_t k, double p)
{
	SZ_ASSERT(k <= n || n == 0);
	SZ_ASSERT(p >= 0.0 && p <= 1.0);
	if (k == 0)
		return 1.0;
	if (p <= 0.0)
		return 0.0;
	if (p >= 1.0)
		return 1.0;
	double sum = 0.0;
	double log_p = log(p);
	double log_q = log1p(-p);
	for (uint32_t i = k; i <= n; i++) {
		double log_choose = lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0);
		sum += exp(log_choose + i * log_p + (n - i) * log_q);
	}
	return sum < 1.0 ? sum : 1.0;
}

/* Regularised lower incomplete gamma P(a, x) by its power series
 * e^-x x^a / Gamma(a + 1) * sum x^n / ((a + 1) ... (a + n)); every term is
 * positive, so the sum is stable; it stops when a term no longer changes it. */
static double gamma_lower_regularised(double a, double x)
{
	SZ_ASSERT(a > 0.0 && x >= 0.0);
	if (x == 0.0)
		return 0.0;
	double term = 1.0;
	double sum = 1.0;
	for (uint32_t n = 1; n < 100000u; n++) {
		term *= x / (a + n);
		sum += term;
		if (term < sum * 1e-17)
			break;
	}
	double log_front = -x + a * log(x) - lgamma(a + 1.0);
	double value = exp(log_front + log(sum));
	return value < 1.0 ? value : 1.0;
}

double scorecard_chi2_upper(double x, double df)
{
	SZ_ASSERT(df > 0.0);
	if (!(x > 0.0))
		return 1.0;
	return 1.0 - gamma_lower_regularised(df / 2.0, x / 2.0);
}

void scorecard_hosmer_lemeshow(const uint32_t *counts, const double *observed,
			       const double *expected, uint32_t group_count, double *statistic,
			       double *p_value)
{
	SZ_ASSERT(counts != NULL && observed != NULL && expected != NULL);
	SZ_ASSERT(statistic != NULL && p_value != NULL);
	double hl = 0.0;
	uint32_t used = 0;
	for (uint32_t g = 0; g < group_count; g++) {
		double n = counts[g];
		double e = expected[g];
		if (!(e > 0.0) || !(e < n))
			continue;
		double d = observed[g] - e;
		hl += d * d / (e * (1.0 - e / n));
		used++;
	}
	*statistic = hl;
	*p_value = used > 2 ? scorecard_chi2_upper(hl, (double)(used - 2)) : NAN;
}

int scorecard_grade_checks(const scorecard_master_scale *scale, const double *bad_probabilities,
			   const uint8_t *is_good, uint32_t count, scorecard_grade_check *checks)
{
	SZ_ASSERT(scale != NULL && bad_probabilities != NULL && is_good != NULL);
	SZ_ASSERT(scale->grade_count <= SCORECARD_MASTER_GRADE_COUNT_MAX);
	memset(checks, 0, scale->grade_count * sizeof(*checks));
	for (uint32_t r = 0; r < count; r++) {
		scorecard_grade_check *c = &checks[scorecard_master_grade_of(scale, bad_probabilities[r])];
		c->count++;
		c->bad_count += is_good[r] == 0;
		c->predicted_pd += bad_probabilities[r];
	}
	for (uint32_t g = 0; g < scale->grade_count; g++) {
		scorecard_grade_check *c = &checks[g];
		if (c->count == 0) {
			c->predicted_pd = NAN;
			c->observed_rate = NAN;
			c->binomial_p = NAN;
			continue;
		}
		c->predicted_pd /= c->count;
		c->observed_rate = (double)c->bad_count / c->count;
		c->binomial_p = scorecard_binomial_upper(c->count, c->bad_count, c->predicted_pd);
	}
	return SZ_OK;
}

/* Whether row r is at or after the out-of-time start: numbers compare as
 * numbers, text as text (ISO dates and YYYY-MM sort as text). */
static bool row_out_of_time(const credit_csv_column *col, uint32_t r, const char *from, double from_number)
{
	if (col->kind == CREDIT_CSV_NUMERIC)
		return !isnan(col->numbers[r]) && col->numbers[r] >= from_number;
	int32_t level = col->levels[r];
	return level >= 0 && strcmp(col->level_names[level], from) >= 0;
}

/* Over 70 lines: split, k-fold on the earlier rows, train on all of them,
 * score the later ones, then measure, with one cleanup exit. */
int scorecard_out_of_time(const credit_csv_table *table, const char *target_name,
			  const char *good_label, const uint8_t *is_good, const char *time_column,
			  const char *from, const scorecard_options *options, uint32_t fold_count,
			  uint64_t seed, scorecard_oot_result *result, scorecard_error *error)
{
	SZ_ASSERT(table != NULL && is_good != NULL && time_column != NULL && from != NULL);
	SZ_ASSERT(options != NULL && result != NULL);
	memset(result, 0, sizeof(*result));
	int32_t time = credit_csv_column_find(table, time_column);
	if (time < 0) {
		snprintf(error->message, sizeof(error->message), "no time column '%.64s'", time_column);
		return SZ_ENOTFOUND;
	}
	const credit_csv_column *col = &table->columns[time];
	double from_number = NAN;
	if (col->kind == CREDIT_CSV_NUMERIC &&
	    credit_csv_number_parse(from, strlen(from), &from_number) != SZ_OK) {
		snprintf(error->message, sizeof(error->message),
			 "time column '%.64s' is numeric; --oot-from '%.64s' is not a number", time_column, from);
		return SZ_EINVAL;
	}
	uint32_t n = table->row_count;
	uint32_t *in_rows = malloc((n > 0 ? n : 1u) * sizeof(uint32_t));
	double *scores = malloc((n > 0 ? n : 1u) * sizeof(double));
	double *bad = malloc((n > 0 ? n : 1u) * sizeof(double));
	uint8_t *out_good = malloc(n > 0 ? n : 1u);
	scorecard_model model = { 0 };
	scorecard_binding binding = { 0 };
	int rc = SZ_ENOMEM;
	if (in_rows == NULL || scores == NULL || bad == NULL || out_good == NULL)
		goto done;
	for (uint32_t r = 0; r < n; r++) {
		if (!row_out_of_time(col, r, from, from_number))
			in_rows[result->in_count++] = r;
	}
	result->out_count = n - result->in_count;
	if (result->in_count == 0 || result->out_count == 0) {
		snprintf(error->message, sizeof(error->message),
			 "--oot-from %.64s leaves %u rows before and %u from it: both need rows", from,
			 result->in_count, result->out_count);
		rc = SZ_EINVAL;
		goto done;
	}
	rc = scorecard_cross_validate_rows(table, target_name, good_label, is_good, in_rows,
					   result->in_count, options, fold_count, seed, &result->cv, error);
	if (rc != SZ_OK)
		goto done;
	rc = scorecard_train(&model, table, target_name, good_label, is_good, in_rows,
			     result->in_count, options, error);
	if (rc == SZ_OK)
		rc = scorecard_binding_init(&binding, &model, table, error);
	if (rc != SZ_OK)
		goto done;
	uint32_t k = 0;
	for (uint32_t r = 0; r < n; r++) {
		if (!row_out_of_time(col, r, from, from_number))
			continue;
		scorecard_result score;
		scorecard_score_row(&model, &binding, table, r, &score);
		scores[k] = scorecard_double_of(score.score_milli, SCORECARD_POINTS_SCALE);
		bad[k] = scorecard_double_of(score.bad_ppb, SCORECARD_NANO);
		out_good[k++] = is_good[r];
	}
	SZ_ASSERT(k == result->out_count);
	rc = scorecard_metrics_compute(scores, bad, out_good, k, &result->oot);
	if (rc != SZ_OK) {
		snprintf(error->message, sizeof(error->message),
			 "the out-of-time rows need goods and bads");
		goto done;
	}
	uint32_t counts[SCORECARD_CALIBRATION_COUNT];
	double observed[SCORECARD_CALIBRATION_COUNT];
	double expected[SCORECARD_CALIBRATION_COUNT];
	for (uint32_t g = 0; g < result->oot.calibration_count; g++) {
		const scorecard_calibration *c = &result->oot.calibration[g];
		counts[g] = c->count;
		observed[g] = c->observed_bad_rate * c->count;
		expected[g] = c->predicted_bad_rate * c->count;
	}
	scorecard_hosmer_lemeshow(counts, observed, expected, result->oot.calibration_count,
				  &result->hosmer_lemeshow, &result->hosmer_lemeshow_p);
done:
	scorecard_binding_release(&binding);
	if (model.characteristics != NULL)
		scorecard_model_release(&model);
	free(in_rows);
	free(scores);
	free(bad);
	free(out_good);
	return rc;
}
