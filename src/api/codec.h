/*
 * codec.h — exact text forms of amounts, ids and currencies for the API.
 *
 * Owns: the decimal amount string <-> minor units (uint64) conversion, the
 * 128-bit id string forms, tenant ids and ISO 4217 currency codes.
 *
 * Amounts: "1234.56" — ASCII digits, at most one '.', at most the currency's
 * exponent of digits after it (2 for most currencies, 0 for JPY/KRW); no sign,
 * no exponent, no spaces, no leading zeros ("0.5" is fine, "00.5" is not).
 * Fewer fraction digits than the exponent are accepted ("12.5" = 1250 fen);
 * the canonical output always carries exactly the exponent's digits.
 * Overflow of uint64 minor units is an error, checked before arithmetic.
 * Never: touch floating point.
 *
 * Ids: decimal (1 to 39 digits, value < 2^128, no leading zeros) or "0x"
 * followed by 1 to 32 hex digits (either case). Zero is rejected (never a
 * valid id). The canonical output is decimal.
 */
#ifndef SZ_API_CODEC_H
#define SZ_API_CODEC_H

#include "szfin/szfin.h"

#include <stddef.h>
#include <stdint.h>

/* Longest amount text: 20 digits of uint64, a point, NUL. */
#define SZ_AMOUNT_TEXT_SIZE 24u
/* Longest id text: 39 decimal digits, NUL (hex input is 34 chars). */
#define SZ_ID_TEXT_SIZE 40u

/* Decimal exponent of a packed currency code (2 unless listed as 0). */
uint32_t sz_currency_exponent(uint32_t currency);

/* Parse "CNY" (exactly three letters A-Z) into *out. 0 or SZ_EINVAL. */
int sz_currency_parse(const char *text, uint32_t *out);
/* Three letters and NUL. */
void sz_currency_format(uint32_t currency, char out[4]);

/* Parse an amount of size bytes (not NUL-terminated) for a currency with
 * exponent digits after the point. 0, SZ_EINVAL (bad form) or SZ_ELIMIT
 * (too many fraction digits or overflow). */
int sz_amount_parse(const char *text, size_t size, uint32_t exponent, uint64_t *out);
/* Canonical text of minor units; returns the length written (< SZ_AMOUNT_TEXT_SIZE). */
size_t sz_amount_format(uint64_t minor, uint32_t exponent, char out[SZ_AMOUNT_TEXT_SIZE]);

/* Parse an id (decimal or 0x-hex). zero_ok admits "0" (for optional refs).
 * 0 or SZ_EINVAL. */
int sz_id_parse(const char *text, size_t size, sz_id *out, int zero_ok);
size_t sz_id_format(sz_id id, char out[SZ_ID_TEXT_SIZE]);

/* Tenant ids are uint64 in decimal, 0 = none. 0 or SZ_EINVAL. */
int sz_u64_parse(const char *text, size_t size, uint64_t *out);

#endif
