/* test_credit_uscc.c — GB 32100-2015 check character (src/credit/uscc.c):
 * real-looking codes (check characters computed independently, and one
 * published code) pass; wrong length, characters outside the alphabet and
 * wrong check characters each get their own result, with the position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/errors.h"
#include "credit/uscc.h"

/* Check characters computed with an independent Python implementation of
 * GB 32100-2015; the first is a published code (Huawei Technologies, Shenzhen). */
static const char *const valid[] = {
	"914403001922038216",
	"91440300708461136T",
	"91110000100003962Y",
	"91310000607216596U",
	"11440300007542807F",
	"52440300MA5DAB1231",
	"93440300MA5G1KL0QG",
	"91440300MA5F0XXXX5",
};

static enum credit_uscc_result check(const char *code, credit_uscc_detail *d)
{
	return credit_uscc_validate(code, strlen(code), d);
}

static void test_valid_codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		credit_uscc_detail d;
		assert_int_equal(check(valid[i], &d), CREDIT_USCC_OK);
		assert_int_equal(d.position, 0);
		char computed = 0;
		assert_int_equal(credit_uscc_check_character(valid[i], &computed), SZ_OK);
		assert_int_equal(computed, valid[i][17]);
	}
	assert_int_equal(check(valid[0], NULL), CREDIT_USCC_OK);
}

static void test_check_value_31_is_zero(void **state)
{
	(void)state;
	/* sum = 0 -> 31 - 0 = 31, written as '0' */
	char c = 0;
	assert_int_equal(credit_uscc_check_character("00000000000000000", &c), SZ_OK);
	assert_int_equal(c, '0');
	assert_int_equal(check("000000000000000000", NULL), CREDIT_USCC_OK);
	/* 1 at weight 1: 31 - 1 = 30 -> 'Y', the last letter of the alphabet */
	assert_int_equal(credit_uscc_check_character("10000000000000000", &c), SZ_OK);
	assert_int_equal(c, 'Y');
}

static void test_wrong_length(void **state)
{
	(void)state;
	credit_uscc_detail d;
	assert_int_equal(check("", &d), CREDIT_USCC_WRONG_LENGTH);
	assert_int_equal(check("91440300192203821", &d), CREDIT_USCC_WRONG_LENGTH);
	assert_int_equal(check("9144030019220382160", &d), CREDIT_USCC_WRONG_LENGTH);
	assert_int_equal(d.position, 0);
	assert_string_equal(credit_uscc_result_name(CREDIT_USCC_WRONG_LENGTH), "uscc_wrong_length");
}

static void test_bad_character(void **state)
{
	(void)state;
	/* I, O, Z, S, V, lower case, punctuation, in the body and as the check */
	static const struct {
		const char *code;
		uint32_t position;
	} cases[] = {
		{ "91440300I92203821X", 9 },  { "9144030O1922038216", 8 },
		{ "Z14403001922038216", 1 },  { "91440300MA5S0XXXX5", 12 },
		{ "914403001922038V16", 16 }, { "91440300ma5f0xxxx5", 9 },
		{ "9144030019220382-6", 17 }, { "91440300192203821O", 18 },
		{ "91440300192203821 ", 18 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		credit_uscc_detail d;
		assert_int_equal(check(cases[i].code, &d), CREDIT_USCC_BAD_CHARACTER);
		assert_int_equal(d.position, cases[i].position);
	}
	char c = 0;
	assert_int_equal(credit_uscc_check_character("91440300I92203821", &c), SZ_EINVAL);
	assert_string_equal(credit_uscc_result_name(CREDIT_USCC_BAD_CHARACTER), "uscc_bad_character");
}

static void test_bad_check_character(void **state)
{
	(void)state;
	credit_uscc_detail d;
	assert_int_equal(check("914403001922038217", &d), CREDIT_USCC_BAD_CHECK);
	assert_int_equal(d.position, 18);
	assert_int_equal(d.expected, '6');
	/* a typo in the body: two adjacent digits swapped */
	assert_int_equal(check("914403001922083216", &d), CREDIT_USCC_BAD_CHECK);
	assert_true(d.expected != '6');
	/* every single-character substitution of a valid code is caught */
	char code[19];
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	for (uint32_t pos = 0; pos < 18; pos++) {
		for (uint32_t k = 0; k < 31; k++) {
			memcpy(code, valid[1], 19);
			if (code[pos] == alphabet[k])
				continue;
			code[pos] = alphabet[k];
			assert_int_equal(check(code, NULL), CREDIT_USCC_BAD_CHECK);
		}
	}
	assert_string_equal(credit_uscc_result_name(CREDIT_USCC_BAD_CHECK),
			    "uscc_bad_check_character");
	assert_non_null(credit_uscc_result_text(CREDIT_USCC_BAD_CHECK));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_codes),
		cmocka_unit_test(test_check_value_31_is_zero),
		cmocka_unit_test(test_wrong_length),
		cmocka_unit_test(test_bad_character),
		cmocka_unit_test(test_bad_check_character),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
