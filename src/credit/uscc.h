/*
 * uscc.h — the unified social credit code (统一社会信用代码, GB 32100-2015).
 *
 * Owns: checking the 18th (check) character of an 18-character code, and
 * computing it for a 17-character body. The code is the key of an enterprise
 * in the credit registry, so every feed row and query names one; a typo must
 * be caught at the door with a reason precise enough to show to the person
 * who typed it.
 *
 * Alphabet (31 characters, value = position): 0-9 then A B C D E F G H J K L
 * M N P Q R T U W X Y (no I, O, Z, S, V). Check value = 31 - (sum over the
 * first 17 characters of value * weight mod 31), with 31 written as 0;
 * weights are 3^i mod 31: 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
 * Only upper case is valid (the standard prints upper case; a caller that
 * wants to accept lower case upper-cases first, knowingly).
 *
 * Characters 9-17 are the organization code (组织机构代码, GB 11714-1997):
 * eight body characters and their own check character, which is checked too.
 * There a digit is worth itself and a letter A-Z 10-35; weights 3 7 9 10 5 8
 * 4 2; check = 11 - (weighted sum mod 11), with 10 written 'X' and 11 '0'.
 * The whole-code check is tested first (it covers every character), then
 * the organization code's.
 *
 * Never: check the administrative-division code (characters 3-8): the
 * registry cross-checks it against its own tables.
 */
#ifndef SZ_CREDIT_USCC_H
#define SZ_CREDIT_USCC_H

#include <stddef.h>
#include <stdint.h>

#define CREDIT_USCC_SIZE 18u
#define CREDIT_USCC_BODY_SIZE 17u

/* Outcome of a validation. Stable numbers and names: they travel in API
 * errors ("uscc_bad_check_character"). */
enum credit_uscc_result {
	CREDIT_USCC_OK = 0,
	CREDIT_USCC_WRONG_LENGTH = 1,    /* not exactly 18 characters */
	CREDIT_USCC_BAD_CHARACTER = 2,   /* a character outside the alphabet */
	CREDIT_USCC_BAD_CHECK = 3,       /* well-formed, but the 18th character is wrong */
	CREDIT_USCC_BAD_ORG_CHECK = 4,   /* 18th right, but the organization code's check (17th) is wrong */
};

/* Where validation failed: position is 1-based (0 for WRONG_LENGTH);
 * expected is the correct check character for BAD_CHECK (position 18) and
 * BAD_ORG_CHECK (position 17), else 0. */
typedef struct credit_uscc_detail {
	uint32_t position;
	char expected;
} credit_uscc_detail;

/* Validates size bytes of code (need not be NUL-terminated). detail may be
 * NULL. Returns one of enum credit_uscc_result. */
enum credit_uscc_result credit_uscc_validate(const char *code, size_t size,
					     credit_uscc_detail *detail);

/* Computes the check character of a 17-character body into *out. Returns 0,
 * or SZ_EINVAL when a body character is outside the alphabet. */
int credit_uscc_check_character(const char body[CREDIT_USCC_BODY_SIZE], char *out);

#define CREDIT_ORG_CODE_BODY_SIZE 8u
/* Computes the GB 11714-1997 check character of an 8-character organization
 * code body (digits and upper-case A-Z) into *out ('0'-'9' or 'X'). Returns
 * 0, or SZ_EINVAL for a character outside those. */
int credit_org_code_check_character(const char body[CREDIT_ORG_CODE_BODY_SIZE], char *out);

/* Stable machine-readable name ("uscc_wrong_length") and a sentence for people. */
const char *credit_uscc_result_name(enum credit_uscc_result result);
const char *credit_uscc_result_text(enum credit_uscc_result result);

#endif
