/* results.c — names and texts of command result codes (ledger and domains). */
#include "szfin/szfin.h"
#include "core/results.h"
#include "core/assert.h"

#include <stddef.h>

#define RESULT_TABLE_COUNT_MAX 16u

static const struct sz_result_info ledger_results[] = {
#define SZ_RESULT_INFO(n, name, code, text) { n, code, text },
	SZ_RESULT_LIST(SZ_RESULT_INFO)
#undef SZ_RESULT_INFO
};

static struct {
	const struct sz_result_info *rows;
	size_t count;
} tables[RESULT_TABLE_COUNT_MAX] = { { ledger_results, sizeof ledger_results / sizeof ledger_results[0] } };
static size_t table_count = 1;

void sz_result_register(const struct sz_result_info *rows, size_t count)
{
	for (size_t i = 0; i < table_count; i++)
		if (tables[i].rows == rows)
			return;
	SZ_ASSERT(table_count < RESULT_TABLE_COUNT_MAX);
	tables[table_count].rows = rows;
	tables[table_count].count = count;
	table_count++;
}

static const struct sz_result_info *find(uint32_t result)
{
	for (size_t t = 0; t < table_count; t++)
		for (size_t i = 0; i < tables[t].count; i++)
			if (tables[t].rows[i].result == result)
				return &tables[t].rows[i];
	return NULL;
}

const char *sz_result_name(uint32_t result)
{
	const struct sz_result_info *r = find(result);
	return r ? r->name : "unknown";
}

const char *sz_result_text(uint32_t result)
{
	const struct sz_result_info *r = find(result);
	return r ? r->text : "unknown result";
}

static struct {
	const struct sz_result_class_info *rows;
	size_t count;
} class_tables[RESULT_TABLE_COUNT_MAX];
static size_t class_table_count;

void sz_result_classes_register(const struct sz_result_class_info *rows, size_t count)
{
	for (size_t i = 0; i < class_table_count; i++)
		if (class_tables[i].rows == rows)
			return;
	SZ_ASSERT(class_table_count < RESULT_TABLE_COUNT_MAX);
	for (size_t i = 0; i < count; i++)
		SZ_ASSERT(rows[i].result_class <= SZ_RESULT_CLASS_CONFLICT);
	class_tables[class_table_count].rows = rows;
	class_tables[class_table_count].count = count;
	class_table_count++;
}

enum sz_result_class sz_result_class(uint32_t result)
{
	for (size_t t = 0; t < class_table_count; t++)
		for (size_t i = 0; i < class_tables[t].count; i++)
			if (class_tables[t].rows[i].result == result)
				return (enum sz_result_class)class_tables[t].rows[i].result_class;
	return SZ_RESULT_CLASS_REJECTED;
}
