/*
 * fixed.h — exact decimal and fixed-point arithmetic for the green domain.
 *
 * Owns: green_dec (a published decimal kept exactly as printed: an int64
 * and a power-of-ten scale), strict parsing of decimal text, checked 128-bit
 * products of decimals, and the one rounding rule of the domain: round half
 * away from zero, applied once, at the end of a computation, when an exact
 * rational is turned into an integer of the result unit (grams, 1e-4 t,
 * basis points, fen). Formatting helpers print fixed-point integers.
 * Never: use float or double; round an intermediate; wrap on overflow (every
 * multiply and add is checked, overflow is SZ_ELIMIT).
 *
 * Units used across src/green (suffix last, as everywhere in szfin):
 *   _g            grams of CO2e (int64; 9.2 * 10^12 t range)
 *   _t_e2, _t_e4  tonnes with 2 or 4 implied decimals (display precision)
 *   _mwh_milli    kWh; _gj_milli MJ; _micro millionths of a fuel's unit
 *   _fen          money in fen; _bp basis points; _bp4 1e-4 basis points
 *                 (1 bp = 10,000 bp4; 3.00% = 300 bp = 3,000,000 bp4)
 *   _ppm          parts per million (attribution factors)
 *   _milli, _centi  dimensionless ratios with 3 or 2 implied decimals
 */
#ifndef SZ_GREEN_FIXED_H
#define SZ_GREEN_FIXED_H

#include <stddef.h>
#include <stdint.h>

/* 128-bit intermediates: exact products of up to four published decimals. */
__extension__ typedef __int128 green_i128;

/* value * 10^-scale, exactly as published ("0.5306" = {5306, 4}).
 * 16 bytes, no padding: part of log records. */
typedef struct green_dec {
	int64_t value;
	int32_t scale;  /* 0 ... GREEN_DECIMAL_SCALE_MAX */
	int32_t reserved; /* zero */
} green_dec;
_Static_assert(sizeof(green_dec) == 16, "green_dec is 16 bytes, no padding");

/* An exact rational num / den (den > 0) built by checked products. */
typedef struct green_ratio {
	green_i128 num;
	green_i128 den;
} green_ratio;

/*
 * Parses decimal text of size bytes: "-"? digits ("." digits)?, at most 18
 * significant digits and GREEN_DECIMAL_SCALE_MAX decimals, no sign '+', no
 * exponent, no spaces, no leading zeros ("0.5" yes, "00.5" and "05" no).
 * Returns 0 or SZ_EINVAL (out untouched).
 */
int green_dec_parse(const char *text, size_t size, green_dec *out);

/* 10^exponent for 0 <= exponent <= 36. */
green_i128 green_pow10(uint32_t exponent);

/* ratio = value / 1. */
green_ratio green_ratio_int(int64_t value);
/* ratio *= factor (a decimal: numerator by value, denominator by 10^scale). */
int green_ratio_mul_dec(green_ratio *ratio, green_dec factor);
/* ratio *= num / den, den > 0. */
int green_ratio_mul(green_ratio *ratio, int64_t num, int64_t den);
/* a += b (exact, common denominator), checked. */
int green_ratio_add(green_ratio *a, const green_ratio *b);
/* Rounds num/den half away from zero into an int64 (SZ_ELIMIT if it does not fit). */
int green_ratio_round(const green_ratio *ratio, int64_t *out);

/* round(num / den) half away from zero, den > 0; SZ_ELIMIT if out of int64. */
int green_div_round(green_i128 num, green_i128 den, int64_t *out);

/* Checked int64 helpers: 0 or SZ_ELIMIT. */
int green_add(int64_t a, int64_t b, int64_t *out);
int green_sub(int64_t a, int64_t b, int64_t *out);

/* Grams to tonnes with 2 decimals (404,200,000 g -> 40420 = "404.20"),
 * rounded half away from zero. */
int64_t green_g_to_t_e2(int64_t emissions_g);

/*
 * Writes value with `decimals` implied decimals ("-4.83" for -483, 2) into
 * buf of size bytes, NUL-terminated. Returns 0 or SZ_ELIMIT if buf is short.
 */
int green_format_fixed(char *buf, size_t size, int64_t value, uint32_t decimals);

/* Writes a green_dec exactly as published ("0.5306"). */
int green_format_dec(char *buf, size_t size, green_dec value);

/* 64-bit FNV-1a, continuing from `hash` (start with GREEN_FNV_OFFSET):
 * the content digest of data files, stable across platforms. */
#define GREEN_FNV_OFFSET 0xcbf29ce484222325ull
uint64_t green_fnv1a(uint64_t hash, const void *data, size_t size);

#endif
