/*
 * binning.h — coarse classing of characteristics and their weight of evidence.
 *
 * lint-float: offline — binning is part of training, never of apply.
 *
 * Owns: turning one column of training rows into the bins of a
 * scorecard_characteristic, with counts, WoE and IV (formulas in
 * scorecard.h):
 *   - numeric: fine quantile bins (ties never split), small bins merged into
 *     their smaller neighbour until each holds bin_share_min of the rows,
 *     then adjacent bins pooled (pool-adjacent-violators) until WoE is
 *     strictly monotonic; both directions are tried and the one keeping more
 *     IV wins (increasing on a tie). Then the missing bin.
 *   - categorical: one bin per label seen in training; labels are ordered by
 *     WoE and a bin under category_share_min is merged with its neighbour of
 *     closest WoE until none is. Then "other" (labels unseen in training,
 *     WoE 0) and the missing bin.
 * The missing bin always exists; it has WoE 0 when training had no missing
 * value (scoring a missing value then adds no evidence either way).
 *
 * Never: look at rows outside the given list (cross-validation relies on
 * bins being fit on the training folds only).
 */
#ifndef SZ_CREDIT_BINNING_H
#define SZ_CREDIT_BINNING_H

#include "credit/scorecard_train.h"

/* The training totals every WoE is relative to. */
typedef struct scorecard_totals {
	uint32_t good_count;
	uint32_t bad_count;
} scorecard_totals;

/* WoE of a bin with the given counts (formula in scorecard.h). */
double scorecard_woe(double good_count, double bad_count, const scorecard_totals *totals,
		     double prior_count);

/* Sets woe and iv of every bin from its counts, and c->iv. */
void scorecard_woe_apply(scorecard_characteristic *c, const scorecard_totals *totals,
			 double prior_count);

/* Bins numeric values (NAN = missing) of the given rows into c, whose name
 * is already set. Returns 0 or SZ_ENOMEM. */
int scorecard_bin_numeric(scorecard_characteristic *c, const double *numbers,
			  const uint8_t *is_good, const uint32_t *rows, uint32_t row_count,
			  const scorecard_options *options, const scorecard_totals *totals);

/* Bins a categorical column (label index per row, -1 = missing) of the
 * given rows into c, copying the labels seen. Returns 0 or SZ_ENOMEM. */
int scorecard_bin_categorical(scorecard_characteristic *c, const credit_csv_column *column,
			      const uint8_t *is_good, const uint32_t *rows, uint32_t row_count,
			      const scorecard_options *options, const scorecard_totals *totals);

#endif
