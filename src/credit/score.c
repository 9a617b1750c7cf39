/*
 * score.c — scoring with a scorecard: lookups, bindings, points, grades.
 *
 * A score is a sum of precomputed points per bin. Numeric values are found
 * by binary search over the bins' upper bounds; labels by an open-addressing
 * hash table built once per model (raw values), or through a binding's
 * per-table label -> bin array (bound tables: one array index per value, the
 * fast path). Reason codes keep the four largest point losses with an
 * insertion into a four-slot array, so scoring allocates nothing.
 */
#include "credit/scorecard.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"

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

static uint32_t label_hash(const char *text)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *p = text; *p != '\0'; p++) {
		h ^= (uint8_t)*p;
		h *= 16777619u;
	}
	return h;
}

int scorecard_model_index(scorecard_model *model)
{
	SZ_ASSERT(model != NULL);
	for (uint32_t g = 0; g < SCORECARD_GRADE_COUNT; g++)
		model->grade_points_min[g] =
			scorecard_grade_points_min(&model->options.scaling, (enum scorecard_grade)g);
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		scorecard_characteristic *c = &model->characteristics[i];
		if (c->kind != CREDIT_CSV_CATEGORICAL)
			continue;
		SZ_ASSERT(c->level_count <= SZ_CREDIT_CSV_LEVEL_COUNT_MAX);
		uint32_t slot_count = 8;
		while (slot_count < 2u * c->level_count)
			slot_count *= 2;
		free(c->label_slots);
		c->label_slots = malloc(slot_count * sizeof(int32_t));
		if (c->label_slots == NULL)
			return SZ_ENOMEM;
		memset(c->label_slots, 0xff, slot_count * sizeof(int32_t));
		c->label_slot_count = slot_count;
		for (uint32_t level = 0; level < c->level_count; level++) {
			uint32_t slot = label_hash(c->level_names[level]) & (slot_count - 1u);
			while (c->label_slots[slot] >= 0)
				slot = (slot + 1u) & (slot_count - 1u);
			c->label_slots[slot] = (int32_t)level;
		}
	}
	return SZ_OK;
}

uint32_t scorecard_bin_of_number(const scorecard_characteristic *c, double number)
{
	SZ_ASSERT(c->kind == CREDIT_CSV_NUMERIC);
	SZ_ASSERT(c->missing_bin >= 1 && c->missing_bin + 1 == c->bin_count);
	if (isnan(number))
		return c->missing_bin;
	uint32_t low = 0;
	uint32_t high = c->missing_bin - 1; /* the last range bin reaches +INFINITY */
	while (low < high) {
		uint32_t mid = low + (high - low) / 2;
		if (number <= c->bins[mid].upper)
			high = mid;
		else
			low = mid + 1;
	}
	return low;
}

uint32_t scorecard_bin_of_label(const scorecard_characteristic *c, const char *label)
{
	SZ_ASSERT(c->kind == CREDIT_CSV_CATEGORICAL);
	SZ_ASSERT(c->label_slots != NULL);
	if (label == NULL || credit_csv_is_missing(label, strlen(label)))
		return c->missing_bin;
	uint32_t mask = c->label_slot_count - 1u;
	uint32_t slot = label_hash(label) & mask;
	for (;;) {
		int32_t level = c->label_slots[slot];
		if (level < 0)
			return c->other_bin;
		if (strcmp(c->level_names[level], label) == 0)
			return c->level_bins[level];
		slot = (slot + 1u) & mask;
	}
}

void scorecard_binding_release(scorecard_binding *binding)
{
	SZ_ASSERT(binding != NULL);
	if (binding->level_bins != NULL) {
		for (uint32_t i = 0; i < binding->characteristic_count; i++)
			free(binding->level_bins[i]);
	}
	free(binding->level_bins);
	free(binding->columns);
	memset(binding, 0, sizeof(*binding));
}

int scorecard_binding_init(scorecard_binding *binding, const scorecard_model *model,
			   const credit_csv_table *table, scorecard_error *error)
{
	SZ_ASSERT(binding != NULL && model != NULL && table != NULL);
	memset(binding, 0, sizeof(*binding));
	uint32_t count = model->characteristic_count;
	binding->characteristic_count = count;
	binding->columns = malloc((count > 0 ? count : 1u) * sizeof(int32_t));
	binding->level_bins = calloc(count > 0 ? count : 1u, sizeof(uint32_t *));
	if (binding->columns == NULL || binding->level_bins == NULL) {
		scorecard_binding_release(binding);
		error_set(error, "out of memory");
		return SZ_ENOMEM;
	}
	for (uint32_t i = 0; i < count; i++) {
		const scorecard_characteristic *c = &model->characteristics[i];
		binding->columns[i] = -1;
		if (!c->selected)
			continue;
		int32_t column = credit_csv_column_find(table, c->name);
		if (column < 0) {
			error_set(error, "the data has no column '%.64s' used by the model", c->name);
			scorecard_binding_release(binding);
			return SZ_ENOTFOUND;
		}
		const credit_csv_column *col = &table->columns[column];
		if (c->kind == CREDIT_CSV_CATEGORICAL && col->kind == CREDIT_CSV_NUMERIC &&
		    col->missing_count == table->row_count) {
			/* A column with no value at all reads as numeric: all missing. */
			binding->columns[i] = column;
			continue;
		}
		if (col->kind != c->kind) {
			error_set(error, "column '%.64s' is %s in the data but %s in the model", c->name,
				  col->kind == CREDIT_CSV_NUMERIC ? "numeric" : "categorical",
				  c->kind == CREDIT_CSV_NUMERIC ? "numeric" : "categorical");
			scorecard_binding_release(binding);
			return SZ_EINVAL;
		}
		binding->columns[i] = column;
		if (c->kind != CREDIT_CSV_CATEGORICAL)
			continue;
		uint32_t *bins = malloc((col->level_count > 0 ? col->level_count : 1u) *
					sizeof(uint32_t));
		if (bins == NULL) {
			error_set(error, "out of memory");
			scorecard_binding_release(binding);
			return SZ_ENOMEM;
		}
		for (uint32_t level = 0; level < col->level_count; level++)
			bins[level] = scorecard_bin_of_label(c, col->level_names[level]);
		binding->level_bins[i] = bins;
	}
	return SZ_OK;
}

uint32_t scorecard_bin_of_row(const scorecard_model *model, const scorecard_binding *binding,
			      const credit_csv_table *table, uint32_t characteristic, uint32_t row)
{
	SZ_ASSERT(characteristic < model->characteristic_count);
	SZ_ASSERT(row < table->row_count);
	const scorecard_characteristic *c = &model->characteristics[characteristic];
	int32_t column = binding->columns[characteristic];
	SZ_ASSERT(column >= 0 && (uint32_t)column < table->column_count);
	const credit_csv_column *col = &table->columns[column];
	if (c->kind == CREDIT_CSV_NUMERIC)
		return scorecard_bin_of_number(c, col->numbers[row]);
	if (col->kind != CREDIT_CSV_CATEGORICAL) {
		SZ_ASSERT(isnan(col->numbers[row])); /* bound only when all missing */
		return c->missing_bin;
	}
	int32_t level = col->levels[row];
	if (level < 0)
		return c->missing_bin;
	return binding->level_bins[characteristic][level];
}

/* Adds characteristic i's bin to the running score; keeps the top reasons. */
static inline void score_add(const scorecard_characteristic *c, uint32_t i, uint32_t bin,
			     double *points, double *eta, scorecard_result *r)
{
	SZ_ASSERT(bin < c->bin_count);
	const scorecard_bin *b = &c->bins[bin];
	*points += b->points;
	*eta += c->coefficient * b->woe;
	double lost = c->points_max - b->points;
	if (!(lost > 1e-9))
		return;
	uint32_t n = r->reason_count;
	if (n == SCORECARD_REASON_COUNT && !(lost > r->reasons[n - 1].points_lost))
		return;
	uint32_t pos = n < SCORECARD_REASON_COUNT ? n : SCORECARD_REASON_COUNT - 1u;
	while (pos > 0 && r->reasons[pos - 1].points_lost < lost) {
		r->reasons[pos] = r->reasons[pos - 1];
		pos--;
	}
	r->reasons[pos].characteristic = i;
	r->reasons[pos].points_lost = lost;
	if (n < SCORECARD_REASON_COUNT)
		r->reason_count = n + 1;
}

static void score_finish(const scorecard_model *model, double points, double eta,
			 scorecard_result *r)
{
	SZ_ASSERT(isfinite(points));
	SZ_ASSERT(!isnan(eta));
	r->score_points = points;
	/* One exponential, of a non-positive number: no overflow either way. */
	double e = exp(-fabs(eta));
	double near_one = 1.0 / (1.0 + e);
	double near_zero = e / (1.0 + e);
	r->good_probability = eta >= 0.0 ? near_one : near_zero;
	r->bad_probability = eta >= 0.0 ? near_zero : near_one;
	uint32_t g = 0;
	while (g + 1 < SCORECARD_GRADE_COUNT && points < model->grade_points_min[g])
		g++;
	r->grade = (enum scorecard_grade)g;
}

void scorecard_score_values(const scorecard_model *model, const scorecard_value *values,
			    scorecard_result *result)
{
	SZ_ASSERT(model != NULL && values != NULL && result != NULL);
	SZ_ASSERT(model->selected_count > 0);
	result->reason_count = 0;
	double points = 0.0;
	double eta = model->intercept;
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		const scorecard_characteristic *c = &model->characteristics[i];
		if (!c->selected)
			continue;
		uint32_t bin = c->kind == CREDIT_CSV_NUMERIC ? scorecard_bin_of_number(c, values[i].number)
							     : scorecard_bin_of_label(c, values[i].label);
		score_add(c, i, bin, &points, &eta, result);
	}
	score_finish(model, points, eta, result);
}

void scorecard_score_row(const scorecard_model *model, const scorecard_binding *binding,
			 const credit_csv_table *table, uint32_t row, scorecard_result *result)
{
	SZ_ASSERT(model != NULL && binding != NULL && result != NULL);
	SZ_ASSERT(binding->characteristic_count == model->characteristic_count);
	result->reason_count = 0;
	double points = 0.0;
	double eta = model->intercept;
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		const scorecard_characteristic *c = &model->characteristics[i];
		if (!c->selected)
			continue;
		score_add(c, i, scorecard_bin_of_row(model, binding, table, i, row), &points, &eta,
			  result);
	}
	score_finish(model, points, eta, result);
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

enum scorecard_grade scorecard_grade_of(const scorecard_scaling *scaling, double score_points)
{
	SZ_ASSERT(scaling->pdo_points > 0.0);
	double top = scaling->base_points + scaling->pdo_points * log2(400.0 / scaling->base_odds);
	for (uint32_t g = 0; g + 1 < SCORECARD_GRADE_COUNT; g++) {
		if (score_points >= top - scaling->pdo_points * (double)g)
			return (enum scorecard_grade)g;
	}
	return SCORECARD_GRADE_C;
}

const char *scorecard_grade_name(enum scorecard_grade grade)
{
	static const char *const names[SCORECARD_GRADE_COUNT] = {
		"AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C",
	};
	SZ_ASSERT((uint32_t)grade < SCORECARD_GRADE_COUNT);
	return names[grade];
}
