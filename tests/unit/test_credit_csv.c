/* test_credit_csv.c — the strict CSV reader (src/credit/csv.c): column kinds,
 * missing values, RFC 4180 quoting, and for every kind of bad input an
 * error that names the line and field; each size limit from both sides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/limits.h"
#include "credit/csv.h"

static int parse(credit_csv_table *t, const char *text, credit_csv_error *e)
{
	return credit_csv_parse(t, text, strlen(text), e);
}

static void test_kinds_and_missing(void **state)
{
	(void)state;
	credit_csv_table t;
	credit_csv_error e;
	const char *text = "\"Status\",Age,Home,Income\n"
			   "\"good\",30,\"rent\",129\n"
			   "bad,NA,owner,\n"
			   "good,-1.5e2,NA,\"12\"\n";
	assert_int_equal(parse(&t, text, &e), SZ_OK);
	assert_int_equal(t.column_count, 4);
	assert_int_equal(t.row_count, 3);
	assert_string_equal(t.columns[0].name, "Status");
	assert_int_equal(t.columns[0].kind, CREDIT_CSV_CATEGORICAL);
	assert_int_equal(t.columns[0].level_count, 2);
	assert_string_equal(t.columns[0].level_names[0], "good");
	assert_string_equal(t.columns[0].level_names[1], "bad");
	assert_int_equal(t.columns[0].levels[2], 0);
	assert_int_equal(t.columns[1].kind, CREDIT_CSV_NUMERIC);
	assert_true(t.columns[1].numbers[0] == 30.0);
	assert_true(isnan(t.columns[1].numbers[1]));
	assert_true(t.columns[1].numbers[2] == -150.0);
	assert_int_equal(t.columns[1].missing_count, 1);
	assert_int_equal(t.columns[2].kind, CREDIT_CSV_CATEGORICAL);
	assert_int_equal(t.columns[2].levels[2], -1);
	assert_int_equal(t.columns[2].missing_count, 1);
	/* quoting never changes meaning: "12" is the number 12, empty is missing */
	assert_int_equal(t.columns[3].kind, CREDIT_CSV_NUMERIC);
	assert_true(isnan(t.columns[3].numbers[1]));
	assert_true(t.columns[3].numbers[2] == 12.0);
	assert_int_equal(credit_csv_column_find(&t, "Home"), 2);
	assert_int_equal(credit_csv_column_find(&t, "home"), -1);
	assert_int_equal(credit_csv_level_find(&t.columns[2], "owner"), 1);
	credit_csv_release(&t);
	assert_null(t.columns);
}

static void test_quoting_crlf_bom(void **state)
{
	(void)state;
	credit_csv_table t;
	credit_csv_error e;
	const char *text = "\xEF\xBB\xBF"
			   "name,\"note, with comma\"\r\n"
			   "\"a \"\"quoted\"\" word\",\"two\nlines\"\r\n"
			   "b,\"\"\r\n"
			   "\r\n\n";
	assert_int_equal(parse(&t, text, &e), SZ_OK);
	assert_int_equal(t.row_count, 2);
	assert_string_equal(t.columns[0].name, "name");
	assert_string_equal(t.columns[1].name, "note, with comma");
	assert_string_equal(t.columns[0].level_names[0], "a \"quoted\" word");
	assert_string_equal(t.columns[1].level_names[0], "two\nlines");
	assert_int_equal(t.columns[1].levels[1], -1);
	credit_csv_release(&t);

	/* no final newline; trailing empty field at end of file */
	assert_int_equal(parse(&t, "a,b\n1,", &e), SZ_OK);
	assert_int_equal(t.row_count, 1);
	assert_true(isnan(t.columns[1].numbers[0]));
	credit_csv_release(&t);

	/* header only: a table with no rows */
	assert_int_equal(parse(&t, "a,b\n", &e), SZ_OK);
	assert_int_equal(t.row_count, 0);
	assert_int_equal(t.column_count, 2);
	credit_csv_release(&t);
}

static void test_numbers(void **state)
{
	(void)state;
	double v;
	static const char *good[] = { "0", "-0", "+7", "1.", ".5", "1e3", "2E-2", "-3.25e+1" };
	static const double values[] = { 0, -0.0, 7, 1, 0.5, 1000, 0.02, -32.5 };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(credit_csv_number_parse(good[i], strlen(good[i]), &v), SZ_OK);
		assert_true(v == values[i]);
	}
	static const char *bad[] = { "", ".", "-", "1e", "1e+", " 1", "1 ", "0x10", "inf",
				     "nan", "1,5", "1.2.3", "--1", "1e999", "12a" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(credit_csv_number_parse(bad[i], strlen(bad[i]), &v), SZ_EINVAL);
	assert_true(credit_csv_is_missing("", 0));
	assert_true(credit_csv_is_missing("NA", 2));
	assert_true(credit_csv_is_missing("NULL", 4));
	assert_false(credit_csv_is_missing("na", 2));
	assert_false(credit_csv_is_missing("NAN", 3));
}

struct bad_case {
	const char *text;
	int status;
	uint32_t line;
	uint32_t field;
	const char *words; /* must appear in the message */
};

static void test_bad_input_names_line_and_field(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{ "", SZ_EINVAL, 1, 0, "no header" },
		{ "\n\n", SZ_EINVAL, 1, 0, "no header" },
		{ "a,b\n1,\"x\n2,3\n", SZ_EINVAL, 4, 2, "opened on line 2" },
		{ "a,b\n1,x\"y\n", SZ_EINVAL, 2, 2, "quote inside an unquoted" },
		{ "a,b\n1,\"x\"y\n", SZ_EINVAL, 2, 2, "after closing quote" },
		{ "a,b\n1,2\n3\n", SZ_EINVAL, 3, 1, "1 fields, the header has 2" },
		{ "a,b\n1,2,3\n", SZ_EINVAL, 2, 3, "more than the header" },
		{ "a,,c\n", SZ_EINVAL, 1, 2, "empty column name" },
		{ "a,b,a\n", SZ_EINVAL, 1, 3, "duplicate column name" },
		{ "a,b\n1,2\n\n3,4\n", SZ_EINVAL, 3, 0, "empty line" },
		{ "a,b\n1,2\r3,4\n", SZ_EINVAL, 2, 2, "carriage return" },
		{ "a,b\n1,2\n3,\"4\"\r", SZ_EINVAL, 3, 2, "carriage return" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		credit_csv_table t;
		credit_csv_error e;
		int rc = parse(&t, cases[i].text, &e);
		if (rc != cases[i].status || e.line != cases[i].line || e.field != cases[i].field ||
		    strstr(e.message, cases[i].words) == NULL)
			fail_msg("case %zu: rc %d line %u field %u: %s", i, rc, e.line, e.field,
				 e.message);
		assert_null(t.columns);
		assert_int_equal(t.row_count, 0);
	}
	/* a NUL byte inside data */
	credit_csv_table t;
	credit_csv_error e;
	static const char nul[] = "a,b\n1,x\0y\n";
	assert_int_equal(credit_csv_parse(&t, nul, sizeof(nul) - 1, &e), SZ_EINVAL);
	assert_int_equal(e.line, 2);
	assert_int_equal(e.field, 2);
	assert_non_null(strstr(e.message, "NUL"));
}

static char *repeat(char ch, size_t count)
{
	char *s = malloc(count + 1);
	assert_non_null(s);
	memset(s, ch, count);
	s[count] = '\0';
	return s;
}

static void test_limit_field_size(void **state)
{
	(void)state;
	char *at = repeat('x', SZ_CREDIT_CSV_FIELD_SIZE_MAX);
	size_t size = strlen(at) + 32;
	char *text = malloc(size);
	credit_csv_table t;
	credit_csv_error e;
	snprintf(text, size, "a,b\n1,%s\n", at);
	assert_int_equal(parse(&t, text, &e), SZ_OK);
	assert_int_equal(strlen(t.columns[1].level_names[0]), SZ_CREDIT_CSV_FIELD_SIZE_MAX);
	credit_csv_release(&t);
	snprintf(text, size, "a,b\n1,\"%sy\"\n", at);
	assert_int_equal(parse(&t, text, &e), SZ_ELIMIT);
	assert_int_equal(e.line, 2);
	assert_int_equal(e.field, 2);
	free(at);
	free(text);
}

static void test_limit_column_count(void **state)
{
	(void)state;
	size_t size = (SZ_CREDIT_CSV_COLUMN_COUNT_MAX + 1u) * 8u + 16u;
	char *text = malloc(size);
	credit_csv_table t;
	credit_csv_error e;
	for (uint32_t extra = 0; extra <= 1; extra++) {
		size_t used = 0;
		for (uint32_t i = 0; i < SZ_CREDIT_CSV_COLUMN_COUNT_MAX + extra; i++)
			used += (size_t)snprintf(text + used, size - used, "%sc%u", i ? "," : "", i);
		snprintf(text + used, size - used, "\n");
		int rc = parse(&t, text, &e);
		if (extra == 0) {
			assert_int_equal(rc, SZ_OK);
			assert_int_equal(t.column_count, SZ_CREDIT_CSV_COLUMN_COUNT_MAX);
			credit_csv_release(&t);
		} else {
			assert_int_equal(rc, SZ_ELIMIT);
			assert_int_equal(e.field, SZ_CREDIT_CSV_COLUMN_COUNT_MAX + 1u);
		}
	}
	free(text);
}

static void test_limit_level_count(void **state)
{
	(void)state;
	size_t size = (SZ_CREDIT_CSV_LEVEL_COUNT_MAX + 1u) * 12u + 16u;
	char *text = malloc(size);
	credit_csv_table t;
	credit_csv_error e;
	for (uint32_t extra = 0; extra <= 1; extra++) {
		size_t used = (size_t)snprintf(text, size, "label\n");
		for (uint32_t i = 0; i < SZ_CREDIT_CSV_LEVEL_COUNT_MAX + extra; i++)
			used += (size_t)snprintf(text + used, size - used, "L%u\n", i);
		int rc = parse(&t, text, &e);
		if (extra == 0) {
			assert_int_equal(rc, SZ_OK);
			assert_int_equal(t.columns[0].level_count, SZ_CREDIT_CSV_LEVEL_COUNT_MAX);
			credit_csv_release(&t);
		} else {
			assert_int_equal(rc, SZ_ELIMIT);
			assert_int_equal(e.line, SZ_CREDIT_CSV_LEVEL_COUNT_MAX + 2u);
			assert_non_null(strstr(e.message, "distinct values"));
		}
	}
	free(text);
}

static void test_limit_file_size(void **state)
{
	(void)state;
	credit_csv_table t;
	credit_csv_error e;
	/* The size check comes before any byte is read. */
	static const char dummy[] = "a\n";
	assert_int_equal(credit_csv_parse(&t, dummy, (size_t)SZ_CREDIT_CSV_SIZE_MAX + 1u, &e),
			 SZ_ELIMIT);
	assert_non_null(strstr(e.message, "larger than"));
}

static void test_load_file(void **state)
{
	(void)state;
	credit_csv_table t;
	credit_csv_error e;
	assert_int_equal(credit_csv_load(&t, "/nonexistent/szfin/x.csv", &e), SZ_EIO);
	assert_int_equal(e.line, 0);
	assert_non_null(strstr(e.message, "cannot open"));
	char path[512];
	const char *root = getenv("SZFIN_ROOT");
	snprintf(path, sizeof(path), "%s/tests/data/credit/credit_sample.csv",
		 root != NULL && root[0] != '\0' ? root : ".");
	assert_int_equal(credit_csv_load(&t, path, &e), SZ_OK);
	assert_int_equal(t.row_count, 297);
	assert_int_equal(t.column_count, 14);
	int32_t income = credit_csv_column_find(&t, "Income");
	assert_true(income >= 0);
	assert_int_equal(t.columns[income].kind, CREDIT_CSV_NUMERIC);
	assert_true(t.columns[income].missing_count > 0);
	credit_csv_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds_and_missing),
		cmocka_unit_test(test_quoting_crlf_bom),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_bad_input_names_line_and_field),
		cmocka_unit_test(test_limit_field_size),
		cmocka_unit_test(test_limit_column_count),
		cmocka_unit_test(test_limit_level_count),
		cmocka_unit_test(test_limit_file_size),
		cmocka_unit_test(test_load_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
