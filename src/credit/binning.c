/*
 * binning.c — fine bins, merging, monotonic WoE, categorical grouping.
 *
 * Works on "blocks": runs of adjacent fine bins (numeric, in value order) or
 * of labels (categorical, in WoE order) with their good and bad counts.
 * Every step only merges adjacent blocks, so a numeric block stays an
 * interval and a categorical block a run of labels of similar WoE. Ties are
 * broken by position, never by memory order, so binning is deterministic.
 * Bins leave here in the model's integers: range bounds in 1/10,000 of the
 * value (ranges whose bounds round to the same number are merged), WoE and
 * IV in 1e-9.
 *
 * lint-float: offline — binning is part of training, never of apply.
 */
#include "credit/binning.h"

#include "credit/scorecard_train.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct block {
	double upper;       /* numeric: inclusive upper bound */
	uint32_t start;     /* categorical: first position in the WoE-sorted label list */
	uint32_t good;
	uint32_t bad;
};

double scorecard_woe(double good_count, double bad_count, const scorecard_totals *totals,
		     double prior_count)
{
	SZ_ASSERT(totals->good_count > 0);
	SZ_ASSERT(totals->bad_count > 0);
	SZ_ASSERT(prior_count >= 0.0);
	double good_total = totals->good_count;
	double bad_total = totals->bad_count;
	if (good_count + bad_count == 0.0)
		return 0.0;
	if (prior_count > 0.0) {
		double all = good_total + bad_total;
		double g = good_count + prior_count * good_total / all;
		double b = bad_count + prior_count * bad_total / all;
		return log((g / good_total) / (b / bad_total));
	}
	double g = good_count > 0.0 ? good_count : 0.5;
	double b = bad_count > 0.0 ? bad_count : 0.5;
	return log((g / good_total) / (b / bad_total));
}

void scorecard_woe_apply(scorecard_characteristic *c, const scorecard_totals *totals,
			 double prior_count)
{
	SZ_ASSERT(c->bin_count >= 1);
	SZ_ASSERT(c->bins != NULL);
	double iv = 0.0;
	for (uint32_t i = 0; i < c->bin_count; i++) {
		scorecard_bin *bin = &c->bins[i];
		double woe = scorecard_woe(bin->good_count, bin->bad_count, totals, prior_count);
		double share_diff = (double)bin->good_count / totals->good_count -
				    (double)bin->bad_count / totals->bad_count;
		double bin_iv = share_diff * woe;
		/* With a prior, WoE has the sign of share_diff; the 0.5 stand-in
		 * for a zero count (prior 0) can break that in tiny samples. */
		SZ_ASSERT(prior_count == 0.0 || bin_iv >= 0.0);
		bin->woe_nano = scorecard_fixed_of(woe, SCORECARD_NANO);
		bin->iv_nano = scorecard_fixed_of(bin_iv, SCORECARD_NANO);
		iv += bin_iv;
	}
	c->iv_nano = scorecard_fixed_of(iv, SCORECARD_NANO);
}

static double block_woe(const struct block *b, const scorecard_totals *totals, double prior)
{
	return scorecard_woe(b->good, b->bad, totals, prior);
}

/* Merges block i+1 into block i. */
static void block_merge(struct block *blocks, uint32_t *count, uint32_t i)
{
	SZ_ASSERT(i + 1 < *count);
	blocks[i].good += blocks[i + 1].good;
	blocks[i].bad += blocks[i + 1].bad;
	blocks[i].upper = blocks[i + 1].upper;
	memmove(&blocks[i + 1], &blocks[i + 2], (*count - i - 2) * sizeof(*blocks));
	(*count)--;
}

/* Rows a block needs: at least one, at least share of all training rows. */
static uint32_t block_count_min(double share, const scorecard_totals *totals)
{
	double rows = (double)totals->good_count + (double)totals->bad_count;
	double needed = ceil(share * rows);
	SZ_ASSERT(needed <= rows + 1.0);
	return needed < 1.0 ? 1u : (uint32_t)needed;
}

/* Index of the smallest block (first on a tie) if it is under count_min,
 * else the block count. */
static uint32_t block_smallest_under(const struct block *blocks, uint32_t count,
				     uint32_t count_min)
{
	uint32_t best = count;
	uint32_t best_rows = UINT32_MAX;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t rows = blocks[i].good + blocks[i].bad;
		if (rows < best_rows) {
			best_rows = rows;
			best = i;
		}
	}
	return best_rows < count_min ? best : count;
}

/* Merges numeric blocks under count_min into their smaller neighbour. */
static void blocks_merge_small_numeric(struct block *blocks, uint32_t *count, uint32_t count_min)
{
	while (*count > 1) {
		uint32_t i = block_smallest_under(blocks, *count, count_min);
		if (i == *count)
			break;
		uint32_t left;
		if (i == 0) {
			left = 0;
		} else if (i + 1 == *count) {
			left = i - 1;
		} else {
			uint32_t rows_left = blocks[i - 1].good + blocks[i - 1].bad;
			uint32_t rows_right = blocks[i + 1].good + blocks[i + 1].bad;
			left = rows_left <= rows_right ? i - 1 : i;
		}
		block_merge(blocks, count, left);
	}
}

/* Pool adjacent violators: out gets the blocks of in merged until WoE is
 * strictly increasing (increasing) or strictly decreasing. Returns the IV. */
static double blocks_monotone(const struct block *in, uint32_t in_count, struct block *out,
			      uint32_t *out_count, bool increasing, const scorecard_totals *totals,
			      double prior)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < in_count; i++) {
		out[n++] = in[i];
		while (n >= 2) {
			double woe_left = block_woe(&out[n - 2], totals, prior);
			double woe_right = block_woe(&out[n - 1], totals, prior);
			bool violates = increasing ? woe_left >= woe_right : woe_left <= woe_right;
			if (!violates)
				break;
			block_merge(out, &n, n - 2);
		}
	}
	SZ_ASSERT(n >= 1 || in_count == 0);
	double iv = 0.0;
	for (uint32_t i = 0; i < n; i++) {
		double diff = (double)out[i].good / totals->good_count -
			      (double)out[i].bad / totals->bad_count;
		iv += diff * block_woe(&out[i], totals, prior);
	}
	*out_count = n;
	return iv;
}

/* Pearson chi-square of the 2x2 table (good, bad) x (block a, block b);
 * 0 when a margin is empty (nothing tells the blocks apart). */
static double blocks_chi2(const struct block *a, const struct block *b)
{
	double ga = a->good, ba = a->bad, gb = b->good, bb = b->bad;
	double rows_a = ga + ba, rows_b = gb + bb, goods = ga + gb, bads = ba + bb;
	double denominator = rows_a * rows_b * goods * bads;
	if (denominator == 0.0)
		return 0.0;
	double cross = ga * bb - ba * gb;
	return (rows_a + rows_b) * cross * cross / denominator;
}

/* ChiMerge: while the least distinguishable adjacent pair has a chi-square
 * under chi2_min, merge it (first pair on a tie). Merging neighbours keeps
 * a monotonic sequence monotonic. */
static void blocks_chi_merge(struct block *blocks, uint32_t *count, double chi2_min)
{
	SZ_ASSERT(chi2_min >= 0.0);
	while (*count > 1) {
		uint32_t best = 0;
		double best_chi2 = INFINITY;
		for (uint32_t i = 0; i + 1 < *count; i++) {
			double chi2 = blocks_chi2(&blocks[i], &blocks[i + 1]);
			if (chi2 < best_chi2) {
				best_chi2 = chi2;
				best = i;
			}
		}
		if (!(best_chi2 < chi2_min))
			break;
		block_merge(blocks, count, best);
	}
}

struct numeric_pair {
	double value;
	uint8_t good;
};

static int numeric_pair_compare(const void *a, const void *b)
{
	double x = ((const struct numeric_pair *)a)->value;
	double y = ((const struct numeric_pair *)b)->value;
	return (x > y) - (x < y);
}

/* Over 70 lines: one pass of sort, fine bins, merge, monotone choice and
 * bin fill over buffers it owns, with one cleanup exit; the steps are the
 * block_* functions above. */
int scorecard_bin_numeric(scorecard_characteristic *c, const double *numbers,
			  const uint8_t *is_good, const uint32_t *rows, uint32_t row_count,
			  const scorecard_options *options, const scorecard_totals *totals)
{
	SZ_ASSERT(c != NULL && c->bins == NULL);
	SZ_ASSERT(rows != NULL && row_count > 0);
	SZ_ASSERT(options->fine_bin_count >= 2);
	SZ_ASSERT(options->fine_bin_count <= SZ_SCORECARD_FINE_BIN_COUNT_MAX);
	int rc = SZ_ENOMEM;
	struct numeric_pair *pairs = malloc((size_t)row_count * sizeof(*pairs));
	struct block fine[SZ_SCORECARD_FINE_BIN_COUNT_MAX];
	struct block up[SZ_SCORECARD_FINE_BIN_COUNT_MAX];
	struct block down[SZ_SCORECARD_FINE_BIN_COUNT_MAX];
	if (pairs == NULL)
		goto fail;
	uint32_t n = 0;
	uint32_t missing_good = 0;
	uint32_t missing_bad = 0;
	for (uint32_t i = 0; i < row_count; i++) {
		double v = numbers[rows[i]];
		uint8_t good = is_good[rows[i]];
		SZ_ASSERT(good <= 1);
		if (isnan(v)) {
			missing_good += good;
			missing_bad += 1u - good;
			continue;
		}
		pairs[n].value = v;
		pairs[n].good = good;
		n++;
	}
	qsort(pairs, n, sizeof(*pairs), numeric_pair_compare);

	/* Fine bins: quantile ends, extended so that equal values share a bin. */
	uint32_t fine_count = 0;
	uint32_t pos = 0;
	uint32_t m = options->fine_bin_count;
	for (uint32_t k = 1; k <= m && pos < n; k++) {
		uint32_t end = (uint32_t)(((uint64_t)k * n) / m);
		if (end <= pos)
			continue;
		while (end < n && pairs[end].value == pairs[end - 1].value)
			end++;
		struct block *b = &fine[fine_count++];
		b->upper = end == n ? INFINITY : pairs[end - 1].value;
		b->start = 0;
		b->good = 0;
		b->bad = 0;
		for (uint32_t i = pos; i < end; i++) {
			b->good += pairs[i].good;
			b->bad += 1u - pairs[i].good;
		}
		pos = end;
	}
	SZ_ASSERT(pos == n);
	if (fine_count == 0) {
		fine[0] = (struct block){ .upper = INFINITY, .start = 0, .good = 0, .bad = 0 };
		fine_count = 1;
	}
	SZ_ASSERT(fine_count <= m);
	SZ_ASSERT(fine[fine_count - 1].upper == INFINITY);

	blocks_merge_small_numeric(fine, &fine_count, block_count_min(options->bin_share_min, totals));
	uint32_t up_count = 0;
	uint32_t down_count = 0;
	double prior = options->woe_prior_count;
	double iv_up = blocks_monotone(fine, fine_count, up, &up_count, true, totals, prior);
	double iv_down = blocks_monotone(fine, fine_count, down, &down_count, false, totals, prior);
	struct block *chosen = iv_up >= iv_down ? up : down;
	uint32_t chosen_count = iv_up >= iv_down ? up_count : down_count;
	blocks_chi_merge(chosen, &chosen_count, options->split_chi2_min);
	SZ_ASSERT(chosen_count >= 1);

	c->kind = CREDIT_CSV_NUMERIC;
	c->bin_count = chosen_count + 1;
	c->bins = calloc(c->bin_count, sizeof(*c->bins));
	if (c->bins == NULL)
		goto fail;
	uint32_t range_count = 0;
	for (uint32_t i = 0; i < chosen_count; i++) {
		int64_t upper = i + 1 == chosen_count ? SCORECARD_UPPER_LAST
						      : scorecard_value_e4_of(chosen[i].upper);
		if (range_count > 0 && upper <= c->bins[range_count - 1].upper_e4) {
			/* Rounds onto the previous bound: one range. */
			scorecard_bin *previous = &c->bins[range_count - 1];
			previous->good_count += chosen[i].good;
			previous->bad_count += chosen[i].bad;
			if (upper == SCORECARD_UPPER_LAST)
				previous->upper_e4 = upper;
			continue;
		}
		scorecard_bin *bin = &c->bins[range_count++];
		bin->kind = SCORECARD_BIN_RANGE;
		bin->upper_e4 = upper;
		bin->good_count = chosen[i].good;
		bin->bad_count = chosen[i].bad;
	}
	SZ_ASSERT(range_count >= 1 && c->bins[range_count - 1].upper_e4 == SCORECARD_UPPER_LAST);
	c->bin_count = range_count + 1;
	scorecard_bin *missing = &c->bins[range_count];
	missing->kind = SCORECARD_BIN_MISSING;
	missing->upper_e4 = 0;
	missing->good_count = missing_good;
	missing->bad_count = missing_bad;
	c->missing_bin = range_count;
	c->other_bin = SCORECARD_NO_BIN;
	/* Declared range: a characteristic never negative in training (an
	 * amount, a count) refuses negative values. */
	c->value_min_e4 = n > 0 && pairs[0].value < 0.0 ? SCORECARD_RANGE_OPEN_MIN : 0;
	c->value_max_e4 = SCORECARD_RANGE_OPEN_MAX;
	scorecard_woe_apply(c, totals, prior);
	rc = SZ_OK;
fail:
	free(pairs);
	return rc;
}

/* Categorical: labels sorted by WoE, then by label index. */
struct label_rank {
	uint32_t level;
	double woe;
};

static int label_rank_compare(const void *a, const void *b)
{
	const struct label_rank *x = a;
	const struct label_rank *y = b;
	if (x->woe != y->woe)
		return x->woe < y->woe ? -1 : 1;
	return (x->level > y->level) - (x->level < y->level);
}

/* Merges categorical blocks under count_min into the neighbour of closest WoE. */
static void blocks_merge_small_categorical(struct block *blocks, uint32_t *count,
					   uint32_t count_min, const scorecard_totals *totals,
					   double prior)
{
	while (*count > 1) {
		uint32_t i = block_smallest_under(blocks, *count, count_min);
		if (i == *count)
			break;
		uint32_t left;
		if (i == 0) {
			left = 0;
		} else if (i + 1 == *count) {
			left = i - 1;
		} else {
			double woe = block_woe(&blocks[i], totals, prior);
			double to_left = fabs(woe - block_woe(&blocks[i - 1], totals, prior));
			double to_right = fabs(woe - block_woe(&blocks[i + 1], totals, prior));
			left = to_left <= to_right ? i - 1 : i;
		}
		block_merge(blocks, count, left);
	}
}

/* Normalised label of every level of a column (scorecard_label_normalize),
 * and the first level with the same normalised label (-1 when it
 * normalises to nothing or to a missing token): "Radio/TV" and "radio/tv"
 * are one category. SZ_ENOMEM. */
static int labels_canonical(const credit_csv_column *column, char **normal, int32_t *canonical)
{
	SZ_ASSERT(column->level_count <= SZ_CREDIT_CSV_LEVEL_COUNT_MAX);
	for (uint32_t level = 0; level < column->level_count; level++) {
		char buffer[SZ_CREDIT_CSV_FIELD_SIZE_MAX + 1u];
		size_t length = scorecard_label_normalize(column->level_names[level], buffer,
							  sizeof buffer);
		normal[level] = strdup(buffer);
		if (normal[level] == NULL)
			return SZ_ENOMEM;
		canonical[level] = (int32_t)level;
		if (length == 0 || credit_csv_is_missing(buffer, length)) {
			canonical[level] = -1;
			continue;
		}
		/* Quadratic in the labels (at most SZ_CREDIT_CSV_LEVEL_COUNT_MAX), once per training. */
		for (uint32_t first = 0; first < level; first++) {
			if (canonical[first] == (int32_t)first && strcmp(normal[first], buffer) == 0) {
				canonical[level] = (int32_t)first;
				break;
			}
		}
	}
	return SZ_OK;
}

/* Over 70 lines: counts, WoE ranking, merging and the label table over
 * buffers it owns, with one cleanup exit; the steps are the block_*
 * functions above. */
int scorecard_bin_categorical(scorecard_characteristic *c, const credit_csv_column *column,
			      const uint8_t *is_good, const uint32_t *rows, uint32_t row_count,
			      const scorecard_options *options, const scorecard_totals *totals)
{
	SZ_ASSERT(c != NULL && c->bins == NULL);
	SZ_ASSERT(column->kind == CREDIT_CSV_CATEGORICAL);
	SZ_ASSERT(column->level_count <= SZ_CREDIT_CSV_LEVEL_COUNT_MAX);
	int rc = SZ_ENOMEM;
	uint32_t level_total = column->level_count;
	uint32_t *goods = calloc(level_total + 1u, sizeof(uint32_t));
	uint32_t *bads = calloc(level_total + 1u, sizeof(uint32_t));
	struct label_rank *ranks = malloc((level_total + 1u) * sizeof(*ranks));
	struct block *blocks = malloc((level_total + 1u) * sizeof(*blocks));
	uint32_t *bin_of_position = malloc((level_total + 1u) * sizeof(uint32_t));
	int32_t *canonical = malloc((level_total + 1u) * sizeof(int32_t));
	char **normal = calloc(level_total + 1u, sizeof(char *));
	if (goods == NULL || bads == NULL || ranks == NULL || blocks == NULL ||
	    bin_of_position == NULL || canonical == NULL || normal == NULL)
		goto fail;
	uint32_t missing_good = 0;
	uint32_t missing_bad = 0;
	rc = labels_canonical(column, normal, canonical);
	if (rc != SZ_OK)
		goto fail;
	rc = SZ_ENOMEM;
	for (uint32_t i = 0; i < row_count; i++) {
		int32_t level = column->levels[rows[i]];
		uint8_t good = is_good[rows[i]];
		SZ_ASSERT(level < (int32_t)level_total);
		if (level >= 0)
			level = canonical[level];
		if (level < 0) {
			missing_good += good;
			missing_bad += 1u - good;
		} else {
			goods[level] += good;
			bads[level] += 1u - good;
		}
	}
	double prior = options->woe_prior_count;
	uint32_t seen = 0;
	for (uint32_t level = 0; level < level_total; level++) {
		if (goods[level] + bads[level] == 0)
			continue;
		ranks[seen].level = level;
		ranks[seen].woe = scorecard_woe(goods[level], bads[level], totals, prior);
		seen++;
	}
	qsort(ranks, seen, sizeof(*ranks), label_rank_compare);
	uint32_t block_count = 0;
	for (uint32_t i = 0; i < seen; i++) {
		blocks[block_count++] = (struct block){
			.upper = 0.0, .start = i,
			.good = goods[ranks[i].level], .bad = bads[ranks[i].level],
		};
	}
	blocks_merge_small_categorical(blocks, &block_count,
				       block_count_min(options->category_share_min, totals),
				       totals, prior);
	blocks_chi_merge(blocks, &block_count, options->split_chi2_min);
	SZ_ASSERT(block_count + 2u <= SZ_SCORECARD_BIN_COUNT_MAX);
	SZ_ASSERT(block_count <= seen);

	c->kind = CREDIT_CSV_CATEGORICAL;
	c->bin_count = block_count + 2u;
	c->bins = calloc(c->bin_count, sizeof(*c->bins));
	c->level_names = calloc(seen > 0 ? seen : 1u, sizeof(char *));
	c->level_bins = calloc(seen > 0 ? seen : 1u, sizeof(uint32_t));
	if (c->bins == NULL || c->level_names == NULL || c->level_bins == NULL)
		goto fail;
	for (uint32_t b = 0; b < block_count; b++) {
		c->bins[b].kind = SCORECARD_BIN_LEVELS;
		c->bins[b].upper_e4 = 0;
		c->bins[b].good_count = blocks[b].good;
		c->bins[b].bad_count = blocks[b].bad;
		uint32_t end = b + 1 < block_count ? blocks[b + 1].start : seen;
		for (uint32_t p = blocks[b].start; p < end; p++)
			bin_of_position[p] = b;
	}
	c->other_bin = block_count;
	c->bins[block_count].kind = SCORECARD_BIN_OTHER;
	c->bins[block_count].upper_e4 = 0;
	c->missing_bin = block_count + 1u;
	c->bins[block_count + 1u].kind = SCORECARD_BIN_MISSING;
	c->bins[block_count + 1u].upper_e4 = 0;
	c->bins[block_count + 1u].good_count = missing_good;
	c->bins[block_count + 1u].bad_count = missing_bad;

	/* Labels in first-seen (table) order, each with its bin. */
	uint32_t *bin_of_level = goods; /* reuse: counts are no longer needed */
	for (uint32_t level = 0; level < level_total; level++)
		bin_of_level[level] = SCORECARD_NO_BIN;
	for (uint32_t p = 0; p < seen; p++)
		bin_of_level[ranks[p].level] = bin_of_position[p];
	c->level_count = 0;
	for (uint32_t level = 0; level < level_total; level++) {
		if (bin_of_level[level] == SCORECARD_NO_BIN)
			continue;
		char *name = strdup(normal[level]);
		if (name == NULL)
			goto fail;
		c->level_names[c->level_count] = name;
		c->level_bins[c->level_count] = bin_of_level[level];
		c->level_count++;
	}
	SZ_ASSERT(c->level_count == seen);
	scorecard_woe_apply(c, totals, prior);
	rc = SZ_OK;
fail:
	if (normal != NULL) {
		for (uint32_t level = 0; level < level_total; level++)
			free(normal[level]);
	}
	free(normal);
	free(canonical);
	free(goods);
	free(bads);
	free(ranks);
	free(blocks);
	free(bin_of_position);
	return rc;
}
