/*
 * test_green_http.c — the request schemas of the green routes
 * (src/green/http_account.c, http_finance.c) under the one request codec
 * (api/schema.h): every table passes the codec's table check, and the shape
 * rules the routes relied on hold — unknown fields (also inside fuel lines
 * and the controversies object), required fields, decimal places, list
 * bounds, the empty-string rule, and the nested controversies object.
 * Expected codes follow from the rules stated in schema.h and the field
 * bounds of each route (written next to each case); the route behaviour
 * end to end is in tests/e2e/test_api_green.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/schema.h"
#include "core/errors.h"
#include "green/http_internal.h"

static struct api_decode_error err;

/* Decode text by schema; returns the status and leaves err filled. */
static int decode(const struct api_schema *schema, const char *text)
{
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);
	if (doc == NULL)
		fail_msg("bad test JSON: %s", jerr.text);
	void *out = calloc(1, schema->size);
	assert_non_null(out);
	int rc = api_schema_decode(schema, doc, out, &err);
	api_schema_release(schema, out);
	free(out);
	json_decref(doc);
	return rc;
}

static void refused(const struct api_schema *schema, const char *text, const char *code, const char *detail)
{
	assert_int_equal(decode(schema, text), SZ_EINVAL);
	assert_string_equal(err.code, code);
	if (detail != NULL)
		assert_string_equal(err.detail, detail);
}

static void test_tables_are_valid(void **unused)
{
	(void)unused;
	const struct api_schema *all[] = { &green_activate_schema, &green_account_schema, &green_restate_schema,
					   &green_esg_schema, &green_policy_schema, &green_price_schema,
					   &green_cerf_schema, &green_position_schema, &green_tag_schema };
	char why[256];
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (api_schema_check(all[i], why, sizeof why) != 0)
			fail_msg("%s: %s", all[i]->name, why);
}

#define PEER "{\"carbon_intensity\":\"0.5\",\"green_power_share\":\"-1.25\",\"injury_rate\":\"0\"," \
	     "\"social_insurance_rate\":\"1\",\"independent_directors\":\"0.333333\",\"regulatory_penalties\":\"2\"}"

static void test_esg_controversies_object(void **unused)
{
	(void)unused;
	/* a complete body: negative indicator values are allowed (6 decimals) */
	assert_int_equal(decode(&green_esg_schema, "{\"id\":\"1\",\"subject\":0,\"peers\":[" PEER "],"
						   "\"controversies\":{\"minor\":2,\"severe\":0}}"), 0);
	/* controversies is an object of three optional counts 0..1000 */
	refused(&green_esg_schema, "{\"id\":\"1\",\"subject\":0,\"peers\":[" PEER "],\"controversies\":[1]}",
		"field_invalid", "'controversies' must be an object");
	refused(&green_esg_schema, "{\"id\":\"1\",\"subject\":0,\"peers\":[" PEER "],\"controversies\":{\"minor\":1001}}",
		"field_invalid", "controversies: 'minor' must be an integer in range");
	assert_int_equal(decode(&green_esg_schema, "{\"id\":\"1\",\"subject\":0,\"peers\":[" PEER "],"
						   "\"controversies\":{\"moderate\":1000}}"), 0);
	refused(&green_esg_schema, "{\"id\":\"1\",\"subject\":0,\"peers\":[" PEER "],\"controversies\":{\"tiny\":1}}",
		"field_unknown", "controversies: unknown field 'tiny'");
	/* peers: required, 1 to 64 objects, each indicator required */
	refused(&green_esg_schema, "{\"id\":\"1\",\"subject\":0}", "field_missing", "'peers' is required");
	refused(&green_esg_schema, "{\"id\":\"1\",\"subject\":0,\"peers\":[]}", "field_invalid",
		"'peers' must be an array of 1 to 64 peer objects");
	refused(&green_esg_schema, "{\"id\":\"1\",\"subject\":0,\"peers\":[{\"carbon_intensity\":\"1\"}]}",
		"field_missing", "peers[0]: 'green_power_share' is required");
	/* subject 0..63 */
	refused(&green_esg_schema, "{\"id\":\"1\",\"subject\":64,\"peers\":[" PEER "]}", "field_invalid", NULL);
}

static void test_account_shape(void **unused)
{
	(void)unused;
	assert_int_equal(decode(&green_account_schema,
				"{\"id\":\"1\",\"period\":2023,\"province\":\"CN-GD\",\"electricity_mwh\":\"1000.125\","
				"\"fuels\":[{\"fuel\":\"natural_gas\",\"activity\":\"10\",\"tier\":\"ipcc\"}],"
				"\"certificates\":[{\"serial\":\"GEC-1\",\"mwh\":\"1.5\"}],\"gwp\":\"AR5\","
				"\"factor_digest\":\"0123456789abcdef\"}"), 0);
	/* MWh have 3 decimals at most; period 1990..2100; the id is required */
	refused(&green_account_schema, "{\"id\":\"1\",\"period\":2023,\"electricity_mwh\":\"1.0001\"}", "field_invalid", NULL);
	refused(&green_account_schema, "{\"id\":\"1\",\"period\":1989}", "field_invalid", NULL);
	refused(&green_account_schema, "{\"period\":2023}", "field_missing", "'id' is required");
	/* an empty string is never a value */
	refused(&green_account_schema, "{\"id\":\"1\",\"period\":2023,\"province\":\"\"}", "field_invalid", NULL);
	/* "-0" is a sign, refused where figures cannot be negative */
	refused(&green_account_schema, "{\"id\":\"1\",\"period\":2023,\"heat_gj\":\"-0\"}", "field_invalid", NULL);
	/* 8 fuel lines at most; unknown keys inside a line are refused */
	refused(&green_account_schema,
		"{\"id\":\"1\",\"period\":2023,\"fuels\":[{\"fuel\":\"a\",\"activity\":\"1\"},{\"fuel\":\"a\",\"activity\":\"1\"},"
		"{\"fuel\":\"a\",\"activity\":\"1\"},{\"fuel\":\"a\",\"activity\":\"1\"},{\"fuel\":\"a\",\"activity\":\"1\"},"
		"{\"fuel\":\"a\",\"activity\":\"1\"},{\"fuel\":\"a\",\"activity\":\"1\"},{\"fuel\":\"a\",\"activity\":\"1\"},"
		"{\"fuel\":\"a\",\"activity\":\"1\"}]}",
		"field_invalid", "'fuels' must be an array of at most 8 fuel lines");
	refused(&green_account_schema, "{\"id\":\"1\",\"period\":2023,\"fuels\":[{\"fuel\":\"a\",\"activity\":\"1\",\"x\":1}]}",
		"field_unknown", "fuels[0]: unknown field 'x'");
	refused(&green_account_schema, "{\"id\":\"1\",\"period\":2023,\"fuels\":[{\"fuel\":\"a\",\"activity\":\"1\",\"tier\":\"best\"}]}",
		"field_invalid", "fuels[0]: 'tier' is not one of the accepted names");
	/* a digest is 16 characters exactly */
	refused(&green_account_schema, "{\"id\":\"1\",\"period\":2023,\"factor_digest\":\"0123\"}", "field_invalid",
		"'factor_digest' must be 16 lowercase hex digits");
	/* unknown top-level fields win over everything else */
	refused(&green_account_schema, "{\"period\":1,\"colour\":\"green\"}", "field_unknown", "unknown field 'colour'");
}

static void test_finance_shapes(void **unused)
{
	(void)unused;
	/* CNY amounts: 2 decimals at most */
	refused(&green_position_schema, "{\"id\":\"1\",\"loan_id\":\"2\",\"outstanding\":\"1.234\",\"equity\":\"1\",\"debt\":\"1\"}",
		"amount_invalid", "'outstanding' must be a CNY decimal string (2 decimals at most)");
	assert_int_equal(decode(&green_position_schema, "{\"id\":\"1\",\"loan_id\":\"2\",\"outstanding\":\"1.23\","
							"\"equity\":\"1\",\"debt\":\"1\",\"company\":\"listed\"}"), 0);
	/* pricing: a score 0..1000, data quality 1..5, the base rate required */
	refused(&green_price_schema, "{\"id\":\"1\",\"enterprise_id\":\"2\",\"period\":2023,\"base_rate_percent\":\"3\",\"score\":1001}",
		"field_invalid", NULL);
	refused(&green_price_schema, "{\"id\":\"1\",\"enterprise_id\":\"2\",\"period\":2023}", "field_missing",
		"'base_rate_percent' is required");
	/* CERF: lender_eligible is a boolean; term 1..3660 days */
	refused(&green_cerf_schema, "{\"id\":\"1\",\"principal\":\"1\",\"project_investment\":\"1\",\"project_reduction_tco2e\":\"1\","
				    "\"term_days\":10,\"lender_eligible\":\"no\"}",
		"field_invalid", "'lender_eligible' must be true or false");
	refused(&green_cerf_schema, "{\"id\":\"1\",\"principal\":\"1\",\"project_investment\":\"1\",\"project_reduction_tco2e\":\"1\","
				    "\"term_days\":3661}",
		"field_invalid", NULL);
	/* tags: edition 2021..2025, a known kind */
	refused(&green_tag_schema, "{\"id\":\"1\",\"instrument_id\":\"2\",\"code\":\"1.1\",\"edition\":2020}", "field_invalid", NULL);
	refused(&green_tag_schema, "{\"id\":\"1\",\"instrument_id\":\"2\",\"code\":\"1.1\",\"kind\":\"share\"}", "field_invalid",
		"'kind' is not one of the accepted names");
	/* a policy's share has 2 decimals at most */
	refused(&green_policy_schema, "{\"id\":\"1\",\"partial_share_percent\":\"50.001\"}", "field_invalid", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_are_valid),
		cmocka_unit_test(test_esg_controversies_object),
		cmocka_unit_test(test_account_shape),
		cmocka_unit_test(test_finance_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
