/*
 * model_io.c — the scorecard model artifact: versioned, checksummed text of
 * integers. This file reads it; model_write.c writes it.
 *
 * Layout (one record per line, fields separated by one space, every line
 * ends in LF; strings are percent-escaped: bytes outside 0x21-0x7e and '%'
 * become %XX, so a string is one non-empty token; every number is a decimal
 * integer in the unit its name ends in (scorecard.h: _e4 = 1/10,000 of the
 * value, _milli = 1/1,000 point, _nano = 1e-9, _ppm = 1e-6, _ppb = 1e-9);
 * "max" is the open upper end of the last range bin and score band):
 *
 *   szfin-scorecard 2
 *   target NAME GOOD_LABEL
 *   options FINE_BINS BIN_SHARE_MIN_PPM CATEGORY_SHARE_MIN_PPM WOE_PRIOR_PPM
 *           SPLIT_CHI2_MIN_PPM DROP_NEGATIVE(0|1) IV_MIN_PPM LAMBDA_PPM
 *   scaling BASE_POINTS_PPM BASE_ODDS_PPM PDO_POINTS_PPM
 *   thin_file SCORECARD_MIN_PPM TECH_MIN_PPM  (version 3: each product's manual-review
 *                                             band by completeness; 0 = none)
 *   training GOOD_COUNT BAD_COUNT
 *   intercept B0_NANO
 *   characteristics COUNT SELECTED_COUNT
 *   then per characteristic:
 *     characteristic NAME numeric|categorical SELECTED(0|1) IV_NANO COEFFICIENT_NANO
 *                    POINTS_MAX_MILLI BIN_COUNT LEVEL_COUNT
 *     range MIN_E4|min MAX_E4|max          (numeric only, version 3: the declared range;
 *                                           "min"/"max" are the open ends)
 *     bin range|levels|other|missing UPPER_E4(- unless range) GOOD BAD WOE_NANO IV_NANO
 *         POINTS_MILLI                                                       (BIN_COUNT lines)
 *     level BIN LABEL                                                        (LEVEL_COUNT lines)
 *   grades AAA_MILLI AA_MILLI A_MILLI BBB_MILLI BB_MILLI B_MILLI CCC_MILLI CC_MILLI
 *          (lowest score of each grade but C, decreasing)
 *   pd_table FIRST_MILLI STEP_MILLI COUNT
 *   pd BAD_PPB                                                               (COUNT lines)
 *   score_bands COUNT
 *   band UPPER_MILLI SHARE_PPM                                               (COUNT lines)
 *   master_scale COUNT                   (version 3: the PD master scale)
 *   master NAME PD_MAX_PPB                 (COUNT lines; rising, the last 1000000000)
 *   challenger boost BASE_MILLI TREE_COUNT NODE_COUNT DEPTH_MAX ETA_PPM
 *                                        (version 4 only: the boosted challenger, boost.h)
 *   tree NODE_COUNT                                                          (TREE_COUNT times)
 *   split CHARACTERISTIC THRESHOLD YES NO MISSING(yes|no) VALUE_MILLI  or  leaf VALUE_MILLI
 *                                        (NODE_COUNT lines, node 0 the root; YES and NO
 *                                         are node numbers within the tree, after this one)
 *   end
 *   sha256 HEX(64)     <- SHA-256 of every byte before this line
 *
 * Version 1 held doubles (%.17g) and no grade or probability table; a
 * server reading it had to score in floating point. This build reads only
 * versions 2 and 3 (SZ_EVERSION otherwise): retrain, or re-run szfin credit
train. Version 3 added the range line; a version 2 model reads with open
ranges. Version 4 is version 3 with a challenger; a model without one is
 * still written as version 3.
 *
 * A reader checks, in order: size <= SZ_SCORECARD_MODEL_SIZE_MAX, the magic
 * word, the version, the checksum, then every line's shape and the model's
 * invariants (bin order and kinds, counts adding up to the training totals,
 * selected count, bounds on every number so that no sum overflows, grades
 * decreasing, the probability table non-increasing, band order, shares
 * adding up to 1,000,000). It stops at the first problem and names the line.
 * Parsing is integer-only: apply parses a model when it activates it. The
 * file writer writes NAME.tmp, fsyncs it and renames it over NAME, so a
 * crash leaves the old or the new model, whole.
 */
#include "credit/scorecard.h"
#include "credit/model_format.h"
#include "credit/boost.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* ---- reading ------------------------------------------------------------ */

struct in {
	const char *data;
	size_t size;
	size_t pos;
	uint32_t line;
	char *fields[MODEL_LINE_FIELD_COUNT_MAX];
	uint32_t field_count;
	uint32_t version;
	char buffer[2 * SZ_CREDIT_CSV_FIELD_SIZE_MAX * 3 + 256]; /* escaped labels are <= 3x */
	scorecard_error *error;
};

static int in_fail(struct in *in, const char *format, ...) __attribute__((format(printf, 2, 3)));

static int in_fail(struct in *in, const char *format, ...)
{
	if (in->error != NULL) {
		char reason[192];
		va_list args;
		va_start(args, format);
		vsnprintf(reason, sizeof(reason), format, args);
		va_end(args);
		snprintf(in->error->message, sizeof(in->error->message), "model line %u: %s",
			 in->line, reason);
	}
	return SZ_ECORRUPT;
}

/* Reads the next line, splits it into fields; the first must be keyword. */
static int in_line(struct in *in, const char *keyword, uint32_t field_count)
{
	SZ_ASSERT(field_count >= 1 && field_count <= MODEL_LINE_FIELD_COUNT_MAX);
	SZ_ASSERT(in->pos <= in->size);
	in->line++;
	const char *start = in->data + in->pos;
	const char *end = memchr(start, '\n', in->size - in->pos);
	if (end == NULL)
		return in_fail(in, "unexpected end of model, expected '%s'", keyword);
	size_t length = (size_t)(end - start);
	if (length >= sizeof(in->buffer))
		return in_fail(in, "line too long");
	memcpy(in->buffer, start, length);
	in->buffer[length] = '\0';
	in->pos += length + 1;
	in->field_count = 0;
	char *p = in->buffer;
	for (;;) {
		if (in->field_count == MODEL_LINE_FIELD_COUNT_MAX)
			return in_fail(in, "too many fields");
		char *space = strchr(p, ' ');
		if (space != NULL)
			*space = '\0';
		if (*p == '\0')
			return in_fail(in, "empty field");
		in->fields[in->field_count++] = p;
		if (space == NULL)
			break;
		p = space + 1;
	}
	if (strcmp(in->fields[0], keyword) != 0)
		return in_fail(in, "expected '%s'", keyword);
	if (in->field_count != field_count)
		return in_fail(in, "'%s' needs %u fields", keyword, field_count - 1u);
	return SZ_OK;
}

static int in_u32(struct in *in, uint32_t index, uint32_t max, uint32_t *out)
{
	SZ_ASSERT(index < in->field_count);
	const char *s = in->fields[index];
	uint64_t value = 0;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || value > UINT32_MAX || p - s > 10)
			return in_fail(in, "field %u is not a count", index);
		value = value * 10u + (uint64_t)(*p - '0');
	}
	if (value > max)
		return in_fail(in, "field %u exceeds %u", index, max);
	*out = (uint32_t)value;
	return SZ_OK;
}

/* A decimal integer in [-bound, bound]; "max" (SCORECARD_UPPER_LAST) only
 * when max_ok. */
static int in_i64(struct in *in, uint32_t index, int64_t bound, bool max_ok, int64_t *out)
{
	SZ_ASSERT(index < in->field_count);
	SZ_ASSERT(bound > 0);
	const char *s = in->fields[index];
	if (max_ok && strcmp(s, "max") == 0) {
		*out = SCORECARD_UPPER_LAST;
		return SZ_OK;
	}
	bool negative = s[0] == '-';
	const char *p = negative ? s + 1 : s;
	if (*p == '\0' || strlen(p) > 18)
		return in_fail(in, "field %u is not an integer of at most 18 digits", index);
	int64_t value = 0;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return in_fail(in, "field %u is not an integer", index);
		value = value * 10 + (*p - '0'); /* 18 digits: no overflow */
	}
	if (negative)
		value = -value;
	if (value < -bound || value > bound)
		return in_fail(in, "field %u is out of range", index);
	*out = value;
	return SZ_OK;
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Unescapes field index into a new string. */
static int in_string(struct in *in, uint32_t index, char **out)
{
	SZ_ASSERT(index < in->field_count);
	SZ_ASSERT(out != NULL && *out == NULL); /* never leak a string read before */
	const char *s = in->fields[index];
	size_t length = strlen(s);
	char *text = malloc(length + 1);
	if (text == NULL)
		return SZ_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < length; i++) {
		char ch = s[i];
		if (ch == '%') {
			int hi = i + 2 < length ? hex_value(s[i + 1]) : -1;
			int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(text);
				return in_fail(in, "bad escape in field %u", index);
			}
			ch = (char)(hi * 16 + lo);
			i += 2;
		} else if ((unsigned char)ch < 0x21 || (unsigned char)ch > 0x7e) {
			free(text);
			return in_fail(in, "unescaped byte in field %u", index);
		}
		text[n++] = ch;
	}
	text[n] = '\0';
	if (n > SZ_CREDIT_CSV_FIELD_SIZE_MAX) {
		free(text);
		return in_fail(in, "string in field %u too long", index);
	}
	*out = text;
	return SZ_OK;
}

/* The kind each bin must have. Shape: numeric = ranges (increasing, the
 * last to "max") then missing; categorical = levels, then other, then
 * missing. */
static enum scorecard_bin_kind bin_kind_wanted(const scorecard_characteristic *c, uint32_t b)
{
	if (b + 1 == c->bin_count)
		return SCORECARD_BIN_MISSING;
	if (c->kind == CREDIT_CSV_NUMERIC)
		return SCORECARD_BIN_RANGE;
	return b + 2 == c->bin_count ? SCORECARD_BIN_OTHER : SCORECARD_BIN_LEVELS;
}

static int parse_bin(struct in *in, scorecard_characteristic *c, uint32_t b)
{
	SZ_ASSERT(b < c->bin_count);
	int rc = in_line(in, "bin", 8);
	if (rc != SZ_OK)
		return rc;
	scorecard_bin *bin = &c->bins[b];
	const char *kind = in->fields[1];
	if (strcmp(kind, "range") == 0)
		bin->kind = SCORECARD_BIN_RANGE;
	else if (strcmp(kind, "levels") == 0)
		bin->kind = SCORECARD_BIN_LEVELS;
	else if (strcmp(kind, "other") == 0)
		bin->kind = SCORECARD_BIN_OTHER;
	else if (strcmp(kind, "missing") == 0)
		bin->kind = SCORECARD_BIN_MISSING;
	else
		return in_fail(in, "unknown bin kind");
	bin->upper_e4 = 0;
	if (bin->kind == SCORECARD_BIN_RANGE) {
		if ((rc = in_i64(in, 2, SCORECARD_VALUE_E4_MAX, true, &bin->upper_e4)) != SZ_OK)
			return rc;
	} else if (strcmp(in->fields[2], "-") != 0) {
		return in_fail(in, "only a range bin has an upper bound");
	}
	if ((rc = in_u32(in, 3, SZ_CREDIT_CSV_ROW_COUNT_MAX, &bin->good_count)) != SZ_OK ||
	    (rc = in_u32(in, 4, SZ_CREDIT_CSV_ROW_COUNT_MAX, &bin->bad_count)) != SZ_OK ||
	    (rc = in_i64(in, 5, MODEL_NANO_MAX, false, &bin->woe_nano)) != SZ_OK ||
	    (rc = in_i64(in, 6, MODEL_NANO_MAX, false, &bin->iv_nano)) != SZ_OK ||
	    (rc = in_i64(in, 7, MODEL_POINTS_MILLI_MAX, false, &bin->points_milli)) != SZ_OK)
		return rc;
	enum scorecard_bin_kind want = bin_kind_wanted(c, b);
	if (bin->kind != want)
		return in_fail(in, "bin %u must be a %s bin", b, bin_kind_name(want));
	if (bin->kind == SCORECARD_BIN_RANGE) {
		bool last_range = b + 2 == c->bin_count;
		if (b > 0 && !(bin->upper_e4 > c->bins[b - 1].upper_e4))
			return in_fail(in, "range bounds must increase");
		if (last_range != (bin->upper_e4 == SCORECARD_UPPER_LAST))
			return in_fail(in, "only the last range bin reaches max");
	}
	return SZ_OK;
}

/* "range MIN_E4|min MAX_E4|max": min <= max, both within the value bounds. */
static int parse_range(struct in *in, scorecard_characteristic *c)
{
	int rc = in_line(in, "range", 3);
	if (rc != SZ_OK)
		return rc;
	if (strcmp(in->fields[1], "min") == 0)
		c->value_min_e4 = SCORECARD_RANGE_OPEN_MIN;
	else if ((rc = in_i64(in, 1, SCORECARD_VALUE_E4_MAX, false, &c->value_min_e4)) != SZ_OK)
		return rc;
	if ((rc = in_i64(in, 2, SCORECARD_VALUE_E4_MAX, true, &c->value_max_e4)) != SZ_OK)
		return rc;
	if (c->value_max_e4 == SCORECARD_UPPER_LAST)
		c->value_max_e4 = SCORECARD_RANGE_OPEN_MAX;
	if (c->value_min_e4 > c->value_max_e4)
		return in_fail(in, "declared range of '%.40s' is empty", c->name);
	return SZ_OK;
}

static int parse_characteristic(struct in *in, scorecard_model *model, uint32_t i)
{
	scorecard_characteristic *c = &model->characteristics[i];
	int rc = in_line(in, "characteristic", 9);
	if (rc != SZ_OK)
		return rc;
	if ((rc = in_string(in, 1, &c->name)) != SZ_OK)
		return rc;
	if (strcmp(in->fields[2], "numeric") == 0)
		c->kind = CREDIT_CSV_NUMERIC;
	else if (strcmp(in->fields[2], "categorical") == 0)
		c->kind = CREDIT_CSV_CATEGORICAL;
	else
		return in_fail(in, "kind must be numeric or categorical");
	uint32_t selected;
	if ((rc = in_u32(in, 3, 1, &selected)) != SZ_OK ||
	    (rc = in_i64(in, 4, MODEL_NANO_MAX, false, &c->iv_nano)) != SZ_OK ||
	    (rc = in_i64(in, 5, MODEL_NANO_MAX, false, &c->coefficient_nano)) != SZ_OK ||
	    (rc = in_i64(in, 6, MODEL_POINTS_MILLI_MAX, false, &c->points_max_milli)) != SZ_OK ||
	    (rc = in_u32(in, 7, SZ_SCORECARD_BIN_COUNT_MAX, &c->bin_count)) != SZ_OK ||
	    (rc = in_u32(in, 8, SZ_CREDIT_CSV_LEVEL_COUNT_MAX, &c->level_count)) != SZ_OK)
		return rc;
	c->selected = selected == 1;
	if (!c->selected && c->coefficient_nano != 0)
		return in_fail(in, "a characteristic not selected has no coefficient");
	if (c->bin_count < 2u || (c->kind == CREDIT_CSV_NUMERIC && c->level_count != 0))
		return in_fail(in, "bin or level count does not fit the kind");
	c->missing_bin = c->bin_count - 1u;
	c->other_bin = c->kind == CREDIT_CSV_NUMERIC ? SCORECARD_NO_BIN : c->bin_count - 2u;
	c->value_min_e4 = SCORECARD_RANGE_OPEN_MIN;
	c->value_max_e4 = SCORECARD_RANGE_OPEN_MAX;
	if (c->kind == CREDIT_CSV_NUMERIC && in->version >= 3u && (rc = parse_range(in, c)) != SZ_OK)
		return rc;
	c->bins = calloc(c->bin_count, sizeof(*c->bins));
	c->level_names = calloc(c->level_count + 1u, sizeof(char *));
	c->level_bins = calloc(c->level_count + 1u, sizeof(uint32_t));
	if (c->bins == NULL || c->level_names == NULL || c->level_bins == NULL)
		return SZ_ENOMEM;
	uint64_t goods = 0;
	uint64_t bads = 0;
	for (uint32_t b = 0; b < c->bin_count; b++) {
		if ((rc = parse_bin(in, c, b)) != SZ_OK)
			return rc;
		goods += c->bins[b].good_count;
		bads += c->bins[b].bad_count;
	}
	if (goods != model->good_count || bads != model->bad_count)
		return in_fail(in, "bin counts of '%.40s' do not add up to the training rows",
			       c->name);
	uint32_t level_count = c->level_count;
	c->level_count = 0; /* counts names owned so far, for release on error */
	for (uint32_t l = 0; l < level_count; l++) {
		if ((rc = in_line(in, "level", 3)) != SZ_OK ||
		    (rc = in_u32(in, 1, c->bin_count, &c->level_bins[l])) != SZ_OK)
			return rc;
		if (c->level_bins[l] + 2u >= c->bin_count)
			return in_fail(in, "a label must map to a levels bin");
		if ((rc = in_string(in, 2, &c->level_names[l])) != SZ_OK)
			return rc;
		c->level_count++;
	}
	return SZ_OK;
}

/* Every label is unique: each name is found at its own index. */
static int check_labels(struct in *in, const scorecard_model *model)
{
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		const scorecard_characteristic *c = &model->characteristics[i];
		for (uint32_t l = 0; l < c->level_count; l++) {
			if (credit_csv_is_missing(c->level_names[l], strlen(c->level_names[l])))
				return in_fail(in, "label '%.40s' of '%.40s' means missing",
					       c->level_names[l], c->name);
			uint32_t mask = c->label_slot_count - 1u;
			uint32_t h = 2166136261u;
			for (const char *p = c->level_names[l]; *p != '\0'; p++) {
				h ^= (uint8_t)*p;
				h *= 16777619u;
			}
			uint32_t slot = h & mask;
			while (strcmp(c->level_names[c->label_slots[slot]], c->level_names[l]) != 0)
				slot = (slot + 1u) & mask;
			if ((uint32_t)c->label_slots[slot] != l)
				return in_fail(in, "label '%.40s' of '%.40s' appears twice",
					       c->level_names[l], c->name);
		}
	}
	return SZ_OK;
}

static int parse_options(struct in *in, scorecard_options_record *o)
{
	int rc;
	if ((rc = in_line(in, "options", 9)) != SZ_OK ||
	    (rc = in_u32(in, 1, SZ_SCORECARD_FINE_BIN_COUNT_MAX, &o->fine_bin_count)) != SZ_OK ||
	    (rc = in_i64(in, 2, MODEL_PPM_MAX, false, &o->bin_share_min_ppm)) != SZ_OK ||
	    (rc = in_i64(in, 3, MODEL_PPM_MAX, false, &o->category_share_min_ppm)) != SZ_OK ||
	    (rc = in_i64(in, 4, MODEL_PPM_MAX, false, &o->woe_prior_count_ppm)) != SZ_OK ||
	    (rc = in_i64(in, 5, MODEL_PPM_MAX, false, &o->split_chi2_min_ppm)) != SZ_OK ||
	    (rc = in_u32(in, 6, 1, &o->drop_negative)) != SZ_OK ||
	    (rc = in_i64(in, 7, MODEL_PPM_MAX, false, &o->iv_min_ppm)) != SZ_OK ||
	    (rc = in_i64(in, 8, MODEL_PPM_MAX, false, &o->lambda_ppm)) != SZ_OK)
		return rc;
	if (o->fine_bin_count < 2 || o->bin_share_min_ppm <= 0 || o->category_share_min_ppm <= 0 ||
	    o->woe_prior_count_ppm < 0 || o->split_chi2_min_ppm < 0 || o->iv_min_ppm < 0 ||
	    o->lambda_ppm < 0)
		return in_fail(in, "options out of range");
	if ((rc = in_line(in, "scaling", 4)) != SZ_OK ||
	    (rc = in_i64(in, 1, MODEL_PPM_MAX, false, &o->base_points_ppm)) != SZ_OK ||
	    (rc = in_i64(in, 2, MODEL_PPM_MAX, false, &o->base_odds_ppm)) != SZ_OK ||
	    (rc = in_i64(in, 3, MODEL_PPM_MAX, false, &o->pdo_points_ppm)) != SZ_OK)
		return rc;
	if (o->base_odds_ppm <= 0 || o->pdo_points_ppm <= 0)
		return in_fail(in, "scaling needs odds > 0 and points to double > 0");
	return SZ_OK;
}

static int parse_characteristics(struct in *in, scorecard_model *model)
{
	int rc;
	uint32_t count;
	uint32_t selected;
	if ((rc = in_line(in, "characteristics", 3)) != SZ_OK ||
	    (rc = in_u32(in, 1, SZ_CREDIT_CSV_COLUMN_COUNT_MAX - 1u, &count)) != SZ_OK ||
	    (rc = in_u32(in, 2, count, &selected)) != SZ_OK)
		return rc;
	if (selected == 0)
		return in_fail(in, "no characteristic is selected");
	model->characteristics = calloc(count + 1u, sizeof(*model->characteristics));
	if (model->characteristics == NULL)
		return SZ_ENOMEM;
	for (uint32_t i = 0; i < count; i++) {
		model->characteristic_count = i + 1; /* owned so far, for release */
		if ((rc = parse_characteristic(in, model, i)) != SZ_OK)
			return rc;
		model->selected_count += model->characteristics[i].selected;
	}
	if (model->selected_count != selected)
		return in_fail(in, "selected count differs from the characteristics");
	return SZ_OK;
}

/* Grade thresholds, the probability table and the score bands. */
static int parse_scale(struct in *in, scorecard_model *model)
{
	int rc = in_line(in, "grades", SCORECARD_GRADE_COUNT);
	if (rc != SZ_OK)
		return rc;
	for (uint32_t g = 0; g + 1 < SCORECARD_GRADE_COUNT; g++) {
		int64_t *min = &model->grade_points_min_milli[g];
		if ((rc = in_i64(in, g + 1, MODEL_POINTS_MILLI_MAX, false, min)) != SZ_OK)
			return rc;
		if (g > 0 && !(*min < model->grade_points_min_milli[g - 1]))
			return in_fail(in, "grade thresholds must decrease");
	}
	model->grade_points_min_milli[SCORECARD_GRADE_C] = INT64_MIN;
	int64_t count = 0;
	if ((rc = in_line(in, "pd_table", 4)) != SZ_OK ||
	    (rc = in_i64(in, 1, MODEL_POINTS_MILLI_MAX, false, &model->pd_first_milli)) != SZ_OK ||
	    (rc = in_i64(in, 2, MODEL_POINTS_MILLI_MAX, false, &model->pd_step_milli)) != SZ_OK ||
	    (rc = in_i64(in, 3, SCORECARD_PD_COUNT_MAX, false, &count)) != SZ_OK)
		return rc;
	if (count < 2 || model->pd_step_milli <= 0)
		return in_fail(in, "the probability table needs 2 entries or more and a positive step");
	model->pd_count = (uint32_t)count;
	for (uint32_t k = 0; k < model->pd_count; k++) {
		int64_t ppb = 0;
		if ((rc = in_line(in, "pd", 2)) != SZ_OK ||
		    (rc = in_i64(in, 1, SCORECARD_NANO, false, &ppb)) != SZ_OK)
			return rc;
		if (ppb < 0 || (k > 0 && ppb > model->pd_ppb[k - 1]))
			return in_fail(in, "probabilities must be 0..1e9 and never rise with the score");
		model->pd_ppb[k] = (uint32_t)ppb;
	}
	if ((rc = in_line(in, "score_bands", 2)) != SZ_OK ||
	    (rc = in_u32(in, 1, SCORECARD_SCORE_BIN_COUNT, &model->score_bin_count)) != SZ_OK)
		return rc;
	if (model->score_bin_count == 0)
		return in_fail(in, "at least one score band");
	int64_t share_sum = 0;
	for (uint32_t k = 0; k < model->score_bin_count; k++) {
		int64_t share = 0;
		int64_t *upper = &model->score_uppers_milli[k];
		if ((rc = in_line(in, "band", 3)) != SZ_OK ||
		    (rc = in_i64(in, 1, MODEL_POINTS_MILLI_MAX * SZ_CREDIT_CSV_COLUMN_COUNT_MAX, true,
				 upper)) != SZ_OK ||
		    (rc = in_i64(in, 2, SCORECARD_PPM, false, &share)) != SZ_OK)
			return rc;
		bool last = k + 1 == model->score_bin_count;
		if ((k > 0 && !(*upper > model->score_uppers_milli[k - 1])) ||
		    last != (*upper == SCORECARD_UPPER_LAST))
			return in_fail(in, "band bounds must increase, the last to max");
		if (share < 0)
			return in_fail(in, "band share must be 0..1000000");
		model->score_shares_ppm[k] = (uint32_t)share;
		share_sum += share;
	}
	if (share_sum != SCORECARD_PPM)
		return in_fail(in, "band shares must add up to 1000000");
	return SZ_OK;
}

/* The PD master scale; a version 2 model gets one grade "all" (PD <= 1). */
static int parse_master_scale(struct in *in, scorecard_model *model)
{
	if (in->version < 3u) {
		model->master_count = 1;
		memcpy(model->master_names[0], "all", 4);
		model->master_pd_max_ppb[0] = SCORECARD_NANO;
		return SZ_OK;
	}
	int rc;
	if ((rc = in_line(in, "master_scale", 2)) != SZ_OK ||
	    (rc = in_u32(in, 1, SCORECARD_MASTER_COUNT_MAX, &model->master_count)) != SZ_OK)
		return rc;
	if (model->master_count == 0)
		return in_fail(in, "the master scale needs a grade");
	for (uint32_t k = 0; k < model->master_count; k++) {
		char *name = NULL;
		if ((rc = in_line(in, "master", 3)) != SZ_OK || (rc = in_string(in, 1, &name)) != SZ_OK)
			return rc;
		size_t length = strlen(name);
		if (length >= SCORECARD_MASTER_NAME_SIZE) {
			free(name);
			return in_fail(in, "master grade name longer than %u bytes", SCORECARD_MASTER_NAME_SIZE - 1u);
		}
		memcpy(model->master_names[k], name, length + 1);
		free(name);
		if ((rc = in_u32(in, 2, SCORECARD_NANO, &model->master_pd_max_ppb[k])) != SZ_OK)
			return rc;
		if (model->master_pd_max_ppb[k] == 0 ||
		    (k > 0 && model->master_pd_max_ppb[k] <= model->master_pd_max_ppb[k - 1]))
			return in_fail(in, "master scale bounds must rise above 0");
	}
	if (model->master_pd_max_ppb[model->master_count - 1] != SCORECARD_NANO)
		return in_fail(in, "the last master grade must reach 1000000000");
	return SZ_OK;
}

static int parse_node(struct in *in, boost_node *n)
{
	int rc;
	int64_t value = 0;
	if (in->field_count == 2 && strcmp(in->fields[0], "leaf") == 0) {
		if ((rc = in_i64(in, 1, BOOST_VALUE_MILLI_MAX, false, &n->value_milli)) != SZ_OK)
			return rc;
		n->characteristic = BOOST_LEAF;
		return SZ_OK;
	}
	if (in->field_count != 7 || strcmp(in->fields[0], "split") != 0)
		return in_fail(in, "expected 'split' with 6 fields or 'leaf' with 1");
	uint32_t yes = 0, no = 0;
	if ((rc = in_u32(in, 1, SZ_CREDIT_CSV_COLUMN_COUNT_MAX - 1u, &n->characteristic)) != SZ_OK ||
	    (rc = in_i64(in, 2, SCORECARD_VALUE_E4_MAX - 1, false, &n->threshold)) != SZ_OK ||
	    (rc = in_u32(in, 3, BOOST_TREE_NODE_COUNT_MAX - 1u, &yes)) != SZ_OK ||
	    (rc = in_u32(in, 4, BOOST_TREE_NODE_COUNT_MAX - 1u, &no)) != SZ_OK ||
	    (rc = in_i64(in, 6, BOOST_VALUE_MILLI_MAX, false, &value)) != SZ_OK)
		return rc;
	if (strcmp(in->fields[5], "yes") != 0 && strcmp(in->fields[5], "no") != 0)
		return in_fail(in, "missing branch must be yes or no");
	n->yes = (uint16_t)yes;
	n->no = (uint16_t)no;
	n->missing_yes = strcmp(in->fields[5], "yes") == 0;
	n->value_milli = value;
	return SZ_OK;
}

/* "tree COUNT" and its node lines; a node line is either shape, so the
 * keyword is read generically. */
static int parse_tree(struct in *in, boost_model *b, uint32_t t, uint32_t *next)
{
	int rc;
	uint32_t count = 0;
	if ((rc = in_line(in, "tree", 2)) != SZ_OK ||
	    (rc = in_u32(in, 1, BOOST_TREE_NODE_COUNT_MAX, &count)) != SZ_OK)
		return rc;
	if (count == 0 || count > b->node_count - *next)
		return in_fail(in, "tree node count does not fit the model's");
	b->tree_first[t] = *next;
	b->tree_node_count[t] = count;
	for (uint32_t k = 0; k < count; k++) {
		SZ_ASSERT(in->pos <= in->size);
		const char *start = in->data + in->pos;
		bool leaf = in->size - in->pos >= 5 && memcmp(start, "leaf ", 5) == 0;
		if ((rc = in_line(in, leaf ? "leaf" : "split", leaf ? 2 : 7)) != SZ_OK ||
		    (rc = parse_node(in, &b->nodes[*next + k])) != SZ_OK)
			return rc;
	}
	*next += count;
	return SZ_OK;
}

static int parse_challenger(struct in *in, scorecard_model *model)
{
	int rc;
	if ((rc = in_line(in, "challenger", 7)) != SZ_OK)
		return rc;
	if (strcmp(in->fields[1], "boost") != 0)
		return in_fail(in, "unknown challenger kind");
	boost_model *b = calloc(1, sizeof(*b));
	if (b == NULL)
		return SZ_ENOMEM;
	model->challenger = b;
	if ((rc = in_i64(in, 2, BOOST_VALUE_MILLI_MAX, false, &b->base_milli)) != SZ_OK ||
	    (rc = in_u32(in, 3, BOOST_TREE_COUNT_MAX, &b->tree_count)) != SZ_OK ||
	    (rc = in_u32(in, 4, BOOST_NODE_COUNT_MAX, &b->node_count)) != SZ_OK ||
	    (rc = in_u32(in, 5, BOOST_TREE_NODE_COUNT_MAX, &b->depth_max)) != SZ_OK ||
	    (rc = in_u32(in, 6, SCORECARD_PPM, &b->eta_ppm)) != SZ_OK)
		return rc;
	if (b->tree_count == 0 || b->node_count < b->tree_count)
		return in_fail(in, "a challenger needs trees");
	b->tree_first = calloc(b->tree_count, sizeof(uint32_t));
	b->tree_node_count = calloc(b->tree_count, sizeof(uint32_t));
	b->nodes = calloc(b->node_count, sizeof(boost_node));
	if (b->tree_first == NULL || b->tree_node_count == NULL || b->nodes == NULL)
		return SZ_ENOMEM;
	uint32_t next = 0;
	for (uint32_t t = 0; t < b->tree_count; t++)
		if ((rc = parse_tree(in, b, t, &next)) != SZ_OK)
			return rc;
	char why[160];
	if (boost_model_check(b, model, why, sizeof why) != SZ_OK)
		return in_fail(in, "%s", why);
	return SZ_OK;
}

static int parse_body(struct in *in, scorecard_model *model)
{
	int rc;
	if ((rc = in_line(in, "target", 3)) != SZ_OK ||
	    (rc = in_string(in, 1, &model->target_name)) != SZ_OK ||
	    (rc = in_string(in, 2, &model->good_label)) != SZ_OK)
		return rc;
	if ((rc = parse_options(in, &model->options)) != SZ_OK)
		return rc;
	if (in->version >= 3u &&
	    ((rc = in_line(in, "thin_file", 1 + SCORECARD_PRODUCT_COUNT)) != SZ_OK ||
	     (rc = in_u32(in, 1, SCORECARD_PPM, &model->thin_file_completeness_min_ppm[0])) != SZ_OK ||
	     (rc = in_u32(in, 2, SCORECARD_PPM, &model->thin_file_completeness_min_ppm[1])) != SZ_OK))
		return rc;
	if ((rc = in_line(in, "training", 3)) != SZ_OK ||
	    (rc = in_u32(in, 1, SZ_CREDIT_CSV_ROW_COUNT_MAX, &model->good_count)) != SZ_OK ||
	    (rc = in_u32(in, 2, SZ_CREDIT_CSV_ROW_COUNT_MAX, &model->bad_count)) != SZ_OK)
		return rc;
	if (model->good_count == 0 || model->bad_count == 0)
		return in_fail(in, "training needs good and bad rows");
	if ((rc = in_line(in, "intercept", 2)) != SZ_OK ||
	    (rc = in_i64(in, 1, MODEL_NANO_MAX, false, &model->intercept_nano)) != SZ_OK)
		return rc;
	if ((rc = parse_characteristics(in, model)) != SZ_OK ||
	    (rc = parse_scale(in, model)) != SZ_OK)
		return rc;
	if ((rc = parse_master_scale(in, model)) != SZ_OK)
		return rc;
	if (in->version >= 4u && (rc = parse_challenger(in, model)) != SZ_OK)
		return rc;
	if ((rc = in_line(in, "end", 1)) != SZ_OK)
		return rc;
	if ((rc = scorecard_model_index(model)) != SZ_OK)
		return rc;
	return check_labels(in, model);
}

/* Over 70 lines: the checks before the body (size, magic, version,
 * checksum) in the order the format comment gives, with one exit. */
int scorecard_model_parse(scorecard_model *model, const char *text, size_t size,
			  scorecard_error *error)
{
	SZ_ASSERT(model != NULL);
	SZ_ASSERT(text != NULL || size == 0);
	memset(model, 0, sizeof(*model));
	struct in *in = calloc(1, sizeof(*in));
	if (in == NULL)
		return SZ_ENOMEM;
	in->data = text;
	in->size = size;
	in->error = error;
	int rc;
	if (size > SZ_SCORECARD_MODEL_SIZE_MAX) {
		if (error != NULL)
			snprintf(error->message, sizeof(error->message),
				 "model larger than %u bytes", SZ_SCORECARD_MODEL_SIZE_MAX);
		rc = SZ_ELIMIT;
		goto done;
	}
	/* Magic and version first: a newer format gets SZ_EVERSION, not "corrupt". */
	char head[64];
	size_t head_size = size < sizeof(head) - 1 ? size : sizeof(head) - 1;
	memcpy(head, text, head_size);
	head[head_size] = '\0';
	unsigned version = 0;
	char tail = 0;
	if (sscanf(head, MODEL_MAGIC " %u%c", &version, &tail) != 2 || tail != '\n' ||
	    strncmp(head, MODEL_MAGIC " ", sizeof(MODEL_MAGIC)) != 0) {
		in->line = 1;
		rc = in_fail(in, "not a szfin scorecard model");
		goto done;
	}
	if (version < MODEL_VERSION_MIN || version > MODEL_VERSION) {
		if (error != NULL)
			snprintf(error->message, sizeof(error->message),
				 "model format version %u; this build reads versions %u to %u", version,
				 MODEL_VERSION_MIN, MODEL_VERSION);
		rc = SZ_EVERSION;
		goto done;
	}
	in->version = version;
	/* Checksum: the last line is "sha256 HEX\n" over everything before it. */
	static const size_t check_size = 7 + 2 * SZ_HASH_SIZE + 1;
	if (size < check_size || text[size - 1] != '\n' ||
	    memcmp(text + size - check_size, "sha256 ", 7) != 0 ||
	    (size > check_size && text[size - check_size - 1] != '\n')) {
		rc = in_fail(in, "missing checksum line");
		goto done;
	}
	uint8_t hash[SZ_HASH_SIZE];
	char hex[2 * SZ_HASH_SIZE + 1];
	if (sz_hash_init() != 0) {
		rc = SZ_EIO;
		goto done;
	}
	sz_sha256(hash, text, size - check_size);
	sz_hash_hex(hex, hash);
	if (memcmp(hex, text + size - check_size + 7, 2 * SZ_HASH_SIZE) != 0) {
		if (error != NULL)
			snprintf(error->message, sizeof(error->message),
				 "model checksum mismatch: the file was changed or damaged");
		rc = SZ_ECORRUPT;
		goto done;
	}
	in->size = size - check_size;
	in->pos = (size_t)((const char *)memchr(text, '\n', size) - text) + 1; /* after magic */
	in->line = 1;
	rc = parse_body(in, model);
	if (rc == SZ_OK && in->pos != in->size)
		rc = in_fail(in, "data after 'end'");
	if (rc == SZ_ENOMEM && error != NULL)
		snprintf(error->message, sizeof(error->message), "out of memory");
done:
	if (rc != SZ_OK)
		scorecard_model_release(model);
	free(in);
	return rc;
}

int scorecard_model_read_file(scorecard_model *model, const char *path, scorecard_error *error)
{
	SZ_ASSERT(model != NULL && path != NULL);
	memset(model, 0, sizeof(*model));
	int rc = SZ_EIO;
	char *text = NULL;
	FILE *file = fopen(path, "rb");
	if (file == NULL)
		goto fail;
	text = malloc((size_t)SZ_SCORECARD_MODEL_SIZE_MAX + 1u);
	if (text == NULL) {
		rc = SZ_ENOMEM;
		goto fail;
	}
	size_t size = fread(text, 1, (size_t)SZ_SCORECARD_MODEL_SIZE_MAX + 1u, file);
	if (ferror(file))
		goto fail;
	rc = scorecard_model_parse(model, text, size, error);
	free(text);
	fclose(file);
	return rc;
fail:
	if (error != NULL)
		snprintf(error->message, sizeof(error->message), "cannot read %.200s: %s", path,
			 rc == SZ_ENOMEM ? "out of memory" : strerror(errno));
	free(text);
	if (file != NULL)
		fclose(file);
	return rc;
}
