/*
 * fuzz_risk_watchlist.c — libFuzzer harness for the watch-list and variant
 * parsers (src/risk/screen.c).
 *
 * Any input either parses into a list whose entries hold (id and name
 * non-empty and NUL-terminated, kind P or E, count within the limit) or
 * fails with a sentence. The first byte chooses the parser; a parsed list
 * is also scored against itself, to reach the token score with odd keys.
 * Seed corpus: fuzz/corpus/fuzz_risk_watchlist/ (replayed by make test).
 */
#include "core/assert.h"
#include "risk/screen.h"

#include <stdint.h>
#include <string.h>

static struct screen_list list;
static struct screen_variants variants;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[160] = "";
	if (size > 0 && data[0] == 'V') {
		int rc = screen_variants_parse((const char *)data + 1, size - 1, &variants, why, sizeof why);
		SZ_ASSERT(rc == 0 || why[0] != '\0');
		for (uint32_t i = 0; rc == 0 && i < variants.count; i++)
			SZ_ASSERT(variants.items[i].spelling[0] >= 'a' && variants.items[i].spelling[0] <= 'z');
		return 0;
	}
	int rc = screen_list_parse((const char *)data, size, &list, why, sizeof why);
	if (rc != 0) {
		SZ_ASSERT(why[0] != '\0');
		return 0;
	}
	SZ_ASSERT(list.count <= SCREEN_ENTRY_COUNT_MAX);
	SZ_ASSERT(list.version > 0 && list.list_name[0] != '\0');
	for (uint32_t i = 0; i < list.count; i++) {
		const struct screen_entry *e = &list.entries[i];
		SZ_ASSERT(e->id[0] != '\0' && memchr(e->id, '\0', sizeof e->id) != NULL);
		SZ_ASSERT(e->name[0] != '\0' && memchr(e->name, '\0', sizeof e->name) != NULL);
		SZ_ASSERT(e->kind == 'P' || e->kind == 'E');
		/* the listed name as a key: any bytes, scored against itself */
		uint32_t s = screen_score_keys(NULL, e->name, e->name);
		SZ_ASSERT(s <= SCREEN_SCORE_MAX);
	}
	return 0;
}
