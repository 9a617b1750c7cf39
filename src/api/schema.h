/*
 * schema.h — declarative request schemas and the one request codec.
 *
 * Owns: the description of a JSON request body as a table of fields (name,
 * type, required or optional, where the decoded value goes, bounds) and the
 * interpreter (codec_schema.c) that turns a body into a handler-specific C
 * struct or into the first problem. Every route with a JSON body names its
 * schema in its route entry; the router decodes the body with it before the
 * handler runs, so the handler reads a decoded, validated struct from r->in.
 * Never: apply business rules (existence, scope, balances) — only shape.
 *
 * Rules, stated once for every schema:
 *  - The body is one JSON object. A key that is not in the schema is
 *    refused: field_unknown "unknown field '<name>'". Keys are checked
 *    before any field, so an unknown key always wins.
 *  - Fields are decoded in table order; the FIRST failing field gives the
 *    problem code and detail, nothing after it is looked at.
 *  - A required field that is absent gives field_missing "'<name>' is
 *    required". An absent optional field leaves its bytes as the codec set
 *    them before decoding: zero, or `dflt` for integers and enums. JSON null
 *    is not absence: it is a value of the wrong type (invalid).
 *  - Strings are NOT trimmed: spaces are kept as sent. An EMPTY string is
 *    never a value: "" is refused with field_invalid for every string-typed
 *    field (strings, ids, amounts, dates, times, enums), required or
 *    optional; a client leaves the field out instead. A string with an
 *    embedded NUL is refused.
 *  - A wrong type or a value out of bounds gives the type's invalid code
 *    (id_invalid for ids, amount_invalid for amounts, field_invalid for the
 *    rest; `code` overrides it) with a detail naming the field.
 *  - In a list, the failing item's detail is prefixed "<name>[<index>]: ".
 *
 * Types and the C storage at `offset` (size is the storage width in bytes
 * where a type has a choice):
 *  API_T_ID        sz_id. Decimal or 0x-hex string, non-zero (codec.h).
 *  API_T_CURRENCY  uint32_t packed ISO 4217 code; three letters A-Z.
 *  API_T_AMOUNT    uint64_t minor units. Decimal string (codec.h: exact, no
 *                  sign, at most the currency's exponent of fraction
 *                  digits). The currency is the value of the sibling field
 *                  `currency_key` (an API_T_CURRENCY field listed EARLIER in
 *                  the table), or the fixed packed code `currency`. Bounds
 *                  umin/umax in minor units (umax 0 = UINT64_MAX).
 *  API_T_DECIMAL   struct api_decimal: an exact decimal string whose unit is
 *                  not known yet (e.g. an amount in the currency of a stored
 *                  record); at most `umax` fraction digits; negative only if
 *                  min < 0. Resolve with api_decimal_scale().
 *  API_T_ENUM      integer of `size` bytes (1, 2, 4): base + index of the
 *                  string in `names` (NULL-terminated).
 *  API_T_FLAGS     integer of `size` bytes: a JSON array of names from
 *                  `names`, each setting bit (1 << index); repeats allowed.
 *  API_T_DATE      int32_t days since 1970-01-01 (negative before):
 *                  "YYYY-MM-DD", a real Gregorian day, year 1000-9999;
 *                  bounds min/max in days when max != 0.
 *  API_T_TIME      uint64_t ns since 1970-01-01T00:00:00Z:
 *                  "YYYY-MM-DDTHH:MM:SSZ" (UTC, seconds, no fraction), from
 *                  1970 on; bounds umin/umax in ns when umax != 0.
 *  API_T_UINT      unsigned integer of `size` bytes (1, 2, 4, 8) in
 *                  [umin, umax] (umax 0 = the width's maximum). Form by flag:
 *                  JSON integer (default), decimal string only
 *                  (API_F_TEXT), or either (API_F_TEXT | API_F_NUMBER).
 *  API_T_INT       signed integer of `size` bytes in [min, max] (min = max = 0
 *                  means the width's range); JSON integer only.
 *  API_T_BOOL      bool; JSON true or false.
 *  API_T_STRING    char[size], NUL-terminated: 1 to size - 1 bytes (umin
 *                  raises the minimum length in bytes).
 *  API_T_LIST      struct api_list (items allocated, `size` = item stride,
 *                  umin..umax items): a JSON array of objects decoded by
 *                  `items` (offsets inside one item), or of scalars decoded
 *                  by `item` (one field whose offset is inside one item; its
 *                  name is used in details). api_schema_release frees it.
 *  API_T_OBJECT    a nested JSON object decoded by `items` into the `size`
 *                  bytes at offset (items->size); the same rules inside it
 *                  (its unknown keys refused, first failure). A failing
 *                  field's detail is prefixed "<name>: ". Absent: zeroes.
 */
#ifndef SZ_API_SCHEMA_H
#define SZ_API_SCHEMA_H

#include "szfin/szfin.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum api_type {
	API_T_ID = 1,
	API_T_CURRENCY,
	API_T_AMOUNT,
	API_T_DECIMAL,
	API_T_ENUM,
	API_T_FLAGS,
	API_T_DATE,
	API_T_TIME,
	API_T_UINT,
	API_T_INT,
	API_T_BOOL,
	API_T_STRING,
	API_T_LIST,
	API_T_OBJECT,
};

/* Field flags. */
#define API_F_REQUIRED 0x1u  /* absent -> field_missing */
#define API_F_TEXT 0x2u      /* integers: a decimal string is accepted */
#define API_F_NUMBER 0x4u    /* with API_F_TEXT: a JSON integer is accepted too */
#define API_F_PRESENT 0x8u   /* set the bool at present_offset when the field was given */

struct api_schema;

struct api_field {
	const char *name;
	enum api_type type;
	uint32_t flags;
	size_t offset;                    /* into the decoded struct (or list item) */
	size_t size;                      /* storage width, string buffer size or list item stride */
	int64_t min, max;                 /* signed bounds (INT, DATE, DECIMAL sign) */
	uint64_t umin, umax;              /* unsigned bounds (UINT, AMOUNT, TIME, STRING, LIST) */
	uint64_t dflt;                    /* absent optional integer or enum (cast to the width) */
	uint32_t base;                    /* ENUM: value of names[0] */
	const char *const *names;         /* ENUM, FLAGS: NULL-terminated */
	const char *currency_key;         /* AMOUNT: sibling currency field */
	uint32_t currency;                /* AMOUNT: fixed currency when no currency_key */
	const struct api_schema *items;   /* LIST of objects; OBJECT */
	const struct api_field *item;     /* LIST of scalars */
	size_t present_offset;            /* API_F_PRESENT: a bool */
	const char *code;                 /* problem code for an invalid value (default by type) */
	const char *invalid;              /* detail for an invalid value, one %s = the name (default by type) */
};

struct api_schema {
	const char *name;                 /* for docs and test output */
	const struct api_field *fields;
	uint32_t field_count;
	size_t size;                      /* sizeof the decoded struct (the router allocates r->in) */
};

/* An exact decimal: value = magnitude * 10^-scale, negated if negative. */
struct api_decimal {
	uint64_t magnitude;
	uint32_t scale;
	bool negative;
};

/* A decoded list: count items of the field's stride, calloc'ed. */
struct api_list {
	void *items;
	uint32_t count;
};

/* The first failure of a decode. */
struct api_decode_error {
	const char *code;
	char detail[256];
};

#define API_SCHEMA(n, fields_, type_) \
	{ (n), (fields_), (uint32_t)(sizeof(fields_) / sizeof((fields_)[0])), sizeof(type_) }

/* Decode object o by schema into out (schema->size bytes, zeroed here first).
 * Returns 0, or SZ_EINVAL with err filled (the first failing field) — out may
 * then hold lists to free with api_schema_release. SZ_ENOMEM if a list cannot
 * be allocated (err says so too). */
int api_schema_decode(const struct api_schema *schema, json_t *o, void *out, struct api_decode_error *err);

/* Free every list a decode allocated in out (safe on a zeroed or partly
 * decoded struct); out itself stays. */
void api_schema_release(const struct api_schema *schema, void *out);

/* d in units of 10^-exponent: SZ_ELIMIT if it has more fraction digits than
 * exponent or overflows uint64, SZ_EINVAL if negative. */
int api_decimal_scale(const struct api_decimal *d, uint32_t exponent, uint64_t *out);

/* Check a schema table once at start: offsets inside size, widths valid,
 * currency_key names an earlier currency field, lists have items. 0 or
 * SZ_EINVAL with why. */
int api_schema_check(const struct api_schema *schema, char *why, size_t why_size);

/* Parse query text in the API_T_TIME form (YYYY-MM-DDTHH:MM:SSZ, UTC, from
 * 1970 on) into ns since the epoch: 0, or non-zero when it is not one. */
int api_time_parse(const char *text, uint64_t *ns_out);

#endif
