/*
 * json.c — JSON answers of the API: encoding of ledger records into response
 * objects (ids and amounts as strings, kinds and flags as names), and the
 * nesting-depth pre-scan (jansson has no configurable depth). Requests are
 * decoded by the one codec (schema.h); the field helpers at the end
 * (api_json_id, api_json_amount, api_dec_*, api_get_*) remain only for domain
 * routes not yet ported to schemas, and go when the last one is.
 * Bodies are parsed with JSON_REJECT_DUPLICATES by the caller (http.c).
 * Never: round anything.
 */
#include "api/api.h"
#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = {
	"general", "reserve", "bank_deposit", "wallet", "merchant", "escrow", "loan", "suspense",
};
#define KIND_COUNT (sizeof kind_names / sizeof kind_names[0])

static const char *const account_flag_names[] = {
	"debits_must_not_exceed_credits", "credits_must_not_exceed_debits", "frozen", "closed",
};
static const char *const transfer_flag_names[] = { "linked", "pending", "post_pending", "void_pending" };

static const char *const status_names[] = {
	"posted", "pending", "pending_posted", "pending_voided", "pending_expired", "void",
};

const char *api_transfer_status_name(int status)
{
	if (status < 0 || (size_t)status >= sizeof status_names / sizeof status_names[0])
		return "unknown";
	return status_names[status];
}

uint32_t api_json_depth(const char *text, size_t size)
{
	uint32_t depth = 0, depth_max = 0;
	bool in_string = false;
	for (size_t i = 0; i < size; i++) {
		char c = text[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			depth++;
			if (depth > depth_max)
				depth_max = depth;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return depth_max;
}

/* ---- decoding helpers -------------------------------------------------- */

#define FAIL(c, ...) do { *code = (c); snprintf(detail, detail_size, __VA_ARGS__); return SZ_EINVAL; } while (0)

int api_json_id(json_t *o, const char *key, bool required, sz_id *out, const char **code,
		char *detail, size_t detail_size)
{
	json_t *v = json_object_get(o, key);
	memset(out, 0, sizeof *out);
	if (v == NULL) {
		if (required)
			FAIL("field_missing", "'%s' is required", key);
		return 0;
	}
	if (!json_is_string(v))
		FAIL("id_invalid", "'%s' must be a string (decimal or 0x-hex 128-bit id)", key);
	if (sz_id_parse(json_string_value(v), json_string_length(v), out, 0))
		FAIL("id_invalid", "'%s' is not a non-zero 128-bit id (decimal or 0x + hex)", key);
	return 0;
}

/* Amount needs the currency's exponent: decode currency first. */
int api_json_amount(json_t *o, uint32_t currency, bool required, uint64_t *out,
		    const char **code, char *detail, size_t detail_size)
{
	json_t *v = json_object_get(o, "amount");
	*out = 0;
	if (v == NULL) {
		if (required)
			FAIL("field_missing", "'amount' is required");
		return 0;
	}
	uint32_t exponent = sz_currency_exponent(currency);
	if (!json_is_string(v) || sz_amount_parse(json_string_value(v), json_string_length(v), exponent, out))
		FAIL("amount_invalid", "'amount' must be a decimal string with at most %u digits after the point, e.g. \"12.34\"",
		     exponent);
	return 0;
}

/* ---- encoding ---------------------------------------------------------- */

json_t *api_json_string_id(sz_id id)
{
	char text[SZ_ID_TEXT_SIZE];
	sz_id_format(id, text);
	return json_string(text);
}

json_t *api_json_string_u64(uint64_t v)
{
	char text[24];
	snprintf(text, sizeof text, "%llu", (unsigned long long)v);
	return json_string(text);
}

json_t *api_json_amount_string(uint64_t minor, uint32_t currency)
{
	char text[SZ_AMOUNT_TEXT_SIZE];
	sz_amount_format(minor, sz_currency_exponent(currency), text);
	return json_string(text);
}

static json_t *flag_names(uint16_t flags, const char *const *names, size_t count)
{
	json_t *a = json_array();
	for (size_t i = 0; i < count; i++)
		if (flags & (1u << i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

json_t *api_json_from_account(const sz_account *a)
{
	char currency[4];
	sz_currency_format(a->currency, currency);
	json_t *o = json_object();
	json_object_set_new(o, "id", api_json_string_id(a->id));
	json_object_set_new(o, "owner_id", api_json_string_id(a->owner_id));
	json_object_set_new(o, "tenant_id", api_json_string_u64(a->tenant_id));
	json_object_set_new(o, "currency", json_string(currency));
	json_object_set_new(o, "kind", json_string(a->kind < KIND_COUNT ? kind_names[a->kind] : "unknown"));
	json_object_set_new(o, "flags", flag_names(a->flags, account_flag_names, 4));
	json_object_set_new(o, "debits_pending", api_json_amount_string(a->debits_pending, a->currency));
	json_object_set_new(o, "debits_posted", api_json_amount_string(a->debits_posted, a->currency));
	json_object_set_new(o, "credits_pending", api_json_amount_string(a->credits_pending, a->currency));
	json_object_set_new(o, "credits_posted", api_json_amount_string(a->credits_posted, a->currency));
	json_object_set_new(o, "user_data", api_json_string_u64(a->user_data));
	json_object_set_new(o, "timestamp_ns", api_json_string_u64(a->timestamp));
	return o;
}

json_t *api_json_from_transfer(const sz_transfer *t, int status)
{
	char currency[4];
	sz_currency_format(t->currency, currency);
	json_t *o = json_object();
	json_object_set_new(o, "id", api_json_string_id(t->id));
	json_object_set_new(o, "debit_account_id", api_json_string_id(t->debit_account_id));
	json_object_set_new(o, "credit_account_id", api_json_string_id(t->credit_account_id));
	json_object_set_new(o, "amount", api_json_amount_string(t->amount, t->currency));
	json_object_set_new(o, "currency", json_string(currency));
	json_object_set_new(o, "code", json_integer(t->code));
	if (!sz_id_is_zero(t->user_ref))
		json_object_set_new(o, "user_ref", api_json_string_id(t->user_ref));
	if (!sz_id_is_zero(t->pending_id))
		json_object_set_new(o, "pending_id", api_json_string_id(t->pending_id));
	if (t->timeout_s)
		json_object_set_new(o, "timeout_s", json_integer(t->timeout_s));
	json_object_set_new(o, "flags", flag_names(t->flags, transfer_flag_names, 4));
	if (status >= 0)
		json_object_set_new(o, "status", json_string(api_transfer_status_name(status)));
	if (t->timestamp)
		json_object_set_new(o, "timestamp_ns", api_json_string_u64(t->timestamp));
	return o;
}

bool api_dec_fail(const char **code, char *detail, size_t detail_size, const char *new_code, const char *fmt,
		  const char *key)
{
	SZ_ASSERT(new_code != NULL);
	if (*code == NULL) {
		*code = new_code;
		snprintf(detail, detail_size, fmt, key);
	}
	return false;
}

bool api_dec_known(const char **code, char *detail, size_t detail_size, json_t *o, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		(void)v;
		bool found = false;
		for (const char *const *a = allowed; *a && !found; a++)
			found = strcmp(*a, key) == 0;
		if (!found)
			return api_dec_fail(code, detail, detail_size, "field_unknown", "unknown field '%s'", key);
	}
	return true;
}

bool api_dec_id(const char **code, char *detail, size_t detail_size, json_t *o, const char *key, bool required,
		sz_id *out)
{
	const char *id_code = NULL;
	char id_detail[256];
	if (api_json_id(o, key, required, out, &id_code, id_detail, sizeof id_detail) == 0)
		return true;
	return api_dec_fail(code, detail, detail_size, id_code, "%s", id_detail);
}

bool api_keys_known(struct api_request *r, json_t *o, const char *const *keys, size_t count)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		bool known = false;
		for (size_t i = 0; i < count && !known; i++)
			known = strcmp(key, keys[i]) == 0;
		if (!known) {
			api_problem(r, "field_unknown", "'%s' is not a field of this route", key);
			return false;
		}
	}
	return true;
}

bool api_get_id(struct api_request *r, json_t *o, const char *key, bool required, sz_id *out)
{
	const char *code = NULL;
	char detail[256];
	if (api_dec_id(&code, detail, sizeof detail, o, key, required, out))
		return true;
	api_problem(r, code, "%s", detail);
	return false;
}

bool api_get_u64(struct api_request *r, json_t *o, const char *key, uint64_t max, uint64_t dflt, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	*out = dflt;
	if (v == NULL)
		return true;
	uint64_t x;
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		x = (uint64_t)json_integer_value(v);
	else if (!json_is_string(v) || sz_u64_parse(json_string_value(v), json_string_length(v), &x)) {
		api_problem(r, "field_invalid", "'%s' must be a non-negative integer", key);
		return false;
	}
	if (x > max) {
		api_problem(r, "field_invalid", "'%s' must be at most %llu", key, (unsigned long long)max);
		return false;
	}
	*out = x;
	return true;
}
