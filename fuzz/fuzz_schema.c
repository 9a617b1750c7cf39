/*
 * fuzz_schema.c — libFuzzer harness for the one request codec
 * (src/api/schema.h, codec_schema.c).
 *
 * The first byte picks a schema: every platform request schema, or a
 * schema that holds one field of every type (lists of scalars and of
 * objects included); the rest is a JSON body. Properties: no crash, leak or
 * sanitizer report; a refusal carries a known problem code and a detail; a
 * decode is deterministic (the same body decodes to the same bytes twice);
 * decoded values respect their bounds; release frees every list.
 */
#include "api/api.h"
#include "api/requests.h"
#include "api/schema.h"
#include "core/assert.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sink_item {
	sz_id id;
	int32_t day;
};

struct sink {
	sz_id id;
	uint32_t currency;
	uint64_t amount;
	struct api_decimal rate;
	uint8_t kind;
	uint32_t flags;
	int32_t day;
	uint64_t at_ns;
	uint16_t count;
	int64_t delta;
	bool on;
	char text[6];
	struct api_list words;
	struct api_list items;
};

static const char *const sink_names[] = { "a", "bb", "ccc", NULL };
static const struct api_field sink_word = { .name = "words", .type = API_T_STRING, .size = 4 };
static const struct api_field sink_item_fields[] = {
	{ .name = "id", .type = API_T_ID, .flags = API_F_REQUIRED, .offset = offsetof(struct sink_item, id) },
	{ .name = "day", .type = API_T_DATE, .offset = offsetof(struct sink_item, day) },
};
static const struct api_schema sink_item_schema = API_SCHEMA("sink_item", sink_item_fields, struct sink_item);
static const struct api_field sink_fields[] = {
	{ .name = "id", .type = API_T_ID, .offset = offsetof(struct sink, id) },
	{ .name = "currency", .type = API_T_CURRENCY, .offset = offsetof(struct sink, currency) },
	{ .name = "amount", .type = API_T_AMOUNT, .offset = offsetof(struct sink, amount), .currency_key = "currency",
	  .umin = 1, .umax = 1000000 },
	{ .name = "rate", .type = API_T_DECIMAL, .offset = offsetof(struct sink, rate), .umax = 6, .min = -1 },
	{ .name = "kind", .type = API_T_ENUM, .offset = offsetof(struct sink, kind), .size = 1, .names = sink_names,
	  .base = 3, .dflt = 4 },
	{ .name = "flags", .type = API_T_FLAGS, .offset = offsetof(struct sink, flags), .size = 4, .names = sink_names },
	{ .name = "day", .type = API_T_DATE, .offset = offsetof(struct sink, day), .min = -1000, .max = 40000 },
	{ .name = "at", .type = API_T_TIME, .offset = offsetof(struct sink, at_ns) },
	{ .name = "count", .type = API_T_UINT, .flags = API_F_TEXT | API_F_NUMBER, .offset = offsetof(struct sink, count),
	  .size = 2, .umin = 1, .umax = 999 },
	{ .name = "delta", .type = API_T_INT, .offset = offsetof(struct sink, delta), .size = 8, .min = -50, .max = 50 },
	{ .name = "on", .type = API_T_BOOL, .offset = offsetof(struct sink, on) },
	{ .name = "text", .type = API_T_STRING, .offset = offsetof(struct sink, text), .size = 6, .umin = 2 },
	{ .name = "words", .type = API_T_LIST, .offset = offsetof(struct sink, words), .size = 4, .umax = 5,
	  .item = &sink_word },
	{ .name = "items", .type = API_T_LIST, .offset = offsetof(struct sink, items), .size = sizeof(struct sink_item),
	  .umax = 3, .items = &sink_item_schema },
};
static const struct api_schema sink_schema = API_SCHEMA("sink", sink_fields, struct sink);

static const struct api_schema *const schemas[] = {
	&sink_schema,
	&api_account_create_schema,
	&api_transfer_create_schema,
	&api_transfer_batch_schema,
	&api_transfer_post_schema,
	&api_transfer_void_schema,
	&api_token_create_schema,
	&api_token_role_schema,
};
#define SCHEMA_COUNT (sizeof schemas / sizeof schemas[0])

static void sink_bounds(const struct sink *s)
{
	SZ_ASSERT(s->amount == 0 || (s->amount >= 1 && s->amount <= 1000000));
	SZ_ASSERT(s->rate.scale <= 6);
	SZ_ASSERT(s->kind >= 3 && s->kind <= 5);
	SZ_ASSERT((s->flags & ~7u) == 0);
	SZ_ASSERT(s->day >= -1000 && s->day <= 40000);
	SZ_ASSERT(s->count <= 999);
	SZ_ASSERT(s->delta >= -50 && s->delta <= 50);
	SZ_ASSERT(s->text[0] == '\0' || (strlen(s->text) >= 2 && strlen(s->text) <= 5));
	SZ_ASSERT(s->words.count <= 5 && s->items.count <= 3);
	for (uint32_t i = 0; i < s->items.count; i++)
		SZ_ASSERT(!sz_id_is_zero(((const struct sink_item *)s->items.items)[i].id));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > SZ_API_JSON_BODY_SIZE_MAX)
		return 0;
	const struct api_schema *schema = schemas[data[0] % SCHEMA_COUNT];
	const char *body = (const char *)data + 1;
	if (api_json_depth(body, size - 1) > SZ_API_JSON_DEPTH_MAX)
		return 0;
	json_t *doc = json_loadb(body, size - 1, JSON_REJECT_DUPLICATES, NULL);
	if (doc == NULL)
		return 0;
	void *a = calloc(1, schema->size), *b = calloc(1, schema->size);
	SZ_ASSERT(a != NULL && b != NULL);
	struct api_decode_error err;
	int rc = api_schema_decode(schema, doc, a, &err);
	if (rc != 0) {
		SZ_ASSERT(err.code != NULL && err.detail[0] != '\0');
		SZ_ASSERT(api_problem_status(err.code) >= 400);
	} else {
		SZ_ASSERT(api_schema_decode(schema, doc, b, &err) == 0);
		if (schema == &sink_schema) {
			sink_bounds(a);
			const struct sink *x = a, *y = b;
			SZ_ASSERT(x->words.count == y->words.count && x->items.count == y->items.count);
			SZ_ASSERT(x->words.count == 0 || memcmp(x->words.items, y->words.items, (size_t)x->words.count * 4) == 0);
		} else if (schema != &api_transfer_batch_schema) {
			SZ_ASSERT(memcmp(a, b, schema->size) == 0); /* no lists: the bytes are the decode */
		}
	}
	api_schema_release(schema, a);
	api_schema_release(schema, b);
	free(a);
	free(b);
	json_decref(doc);
	return 0;
}
