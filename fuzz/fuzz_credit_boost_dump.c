/*
 * fuzz_credit_boost_dump.c — libFuzzer harness for the reader of an XGBoost
 * JSON tree dump (src/credit/boost_dump.c, boost_from_dump).
 *
 * The input is one tree's JSON text; features f0 and f1 are the two
 * selected characteristics of a fixed card. A tree that converts must pass
 * the model checks, and scoring any features must add up: the bias plus
 * the per-characteristic contributions is the score.
 * Seed corpus: fuzz/corpus/fuzz_credit_boost_dump/ (replayed by make test).
 */
#include "core/assert.h"
#include "core/errors.h"
#include "credit/boost_train.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	char *text = malloc(size + 1);
	SZ_ASSERT(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	scorecard_characteristic characteristics[2];
	memset(characteristics, 0, sizeof characteristics);
	characteristics[0].selected = true;
	characteristics[0].kind = CREDIT_CSV_NUMERIC;
	characteristics[1].selected = true;
	characteristics[1].kind = CREDIT_CSV_NUMERIC;
	scorecard_model model;
	memset(&model, 0, sizeof model);
	model.characteristic_count = 2;
	model.characteristics = characteristics;
	model.options.base_points_ppm = 600000000;
	model.options.base_odds_ppm = 50000000;
	model.options.pdo_points_ppm = 20000000;
	model.pd_count = 2;
	model.pd_step_milli = 1000;
	model.pd_ppb[0] = 500000000;
	model.pd_ppb[1] = 10000000;
	model.grade_points_min_milli[SCORECARD_GRADE_COUNT - 1] = INT64_MIN;
	static const uint32_t features_of[2] = { 0, 1 };
	const char *trees[1] = { text };
	boost_model boost;
	scorecard_error error;
	if (boost_from_dump(&boost, &model, features_of, 2, trees, 1, 0.5, NULL, &error) == SZ_OK) {
		static const int64_t rows[3][2] = { { 0, 0 }, { SCORECARD_VALUE_MISSING, 12345 },
						    { -7, SCORECARD_VALUE_MISSING } };
		for (int r = 0; r < 3; r++) {
			scorecard_result result;
			int64_t contributions[2], bias = 0;
			boost_score_features(&boost, &model, rows[r], &result, contributions, &bias);
			SZ_ASSERT(bias + contributions[0] + contributions[1] == result.score_milli);
		}
		boost_model_release(&boost);
	}
	free(text);
	return 0;
}
