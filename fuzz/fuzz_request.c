/*
 * fuzz_request.c — libFuzzer harness for request decoding: the JSON depth
 * pre-scan, strict parsing, the account and transfer request schemas (the
 * one codec, schema.h), and the route matcher over every registered table.
 *
 * The first byte picks the target; the rest is the body (or the path).
 * Properties: no crash or sanitizer report; a decoded transfer or account
 * encodes to JSON that decodes back to the same record (round trip).
 */
#include "api/api.h"
#include "api/requests.h"
#include "app/registry.h"
#include "core/assert.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Encoded fields that a request does not carry. */
static void strip_response_only(json_t *o)
{
	static const char *const keys[] = { "flags", "status", "timestamp_ns", "debits_pending", "debits_posted",
					    "credits_pending", "credits_posted" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		json_object_del(o, keys[i]);
}

static void transfer_round_trip(json_t *doc)
{
	struct api_transfer_in in, back;
	struct api_decode_error err;
	if (api_schema_decode(&api_transfer_create_schema, doc, &in, &err) != 0) {
		SZ_ASSERT(api_problem_status(err.code) >= 400);
		return;
	}
	json_t *o = api_json_from_transfer(&in.t, -1);
	strip_response_only(o);
	if (in.pending)
		json_object_set_new(o, "pending", json_true());
	SZ_ASSERT(api_schema_decode(&api_transfer_create_schema, o, &back, &err) == 0);
	SZ_ASSERT(memcmp(&in.t, &back.t, sizeof in.t) == 0);
	SZ_ASSERT(in.pending == back.pending);
	json_decref(o);
}

static void account_round_trip(json_t *doc)
{
	sz_account a, back;
	struct api_decode_error err;
	if (api_schema_decode(&api_account_create_schema, doc, &a, &err) != 0) {
		SZ_ASSERT(api_problem_status(err.code) >= 400);
		return;
	}
	json_t *o = api_json_from_account(&a);
	json_t *flags = json_object_get(o, "flags");
	json_incref(flags);
	strip_response_only(o);
	json_object_set_new(o, "flags", flags);
	if (sz_id_is_zero(a.owner_id))
		json_object_del(o, "owner_id"); /* shown as "0", which a request may not send */
	SZ_ASSERT(api_schema_decode(&api_account_create_schema, o, &back, &err) == 0);
	SZ_ASSERT(memcmp(&a, &back, sizeof a) == 0);
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > SZ_API_JSON_BODY_SIZE_MAX)
		return 0;
	uint8_t target = data[0] % 3;
	const char *body = (const char *)data + 1;
	size_t body_size = size - 1;
	if (target == 2) {
		char path[512], params[SZ_API_PATH_PARAM_COUNT_MAX][SZ_API_PARAM_SIZE_MAX];
		uint32_t n = 0;
		size_t len = body_size < sizeof path - 1 ? body_size : sizeof path - 1;
		memcpy(path, body, len);
		path[len] = '\0';
		static bool installed;
		char why[256];
		if (!installed)
			SZ_ASSERT(app_registry_install(why, sizeof why) == 0);
		installed = true;
		int index = api_route_match("GET", path, params, &n);
		SZ_ASSERT(index >= -2 && index < (int)api_route_count());
		return 0;
	}
	if (api_json_depth(body, body_size) > SZ_API_JSON_DEPTH_MAX)
		return 0;
	json_t *doc = json_loadb(body, body_size, JSON_REJECT_DUPLICATES, NULL);
	if (doc == NULL)
		return 0;
	if (target == 0)
		transfer_round_trip(doc);
	else
		account_round_trip(doc);
	json_decref(doc);
	return 0;
}
