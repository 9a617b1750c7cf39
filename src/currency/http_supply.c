/*
 * http_supply.c — GET /v1/currency/supply-series: each operator's issuance,
 * redemption and outstanding supply over time, for the central bank's chart.
 *
 * Owns: the reconstruction of an operator's issuance history from what the
 * server retains. Issue and redeem are the only commands that move an
 * operator's vault against the central bank's issuance account (wallet.c,
 * issue_redeem: issuance -> vault, vault -> issuance), each as one ledger
 * transfer stamped with its batch time. The route walks each operator's
 * vault history newest first (ledger_history_step: RAM and disk tier, read
 * back checked through sz_engine_read_transfer), keeps the transfers whose
 * other side is an issuance account, and sums them per step of the window
 * [from, to). The supply at the end of a step is the operator's outstanding
 * issuance now (issued - redeemed) less what was issued since, plus what was
 * redeemed since: exact, in minor units, overflow checked.
 *
 * Bounded: one request reads at most SUPPLY_SCAN_COUNT_MAX history records
 * over all operators; when the bound cuts an operator's walk short, its
 * answer says `truncated` and the steps the walk did not fully reach carry
 * null instead of figures (never a guess). Steps per series are at most
 * SUPPLY_STEP_COUNT_MAX.
 *
 * Scope: the central bank, regulators, auditors and admins see every
 * operator (or one with ?tenant=); an operator sees only itself. Reads only,
 * outside apply; the server's one thread.
 */
#include "api/api.h"
#include "api/codec.h"
#include "api/schema.h"
#include "core/assert.h"
#include "core/errors.h"
#include "currency/http_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Steps in one series: a day by the minute, or two months by the hour. */
#define SUPPLY_STEP_COUNT_MAX 1440u
/* History records read by one request, over all operators. */
#define SUPPLY_SCAN_COUNT_MAX (64u * 1024u)
#define NS_PER_S 1000000000ull

struct supply_step {
	uint64_t issued_fen;
	uint64_t redeemed_fen;
};

struct supply_query {
	uint64_t from_ns, to_ns, step_ns;
	uint32_t steps;
	uint64_t tenant_id; /* 0 = every operator in scope */
	uint32_t scanned;   /* over all operators */
};

/* One operator's walk: sums per step, and what came after the window. */
struct supply_walk {
	struct supply_step *steps;
	uint64_t after_issued_fen, after_redeemed_fen;
	bool truncated;
	bool overflow;
	uint64_t reached_ns; /* truncated: the oldest batch time read */
};

static bool is_issuance(const struct ledger *l, sz_id account_id)
{
	const sz_account *a = ledger_account_get(l, account_id);
	return a != NULL && a->user_data == (CURRENCY_TAG | CURRENCY_ROLE_CB_ISSUANCE);
}

static void add_checked(uint64_t *sum, uint64_t amount, bool *overflow)
{
	if (__builtin_add_overflow(*sum, amount, sum)) {
		*sum = UINT64_MAX;
		*overflow = true;
	}
}

/* Count one vault transfer into the walk if it is an issue or a redemption. */
static void walk_count(const struct ledger *l, const struct currency_operator *op, const struct supply_query *q,
		       const sz_transfer *t, struct supply_walk *w)
{
	bool issue = sz_id_eq(t->credit_account_id, op->vault_id) && is_issuance(l, t->debit_account_id);
	bool redeem = sz_id_eq(t->debit_account_id, op->vault_id) && is_issuance(l, t->credit_account_id);
	if (!issue && !redeem)
		return;
	if (t->timestamp >= q->to_ns) {
		add_checked(issue ? &w->after_issued_fen : &w->after_redeemed_fen, t->amount, &w->overflow);
		return;
	}
	struct supply_step *s = &w->steps[(t->timestamp - q->from_ns) / q->step_ns];
	add_checked(issue ? &s->issued_fen : &s->redeemed_fen, t->amount, &w->overflow);
}

/* Walk op's vault history back to the window's start. False after answering
 * a problem (a record that failed its checksum, or unreadable). */
static bool walk_vault(struct api_request *r, const struct currency_operator *op, struct supply_query *q,
		       struct supply_walk *w)
{
	const struct ledger *l = currency_http_ledger(r);
	int64_t index = ledger_account_find(l, op->vault_id);
	SZ_ASSERT(index >= 0);
	uint32_t link = ledger_history_head(l, (uint32_t)index);
	while (link != 0) {
		if (q->scanned == SUPPLY_SCAN_COUNT_MAX) {
			w->truncated = true;
			break;
		}
		struct ledger_slot found;
		int rc = ledger_history_step(l, &link, &found, NULL);
		if (rc == 0)
			break;
		sz_transfer t = { 0 };
		if (rc > 0)
			rc = sz_engine_read_transfer(r->server->engine, ledger_slot_copy_log_pos(&found), &t);
		if (rc != 0) {
			api_problem(r, rc == SZ_ECORRUPT ? "log_corrupt" : "internal",
				    "cannot read a transfer record of operator %llu's vault", (unsigned long long)op->cmd.tenant_id);
			return false;
		}
		q->scanned++;
		api_transfer_complete(r->server->engine, &t);
		w->reached_ns = t.timestamp;
		if (t.timestamp < q->from_ns)
			break;
		walk_count(l, op, q, &t, w);
	}
	return true;
}

static json_t *time_text(uint64_t ns)
{
	time_t s = (time_t)(ns / NS_PER_S);
	struct tm tm;
	gmtime_r(&s, &tm);
	char text[32];
	strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(text);
}

/* The steps as JSON, newest supply first derived backwards from now. */
static json_t *points_json(const struct currency_operator *op, const struct supply_query *q, const struct supply_walk *w)
{
	SZ_ASSERT(op->issued_fen >= op->redeemed_fen);
	json_t *points = json_array();
	/* Supply at the end of step k, from the end of the window backwards. */
	__int128 supply = (__int128)(op->issued_fen - op->redeemed_fen) - w->after_issued_fen + w->after_redeemed_fen;
	json_t **rows = calloc(q->steps, sizeof *rows);
	if (rows == NULL)
		return points; /* the caller checks the size */
	for (uint32_t k = q->steps; k-- > 0;) {
		uint64_t start_ns = q->from_ns + (uint64_t)k * q->step_ns;
		bool known = !w->overflow && (!w->truncated || start_ns > w->reached_ns) && supply >= 0 &&
			     supply <= (__int128)UINT64_MAX;
		json_t *o = json_object();
		json_object_set_new(o, "start", time_text(start_ns));
		json_object_set_new(o, "start_ns", api_json_string_u64(start_ns));
		json_object_set_new(o, "issued", known ? currency_http_amount_json(w->steps[k].issued_fen) : json_null());
		json_object_set_new(o, "redeemed", known ? currency_http_amount_json(w->steps[k].redeemed_fen) : json_null());
		json_object_set_new(o, "supply", known ? currency_http_amount_json((uint64_t)supply) : json_null());
		rows[k] = o;
		supply = supply - w->steps[k].issued_fen + w->steps[k].redeemed_fen;
	}
	for (uint32_t k = 0; k < q->steps; k++)
		json_array_append_new(points, rows[k]);
	free(rows);
	return points;
}

static json_t *operator_series_json(const struct currency_operator *op, const struct supply_query *q,
				    const struct supply_walk *w)
{
	json_t *o = json_object();
	json_object_set_new(o, "tenant_id", api_json_string_u64(op->cmd.tenant_id));
	json_object_set_new(o, "name", json_stringn(op->cmd.name, strnlen(op->cmd.name, sizeof op->cmd.name)));
	json_object_set_new(o, "type", json_string(op->cmd.type == CURRENCY_OPERATOR_BANK ? "bank" : "payment_institution"));
	json_object_set_new(o, "issued_total", currency_http_amount_json(op->issued_fen));
	json_object_set_new(o, "redeemed_total", currency_http_amount_json(op->redeemed_fen));
	json_object_set_new(o, "supply_now", currency_http_amount_json(op->issued_fen - op->redeemed_fen));
	json_object_set_new(o, "truncated", json_boolean(w->truncated));
	json_object_set_new(o, "points", points_json(op, q, w));
	return o;
}

/* ?from=&to= (RFC 3339 UTC, required, to after from) &step= (seconds,
 * default 3600; to - from a whole number of steps, at most
 * SUPPLY_STEP_COUNT_MAX) [&tenant=]. False after answering 400. */
static bool supply_query_parse(struct api_request *r, struct supply_query *q)
{
	static const char *const allowed[] = { "from", "to", "step", "tenant", NULL };
	if (!api_query_only(r, allowed))
		return false;
	const char *from = api_query(r, "from"), *to = api_query(r, "to");
	const char *step = api_query(r, "step"), *tenant = api_query(r, "tenant");
	uint64_t step_s = 3600;
	if (!from || !to || api_time_parse(from, &q->from_ns) || api_time_parse(to, &q->to_ns) || q->to_ns <= q->from_ns) {
		api_problem(r, "query_invalid", "from and to are required UTC times YYYY-MM-DDTHH:MM:SSZ, to after from");
		return false;
	}
	if (step && (sz_u64_parse(step, strlen(step), &step_s) || step_s == 0 || step_s > UINT64_MAX / NS_PER_S)) {
		api_problem(r, "query_invalid", "step is a whole number of seconds, at least 1");
		return false;
	}
	q->step_ns = step_s * NS_PER_S;
	uint64_t span_ns = q->to_ns - q->from_ns;
	if (span_ns % q->step_ns != 0 || span_ns / q->step_ns > SUPPLY_STEP_COUNT_MAX) {
		api_problem(r, "query_invalid", "to - from must be a whole number of steps, at most %u", SUPPLY_STEP_COUNT_MAX);
		return false;
	}
	q->steps = (uint32_t)(span_ns / q->step_ns);
	if (tenant && (sz_u64_parse(tenant, strlen(tenant), &q->tenant_id) || q->tenant_id == 0)) {
		api_problem(r, "query_invalid", "tenant is an operator's tenant id");
		return false;
	}
	return true;
}

/* One operator's series appended to list; false after answering a problem. */
static bool append_operator(struct api_request *r, const struct currency_operator *op, struct supply_query *q,
			    struct supply_step *steps, json_t *list)
{
	memset(steps, 0, q->steps * sizeof *steps);
	struct supply_walk w = { .steps = steps };
	if (!walk_vault(r, op, q, &w))
		return false;
	json_t *o = operator_series_json(op, q, &w);
	if (json_array_size(json_object_get(o, "points")) != q->steps) {
		json_decref(o);
		api_problem(r, "internal", "no memory for the supply series");
		return false;
	}
	json_array_append_new(list, o);
	return true;
}

static json_t *series_doc(const struct supply_query *q, json_t *list)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "currency", json_string("CNY"));
	json_object_set_new(doc, "from", time_text(q->from_ns));
	json_object_set_new(doc, "to", time_text(q->to_ns));
	json_object_set_new(doc, "step_s", json_integer((json_int_t)(q->step_ns / NS_PER_S)));
	json_object_set_new(doc, "scanned", json_integer(q->scanned));
	json_object_set_new(doc, "operators", list);
	return doc;
}

void currency_handle_supply_series(struct api_request *r)
{
	struct supply_query q = { 0 };
	if (!supply_query_parse(r, &q))
		return;
	if (r->principal.role == API_ROLE_OPERATOR) {
		if (q.tenant_id != 0 && q.tenant_id != r->principal.tenant_id) {
			api_problem(r, "not_found", "no operator %llu", (unsigned long long)q.tenant_id);
			return;
		}
		q.tenant_id = r->principal.tenant_id;
	}
	const struct currency_state *c = currency_http_state(r);
	if (q.tenant_id != 0 && currency_operator_find(c, q.tenant_id) == NULL) {
		api_problem(r, "not_found", "no operator %llu", (unsigned long long)q.tenant_id);
		return;
	}
	struct supply_step *steps = calloc(q.steps, sizeof *steps);
	json_t *list = json_array();
	if (steps == NULL || list == NULL) {
		free(steps);
		json_decref(list);
		api_problem(r, "internal", "no memory for the supply series");
		return;
	}
	bool ok = true;
	for (uint32_t i = 0; ok && i < currency_operator_count(c); i++) {
		const struct currency_operator *op = currency_operator_at(c, i);
		if (q.tenant_id == 0 || op->cmd.tenant_id == q.tenant_id)
			ok = append_operator(r, op, &q, steps, list);
	}
	free(steps);
	if (!ok) {
		json_decref(list);
		return;
	}
	api_reply_json(r, 200, series_doc(&q, list));
}
