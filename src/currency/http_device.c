/*
 * http_device.c — HTTP routes of hard-wallet devices: register a device
 * with its Ed25519 public key, read it, load value into it from its wallet,
 * suspend a lost one (its value refunded), and sync the signed offline
 * payments it made (one outcome per message). Scope and submission as
 * described in http.c; a sync may be uploaded by any caller of the route,
 * since each message is authorised by its device's signature.
 */
#include "currency/http.h"
#include "api/api.h"
#include "api/schema.h"
#include "api/codec.h"
#include "core/assert.h"
#include "currency/http_internal.h"
#include "currency/offline.h"

#include <sodium.h>
#include <string.h>

/* ---- devices -------------------------------------------------------------------------------- */

static json_t *device_json(const struct api_request *r, const struct currency_device *d)
{
	json_t *o = json_object();
	char pk[65];
	sodium_bin2hex(pk, sizeof pk, d->public_key, 32);
	const sz_account *a = ledger_account_get(currency_http_ledger(r), d->id);
	json_object_set_new(o, "id", api_json_string_id(d->id));
	json_object_set_new(o, "wallet_id", api_json_string_id(d->wallet_id));
	json_object_set_new(o, "public_key", json_string(pk));
	json_object_set_new(o, "value", currency_http_amount_json(a ? currency_account_balance(a) : 0));
	json_object_set_new(o, "loaded", currency_http_amount_json(d->loaded_fen));
	json_object_set_new(o, "spent_offline", currency_http_amount_json(d->spent_fen));
	json_object_set_new(o, "refunded", currency_http_amount_json(d->refunded_fen));
	json_object_set_new(o, "last_counter", api_json_string_u64(d->last_counter));
	json_object_set_new(o, "suspended", json_boolean(d->suspended_ns != 0));
	if (d->suspended_ns != 0) {
		/* Payments signed up to suspended_ns settle until settle_until_ns. */
		json_object_set_new(o, "suspended_ns", api_json_string_u64(d->suspended_ns));
		json_object_set_new(o, "settle_until_ns", api_json_string_u64(d->settle_until_ns));
		json_object_set_new(o, "settled", json_boolean(d->settled_ns != 0));
	}
	return o;
}

/* The device named by path parameter 0, in the caller's scope (that of its
 * wallet; any_caller: every caller of the route, for syncs), or NULL. */
static const struct currency_device *path_device_scoped(struct api_request *r, bool any_caller)
{
	sz_id id;
	if (!currency_http_path_id(r, &id))
		return NULL;
	const struct currency_device *d = currency_device_find(currency_http_state(r), id);
	const struct currency_wallet *w = d ? currency_wallet_find(currency_http_state(r), d->wallet_id) : NULL;
	if (d == NULL || w == NULL || (!any_caller && !currency_http_wallet_in_scope(r, w))) {
		api_problem(r, "not_found", "no device %s", api_param(r, 0));
		return NULL;
	}
	return d;
}

static const struct currency_device *path_device(struct api_request *r) { return path_device_scoped(r, false); }

static void device_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!currency_http_result_ok(r, results, count))
		return;
	const struct currency_http_pending *p = r->extra;
	const struct currency_device *d = currency_device_find(currency_http_state(r), p->subject);
	SZ_ASSERT(d != NULL);
	api_reply_json(r, api_result_status(results[0]), device_json(r, d));
}

void currency_handle_device_get(struct api_request *r)
{
	const struct currency_device *d = path_device(r);
	if (d != NULL)
		api_reply_json(r, 200, device_json(r, d));
}

/* POST /v1/devices {"id","wallet_id","public_key": 64 hex}. */
struct device_create_in {
	sz_id id;
	sz_id wallet_id;
	char public_key[2 * 32 + 1];
};

static const struct api_field device_create_fields[] = {
	CURRENCY_HTTP_ID("id", struct device_create_in, id, API_F_REQUIRED),
	CURRENCY_HTTP_ID("wallet_id", struct device_create_in, wallet_id, API_F_REQUIRED),
	{ .name = "public_key", .type = API_T_STRING, .flags = API_F_REQUIRED, .offset = offsetof(struct device_create_in, public_key),
	  .size = sizeof(((struct device_create_in *)0)->public_key), .umin = 2 * 32,
	  .invalid = "'%s' must be 64 hex digits (Ed25519)" },
};
const struct api_schema currency_device_create_schema =
	API_SCHEMA("device_create", device_create_fields, struct device_create_in);

/* Exactly size bytes from 2 * size hex digits (no separators); false otherwise. */
static bool hex_decode(const char *hex, uint8_t *out, size_t size)
{
	size_t n = 0;
	return strlen(hex) == 2 * size && sodium_hex2bin(out, size, hex, 2 * size, NULL, &n, NULL) == 0 && n == size;
}

void currency_handle_device_create(struct api_request *r)
{
	const struct device_create_in *in = r->in;
	SZ_ASSERT(in != NULL);
	struct currency_device_cmd c = { .id = in->id, .wallet_id = in->wallet_id };
	/* Hex is a shape the codec has no type for. */
	if (!hex_decode(in->public_key, c.public_key, sizeof c.public_key)) {
		api_problem(r, "field_invalid", "'public_key' must be 64 hex digits (Ed25519)");
		return;
	}
	const struct currency_wallet *w = currency_wallet_find(currency_http_state(r), c.wallet_id);
	if (w != NULL && !currency_http_wallet_in_scope(r, w)) {
		api_problem(r, "out_of_scope", "the wallet belongs to another operator");
		return;
	}
	currency_http_submit(r, CURRENCY_CMD_DEVICE_REGISTER, &c, sizeof c, c.id, c.id, device_done);
}

/* POST /v1/devices/{id}/load {"id","amount"[,"device_counter"]}: into the
 * command (aux = the device's counter now). */
static const struct api_field device_load_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_amount_cmd, id, API_F_REQUIRED),
	CURRENCY_HTTP_AMOUNT("amount", struct currency_amount_cmd, amount, API_F_REQUIRED),
	CURRENCY_HTTP_UINT("device_counter", struct currency_amount_cmd, aux, 0, 0),
};
const struct api_schema currency_device_load_schema =
	API_SCHEMA("device_load", device_load_fields, struct currency_amount_cmd);

void currency_handle_device_load(struct api_request *r)
{
	struct currency_amount_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	const struct currency_device *d = path_device(r);
	if (d == NULL)
		return;
	c->target_id = d->id;
	currency_http_submit(r, CURRENCY_CMD_DEVICE_LOAD, c, sizeof *c, c->id, d->id, device_done);
}

/* POST /v1/devices/{id}/suspend {"id"} (currency_command_id_schema). */
void currency_handle_device_suspend(struct api_request *r)
{
	struct currency_ref_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	const struct currency_device *d = path_device(r);
	if (d == NULL)
		return;
	c->target_id = d->id;
	currency_http_submit(r, CURRENCY_CMD_DEVICE_SUSPEND, c, sizeof *c, c->id, d->id, device_done);
}

static void sync_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!currency_http_result_ok(r, results, count))
		return;
	const struct currency_http_pending *p = r->extra;
	const struct currency_sync_record *rec = currency_sync_find(currency_http_state(r), p->id);
	SZ_ASSERT(rec != NULL);
	json_t *doc = json_object(), *list = json_array();
	json_object_set_new(doc, "id", api_json_string_id(rec->id));
	json_object_set_new(doc, "accepted", json_integer(rec->accepted));
	for (uint32_t i = 0; i < rec->count; i++) {
		json_t *m = json_object();
		json_object_set_new(m, "counter", api_json_string_u64(rec->counters[i]));
		json_object_set_new(m, "result", json_string(rec->results[i] == 0 ? "accepted" : sz_result_name(rec->results[i])));
		json_array_append_new(list, m);
	}
	json_object_set_new(doc, "messages", list);
	api_reply_json(r, api_result_status(results[0]), doc);
}

/* POST /v1/devices/{id}/sync {"id","messages":[272 hex digits each]}: the
 * payee (or the device's holder) uploads signed offline messages. The
 * path's device is informational: each message names its own device. */
struct sync_message_in {
	char hex[2 * OFFLINE_MESSAGE_SIZE + 1];
};

struct device_sync_in {
	sz_id id;
	struct api_list messages; /* struct sync_message_in */
};

static const struct api_field sync_message_field = {
	.name = "message", .type = API_T_STRING, .offset = offsetof(struct sync_message_in, hex),
	.size = sizeof(((struct sync_message_in *)0)->hex), .umin = 2 * OFFLINE_MESSAGE_SIZE,
	.invalid = "a message must be 272 hex digits",
};
static const struct api_field device_sync_fields[] = {
	CURRENCY_HTTP_ID("id", struct device_sync_in, id, API_F_REQUIRED),
	{ .name = "messages", .type = API_T_LIST, .flags = API_F_REQUIRED, .offset = offsetof(struct device_sync_in, messages),
	  .size = sizeof(struct sync_message_in), .umin = 1, .umax = CURRENCY_SYNC_MESSAGE_COUNT_MAX,
	  .item = &sync_message_field },
};
const struct api_schema currency_device_sync_schema =
	API_SCHEMA("device_sync", device_sync_fields, struct device_sync_in);

_Static_assert(2 * OFFLINE_MESSAGE_SIZE == 272, "the message text the schema and its detail describe");

void currency_handle_device_sync(struct api_request *r)
{
	const struct device_sync_in *in = r->in;
	SZ_ASSERT(in != NULL);
	SZ_ASSERT(in->messages.count >= 1 && in->messages.count <= CURRENCY_SYNC_MESSAGE_COUNT_MAX);
	const struct currency_device *d = path_device_scoped(r, true);
	if (d == NULL)
		return;
	uint64_t body[SZ_COMMAND_SIZE_MAX / 8];
	struct currency_sync_cmd h = { .id = in->id, .count = in->messages.count };
	const struct sync_message_in *msgs = in->messages.items;
	for (uint32_t i = 0; i < h.count; i++) {
		uint8_t *dst = (uint8_t *)body + sizeof h + (size_t)i * OFFLINE_MESSAGE_SIZE;
		if (!hex_decode(msgs[i].hex, dst, OFFLINE_MESSAGE_SIZE)) { /* hex: no codec type */
			api_problem(r, "field_invalid", "messages[%u]: a message must be 272 hex digits", i);
			return;
		}
	}
	memcpy(body, &h, sizeof h);
	currency_http_submit(r, CURRENCY_CMD_DEVICE_SYNC, body, (uint32_t)(sizeof h + h.count * OFFLINE_MESSAGE_SIZE), h.id,
			     d->id, sync_done);
}
