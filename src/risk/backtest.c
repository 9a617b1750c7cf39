/*
 * backtest.c — replay transfers against a rule-set version (see backtest.h).
 *
 * Each transfer is judged exactly as the commit hook judges it
 * (src/risk/apply.c, risk_observe): the typologies are evaluated on the
 * payer's and payee's counters as they stood before it (NULL for an
 * account not seen yet), then it is added to both, payer first. The
 * counters here are the backtest's own, so nothing live changes. After the
 * replay the transfers become a graph and time-respecting cycles of
 * cycle_hops_min..6 hops within the window are alerts of the graph
 * typology BT_TYPOLOGY_CYCLE.
 * Flags (the shares of transfers and accounts flagged) come from suspicious
 * typologies and cycles: a large-value typology's alerts are mandatory
 * reports on amount alone, listed and counted but not flags of suspicion.
 */
#include "risk/backtest.h"
#include "core/assert.h"
#include "core/errors.h"
#include "risk/graph.h"
#include "risk/ext.h"

#include <stdlib.h>
#include <string.h>

struct bt_run_state {
	struct risk_account_ext *ext;  /* ext.h counters, one per account (no declarations: replayed
					* traffic carries none, so declared-volume rules score 0) */
	bool uses_ext;
	const struct bt_options *o;
	const struct bt_transfer *t;
	struct bt_result *r;
	uint32_t alert_cap;
	uint64_t *pairs;               /* open addressing: (payer + 1) << 32 | (payee + 1); 0 empty */
	uint64_t pair_mask;
};

static int alert_push(struct bt_run_state *s, const struct bt_alert *a)
{
	struct bt_result *r = s->r;
	if (r->alert_count == BT_ALERT_COUNT_MAX) {
		r->alert_dropped_count++;
		return 0;
	}
	if (r->alert_count == s->alert_cap) {
		uint32_t cap = s->alert_cap ? s->alert_cap * 2 : 1024;
		struct bt_alert *n = realloc(r->alerts, (size_t)cap * sizeof *n);
		if (n == NULL)
			return SZ_ENOMEM;
		r->alerts = n;
		s->alert_cap = cap;
	}
	r->alerts[r->alert_count++] = *a;
	return 0;
}

static void flag_transfer(struct bt_result *r, uint32_t i)
{
	r->transfer_flagged_count += r->transfer_flagged[i] == 0;
	r->transfer_flagged[i] = 1;
}

static void flag_account(struct bt_result *r, uint32_t a)
{
	r->account_flagged_count += r->account_flagged[a] == 0;
	r->account_flagged[a] = 1;
}

/* true if the pair is new (and records it). */
static bool pair_first(struct bt_run_state *s, uint32_t payer, uint32_t payee)
{
	uint64_t key = ((uint64_t)payer + 1) << 32 | ((uint64_t)payee + 1);
	uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> 20;
	for (uint64_t i = h & s->pair_mask;; i = (i + 1) & s->pair_mask) {
		if (s->pairs[i] == key)
			return false;
		if (s->pairs[i] == 0) {
			s->pairs[i] = key;
			return true;
		}
	}
}

/* The account an alert is about: the side of its largest contribution. */
static uint32_t verdict_subject(const struct risk_ruleset *rs, const struct risk_verdict *v, const struct bt_transfer *x)
{
	uint32_t best = 0;
	uint8_t side = RISK_SIDE_PAYER;
	for (uint32_t c = 0; c < v->contribution_count; c++) {
		const struct risk_rule *rule = risk_ruleset_rule(rs, v->contributions[c].rule_id);
		if (rule != NULL && v->contributions[c].contribution > best) {
			best = v->contributions[c].contribution;
			side = rule->side;
		}
	}
	return side == RISK_SIDE_PAYEE ? x->payee : x->payer;
}

static int judge_one(struct bt_run_state *s, uint32_t i, struct risk_account *acc, uint8_t *seen, const uint16_t *kinds)
{
	const struct bt_transfer *b = &s->t[i];
	struct risk_txn x = { .transfer_id = sz_id_make(0, (uint64_t)i + 1), .payer_id = acc[b->payer].account_id,
			      .payee_id = acc[b->payee].account_id, .amount_minor = b->amount_minor,
			      .time_ns = b->time_ns, .currency = b->currency, .code = b->code,
			      .payer_kind = kinds[b->payer], .payee_kind = kinds[b->payee] };
	bool pair_new = pair_first(s, b->payer, b->payee);
	struct risk_view v = { seen[b->payer] ? &acc[b->payer] : NULL, seen[b->payee] ? &acc[b->payee] : NULL,
			       pair_new, &s->ext[b->payer], &s->ext[b->payee] };
	struct risk_verdict verdicts[RISK_TYPOLOGY_COUNT_MAX];
	if (risk_eval_typologies(s->o->rs, &x, &v, verdicts) > 0) {
		for (uint32_t k = 0; k < s->o->rs->typology_count; k++) {
			if (!verdicts[k].alert)
				continue;
			struct bt_alert a = { .typology_id = verdicts[k].typology_id, .score = verdicts[k].score,
					      .subject = verdict_subject(s->o->rs, &verdicts[k], b), .member_count = 2,
					      .members = { b->payer, b->payee }, .transfer_count = 1, .transfers = { i },
					      .amount_minor = b->amount_minor, .time_ns = b->time_ns };
			if (s->o->rs->typologies[k].report != RISK_REPORT_LARGE) { /* reports, not suspicion */
				flag_transfer(s->r, i);
				flag_account(s->r, a.subject);
			}
			int rc = alert_push(s, &a);
			if (rc != 0)
				return rc;
		}
	}
	risk_account_add(s->o->rs, &acc[b->payer], &x, true, pair_new);
	risk_account_add(s->o->rs, &acc[b->payee], &x, false, pair_new);
	if (s->uses_ext) {
		risk_ext_add(s->o->rs, &s->ext[b->payer], &x, true);
		risk_ext_add(s->o->rs, &s->ext[b->payee], &x, false);
	}
	seen[b->payer] = seen[b->payee] = 1;
	return 0;
}

struct cycle_ctx {
	struct bt_run_state *s;
	int rc;
};

static void on_cycle(void *ctx, const struct graph *g, const struct graph_cycle *c)
{
	struct cycle_ctx *cc = ctx;
	struct bt_alert a = { .typology_id = BT_TYPOLOGY_CYCLE, .score = c->hops, .member_count = c->hops,
			      .transfer_count = c->hops, .amount_minor = c->returned_minor };
	for (uint32_t h = 0; h < c->hops; h++) {
		const struct graph_edge *e = &g->edges[c->edge_index[h]];
		a.members[h] = e->from;
		a.transfers[h] = (uint32_t)(e->transfer_id.lo - 1);
		flag_account(cc->s->r, e->from);
		flag_transfer(cc->s->r, a.transfers[h]);
	}
	a.subject = a.members[0];
	a.time_ns = g->edges[c->edge_index[0]].time_ns;
	if (cc->rc == 0)
		cc->rc = alert_push(cc->s, &a);
}

static int cycles_run(struct bt_run_state *s, uint32_t n)
{
	struct graph_edge *e = malloc((size_t)(n ? n : 1) * sizeof *e);
	if (e == NULL)
		return SZ_ENOMEM;
	uint32_t m = 0;
	for (uint32_t i = 0; i < n; i++)
		if (s->t[i].payer != s->t[i].payee)
			e[m++] = (struct graph_edge){ s->t[i].payer, s->t[i].payee, s->t[i].amount_minor, s->t[i].time_ns,
						      sz_id_make(0, (uint64_t)i + 1) };
	struct graph g;
	int rc = graph_build(&g, e, m, s->r->account_count);
	free(e);
	if (rc != 0)
		return rc;
	struct cycle_ctx cc = { s, 0 };
	struct graph_cycle_stats st;
	graph_cycles(&g, s->o->cycle_window_ns, s->o->cycle_hops_min, GRAPH_HOPS_MAX, on_cycle, &cc, &st);
	graph_release(&g);
	return cc.rc;
}

int bt_run(const struct bt_options *o, const struct bt_transfer *t, uint32_t transfer_count, const uint16_t *kinds,
	   uint32_t account_count, struct bt_result *out)
{
	SZ_ASSERT(o != NULL && o->rs != NULL && out != NULL);
	SZ_ASSERT(t != NULL || transfer_count == 0);
	memset(out, 0, sizeof *out);
	if (transfer_count > BT_TRANSFER_COUNT_MAX || account_count > BT_ACCOUNT_COUNT_MAX)
		return SZ_ELIMIT;
	if (o->cycle_window_ns && (o->cycle_hops_min < GRAPH_HOPS_MIN || o->cycle_hops_min > GRAPH_HOPS_MAX))
		return SZ_EINVAL;
	for (uint32_t i = 0; i < transfer_count; i++)
		if (t[i].payer >= account_count || t[i].payee >= account_count || (i && t[i].time_ns < t[i - 1].time_ns))
			return SZ_EINVAL;
	struct bt_run_state s = { .o = o, .t = t, .r = out };
	out->transfer_count = transfer_count;
	out->account_count = account_count;
	uint64_t cap = 1024;
	while (cap < 2ull * transfer_count)
		cap *= 2;
	s.pair_mask = cap - 1;
	s.pairs = calloc(cap, sizeof *s.pairs);
	struct risk_account *acc = calloc(account_count ? account_count : 1, sizeof *acc);
	uint8_t *seen = calloc(account_count ? account_count : 1, 1);
	s.ext = calloc(account_count ? account_count : 1, sizeof *s.ext);
	s.uses_ext = risk_ruleset_uses_ext(o->rs);
	out->transfer_flagged = calloc(transfer_count ? transfer_count : 1, 1);
	out->account_flagged = calloc(account_count ? account_count : 1, 1);
	int rc = s.pairs && acc && seen && s.ext && out->transfer_flagged && out->account_flagged ? 0 : SZ_ENOMEM;
	for (uint32_t a = 0; rc == 0 && a < account_count; a++)
		acc[a].account_id = sz_id_make(0, (uint64_t)a + 1);
	for (uint32_t i = 0; rc == 0 && i < transfer_count; i++)
		rc = judge_one(&s, i, acc, seen, kinds);
	if (rc == 0 && o->cycle_window_ns)
		rc = cycles_run(&s, transfer_count);
	free(s.pairs);
	free(acc);
	free(seen);
	free(s.ext);
	if (rc != 0)
		bt_result_release(out);
	return rc;
}

void bt_result_release(struct bt_result *r)
{
	if (r == NULL)
		return;
	free(r->alerts);
	free(r->transfer_flagged);
	free(r->account_flagged);
	memset(r, 0, sizeof *r);
}

void bt_score(const struct bt_result *r, const struct bt_label *labels, uint32_t label_count, uint32_t typology_count,
	      struct bt_typology_score *scores, uint32_t *account_precision_bp)
{
	SZ_ASSERT(r != NULL && scores != NULL && account_precision_bp != NULL);
	memset(scores, 0, (size_t)typology_count * sizeof *scores);
	uint8_t *planted = calloc(r->account_count ? r->account_count : 1, 1);
	for (uint32_t i = 0; i < label_count; i++) {
		const struct bt_label *l = &labels[i];
		SZ_ASSERT(l->typology < typology_count && l->main_account < r->account_count);
		uint32_t members_flagged = 0;
		for (uint32_t m = 0; m < l->member_count; m++) {
			members_flagged += r->account_flagged[l->members[m]];
			if (planted)
				planted[l->members[m]] = 1;
		}
		if (planted)
			planted[l->main_account] = 1;
		scores[l->typology].planted++;
		scores[l->typology].caught += r->account_flagged[l->main_account] ||
					      (l->member_count > 0 && members_flagged * 2 >= l->member_count);
	}
	uint64_t true_flags = 0;
	for (uint32_t a = 0; planted && a < r->account_count; a++)
		true_flags += r->account_flagged[a] && planted[a];
	*account_precision_bp = r->account_flagged_count ? (uint32_t)(true_flags * 10000 / r->account_flagged_count)
							 : 10000;
	free(planted);
}
