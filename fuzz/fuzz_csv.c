/*
 * fuzz_csv.c — libFuzzer harness for the credit CSV reader (src/credit/csv.c).
 *
 * Any input must either parse into a table whose invariants hold (every
 * column has row_count values, label indexes in range, missing counts that
 * match, distinct labels, findable names) or fail with a message and leave
 * the table empty. A table that parses is also trained on when its first
 * column can serve as a two-valued target, to reach binning with odd data.
 * Seed corpus: fuzz/corpus/fuzz_csv/ (replayed by make test).
 */
#include "core/assert.h"
#include "core/errors.h"
#include "credit/csv.h"
#include "credit/scorecard_train.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_table(const credit_csv_table *t)
{
	SZ_ASSERT(t->column_count >= 1);
	for (uint32_t c = 0; c < t->column_count; c++) {
		const credit_csv_column *col = &t->columns[c];
		SZ_ASSERT(col->name != NULL && col->name[0] != '\0');
		SZ_ASSERT(credit_csv_column_find(t, col->name) == (int32_t)c);
		uint32_t missing = 0;
		if (col->kind == CREDIT_CSV_NUMERIC) {
			SZ_ASSERT(col->level_count == 0);
			for (uint32_t r = 0; r < t->row_count; r++) {
				double v = col->numbers[r];
				SZ_ASSERT(isnan(v) || isfinite(v));
				missing += isnan(v);
			}
		} else {
			SZ_ASSERT(col->kind == CREDIT_CSV_CATEGORICAL);
			SZ_ASSERT(col->level_count >= 1);
			for (uint32_t r = 0; r < t->row_count; r++) {
				int32_t level = col->levels[r];
				SZ_ASSERT(level >= -1 && level < (int32_t)col->level_count);
				missing += level < 0;
			}
			for (uint32_t l = 0; l < col->level_count; l++) {
				const char *name = col->level_names[l];
				SZ_ASSERT(!credit_csv_is_missing(name, strlen(name)));
				SZ_ASSERT(credit_csv_level_find(col, name) == (int32_t)l);
			}
		}
		SZ_ASSERT(missing == col->missing_count);
	}
}

static void try_training(const credit_csv_table *t)
{
	const credit_csv_column *target = &t->columns[0];
	if (t->column_count < 2 || t->row_count == 0 || target->kind != CREDIT_CSV_CATEGORICAL)
		return;
	uint8_t *good = malloc(t->row_count);
	if (good == NULL)
		return;
	scorecard_error error;
	scorecard_options options;
	scorecard_options_default(&options);
	options.iv_min = 0.0;
	scorecard_model model = { 0 };
	if (scorecard_target_encode(t, target->name, target->level_names[0], good, &error) == SZ_OK &&
	    scorecard_train(&model, t, target->name, target->level_names[0], good, NULL,
			    t->row_count, &options, &error) == SZ_OK) {
		scorecard_binding binding;
		if (scorecard_binding_init(&binding, &model, t, &error) == SZ_OK) {
			for (uint32_t r = 0; r < t->row_count; r++) {
				scorecard_result result;
				scorecard_score_row(&model, &binding, t, r, &result);
				SZ_ASSERT(result.bad_ppb <= SCORECARD_NANO);
				SZ_ASSERT(result.reason_count <= SCORECARD_REASON_COUNT);
			}
			scorecard_binding_release(&binding);
		}
		char *text = NULL;
		size_t size = 0;
		if (scorecard_model_save(&model, &text, &size) == SZ_OK) {
			scorecard_model loaded;
			SZ_ASSERT(scorecard_model_parse(&loaded, text, size, &error) == SZ_OK);
			scorecard_model_release(&loaded);
			free(text);
		}
		scorecard_model_release(&model);
	}
	free(good);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	credit_csv_table table;
	credit_csv_error error;
	int rc = credit_csv_parse(&table, (const char *)data, size, &error);
	if (rc != SZ_OK) {
		SZ_ASSERT(rc == SZ_EINVAL || rc == SZ_ELIMIT || rc == SZ_ENOMEM);
		SZ_ASSERT(error.message[0] != '\0');
		SZ_ASSERT(table.columns == NULL && table.row_count == 0);
		return 0;
	}
	check_table(&table);
	try_training(&table);
	credit_csv_release(&table);
	return 0;
}
