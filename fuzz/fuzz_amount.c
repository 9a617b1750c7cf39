/*
 * fuzz_amount.c — libFuzzer harness for the decimal amount and id parsers.
 *
 * Properties checked: parse never reads past size; whatever parses formats
 * back to text that parses to the same value (round trip), and the canonical
 * text of a value is stable; no floating point anywhere.
 */
#include "api/codec.h"
#include "core/assert.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	for (uint32_t exponent = 0; exponent <= 2; exponent++) {
		uint64_t value = 0;
		if (sz_amount_parse(text, size, exponent, &value) != 0)
			continue;
		char out[SZ_AMOUNT_TEXT_SIZE];
		size_t n = sz_amount_format(value, exponent, out);
		uint64_t back = ~value;
		SZ_ASSERT(sz_amount_parse(out, n, exponent, &back) == 0);
		SZ_ASSERT(back == value);
	}
	sz_id id;
	if (sz_id_parse(text, size, &id, 0) == 0) {
		char out[SZ_ID_TEXT_SIZE];
		size_t n = sz_id_format(id, out);
		sz_id back;
		SZ_ASSERT(sz_id_parse(out, n, &back, 0) == 0);
		SZ_ASSERT(sz_id_eq(back, id));
	}
	return 0;
}
