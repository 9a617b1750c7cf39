/*
 * fixed.c — exact decimals, checked 128-bit rationals and the domain's one
 * rounding rule (half away from zero), see fixed.h. Everything here is pure
 * integer arithmetic so that replaying the log reproduces every gram.
 */
#include "green/fixed.h"

#include <stdio.h>
#include <string.h>

#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"

/* 18 digits always fit an int64 (10^18 - 1 < 2^63). */
#define GREEN_DEC_DIGIT_COUNT_MAX 18u

int green_dec_parse(const char *text, size_t size, green_dec *out)
{
	SZ_ASSERT(out != NULL);
	SZ_ASSERT(text != NULL || size == 0);
	size_t i = 0;
	int negative = 0;
	if (size > 0 && text[0] == '-') {
		negative = 1;
		i = 1;
	}
	int64_t value = 0;
	uint32_t digits = 0, scale = 0, int_digits = 0;
	int seen_point = 0;
	for (; i < size; i++) {
		char c = text[i];
		if (c == '.') {
			if (seen_point || int_digits == 0) return SZ_EINVAL;
			seen_point = 1;
			continue;
		}
		if (c < '0' || c > '9') return SZ_EINVAL;
		if (seen_point) {
			scale++;
			if (scale > GREEN_DECIMAL_SCALE_MAX) return SZ_EINVAL;
		} else {
			/* No leading zeros: "0.5" and "10" but not "00.5" or "05". */
			if (int_digits == 1 && value == 0) return SZ_EINVAL;
			int_digits++;
		}
		if (value != 0 || c != '0') digits++;
		if (digits > GREEN_DEC_DIGIT_COUNT_MAX) return SZ_EINVAL;
		value = value * 10 + (c - '0');
	}
	if (int_digits == 0) return SZ_EINVAL;
	if (seen_point && scale == 0) return SZ_EINVAL; /* "1." */
	out->value = negative ? -value : value;
	out->scale = (int32_t)scale;
	out->reserved = 0;
	return SZ_OK;
}

green_i128 green_pow10(uint32_t exponent)
{
	SZ_ASSERT(exponent <= 36);
	green_i128 result = 1;
	for (uint32_t i = 0; i < exponent; i++) result *= 10;
	SZ_ASSERT(result > 0);
	return result;
}

green_ratio green_ratio_int(int64_t value)
{
	green_ratio ratio = { value, 1 };
	SZ_ASSERT(ratio.den == 1);
	return ratio;
}

int green_ratio_mul_dec(green_ratio *ratio, green_dec factor)
{
	SZ_ASSERT(ratio != NULL);
	SZ_ASSERT(ratio->den > 0);
	SZ_ASSERT(factor.scale >= 0 && (uint32_t)factor.scale <= GREEN_DECIMAL_SCALE_MAX);
	green_i128 num, den;
	if (__builtin_mul_overflow(ratio->num, (green_i128)factor.value, &num)) return SZ_ELIMIT;
	if (__builtin_mul_overflow(ratio->den, green_pow10((uint32_t)factor.scale), &den)) return SZ_ELIMIT;
	ratio->num = num;
	ratio->den = den;
	return SZ_OK;
}

int green_ratio_mul(green_ratio *ratio, int64_t num, int64_t den)
{
	SZ_ASSERT(ratio != NULL);
	SZ_ASSERT(den > 0);
	green_i128 n, d;
	if (__builtin_mul_overflow(ratio->num, (green_i128)num, &n)) return SZ_ELIMIT;
	if (__builtin_mul_overflow(ratio->den, (green_i128)den, &d)) return SZ_ELIMIT;
	ratio->num = n;
	ratio->den = d;
	return SZ_OK;
}

int green_ratio_add(green_ratio *a, const green_ratio *b)
{
	SZ_ASSERT(a != NULL && b != NULL);
	SZ_ASSERT(a->den > 0 && b->den > 0);
	green_i128 left, right, num, den;
	if (a->den == b->den) {
		if (__builtin_add_overflow(a->num, b->num, &num)) return SZ_ELIMIT;
		a->num = num;
		return SZ_OK;
	}
	if (__builtin_mul_overflow(a->num, b->den, &left)) return SZ_ELIMIT;
	if (__builtin_mul_overflow(b->num, a->den, &right)) return SZ_ELIMIT;
	if (__builtin_add_overflow(left, right, &num)) return SZ_ELIMIT;
	if (__builtin_mul_overflow(a->den, b->den, &den)) return SZ_ELIMIT;
	a->num = num;
	a->den = den;
	return SZ_OK;
}

int green_div_round(green_i128 num, green_i128 den, int64_t *out)
{
	SZ_ASSERT(out != NULL);
	SZ_ASSERT(den > 0);
	int negative = num < 0;
	/* Magnitudes in unsigned 128 bits: well defined even for INT128_MIN. */
	__extension__ typedef unsigned __int128 green_u128;
	green_u128 magnitude = negative ? (green_u128)0 - (green_u128)num : (green_u128)num;
	green_u128 divisor = (green_u128)den;
	green_u128 quotient = magnitude / divisor;
	green_u128 remainder = magnitude % divisor;
	/* Half away from zero: round the magnitude up when 2 * remainder >= den. */
	if (remainder >= divisor - remainder) quotient += 1;
	if (!negative && quotient > (green_u128)INT64_MAX) return SZ_ELIMIT;
	if (negative && quotient > (green_u128)INT64_MAX + 1u) return SZ_ELIMIT;
	*out = negative ? (int64_t)((uint64_t)0 - (uint64_t)quotient) : (int64_t)quotient;
	return SZ_OK;
}

int green_ratio_round(const green_ratio *ratio, int64_t *out)
{
	SZ_ASSERT(ratio != NULL);
	SZ_ASSERT(ratio->den > 0);
	return green_div_round(ratio->num, ratio->den, out);
}

int green_add(int64_t a, int64_t b, int64_t *out)
{
	SZ_ASSERT(out != NULL);
	int64_t sum;
	if (__builtin_add_overflow(a, b, &sum)) return SZ_ELIMIT;
	*out = sum;
	return SZ_OK;
}

int green_sub(int64_t a, int64_t b, int64_t *out)
{
	SZ_ASSERT(out != NULL);
	int64_t difference;
	if (__builtin_sub_overflow(a, b, &difference)) return SZ_ELIMIT;
	*out = difference;
	return SZ_OK;
}

int64_t green_g_to_t_e2(int64_t emissions_g)
{
	int64_t t_e2 = 0;
	/* 10,000 g per 0.01 t: the quotient always fits. */
	int status = green_div_round(emissions_g, 10000, &t_e2);
	SZ_ASSERT(status == SZ_OK);
	return t_e2;
}

int green_format_fixed(char *buf, size_t size, int64_t value, uint32_t decimals)
{
	SZ_ASSERT(buf != NULL);
	SZ_ASSERT(decimals <= 18);
	char digits[48];
	/* Magnitude as unsigned so INT64_MIN prints too. */
	uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
	int length = snprintf(digits, sizeof digits, "%0*llu", (int)decimals + 1,
	                      (unsigned long long)magnitude);
	SZ_ASSERT(length > 0 && (size_t)length < sizeof digits);
	size_t int_length = (size_t)length - decimals;
	size_t need = (value < 0 ? 1u : 0u) + int_length + (decimals ? 1u + decimals : 0u) + 1u;
	if (need > size) return SZ_ELIMIT;
	size_t at = 0;
	if (value < 0) buf[at++] = '-';
	memcpy(buf + at, digits, int_length);
	at += int_length;
	if (decimals) {
		buf[at++] = '.';
		memcpy(buf + at, digits + int_length, decimals);
		at += decimals;
	}
	buf[at] = '\0';
	SZ_ASSERT(at + 1 == need);
	return SZ_OK;
}

int green_format_dec(char *buf, size_t size, green_dec value)
{
	SZ_ASSERT(value.scale >= 0);
	SZ_ASSERT((uint32_t)value.scale <= GREEN_DECIMAL_SCALE_MAX);
	return green_format_fixed(buf, size, value.value, (uint32_t)value.scale);
}

uint64_t green_fnv1a(uint64_t hash, const void *data, size_t size)
{
	SZ_ASSERT(data != NULL || size == 0);
	const unsigned char *bytes = data;
	for (size_t i = 0; i < size; i++) {
		hash ^= bytes[i];
		hash *= 0x100000001b3ull;
	}
	return hash;
}
