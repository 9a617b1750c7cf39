/*
 * csv.c — strict RFC 4180 reader into a column table (see csv.h for syntax).
 *
 * lint-float: offline — CSV reading is for the offline train/validate/cv tools; apply never parses CSV.
 *
 * Two passes over the text. The first checks the structure (quoting, field
 * counts, sizes) and learns, per column, whether every non-missing field is a
 * number; it stores nothing but the header. The second, on text now known to
 * be well-formed, fills exact-size arrays: doubles for numeric columns and
 * interned label indexes for categorical ones. Both passes share one
 * tokenizer, so they cannot disagree about where a field ends.
 */
#include "credit/csv.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Open-addressing slots of one categorical column's label dictionary: a
 * power of two at least twice the level bound, so probes stay short. */
#define CSV_LEVEL_SLOT_COUNT 8192u
_Static_assert(CSV_LEVEL_SLOT_COUNT >= 2u * SZ_CREDIT_CSV_LEVEL_COUNT_MAX,
	       "label dictionary at most half full");
_Static_assert((CSV_LEVEL_SLOT_COUNT & (CSV_LEVEL_SLOT_COUNT - 1u)) == 0,
	       "slot count is a power of two");

enum csv_end { CSV_END_FIELD, CSV_END_RECORD, CSV_END_FILE };

struct csv_cursor {
	const char *data;
	size_t size;
	size_t pos;
	uint32_t line;
};

struct csv_field {
	char text[SZ_CREDIT_CSV_FIELD_SIZE_MAX + 1]; /* unquoted, NUL-terminated */
	size_t size;
	enum csv_end end;
};

static void csv_error_set(credit_csv_error *error, uint32_t line, uint32_t field,
			  const char *format, ...) __attribute__((format(printf, 4, 5)));

static void csv_error_set(credit_csv_error *error, uint32_t line, uint32_t field,
			  const char *format, ...)
{
	if (error == NULL)
		return;
	error->line = line;
	error->field = field;
	char reason[128];
	va_list args;
	va_start(args, format);
	vsnprintf(reason, sizeof(reason), format, args);
	va_end(args);
	if (line == 0)
		snprintf(error->message, sizeof(error->message), "%s", reason);
	else if (field == 0)
		snprintf(error->message, sizeof(error->message), "line %u: %s", line, reason);
	else
		snprintf(error->message, sizeof(error->message), "line %u, field %u: %s",
			 line, field, reason);
}

static int csv_append(struct csv_field *f, char ch, const struct csv_cursor *c,
		      uint32_t field_number, credit_csv_error *error)
{
	SZ_ASSERT(f->size <= SZ_CREDIT_CSV_FIELD_SIZE_MAX);
	if (ch == '\0') {
		csv_error_set(error, c->line, field_number, "NUL byte in field");
		return SZ_EINVAL;
	}
	if (f->size == SZ_CREDIT_CSV_FIELD_SIZE_MAX) {
		csv_error_set(error, c->line, field_number, "field longer than %u bytes",
			      SZ_CREDIT_CSV_FIELD_SIZE_MAX);
		return SZ_ELIMIT;
	}
	f->text[f->size++] = ch;
	return SZ_OK;
}

/* Consumes the terminator after a field (comma, CRLF, LF or end of file). */
static int csv_terminator(struct csv_cursor *c, struct csv_field *f, uint32_t field_number,
			  bool after_quote, credit_csv_error *error)
{
	if (c->pos >= c->size) {
		f->end = CSV_END_FILE;
		return SZ_OK;
	}
	char ch = c->data[c->pos];
	if (ch == ',') {
		c->pos++;
		f->end = CSV_END_FIELD;
		return SZ_OK;
	}
	if (ch == '\n') {
		c->pos++;
		c->line++;
		f->end = CSV_END_RECORD;
		return SZ_OK;
	}
	if (ch == '\r') {
		if (c->pos + 1 < c->size && c->data[c->pos + 1] == '\n') {
			c->pos += 2;
			c->line++;
			f->end = CSV_END_RECORD;
			return SZ_OK;
		}
		csv_error_set(error, c->line, field_number, "carriage return not followed by line feed");
		return SZ_EINVAL;
	}
	SZ_ASSERT(after_quote);
	csv_error_set(error, c->line, field_number,
		      "unexpected character after closing quote (0x%02x)", (unsigned)(unsigned char)ch);
	return SZ_EINVAL;
}

/* Reads one field at the cursor into f. field_number is for messages. */
static int csv_field_next(struct csv_cursor *c, struct csv_field *f, uint32_t field_number,
			  credit_csv_error *error)
{
	SZ_ASSERT(c->pos <= c->size);
	f->size = 0;
	int rc;
	if (c->pos < c->size && c->data[c->pos] == '"') {
		uint32_t open_line = c->line;
		c->pos++;
		for (;;) {
			if (c->pos >= c->size) {
				csv_error_set(error, c->line, field_number,
					      "quoted field opened on line %u is never closed", open_line);
				return SZ_EINVAL;
			}
			char ch = c->data[c->pos];
			if (ch == '"') {
				if (c->pos + 1 < c->size && c->data[c->pos + 1] == '"') {
					rc = csv_append(f, '"', c, field_number, error);
					if (rc != SZ_OK)
						return rc;
					c->pos += 2;
					continue;
				}
				c->pos++;
				break;
			}
			rc = csv_append(f, ch, c, field_number, error);
			if (rc != SZ_OK)
				return rc;
			if (ch == '\n')
				c->line++;
			c->pos++;
		}
		f->text[f->size] = '\0';
		return csv_terminator(c, f, field_number, true, error);
	}
	while (c->pos < c->size) {
		char ch = c->data[c->pos];
		if (ch == ',' || ch == '\n' || ch == '\r')
			break;
		if (ch == '"') {
			csv_error_set(error, c->line, field_number, "quote inside an unquoted field");
			return SZ_EINVAL;
		}
		rc = csv_append(f, ch, c, field_number, error);
		if (rc != SZ_OK)
			return rc;
		c->pos++;
	}
	f->text[f->size] = '\0';
	return csv_terminator(c, f, field_number, false, error);
}

/* At the start of a record: true when only line terminators remain (the
 * file's trailing empty lines), false when a record follows. An empty line
 * followed by more data is an error. */
static int csv_at_end(const struct csv_cursor *c, bool *at_end, credit_csv_error *error)
{
	if (c->pos >= c->size) {
		*at_end = true;
		return SZ_OK;
	}
	char ch = c->data[c->pos];
	if (ch != '\n' && ch != '\r') {
		*at_end = false;
		return SZ_OK;
	}
	for (size_t i = c->pos; i < c->size; i++) {
		if (c->data[i] != '\n' && c->data[i] != '\r') {
			csv_error_set(error, c->line, 0, "empty line inside the table");
			return SZ_EINVAL;
		}
	}
	*at_end = true;
	return SZ_OK;
}

int credit_csv_is_missing(const char *text, size_t size)
{
	SZ_ASSERT(text != NULL || size == 0);
	static const char *const tokens[] = { "NA", "N/A", "NULL", "null", "NaN" };
	if (size == 0)
		return 1;
	if (size > 4 || (text[0] != 'N' && text[0] != 'n'))
		return 0; /* fast path: every token is 2-4 bytes starting with N or n */
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		if (strlen(tokens[i]) == size && memcmp(tokens[i], text, size) == 0)
			return 1;
	}
	return 0;
}

static size_t csv_digits(const char *text, size_t size, size_t pos)
{
	size_t start = pos;
	while (pos < size && text[pos] >= '0' && text[pos] <= '9')
		pos++;
	return pos - start;
}

int credit_csv_number_parse(const char *text, size_t size, double *out)
{
	SZ_ASSERT(out != NULL);
	SZ_ASSERT(text != NULL || size == 0);
	if (size == 0 || size > SZ_CREDIT_CSV_FIELD_SIZE_MAX)
		return SZ_EINVAL;
	size_t pos = 0;
	if (text[pos] == '+' || text[pos] == '-')
		pos++;
	size_t int_digits = csv_digits(text, size, pos);
	pos += int_digits;
	size_t frac_digits = 0;
	if (pos < size && text[pos] == '.') {
		pos++;
		frac_digits = csv_digits(text, size, pos);
		pos += frac_digits;
	}
	if (int_digits + frac_digits == 0)
		return SZ_EINVAL;
	if (pos < size && (text[pos] == 'e' || text[pos] == 'E')) {
		pos++;
		if (pos < size && (text[pos] == '+' || text[pos] == '-'))
			pos++;
		size_t exp_digits = csv_digits(text, size, pos);
		if (exp_digits == 0)
			return SZ_EINVAL;
		pos += exp_digits;
	}
	if (pos != size)
		return SZ_EINVAL;
	char copy[SZ_CREDIT_CSV_FIELD_SIZE_MAX + 1];
	memcpy(copy, text, size);
	copy[size] = '\0';
	char *end = NULL;
	errno = 0;
	double value = strtod(copy, &end);
	if (end != copy + size || !isfinite(value))
		return SZ_EINVAL;
	*out = value;
	return SZ_OK;
}

void credit_csv_release(credit_csv_table *table)
{
	SZ_ASSERT(table != NULL);
	if (table->columns != NULL) {
		for (uint32_t i = 0; i < table->column_count; i++) {
			credit_csv_column *col = &table->columns[i];
			free(col->name);
			free(col->numbers);
			free(col->levels);
			if (col->level_names != NULL) {
				for (uint32_t j = 0; j < col->level_count; j++)
					free(col->level_names[j]);
			}
			free(col->level_names);
		}
	}
	free(table->columns);
	memset(table, 0, sizeof(*table));
}

int32_t credit_csv_column_find(const credit_csv_table *table, const char *name)
{
	SZ_ASSERT(table != NULL);
	SZ_ASSERT(name != NULL);
	for (uint32_t i = 0; i < table->column_count; i++) {
		if (strcmp(table->columns[i].name, name) == 0)
			return (int32_t)i;
	}
	return -1;
}

int32_t credit_csv_level_find(const credit_csv_column *column, const char *label)
{
	SZ_ASSERT(column != NULL);
	SZ_ASSERT(label != NULL);
	if (column->kind != CREDIT_CSV_CATEGORICAL)
		return -1;
	for (uint32_t i = 0; i < column->level_count; i++) {
		if (strcmp(column->level_names[i], label) == 0)
			return (int32_t)i;
	}
	return -1;
}

static uint32_t csv_label_hash(const char *text, size_t size)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < size; i++) {
		h ^= (uint8_t)text[i];
		h *= 16777619u;
	}
	return h;
}

/* Reads the header record into table->columns (names only). */
static int csv_header_read(struct csv_cursor *c, struct csv_field *f, credit_csv_table *table,
			   credit_csv_error *error)
{
	bool at_end = false;
	int rc = csv_at_end(c, &at_end, error);
	if (rc != SZ_OK)
		return rc;
	if (at_end) {
		csv_error_set(error, c->line, 0, "no header row");
		return SZ_EINVAL;
	}
	table->columns = calloc(SZ_CREDIT_CSV_COLUMN_COUNT_MAX, sizeof(*table->columns));
	if (table->columns == NULL)
		return SZ_ENOMEM;
	uint32_t line = c->line;
	for (;;) {
		uint32_t field_number = table->column_count + 1;
		rc = csv_field_next(c, f, field_number, error);
		if (rc != SZ_OK)
			return rc;
		if (table->column_count == SZ_CREDIT_CSV_COLUMN_COUNT_MAX) {
			csv_error_set(error, line, field_number, "more than %u columns",
				      SZ_CREDIT_CSV_COLUMN_COUNT_MAX);
			return SZ_ELIMIT;
		}
		if (f->size == 0 || strlen(f->text) != f->size) {
			csv_error_set(error, line, field_number, "empty column name");
			return SZ_EINVAL;
		}
		for (uint32_t i = 0; i < table->column_count; i++) {
			if (strcmp(table->columns[i].name, f->text) == 0) {
				csv_error_set(error, line, field_number,
					      "duplicate column name (same as field %u)", i + 1);
				return SZ_EINVAL;
			}
		}
		credit_csv_column *col = &table->columns[table->column_count];
		col->name = strdup(f->text);
		if (col->name == NULL)
			return SZ_ENOMEM;
		col->kind = CREDIT_CSV_NUMERIC;
		table->column_count++;
		if (f->end != CSV_END_FIELD)
			break;
	}
	SZ_ASSERT(table->column_count >= 1);
	return SZ_OK;
}

/* Reads one data record; calls visit for each field. Returns the status of
 * the first failure. record_line is the line the record starts on. */
typedef int (*csv_visit_fn)(void *context, uint32_t column, const struct csv_field *f,
			    uint32_t line, credit_csv_error *error);

static int csv_record_read(struct csv_cursor *c, struct csv_field *f,
			   const credit_csv_table *table, csv_visit_fn visit, void *context,
			   credit_csv_error *error)
{
	uint32_t record_line = c->line;
	uint32_t count = 0;
	for (;;) {
		uint32_t field_line = c->line;
		int rc = csv_field_next(c, f, count + 1, error);
		if (rc != SZ_OK)
			return rc;
		if (count == table->column_count) {
			csv_error_set(error, record_line, count + 1,
				      "record has more than the header's %u fields", table->column_count);
			return SZ_EINVAL;
		}
		rc = visit(context, count, f, field_line, error);
		if (rc != SZ_OK)
			return rc;
		count++;
		if (f->end != CSV_END_FIELD)
			break;
	}
	if (count != table->column_count) {
		csv_error_set(error, record_line, count,
			      "record has %u fields, the header has %u", count, table->column_count);
		return SZ_EINVAL;
	}
	return SZ_OK;
}

/* Pass one: per column, whether any non-missing field is not a number. */
struct csv_scan {
	bool *textual;
};

static int csv_scan_visit(void *context, uint32_t column, const struct csv_field *f,
			  uint32_t line, credit_csv_error *error)
{
	(void)line;
	(void)error;
	struct csv_scan *scan = context;
	SZ_ASSERT(scan->textual != NULL);
	if (scan->textual[column] || credit_csv_is_missing(f->text, f->size))
		return SZ_OK;
	double value;
	if (credit_csv_number_parse(f->text, f->size, &value) != SZ_OK)
		scan->textual[column] = true;
	return SZ_OK;
}

/* Pass two: fill the arrays of row `row`. */
struct csv_fill {
	credit_csv_table *table;
	uint32_t row;
	int32_t **slots; /* per categorical column: CSV_LEVEL_SLOT_COUNT level indexes or -1 */
};

static int csv_intern(credit_csv_column *col, int32_t *slots, const struct csv_field *f,
		      int32_t *out)
{
	uint32_t mask = CSV_LEVEL_SLOT_COUNT - 1u;
	uint32_t slot = csv_label_hash(f->text, f->size) & mask;
	for (uint32_t probe = 0; probe < CSV_LEVEL_SLOT_COUNT; probe++) {
		int32_t level = slots[slot];
		if (level < 0)
			break;
		const char *name = col->level_names[level];
		if (strlen(name) == f->size && memcmp(name, f->text, f->size) == 0) {
			*out = level;
			return SZ_OK;
		}
		slot = (slot + 1u) & mask;
	}
	SZ_ASSERT(slots[slot] < 0);
	if (col->level_count == SZ_CREDIT_CSV_LEVEL_COUNT_MAX)
		return SZ_ELIMIT;
	char *name = malloc(f->size + 1);
	if (name == NULL)
		return SZ_ENOMEM;
	memcpy(name, f->text, f->size + 1);
	col->level_names[col->level_count] = name;
	slots[slot] = (int32_t)col->level_count;
	*out = (int32_t)col->level_count;
	col->level_count++;
	return SZ_OK;
}

static int csv_fill_visit(void *context, uint32_t column, const struct csv_field *f,
			  uint32_t line, credit_csv_error *error)
{
	struct csv_fill *fill = context;
	credit_csv_column *col = &fill->table->columns[column];
	SZ_ASSERT(fill->row < fill->table->row_count);
	bool missing = credit_csv_is_missing(f->text, f->size) != 0;
	if (missing)
		col->missing_count++;
	if (col->kind == CREDIT_CSV_NUMERIC) {
		double value = NAN;
		if (!missing) {
			int rc = credit_csv_number_parse(f->text, f->size, &value);
			SZ_ASSERT(rc == SZ_OK); /* pass one saw every field of this column parse */
		}
		col->numbers[fill->row] = value;
		return SZ_OK;
	}
	SZ_ASSERT(col->kind == CREDIT_CSV_CATEGORICAL);
	int32_t level = -1;
	if (!missing) {
		int rc = csv_intern(col, fill->slots[column], f, &level);
		if (rc == SZ_ELIMIT) {
			csv_error_set(error, line, column + 1,
				      "column '%.40s' has more than %u distinct values", col->name,
				      SZ_CREDIT_CSV_LEVEL_COUNT_MAX);
			return rc;
		}
		if (rc != SZ_OK)
			return rc;
	}
	col->levels[fill->row] = level;
	return SZ_OK;
}

/* Over 70 lines: the RFC 4180 state machine in one loop, so every byte is
 * looked at once. */
static int csv_parse_body(credit_csv_table *table, const char *data, size_t size,
			  struct csv_field *f, credit_csv_error *error)
{
	struct csv_cursor c = { .data = data, .size = size, .pos = 0, .line = 1 };
	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		c.pos = 3;
	int rc = csv_header_read(&c, f, table, error);
	if (rc != SZ_OK)
		return rc;
	struct csv_cursor body = c;

	/* Pass one: structure and column kinds. */
	bool textual[SZ_CREDIT_CSV_COLUMN_COUNT_MAX] = { false };
	struct csv_scan scan = { .textual = textual };
	uint32_t row_count = 0;
	for (;;) {
		bool at_end = false;
		if (f->end == CSV_END_FILE)
			break;
		rc = csv_at_end(&c, &at_end, error);
		if (rc != SZ_OK)
			return rc;
		if (at_end)
			break;
		if (row_count == SZ_CREDIT_CSV_ROW_COUNT_MAX) {
			csv_error_set(error, c.line, 0, "more than %u data rows",
				      SZ_CREDIT_CSV_ROW_COUNT_MAX);
			return SZ_ELIMIT;
		}
		rc = csv_record_read(&c, f, table, csv_scan_visit, &scan, error);
		if (rc != SZ_OK)
			return rc;
		row_count++;
	}

	/* Allocation, exact sizes. */
	table->row_count = row_count;
	int32_t *slots[SZ_CREDIT_CSV_COLUMN_COUNT_MAX] = { NULL };
	size_t rows = row_count > 0 ? row_count : 1;
	for (uint32_t i = 0; i < table->column_count; i++) {
		credit_csv_column *col = &table->columns[i];
		if (textual[i]) {
			col->kind = CREDIT_CSV_CATEGORICAL;
			col->levels = malloc(rows * sizeof(*col->levels));
			col->level_names = calloc(SZ_CREDIT_CSV_LEVEL_COUNT_MAX, sizeof(char *));
			slots[i] = malloc(CSV_LEVEL_SLOT_COUNT * sizeof(int32_t));
			if (col->levels == NULL || col->level_names == NULL || slots[i] == NULL) {
				rc = SZ_ENOMEM;
				goto fail;
			}
			memset(slots[i], 0xff, CSV_LEVEL_SLOT_COUNT * sizeof(int32_t));
		} else {
			col->kind = CREDIT_CSV_NUMERIC;
			col->numbers = malloc(rows * sizeof(*col->numbers));
			if (col->numbers == NULL) {
				rc = SZ_ENOMEM;
				goto fail;
			}
		}
	}

	/* Pass two: values. */
	c = body;
	struct csv_fill fill = { .table = table, .row = 0, .slots = slots };
	for (fill.row = 0; fill.row < row_count; fill.row++) {
		rc = csv_record_read(&c, f, table, csv_fill_visit, &fill, error);
		if (rc != SZ_OK)
			goto fail;
	}
	rc = SZ_OK;
fail:
	for (uint32_t i = 0; i < table->column_count; i++)
		free(slots[i]);
	return rc;
}

int credit_csv_parse(credit_csv_table *table, const char *data, size_t size,
		     credit_csv_error *error)
{
	SZ_ASSERT(table != NULL);
	SZ_ASSERT(data != NULL || size == 0);
	memset(table, 0, sizeof(*table));
	if (error != NULL)
		memset(error, 0, sizeof(*error));
	if (size > SZ_CREDIT_CSV_SIZE_MAX) {
		csv_error_set(error, 0, 0, "file larger than %u bytes", SZ_CREDIT_CSV_SIZE_MAX);
		return SZ_ELIMIT;
	}
	if (size == 0)
		data = "";
	struct csv_field *f = malloc(sizeof(*f));
	if (f == NULL)
		return SZ_ENOMEM;
	int rc = csv_parse_body(table, data, size, f, error);
	free(f);
	if (rc != SZ_OK) {
		if (rc == SZ_ENOMEM)
			csv_error_set(error, 0, 0, "out of memory");
		credit_csv_release(table);
	}
	return rc;
}

int credit_csv_load(credit_csv_table *table, const char *path, credit_csv_error *error)
{
	SZ_ASSERT(table != NULL);
	SZ_ASSERT(path != NULL);
	memset(table, 0, sizeof(*table));
	char *data = NULL;
	int rc = SZ_EIO;
	FILE *file = fopen(path, "rb");
	if (file == NULL) {
		csv_error_set(error, 0, 0, "cannot open %.100s: %s", path, strerror(errno));
		return SZ_EIO;
	}
	long end = -1;
	if (fseek(file, 0, SEEK_END) == 0)
		end = ftell(file);
	if (end < 0 || fseek(file, 0, SEEK_SET) != 0) {
		csv_error_set(error, 0, 0, "cannot read %.100s: not a regular file", path);
		rc = SZ_EIO;
		goto fail;
	}
	if ((unsigned long)end > SZ_CREDIT_CSV_SIZE_MAX) {
		csv_error_set(error, 0, 0, "%.100s is larger than %u bytes", path,
			      SZ_CREDIT_CSV_SIZE_MAX);
		rc = SZ_ELIMIT;
		goto fail;
	}
	size_t size = (size_t)end;
	data = malloc(size + 1u);
	if (data == NULL) {
		csv_error_set(error, 0, 0, "out of memory");
		rc = SZ_ENOMEM;
		goto fail;
	}
	if (fread(data, 1, size, file) != size) {
		csv_error_set(error, 0, 0, "cannot read %.100s", path);
		rc = SZ_EIO;
		goto fail;
	}
	rc = credit_csv_parse(table, data, size, error);
fail:
	free(data);
	fclose(file);
	return rc;
}
