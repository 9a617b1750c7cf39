/*
 * fuzz_credit_options.c — libFuzzer harness for the text the credit
 * training and validation tools parse besides CSV and models: the PD
 * master scale ("NAME:PD_MAX,...", src/credit/validate.c), the protected
 * attribute list against a column name (src/credit/scorecard.c) and the
 * label normalisation (src/credit/score.c).
 *
 * The input is split at its first NUL byte (or used whole): the first part
 * is the scale and the list, the second the column name and the label.
 * Checks: a scale that parses has rising bounds ending at 1 and grades
 * every probability; normalising twice gives the same text and never
 * lengthens it. Seed corpus: fuzz/corpus/fuzz_credit_options/.
 */
#include "core/assert.h"
#include "credit/scorecard_train.h"
#include "credit/validate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *text = malloc(size + 2);
	SZ_ASSERT(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	text[size + 1] = '\0';
	const char *second = text + strlen(text) + (strlen(text) < size ? 1 : 0);
	scorecard_master_scale scale;
	scorecard_error error;
	if (scorecard_master_scale_parse(text, &scale, &error) == 0) {
		SZ_ASSERT(scale.grade_count >= 1 && scale.pd_max[scale.grade_count - 1] == 1.0);
		for (uint32_t g = 1; g < scale.grade_count; g++)
			SZ_ASSERT(scale.pd_max[g] > scale.pd_max[g - 1]);
		SZ_ASSERT(scorecard_master_grade_of(&scale, 1.0) < scale.grade_count);
		SZ_ASSERT(scorecard_master_grade_of(&scale, 0.0) == 0);
	}
	(void)scorecard_protected_match(second, text);
	(void)scorecard_protected_match(second, NULL);
	char once[4100];
	char twice[4100];
	size_t n1 = scorecard_label_normalize(second, once, sizeof once);
	size_t n2 = scorecard_label_normalize(once, twice, sizeof twice);
	SZ_ASSERT(n1 <= strlen(second));
	SZ_ASSERT(n2 == n1 && memcmp(once, twice, n1 + 1) == 0);
	free(text);
	return 0;
}
