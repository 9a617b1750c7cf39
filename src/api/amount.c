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

/* The ISO 4217 list with each code's minor unit, generated from its
 * source by scripts/gen_iso4217.py (source and date in the file). */
struct iso4217_row {
	char code[4];
	uint16_t numeric;
	int8_t minor_unit; /* -1: the list's N.A. (funds, metals, XXX): not accepted */
};
static const struct iso4217_row iso4217[] = {
#define ISO4217(code_, numeric_, minor_) { code_, numeric_, minor_ },
#include "api/iso4217.def"
#undef ISO4217
};

static const struct iso4217_row *iso4217_find(uint32_t currency)
{
	for (size_t i = 0; i < sizeof iso4217 / sizeof iso4217[0]; i++)
		if (sz_currency_code(iso4217[i].code) == currency)
			return &iso4217[i];
	return NULL;
}

uint32_t sz_currency_exponent(uint32_t currency)
{
	const struct iso4217_row *row = iso4217_find(currency);
	if (row == NULL || row->minor_unit < 0)
		return 2; /* not accepted by sz_currency_parse; old records show as 2 */
	SZ_ASSERT((uint32_t)row->minor_unit <= SZ_AMOUNT_SCALE_DIGITS_MAX);
	return (uint32_t)row->minor_unit;
}

/* Three letters A-Z naming an ISO 4217 currency that has a minor unit. */
int sz_currency_parse(const char *text, uint32_t *out)
{
	SZ_ASSERT(out != NULL);
	if (text == NULL || strlen(text) != 3)
		return SZ_EINVAL;
	for (int i = 0; i < 3; i++)
		if (text[i] < 'A' || text[i] > 'Z')
			return SZ_EINVAL;
	const struct iso4217_row *row = iso4217_find(sz_currency_code(text));
	if (row == NULL || row->minor_unit < 0)
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
