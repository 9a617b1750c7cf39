/*
 * score_table.c — scoring the rows of a CSV table with an integer model.
 *
 * lint-float: offline — the train, validate and cv tools and benchmarks
 * read CSV values as doubles; this file turns them into the model's fixed
 * point and then scores through score.c, the code apply uses.
 *
 * A binding maps a model's characteristics to a table's columns by name and
 * translates each categorical column's label indexes to bins once, so a row
 * is scored with one array index per categorical value.
 */
#include "credit/scorecard_train.h"

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

int64_t scorecard_fixed_of(double x, int64_t scale)
{
	SZ_ASSERT(scale > 0);
	double scaled = x * (double)scale;
	SZ_ASSERT(fabs(scaled) < 4.6e18);
	return (int64_t)llround(scaled);
}

double scorecard_double_of(int64_t fixed, int64_t scale)
{
	SZ_ASSERT(scale > 0);
	return (double)fixed / (double)scale;
}

int64_t scorecard_value_e4_of(double x)
{
	if (isnan(x))
		return SCORECARD_VALUE_MISSING;
	double scaled = x * (double)SCORECARD_VALUE_SCALE;
	if (scaled >= (double)SCORECARD_VALUE_E4_MAX)
		return SCORECARD_VALUE_E4_MAX;
	if (scaled <= -(double)SCORECARD_VALUE_E4_MAX)
		return -SCORECARD_VALUE_E4_MAX;
	return (int64_t)llround(scaled);
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
		if (c->kind == CREDIT_CSV_NUMERIC && col->kind == CREDIT_CSV_CATEGORICAL) {
			/* Name the first row whose field is not a number. */
			for (uint32_t r = 0; r < table->row_count; r++) {
				double ignored;
				int32_t level = col->levels[r];
				const char *text = level >= 0 ? col->level_names[level] : NULL;
				if (text == NULL || credit_csv_number_parse(text, strlen(text), &ignored) == SZ_OK)
					continue;
				error_set(error, "row %u (line %u): '%.40s' in column '%.64s' is not a number",
					  r + 1u, r + 2u, text, c->name);
				break;
			}
			scorecard_binding_release(binding);
			return SZ_EINVAL;
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
		return scorecard_bin_of_number(c, scorecard_value_e4_of(col->numbers[row]));
	if (col->kind != CREDIT_CSV_CATEGORICAL) {
		SZ_ASSERT(isnan(col->numbers[row])); /* bound only when all missing */
		return c->missing_bin;
	}
	int32_t level = col->levels[row];
	if (level < 0)
		return c->missing_bin;
	return binding->level_bins[characteristic][level];
}

void scorecard_score_row(const scorecard_model *model, const scorecard_binding *binding,
			 const credit_csv_table *table, uint32_t row, scorecard_result *result)
{
	SZ_ASSERT(model != NULL && binding != NULL && result != NULL);
	SZ_ASSERT(binding->characteristic_count == model->characteristic_count);
	memset(result, 0, sizeof(*result));
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		if (!model->characteristics[i].selected)
			continue;
		scorecard_score_add(model, i, scorecard_bin_of_row(model, binding, table, i, row), result);
	}
	scorecard_score_finish(model, result);
}

int32_t scorecard_row_out_of_range(const scorecard_model *model, const scorecard_binding *binding,
				   const credit_csv_table *table, uint32_t row, double *value)
{
	SZ_ASSERT(model != NULL && binding != NULL && table != NULL);
	SZ_ASSERT(row < table->row_count);
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		const scorecard_characteristic *c = &model->characteristics[i];
		if (!c->selected || c->kind != CREDIT_CSV_NUMERIC)
			continue;
		const credit_csv_column *col = &table->columns[binding->columns[i]];
		if (!scorecard_value_in_range(c, scorecard_value_e4_of(col->numbers[row]))) {
			*value = col->numbers[row];
			return (int32_t)i;
		}
	}
	return -1;
}
