/* test_api_codec.c — amounts, ids and currencies: exact round trips and
 * both sides of every bound (src/api/amount.c, src/api/id.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "api/codec.h"
#include "core/errors.h"

static int parse2(const char *s, uint64_t *v) { return sz_amount_parse(s, strlen(s), 2, v); }

static void test_amount_valid(void **unused)
{
	(void)unused;
	uint64_t v = 99;
	assert_int_equal(parse2("0", &v), 0); assert_int_equal(v, 0);
	assert_int_equal(parse2("1234.56", &v), 0); assert_int_equal(v, 123456);
	assert_int_equal(parse2("12.5", &v), 0); assert_int_equal(v, 1250);
	assert_int_equal(parse2("0.01", &v), 0); assert_int_equal(v, 1);
	assert_int_equal(parse2("7", &v), 0); assert_int_equal(v, 700);
	assert_int_equal(sz_amount_parse("1000", 4, 0, &v), 0); assert_int_equal(v, 1000);
}

static void test_amount_invalid(void **unused)
{
	(void)unused;
	uint64_t v;
	const char *bad[] = { "", "-1", "+1", "1.", ".5", "01", "00.5", "1e3", " 1", "1 ", "1,00",
			      "1.2.3", "0x10", "１", "NaN", "1.-1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(parse2(bad[i], &v), SZ_EINVAL);
	assert_int_equal(parse2("1.234", &v), SZ_ELIMIT);          /* too many decimals */
	assert_int_equal(sz_amount_parse("1.5", 3, 0, &v), SZ_ELIMIT);
	assert_int_equal(sz_amount_parse("12\0" "3", 4, 2, &v), SZ_EINVAL); /* embedded NUL */
}

static void test_amount_overflow_bound(void **unused)
{
	(void)unused;
	uint64_t v;
	/* UINT64_MAX = 18446744073709551615 minor units = 184467440737095516.15 */
	assert_int_equal(parse2("184467440737095516.15", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse2("184467440737095516.16", &v), SZ_ELIMIT);
	assert_int_equal(parse2("184467440737095517", &v), SZ_ELIMIT);
	assert_int_equal(sz_amount_parse("18446744073709551615", 20, 0, &v), 0);
	assert_int_equal(sz_amount_parse("18446744073709551616", 20, 0, &v), SZ_ELIMIT);
	assert_int_equal(parse2("99999999999999999999999", &v), SZ_ELIMIT); /* too long */
}

static void test_amount_format(void **unused)
{
	(void)unused;
	char out[SZ_AMOUNT_TEXT_SIZE];
	sz_amount_format(0, 2, out); assert_string_equal(out, "0.00");
	sz_amount_format(5, 2, out); assert_string_equal(out, "0.05");
	sz_amount_format(123456, 2, out); assert_string_equal(out, "1234.56");
	sz_amount_format(UINT64_MAX, 2, out); assert_string_equal(out, "184467440737095516.15");
	sz_amount_format(UINT64_MAX, 0, out); assert_string_equal(out, "18446744073709551615");
	sz_amount_format(42, 0, out); assert_string_equal(out, "42");
}

static void test_amount_round_trip(void **unused)
{
	(void)unused;
	uint64_t samples[] = { 0, 1, 9, 10, 99, 100, 101, 123456789, UINT64_MAX / 3, UINT64_MAX - 1, UINT64_MAX };
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
		for (uint32_t e = 0; e <= 2; e++) {
			char text[SZ_AMOUNT_TEXT_SIZE];
			uint64_t back = 0;
			size_t n = sz_amount_format(samples[i], e, text);
			assert_int_equal(sz_amount_parse(text, n, e, &back), 0);
			assert_true(back == samples[i]);
		}
}

static void test_currency(void **unused)
{
	(void)unused;
	uint32_t c;
	char out[4];
	assert_int_equal(sz_currency_parse("CNY", &c), 0);
	assert_int_equal(c, sz_currency_code("CNY"));
	sz_currency_format(c, out); assert_string_equal(out, "CNY");
	assert_int_equal(sz_currency_exponent(c), 2);
	assert_int_equal(sz_currency_exponent(sz_currency_code("JPY")), 0);
	assert_int_equal(sz_currency_parse("cny", &c), SZ_EINVAL);
	assert_int_equal(sz_currency_parse("CN", &c), SZ_EINVAL);
	assert_int_equal(sz_currency_parse("CNYY", &c), SZ_EINVAL);
	assert_int_equal(sz_currency_parse(NULL, &c), SZ_EINVAL);
}

static int id_parse(const char *s, sz_id *id) { return sz_id_parse(s, strlen(s), id, 0); }

static void test_id(void **unused)
{
	(void)unused;
	sz_id id;
	char out[SZ_ID_TEXT_SIZE];
	assert_int_equal(id_parse("1", &id), 0); assert_true(id.lo == 1 && id.hi == 0);
	assert_int_equal(id_parse("0x10", &id), 0); assert_true(id.lo == 16 && id.hi == 0);
	assert_int_equal(id_parse("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", &id), 0);
	assert_true(id.lo == UINT64_MAX && id.hi == UINT64_MAX);
	sz_id_format(id, out); assert_string_equal(out, "340282366920938463463374607431768211455");
	assert_int_equal(id_parse("340282366920938463463374607431768211455", &id), 0);
	assert_true(id.lo == UINT64_MAX && id.hi == UINT64_MAX);
	assert_int_equal(id_parse("340282366920938463463374607431768211456", &id), SZ_EINVAL);
	assert_int_equal(id_parse("0x1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", &id), SZ_EINVAL); /* 33 digits */
	/* A 32-digit decimal id is decimal, never hex. */
	assert_int_equal(id_parse("12345678901234567890123456789012", &id), 0);
	sz_id_format(id, out); assert_string_equal(out, "12345678901234567890123456789012");
	assert_int_equal(id_parse("18446744073709551616", &id), 0);
	assert_true(id.lo == 0 && id.hi == 1);
	const char *bad[] = { "", "0", "0x0", "00", "01", "-1", "1.0", "0x", "0xg", " 1", "abc" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(id_parse(bad[i], &id), SZ_EINVAL);
	assert_int_equal(sz_id_parse("0", 1, &id, 1), 0);
	assert_true(sz_id_is_zero(id));
}

static void test_u64(void **unused)
{
	(void)unused;
	uint64_t v;
	assert_int_equal(sz_u64_parse("18446744073709551615", 20, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(sz_u64_parse("18446744073709551616", 20, &v), SZ_EINVAL);
	assert_int_equal(sz_u64_parse("0", 1, &v), 0);
	assert_int_equal(sz_u64_parse("x", 1, &v), SZ_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amount_valid),
		cmocka_unit_test(test_amount_invalid),
		cmocka_unit_test(test_amount_overflow_bound),
		cmocka_unit_test(test_amount_format),
		cmocka_unit_test(test_amount_round_trip),
		cmocka_unit_test(test_currency),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_u64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
