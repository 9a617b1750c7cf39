/*
 * series.c — GET /v1/series/minutes: committed payments and limit breaches
 * per minute, for the operator's and the central bank's charts.
 *
 * Owns: the per-minute aggregation of retained transfer records in the
 * caller's scope (read back through sz_engine_read_transfer, from verified
 * log batches only) and the ring of limit breaches the server answered.
 *
 * Payments: every committed transfer record (post and void records, and the
 * transfers domains make, included) of one currency whose batch time falls
 * in the window, counted in the minute it was committed, with the sum of its
 * amounts in minor units (overflow checked). The scan walks the retained
 * transfers newest first and stops at the window's start or after
 * SZ_API_LIST_SCAN_COUNT_MAX records (then `truncated`).
 *
 * Limit breaches: commands the engine refused with a result whose name ends
 * in "_limit_exceeded" (wallet, sub-wallet and holder limits), recorded by
 * http.c when the result comes back, with the wall-clock time and the
 * caller's tenant. Refusals change no state and are not in the replicated
 * state, so these figures are this process's observation: they start empty
 * at each start (`breaches_since`) and keep the last
 * SZ_API_BREACH_RING_COUNT breaches. An operator sees its tenant's; the
 * central bank, regulators, auditors and admins all.
 * Threads: the server's one thread.
 */
#include "api/api.h"
#include "api/codec.h"
#include "core/assert.h"
#include "core/errors.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Minutes one series may span: a day. */
#define SZ_API_SERIES_MINUTE_COUNT_MAX 1440u
#define SZ_API_SERIES_MINUTE_COUNT_DEFAULT 60u
/* Limit breaches remembered: more than a busy hour's worth at one per second. */
#define SZ_API_BREACH_RING_COUNT 4096u
#define MINUTE_NS 60000000000ull

struct breach {
	uint64_t time_ns;   /* wall clock when answered */
	uint64_t tenant_id; /* the caller's tenant (0 for the central bank and others without one) */
};

static struct breach breaches[SZ_API_BREACH_RING_COUNT];
static uint64_t breach_count; /* ever recorded; the ring holds the last SZ_API_BREACH_RING_COUNT */
static uint64_t breaches_since_ns;

static uint64_t realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Result codes whose answer is remembered (domain codes are below 4096:
 * kind bases up to 0x0f00, results derived from them); others are looked up
 * each time. A batch of refusals then costs one byte read per result. */
#define BREACH_CACHE_COUNT 4096u

static bool is_limit_breach(uint32_t result)
{
	static const char suffix[] = "_limit_exceeded";
	static uint8_t cache[BREACH_CACHE_COUNT]; /* 0 = not asked yet, 1 = breach, 2 = not */
	if (result < BREACH_CACHE_COUNT && cache[result] != 0)
		return cache[result] == 1;
	const char *name = auth_result_name(result);
	size_t n = name ? strlen(name) : 0;
	bool breach = n > sizeof suffix - 1 && strcmp(name + n - (sizeof suffix - 1), suffix) == 0;
	if (result < BREACH_CACHE_COUNT)
		cache[result] = breach ? 1 : 2;
	return breach;
}

void api_series_results(const struct api_principal *p, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(p != NULL);
	SZ_ASSERT(results != NULL || count == 0);
	if (breaches_since_ns == 0)
		breaches_since_ns = realtime_ns();
	for (uint32_t i = 0; i < count; i++) {
		if (results[i] == 0 || !is_limit_breach(results[i]))
			continue;
		breaches[breach_count % SZ_API_BREACH_RING_COUNT] = (struct breach){ realtime_ns(), p->tenant_id };
		breach_count++;
	}
}

/* ---- the route --------------------------------------------------------------- */

struct minute {
	uint64_t payments;
	uint64_t amount_minor;
	uint64_t breaches;
};

struct window {
	uint64_t start_ns;   /* first minute's start (a UTC minute boundary) */
	uint32_t minutes;
	uint32_t currency;
	bool truncated;
	bool amount_overflow;
	uint32_t scanned;
	struct minute *rows;
};

static bool sees_all(const struct api_principal *p)
{
	return p->role == API_ROLE_CENTRAL_BANK || p->role == API_ROLE_REGULATOR || p->role == API_ROLE_AUDITOR ||
	       p->role == API_ROLE_ADMIN;
}

static bool transfer_visible(const struct api_request *r, const struct ledger *l, const sz_transfer *t)
{
	const sz_account *d = ledger_account_get(l, t->debit_account_id);
	const sz_account *c = ledger_account_get(l, t->credit_account_id);
	return (d && api_scope_can_read(&r->principal, d)) || (c && api_scope_can_read(&r->principal, c));
}

/* Count the retained transfers of the window, newest first. False after
 * answering a problem (a record that failed its checksum). */
static bool count_payments(struct api_request *r, struct window *w)
{
	const struct ledger *l = sz_ledger_const(sz_engine_state(r->server->engine));
	uint64_t end_ns = w->start_ns + (uint64_t)w->minutes * MINUTE_NS;
	for (uint32_t slot = l->slot_count; slot > 0; slot--, w->scanned++) {
		if (w->scanned == SZ_API_LIST_SCAN_COUNT_MAX) {
			w->truncated = true;
			break;
		}
		sz_transfer t = { 0 }; /* (cppcheck cannot tell that rc 0 does not reach its use) */
		struct ledger_slot found; /* in RAM or on the disk tier (checked) */
		int rc = ledger_slot_read(l, slot - 1, &found);
		if (rc > 0)
			rc = sz_engine_read_transfer(r->server->engine, ledger_slot_copy_log_pos(&found), &t);
		if (rc != 0) {
			api_problem(r, rc == SZ_ECORRUPT ? "log_corrupt" : "internal",
				    "cannot read the record of transfer slot %u", slot - 1);
			return false;
		}
		if (t.timestamp < w->start_ns)
			break;
		api_transfer_complete(r->server->engine, &t);
		if (t.timestamp >= end_ns || t.currency != w->currency || !transfer_visible(r, l, &t))
			continue;
		struct minute *m = &w->rows[(t.timestamp - w->start_ns) / MINUTE_NS];
		m->payments++;
		if (__builtin_add_overflow(m->amount_minor, t.amount, &m->amount_minor)) {
			m->amount_minor = UINT64_MAX;
			w->amount_overflow = true;
		}
	}
	return true;
}

static void count_breaches(const struct api_request *r, struct window *w)
{
	uint64_t held = breach_count < SZ_API_BREACH_RING_COUNT ? breach_count : SZ_API_BREACH_RING_COUNT;
	uint64_t end_ns = w->start_ns + (uint64_t)w->minutes * MINUTE_NS;
	for (uint64_t i = 0; i < held; i++) {
		const struct breach *b = &breaches[i];
		if (b->time_ns < w->start_ns || b->time_ns >= end_ns)
			continue;
		if (!sees_all(&r->principal) && b->tenant_id != r->principal.tenant_id)
			continue;
		w->rows[(b->time_ns - w->start_ns) / MINUTE_NS].breaches++;
	}
}

static json_t *time_text(uint64_t ns)
{
	time_t s = (time_t)(ns / 1000000000ull);
	struct tm tm;
	gmtime_r(&s, &tm);
	char text[32];
	strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(text);
}

static json_t *window_json(const struct window *w)
{
	json_t *rows = json_array();
	for (uint32_t i = 0; i < w->minutes; i++) {
		uint64_t start_ns = w->start_ns + (uint64_t)i * MINUTE_NS;
		json_t *o = json_object();
		json_object_set_new(o, "start", time_text(start_ns));
		json_object_set_new(o, "start_ns", api_json_string_u64(start_ns));
		json_object_set_new(o, "payments", json_integer((json_int_t)w->rows[i].payments));
		json_object_set_new(o, "amount", api_json_amount_string(w->rows[i].amount_minor, w->currency));
		json_object_set_new(o, "limit_breaches", json_integer((json_int_t)w->rows[i].breaches));
		json_array_append_new(rows, o);
	}
	char currency[4];
	sz_currency_format(w->currency, currency);
	json_t *doc = json_object();
	json_object_set_new(doc, "currency", json_string(currency));
	json_object_set_new(doc, "minutes", rows);
	json_object_set_new(doc, "scanned", json_integer(w->scanned));
	json_object_set_new(doc, "truncated", json_boolean(w->truncated));
	json_object_set_new(doc, "amount_overflow", json_boolean(w->amount_overflow));
	json_object_set_new(doc, "breaches_since", breaches_since_ns ? time_text(breaches_since_ns) : json_null());
	return doc;
}

/* ?minutes= (1..1440, default 60) and ?currency= (default CNY); false
 * after answering 400. */
static bool window_parse(struct api_request *r, struct window *w)
{
	static const char *const allowed[] = { "minutes", "currency", NULL };
	if (!api_query_only(r, allowed))
		return false;
	const char *minutes = api_query(r, "minutes");
	const char *currency = api_query(r, "currency");
	uint64_t n = SZ_API_SERIES_MINUTE_COUNT_DEFAULT;
	if (minutes && (sz_u64_parse(minutes, strlen(minutes), &n) || n == 0 || n > SZ_API_SERIES_MINUTE_COUNT_MAX)) {
		api_problem(r, "query_invalid", "minutes must be 1 to %u", SZ_API_SERIES_MINUTE_COUNT_MAX);
		return false;
	}
	if (currency && (strlen(currency) != 3 || strspn(currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)) {
		api_problem(r, "query_invalid", "currency must be three capital letters (ISO 4217)");
		return false;
	}
	w->minutes = (uint32_t)n;
	w->currency = sz_currency_code(currency ? currency : "CNY");
	/* The window ends with the current UTC minute (included). */
	uint64_t now_ns = realtime_ns();
	w->start_ns = (now_ns / MINUTE_NS + 1 - n) * MINUTE_NS;
	return true;
}

void api_handle_series_minutes(struct api_request *r)
{
	struct window w = { 0 };
	if (!window_parse(r, &w))
		return;
	w.rows = calloc(w.minutes, sizeof *w.rows);
	if (w.rows == NULL) {
		api_problem(r, "internal", "no memory for the series");
		return;
	}
	if (count_payments(r, &w)) {
		count_breaches(r, &w);
		api_reply_json(r, 200, window_json(&w));
	}
	free(w.rows);
}
