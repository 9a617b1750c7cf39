/*
 * http_device.c — HTTP routes of hard-wallet devices: register a device
 * with its Ed25519 public key, read it, load value into it from its wallet,
 * suspend a lost one (its value refunded), and sync the signed offline
 * payments it made (one outcome per message). Scope and submission as
 * described in http.c; a sync may be uploaded by any caller of the route,
 * since each message is authorised by its device's signature.
 */
#include "currency/http.h"
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

/* POST /v1/devices {"id","wallet_id","public_key": 64 hex} */
void currency_handle_device_create(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "wallet_id", "public_key" };
	struct currency_device_cmd c;
	memset(&c, 0, sizeof c);
	const char *pk = json_string_value(json_object_get(doc, "public_key"));
	size_t bin_len = 0;
	bool ok = api_keys_known(r, doc, keys, 3) && api_get_id(r, doc, "id", true, &c.id) &&
		  api_get_id(r, doc, "wallet_id", true, &c.wallet_id);
	if (ok && (pk == NULL || strlen(pk) != 64 ||
		   sodium_hex2bin(c.public_key, 32, pk, 64, NULL, &bin_len, NULL) != 0 || bin_len != 32)) {
		api_problem(r, "field_invalid", "'public_key' must be 64 hex digits (Ed25519)");
		ok = false;
	}
	json_decref(doc);
	if (!ok)
		return;
	const struct currency_wallet *w = currency_wallet_find(currency_http_state(r), c.wallet_id);
	if (w != NULL && !currency_http_wallet_in_scope(r, w)) {
		api_problem(r, "out_of_scope", "the wallet belongs to another operator");
		return;
	}
	currency_http_submit(r, CURRENCY_CMD_DEVICE_REGISTER, &c, sizeof c, c.id, c.id, device_done);
}

/* POST /v1/devices/{id}/load {"id","amount","device_counter"} */
void currency_handle_device_load(struct api_request *r)
{
	const struct currency_device *d = path_device(r);
	if (d == NULL)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "amount", "device_counter" };
	struct currency_amount_cmd c = { sz_id_make(0, 0), d->id, 0, 0 };
	bool ok = api_keys_known(r, doc, keys, 3) && api_get_id(r, doc, "id", true, &c.id) &&
		  currency_http_get_amount(r, doc, true, &c.amount) && api_get_u64(r, doc, "device_counter", UINT64_MAX, 0, &c.aux);
	json_decref(doc);
	if (ok)
		currency_http_submit(r, CURRENCY_CMD_DEVICE_LOAD, &c, sizeof c, c.id, d->id, device_done);
}

/* POST /v1/devices/{id}/suspend {"id"} */
void currency_handle_device_suspend(struct api_request *r)
{
	const struct currency_device *d = path_device(r);
	if (d == NULL)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id" };
	struct currency_ref_cmd c = { sz_id_make(0, 0), d->id };
	bool ok = api_keys_known(r, doc, keys, 1) && api_get_id(r, doc, "id", true, &c.id);
	json_decref(doc);
	if (ok)
		currency_http_submit(r, CURRENCY_CMD_DEVICE_SUSPEND, &c, sizeof c, c.id, d->id, device_done);
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
void currency_handle_device_sync(struct api_request *r)
{
	const struct currency_device *d = path_device_scoped(r, true);
	if (d == NULL)
		return;
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	static const char *const keys[] = { "id", "messages" };
	uint64_t body[SZ_COMMAND_SIZE_MAX / 8];
	struct currency_sync_cmd h;
	memset(&h, 0, sizeof h);
	json_t *msgs = json_object_get(doc, "messages");
	bool ok = api_keys_known(r, doc, keys, 2) && api_get_id(r, doc, "id", true, &h.id);
	if (ok && (!json_is_array(msgs) || json_array_size(msgs) == 0 ||
		   json_array_size(msgs) > CURRENCY_SYNC_MESSAGE_COUNT_MAX)) {
		api_problem(r, "field_invalid", "'messages' must hold 1 to %u hex strings", CURRENCY_SYNC_MESSAGE_COUNT_MAX);
		ok = false;
	}
	for (size_t i = 0; ok && i < json_array_size(msgs); i++) {
		const char *hex = json_string_value(json_array_get(msgs, i));
		size_t n = 0;
		uint8_t *dst = (uint8_t *)body + sizeof h + i * OFFLINE_MESSAGE_SIZE;
		if (hex == NULL || strlen(hex) != 2 * OFFLINE_MESSAGE_SIZE ||
		    sodium_hex2bin(dst, OFFLINE_MESSAGE_SIZE, hex, strlen(hex), NULL, &n, NULL) != 0 ||
		    n != OFFLINE_MESSAGE_SIZE) {
			api_problem(r, "field_invalid", "message %zu must be %u hex digits", i, 2 * OFFLINE_MESSAGE_SIZE);
			ok = false;
		}
	}
	if (ok) {
		h.count = (uint32_t)json_array_size(msgs);
		memcpy(body, &h, sizeof h);
	}
	json_decref(doc);
	if (ok)
		currency_http_submit(r, CURRENCY_CMD_DEVICE_SYNC, body, (uint32_t)(sizeof h + h.count * OFFLINE_MESSAGE_SIZE), h.id, d->id,
		       sync_done);
}
