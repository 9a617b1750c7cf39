/* test_api_schema.c — the one request codec (src/api/schema.h,
 * src/api/codec_schema.c): every field type on both sides of every bound,
 * the empty-string rule, unknown fields, first-failure order, lists of
 * scalars and of objects, and the table checks. Expected values are worked
 * out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "api/codec.h"
#include "api/schema.h"
#include "core/errors.h"

struct item {
	sz_id id;
	uint32_t qty;
};

struct in {
	sz_id id;
	uint32_t currency;
	uint64_t amount_minor;
	uint64_t fee_fen;
	struct api_decimal rate;
	uint16_t kind;
	uint16_t flags;
	int32_t day;
	uint64_t at_ns;
	uint64_t window_ns;
	char code[5];
	uint8_t small;
	uint64_t tenant_id;
	uint64_t either;
	int16_t delta;
	bool pending;
	bool pending_given;
	char name[9];
	struct api_list tags;
	struct api_list items;
};

static const char *const kind_names[] = { "general", "reserve", "wallet", NULL };
static const char *const flag_names[] = { "a", "b", "c", NULL };

static const struct api_field tag_field = {
	.name = "tags", .type = API_T_STRING, .size = 5,
};

static const struct api_field item_fields[] = {
	{ .name = "id", .type = API_T_ID, .flags = API_F_REQUIRED, .offset = offsetof(struct item, id) },
	{ .name = "qty", .type = API_T_UINT, .offset = offsetof(struct item, qty), .size = 4, .umin = 1, .umax = 9 },
};
static const struct api_schema item_schema = API_SCHEMA("item", item_fields, struct item);

static const struct api_field fields[] = {
	{ .name = "id", .type = API_T_ID, .flags = API_F_REQUIRED, .offset = offsetof(struct in, id) },
	{ .name = "currency", .type = API_T_CURRENCY, .offset = offsetof(struct in, currency) },
	{ .name = "amount", .type = API_T_AMOUNT, .offset = offsetof(struct in, amount_minor),
	  .currency_key = "currency", .umax = 1000000 },
	{ .name = "fee", .type = API_T_AMOUNT, .offset = offsetof(struct in, fee_fen), .currency = 0x434e59 /* unused */,
	  .umin = 1 },
	{ .name = "rate", .type = API_T_DECIMAL, .offset = offsetof(struct in, rate), .umax = 4, .min = -1 },
	{ .name = "kind", .type = API_T_ENUM, .offset = offsetof(struct in, kind), .size = 2, .names = kind_names,
	  .base = 10, .dflt = 11 },
	{ .name = "flags", .type = API_T_FLAGS, .offset = offsetof(struct in, flags), .size = 2, .names = flag_names },
	{ .name = "day", .type = API_T_DATE, .offset = offsetof(struct in, day), .min = 0, .max = 2932896 },
	{ .name = "at", .type = API_T_TIME, .offset = offsetof(struct in, at_ns) },
	/* 2000-01-01T00:00:00Z = 10957 days = 946684800 s; 2000-01-02T00:00:00Z = 946771200 s */
	{ .name = "window", .type = API_T_TIME, .offset = offsetof(struct in, window_ns),
	  .umin = 946684800000000000ull, .umax = 946771200000000000ull },
	{ .name = "code", .type = API_T_STRING, .offset = offsetof(struct in, code), .size = 5, .umin = 3 },
	{ .name = "small", .type = API_T_UINT, .offset = offsetof(struct in, small), .size = 1, .umin = 2 },
	{ .name = "tenant_id", .type = API_T_UINT, .flags = API_F_TEXT, .offset = offsetof(struct in, tenant_id),
	  .size = 8 },
	{ .name = "either", .type = API_T_UINT, .flags = API_F_TEXT | API_F_NUMBER, .offset = offsetof(struct in, either),
	  .size = 8, .umax = 500 },
	{ .name = "delta", .type = API_T_INT, .offset = offsetof(struct in, delta), .size = 2, .min = -5, .max = 5 },
	{ .name = "pending", .type = API_T_BOOL, .flags = API_F_PRESENT, .offset = offsetof(struct in, pending),
	  .present_offset = offsetof(struct in, pending_given) },
	{ .name = "name", .type = API_T_STRING, .offset = offsetof(struct in, name), .size = 9 },
	{ .name = "tags", .type = API_T_LIST, .offset = offsetof(struct in, tags), .size = 5, .umax = 3,
	  .item = &tag_field },
	{ .name = "items", .type = API_T_LIST, .offset = offsetof(struct in, items), .size = sizeof(struct item),
	  .umin = 1, .umax = 2, .items = &item_schema },
};
static const struct api_schema schema = API_SCHEMA("test", fields, struct in);

static struct in in;
static struct api_decode_error err;

/* Decode text (with "id":"1" added in front) by the schema. */
static int dec(const char *body)
{
	char text[1024];
	snprintf(text, sizeof text, "{\"id\":\"1\"%s%s}", body[0] ? "," : "", body);
	json_error_t je;
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	assert_non_null(o);
	api_schema_release(&schema, &in);
	int rc = api_schema_decode(&schema, o, &in, &err);
	json_decref(o);
	return rc;
}

#define OK(body) assert_int_equal(dec(body), 0)
#define BAD(body, c) do { assert_int_equal(dec(body), SZ_EINVAL); assert_string_equal(err.code, (c)); } while (0)

static void test_table_is_valid(void **unused)
{
	(void)unused;
	char why[128] = "";
	assert_int_equal(api_schema_check(&schema, why, sizeof why), 0);
	/* an amount whose currency field comes later is refused */
	static const struct api_field late[] = {
		{ .name = "amount", .type = API_T_AMOUNT, .offset = 8, .currency_key = "currency" },
		{ .name = "currency", .type = API_T_CURRENCY, .offset = 0 },
	};
	static const struct api_schema bad = { "late", late, 2, 16 };
	assert_int_equal(api_schema_check(&bad, why, sizeof why), SZ_EINVAL);
	/* a field past the end of its struct is refused */
	static const struct api_field past[] = { { .name = "id", .type = API_T_ID, .offset = 8 } };
	static const struct api_schema bad2 = { "past", past, 1, 16 };
	assert_int_equal(api_schema_check(&bad2, why, sizeof why), SZ_EINVAL);
}

static void test_required_unknown_order(void **unused)
{
	(void)unused;
	OK("");
	assert_int_equal(in.id.lo, 1);
	assert_int_equal(in.kind, 11); /* dflt */
	assert_false(in.pending_given);
	json_t *o = json_loads("{}", 0, NULL);
	assert_int_equal(api_schema_decode(&schema, o, &in, &err), SZ_EINVAL);
	json_decref(o);
	assert_string_equal(err.code, "field_missing");
	assert_string_equal(err.detail, "'id' is required");
	BAD("\"nope\":1", "field_unknown");
	assert_string_equal(err.detail, "unknown field 'nope'");
	/* unknown beats an earlier invalid field; the first invalid field wins */
	BAD("\"kind\":\"x\",\"zzz\":1", "field_unknown");
	BAD("\"kind\":\"x\",\"small\":0", "field_invalid");
	assert_non_null(strstr(err.detail, "'kind'"));
	BAD("\"delta\":9,\"small\":0", "field_invalid");
	assert_non_null(strstr(err.detail, "'small'")); /* small comes before delta in the table */
}

static void test_id(void **unused)
{
	(void)unused;
	BAD("\"x\":1", "field_unknown");
	json_t *o = json_loads("{\"id\":\"0\"}", 0, NULL);
	assert_int_equal(api_schema_decode(&schema, o, &in, &err), SZ_EINVAL);
	assert_string_equal(err.code, "id_invalid");
	json_decref(o);
	o = json_loads("{\"id\":\"\"}", 0, NULL);
	assert_int_equal(api_schema_decode(&schema, o, &in, &err), SZ_EINVAL);
	assert_string_equal(err.code, "id_invalid");
	json_decref(o);
	o = json_loads("{\"id\":7}", 0, NULL);
	assert_int_equal(api_schema_decode(&schema, o, &in, &err), SZ_EINVAL);
	assert_string_equal(err.code, "id_invalid");
	json_decref(o);
	o = json_loads("{\"id\":null}", 0, NULL); /* null is a wrong type, not absence */
	assert_int_equal(api_schema_decode(&schema, o, &in, &err), SZ_EINVAL);
	assert_string_equal(err.code, "id_invalid");
	json_decref(o);
	/* 2^64 = 18446744073709551616: hi 1, lo 0 */
	o = json_loads("{\"id\":\"18446744073709551616\"}", 0, NULL);
	assert_int_equal(api_schema_decode(&schema, o, &in, &err), 0);
	assert_int_equal(in.id.hi, 1);
	assert_int_equal(in.id.lo, 0);
	json_decref(o);
}

static void test_currency_amount(void **unused)
{
	(void)unused;
	OK("\"currency\":\"CNY\",\"amount\":\"10000.00\"");
	assert_int_equal(in.amount_minor, 1000000); /* 10000.00 yuan = 1,000,000 fen = umax */
	BAD("\"currency\":\"CNY\",\"amount\":\"10000.01\"", "amount_invalid"); /* umax + 1 fen */
	OK("\"currency\":\"JPY\",\"amount\":\"1000000\"");
	assert_int_equal(in.amount_minor, 1000000); /* JPY has exponent 0 */
	BAD("\"currency\":\"JPY\",\"amount\":\"1.5\"", "amount_invalid");
	BAD("\"currency\":\"CNY\",\"amount\":\"1.234\"", "amount_invalid");
	BAD("\"currency\":\"CNY\",\"amount\":12", "amount_invalid");
	BAD("\"currency\":\"CNY\",\"amount\":\"\"", "amount_invalid");
	BAD("\"currency\":\"cny\"", "field_invalid");
	BAD("\"currency\":\"\"", "field_invalid");
	BAD("\"currency\":\"CNYX\"", "field_invalid");
	/* fixed currency 0x434e59: not a listed zero-exponent code, so 2 digits; umin 1 minor unit */
	OK("\"fee\":\"0.01\"");
	assert_int_equal(in.fee_fen, 1);
	BAD("\"fee\":\"0\"", "amount_invalid");
}

static void test_decimal(void **unused)
{
	(void)unused;
	OK("\"rate\":\"0.0425\"");
	assert_int_equal(in.rate.magnitude, 425);
	assert_int_equal(in.rate.scale, 4);
	assert_false(in.rate.negative);
	OK("\"rate\":\"-12.5\"");
	assert_true(in.rate.negative);
	assert_int_equal(in.rate.magnitude, 125);
	BAD("\"rate\":\"0.00001\"", "amount_invalid"); /* five fraction digits, umax 4 */
	BAD("\"rate\":\"01\"", "amount_invalid");
	BAD("\"rate\":\"1.\"", "amount_invalid");
	BAD("\"rate\":\"\"", "amount_invalid");
	BAD("\"rate\":\"18446744073709551616\"", "amount_invalid"); /* 2^64 overflows */
	uint64_t v;
	struct api_decimal d = { 125, 1, false }; /* 12.5 */
	assert_int_equal(api_decimal_scale(&d, 2, &v), 0);
	assert_int_equal(v, 1250);
	assert_int_equal(api_decimal_scale(&d, 0, &v), SZ_ELIMIT);
	d.negative = true;
	assert_int_equal(api_decimal_scale(&d, 2, &v), SZ_EINVAL);
}

static void test_enum_flags(void **unused)
{
	(void)unused;
	OK("\"kind\":\"general\"");
	assert_int_equal(in.kind, 10);
	OK("\"kind\":\"wallet\"");
	assert_int_equal(in.kind, 12);
	BAD("\"kind\":\"General\"", "field_invalid");
	assert_string_equal(err.detail, "'kind' must be one of general, reserve, wallet");
	BAD("\"kind\":\"\"", "field_invalid");
	BAD("\"kind\":1", "field_invalid");
	OK("\"flags\":[\"a\",\"c\",\"c\"]");
	assert_int_equal(in.flags, 5); /* bits 0 and 2 */
	OK("\"flags\":[]");
	assert_int_equal(in.flags, 0);
	BAD("\"flags\":[\"d\"]", "field_invalid");
	assert_string_equal(err.detail, "flags[0] is not a known flag name");
	BAD("\"flags\":\"a\"", "field_invalid");
}

static void test_date_time(void **unused)
{
	(void)unused;
	OK("\"day\":\"1970-01-01\"");
	assert_int_equal(in.day, 0);
	OK("\"day\":\"2000-03-01\"");
	assert_int_equal(in.day, 11017); /* 2000-01-01 is day 10957, + 31 + 29 */
	OK("\"day\":\"2024-02-29\"");
	assert_int_equal(in.day, 19782); /* 2024-01-01 is day 19723, + 31 + 28 */
	BAD("\"day\":\"2023-02-29\"", "field_invalid");
	BAD("\"day\":\"1969-12-31\"", "field_invalid"); /* day -1, below min 0 */
	OK("\"day\":\"9999-12-31\"");
	assert_int_equal(in.day, 2932896); /* = max */
	BAD("\"day\":\"2024-13-01\"", "field_invalid");
	BAD("\"day\":\"2024-1-01\"", "field_invalid");
	BAD("\"day\":\"\"", "field_invalid");
	BAD("\"day\":20240101", "field_invalid");
	OK("\"at\":\"1970-01-02T00:00:01Z\"");
	assert_int_equal(in.at_ns, 86401000000000ull);
	OK("\"at\":\"2024-02-29T23:59:59Z\"");
	assert_int_equal(in.at_ns, (19782ull * 86400 + 86399) * 1000000000ull);
	BAD("\"at\":\"2024-02-29T24:00:00Z\"", "field_invalid");
	BAD("\"at\":\"2024-02-29T23:59:59\"", "field_invalid");
	BAD("\"at\":\"1969-12-31T23:59:59Z\"", "field_invalid");
	OK("\"window\":\"2000-01-01T00:00:00Z\"");
	assert_int_equal(in.window_ns, 946684800000000000ull);
	OK("\"window\":\"2000-01-02T00:00:00Z\"");
	BAD("\"window\":\"1999-12-31T23:59:59Z\"", "field_invalid");
	BAD("\"window\":\"2000-01-02T00:00:01Z\"", "field_invalid");
}

static void test_integers(void **unused)
{
	(void)unused;
	OK("\"small\":2");
	assert_int_equal(in.small, 2);
	OK("\"small\":255");
	assert_int_equal(in.small, 255);
	BAD("\"small\":1", "field_invalid");
	BAD("\"small\":256", "field_invalid");
	BAD("\"small\":\"3\"", "field_invalid"); /* JSON integer only */
	BAD("\"small\":-1", "field_invalid");
	OK("\"tenant_id\":\"18446744073709551615\"");
	assert_true(in.tenant_id == UINT64_MAX);
	BAD("\"tenant_id\":\"18446744073709551616\"", "field_invalid");
	BAD("\"tenant_id\":7", "field_invalid"); /* decimal string only */
	BAD("\"tenant_id\":\"\"", "field_invalid");
	OK("\"either\":500");
	assert_int_equal(in.either, 500);
	OK("\"either\":\"500\"");
	BAD("\"either\":501", "field_invalid");
	BAD("\"either\":\"501\"", "field_invalid");
	OK("\"delta\":-5");
	assert_int_equal(in.delta, -5);
	OK("\"delta\":5");
	BAD("\"delta\":-6", "field_invalid");
	BAD("\"delta\":6", "field_invalid");
	BAD("\"delta\":1.5", "field_invalid");
}

static void test_bool_string(void **unused)
{
	(void)unused;
	OK("\"pending\":false");
	assert_false(in.pending);
	assert_true(in.pending_given);
	OK("\"pending\":true");
	assert_true(in.pending);
	BAD("\"pending\":1", "field_invalid");
	BAD("\"pending\":\"true\"", "field_invalid");
	OK("\"name\":\"12345678\""); /* 8 bytes = size - 1 */
	assert_string_equal(in.name, "12345678");
	OK("\"name\":\" a \""); /* not trimmed */
	assert_string_equal(in.name, " a ");
	BAD("\"name\":\"123456789\"", "field_invalid");
	BAD("\"name\":\"\"", "field_invalid"); /* the empty-string rule */
	OK("\"code\":\"abc\""); /* umin 3 */
	OK("\"code\":\"abcd\""); /* size - 1 */
	BAD("\"code\":\"ab\"", "field_invalid");
	BAD("\"code\":\"abcde\"", "field_invalid");
	json_t *o = json_pack("{s:s}", "id", "1");
	json_object_set_new(o, "name", json_stringn("a\0b", 3)); /* embedded NUL */
	assert_int_equal(api_schema_decode(&schema, o, &in, &err), SZ_EINVAL);
	assert_string_equal(err.code, "field_invalid");
	json_decref(o);
	BAD("\"name\":5", "field_invalid");
}

static void test_lists(void **unused)
{
	(void)unused;
	OK("\"tags\":[\"x\",\"yyyy\",\"z\"]");
	assert_int_equal(in.tags.count, 3);
	assert_string_equal((char *)in.tags.items + 5, "yyyy");
	OK("\"tags\":[]");
	assert_int_equal(in.tags.count, 0);
	BAD("\"tags\":[\"a\",\"b\",\"c\",\"d\"]", "field_invalid"); /* umax 3 */
	BAD("\"tags\":[\"a\",\"toolong\"]", "field_invalid");
	assert_string_equal(err.detail, "tags[1]: 'tags' must be a string of 1 to 4 bytes");
	BAD("\"tags\":\"a\"", "field_invalid");
	OK("\"items\":[{\"id\":\"5\",\"qty\":9},{\"id\":\"0x10\"}]");
	assert_int_equal(in.items.count, 2);
	const struct item *it = in.items.items;
	assert_int_equal(it[0].id.lo, 5);
	assert_int_equal(it[0].qty, 9);
	assert_int_equal(it[1].id.lo, 16);
	assert_int_equal(it[1].qty, 0);
	BAD("\"items\":[]", "field_invalid"); /* umin 1 */
	BAD("\"items\":[{\"id\":\"1\"},{\"id\":\"2\"},{\"id\":\"3\"}]", "field_invalid");
	BAD("\"items\":[{\"id\":\"1\"},{\"qty\":1}]", "field_missing");
	assert_string_equal(err.detail, "items[1]: 'id' is required");
	BAD("\"items\":[{\"id\":\"1\",\"qty\":10}]", "field_invalid");
	BAD("\"items\":[{\"id\":\"1\",\"x\":1}]", "field_unknown");
	BAD("\"items\":[5]", "field_invalid");
	api_schema_release(&schema, &in);
	assert_null(in.items.items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_valid),
		cmocka_unit_test(test_required_unknown_order),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_currency_amount),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_enum_flags),
		cmocka_unit_test(test_date_time),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_bool_string),
		cmocka_unit_test(test_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
