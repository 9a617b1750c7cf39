/*
 * amount.c — decimal amount strings <-> minor units, and currency codes.
 *
 * Owns the exact, overflow-checked conversion described in codec.h. The
 * parser is a single left-to-right pass with explicit bounds; every
 * multiplication and addition is checked with __builtin_*_overflow.
 */
#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"

#include <string.h>

/* ISO 4217 currencies whose minor unit is the major unit (exponent 0). */
static const char *const currencies_exponent_0[] = { "JPY", "KRW", "VND", "CLP", "ISK" };

uint32_t sz_currency_exponent(uint32_t currency)
{
	for (size_t i = 0; i < sizeof currencies_exponent_0 / sizeof currencies_exponent_0[0]; i++)
		if (sz_currency_code(currencies_exponent_0[i]) == currency)
			return 0;
	_Static_assert(SZ_AMOUNT_SCALE_DIGITS_MAX == 2, "exponent table assumes 2");
	return 2;
}

int sz_currency_parse(const char *text, uint32_t *out)
{
	SZ_ASSERT(out != NULL);
	if (text == NULL || strlen(text) != 3)
		return SZ_EINVAL;
	for (int i = 0; i < 3; i++)
		if (text[i] < 'A' || text[i] > 'Z')
			return SZ_EINVAL;
	*out = sz_currency_code(text);
	return 0;
}

void sz_currency_format(uint32_t currency, char out[4])
{
	out[0] = (char)(currency & 0xff);
	out[1] = (char)((currency >> 8) & 0xff);
	out[2] = (char)((currency >> 16) & 0xff);
	out[3] = '\0';
	for (int i = 0; i < 3; i++)
		if (out[i] < 'A' || out[i] > 'Z')
			out[i] = '?';
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Append one decimal digit to *value; SZ_ELIMIT on overflow. */
static int push_digit(uint64_t *value, char c)
{
	uint64_t next;
	SZ_ASSERT(is_digit(c));
	if (__builtin_mul_overflow(*value, 10u, &next))
		return SZ_ELIMIT;
	if (__builtin_add_overflow(next, (uint64_t)(c - '0'), &next))
		return SZ_ELIMIT;
	*value = next;
	return 0;
}

int sz_amount_parse(const char *text, size_t size, uint32_t exponent, uint64_t *out)
{
	SZ_ASSERT(out != NULL);
	SZ_ASSERT(exponent <= SZ_AMOUNT_SCALE_DIGITS_MAX);
	if (text == NULL || size == 0 || size >= SZ_AMOUNT_TEXT_SIZE)
		return size >= SZ_AMOUNT_TEXT_SIZE ? SZ_ELIMIT : SZ_EINVAL;
	size_t i = 0;
	uint64_t value = 0;
	int rc;
	/* Integer part: at least one digit, no leading zero unless it is "0". */
	if (!is_digit(text[0]) || (text[0] == '0' && size > 1 && is_digit(text[1])))
		return SZ_EINVAL;
	for (; i < size && is_digit(text[i]); i++)
		if ((rc = push_digit(&value, text[i])))
			return rc;
	uint32_t fraction_digits = 0;
	if (i < size) {
		if (text[i] != '.' || i + 1 == size)
			return SZ_EINVAL;
		for (i++; i < size; i++, fraction_digits++) {
			if (!is_digit(text[i]))
				return SZ_EINVAL;
			if (fraction_digits == exponent)
				return SZ_ELIMIT;
			if ((rc = push_digit(&value, text[i])))
				return rc;
		}
	}
	SZ_ASSERT(fraction_digits <= exponent);
	for (; fraction_digits < exponent; fraction_digits++)
		if (__builtin_mul_overflow(value, 10u, &value))
			return SZ_ELIMIT;
	*out = value;
	return 0;
}

size_t sz_amount_format(uint64_t minor, uint32_t exponent, char out[SZ_AMOUNT_TEXT_SIZE])
{
	SZ_ASSERT(exponent <= SZ_AMOUNT_SCALE_DIGITS_MAX);
	char digits[SZ_AMOUNT_TEXT_SIZE];
	size_t count = 0;
	do {
		digits[count++] = (char)('0' + minor % 10);
		minor /= 10;
	} while (minor != 0);
	while (count < exponent + 1)
		digits[count++] = '0';
	size_t length = 0;
	for (size_t i = count; i > 0; i--) {
		if (i == exponent && exponent > 0)
			out[length++] = '.';
		out[length++] = digits[i - 1];
	}
	out[length] = '\0';
	SZ_ASSERT(length < SZ_AMOUNT_TEXT_SIZE);
	return length;
}
