/* test_green_taxonomy.c — the 2025 green-finance catalogue, the 2021 bond
 * catalogue mapping and tags for loans and bonds (src/green/taxonomy.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "green/taxonomy.h"

static green_taxonomy tax;

static int setup(void **unused)
{
	(void)unused;
	const char *root = getenv("SZFIN_ROOT");
	char dir[512];
	green_parse_error err;
	snprintf(dir, sizeof dir, "%s/share/green/taxonomy", root && root[0] ? root : ".");
	if (green_taxonomy_load(&tax, dir, &err) != 0) {
		fprintf(stderr, "%s:%u: %s\n", err.file, err.line, err.message);
		return -1;
	}
	return 0;
}

static void test_shipped_catalogue(void **unused)
{
	(void)unused;
	assert_int_equal(tax.category_count, 9);
	const green_taxonomy_category *c = green_taxonomy_category_find(&tax, 4);
	assert_non_null(c);
	assert_string_equal(c->name_zh, "能源绿色低碳转型");
	assert_string_equal(green_taxonomy_category_find(&tax, 9)->name_en, "Green consumption");
	assert_null(green_taxonomy_category_find(&tax, 10));
	/* every second-level 2021 row maps; only top-level 1 and 2 split */
	uint32_t split = 0;
	for (uint32_t i = 0; i < tax.mapping_count; i++) {
		if (tax.mappings[i].code_2025 == 0) {
			split++;
			assert_null(strchr(tax.mappings[i].code_2021, '.'));
		}
	}
	assert_int_equal(split, 2);
}

static void test_tags(void **unused)
{
	(void)unused;
	green_taxonomy_tag tag;
	sz_id loan = sz_id_make(0, 5), bond = sz_id_make(1, 5);
	assert_int_equal(green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_LOAN, loan, 2025, "4", &tag), SZ_OK);
	assert_int_equal(tag.category_2025, 4);
	assert_int_equal(tag.edition, 2025);
	assert_string_equal(tag.code_2021, "");
	/* a 2021 bond tag is mapped and keeps its original code */
	assert_int_equal(green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_BOND, bond, 2021, "3.2", &tag), SZ_OK);
	assert_int_equal(tag.category_2025, 4);
	assert_string_equal(tag.code_2021, "3.2");
	assert_int_equal(green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_BOND, bond, 2021, "6", &tag), SZ_OK);
	assert_int_equal(tag.category_2025, 7);
	assert_int_equal(green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_BOND, bond, 2021, "1.3", &tag), SZ_OK);
	assert_int_equal(tag.category_2025, 2);
	/* split top level: tag the second level instead */
	assert_int_equal(green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_BOND, bond, 2021, "1", &tag), SZ_EINVAL);
	assert_int_equal(green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_BOND, bond, 2021, "7.1", &tag), SZ_ENOTFOUND);
	assert_int_equal(green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_LOAN, loan, 2025, "10", &tag), SZ_ENOTFOUND);
	assert_int_equal(green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_LOAN, loan, 2025, "0", &tag), SZ_EINVAL);
	assert_int_equal(green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_LOAN, loan, 2025, "4.1", &tag), SZ_EINVAL);
	assert_int_equal(green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_LOAN, loan, 2019, "4", &tag), SZ_EINVAL);
	assert_int_equal(green_taxonomy_tag_make(&tax, 3, loan, 2025, "4", &tag), SZ_EINVAL);
	assert_int_equal(green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_LOAN, sz_id_make(0, 0), 2025, "4", &tag),
	                 SZ_EINVAL);
	assert_int_equal(green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_BOND, bond, 2021, "1.", &tag), SZ_EINVAL);
	assert_int_equal(green_taxonomy_tag_make(&tax, GREEN_INSTRUMENT_BOND, bond, 2021, "12345678", &tag), SZ_EINVAL);
}

static void test_rejects(void **unused)
{
	(void)unused;
	green_taxonomy t;
	green_parse_error err;
	const char *bad_categories[][2] = {
		{ "code,name_zh,name_en\n0,a,b\n", "code must be" },
		{ "code,name_zh,name_en\n17,a,b\n", "code must be" },
		{ "code,name_zh,name_en\n1,a,b\n1,c,d\n", "twice" },
		{ "code,name_zh,name_en\n1,,b\n", "must not be empty" },
		{ "code,name_zh,name_en\n1,a\n", "expected 3 fields" },
		{ "code,name\n", "header must be" },
		{ "code,name_zh,name_en\n", "no categories" },
	};
	for (size_t i = 0; i < sizeof bad_categories / sizeof bad_categories[0]; i++) {
		t = tax;
		assert_int_equal(green_taxonomy_parse_categories(&t, bad_categories[i][0],
		                                                 strlen(bad_categories[i][0]), "c.csv", &err),
		                 SZ_EINVAL);
		assert_non_null(strstr(err.message, bad_categories[i][1]));
		assert_int_equal(t.category_count, 9);
	}
	const char *bad_mappings[][2] = {
		{ "code_2021,name_zh_2021,code_2025\n1.1.1,a,1\n", "N or N.M" },
		{ "code_2021,name_zh_2021,code_2025\n01,a,1\n", "N or N.M" },
		{ "code_2021,name_zh_2021,code_2025\n1,a,10\n", "not a category" },
		{ "code_2021,name_zh_2021,code_2025\n1,a,1\n1,b,2\n", "twice" },
		{ "code_2021,name_zh_2021,code_2025\n1,,1\n", "must not be empty" },
		{ "code_2021,name_zh_2021,code_2025\n", "no mapping rows" },
	};
	for (size_t i = 0; i < sizeof bad_mappings / sizeof bad_mappings[0]; i++) {
		t = tax;
		assert_int_equal(green_taxonomy_parse_mapping(&t, bad_mappings[i][0], strlen(bad_mappings[i][0]),
		                                              "m.csv", &err), SZ_EINVAL);
		assert_non_null(strstr(err.message, bad_mappings[i][1]));
		assert_int_equal(t.mapping_count, tax.mapping_count);
	}
	/* the mapping needs the categories first */
	memset(&t, 0, sizeof t);
	const char *ok = "code_2021,name_zh_2021,code_2025\n1,a,1\n";
	assert_int_equal(green_taxonomy_parse_mapping(&t, ok, strlen(ok), "m.csv", &err), SZ_EINVAL);
	assert_int_equal(green_taxonomy_load(&t, "/nonexistent", &err), SZ_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_catalogue),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_rejects),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
