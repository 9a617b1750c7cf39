/*
 * csv.h — strict CSV reader for credit training and validation data.
 *
 * lint-float: offline — CSV reading is for the offline train/validate/cv tools; apply never parses CSV.
 *
 * Owns: turning RFC 4180 text (a header row, then records) into a column
 * table: each column is numeric (every non-missing field is a decimal number)
 * or categorical (a dictionary of distinct labels and one label index per
 * row). Missing values are explicit (NAN in numeric columns, -1 in
 * categorical ones).
 *
 * Accepted syntax (anything else is an error naming line and field):
 *   - records end in CRLF or LF; the last record may lack one; trailing empty
 *     lines at the end of the file are ignored, empty lines elsewhere are not;
 *   - a UTF-8 byte order mark before the header is skipped;
 *   - a field is quoted ("a, ""b""" is `a, "b"`, may span lines) or unquoted
 *     (no quote, CR or LF inside); after a closing quote comes a comma or the
 *     end of the record; NUL bytes are rejected everywhere;
 *   - every record has exactly as many fields as the header; header names are
 *     non-empty and unique;
 *   - a field is missing when it is empty or one of NA, N/A, NULL, null, NaN;
 *     quoting never changes a field's meaning (quoted "12" is the number 12);
 *   - numbers: [+-] digits [. digits] [(e|E) [+-] digits] (or starting with
 *     the point), finite as a double; no spaces, hex, inf or thousands marks.
 * Sizes are bounded by the SZ_CREDIT_CSV_* limits (core/limits.h).
 *
 * Never: read past the given buffer, keep pointers into it, or crash on any
 * input (fuzzed by fuzz/fuzz_csv.c). The table owns all of its memory.
 */
#ifndef SZ_CREDIT_CSV_H
#define SZ_CREDIT_CSV_H

#include <stddef.h>
#include <stdint.h>

enum credit_csv_kind {
	CREDIT_CSV_NUMERIC = 1,
	CREDIT_CSV_CATEGORICAL = 2,
};

typedef struct credit_csv_column {
	char *name;
	enum credit_csv_kind kind;  /* a column with no value at all is numeric */
	uint32_t missing_count;
	double *numbers;            /* numeric: row_count values, NAN = missing */
	int32_t *levels;            /* categorical: row_count indexes, -1 = missing */
	char **level_names;         /* categorical: level_count labels, first-seen order */
	uint32_t level_count;
} credit_csv_column;

typedef struct credit_csv_table {
	uint32_t column_count;
	uint32_t row_count;
	credit_csv_column *columns;
} credit_csv_table;

/* Where and why parsing stopped. line is the 1-based physical line (a quoted
 * field can span lines); field is the 1-based field number in its record, 0
 * when the error is not about one field. */
typedef struct credit_csv_error {
	uint32_t line;
	uint32_t field;
	char message[192];
} credit_csv_error;

/* Parses size bytes of data into table (which must be zeroed or released).
 * Returns 0, SZ_EINVAL (syntax or structure), SZ_ELIMIT (a size limit) or
 * SZ_ENOMEM; on error the table is left empty and error (if not NULL) says
 * where. data need not be NUL-terminated. */
int credit_csv_parse(credit_csv_table *table, const char *data, size_t size,
		     credit_csv_error *error);

/* Reads the file at path (at most SZ_CREDIT_CSV_SIZE_MAX bytes) and parses it.
 * Adds SZ_EIO (cannot open or read; error->line is 0) to the parse errors. */
int credit_csv_load(credit_csv_table *table, const char *path, credit_csv_error *error);

/* Frees everything the table owns and zeroes it; safe on a zeroed table. */
void credit_csv_release(credit_csv_table *table);

/* Index of the column called name, or -1. */
int32_t credit_csv_column_find(const credit_csv_table *table, const char *name);

/* Index of label in a categorical column, or -1 when the column never had it. */
int32_t credit_csv_level_find(const credit_csv_column *column, const char *label);

/* Parses one field as a strict decimal number (syntax above). Returns 0 and
 * sets *out, or SZ_EINVAL. Shared with the scorer so that a raw value means
 * the same at training and at scoring. */
int credit_csv_number_parse(const char *text, size_t size, double *out);

/* Whether a field's text is one of the missing-value tokens (or empty). */
int credit_csv_is_missing(const char *text, size_t size);

#endif
