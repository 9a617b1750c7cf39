/*
 * fuzz_credit_model.c — libFuzzer harness for the scorecard model artifact
 * reader (src/credit/model_io.c).
 *
 * The input is parsed twice: as given (almost always stopped by the
 * checksum), and re-sealed, i.e. with a correct "sha256" line appended, so
 * that the fuzzer reaches the structure checks behind the checksum. A model
 * that parses must score a row of missing values (with its challenger, if
 * it has one: format 4, where the path contributions must add up) and save back to bytes that
 * parse again to the same text.
 * Seed corpus: fuzz/corpus/fuzz_credit_model/ (models without their
 * checksum line; replayed by make test).
 */
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "credit/scorecard.h"
#include "credit/boost.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void exercise(const char *text, size_t size)
{
	scorecard_model model;
	scorecard_error error;
	if (scorecard_model_parse(&model, text, size, &error) != SZ_OK)
		return;
	scorecard_value *values = calloc(model.characteristic_count + 1u, sizeof(*values));
	SZ_ASSERT(values != NULL);
	for (uint32_t i = 0; i < model.characteristic_count; i++)
		values[i].number_e4 = SCORECARD_VALUE_MISSING;
	scorecard_result result;
	scorecard_score_values(&model, values, &result);
	SZ_ASSERT(result.reason_count <= SCORECARD_REASON_COUNT);
	if (model.challenger != NULL) {
		/* The challenger (format 4): every walk ends, and the bias plus
		 * the path contributions is the score. */
		int64_t *features = calloc(model.characteristic_count + 1u, sizeof(int64_t));
		int64_t *contributions = calloc(model.characteristic_count + 1u, sizeof(int64_t));
		SZ_ASSERT(features != NULL && contributions != NULL);
		for (int pass = 0; pass < 2; pass++) {
			for (uint32_t i = 0; i < model.characteristic_count; i++)
				features[i] = pass == 0 ? SCORECARD_VALUE_MISSING : (int64_t)i * 7919 - 30000;
			int64_t bias = 0, sum = 0;
			boost_score_features(model.challenger, &model, features, &result, contributions, &bias);
			SZ_ASSERT(result.reason_count <= SCORECARD_REASON_COUNT);
			for (uint32_t i = 0; i < model.characteristic_count; i++)
				sum += contributions[i];
			SZ_ASSERT(bias + sum == result.score_milli);
		}
		boost_score_values(model.challenger, &model, values, &result);
		free(features);
		free(contributions);
	}
	free(values);
	char *saved = NULL;
	size_t saved_size = 0;
	SZ_ASSERT(scorecard_model_save(&model, &saved, &saved_size) == SZ_OK);
	scorecard_model again;
	SZ_ASSERT(scorecard_model_parse(&again, saved, saved_size, &error) == SZ_OK);
	char *resaved = NULL;
	size_t resaved_size = 0;
	SZ_ASSERT(scorecard_model_save(&again, &resaved, &resaved_size) == SZ_OK);
	SZ_ASSERT(resaved_size == saved_size && memcmp(saved, resaved, saved_size) == 0);
	free(saved);
	free(resaved);
	scorecard_model_release(&again);
	scorecard_model_release(&model);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	exercise((const char *)data, size);
	if (size > 1u << 20)
		return 0;
	char *sealed = malloc(size + 80);
	SZ_ASSERT(sealed != NULL);
	memcpy(sealed, data, size);
	uint8_t hash[SZ_HASH_SIZE];
	char hex[2 * SZ_HASH_SIZE + 1];
	SZ_ASSERT(sz_hash_init() == 0);
	sz_sha256(hash, sealed, size);
	sz_hash_hex(hex, hash);
	memcpy(sealed + size, "sha256 ", 7);
	memcpy(sealed + size + 7, hex, 2 * SZ_HASH_SIZE);
	sealed[size + 7 + 2 * SZ_HASH_SIZE] = '\n';
	exercise(sealed, size + 8 + 2 * SZ_HASH_SIZE);
	free(sealed);
	return 0;
}
