/*
 * events.c — Server-Sent Events of committed ledger changes (events.h).
 *
 * A stream is a chunked 200 answer (text/event-stream) whose bytes come from
 * a libmicrohttpd content reader. The reader hands out what the stream has
 * prepared; when that is used up it prepares the next events from the
 * stream's cursor (bounded), and when there is nothing new it suspends the
 * connection and returns 0 (the documented way to wait without busy
 * polling). api_events_pump resumes suspended streams after the engine
 * applied a batch, when a heartbeat is due, and when the server drains.
 *
 * Wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 *   retry: 3000            (once, first)
 *   event: account | transfer | error
 *   id: <accounts>.<transfers>
 *   data: <one line of JSON>
 *   <blank line>
 * and ": heartbeat" comment lines on a quiet stream.
 */
#include "api/events.h"
#include "api/api.h"
#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"
#include "ledger/ledger.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct event_stream {
	bool in_use;
	bool suspended;
	bool ending;                 /* send what is prepared, then end */
	struct api_server *server;
	struct MHD_Connection *conn;
	struct api_principal principal;
	uint32_t account_next;       /* cursor: accounts and transfer slots already passed */
	uint32_t slot_next;
	uint64_t last_write_ns;
	uint32_t size;               /* prepared bytes in buf, sent of them */
	uint32_t sent;
	char buf[SZ_API_EVENT_BUFFER_SIZE];
};

static struct event_stream streams[SZ_API_EVENT_STREAM_COUNT_MAX];
static uint32_t open_count;

uint32_t api_events_open_count(void) { return open_count; }

static const struct ledger *ledger_of(const struct event_stream *e)
{
	return sz_ledger_const(sz_engine_state(e->server->engine));
}

/* ---- cursor -------------------------------------------------------------- */

int api_events_cursor_parse(const char *text, size_t size, uint32_t account_count, uint32_t slot_count,
			    uint32_t *accounts, uint32_t *slots)
{
	SZ_ASSERT(text != NULL || size == 0);
	SZ_ASSERT(accounts != NULL && slots != NULL);
	const char *dot = size ? memchr(text, '.', size) : NULL;
	uint64_t a, t;
	if (dot == NULL)
		return SZ_EINVAL;
	size_t head = (size_t)(dot - text);
	if (sz_u64_parse(text, head, &a) || sz_u64_parse(dot + 1, size - head - 1, &t))
		return SZ_EINVAL;
	if (a > account_count || t > slot_count)
		return SZ_EINVAL;
	*accounts = (uint32_t)a;
	*slots = (uint32_t)t;
	return 0;
}

/* ---- preparing events ------------------------------------------------------ */

static void put_text(struct event_stream *e, const char *text, size_t size)
{
	SZ_ASSERT(size <= sizeof e->buf - e->size);
	memcpy(e->buf + e->size, text, size);
	e->size += (uint32_t)size;
}

/* Append one event (takes doc). An event that would not fit is a
 * programmer error: callers keep SZ_API_EVENT_SIZE_MAX free. */
static void put_event(struct event_stream *e, const char *type, json_t *doc)
{
	char *data = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	SZ_ASSERT(data != NULL);
	char head[96];
	int n = snprintf(head, sizeof head, "event: %s\nid: %u.%u\ndata: ", type, e->account_next, e->slot_next);
	SZ_ASSERT(n > 0 && (size_t)n < sizeof head);
	size_t data_size = strlen(data);
	SZ_ASSERT((size_t)n + data_size + 2 <= SZ_API_EVENT_SIZE_MAX);
	put_text(e, head, (size_t)n);
	put_text(e, data, data_size);
	put_text(e, "\n\n", 2);
	free(data);
}

static void put_error(struct event_stream *e, const char *code, const char *detail)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "code", json_string(code));
	json_object_set_new(doc, "detail", json_string(detail));
	put_event(e, "error", doc);
	e->ending = true;
}

static bool transfer_visible(const struct event_stream *e, const sz_transfer *t)
{
	const struct ledger *l = ledger_of(e);
	const sz_account *d = ledger_account_get(l, t->debit_account_id);
	const sz_account *c = ledger_account_get(l, t->credit_account_id);
	return (d && api_scope_can_read(&e->principal, d)) || (c && api_scope_can_read(&e->principal, c));
}

/* The transfer in slot e->slot_next as an event, if visible; false (after
 * an error event) if its record could not be read from a verified batch. */
static bool put_transfer(struct event_stream *e)
{
	const struct ledger *l = ledger_of(e);
	uint32_t slot = e->slot_next;
	struct ledger_slot found = { 0 }; /* in RAM or on the disk tier (checked) */
	int rc = ledger_slot_read(l, slot, &found);
	uint64_t log_pos = ledger_slot_copy_log_pos(&found);
	sz_transfer t = { 0 }; /* (cppcheck cannot tell that rc 0 does not reach its use) */
	if (rc > 0)
		rc = sz_engine_read_transfer(e->server->engine, log_pos, &t);
	if (rc != 0) {
		char detail[128];
		snprintf(detail, sizeof detail, "the log record of transfer %u %s", slot,
			 rc == SZ_ECORRUPT ? "failed its checksum: the stream stops before it" : "could not be read");
		put_error(e, rc == SZ_ECORRUPT ? "log_corrupt" : "internal", detail);
		return false;
	}
	api_transfer_complete(e->server->engine, &t);
	e->slot_next++;
	if (!transfer_visible(e, &t))
		return true;
	json_t *doc = api_json_from_transfer(&t, ledger_slot_copy_status(&found));
	/* A transfer a domain made inside its command has no record of its own
	 * in the log (segment 0: the ledger keeps it): no position to name. */
	json_object_set_new(doc, "log_pos", SZ_LOG_POS_SEGMENT(log_pos) != 0 ? api_json_string_u64(log_pos) : json_null());
	put_event(e, "transfer", doc);
	return true;
}

static bool token_revoked(const struct event_stream *e)
{
	if (sz_id_is_zero(e->principal.token_id))
		return false; /* the bootstrap admin of tests has no token record */
	const struct auth_state *a = auth_state_get(sz_engine_state(e->server->engine));
	const struct auth_token *t = a ? auth_token_by_id(a, e->principal.token_id) : NULL;
	return t == NULL || t->revoked_ns != 0;
}

/* The principal as its token says now (a role change or revocation applies
 * to open streams too); false after an error event if it was revoked. */
static bool principal_refresh(struct event_stream *e)
{
	if (sz_id_is_zero(e->principal.token_id))
		return true; /* the bootstrap admin of tests has no token record */
	const struct auth_state *a = auth_state_get(sz_engine_state(e->server->engine));
	const struct auth_token *t = a ? auth_token_by_id(a, e->principal.token_id) : NULL;
	if (t == NULL || t->revoked_ns != 0) {
		put_error(e, "unauthorized", "the stream's token was revoked");
		return false;
	}
	e->principal.role = t->cmd.role;
	e->principal.tenant_id = t->cmd.tenant_id;
	e->principal.owner_id = t->cmd.owner_id;
	return true;
}

/* Prepare the next events from the cursor: accounts first (a transfer may
 * name an account of the same batch), bounded by buffer and scan. */
static void prepare(struct event_stream *e)
{
	SZ_ASSERT(e->sent == e->size);
	e->size = e->sent = 0;
	if (e->ending || !principal_refresh(e))
		return;
	const struct ledger *l = ledger_of(e);
	for (uint32_t scanned = 0; scanned < SZ_API_EVENT_SCAN_COUNT_MAX; scanned++) {
		if (sizeof e->buf - e->size < SZ_API_EVENT_SIZE_MAX)
			break;
		if (e->account_next < l->account_count) {
			const sz_account *a = &l->accounts[e->account_next];
			e->account_next++;
			if (api_scope_can_read(&e->principal, a))
				put_event(e, "account", api_json_from_account(a));
		} else if (e->slot_next < l->slot_count) {
			if (!put_transfer(e))
				break;
		} else {
			break;
		}
	}
}

static bool has_news(const struct event_stream *e)
{
	const struct ledger *l = ledger_of(e);
	return e->account_next < l->account_count || e->slot_next < l->slot_count;
}

/* ---- libmicrohttpd callbacks ---------------------------------------------- */

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	(void)pos;
	struct event_stream *e = cls;
	SZ_ASSERT(e->in_use);
	if (e->sent == e->size && !e->server->draining)
		prepare(e);
	uint64_t now_ns = api_now_ns();
	if (e->sent == e->size) {
		if (e->ending || e->server->draining)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (now_ns - e->last_write_ns < SZ_API_EVENT_HEARTBEAT_S * 1000000000ull) {
			e->suspended = true;
			MHD_suspend_connection(e->conn);
			return 0;
		}
		e->size = e->sent = 0;
		put_text(e, ": heartbeat\n\n", 13);
	}
	size_t n = e->size - e->sent;
	if (n > max)
		n = max;
	memcpy(out, e->buf + e->sent, n);
	e->sent += (uint32_t)n;
	e->last_write_ns = now_ns;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct event_stream *e = cls;
	SZ_ASSERT(e->in_use);
	SZ_ASSERT(!e->suspended);
	SZ_ASSERT(open_count > 0);
	e->in_use = false;
	open_count--;
}

void api_events_pump(struct api_server *s)
{
	if (open_count == 0)
		return;
	uint64_t now_ns = api_now_ns();
	for (uint32_t i = 0; i < SZ_API_EVENT_STREAM_COUNT_MAX; i++) {
		struct event_stream *e = &streams[i];
		if (!e->in_use || !e->suspended)
			continue;
		SZ_ASSERT(e->server == s);
		bool due = now_ns - e->last_write_ns >= SZ_API_EVENT_HEARTBEAT_S * 1000000000ull;
		if (s->draining || due || has_news(e) || token_revoked(e)) {
			e->suspended = false;
			MHD_resume_connection(e->conn);
		}
	}
}

/* ---- the route ------------------------------------------------------------- */

void api_handle_events(struct api_request *r)
{
	static const char *const allowed[] = { "after", NULL };
	if (!api_query_only(r, allowed))
		return;
	const struct ledger *l = sz_ledger_const(sz_engine_state(r->server->engine));
	const char *header = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Last-Event-ID");
	const char *after = header != NULL ? header : api_query(r, "after");
	uint32_t accounts = 0, slots = 0;
	if (after != NULL &&
	    api_events_cursor_parse(after, strlen(after), l->account_count, l->slot_count, &accounts, &slots)) {
		api_problem(r, "cursor_invalid", "Last-Event-ID or after must be an event id this log issued "
			    "(\"<accounts>.<transfers>\", at most %u.%u now)", l->account_count, l->slot_count);
		return;
	}
	struct event_stream *e = NULL;
	for (uint32_t i = 0; i < SZ_API_EVENT_STREAM_COUNT_MAX && e == NULL; i++)
		if (!streams[i].in_use)
			e = &streams[i];
	if (e == NULL) {
		api_problem_custom(r, 503, "streams_full", "Every event stream slot is in use",
				   "the server holds its maximum of event streams open; retry later");
		return;
	}
	memset(e, 0, offsetof(struct event_stream, buf));
	e->in_use = true;
	e->server = r->server;
	e->conn = r->conn;
	e->principal = r->principal;
	e->account_next = accounts;
	e->slot_next = slots;
	e->last_write_ns = api_now_ns();
	put_text(e, "retry: 3000\n\n", 13);
	open_count++;
	r->stream = e;
	r->status = 200;
	r->content_type = "text/event-stream";
	r->state = API_REQ_READY;
}

struct MHD_Response *api_events_response(struct api_request *r)
{
	SZ_ASSERT(r->stream != NULL);
	struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read,
								      r->stream, stream_free);
	SZ_ASSERT(resp != NULL);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	return resp;
}
