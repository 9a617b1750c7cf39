/*
 * codec_schema.c — the one request codec: interprets a struct api_schema
 * (schema.h) over a parsed JSON object and writes a handler's decoded
 * struct, or the first problem.
 *
 * Owns: the type rules listed in schema.h (forms, bounds, the empty-string
 * rule, unknown-field rejection, first-failure order, list item prefixes).
 * Text forms of ids, amounts and currencies come from codec.h; this file
 * adds dates, times, enums, flags, integers, booleans, strings and lists.
 * Never: allocate except for lists (freed by api_schema_release), or round.
 */
#include "api/schema.h"
#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deepest list-in-list nesting a schema may declare (bounded recursion). */
#define SCHEMA_DEPTH_MAX 4u

static int fail(struct api_decode_error *err, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct api_decode_error *err, const char *code, const char *fmt, ...)
{
	SZ_ASSERT(code != NULL);
	err->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof err->detail, fmt, ap);
	va_end(ap);
	return SZ_EINVAL;
}

static const char *invalid_code(const struct api_field *f)
{
	if (f->code != NULL)
		return f->code;
	if (f->type == API_T_ID)
		return "id_invalid";
	if (f->type == API_T_AMOUNT || f->type == API_T_DECIMAL)
		return "amount_invalid";
	return "field_invalid";
}

/* The invalid problem: the field's own detail, else the type's text. */
static int invalid(struct api_decode_error *err, const struct api_field *f, const char *type_text)
{
	if (f->invalid != NULL) {
		err->code = invalid_code(f);
		snprintf(err->detail, sizeof err->detail, f->invalid, f->name);
		return SZ_EINVAL;
	}
	return fail(err, invalid_code(f), "'%s' %s", f->name, type_text);
}

/* A non-empty string without NUL, or NULL (the caller answers invalid). */
static const char *text_of(json_t *v, size_t *size)
{
	if (!json_is_string(v))
		return NULL;
	const char *t = json_string_value(v);
	*size = json_string_length(v);
	if (*size == 0 || strlen(t) != *size)
		return NULL;
	return t;
}

static void store_uint(void *p, size_t size, uint64_t v)
{
	switch (size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	default: SZ_ASSERT(size == 8); *(uint64_t *)p = v; break;
	}
}

static void store_int(void *p, size_t size, int64_t v)
{
	switch (size) {
	case 1: *(int8_t *)p = (int8_t)v; break;
	case 2: *(int16_t *)p = (int16_t)v; break;
	case 4: *(int32_t *)p = (int32_t)v; break;
	default: SZ_ASSERT(size == 8); *(int64_t *)p = v; break;
	}
}

static uint64_t width_max(size_t size)
{
	SZ_ASSERT(size == 1 || size == 2 || size == 4 || size == 8);
	return size == 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;
}

/* ---- dates and times ------------------------------------------------------ */

static bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), by whole years and
 * months: the loop is bounded by the year range 1000-9999. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	static const int64_t before_month[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	SZ_ASSERT(m >= 1 && m <= 12);
	/* days before 1 January of year y, counted from 1 January 1970 */
	int64_t y1 = y - 1;
	int64_t days = 365 * (y - 1970) + (y1 / 4 - y1 / 100 + y1 / 400) - (1969 / 4 - 1969 / 100 + 1969 / 400);
	days += before_month[m - 1] + (m > 2 && leap(y)) + (d - 1);
	return days;
}

static bool digits(const char *t, size_t n, int64_t *out)
{
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			return false;
		v = v * 10 + (t[i] - '0');
	}
	*out = v;
	return true;
}

/* "YYYY-MM-DD" at t (10 bytes) -> days; false if not a real day. */
static bool parse_date(const char *t, int64_t *days)
{
	static const int64_t month_days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t y, m, d;
	if (t[4] != '-' || t[7] != '-' || !digits(t, 4, &y) || !digits(t + 5, 2, &m) || !digits(t + 8, 2, &d))
		return false;
	if (y < 1000 || m < 1 || m > 12 || d < 1)
		return false;
	if (d > month_days[m - 1] + (m == 2 && leap(y)))
		return false;
	*days = days_from_civil(y, m, d);
	return true;
}

static int dec_date(const struct api_field *f, json_t *v, void *p, struct api_decode_error *err)
{
	size_t n;
	const char *t = text_of(v, &n);
	int64_t days;
	if (t == NULL || n != 10 || !parse_date(t, &days))
		return invalid(err, f, "must be a date YYYY-MM-DD");
	if (f->max != 0 && (days < f->min || days > f->max))
		return invalid(err, f, "is outside the dates this field accepts");
	*(int32_t *)p = (int32_t)days;
	return 0;
}

static int dec_time(const struct api_field *f, json_t *v, void *p, struct api_decode_error *err)
{
	size_t n;
	const char *t = text_of(v, &n);
	int64_t days, hh, mm, ss;
	if (t == NULL || n != 20 || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z' ||
	    !parse_date(t, &days) || !digits(t + 11, 2, &hh) || !digits(t + 14, 2, &mm) ||
	    !digits(t + 17, 2, &ss) || hh > 23 || mm > 59 || ss > 59 || days < 0)
		return invalid(err, f, "must be a UTC time YYYY-MM-DDTHH:MM:SSZ from 1970 on");
	uint64_t ns = ((uint64_t)days * 86400u + (uint64_t)(hh * 3600 + mm * 60 + ss)) * 1000000000ull;
	if (f->umax != 0 && (ns < f->umin || ns > f->umax))
		return invalid(err, f, "is outside the times this field accepts");
	*(uint64_t *)p = ns;
	return 0;
}

/* A time in the same form as an API_T_TIME field, from query text. */
int api_time_parse(const char *text, uint64_t *ns_out)
{
	SZ_ASSERT(text != NULL && ns_out != NULL);
	static const struct api_field any_time = { .name = "time", .type = API_T_TIME };
	json_t *v = json_string(text);
	struct api_decode_error err;
	int rc = v != NULL ? dec_time(&any_time, v, ns_out, &err) : -1;
	json_decref(v);
	return rc;
}

/* ---- numbers ---------------------------------------------------------------- */

static int dec_uint(const struct api_field *f, json_t *v, void *p, struct api_decode_error *err)
{
	uint64_t max = f->umax ? f->umax : width_max(f->size);
	bool text_ok = (f->flags & API_F_TEXT) != 0;
	bool number_ok = !text_ok || (f->flags & API_F_NUMBER) != 0;
	uint64_t x = 0;
	size_t n;
	const char *t;
	if (number_ok && json_is_integer(v) && json_integer_value(v) >= 0)
		x = (uint64_t)json_integer_value(v);
	else if (!text_ok || (t = text_of(v, &n)) == NULL || sz_u64_parse(t, n, &x))
		return invalid(err, f, text_ok && !number_ok ? "must be a decimal string of a 64-bit number"
							     : "must be a non-negative integer");
	if (x < f->umin || x > max) {
		if (f->invalid != NULL)
			return invalid(err, f, "");
		return fail(err, invalid_code(f), "'%s' must be an integer from %llu to %llu", f->name,
			    (unsigned long long)f->umin, (unsigned long long)max);
	}
	store_uint(p, f->size, x);
	return 0;
}

static int dec_int(const struct api_field *f, json_t *v, void *p, struct api_decode_error *err)
{
	int64_t min = f->min, max = f->max;
	if (min == 0 && max == 0) {
		max = (int64_t)(width_max(f->size) >> 1);
		min = -max - 1;
	}
	if (!json_is_integer(v))
		return invalid(err, f, "must be an integer");
	int64_t x = json_integer_value(v);
	if (x < min || x > max) {
		if (f->invalid != NULL)
			return invalid(err, f, "");
		return fail(err, invalid_code(f), "'%s' must be an integer from %lld to %lld", f->name, (long long)min,
			    (long long)max);
	}
	store_int(p, f->size, x);
	return 0;
}

/* Exact decimal text: [-]digits[.digits], no leading zeros, at most
 * max_scale fraction digits, magnitude < 2^64. */
static bool parse_decimal(const char *t, size_t n, bool negative_ok, uint32_t max_scale, struct api_decimal *d)
{
	size_t i = 0;
	memset(d, 0, sizeof *d);
	if (negative_ok && n > 1 && t[0] == '-') {
		d->negative = true;
		i = 1;
	}
	size_t int_start = i;
	bool point = false;
	for (; i < n; i++) {
		if (t[i] == '.' && !point && i > int_start && i + 1 < n) {
			point = true;
			continue;
		}
		if (t[i] < '0' || t[i] > '9')
			return false;
		if (i == int_start + 1 && t[int_start] == '0' && !point)
			return false; /* leading zero */
		if (point && ++d->scale > max_scale)
			return false;
		if (__builtin_mul_overflow(d->magnitude, 10u, &d->magnitude) ||
		    __builtin_add_overflow(d->magnitude, (uint64_t)(t[i] - '0'), &d->magnitude))
			return false;
	}
	return i > int_start;
}

static int dec_decimal(const struct api_field *f, json_t *v, void *p, struct api_decode_error *err)
{
	size_t n;
	const char *t = text_of(v, &n);
	struct api_decimal d;
	if (t == NULL || !parse_decimal(t, n, f->min < 0, (uint32_t)f->umax, &d)) {
		if (f->invalid != NULL)
			return invalid(err, f, "");
		return fail(err, invalid_code(f), "'%s' must be a decimal string with at most %u digits after the point",
			    f->name, (unsigned)f->umax);
	}
	memcpy(p, &d, sizeof d);
	return 0;
}

int api_decimal_scale(const struct api_decimal *d, uint32_t exponent, uint64_t *out)
{
	SZ_ASSERT(d != NULL && out != NULL);
	if (d->negative && d->magnitude != 0)
		return SZ_EINVAL;
	if (d->scale > exponent)
		return SZ_ELIMIT;
	uint64_t v = d->magnitude;
	for (uint32_t i = d->scale; i < exponent; i++)
		if (__builtin_mul_overflow(v, 10u, &v))
			return SZ_ELIMIT;
	*out = v;
	return 0;
}

/* ---- ids, currencies, amounts --------------------------------------------- */

static int dec_id(const struct api_field *f, json_t *v, void *p, struct api_decode_error *err)
{
	if (!json_is_string(v))
		return invalid(err, f, "must be a string (decimal or 0x-hex 128-bit id)");
	size_t n;
	const char *t = text_of(v, &n);
	if (t == NULL || sz_id_parse(t, n, (sz_id *)p, 0))
		return invalid(err, f, "is not a non-zero 128-bit id (decimal or 0x + hex)");
	return 0;
}

static int dec_currency(const struct api_field *f, json_t *v, void *p, struct api_decode_error *err)
{
	size_t n;
	const char *t = text_of(v, &n);
	if (t == NULL || sz_currency_parse(t, (uint32_t *)p))
		return invalid(err, f, "must be three letters A-Z, e.g. \"CNY\"");
	return 0;
}

/* The currency of an amount field: its sibling's decoded value or fixed. */
static uint32_t amount_currency(const struct api_schema *s, const struct api_field *f, const void *out)
{
	if (f->currency_key == NULL)
		return f->currency;
	for (uint32_t i = 0; i < s->field_count; i++)
		if (strcmp(s->fields[i].name, f->currency_key) == 0) {
			uint32_t c;
			memcpy(&c, (const uint8_t *)out + s->fields[i].offset, sizeof c);
			return c;
		}
	SZ_ASSERT(false && "api_schema_check proves currency_key names a field");
	return 0;
}

static int dec_amount(const struct api_field *f, uint32_t currency, json_t *v, void *p,
		      struct api_decode_error *err)
{
	uint32_t exponent = sz_currency_exponent(currency);
	size_t n;
	const char *t = text_of(v, &n);
	uint64_t x;
	if (t == NULL || sz_amount_parse(t, n, exponent, &x)) {
		if (f->invalid != NULL)
			return invalid(err, f, "");
		return fail(err, invalid_code(f),
			    "'%s' must be a decimal string with at most %u digits after the point, e.g. \"12.34\"",
			    f->name, exponent);
	}
	uint64_t max = f->umax ? f->umax : UINT64_MAX;
	if (x < f->umin || x > max) {
		char lo[SZ_AMOUNT_TEXT_SIZE], hi[SZ_AMOUNT_TEXT_SIZE];
		sz_amount_format(f->umin, exponent, lo);
		sz_amount_format(max, exponent, hi);
		return fail(err, invalid_code(f), "'%s' must be from %s to %s", f->name, lo, hi);
	}
	*(uint64_t *)p = x;
	return 0;
}

/* ---- enums, flags, booleans, strings -------------------------------------- */

/* "'name' must be one of a, b, c" into err. */
static int names_invalid(struct api_decode_error *err, const struct api_field *f, const char *what)
{
	if (f->invalid != NULL)
		return invalid(err, f, "");
	err->code = invalid_code(f);
	int used = snprintf(err->detail, sizeof err->detail, "'%s' %s", f->name, what);
	for (uint32_t i = 0; f->names[i] != NULL && used > 0 && (size_t)used < sizeof err->detail; i++)
		used += snprintf(err->detail + used, sizeof err->detail - (size_t)used, "%s%s", i ? ", " : "", f->names[i]);
	return SZ_EINVAL;
}

static int64_t name_index(const struct api_field *f, json_t *v)
{
	size_t n;
	const char *t = text_of(v, &n);
	for (uint32_t i = 0; t != NULL && f->names[i] != NULL; i++)
		if (strcmp(f->names[i], t) == 0)
			return i;
	return -1;
}

static int dec_enum(const struct api_field *f, json_t *v, void *p, struct api_decode_error *err)
{
	int64_t i = name_index(f, v);
	if (i < 0)
		return names_invalid(err, f, "must be one of ");
	store_uint(p, f->size, f->base + (uint64_t)i);
	return 0;
}

static int dec_flags(const struct api_field *f, json_t *v, void *p, struct api_decode_error *err)
{
	if (!json_is_array(v))
		return names_invalid(err, f, "must be an array of names: ");
	uint64_t bits = 0;
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item) {
		int64_t bit = name_index(f, item);
		if (bit < 0)
			return fail(err, invalid_code(f), "%s[%zu] is not a known flag name", f->name, i);
		bits |= 1ull << bit;
	}
	store_uint(p, f->size, bits);
	return 0;
}

static int dec_string(const struct api_field *f, json_t *v, void *p, struct api_decode_error *err)
{
	size_t n = 0;
	const char *t = text_of(v, &n);
	size_t min = f->umin ? (size_t)f->umin : 1;
	if (t == NULL || n < min || n >= f->size) {
		if (f->invalid != NULL)
			return invalid(err, f, "");
		return fail(err, invalid_code(f), "'%s' must be a string of %zu to %zu bytes", f->name, min, f->size - 1);
	}
	memcpy(p, t, n);
	((char *)p)[n] = '\0';
	return 0;
}

/* ---- objects and lists ------------------------------------------------------ */

static int decode_object(const struct api_schema *s, json_t *o, void *out, struct api_decode_error *err,
			 uint32_t depth);

static int dec_scalar(const struct api_schema *s, const struct api_field *f, json_t *v, void *out,
		      struct api_decode_error *err, uint32_t depth);

/* Prefix err's detail with "name[index]: ". */
static int item_failed(struct api_decode_error *err, const char *name, size_t index)
{
	char inner[sizeof err->detail];
	memcpy(inner, err->detail, sizeof inner);
	snprintf(err->detail, sizeof err->detail, "%s[%zu]: %s", name, index, inner);
	return SZ_EINVAL;
}

static int dec_list(const struct api_field *f, json_t *v, void *p, struct api_decode_error *err, uint32_t depth)
{
	struct api_list *list = p;
	if (!json_is_array(v))
		return invalid(err, f, "must be an array");
	size_t count = json_array_size(v);
	if (count < f->umin || count > f->umax) {
		if (f->invalid != NULL)
			return invalid(err, f, "");
		return fail(err, invalid_code(f), "'%s' must have %llu to %llu items", f->name,
			    (unsigned long long)f->umin, (unsigned long long)f->umax);
	}
	if (count == 0)
		return 0;
	list->items = calloc(count, f->size);
	if (list->items == NULL)
		return fail(err, "internal", "no memory for '%s'", f->name);
	list->count = (uint32_t)count;
	for (size_t i = 0; i < count; i++) {
		uint8_t *item = (uint8_t *)list->items + i * f->size;
		json_t *e = json_array_get(v, i);
		int rc;
		if (f->items != NULL) {
			if (!json_is_object(e))
				rc = fail(err, "field_invalid", "an item must be a JSON object");
			else
				rc = decode_object(f->items, e, item, err, depth + 1);
		} else {
			rc = dec_scalar(NULL, f->item, e, item, err, depth + 1);
		}
		if (rc)
			return item_failed(err, f->name, i);
	}
	return 0;
}

/* A nested object by f->items into the bytes at p; its failures are
 * prefixed "name: ". */
static int dec_object(const struct api_field *f, json_t *v, void *p, struct api_decode_error *err, uint32_t depth)
{
	SZ_ASSERT(f->items != NULL);
	if (!json_is_object(v))
		return invalid(err, f, "must be a JSON object");
	if (decode_object(f->items, v, p, err, depth + 1) == 0)
		return 0;
	char inner[sizeof err->detail];
	memcpy(inner, err->detail, sizeof inner);
	snprintf(err->detail, sizeof err->detail, "%s: %s", f->name, inner);
	return SZ_EINVAL;
}

static int dec_scalar(const struct api_schema *s, const struct api_field *f, json_t *v, void *out,
		      struct api_decode_error *err, uint32_t depth)
{
	void *p = (uint8_t *)out + f->offset;
	switch (f->type) {
	case API_T_ID: return dec_id(f, v, p, err);
	case API_T_CURRENCY: return dec_currency(f, v, p, err);
	case API_T_AMOUNT: return dec_amount(f, s ? amount_currency(s, f, out) : f->currency, v, p, err);
	case API_T_DECIMAL: return dec_decimal(f, v, p, err);
	case API_T_ENUM: return dec_enum(f, v, p, err);
	case API_T_FLAGS: return dec_flags(f, v, p, err);
	case API_T_DATE: return dec_date(f, v, p, err);
	case API_T_TIME: return dec_time(f, v, p, err);
	case API_T_UINT: return dec_uint(f, v, p, err);
	case API_T_INT: return dec_int(f, v, p, err);
	case API_T_BOOL:
		if (!json_is_boolean(v))
			return invalid(err, f, "must be true or false");
		*(bool *)p = json_is_true(v);
		return 0;
	case API_T_STRING: return dec_string(f, v, p, err);
	case API_T_LIST: return dec_list(f, v, p, err, depth);
	case API_T_OBJECT: return dec_object(f, v, p, err, depth);
	}
	SZ_ASSERT(false && "unknown field type");
	return SZ_EINVAL;
}

static void set_defaults(const struct api_schema *s, void *out)
{
	for (uint32_t i = 0; i < s->field_count; i++) {
		const struct api_field *f = &s->fields[i];
		if (f->dflt != 0 && (f->type == API_T_UINT || f->type == API_T_ENUM || f->type == API_T_INT))
			store_uint((uint8_t *)out + f->offset, f->size, f->dflt);
	}
}

static int decode_object(const struct api_schema *s, json_t *o, void *out, struct api_decode_error *err,
			 uint32_t depth)
{
	SZ_ASSERT(json_is_object(o));
	SZ_ASSERT(depth <= SCHEMA_DEPTH_MAX);
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		bool known = false;
		for (uint32_t i = 0; i < s->field_count && !known; i++)
			known = strcmp(s->fields[i].name, key) == 0;
		if (!known)
			return fail(err, "field_unknown", "unknown field '%s'", key);
	}
	set_defaults(s, out);
	for (uint32_t i = 0; i < s->field_count; i++) {
		const struct api_field *f = &s->fields[i];
		v = json_object_get(o, f->name);
		if (v == NULL) {
			if (f->flags & API_F_REQUIRED)
				return fail(err, "field_missing", "'%s' is required", f->name);
			continue;
		}
		int rc = dec_scalar(s, f, v, out, err, depth);
		if (rc)
			return rc;
		if (f->flags & API_F_PRESENT)
			*(bool *)((uint8_t *)out + f->present_offset) = true;
	}
	return 0;
}

int api_schema_decode(const struct api_schema *schema, json_t *o, void *out, struct api_decode_error *err)
{
	SZ_ASSERT(schema != NULL && out != NULL && err != NULL);
	memset(out, 0, schema->size);
	err->code = NULL;
	err->detail[0] = '\0';
	if (!json_is_object(o))
		return fail(err, "invalid_json", "the body must be a JSON object");
	int rc = decode_object(schema, o, out, err, 0);
	SZ_ASSERT(rc == 0 || err->code != NULL);
	return rc;
}

static void release_items(const struct api_schema *s, void *out, uint32_t depth)
{
	SZ_ASSERT(depth <= SCHEMA_DEPTH_MAX);
	for (uint32_t i = 0; i < s->field_count; i++) {
		const struct api_field *f = &s->fields[i];
		if (f->type == API_T_OBJECT) {
			release_items(f->items, (uint8_t *)out + f->offset, depth + 1);
			continue;
		}
		if (f->type != API_T_LIST)
			continue;
		struct api_list *list = (struct api_list *)((uint8_t *)out + f->offset);
		for (uint32_t k = 0; f->items != NULL && list->items != NULL && k < list->count; k++)
			release_items(f->items, (uint8_t *)list->items + (size_t)k * f->size, depth + 1);
		free(list->items);
		list->items = NULL;
		list->count = 0;
	}
}

void api_schema_release(const struct api_schema *schema, void *out)
{
	SZ_ASSERT(schema != NULL);
	if (out != NULL)
		release_items(schema, out, 0);
}

/* ---- checking a table ------------------------------------------------------- */

static int check_schema(const struct api_schema *schema, char *why, size_t why_size, uint32_t depth);

static int check_width(const struct api_field *f, char *why, size_t why_size)
{
	static const size_t need[] = {
		[API_T_ID] = sizeof(sz_id), [API_T_CURRENCY] = sizeof(uint32_t), [API_T_AMOUNT] = sizeof(uint64_t),
		[API_T_DECIMAL] = sizeof(struct api_decimal), [API_T_DATE] = sizeof(int32_t),
		[API_T_TIME] = sizeof(uint64_t), [API_T_BOOL] = sizeof(bool),
	};
	size_t want = (size_t)f->type < sizeof need / sizeof need[0] ? need[f->type] : 0;
	bool ok;
	if (f->type == API_T_UINT || f->type == API_T_INT || f->type == API_T_ENUM || f->type == API_T_FLAGS)
		ok = f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8;
	else if (f->type == API_T_STRING)
		ok = f->size >= 2;
	else if (f->type == API_T_LIST)
		ok = f->size > 0 && f->umax > 0 && f->umax <= UINT32_MAX && (f->items != NULL) != (f->item != NULL);
	else if (f->type == API_T_OBJECT)
		ok = f->items != NULL && f->item == NULL && f->size == f->items->size;
	else
		ok = want != 0 && (f->size == 0 || f->size == want);
	if (!ok)
		snprintf(why, why_size, "field '%s': bad size, type or list item", f->name);
	return ok ? 0 : SZ_EINVAL;
}

/* Bytes the field occupies at its offset. */
static size_t field_bytes(const struct api_field *f)
{
	switch (f->type) {
	case API_T_ID: return sizeof(sz_id);
	case API_T_CURRENCY: return sizeof(uint32_t);
	case API_T_AMOUNT: case API_T_TIME: return sizeof(uint64_t);
	case API_T_DECIMAL: return sizeof(struct api_decimal);
	case API_T_DATE: return sizeof(int32_t);
	case API_T_BOOL: return sizeof(bool);
	case API_T_LIST: return sizeof(struct api_list);
	default: return f->size; /* OBJECT: its schema's struct */
	}
}

static int check_field(const struct api_schema *s, uint32_t index, char *why, size_t why_size, uint32_t depth)
{
	const struct api_field *f = &s->fields[index];
	if (f->name == NULL || f->name[0] == '\0') {
		snprintf(why, why_size, "schema %s: field %u has no name", s->name, index);
		return SZ_EINVAL;
	}
	if (check_width(f, why, why_size))
		return SZ_EINVAL;
	if (f->offset + field_bytes(f) > s->size || ((f->flags & API_F_PRESENT) && f->present_offset >= s->size)) {
		snprintf(why, why_size, "field '%s' lies outside its struct", f->name);
		return SZ_EINVAL;
	}
	if ((f->type == API_T_ENUM || f->type == API_T_FLAGS) && (f->names == NULL || f->names[0] == NULL)) {
		snprintf(why, why_size, "field '%s' has no names", f->name);
		return SZ_EINVAL;
	}
	if (f->type == API_T_AMOUNT && f->currency_key != NULL) {
		bool earlier = false;
		for (uint32_t i = 0; i < index; i++)
			earlier = earlier || (strcmp(s->fields[i].name, f->currency_key) == 0 &&
					      s->fields[i].type == API_T_CURRENCY);
		if (!earlier) {
			snprintf(why, why_size, "amount '%s': currency '%s' is not an earlier field", f->name, f->currency_key);
			return SZ_EINVAL;
		}
	}
	if ((f->type == API_T_LIST || f->type == API_T_OBJECT) && f->items != NULL) {
		if (depth >= SCHEMA_DEPTH_MAX) {
			snprintf(why, why_size, "'%s' nests lists or objects deeper than %u", f->name, SCHEMA_DEPTH_MAX);
			return SZ_EINVAL;
		}
		return check_schema(f->items, why, why_size, depth + 1);
	}
	return 0;
}

static int check_schema(const struct api_schema *schema, char *why, size_t why_size, uint32_t depth)
{
	SZ_ASSERT(schema != NULL && why != NULL);
	for (uint32_t i = 0; i < schema->field_count; i++) {
		int rc = check_field(schema, i, why, why_size, depth);
		if (rc)
			return rc;
		for (uint32_t k = 0; k < i; k++)
			if (strcmp(schema->fields[k].name, schema->fields[i].name) == 0) {
				snprintf(why, why_size, "schema %s: field '%s' twice", schema->name, schema->fields[i].name);
				return SZ_EINVAL;
			}
	}
	return 0;
}

int api_schema_check(const struct api_schema *schema, char *why, size_t why_size)
{
	return check_schema(schema, why, why_size, 0);
}
