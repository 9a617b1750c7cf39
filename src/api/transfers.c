/*
 * transfers.c — transfer routes: single, linked batch, pending post/void,
 * lookup; and the binary batch endpoints.
 *
 * Scope: the caller must be allowed to debit the debit account (the credit
 * side may be any account: paying another bank's customer is normal). An
 * operator or merchant naming a debit account that does not exist gets the
 * ledger's debit_account_not_found at once, so the check cannot be raced by
 * an account created later in the same batch.
 * Accounts a domain owns (its descriptor's owns_account, asked through
 * sz_state_account_owner) are refused on either side with domain_account:
 * only that domain's commands may move their money.
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
#include "api/requests.h"
#include "core/errors.h"
#include "ledger/ledger.h"

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
	return sz_ledger_const(sz_engine_state(r->server->engine));
}

/* SZ_R_OK if r's caller may debit a (NULL: not found); otherwise the
 * result to answer with. */
static uint32_t debit_scope_of(const struct api_request *r, const sz_account *a)
{
	if (r->principal.role == API_ROLE_CENTRAL_BANK)
		return SZ_R_OK;
	if (a == NULL)
		return SZ_R_DEBIT_ACCOUNT_NOT_FOUND;
	return api_scope_can_debit(&r->principal, a) ? SZ_R_OK : SZ_R_DENIED;
}

/* SZ_R_OK if r's caller may debit id; otherwise the result to answer with. */
static uint32_t debit_scope(const struct api_request *r, sz_id debit_account_id)
{
	if (r->principal.role == API_ROLE_CENTRAL_BANK)
		return SZ_R_OK;
	return debit_scope_of(r, ledger_account_get(ledger_of(r), debit_account_id));
}

/* Refuse (answering domain_account) a transfer that names an account a
 * domain owns on either side; false if it names none. */
static bool refuse_domain_accounts(struct api_request *r, sz_id debit_id, sz_id credit_id, const char *where)
{
	const sz_id ids[2] = { debit_id, credit_id };
	for (int i = 0; i < 2; i++) {
		const sz_account *a = ledger_account_get(ledger_of(r), ids[i]);
		const char *owner = a != NULL ? api_account_owner(r, a) : NULL;
		if (owner == NULL)
			continue;
		char text[SZ_ID_TEXT_SIZE];
		sz_id_format(ids[i], text);
		api_problem(r, "domain_account", "%saccount %s is held by the %s domain: use that domain's routes "
			    "(wallets, devices, contracts)", where, text, owner);
		return true;
	}
	return false;
}

/* ---- request schemas ----------------------------------------------------- */

#define TF(field) offsetof(struct api_transfer_in, t.field)
static const struct api_field transfer_fields[] = {
	{ .name = "id", .type = API_T_ID, .flags = API_F_REQUIRED, .offset = TF(id) },
	{ .name = "debit_account_id", .type = API_T_ID, .flags = API_F_REQUIRED, .offset = TF(debit_account_id) },
	{ .name = "credit_account_id", .type = API_T_ID, .flags = API_F_REQUIRED, .offset = TF(credit_account_id) },
	{ .name = "user_ref", .type = API_T_ID, .offset = TF(user_ref) },
	{ .name = "currency", .type = API_T_CURRENCY, .flags = API_F_REQUIRED, .offset = TF(currency) },
	{ .name = "amount", .type = API_T_AMOUNT, .flags = API_F_REQUIRED, .offset = TF(amount),
	  .currency_key = "currency" },
	{ .name = "code", .type = API_T_UINT, .offset = TF(code), .size = 2 },
	{ .name = "timeout_s", .type = API_T_UINT, .offset = TF(timeout_s), .size = 4 },
	{ .name = "pending", .type = API_T_BOOL, .offset = offsetof(struct api_transfer_in, pending) },
};
#undef TF
const struct api_schema api_transfer_create_schema =
	API_SCHEMA("transfer_create", transfer_fields, struct api_transfer_in);

static const struct api_field batch_fields[] = {
	{ .name = "transfers", .type = API_T_LIST, .flags = API_F_REQUIRED,
	  .offset = offsetof(struct api_transfer_batch_in, transfers), .size = sizeof(struct api_transfer_in),
	  .umax = SZ_BATCH_COMMAND_COUNT_MAX, .items = &api_transfer_create_schema },
	{ .name = "linked", .type = API_T_BOOL, .offset = offsetof(struct api_transfer_batch_in, linked) },
};
const struct api_schema api_transfer_batch_schema =
	API_SCHEMA("transfer_batch", batch_fields, struct api_transfer_batch_in);

#define SP(field) offsetof(struct api_second_phase_in, field)
static const struct api_field post_fields[] = {
	{ .name = "id", .type = API_T_ID, .flags = API_F_REQUIRED, .offset = SP(id) },
	{ .name = "code", .type = API_T_UINT, .offset = SP(code), .size = 2 },
	/* at most 2 fraction digits: no currency has a larger exponent (codec.h);
	 * the pending transfer's currency bounds it further in second_phase */
	{ .name = "amount", .type = API_T_DECIMAL, .flags = API_F_PRESENT, .offset = SP(amount), .umax = 2,
	  .present_offset = SP(amount_given) },
};
static const struct api_field void_fields[] = {
	{ .name = "id", .type = API_T_ID, .flags = API_F_REQUIRED, .offset = SP(id) },
	{ .name = "code", .type = API_T_UINT, .offset = SP(code), .size = 2 },
};
#undef SP
const struct api_schema api_transfer_post_schema =
	API_SCHEMA("transfer_post", post_fields, struct api_second_phase_in);
const struct api_schema api_transfer_void_schema =
	API_SCHEMA("transfer_void", void_fields, struct api_second_phase_in);

/* The decoded transfer with its pending flag folded in. */
static sz_transfer transfer_of(const struct api_transfer_in *in)
{
	sz_transfer t = in->t;
	SZ_ASSERT(t.flags == 0);
	if (in->pending)
		t.flags |= SZ_TRANSFER_PENDING;
	return t;
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
		struct ledger_slot found;
		if (ledger_transfer_find(ledger_of(r), t->id, &found, NULL) > 0)
			status = ledger_slot_copy_status(&found);
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
	SZ_ASSERT(r->in != NULL);
	r->u.transfer = transfer_of(r->in);
	submit_transfer(r);
}

/* ---- lookup, post, void ------------------------------------------------ */

void api_transfer_complete(const struct sz_engine *e, sz_transfer *t)
{
	if (sz_id_is_zero(t->pending_id) || t->currency != 0)
		return;
	const struct ledger *l = sz_ledger_const(sz_engine_state(e));
	struct ledger_slot found;
	sz_transfer pending;
	if (ledger_transfer_find(l, t->pending_id, &found, NULL) <= 0 ||
	    sz_engine_read_transfer(e, ledger_slot_copy_log_pos(&found), &pending))
		return;
	t->debit_account_id = pending.debit_account_id;
	t->credit_account_id = pending.credit_account_id;
	t->currency = pending.currency;
	/* A post of 0 posts the whole hold; a void voids it all: show that amount. */
	if (t->amount == 0 && (t->flags & (SZ_TRANSFER_POST_PENDING | SZ_TRANSFER_VOID_PENDING)))
		t->amount = pending.amount;
}

/* Read transfer id, in RAM or on the disk tier, into out and its slot into
 * found: 0; -1 if absent, -2 if unreadable, -3 if a checksum failed
 * (nothing answered). */
static int transfer_read(struct api_request *r, sz_id id, sz_transfer *out, struct ledger_slot *found)
{
	SZ_ASSERT(out != NULL && found != NULL);
	int rc = ledger_transfer_find(ledger_of(r), id, found, NULL);
	if (rc == 0)
		return -1;
	if (rc < 0)
		return rc == SZ_ECORRUPT ? -3 : -2;
	rc = sz_engine_read_transfer(r->server->engine, ledger_slot_copy_log_pos(found), out);
	if (rc != 0)
		return rc == SZ_ECORRUPT ? -3 : -2;
	api_transfer_complete(r->server->engine, out);
	return 0;
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
	struct ledger_slot found;
	int rc = transfer_read(r, id, &t, &found);
	if (rc == -3) {
		api_problem(r, "log_corrupt", "the log record of transfer %s failed its checksum", text);
		return;
	}
	if (rc == -2) {
		api_problem(r, "internal", "cannot read the transfer record from the log");
		return;
	}
	if (rc < 0 || !transfer_readable(r, &t)) {
		api_problem(r, "transfer_not_found", "no transfer %s", text);
		return;
	}
	api_reply_json(r, 200, api_json_from_transfer(&t, ledger_slot_copy_status(&found)));
}

struct transfer_filter {
	bool by_account, by_currency;
	sz_id account_id;
	uint32_t currency;
};

/* ?account_id=ID&currency=XYZ; answers 400 and returns false if bad. */
static bool transfer_filter_parse(struct api_request *r, struct transfer_filter *f)
{
	memset(f, 0, sizeof *f);
	const char *account = api_query(r, "account_id");
	const char *currency = api_query(r, "currency");
	if (account != NULL && sz_id_parse(account, strlen(account), &f->account_id, 0)) {
		api_problem(r, "query_invalid", "account_id must be an id");
		return false;
	}
	if (currency != NULL && (strlen(currency) != 3 || strspn(currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)) {
		api_problem(r, "query_invalid", "currency must be three capital letters (ISO 4217)");
		return false;
	}
	f->by_account = account != NULL;
	f->by_currency = currency != NULL;
	if (currency != NULL)
		f->currency = sz_currency_code(currency);
	return true;
}

static bool transfer_filter_match(const struct transfer_filter *f, const sz_transfer *t)
{
	if (f->by_currency && t->currency != f->currency)
		return false;
	return !f->by_account || sz_id_eq(t->debit_account_id, f->account_id) ||
	       sz_id_eq(t->credit_account_id, f->account_id);
}

/* GET /v1/transfers: every retained transfer the token may read (a
 * regulator: all), in commit order, filtered by account and currency. The
 * cursor is the slot index to continue from; a page reads a bounded number
 * of records from the log. */
void api_handle_transfer_list(struct api_request *r)
{
	const struct ledger *l = ledger_of(r);
	struct transfer_filter f;
	uint32_t limit = api_page_limit(r);
	if (limit == 0 || !transfer_filter_parse(r, &f))
		return;
	const char *cursor_text = api_query(r, "cursor");
	uint64_t next = 0;
	if (cursor_text && (sz_u64_parse(cursor_text, strlen(cursor_text), &next) || next == 0 || next > l->slot_count)) {
		api_problem(r, "cursor_invalid", "use next_cursor from the previous page");
		return;
	}
	json_t *rows = json_array();
	for (uint32_t scanned = 0; next < l->slot_count && json_array_size(rows) < limit &&
				   scanned < SZ_API_LIST_SCAN_COUNT_MAX; next++, scanned++) {
		sz_transfer t;
		struct ledger_slot found;
		int rc = ledger_slot_read(l, (uint32_t)next, &found);
		/* a slot read answers 1 or 2, or an error (never 0) */
		rc = rc > 0 ? sz_engine_read_transfer(r->server->engine, ledger_slot_copy_log_pos(&found), &t)
		   : rc == 0 ? SZ_EIO : rc;
		if (rc != 0) {
			json_decref(rows);
			api_problem(r, rc == SZ_ECORRUPT ? "log_corrupt" : "internal",
				    "cannot read the record of transfer slot %llu", (unsigned long long)next);
			return;
		}
		api_transfer_complete(r->server->engine, &t);
		if (transfer_filter_match(&f, &t) && transfer_readable(r, &t))
			json_array_append_new(rows, api_json_from_transfer(&t, ledger_slot_copy_status(&found)));
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "transfers", rows);
	json_object_set_new(doc, "next_cursor", next < l->slot_count ? api_json_string_u64(next) : json_null());
	api_reply_json(r, 200, doc);
}

static void second_phase_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK && results[0] != SZ_R_EXISTS) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	sz_transfer t;
	struct ledger_slot found;
	if (transfer_read(r, r->u.transfer.id, &t, &found) != 0) {
		api_problem(r, "internal", "the applied transfer cannot be read back");
		return;
	}
	api_reply_json(r, api_result_status(results[0]),
		       api_json_from_transfer(&t, ledger_slot_copy_status(&found)));
}

static void second_phase(struct api_request *r, uint16_t flag)
{
	const struct api_second_phase_in *in = r->in;
	SZ_ASSERT(in != NULL);
	sz_id pending_id;
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), &pending_id, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return;
	}
	sz_transfer pending;
	struct ledger_slot found;
	if (transfer_read(r, pending_id, &pending, &found) != 0 || !transfer_readable(r, &pending)) {
		api_problem_result(r, SZ_R_PENDING_NOT_FOUND, NULL);
		return;
	}
	sz_transfer *t = &r->u.transfer;
	memset(t, 0, sizeof *t);
	t->id = in->id;
	t->code = in->code;
	uint32_t exponent = sz_currency_exponent(pending.currency);
	if (in->amount_given && api_decimal_scale(&in->amount, exponent, &t->amount) != 0) {
		api_problem(r, "amount_invalid", "'amount' must be a decimal string with at most %u digits after the "
			    "point, e.g. \"12.34\"", exponent);
		return;
	}
	t->pending_id = pending_id;
	t->flags = flag;
	uint32_t scope = debit_scope(r, pending.debit_account_id);
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

/* Build the batch's commands from the decoded items; answers a problem and
 * returns 0 on error. */
static uint32_t batch_build(struct api_request *r, const struct api_transfer_batch_in *in, struct transfer_cmd **out)
{
	uint32_t count = in->transfers.count;
	if (count == 0 || count > r->server->config.batch_count_max) {
		api_problem(r, count ? "batch_too_large" : "batch_empty", "a batch has 1 to %u transfers",
			    r->server->config.batch_count_max);
		return 0;
	}
	struct transfer_cmd *cmds = calloc(count, sizeof *cmds);
	if (cmds == NULL) {
		api_problem(r, "internal", "no memory for a batch of %u transfers", count);
		return 0;
	}
	*out = cmds;
	const struct api_transfer_in *items = in->transfers.items;
	for (uint32_t i = 0; i < count; i++) {
		char where[32];
		snprintf(where, sizeof where, "transfers[%u]: ", i);
		cmds[i].h = (sz_command_header){ sizeof cmds[i], SZ_CMD_CREATE_TRANSFER, 0 };
		cmds[i].t = transfer_of(&items[i]);
		uint32_t scope = debit_scope(r, cmds[i].t.debit_account_id);
		if (scope != SZ_R_OK) {
			answer_scope(r, scope, where);
			return 0;
		}
		if (refuse_domain_accounts(r, cmds[i].t.debit_account_id, cmds[i].t.credit_account_id, where))
			return 0;
		if (in->linked && i + 1 < count)
			cmds[i].t.flags |= SZ_TRANSFER_LINKED;
	}
	return count;
}

void api_handle_transfer_batch(struct api_request *r)
{
	SZ_ASSERT(r->in != NULL);
	struct transfer_cmd *cmds = NULL;
	uint32_t count = batch_build(r, r->in, &cmds);
	r->extra = cmds;
	if (count == 0)
		return;
	api_metrics_batch(r->server->metrics, count);
	api_submit(r, cmds, count * (uint32_t)sizeof *cmds, count, batch_done);
}

/* ---- binary ------------------------------------------------------------ */

/* Records between a prefetch hint and the check that reads it: far enough
 * that a cache miss (~100-300 ns on a loaded machine) is over when the check
 * comes, near enough that the lines are still cached (16 x 2 accounts). */
#define BINARY_PREFETCH_AHEAD 16u

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

/* Refuse (answering) binary record i if its debit is out of the caller's
 * scope or either account is a domain's; false if it passes. The problem
 * text is made only on refusal: the passing path formats nothing. */
static bool binary_transfer_refused(struct api_request *r, const sz_transfer *t, uint32_t i)
{
	const struct ledger *l = ledger_of(r);
	const sz_account *debit = ledger_account_get(l, t->debit_account_id);
	const sz_account *credit = ledger_account_get(l, t->credit_account_id);
	uint32_t scope = debit_scope_of(r, debit);
	bool domain = (debit != NULL && api_account_owner(r, debit) != NULL) ||
		      (credit != NULL && api_account_owner(r, credit) != NULL);
	if (scope == SZ_R_OK && !domain)
		return false;
	char where[32];
	snprintf(where, sizeof where, "record %u: ", i);
	if (scope != SZ_R_OK) {
		answer_scope(r, scope, where);
		return true;
	}
	return refuse_domain_accounts(r, t->debit_account_id, t->credit_account_id, where);
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
	}
	/* Each check reads both accounts at random places of the ledger: their
	 * index buckets are hinted BINARY_PREFETCH_AHEAD records ahead and the
	 * records half as far, so the misses overlap instead of queueing (this
	 * loop was a fifth of the server's time per batch of 8190). */
	const struct ledger *l = ledger_of(r);
	for (uint32_t i = 0; i < count; i++) {
		if (i + BINARY_PREFETCH_AHEAD < count)
			ledger_prefetch_transfer(l, &cmds[i + BINARY_PREFETCH_AHEAD].t, 1);
		if (i + BINARY_PREFETCH_AHEAD / 2 < count)
			ledger_prefetch_transfer(l, &cmds[i + BINARY_PREFETCH_AHEAD / 2].t, 2);
		if (binary_transfer_refused(r, &cmds[i].t, i))
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
		const char *owner = api_account_owner(r, &cmds[i].a);
		if (owner != NULL) {
			api_problem(r, "domain_account", "record %u: the account would belong to the %s domain", i, owner);
			return;
		}
	}
	api_metrics_batch(r->server->metrics, count);
	api_submit(r, cmds, count * (uint32_t)sizeof *cmds, count, binary_done);
}
