/*
 * csv.c — the strict CSV dialect of the green data files (see csv.h for the
 * rules) and bounded whole-file reads. Fuzzed by fuzz/fuzz_green_factors.c.
 */
#include "green/csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assert.h"
#include "core/errors.h"

int green_parse_fail(green_parse_error *err, const char *file, uint32_t line,
                     const char *format, ...)
{
	SZ_ASSERT(format != NULL);
	if (err == NULL) return SZ_EINVAL;
	snprintf(err->file, sizeof err->file, "%s", file ? file : "(input)");
	err->line = line;
	va_list args;
	va_start(args, format);
	vsnprintf(err->message, sizeof err->message, format, args);
	va_end(args);
	return SZ_EINVAL;
}

void green_csv_init(green_csv *csv, const char *text, size_t size, const char *file)
{
	SZ_ASSERT(csv != NULL);
	SZ_ASSERT(text != NULL || size == 0);
	csv->text = text;
	csv->size = size;
	csv->offset = 0;
	csv->line = 0;
	csv->file = file ? file : "(input)";
}

/* Length of the valid UTF-8 sequence at s (at most left bytes), 0 if invalid. */
static size_t green__utf8_length(const unsigned char *s, size_t left)
{
	SZ_ASSERT(left > 0);
	SZ_ASSERT(s[0] >= 0x80);
	size_t length;
	uint32_t min;
	uint32_t code;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) { length = 2; min = 0x80; code = s[0] & 0x1fu; }
	else if (s[0] >= 0xe0 && s[0] <= 0xef) { length = 3; min = 0x800; code = s[0] & 0x0fu; }
	else if (s[0] >= 0xf0 && s[0] <= 0xf4) { length = 4; min = 0x10000; code = s[0] & 0x07u; }
	else return 0;
	if (length > left) return 0;
	for (size_t i = 1; i < length; i++) {
		if ((s[i] & 0xc0) != 0x80) return 0;
		code = (code << 6) | (s[i] & 0x3fu);
	}
	if (code < min || code > 0x10ffff) return 0;
	if (code >= 0xd800 && code <= 0xdfff) return 0;
	return length;
}

int green_csv_next(green_csv *csv, green_csv_row *row, green_parse_error *err)
{
	SZ_ASSERT(csv != NULL);
	SZ_ASSERT(row != NULL);
	while (csv->offset < csv->size) {
		size_t start = csv->offset;
		size_t end = start;
		while (end < csv->size && csv->text[end] != '\n') end++;
		csv->offset = end < csv->size ? end + 1 : end;
		csv->line++;
		size_t length = end - start;
		if (length > 0 && csv->text[start + length - 1] == '\r') length--;
		if (length > GREEN_CSV_LINE_SIZE_MAX)
			return green_parse_fail(err, csv->file, csv->line,
			                        "line longer than %u bytes", GREEN_CSV_LINE_SIZE_MAX);
		const unsigned char *line = (const unsigned char *)csv->text + start;
		/* Validate every byte before interpreting any of them. */
		for (size_t i = 0; i < length;) {
			if (line[i] < 0x20 || line[i] == 0x7f)
				return green_parse_fail(err, csv->file, csv->line,
				                        "control byte 0x%02x at column %zu", line[i], i + 1);
			if (line[i] == '"')
				return green_parse_fail(err, csv->file, csv->line,
				                        "quotes are not allowed (column %zu)", i + 1);
			if (line[i] < 0x80) { i++; continue; }
			size_t n = green__utf8_length(line + i, length - i);
			if (n == 0)
				return green_parse_fail(err, csv->file, csv->line,
				                        "invalid UTF-8 at column %zu", i + 1);
			i += n;
		}
		if (length == 0 || line[0] == '#') continue;
		row->line = csv->line;
		row->field_count = 0;
		size_t field_start = 0;
		for (size_t i = 0; i <= length; i++) {
			if (i < length && line[i] != ',') continue;
			if (row->field_count == GREEN_CSV_FIELD_COUNT_MAX)
				return green_parse_fail(err, csv->file, csv->line,
				                        "more than %u fields", GREEN_CSV_FIELD_COUNT_MAX);
			size_t size = i - field_start;
			if (size > 0 && (line[field_start] == ' ' || line[i - 1] == ' '))
				return green_parse_fail(err, csv->file, csv->line,
				                        "field %u has a space at its start or end",
				                        row->field_count + 1);
			row->field[row->field_count] = (const char *)line + field_start;
			row->field_size[row->field_count] = (uint32_t)size;
			row->field_count++;
			field_start = i + 1;
		}
		SZ_ASSERT(row->field_count >= 1);
		return 1;
	}
	return 0;
}

int green_csv_expect_header(green_csv *csv, const char *header, green_parse_error *err)
{
	SZ_ASSERT(csv != NULL);
	SZ_ASSERT(header != NULL);
	green_csv_row row;
	int status = green_csv_next(csv, &row, err);
	if (status < 0) return status;
	if (status == 0) return green_parse_fail(err, csv->file, csv->line, "empty file: expected header \"%s\"", header);
	/* Re-join the fields and compare with the expected text. */
	size_t at = 0, header_size = strlen(header);
	for (uint32_t i = 0; i < row.field_count; i++) {
		if (i > 0) {
			if (at >= header_size || header[at] != ',') goto mismatch;
			at++;
		}
		if (row.field_size[i] > header_size - at) goto mismatch;
		if (memcmp(header + at, row.field[i], row.field_size[i]) != 0) goto mismatch;
		at += row.field_size[i];
	}
	if (at != header_size) goto mismatch;
	return SZ_OK;
mismatch:
	return green_parse_fail(err, csv->file, row.line, "header must be \"%s\"", header);
}

int green_csv_field_copy(const green_csv_row *row, uint32_t i, char *dst, size_t dst_size,
                         const char *file, const char *column, green_parse_error *err)
{
	SZ_ASSERT(row != NULL && i < row->field_count);
	SZ_ASSERT(dst != NULL && dst_size > 0);
	if (row->field_size[i] >= dst_size)
		return green_parse_fail(err, file, row->line, "%s longer than %zu bytes", column,
		                        dst_size - 1);
	memcpy(dst, row->field[i], row->field_size[i]);
	dst[row->field_size[i]] = '\0';
	return SZ_OK;
}

int green_csv_field_is(const green_csv_row *row, uint32_t i, const char *text)
{
	SZ_ASSERT(row != NULL && i < row->field_count);
	SZ_ASSERT(text != NULL);
	size_t size = strlen(text);
	return size == row->field_size[i] && memcmp(row->field[i], text, size) == 0;
}

int green_file_read(const char *path, char **text, size_t *size, green_parse_error *err)
{
	SZ_ASSERT(path != NULL);
	SZ_ASSERT(text != NULL && size != NULL);
	*text = NULL;
	*size = 0;
	char *buf = NULL;
	int status = SZ_OK;
	FILE *file = fopen(path, "rb");
	if (file == NULL) {
		green_parse_fail(err, path, 0, "cannot open: %s", strerror(errno));
		return SZ_EIO;
	}
	buf = malloc(GREEN_DATA_FILE_SIZE_MAX + 1u);
	if (buf == NULL) {
		status = SZ_ENOMEM;
		green_parse_fail(err, path, 0, "out of memory");
		goto fail;
	}
	size_t length = fread(buf, 1, GREEN_DATA_FILE_SIZE_MAX + 1u, file);
	if (ferror(file)) {
		status = SZ_EIO;
		green_parse_fail(err, path, 0, "read error");
		goto fail;
	}
	if (length > GREEN_DATA_FILE_SIZE_MAX) {
		status = SZ_ELIMIT;
		green_parse_fail(err, path, 0, "larger than %u bytes", GREEN_DATA_FILE_SIZE_MAX);
		goto fail;
	}
	buf[length] = '\0';
	fclose(file);
	*text = buf;
	*size = length;
	return SZ_OK;
fail:
	free(buf);
	fclose(file);
	return status;
}
