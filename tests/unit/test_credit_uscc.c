/* test_credit_uscc.c — GB 32100-2015 check character and the GB 11714-1997
 * check character of the embedded organization code (src/credit/uscc.c):
 * real-looking codes (check characters computed independently, one
 * published code) pass; wrong length, characters outside the alphabet,
 * a wrong 18th and a wrong 17th (organization code) character each get their
 * own result, with the position and the expected character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/errors.h"
#include "credit/uscc.h"

/* 18th characters computed with an independent Python implementation of
 * GB 32100-2015; the first is a published code (Huawei Technologies,
 * Shenzhen, whose organization code was 19220382-1). The 17th character of
 * each is the GB 11714 check of characters 9-16, derived by hand (letters:
 * A=10 ... Z=35; weights 3 7 9 10 5 8 4 2; check = 11 - sum mod 11):
 *   19220382: 3+63+18+20+0+24+32+4     = 164 = 14*11+10 -> 1
 *   70846113: 21+0+72+40+30+8+4+6      = 181 = 16*11+5  -> 6
 *   10000396: 3+0+0+0+0+24+36+12       =  75 =  6*11+9  -> 2
 *   60721659: 18+0+63+20+5+48+20+18    = 192 = 17*11+5  -> 6
 *   00754280: 0+0+63+50+20+16+32+0     = 181 = 16*11+5  -> 6
 *   MA5DAB12: 66+70+45+130+50+88+4+4   = 457 = 41*11+6  -> 5
 *   MA5G1KL0: 66+70+45+160+5+160+84+0  = 590 = 53*11+7  -> 4
 *   MA5F0XXX: 66+70+45+150+0+264+132+66 = 793 = 72*11+1 -> 10 = X */
static const char *const valid[] = {
	"914403001922038216",
	"91440300708461136T",
	"91110000100003962Y",
	"91310000607216596U",
	"11440300007542806C",
	"52440300MA5DAB1257",
	"93440300MA5G1KL04J",
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

/* GB 11714-1997 check characters, each derived by hand. */
static void test_org_code_check_character(void **state)
{
	(void)state;
	static const struct {
		const char *body;
		char check;
	} cases[] = {
		/* The worked example usually given with GB 11714 (D2143569-X):
		 * 13*3+2*7+1*9+4*10+3*5+5*8+6*4+9*2 = 39+14+9+40+15+40+24+18 = 199
		 * = 18*11+1, 11-1 = 10 -> 'X'. */
		{ "D2143569", 'X' },
		{ "19220382", '1' },  /* Huawei's, above */
		/* 22*3+10*7+5*9+15*10+13*5 = 66+70+45+150+65 = 396 = 36*11: 11 -> '0' */
		{ "MA5FD000", '0' },
		{ "00000000", '0' },  /* sum 0: 11 -> '0' */
		{ "40000000", 'X' },  /* 4*3 = 12 = 11+1: 10 -> 'X' */
		{ "00001000", '6' },  /* the 5th weighs 5: 1*5 = 5, 11-5 = 6 */
		/* Letters the USCC alphabet lacks are GB 11714 characters:
		 * Z = 35, 35*3 = 105 = 9*11+6 -> 5. */
		{ "Z0000000", '5' },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char c = 0;
		assert_int_equal(credit_org_code_check_character(cases[i].body, &c), SZ_OK);
		assert_int_equal(c, cases[i].check);
	}
	char c = 0;
	assert_int_equal(credit_org_code_check_character("d2143569", &c), SZ_EINVAL);
	assert_int_equal(credit_org_code_check_character("D214356-", &c), SZ_EINVAL);
}

/* 18th character right (computed by the independent Python implementation),
 * 17th not the organization code's check: refused, naming position 17 and
 * the character it should be. */
static void test_bad_org_check_character(void **state)
{
	(void)state;
	static const struct {
		const char *code;
		char expected;
	} cases[] = {
		{ "914403001922038229", '1' },  /* Huawei's with 17th '2' */
		{ "914403007084611308", '6' },
		{ "91440300MA5F0XXX5T", 'X' },
		{ "91440300MA5FD0001Y", '0' },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		credit_uscc_detail d;
		assert_int_equal(check(cases[i].code, &d), CREDIT_USCC_BAD_ORG_CHECK);
		assert_int_equal(d.position, 17);
		assert_int_equal(d.expected, cases[i].expected);
		char computed = 0; /* the 18th is right */
		assert_int_equal(credit_uscc_check_character(cases[i].code, &computed), SZ_OK);
		assert_int_equal(computed, cases[i].code[17]);
	}
	assert_string_equal(credit_uscc_result_name(CREDIT_USCC_BAD_ORG_CHECK),
			    "uscc_bad_organization_check_character");
	assert_non_null(strstr(credit_uscc_result_text(CREDIT_USCC_BAD_ORG_CHECK), "17th"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_codes),
		cmocka_unit_test(test_check_value_31_is_zero),
		cmocka_unit_test(test_wrong_length),
		cmocka_unit_test(test_bad_character),
		cmocka_unit_test(test_bad_check_character),
		cmocka_unit_test(test_org_code_check_character),
		cmocka_unit_test(test_bad_org_check_character),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
