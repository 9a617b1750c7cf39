/*
 * http_fiscal.c — HTTP routes of fiscal payments: a batch disbursement from
 * a government agency's wallet (one request of up to
 * CURRENCY_FISCAL_LINE_COUNT_MAX lines, submitted as chunk commands in one
 * engine batch), its per-line report and reconciliation, and tax and fee
 * collection into the treasury with its receipt. Scope as in http.c: the
 * agency's or taxpayer's wallet must be in the caller's scope; a report is
 * read by whoever sees the agency's wallet, a receipt by whoever sees the
 * payer's or the treasury's.
 */
#include "currency/http.h"
#include "api/api.h"
#include "api/schema.h"
#include "api/codec.h"
#include "core/assert.h"
#include "core/results.h"
#include "currency/http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const purpose_names[] = { "subsidy", "salary", "pension", "other", NULL };
static const char *const collection_kind_names[] = { "tax", "fee", NULL };

#define CHUNK_TAG 0x43484e4bu /* "CHNK": chunk command ids */

/* ---- the report ------------------------------------------------------------------------------ */

static json_t *line_json(const struct currency_fiscal_line *l)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", api_json_string_id(l->line_id));
	json_object_set_new(o, "payee_id", api_json_string_id(l->payee_id));
	json_object_set_new(o, "amount", currency_http_amount_json(l->amount));
	const char *name = l->result == 0 ? "paid" : sz_result_name(l->result);
	json_object_set_new(o, "result", json_string(name));
	if (l->result == 0) {
		sz_id tid = currency_fiscal_line_transfer_id(l->line_id);
		json_object_set_new(o, "transfer_id", api_json_string_id(tid));
	}
	return o;
}

static json_t *totals_json(uint32_t count, uint64_t fen)
{
	json_t *o = json_object();
	json_object_set_new(o, "count", json_integer(count));
	json_object_set_new(o, "amount", currency_http_amount_json(fen));
	return o;
}

/* Reconciliation from the ledger, independent of the batch's own sums:
 * every line reported paid has its transfer, from the agency to the payee
 * for the line's amount, and those transfers add up to the paid total. */
static json_t *reconciliation_json(const struct api_request *r, const struct currency_fiscal_batch *b)
{
	const struct currency_state *c = currency_http_state(r);
	const struct ledger *l = currency_http_ledger(r);
	uint64_t ledger_fen = 0, lines_fen = 0;
	uint32_t found = 0, missing = 0, cursor = 0, lines = 0;
	const struct currency_fiscal_line *line;
	while ((line = currency_fiscal_line_next(c, b, &cursor)) != NULL) {
		lines++;
		if (line->result != 0)
			continue;
		lines_fen += line->amount;
		int64_t slot = ledger_slot_find(l, currency_fiscal_line_transfer_id(line->line_id));
		const sz_transfer *t = slot < 0 ? NULL : ledger_derived(l, ledger_slot_log_pos(l, (uint32_t)slot));
		if (t != NULL && sz_id_eq(t->debit_account_id, b->payer_id) && sz_id_eq(t->credit_account_id, line->payee_id) &&
		    t->amount == line->amount) {
			found++;
			ledger_fen += t->amount;
		} else {
			missing++;
		}
	}
	json_t *o = json_object();
	json_object_set_new(o, "line_records", json_integer(lines));
	json_object_set_new(o, "ledger_transfers", json_integer(found));
	json_object_set_new(o, "ledger_amount", currency_http_amount_json(ledger_fen));
	json_object_set_new(o, "unmatched", json_integer(missing));
	bool ok = missing == 0 && ledger_fen == b->paid_fen && lines_fen == b->paid_fen && lines == b->line_count &&
		  b->paid_count + b->failed_count + b->exists_count == b->line_count;
	json_object_set_new(o, "reconciled", json_boolean(ok));
	return o;
}

/* which: 0 every line, 1 the refused ones only, 2 none. */
static json_t *batch_json(const struct api_request *r, const struct currency_fiscal_batch *b, int which)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", api_json_string_id(b->id));
	json_object_set_new(o, "payer_id", api_json_string_id(b->payer_id));
	SZ_ASSERT(b->purpose >= 1 && b->purpose <= CURRENCY_FISCAL_OTHER);
	json_object_set_new(o, "purpose", json_string(purpose_names[b->purpose - 1]));
	json_object_set_new(o, "complete", json_boolean(b->chunks_applied == b->chunk_count));
	json_object_set_new(o, "lines_count", json_integer(b->line_count));
	json_object_set_new(o, "paid", totals_json(b->paid_count, b->paid_fen));
	json_object_set_new(o, "failed", totals_json(b->failed_count, b->failed_fen));
	json_object_set_new(o, "paid_before", totals_json(b->exists_count, b->exists_fen));
	json_object_set_new(o, "created_ns", api_json_string_u64(b->created_ns));
	json_object_set_new(o, "reconciliation", reconciliation_json(r, b));
	if (which != 2) {
		json_t *list = json_array();
		const struct currency_fiscal_line *line;
		uint32_t cursor = 0;
		while ((line = currency_fiscal_line_next(currency_http_state(r), b, &cursor)) != NULL)
			if (which == 0 || (line->result != 0 && line->result != SZ_R_EXISTS))
				json_array_append_new(list, line_json(line));
		json_object_set_new(o, "lines", list);
	}
	return o;
}

/* The batch named by path parameter 0 if the caller sees its agency's wallet, or NULL (answered). */
static const struct currency_fiscal_batch *path_batch(struct api_request *r)
{
	sz_id id;
	if (!currency_http_path_id(r, &id))
		return NULL;
	const struct currency_state *c = currency_http_state(r);
	const struct currency_fiscal_batch *b = currency_fiscal_batch_find(c, id);
	const struct currency_wallet *payer = b ? currency_wallet_find(c, b->payer_id) : NULL;
	if (payer == NULL || !currency_http_wallet_in_scope(r, payer)) {
		api_problem(r, "not_found", "no disbursement %s", api_param(r, 0));
		return NULL;
	}
	return b;
}

/* ?lines=all|failed|none (default all); any other query parameter is refused. */
static int lines_param(struct api_request *r)
{
	const char *v = api_query(r, "lines");
	if (v == NULL || strcmp(v, "all") == 0)
		return 0;
	if (strcmp(v, "failed") == 0)
		return 1;
	if (strcmp(v, "none") == 0)
		return 2;
	api_problem(r, "query_invalid", "'lines' must be all, failed or none");
	return -1;
}

void currency_handle_disbursement_get(struct api_request *r)
{
	int which = lines_param(r);
	if (which < 0)
		return;
	const struct currency_fiscal_batch *b = path_batch(r);
	if (b != NULL)
		api_reply_json(r, 200, batch_json(r, b, which));
}

/* ---- disbursement --------------------------------------------------------------------------- */

struct disburse_in {
	sz_id id;
	sz_id payer_id;
	uint16_t purpose;
	struct api_list lines; /* struct currency_fiscal_line_cmd */
};

static const struct api_field line_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_fiscal_line_cmd, line_id, API_F_REQUIRED),
	CURRENCY_HTTP_ID("payee_id", struct currency_fiscal_line_cmd, payee_id, API_F_REQUIRED),
	CURRENCY_HTTP_AMOUNT("amount", struct currency_fiscal_line_cmd, amount, API_F_REQUIRED),
};
static const struct api_schema line_schema = API_SCHEMA("disbursement_line", line_fields, struct currency_fiscal_line_cmd);
static const struct api_field disburse_fields[] = {
	CURRENCY_HTTP_ID("id", struct disburse_in, id, API_F_REQUIRED),
	CURRENCY_HTTP_ID("payer_id", struct disburse_in, payer_id, API_F_REQUIRED),
	{ .name = "purpose", .type = API_T_ENUM, .flags = API_F_REQUIRED, .offset = offsetof(struct disburse_in, purpose),
	  .size = sizeof(uint16_t), .base = CURRENCY_FISCAL_SUBSIDY, .names = purpose_names },
	{ .name = "lines", .type = API_T_LIST, .flags = API_F_REQUIRED, .offset = offsetof(struct disburse_in, lines),
	  .size = sizeof(struct currency_fiscal_line_cmd), .umin = 1, .umax = CURRENCY_FISCAL_LINE_COUNT_MAX,
	  .items = &line_schema },
};
const struct api_schema currency_disbursement_schema = API_SCHEMA("disbursement", disburse_fields, struct disburse_in);

static void disburse_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		if (results[i] != SZ_R_OK && results[i] != SZ_R_EXISTS) {
			api_problem_result(r, results[i], NULL);
			return;
		}
	const struct currency_http_pending *p = r->extra;
	const struct currency_fiscal_batch *b = currency_fiscal_batch_find(currency_http_state(r), p->id);
	SZ_ASSERT(b != NULL);
	char id[SZ_ID_TEXT_SIZE];
	sz_id_format(b->id, id);
	snprintf(r->location, sizeof r->location, "/v1/fiscal/disbursements/%s", id);
	api_reply_json(r, results[0] == SZ_R_OK ? 201 : 200, batch_json(r, b, 0));
}

/* Lay the lines out as chunk commands, one after another. Returns the bytes used. */
static uint32_t chunks_build(const struct disburse_in *in, uint8_t *buf, uint32_t chunk_count)
{
	const struct currency_fiscal_line_cmd *lines = in->lines.items;
	uint32_t used = 0;
	for (uint32_t k = 0; k < chunk_count; k++) {
		uint32_t first = k * CURRENCY_FISCAL_CHUNK_LINE_COUNT_MAX;
		uint32_t n = in->lines.count - first;
		if (n > CURRENCY_FISCAL_CHUNK_LINE_COUNT_MAX)
			n = CURRENCY_FISCAL_CHUNK_LINE_COUNT_MAX;
		struct currency_fiscal_chunk_cmd c = {
			.id = currency_derive_id(in->id, CHUNK_TAG, k), .batch_id = in->id, .payer_id = in->payer_id,
			.chunk_index = k, .chunk_count = chunk_count, .line_count = n, .purpose = in->purpose,
		};
		sz_command_header h = { .size = (uint32_t)(sizeof h + sizeof c + n * sizeof *lines),
					.kind = CURRENCY_CMD_FISCAL_DISBURSE };
		SZ_ASSERT(h.size <= SZ_COMMAND_SIZE_MAX && h.size % 8 == 0);
		memcpy(buf + used, &h, sizeof h);
		memcpy(buf + used + sizeof h, &c, sizeof c);
		memcpy(buf + used + sizeof h + sizeof c, lines + first, n * sizeof *lines);
		used += h.size;
	}
	return used;
}

void currency_handle_disbursement_create(struct api_request *r)
{
	const struct disburse_in *in = r->in;
	SZ_ASSERT(in != NULL);
	SZ_ASSERT(in->lines.count >= 1 && in->lines.count <= CURRENCY_FISCAL_LINE_COUNT_MAX);
	const struct currency_wallet *payer = currency_wallet_find(currency_http_state(r), in->payer_id);
	if (payer == NULL || !currency_http_wallet_in_scope(r, payer)) {
		api_problem(r, "not_found", "no wallet %s", "payer_id");
		return;
	}
	uint32_t chunk_count = (in->lines.count + CURRENCY_FISCAL_CHUNK_LINE_COUNT_MAX - 1) / CURRENCY_FISCAL_CHUNK_LINE_COUNT_MAX;
	uint8_t *buf = malloc((size_t)chunk_count * SZ_COMMAND_SIZE_MAX);
	struct currency_http_pending *p = calloc(1, sizeof *p);
	if (buf == NULL || p == NULL) {
		free(buf);
		free(p);
		api_problem(r, "internal", "out of memory");
		return;
	}
	uint32_t size = chunks_build(in, buf, chunk_count);
	p->id = in->id;
	p->subject = in->payer_id;
	p->kind = CURRENCY_CMD_FISCAL_DISBURSE;
	free(r->extra);
	r->extra = p;
	api_submit(r, buf, size, chunk_count, disburse_done); /* the engine copies the commands */
	free(buf);
}

/* ---- collection and receipt ----------------------------------------------------------------- */

static json_t *receipt_json(const struct currency_state *c, const struct currency_op *op)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", api_json_string_id(op->id));
	json_object_set_new(o, "receipt_no", api_json_string_id(currency_derive_id(op->id, 0x54524e53u, 0)));
	const struct currency_wallet *payer = currency_op_wallet(c, op->payer), *treasury = currency_op_wallet(c, op->payee);
	SZ_ASSERT(payer != NULL && treasury != NULL);
	json_object_set_new(o, "payer_id", api_json_string_id(payer->id));
	json_object_set_new(o, "treasury_id", api_json_string_id(treasury->id));
	json_object_set_new(o, "amount", currency_http_amount_json(op->amount));
	json_object_set_new(o, "currency", json_string("CNY"));
	SZ_ASSERT(op->topup_fen >= 1 && op->topup_fen <= 2);
	json_object_set_new(o, "kind", json_string(collection_kind_names[op->topup_fen - 1]));
	json_object_set_new(o, "tax_code", json_integer(op->mcc));
	json_object_set_new(o, "period", json_integer(op->aux));
	json_object_set_new(o, "collected_ns", api_json_string_u64(op->timestamp_ns));
	return o;
}

static const struct api_field collect_fields[] = {
	CURRENCY_HTTP_ID("id", struct currency_collect_cmd, id, API_F_REQUIRED),
	CURRENCY_HTTP_ID("payer_id", struct currency_collect_cmd, payer_id, API_F_REQUIRED),
	CURRENCY_HTTP_ID("treasury_id", struct currency_collect_cmd, treasury_id, API_F_REQUIRED),
	CURRENCY_HTTP_AMOUNT("amount", struct currency_collect_cmd, amount, API_F_REQUIRED),
	{ .name = "kind", .type = API_T_ENUM, .flags = API_F_REQUIRED, .offset = offsetof(struct currency_collect_cmd, kind),
	  .size = sizeof(uint16_t), .base = CURRENCY_COLLECT_TAX, .names = collection_kind_names },
	CURRENCY_HTTP_UINT("tax_code", struct currency_collect_cmd, tax_code, API_F_REQUIRED, 9999),
	CURRENCY_HTTP_UINT("period", struct currency_collect_cmd, period, API_F_REQUIRED, 999912),
};
const struct api_schema currency_collection_schema = API_SCHEMA("collection", collect_fields, struct currency_collect_cmd);

static void collect_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!currency_http_result_ok(r, results, count))
		return;
	const struct currency_http_pending *p = r->extra;
	const struct currency_op *op = currency_op_find(currency_http_state(r), p->id);
	SZ_ASSERT(op != NULL && op->kind == CURRENCY_CMD_FISCAL_COLLECT);
	char id[SZ_ID_TEXT_SIZE];
	sz_id_format(op->id, id);
	snprintf(r->location, sizeof r->location, "/v1/fiscal/collections/%s", id);
	api_reply_json(r, api_result_status(results[0]), receipt_json(currency_http_state(r), op));
}

void currency_handle_collection_create(struct api_request *r)
{
	struct currency_collect_cmd *c = r->in;
	SZ_ASSERT(c != NULL);
	const struct currency_wallet *payer = currency_wallet_find(currency_http_state(r), c->payer_id);
	if (payer == NULL || !currency_http_wallet_in_scope(r, payer)) {
		api_problem(r, "not_found", "no wallet %s", "payer_id");
		return;
	}
	currency_http_submit(r, CURRENCY_CMD_FISCAL_COLLECT, c, sizeof *c, c->id, payer->id, collect_done);
}

void currency_handle_collection_get(struct api_request *r)
{
	sz_id id;
	if (!currency_http_path_id(r, &id))
		return;
	const struct currency_state *c = currency_http_state(r);
	const struct currency_op *op = currency_op_find(c, id);
	bool seen = false;
	if (op != NULL && op->kind == CURRENCY_CMD_FISCAL_COLLECT)
		seen = currency_http_wallet_in_scope(r, currency_op_wallet(c, op->payer)) ||
		       currency_http_wallet_in_scope(r, currency_op_wallet(c, op->payee));
	if (!seen) {
		api_problem(r, "not_found", "no collection %s", api_param(r, 0));
		return;
	}
	api_reply_json(r, 200, receipt_json(c, op));
}
