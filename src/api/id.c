/*
 * id.c — text forms of 128-bit ids and 64-bit tenant ids (see codec.h).
 *
 * Decimal parsing uses unsigned __int128 with checked arithmetic; hex needs
 * the "0x" prefix so that a 32-digit decimal id is never read as hex.
 */
#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"

__extension__ typedef unsigned __int128 u128;

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hex(const char *text, size_t size, u128 *out)
{
	if (size == 0 || size > 32)
		return SZ_EINVAL;
	u128 value = 0;
	for (size_t i = 0; i < size; i++) {
		int v = hex_value(text[i]);
		if (v < 0)
			return SZ_EINVAL;
		value = value << 4 | (u128)v;
	}
	*out = value;
	return 0;
}

static int parse_decimal(const char *text, size_t size, u128 *out)
{
	if (size == 0 || size > 39 || (text[0] == '0' && size > 1))
		return SZ_EINVAL;
	u128 value = 0;
	for (size_t i = 0; i < size; i++) {
		if (text[i] < '0' || text[i] > '9')
			return SZ_EINVAL;
		u128 next;
		if (__builtin_mul_overflow(value, (u128)10, &next))
			return SZ_EINVAL;
		if (__builtin_add_overflow(next, (u128)(text[i] - '0'), &next))
			return SZ_EINVAL;
		value = next;
	}
	*out = value;
	return 0;
}

int sz_id_parse(const char *text, size_t size, sz_id *out, int zero_ok)
{
	SZ_ASSERT(out != NULL);
	if (text == NULL)
		return SZ_EINVAL;
	u128 value = 0;
	int rc;
	if (size > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		rc = parse_hex(text + 2, size - 2, &value);
	else
		rc = parse_decimal(text, size, &value);
	if (rc)
		return rc;
	if (value == 0 && !zero_ok)
		return SZ_EINVAL;
	out->lo = (uint64_t)value;
	out->hi = (uint64_t)(value >> 64);
	return 0;
}

size_t sz_id_format(sz_id id, char out[SZ_ID_TEXT_SIZE])
{
	u128 value = (u128)id.hi << 64 | id.lo;
	char digits[SZ_ID_TEXT_SIZE];
	size_t count = 0;
	do {
		digits[count++] = (char)('0' + (int)(value % 10));
		value /= 10;
	} while (value != 0);
	SZ_ASSERT(count <= 39);
	for (size_t i = 0; i < count; i++)
		out[i] = digits[count - 1 - i];
	out[count] = '\0';
	return count;
}

int sz_u64_parse(const char *text, size_t size, uint64_t *out)
{
	SZ_ASSERT(out != NULL);
	u128 value;
	if (text == NULL || size > 20 || parse_decimal(text, size, &value))
		return SZ_EINVAL;
	if (value > UINT64_MAX)
		return SZ_EINVAL;
	*out = (uint64_t)value;
	return 0;
}
