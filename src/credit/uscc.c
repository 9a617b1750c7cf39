/*
 * uscc.c — GB 32100-2015 check character of the unified social credit code,
 * and the GB 11714-1997 check character of the organization code it embeds.
 *
 * A character's value is its index in the 31-character alphabet; the check
 * value makes the weighted sum of all 18 values divisible by 31. The
 * organization code (characters 9-17) has its own mod-11 check (uscc.h).
 */
#include "credit/uscc.h"

#include "core/assert.h"
#include "core/errors.h"

static const char uscc_alphabet[31] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static const uint8_t uscc_weights[CREDIT_USCC_BODY_SIZE] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
};

/* Value of byte ch in the alphabet, or -1. */
static int uscc_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	for (int i = 10; i < 31; i++) {
		if (uscc_alphabet[i] == ch)
			return i;
	}
	return -1;
}

/* Check value for 17 body characters already known to be in the alphabet. */
static int uscc_check_value(const char *body)
{
	uint32_t sum = 0;
	for (uint32_t i = 0; i < CREDIT_USCC_BODY_SIZE; i++) {
		int value = uscc_value(body[i]);
		SZ_ASSERT(value >= 0);
		sum += (uint32_t)value * uscc_weights[i];
	}
	int check = 31 - (int)(sum % 31u);
	if (check == 31)
		check = 0;
	SZ_ASSERT(check >= 0 && check < 31);
	return check;
}

int credit_uscc_check_character(const char body[CREDIT_USCC_BODY_SIZE], char *out)
{
	SZ_ASSERT(body != NULL);
	SZ_ASSERT(out != NULL);
	for (uint32_t i = 0; i < CREDIT_USCC_BODY_SIZE; i++) {
		if (uscc_value(body[i]) < 0)
			return SZ_EINVAL;
	}
	*out = uscc_alphabet[uscc_check_value(body)];
	return SZ_OK;
}

static const uint8_t org_weights[CREDIT_ORG_CODE_BODY_SIZE] = { 3, 7, 9, 10, 5, 8, 4, 2 };

/* GB 11714 value of a character: digits 0-9, letters A-Z 10-35, else -1. */
static int org_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A' + 10;
	return -1;
}

int credit_org_code_check_character(const char body[CREDIT_ORG_CODE_BODY_SIZE], char *out)
{
	SZ_ASSERT(body != NULL);
	SZ_ASSERT(out != NULL);
	uint32_t sum = 0;
	for (uint32_t i = 0; i < CREDIT_ORG_CODE_BODY_SIZE; i++) {
		int value = org_value(body[i]);
		if (value < 0)
			return SZ_EINVAL;
		sum += (uint32_t)value * org_weights[i];
	}
	uint32_t check = 11u - sum % 11u; /* 1 .. 11 */
	SZ_ASSERT(check >= 1 && check <= 11);
	*out = check == 10 ? 'X' : check == 11 ? '0' : (char)('0' + check);
	return SZ_OK;
}

/* Characters 9-17 of a code whose characters are all in the USCC alphabet
 * (a subset of GB 11714's, so the body always has a check character). */
static char org_expected(const char *code)
{
	char expected = 0;
	int rc = credit_org_code_check_character(code + 8, &expected);
	SZ_ASSERT(rc == SZ_OK);
	return expected;
}

enum credit_uscc_result credit_uscc_validate(const char *code, size_t size,
					     credit_uscc_detail *detail)
{
	SZ_ASSERT(code != NULL || size == 0);
	credit_uscc_detail unused;
	if (detail == NULL)
		detail = &unused;
	detail->position = 0;
	detail->expected = 0;
	if (size != CREDIT_USCC_SIZE)
		return CREDIT_USCC_WRONG_LENGTH;
	for (uint32_t i = 0; i < CREDIT_USCC_SIZE; i++) {
		if (uscc_value(code[i]) < 0) {
			detail->position = i + 1;
			return CREDIT_USCC_BAD_CHARACTER;
		}
	}
	char expected = uscc_alphabet[uscc_check_value(code)];
	if (code[CREDIT_USCC_BODY_SIZE] != expected) {
		detail->position = CREDIT_USCC_SIZE;
		detail->expected = expected;
		return CREDIT_USCC_BAD_CHECK;
	}
	expected = org_expected(code);
	if (code[16] != expected) {
		detail->position = 17;
		detail->expected = expected;
		return CREDIT_USCC_BAD_ORG_CHECK;
	}
	return CREDIT_USCC_OK;
}

const char *credit_uscc_result_name(enum credit_uscc_result result)
{
	switch (result) {
	case CREDIT_USCC_OK: return "ok";
	case CREDIT_USCC_WRONG_LENGTH: return "uscc_wrong_length";
	case CREDIT_USCC_BAD_CHARACTER: return "uscc_bad_character";
	case CREDIT_USCC_BAD_CHECK: return "uscc_bad_check_character";
	case CREDIT_USCC_BAD_ORG_CHECK: return "uscc_bad_organization_check_character";
	}
	return "unknown";
}

const char *credit_uscc_result_text(enum credit_uscc_result result)
{
	switch (result) {
	case CREDIT_USCC_OK: return "the code is well-formed";
	case CREDIT_USCC_WRONG_LENGTH: return "a unified social credit code has exactly 18 characters";
	case CREDIT_USCC_BAD_CHARACTER:
		return "only 0-9 and upper-case letters other than I, O, S, V, Z may appear";
	case CREDIT_USCC_BAD_CHECK: return "the check character (18th) does not match the first 17";
	case CREDIT_USCC_BAD_ORG_CHECK:
		return "the embedded organization code's check character (17th, GB 11714) does not match characters 9-16";
	}
	return "unknown result";
}
