/*
 * csv.h — the strict CSV dialect of szfin's green data files, and the error
 * every green loader reports.
 *
 * Owns: splitting a data file held in memory into rows of fields, with the
 * position of each row, and reading a file from disk within
 * GREEN_DATA_FILE_SIZE_MAX. Module-specific meaning of fields is parsed by
 * factors.c, region.c and taxonomy.c, which document their columns.
 *
 * Dialect (a reader stops at the first violation and names file and line):
 *   - UTF-8 text (validated), lines end in LF or CRLF, the last may lack it;
 *   - a line whose first byte is '#' is a comment; empty lines are skipped;
 *   - fields are separated by ',' and are never quoted: '"' is an error, so
 *     no field may contain a comma (titles use the full-width '，');
 *   - no control bytes (tab, NUL, DEL ...), no space at either end of a field;
 *   - at most GREEN_CSV_LINE_SIZE_MAX bytes per line and
 *     GREEN_CSV_FIELD_COUNT_MAX fields per row;
 *   - the first row is the header and must equal the expected header exactly.
 * Never: allocate (rows point into the caller's text), or accept input that
 * a second reading could interpret differently.
 */
#ifndef SZ_GREEN_CSV_H
#define SZ_GREEN_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"

/* Where and why a data file was rejected: "regions.csv:12: unknown grid region". */
typedef struct green_parse_error {
	char file[128];
	uint32_t line;    /* 1-based; 0 = the file as a whole */
	char message[160];
} green_parse_error;

typedef struct green_csv_row {
	uint32_t line;
	uint32_t field_count;
	const char *field[GREEN_CSV_FIELD_COUNT_MAX];
	uint32_t field_size[GREEN_CSV_FIELD_COUNT_MAX];
} green_csv_row;

typedef struct green_csv {
	const char *text;
	size_t size;
	size_t offset;
	uint32_t line;
	const char *file; /* name used in errors */
} green_csv;

/* Starts reading text of size bytes; file names it in errors. */
void green_csv_init(green_csv *csv, const char *text, size_t size, const char *file);

/* Next data row: 1 with row filled, 0 at end of file, SZ_EINVAL with err
 * filled (file, line, reason) on a dialect violation. */
int green_csv_next(green_csv *csv, green_csv_row *row, green_parse_error *err);

/* Reads the header row and checks it equals header ("a,b,c"). */
int green_csv_expect_header(green_csv *csv, const char *header, green_parse_error *err);

/* Fills err (printf-style message) and returns SZ_EINVAL. */
int green_parse_fail(green_parse_error *err, const char *file, uint32_t line,
                     const char *format, ...) __attribute__((format(printf, 4, 5)));

/* Copies field i of row into dst (dst_size bytes with the terminator);
 * SZ_EINVAL with err filled if it is too long. */
int green_csv_field_copy(const green_csv_row *row, uint32_t i, char *dst, size_t dst_size,
                         const char *file, const char *column, green_parse_error *err);

/* 1 if field i of row equals text exactly. */
int green_csv_field_is(const green_csv_row *row, uint32_t i, const char *text);

/*
 * Reads the whole file at path into a new buffer (*text, NUL-terminated,
 * caller frees with free()) of *size bytes. SZ_EIO if it cannot be read,
 * SZ_ELIMIT if larger than GREEN_DATA_FILE_SIZE_MAX, SZ_ENOMEM; err filled.
 */
int green_file_read(const char *path, char **text, size_t *size, green_parse_error *err);

#endif
