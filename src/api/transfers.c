/*
 * transfers.c — transfer routes: single, linked batch, pending post/void,
 * lookup; and the binary batch endpoints.
 *
 * Scope: the caller must be allowed to debit the debit account (the credit
 * side may be any account: paying another bank's customer is normal). An
 * operator or merchant naming a debit account that does not exist gets the
 * ledger's debit_account_not_found at once, so the check cannot be raced by
 * an account created later in the same batch.
 * Accounts of the currency and contract domains (user_data tagged, see
 * currency.h) are refused on either side with domain_account: only those
 * domains' commands may move their money.
 *
 * Binary wire format (docs/openapi.yaml, "Binary batches"): the request body
 * is N records of 128 bytes, each an sz_transfer (or sz_account) exactly as
 * in include/szfin/szfin.h, little-endian, engine-set fields zero; the
 * answer is N little-endian u32 result codes in request order. N is 1 to
 * SZ_BATCH_COMMAND_COUNT_MAX; the N records commit in one batch.
 */
#include "api/api.h"
#include "api/codec.h"
#include "api/metrics.h"
#include "core/assert.h"
#include "core/errors.h"
#include "currency/currency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct transfer_cmd {
	sz_command_header h;
	sz_transfer t;
};
_Static_assert(sizeof(struct transfer_cmd) == 136, "transfer command is 136 bytes");

struct account_cmd {
	sz_command_header h;
	sz_account a;
};
_Static_assert(sizeof(struct account_cmd) == 8 + sizeof(sz_account), "account command has no padding");

static const struct ledger *ledger_of(const struct api_request *r)
{
	return &sz_engine_state(r->server->engine)->ledger;
}

/* SZ_R_OK if r's caller may debit id; otherwise the result to answer with. */
static uint32_t debit_scope(const struct api_request *r, sz_id debit_account_id)
{
	if (r->principal.role == API_ROLE_CENTRAL_BANK)
		return SZ_R_OK;
	const sz_account *a = ledger_account_get(ledger_of(r), debit_account_id);
	if (a == NULL)
		return SZ_R_DEBIT_ACCOUNT_NOT_FOUND;
	return api_scope_can_debit(&r->principal, a) ? SZ_R_OK : SZ_R_DENIED;
}

/* Refuse (answering domain_account) a transfer that names an account of the
 * currency or contract domains on either side; false if it names none. */
static bool refuse_domain_accounts(struct api_request *r, sz_id debit_id, sz_id credit_id, const char *where)
{
	const sz_id ids[2] = { debit_id, credit_id };
	for (int i = 0; i < 2; i++) {
		const sz_account *a = ledger_account_get(ledger_of(r), ids[i]);
		if (a == NULL || !currency_user_data_is_domain(a->user_data))
			continue;
		char text[SZ_ID_TEXT_SIZE];
		sz_id_format(ids[i], text);
		api_problem(r, "domain_account", "%saccount %s is held by the currency domain: use its wallet, device "
			    "or contract routes", where, text);
		return true;
	}
	return false;
}

static void answer_scope(struct api_request *r, uint32_t result, const char *where)
{
	if (result == SZ_R_DENIED)
		api_problem(r, "out_of_scope", "%sthe debit account belongs to another tenant or owner", where);
	else
		api_problem_result(r, result, where[0] ? where : NULL);
}

/* ---- single ------------------------------------------------------------ */

static void transfer_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK && results[0] != SZ_R_EXISTS) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	const sz_transfer *t = &r->u.transfer;
	char id[SZ_ID_TEXT_SIZE];
	sz_id_format(t->id, id);
	snprintf(r->location, sizeof r->location, "/v1/transfers/%s", id);
	int status = (t->flags & SZ_TRANSFER_PENDING) ? SZ_STATUS_PENDING
		   : (t->flags & SZ_TRANSFER_VOID_PENDING) ? SZ_STATUS_VOID : SZ_STATUS_POSTED;
	if (results[0] == SZ_R_EXISTS) { /* report the stored state of a retried transfer */
		int64_t slot = ledger_slot_find(ledger_of(r), t->id);
		if (slot >= 0)
			status = ledger_slot_status(ledger_of(r), (uint32_t)slot);
	}
	api_reply_json(r, api_result_status(results[0]), api_json_from_transfer(t, status));
}

static void submit_transfer(struct api_request *r)
{
	uint32_t scope = debit_scope(r, r->u.transfer.debit_account_id);
	if (scope != SZ_R_OK) {
		answer_scope(r, scope, "");
		return;
	}
	if (refuse_domain_accounts(r, r->u.transfer.debit_account_id, r->u.transfer.credit_account_id, ""))
		return;
	struct transfer_cmd cmd = { { sizeof cmd, SZ_CMD_CREATE_TRANSFER, 0 }, r->u.transfer };
	api_submit(r, &cmd, sizeof cmd, 1, transfer_done);
}

void api_handle_transfer_create(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	const char *code = NULL;
	char detail[256];
	int rc = api_json_transfer(doc, &r->u.transfer, &code, detail, sizeof detail);
	json_decref(doc);
	if (rc) {
		api_problem(r, code, "%s", detail);
		return;
	}
	submit_transfer(r);
}

/* ---- lookup, post, void ------------------------------------------------ */

void api_transfer_complete(const struct sz_engine *e, sz_transfer *t)
{
	if (sz_id_is_zero(t->pending_id) || t->currency != 0)
		return;
	const struct ledger *l = &sz_engine_state(e)->ledger;
	int64_t slot = ledger_slot_find(l, t->pending_id);
	sz_transfer pending;
	if (slot < 0 || sz_engine_read_transfer(e, l->slots[slot].log_pos, &pending))
		return;
	t->debit_account_id = pending.debit_account_id;
	t->credit_account_id = pending.credit_account_id;
	t->currency = pending.currency;
	if (t->amount == 0 && (t->flags & SZ_TRANSFER_POST_PENDING))
		t->amount = pending.amount;
}

/* Read transfer id into out; -1 if absent (nothing answered). */
static int64_t transfer_read(struct api_request *r, sz_id id, sz_transfer *out)
{
	const struct ledger *l = ledger_of(r);
	int64_t slot = ledger_slot_find(l, id);
	if (slot < 0)
		return -1;
	int rc = sz_engine_read_transfer(r->server->engine, l->slots[slot].log_pos, out);
	if (rc != 0)
		return rc == SZ_ECORRUPT ? -3 : -2;
	api_transfer_complete(r->server->engine, out);
	return slot;
}

static bool transfer_readable(const struct api_request *r, const sz_transfer *t)
{
	const struct ledger *l = ledger_of(r);
	const sz_account *d = ledger_account_get(l, t->debit_account_id);
	const sz_account *c = ledger_account_get(l, t->credit_account_id);
	return (d && api_scope_can_read(&r->principal, d)) || (c && api_scope_can_read(&r->principal, c));
}

void api_handle_transfer_get(struct api_request *r)
{
	sz_id id;
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), &id, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return;
	}
	sz_transfer t;
	int64_t slot = transfer_read(r, id, &t);
	if (slot == -3) {
		api_problem(r, "log_corrupt", "the log record of transfer %s failed its checksum", text);
		return;
	}
	if (slot == -2) {
		api_problem(r, "internal", "cannot read the transfer record from the log");
		return;
	}
	if (slot < 0 || !transfer_readable(r, &t)) {
		api_problem(r, "transfer_not_found", "no transfer %s", text);
		return;
	}
	api_reply_json(r, 200, api_json_from_transfer(&t, ledger_slot_status(ledger_of(r), (uint32_t)slot)));
}

static void second_phase_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK && results[0] != SZ_R_EXISTS) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	sz_transfer t;
	int64_t slot = transfer_read(r, r->u.transfer.id, &t);
	if (slot < 0) {
		api_problem(r, "internal", "the applied transfer cannot be read back");
		return;
	}
	api_reply_json(r, api_result_status(results[0]),
		       api_json_from_transfer(&t, ledger_slot_status(ledger_of(r), (uint32_t)slot)));
}

static void second_phase(struct api_request *r, uint16_t flag)
{
	sz_id pending_id;
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), &pending_id, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return;
	}
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	sz_transfer pending;
	int64_t slot = transfer_read(r, pending_id, &pending);
	if (slot < 0 || !transfer_readable(r, &pending)) {
		json_decref(doc);
		api_problem_result(r, SZ_R_PENDING_NOT_FOUND, NULL);
		return;
	}
	const char *code = NULL;
	char detail[256];
	sz_transfer *t = &r->u.transfer;
	memset(t, 0, sizeof *t);
	const char *key;
	json_t *value;
	json_object_foreach(doc, key, value) {
		(void)value;
		if (strcmp(key, "id") != 0 && strcmp(key, "code") != 0 &&
		    (strcmp(key, "amount") != 0 || flag != SZ_TRANSFER_POST_PENDING)) {
			api_problem(r, "field_unknown", "unknown field '%s'", key);
			json_decref(doc);
			return;
		}
	}
	int rc = api_json_id(doc, "id", true, &t->id, &code, detail, sizeof detail);
	if (rc == 0)
		rc = api_json_amount(doc, pending.currency, false, &t->amount, &code, detail, sizeof detail);
	json_decref(doc);
	if (rc) {
		api_problem(r, code, "%s", detail);
		return;
	}
	t->pending_id = pending_id;
	t->flags = flag;
	t->debit_account_id = pending.debit_account_id; /* for the scope check */
	uint32_t scope = debit_scope(r, pending.debit_account_id);
	memset(&t->debit_account_id, 0, sizeof t->debit_account_id);
	if (scope != SZ_R_OK) {
		answer_scope(r, scope, "");
		return;
	}
	if (refuse_domain_accounts(r, pending.debit_account_id, pending.credit_account_id, ""))
		return;
	struct transfer_cmd cmd = { { sizeof cmd, SZ_CMD_CREATE_TRANSFER, 0 }, *t };
	api_submit(r, &cmd, sizeof cmd, 1, second_phase_done);
}

void api_handle_transfer_post(struct api_request *r) { second_phase(r, SZ_TRANSFER_POST_PENDING); }
void api_handle_transfer_void(struct api_request *r) { second_phase(r, SZ_TRANSFER_VOID_PENDING); }

/* ---- JSON batch -------------------------------------------------------- */

static void batch_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	const struct transfer_cmd *cmds = r->extra;
	json_t *rows = json_array();
	uint32_t ok = 0;
	for (uint32_t i = 0; i < count; i++) {
		json_t *row = json_object();
		json_object_set_new(row, "id", api_json_string_id(cmds[i].t.id));
		json_object_set_new(row, "result", json_string(auth_result_name(results[i])));
		json_object_set_new(row, "status", json_integer(api_result_status(results[i])));
		json_array_append_new(rows, row);
		ok += results[i] == SZ_R_OK || results[i] == SZ_R_EXISTS;
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "results", rows);
	json_object_set_new(doc, "ok_count", json_integer(ok));
	json_object_set_new(doc, "failed_count", json_integer(count - ok));
	api_reply_json(r, 200, doc);
}

/* Decode the batch into commands; answers a problem and returns 0 on error. */
static uint32_t batch_decode(struct api_request *r, json_t *doc, struct transfer_cmd **out)
{
	const char *key;
	json_t *value;
	json_object_foreach(doc, key, value) {
		(void)value;
		if (strcmp(key, "transfers") != 0 && strcmp(key, "linked") != 0) {
			api_problem(r, "field_unknown", "unknown field '%s'", key);
			return 0;
		}
	}
	json_t *items = json_object_get(doc, "transfers");
	json_t *linked = json_object_get(doc, "linked");
	if (!json_is_array(items) || (linked != NULL && !json_is_boolean(linked))) {
		api_problem(r, "field_invalid", "send {\"transfers\": [...], \"linked\": true|false}");
		return 0;
	}
	uint32_t count = (uint32_t)json_array_size(items);
	if (count == 0 || count > r->server->config.batch_count_max) {
		api_problem(r, count ? "batch_too_large" : "batch_empty", "a batch has 1 to %u transfers",
			    r->server->config.batch_count_max);
		return 0;
	}
	struct transfer_cmd *cmds = calloc(count, sizeof *cmds);
	SZ_ASSERT(cmds != NULL);
	*out = cmds;
	for (uint32_t i = 0; i < count; i++) {
		const char *code = NULL;
		char detail[256], where[32];
		snprintf(where, sizeof where, "transfers[%u]: ", i);
		cmds[i].h = (sz_command_header){ sizeof cmds[i], SZ_CMD_CREATE_TRANSFER, 0 };
		if (api_json_transfer(json_array_get(items, i), &cmds[i].t, &code, detail, sizeof detail)) {
			api_problem(r, code, "%s%s", where, detail);
			return 0;
		}
		uint32_t scope = debit_scope(r, cmds[i].t.debit_account_id);
		if (scope != SZ_R_OK) {
			answer_scope(r, scope, where);
			return 0;
		}
		if (refuse_domain_accounts(r, cmds[i].t.debit_account_id, cmds[i].t.credit_account_id, where))
			return 0;
		if (json_is_true(linked) && i + 1 < count)
			cmds[i].t.flags |= SZ_TRANSFER_LINKED;
	}
	return count;
}

void api_handle_transfer_batch(struct api_request *r)
{
	json_t *doc = api_body_json(r);
	if (doc == NULL)
		return;
	struct transfer_cmd *cmds = NULL;
	uint32_t count = batch_decode(r, doc, &cmds);
	json_decref(doc);
	r->extra = cmds;
	if (count == 0)
		return;
	api_metrics_batch(r->server->metrics, count);
	api_submit(r, cmds, count * (uint32_t)sizeof *cmds, count, batch_done);
}

/* ---- binary ------------------------------------------------------------ */

static void binary_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == r->submitted_count);
	/* the host is little-endian (asserted below), so results are the wire form */
	api_reply_bytes(r, 200, "application/octet-stream", results, (size_t)count * sizeof *results);
}

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the binary wire is little-endian like the host");

/* Check the binary body; returns the record count or 0 after answering. */
static uint32_t binary_count(struct api_request *r)
{
	if (r->body_size == 0) {
		api_problem(r, "batch_empty", "send 1 to %u records of 128 bytes", SZ_BATCH_COMMAND_COUNT_MAX);
		return 0;
	}
	if (r->body_size % 128 != 0) {
		api_problem(r, "record_size_invalid", "%zu bytes is not a whole number of 128-byte records", r->body_size);
		return 0;
	}
	size_t count = r->body_size / 128;
	if (count > SZ_BATCH_COMMAND_COUNT_MAX) {
		api_problem(r, "batch_too_large", "at most %u records", SZ_BATCH_COMMAND_COUNT_MAX);
		return 0;
	}
	return (uint32_t)count;
}

void api_handle_binary_transfers(struct api_request *r)
{
	uint32_t count = binary_count(r);
	if (count == 0)
		return;
	struct transfer_cmd *cmds = (struct transfer_cmd *)r->server->scratch;
	SZ_ASSERT(r->server->scratch_size >= count * sizeof *cmds);
	for (uint32_t i = 0; i < count; i++) {
		cmds[i].h = (sz_command_header){ sizeof cmds[i], SZ_CMD_CREATE_TRANSFER, 0 };
		memcpy(&cmds[i].t, r->body + (size_t)i * 128, 128);
		uint32_t scope = debit_scope(r, cmds[i].t.debit_account_id);
		char where[32];
		snprintf(where, sizeof where, "record %u: ", i);
		if (scope != SZ_R_OK) {
			answer_scope(r, scope, where);
			return;
		}
		if (refuse_domain_accounts(r, cmds[i].t.debit_account_id, cmds[i].t.credit_account_id, where))
			return;
	}
	api_metrics_batch(r->server->metrics, count);
	api_submit(r, cmds, count * (uint32_t)sizeof *cmds, count, binary_done);
}

void api_handle_binary_accounts(struct api_request *r)
{
	uint32_t count = binary_count(r);
	if (count == 0)
		return;
	struct account_cmd *cmds = (struct account_cmd *)r->server->scratch;
	SZ_ASSERT(r->server->scratch_size >= count * sizeof *cmds);
	for (uint32_t i = 0; i < count; i++) {
		cmds[i].h = (sz_command_header){ sizeof cmds[i], SZ_CMD_CREATE_ACCOUNT, 0 };
		memcpy(&cmds[i].a, r->body + (size_t)i * 128, 128);
		if (r->principal.role == API_ROLE_OPERATOR && cmds[i].a.tenant_id == 0)
			cmds[i].a.tenant_id = r->principal.tenant_id;
		if (!api_scope_can_create(&r->principal, &cmds[i].a)) {
			api_problem(r, "out_of_scope", "record %u: an operator creates accounts only in its tenant", i);
			return;
		}
		if (currency_user_data_is_domain(cmds[i].a.user_data)) {
			api_problem(r, "domain_account", "record %u: user_data carries the currency domain's tag", i);
			return;
		}
	}
	api_metrics_batch(r->server->metrics, count);
	api_submit(r, cmds, count * (uint32_t)sizeof *cmds, count, binary_done);
}
