/*
 * model_format.h — what the model file's reader (model_io.c) and writer
 * (model_write.c) share: the magic word, the versions, the bounds on its
 * numbers and the names of bin kinds. The layout itself is described at the
 * top of model_io.c.
 */
#ifndef SZ_CREDIT_MODEL_FORMAT_H
#define SZ_CREDIT_MODEL_FORMAT_H

#include "credit/scorecard.h"
#include "core/assert.h"

#define MODEL_MAGIC "szfin-scorecard"
#define MODEL_VERSION 4u
/* Written when the model has no challenger. */
#define MODEL_VERSION_NO_CHALLENGER 3u
/* The oldest version this build still reads (without declared ranges). */
#define MODEL_VERSION_MIN 2u
/* Fields on one line: the options and grades lines have 9. */
#define MODEL_LINE_FIELD_COUNT_MAX 12u
/* Bounds on the numbers of a model: a points value is at most 10^9 points,
 * so a card of SZ_CREDIT_CSV_COLUMN_COUNT_MAX characteristics sums to under
 * 2^63 with room to spare; WoE, IV and coefficients at most 10^6; an option
 * at most 10^9 (scorecard_options_check). */
#define MODEL_POINTS_MILLI_MAX 1000000000000ll
#define MODEL_NANO_MAX 1000000000000000ll
#define MODEL_PPM_MAX 1000000000000000ll

static inline const char *bin_kind_name(enum scorecard_bin_kind kind)
{
	switch (kind) {
	case SCORECARD_BIN_RANGE: return "range";
	case SCORECARD_BIN_LEVELS: return "levels";
	case SCORECARD_BIN_OTHER: return "other";
	case SCORECARD_BIN_MISSING: return "missing";
	}
	SZ_UNREACHABLE();
}

#endif
