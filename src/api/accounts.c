/*
 * accounts.c — account routes: create, get, list by owner, history, freeze,
 * unfreeze, close.
 *
 * Reads run on the engine thread between polls, so they see a consistent
 * state. Accounts outside the caller's scope answer 404 exactly like absent
 * ones, so tenants cannot probe each other's ids. Accounts a domain owns
 * (its descriptor's owns_account, asked through sz_state_account_owner)
 * cannot be created, frozen, unfrozen or closed here: domain_account.
 */
#include "api/api.h"
#include "api/schema.h"
#include "api/codec.h"
#include "api/metrics.h"
#include "core/assert.h"
#include "core/errors.h"
#include "api/requests.h"
#include "core/hash.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct ledger *ledger_of(const struct api_request *r)
{
	return sz_ledger_const(sz_engine_state(r->server->engine));
}

/* The account named by path parameter 0, in the caller's read scope; NULL
 * after answering 400/404. */
static const sz_account *path_account(struct api_request *r)
{
	sz_id id;
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), &id, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return NULL;
	}
	const sz_account *a = ledger_account_get(ledger_of(r), id);
	if (a == NULL || !api_scope_can_read(&r->principal, a)) {
		api_problem(r, "account_not_found", "no account %s", text);
		return NULL;
	}
	return a;
}

static void account_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK && results[0] != SZ_R_EXISTS) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	const sz_account *a = ledger_account_get(ledger_of(r), r->u.account.id);
	SZ_ASSERT(a != NULL);
	char id[SZ_ID_TEXT_SIZE];
	sz_id_format(a->id, id);
	snprintf(r->location, sizeof r->location, "/v1/accounts/%s", id);
	api_reply_json(r, api_result_status(results[0]), api_json_from_account(a));
}

static const char *const kind_names[] = {
	"general", "reserve", "bank_deposit", "wallet", "merchant", "escrow", "loan", "suspense", NULL,
};
/* A client may set the first three flags; closed comes from the close route. */
static const char *const settable_flag_names[] = {
	"debits_must_not_exceed_credits", "credits_must_not_exceed_debits", "frozen", NULL,
};

static const struct api_field account_fields[] = {
	{ .name = "id", .type = API_T_ID, .flags = API_F_REQUIRED, .offset = offsetof(sz_account, id) },
	{ .name = "owner_id", .type = API_T_ID, .offset = offsetof(sz_account, owner_id) },
	{ .name = "tenant_id", .type = API_T_UINT, .flags = API_F_TEXT, .offset = offsetof(sz_account, tenant_id),
	  .size = 8 },
	{ .name = "user_data", .type = API_T_UINT, .flags = API_F_TEXT, .offset = offsetof(sz_account, user_data),
	  .size = 8 },
	{ .name = "currency", .type = API_T_CURRENCY, .flags = API_F_REQUIRED, .offset = offsetof(sz_account, currency) },
	{ .name = "flags", .type = API_T_FLAGS, .offset = offsetof(sz_account, flags), .size = 2,
	  .names = settable_flag_names },
	{ .name = "kind", .type = API_T_ENUM, .offset = offsetof(sz_account, kind), .size = 2, .names = kind_names,
	  .base = SZ_KIND_GENERAL },
};
const struct api_schema api_account_create_schema = API_SCHEMA("account_create", account_fields, sz_account);

void api_handle_account_create(struct api_request *r)
{
	SZ_ASSERT(r->in != NULL);
	sz_account *a = &r->u.account;
	*a = *(const sz_account *)r->in;
	if (r->principal.role == API_ROLE_OPERATOR && a->tenant_id == 0)
		a->tenant_id = r->principal.tenant_id; /* an operator's accounts are its own */
	if (!api_scope_can_create(&r->principal, a)) {
		api_problem(r, "out_of_scope", "an operator creates accounts only in its tenant %llu",
			    (unsigned long long)r->principal.tenant_id);
		return;
	}
	const char *owner = api_account_owner(r, a);
	if (owner != NULL) {
		api_problem(r, "domain_account", "the account would belong to the %s domain (its user_data tag); "
			    "use that domain's routes", owner);
		return;
	}
	struct { sz_command_header h; sz_account a; } cmd = {
		{ sizeof cmd, SZ_CMD_CREATE_ACCOUNT, 0 }, *a,
	};
	_Static_assert(sizeof cmd == 8 + sizeof(sz_account), "no padding in the command");
	api_submit(r, &cmd, sizeof cmd, 1, account_done);
}

void api_handle_account_get(struct api_request *r)
{
	const sz_account *a = path_account(r);
	if (a != NULL)
		api_reply_json(r, 200, api_json_from_account(a));
}

/* ?limit= within [1, SZ_PAGE_ROW_COUNT_MAX]; answers 400 and returns 0 if bad. */
uint32_t api_page_limit(struct api_request *r)
{
	const char *text = api_query(r, "limit");
	if (text == NULL)
		return SZ_API_PAGE_ROW_COUNT_DEFAULT;
	uint64_t v;
	if (sz_u64_parse(text, strlen(text), &v) || v == 0 || v > SZ_PAGE_ROW_COUNT_MAX) {
		api_problem(r, "limit_invalid", "limit must be from 1 to %u", SZ_PAGE_ROW_COUNT_MAX);
		return 0;
	}
	return (uint32_t)v;
}

struct account_filter {
	bool by_tenant, by_currency;
	uint64_t tenant_id;
	uint32_t currency;
};

/* ?tenant_id=N&currency=XYZ; answers 400 and returns false if bad. */
static bool account_filter_parse(struct api_request *r, struct account_filter *f)
{
	memset(f, 0, sizeof *f);
	const char *tenant = api_query(r, "tenant_id");
	const char *currency = api_query(r, "currency");
	if (tenant != NULL && sz_u64_parse(tenant, strlen(tenant), &f->tenant_id)) {
		api_problem(r, "query_invalid", "tenant_id must be a whole number");
		return false;
	}
	f->by_tenant = tenant != NULL;
	if (currency != NULL && (strlen(currency) != 3 || strspn(currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)) {
		api_problem(r, "query_invalid", "currency must be three capital letters (ISO 4217)");
		return false;
	}
	f->by_currency = currency != NULL;
	if (currency != NULL)
		f->currency = sz_currency_code(currency);
	return true;
}

static bool account_filter_match(const struct account_filter *f, const sz_account *a)
{
	return (!f->by_tenant || a->tenant_id == f->tenant_id) && (!f->by_currency || a->currency == f->currency);
}

/* Without owner_id: every account the token may read (a regulator: all),
 * in creation order, filtered by tenant and currency. The cursor is the
 * account index to continue from; each page scans a bounded number. */
static void account_list_all(struct api_request *r, uint32_t limit)
{
	struct account_filter f;
	if (!account_filter_parse(r, &f))
		return;
	const struct ledger *l = ledger_of(r);
	const char *cursor_text = api_query(r, "cursor");
	uint64_t next = 0;
	if (cursor_text && (sz_u64_parse(cursor_text, strlen(cursor_text), &next) || next == 0 ||
			    next > l->account_count)) {
		api_problem(r, "cursor_invalid", "use next_cursor from the previous page");
		return;
	}
	SZ_ASSERT(next <= l->account_count);
	json_t *rows = json_array();
	uint32_t scanned = 0;
	for (; next < l->account_count && json_array_size(rows) < limit && scanned < SZ_API_LIST_SCAN_COUNT_MAX;
	     next++, scanned++) {
		const sz_account *a = &l->accounts[next];
		if (account_filter_match(&f, a) && api_scope_can_read(&r->principal, a))
			json_array_append_new(rows, api_json_from_account(a));
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "accounts", rows);
	json_object_set_new(doc, "next_cursor", next < l->account_count ? api_json_string_u64(next) : json_null());
	api_reply_json(r, 200, doc);
}

void api_handle_account_list(struct api_request *r)
{
	uint32_t limit = api_page_limit(r);
	if (limit == 0)
		return;
	const char *owner_text = api_query(r, "owner_id");
	if (owner_text == NULL) {
		account_list_all(r, limit);
		return;
	}
	sz_id owner;
	if (sz_id_parse(owner_text, strlen(owner_text), &owner, 0)) {
		api_problem(r, "query_invalid", "owner_id must be an id");
		return;
	}
	const char *cursor_text = api_query(r, "cursor");
	uint64_t cursor = 0; /* account index + 1 to continue from (exclusive) */
	const struct ledger *l = ledger_of(r);
	if (cursor_text && (sz_u64_parse(cursor_text, strlen(cursor_text), &cursor) || cursor == 0 ||
			    cursor > l->account_count)) {
		api_problem(r, "cursor_invalid", "use next_cursor from the previous page");
		return;
	}
	struct api_server *s = r->server;
	api_owner_index_update(s);
	if (cursor > s->owner_indexed_count) {
		api_problem(r, "cursor_invalid", "use next_cursor from the previous page");
		return;
	}
	uint32_t link = cursor ? s->owner_next[cursor - 1]
			       : s->owner_head[sz_mix64(owner.lo, owner.hi) & (s->owner_bucket_count - 1)];
	json_t *rows = json_array();
	uint32_t scanned = 0, last = 0;
	for (; link != 0 && json_array_size(rows) < limit && scanned < SZ_API_LIST_SCAN_COUNT_MAX; scanned++) {
		const sz_account *a = &l->accounts[link - 1];
		last = link;
		link = s->owner_next[link - 1];
		if (sz_id_eq(a->owner_id, owner) && api_scope_can_read(&r->principal, a))
			json_array_append_new(rows, api_json_from_account(a));
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "accounts", rows);
	json_object_set_new(doc, "next_cursor", link != 0 && last != 0 ? api_json_string_u64(last) : json_null());
	api_reply_json(r, 200, doc);
}

/* The query of an account's history: ?limit=&cursor=&from=&to= (times in
 * RFC 3339 UTC; from inclusive, to exclusive). Answers 400 and returns false
 * on anything else. */
struct history_query {
	uint32_t limit;
	uint32_t link;        /* where the page starts: the cursor or the head */
	bool from_cursor;
	uint64_t from_ns, to_ns;
};

static bool history_query_parse(struct api_request *r, const struct ledger *l, uint32_t head, struct history_query *q)
{
	static const char *const allowed[] = { "limit", "cursor", "from", "to", NULL };
	if (!api_query_only(r, allowed) || (q->limit = api_page_limit(r)) == 0)
		return false;
	const char *from = api_query(r, "from"), *to = api_query(r, "to"), *cursor_text = api_query(r, "cursor");
	q->from_ns = 0;
	q->to_ns = UINT64_MAX;
	if ((from && api_time_parse(from, &q->from_ns)) || (to && api_time_parse(to, &q->to_ns)) ||
	    q->from_ns > q->to_ns) {
		api_problem(r, "query_invalid", "from and to are UTC times YYYY-MM-DDTHH:MM:SSZ, from not after to");
		return false;
	}
	q->link = head;
	q->from_cursor = cursor_text != NULL;
	uint64_t cursor = 0;
	if (cursor_text && (sz_u64_parse(cursor_text, strlen(cursor_text), &cursor) || cursor == 0 ||
			    cursor > UINT32_MAX || (cursor >> 1) > l->slot_count)) {
		api_problem(r, "cursor_invalid", "use next_cursor from the previous page");
		return false;
	}
	if (cursor_text)
		q->link = (uint32_t)cursor;
	return true;
}

/* Newest first. Transfers newer than `to` are stepped over (at most
 * SZ_API_HISTORY_SCAN_COUNT_MAX records per page: a page may then hold fewer
 * rows and a cursor); the first older than `from` ends the list. */
void api_handle_account_history(struct api_request *r)
{
	const sz_account *a = path_account(r);
	if (a == NULL)
		return;
	const struct ledger *l = ledger_of(r);
	int64_t index = ledger_account_find(l, a->id);
	SZ_ASSERT(index >= 0);
	struct history_query q;
	if (!history_query_parse(r, l, ledger_history_head(l, (uint32_t)index), &q))
		return;
	json_t *rows = json_array();
	uint32_t link = q.link, scanned = 0;
	while (link != 0 && json_array_size(rows) < q.limit && scanned < SZ_API_HISTORY_SCAN_COUNT_MAX) {
		uint32_t side = link & 1u;
		struct ledger_slot found;
		int rc = ledger_history_step(l, &link, &found, NULL); /* in RAM or on the disk tier */
		if (rc == 0)
			break;
		sz_transfer t = { 0 }; /* (cppcheck cannot tell that rc 0 does not reach its use) */
		if (rc > 0)
			rc = sz_engine_read_transfer(r->server->engine, ledger_slot_copy_log_pos(&found), &t);
		if (rc != 0) {
			json_decref(rows);
			if (rc == SZ_ECORRUPT)
				api_problem(r, "log_corrupt", "a transfer record in this history failed its checksum");
			else
				api_problem(r, "internal", "cannot read transfer record from the log");
			return;
		}
		/* A post or void record stores no accounts: take them from its
		 * pending transfer before checking that a cursor leads into this
		 * account's chain (a page may start at such a record). */
		api_transfer_complete(r->server->engine, &t);
		if (scanned++ == 0 && q.from_cursor && !sz_id_eq(side ? t.credit_account_id : t.debit_account_id, a->id)) {
			json_decref(rows);
			api_problem(r, "cursor_invalid", "the cursor belongs to another list");
			return;
		}
		if (t.timestamp < q.from_ns) {
			link = 0; /* older than the window: the list ends */
			break;
		}
		if (t.timestamp < q.to_ns)
			json_array_append_new(rows, api_json_from_transfer(&t, ledger_slot_copy_status(&found)));
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "transfers", rows);
	json_object_set_new(doc, "next_cursor", link != 0 ? api_json_string_u64(link) : json_null());
	api_reply_json(r, 200, doc);
}

static void flags_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK && results[0] != SZ_R_EXISTS) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	const sz_account *a = ledger_account_get(ledger_of(r), r->u.flags.account_id);
	SZ_ASSERT(a != NULL);
	api_reply_json(r, 200, api_json_from_account(a));
}

static void account_flags(struct api_request *r, uint16_t set, uint16_t clear)
{
	const sz_account *a = path_account(r);
	if (a == NULL)
		return;
	if (!api_scope_can_debit(&r->principal, a)) {
		api_problem(r, "out_of_scope", "the account belongs to another tenant");
		return;
	}
	const char *owner = api_account_owner(r, a);
	if (owner != NULL) {
		api_problem(r, "domain_account", "the %s domain holds this account: use its routes (for wallets "
			    "/v1/wallets/{id}/close, for devices /v1/devices/{id}/suspend)", owner);
		return;
	}
	struct { sz_command_header h; sz_account_flags_cmd c; } cmd = {
		{ sizeof cmd, SZ_CMD_ACCOUNT_FLAGS, 0 }, { a->id, set, clear, { 0 } },
	};
	_Static_assert(sizeof cmd == 40, "no padding in the command");
	r->u.flags = cmd.c;
	api_submit(r, &cmd, sizeof cmd, 1, flags_done);
}

void api_handle_account_freeze(struct api_request *r) { account_flags(r, SZ_ACCOUNT_FROZEN, 0); }
void api_handle_account_unfreeze(struct api_request *r) { account_flags(r, 0, SZ_ACCOUNT_FROZEN); }
void api_handle_account_close(struct api_request *r) { account_flags(r, SZ_ACCOUNT_CLOSED, 0); }

/* ---- owner index ------------------------------------------------------- */

int api_owner_index_init(struct api_server *s)
{
	s->owner_bucket_count = 1u << 20;
	s->owner_head = calloc(s->owner_bucket_count, sizeof *s->owner_head);
	s->owner_capacity = 1u << 16;
	s->owner_next = calloc(s->owner_capacity, sizeof *s->owner_next);
	s->owner_indexed_count = 0;
	return s->owner_head && s->owner_next ? 0 : SZ_ENOMEM;
}

void api_owner_index_release(struct api_server *s)
{
	free(s->owner_head);
	free(s->owner_next);
	s->owner_head = s->owner_next = NULL;
}

/* Accounts are appended and never removed, so indexing the new tail before
 * each query keeps the index exact without hooks in the engine. Each
 * owner's chain runs newest first. */
void api_owner_index_update(struct api_server *s)
{
	const struct ledger *l = sz_ledger_const(sz_engine_state(s->engine));
	if (l->account_count > s->owner_capacity) {
		uint32_t capacity = s->owner_capacity;
		while (capacity < l->account_count)
			capacity *= 2;
		uint32_t *next = realloc(s->owner_next, (size_t)capacity * sizeof *next);
		SZ_ASSERT(next != NULL);
		s->owner_next = next;
		s->owner_capacity = capacity;
	}
	for (uint32_t i = s->owner_indexed_count; i < l->account_count; i++) {
		sz_id owner = l->accounts[i].owner_id;
		uint32_t bucket = (uint32_t)sz_mix64(owner.lo, owner.hi) & (s->owner_bucket_count - 1);
		s->owner_next[i] = s->owner_head[bucket];
		s->owner_head[bucket] = i + 1;
	}
	s->owner_indexed_count = l->account_count;
}
