/*
 * eval.c — rule evaluation on window counters: features, bands, typology
 * scores, and the counters themselves.
 *
 * Owns: the arithmetic that turns one transfer and the accounts' counters
 * into scores. It knows no engine and no table: the caller passes the
 * records (the domain's, or a backtest's own built from a list of
 * transfers). Integer-only, no allocation, no clock: apply runs it.
 *
 * Windows: a sliding window of h hours covers the current hour's bucket and
 * the h - 1 before it (bucket granularity: one hour); window 0 is the
 * current China-Standard-Time day. Every value counts the transfer being
 * judged as if it were committed.
 */
#include "risk/risk.h"
#include "risk/ext.h"
#include "core/assert.h"

#include <string.h>

int32_t risk_day_of(uint64_t time_ns)
{
	return (int32_t)((time_ns + RISK_DAY_OFFSET_NS) / RISK_NS_PER_DAY);
}

uint32_t risk_hour_of(uint64_t time_ns)
{
	return (uint32_t)(time_ns / RISK_BUCKET_NS);
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* a * b / c without overflow for the magnitudes here (saturates). */
static uint64_t mul_div_sat(uint64_t a, uint64_t b, uint64_t c)
{
	SZ_ASSERT(c != 0);
	unsigned __int128 p = (unsigned __int128)a * b / c;
	return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

uint32_t risk_eval_party_mask(const struct risk_ruleset *rs, const struct risk_txn *x)
{
	SZ_ASSERT(rs != NULL && x != NULL);
	uint32_t mask = 1u << RISK_PARTY_ANY;
	bool cash = rs->cash_code_max != 0 && x->code >= rs->cash_code_min && x->code <= rs->cash_code_max;
	bool xborder = rs->xborder_code_max != 0 && x->code >= rs->xborder_code_min && x->code <= rs->xborder_code_max;
	uint32_t kind_bit = x->payer_kind < 16 ? 1u << x->payer_kind : 0;
	if (cash)
		mask |= 1u << RISK_PARTY_CASH;
	if (rs->institution_kind_mask & kind_bit)
		mask |= 1u << RISK_PARTY_INSTITUTION;
	if (rs->individual_kind_mask & kind_bit)
		mask |= 1u << (xborder ? RISK_PARTY_INDIVIDUAL_XBORDER : RISK_PARTY_INDIVIDUAL_DOMESTIC);
	return mask;
}

/* Does x pass a rule's filter (party class, transfer codes, amount range)? */
static bool filter_passes(const struct risk_rule *r, uint32_t party_mask, uint16_t code, uint64_t amount)
{
	if ((party_mask & (1u << r->party)) == 0)
		return false;
	if (r->code_max != 0 && (code < r->code_min || code > r->code_max))
		return false;
	if (amount < r->amount_min_minor)
		return false;
	return r->amount_max_minor == 0 || amount < r->amount_max_minor;
}

/* Window sums over the account's buckets (sliding) or day (window 0),
 * before x is added. */
struct window_figures {
	uint64_t out_sum, in_sum;
	uint64_t out_count, in_count;
	uint64_t new_payees, new_payers;
	uint64_t tally_count, tally_sum;
};

/* One sliding window of one account with every tally slot's count: what a
 * pass over its buckets gives. */
struct window_all {
	struct window_figures f;
	uint64_t tally_count[RISK_TALLY_COUNT_MAX];
};

/* Memo of sliding windows for one transfer's evaluation: several rules read
 * the same window of the same account (fan-in's count and sum, pass-through's
 * share and inflow), and each read walks up to 24 buckets. Bit h of valid[side]
 * says w[side][h] holds window h of that side. */
struct window_memo {
	uint32_t valid[2];
	bool tallies;        /* a rule counts a tally slot over a sliding window */
	uint32_t party_mask; /* risk_eval_party_mask of the transfer, once */
	struct window_all w[2][RISK_BUCKET_COUNT + 1];
};

/* tallies: also sum the tally slots (only a sliding tally rule reads them).
 * The buckets are newest first: the walk stops at the first one older than
 * the window, so it reads only hours with activity, and most often the
 * first cache lines of the list. A bucket of an hour after time_ns's (times
 * went back) is not in the window. */
static void window_sum(const struct risk_account *a, uint32_t window_h, uint64_t time_ns, bool tallies,
		       struct window_all *w)
{
	memset(w, 0, sizeof *w);
	uint32_t now = risk_hour_of(time_ns);
	SZ_ASSERT(a->bucket_count <= RISK_BUCKET_COUNT);
	for (uint32_t i = 0; i < a->bucket_count; i++) {
		const struct risk_bucket *b = &a->buckets[i];
		if (b->hour > now)
			continue;
		if (now - b->hour >= window_h)
			break;
		w->f.out_sum = add_sat(w->f.out_sum, b->out_sum_minor);
		w->f.in_sum = add_sat(w->f.in_sum, b->in_sum_minor);
		w->f.out_count += b->out_count;
		w->f.in_count += b->in_count;
		w->f.new_payees += b->new_payee_count;
		w->f.new_payers += b->new_payer_count;
		for (uint32_t s = 0; tallies && s < RISK_TALLY_COUNT_MAX; s++)
			w->tally_count[s] += b->tally_count[s];
	}
}

static void window_read(const struct risk_account *a, const struct risk_rule *r, uint64_t time_ns,
			struct window_figures *w, struct window_memo *memo)
{
	memset(w, 0, sizeof *w);
	if (a == NULL)
		return;
	uint32_t slot = r->tally >= 1 && r->tally <= RISK_TALLY_COUNT_MAX ? r->tally - 1u : 0;
	if (r->window_h == 0) {
		if (a->day != risk_day_of(time_ns))
			return;
		*w = (struct window_figures){ a->day_out_sum_minor, a->day_in_sum_minor, a->day_out_count,
					      a->day_in_count, a->day_new_payee_count, a->day_new_payer_count,
					      a->day_tally_count[slot], a->day_tally_sum_minor[slot] };
		return;
	}
	SZ_ASSERT(r->window_h <= RISK_BUCKET_COUNT);
	struct window_all one, *all = &one;
	if (memo != NULL) {
		all = &memo->w[r->side & 1][r->window_h];
		if ((memo->valid[r->side & 1] & (1u << r->window_h)) == 0) {
			window_sum(a, r->window_h, time_ns, memo->tallies, all);
			memo->valid[r->side & 1] |= 1u << r->window_h;
		}
	} else {
		window_sum(a, r->window_h, time_ns, true, all);
	}
	*w = all->f;
	w->tally_count = all->tally_count[slot];
}

/* Same-day outflow against the average daily outflow of the earlier days. */
static uint64_t history_bp(const struct risk_account *a, const struct risk_rule *r, uint64_t time_ns,
			   uint64_t amount)
{
	if (a == NULL || a->last_activity_ns == 0)
		return 0;
	int32_t today = risk_day_of(time_ns);
	uint64_t today_out = a->day == today ? a->day_out_sum_minor : 0;
	uint64_t hist_sum = a->hist_out_sum_minor + (a->day != today ? a->day_out_sum_minor : 0);
	uint64_t hist_days = today > a->first_day ? (uint64_t)(today - a->first_day) : 0;
	if (hist_days < r->param || hist_days == 0 || hist_sum == 0)
		return 0;
	/* (today_out + amount) / (hist_sum / hist_days) in bp */
	return mul_div_sat(add_sat(today_out, amount), 10000u * hist_days, hist_sum);
}

static uint64_t flow_value(const struct window_figures *w, const struct risk_rule *r, bool x_counts,
			   uint64_t amount)
{
	bool out = r->flow == RISK_FLOW_OUT;
	uint64_t add_count = x_counts ? 1 : 0, add_sum = x_counts ? amount : 0;
	if (r->feature == RISK_F_COUNT)
		return (r->tally ? w->tally_count : out ? w->out_count : w->in_count) + add_count;
	SZ_ASSERT(r->feature == RISK_F_SUM);
	return add_sat(r->tally ? w->tally_sum : out ? w->out_sum : w->in_sum, add_sum);
}

static uint64_t feature_value(const struct risk_ruleset *rs, const struct risk_rule *r, const struct risk_txn *x,
			      const struct risk_view *v, struct window_memo *memo)
{
	SZ_ASSERT(rs != NULL && r != NULL);
	SZ_ASSERT(x != NULL && v != NULL);
	const struct risk_account *a = r->side == RISK_SIDE_PAYER ? v->payer : v->payee;
	bool x_is_out = r->side == RISK_SIDE_PAYER; /* x flows out of the payer, into the payee */
	struct window_figures w;
	switch (r->feature) {
	case RISK_F_AMOUNT:
		return x->amount_minor;
	case RISK_F_COUNT:
	case RISK_F_SUM: {
		window_read(a, r, x->time_ns, &w, memo);
		bool x_in_flow = (r->flow == RISK_FLOW_OUT) == x_is_out;
		uint32_t party = memo != NULL ? memo->party_mask : risk_eval_party_mask(rs, x);
		bool x_counts = r->tally ? filter_passes(r, party, x->code, x->amount_minor) : x_in_flow;
		return flow_value(&w, r, x_counts, x->amount_minor);
	}
	case RISK_F_SHARE_BP: {
		window_read(a, r, x->time_ns, &w, memo);
		uint64_t out = add_sat(w.out_sum, x_is_out ? x->amount_minor : 0);
		uint64_t in = add_sat(w.in_sum, x_is_out ? 0 : x->amount_minor);
		return in == 0 ? 0 : mul_div_sat(out, 10000u, in);
	}
	case RISK_F_HISTORY_BP:
		return history_bp(a, r, x->time_ns, x_is_out ? x->amount_minor : 0);
	case RISK_F_DORMANT_DAYS:
		if (a == NULL || a->last_activity_ns == 0 || x->time_ns < a->last_activity_ns)
			return 0;
		return (x->time_ns - a->last_activity_ns) / RISK_NS_PER_DAY;
	case RISK_F_NEW_PEERS:
		window_read(a, r, x->time_ns, &w, memo);
		return (r->flow == RISK_FLOW_OUT ? w.new_payees : w.new_payers) + (v->pair_new ? 1u : 0u);
	case RISK_F_ROUND: {
		uint64_t unit = 1;
		for (uint16_t k = 0; k < r->param && k < 19; k++)
			unit *= 10u;
		return x->amount_minor % unit == 0 ? 1u : 0u;
	}
	case RISK_F_BENFORD_MAD:
	case RISK_F_XBORDER_DECLARED_BP:
	case RISK_F_XBORDER_REMITTERS:
		return risk_ext_feature(rs, r, x, v); /* eval_ext.c */
	}
	SZ_ASSERT(!"feature checked by risk_ruleset_check");
	return 0;
}

uint64_t risk_eval_feature(const struct risk_ruleset *rs, const struct risk_rule *r, const struct risk_txn *x,
			   const struct risk_view *v)
{
	return feature_value(rs, r, x, v, NULL);
}

static uint16_t rule_score(const struct risk_ruleset *rs, const struct risk_rule *r, const struct risk_txn *x,
			   const struct risk_view *v, uint64_t *value, struct window_memo *memo)
{
	SZ_ASSERT(r->band_count >= 1 && r->band_count <= RISK_BAND_COUNT_MAX);
	*value = 0;
	if (r->currency != 0 && r->currency != x->currency)
		return 0;
	if (x->amount_minor < r->exit_below_minor)
		return 0;
	uint16_t side_kind = r->side == RISK_SIDE_PAYER ? x->payer_kind : x->payee_kind;
	if (side_kind < 16 && (r->exit_kind_mask & (1u << side_kind)))
		return 0;
	/* A tally rule's filter selects what it counts; the others' filter the transfer. */
	if (r->tally == 0 &&
	    !filter_passes(r, memo != NULL ? memo->party_mask : risk_eval_party_mask(rs, x), x->code, x->amount_minor))
		return 0;
	*value = feature_value(rs, r, x, v, memo);
	uint16_t score = 0;
	for (uint32_t b = 0; b < r->band_count; b++)
		if (*value >= r->band_min[b])
			score = r->band_score[b];
	SZ_ASSERT(score <= RISK_SCORE_MAX);
	return score;
}

uint16_t risk_eval_rule(const struct risk_ruleset *rs, const struct risk_rule *r, const struct risk_txn *x,
			const struct risk_view *v, uint64_t *value)
{
	return rule_score(rs, r, x, v, value, NULL);
}

/* The highest score a rule's bands give (bands may descend: 90-100 %). */
static uint32_t rule_score_max(const struct risk_rule *r)
{
	uint32_t m = 0;
	for (uint32_t b = 0; b < r->band_count; b++)
		m = r->band_score[b] > m ? r->band_score[b] : m;
	return m;
}

void risk_plan_build(const struct risk_ruleset *rs, struct risk_plan *p)
{
	SZ_ASSERT(rs != NULL && p != NULL);
	SZ_ASSERT(rs->typology_count <= RISK_TYPOLOGY_COUNT_MAX && rs->rule_count <= RISK_RULE_COUNT_MAX);
	memset(p, 0, sizeof *p);
	p->version = rs->version;
	p->uses_ext = risk_ruleset_uses_ext(rs);
	for (uint32_t i = 0; i < rs->rule_count; i++)
		p->sliding_tally |= rs->rules[i].tally != 0 && rs->rules[i].window_h != 0;
	for (uint32_t t = 0; t < rs->typology_count; t++) {
		const struct risk_typology *ty = &rs->typologies[t];
		for (uint32_t k = 0; k < ty->rule_count; k++) {
			const struct risk_rule *r = risk_ruleset_rule(rs, ty->rule_id[k]);
			SZ_ASSERT(r != NULL); /* references checked at activation */
			p->rule_index[t][k] = (uint8_t)(r - rs->rules);
			p->contribution_max[t][k] = (uint32_t)ty->weight_pct[k] * rule_score_max(r) / 100u;
			p->typology_max[t] += p->contribution_max[t][k];
		}
	}
}

/* Judge one typology. Rules are evaluated in order while the alert
 * threshold can still be reached: once the score so far plus the most the
 * remaining rules could add falls short, the typology neither alerts nor
 * interdicts (interdict >= alert, risk_ruleset_check) and the rest is
 * skipped; the verdict then lists only the rules evaluated. */
static void typology_judge(const struct risk_ruleset *rs, const struct risk_plan *p, uint32_t t,
			   const struct risk_txn *x, const struct risk_view *v, struct window_memo *memo,
			   struct risk_verdict *vd)
{
	const struct risk_typology *ty = &rs->typologies[t];
	uint32_t rest_max = p->typology_max[t];
	for (uint32_t k = 0; k < ty->rule_count; k++) {
		if (vd->score + rest_max < ty->alert_threshold)
			return;
		const struct risk_rule *r = &rs->rules[p->rule_index[t][k]];
		struct risk_contribution *c = &vd->contributions[vd->contribution_count++];
		c->rule_id = r->rule_id;
		c->rule_score = rule_score(rs, r, x, v, &c->value, memo);
		c->contribution = (uint32_t)ty->weight_pct[k] * c->rule_score / 100u;
		vd->score += c->contribution;
		rest_max -= p->contribution_max[t][k];
	}
	vd->alert = vd->score >= ty->alert_threshold;
	vd->interdict = ty->interdict_threshold != 0 && vd->score >= ty->interdict_threshold;
}

uint32_t risk_eval_typologies_planned(const struct risk_ruleset *rs, const struct risk_plan *p,
				      const struct risk_txn *x, const struct risk_view *v,
				      struct risk_verdict out[RISK_TYPOLOGY_COUNT_MAX])
{
	SZ_ASSERT(rs != NULL && out != NULL);
	SZ_ASSERT(rs->typology_count <= RISK_TYPOLOGY_COUNT_MAX && p->version == rs->version);
	uint32_t alert_count = 0;
	struct window_memo memo;
	memo.valid[0] = memo.valid[1] = 0;
	memo.tallies = p->sliding_tally;
	memo.party_mask = risk_eval_party_mask(rs, x);
	for (uint32_t t = 0; t < rs->typology_count; t++) {
		struct risk_verdict *vd = &out[t];
		/* The head only: contributions past contribution_count are not read. */
		vd->typology_id = rs->typologies[t].typology_id;
		vd->alert = vd->interdict = 0;
		vd->score = vd->contribution_count = 0;
		typology_judge(rs, p, t, x, v, &memo, vd);
		alert_count += vd->alert;
	}
	return alert_count;
}

uint32_t risk_eval_typologies(const struct risk_ruleset *rs, const struct risk_txn *x, const struct risk_view *v,
			      struct risk_verdict out[RISK_TYPOLOGY_COUNT_MAX])
{
	SZ_ASSERT(rs != NULL && out != NULL);
	struct risk_plan p;
	risk_plan_build(rs, &p);
	return risk_eval_typologies_planned(rs, &p, x, v, out);
}

/* ---- counters ------------------------------------------------------------ */

static void day_roll(struct risk_account *a, int32_t today)
{
	SZ_ASSERT(a->day < today || a->last_activity_ns == 0);
	a->hist_out_sum_minor = add_sat(a->hist_out_sum_minor, a->day_out_sum_minor);
	a->day = today;
	a->day_out_sum_minor = a->day_in_sum_minor = 0;
	a->day_out_count = a->day_in_count = 0;
	a->day_new_payee_count = a->day_new_payer_count = 0;
	memset(a->day_tally_count, 0, sizeof a->day_tally_count);
	memset(a->day_tally_sum_minor, 0, sizeof a->day_tally_sum_minor);
}

/* The bucket of `hour`, made if missing: the buckets 24 hours or more
 * older are dropped (zeroed: no window of a later transfer reaches them),
 * then a new hour goes first. An earlier hour than the newest (times went
 * back within the day) is found or put in its place in the order. */
static struct risk_bucket *bucket_of_hour(struct risk_account *a, uint32_t hour)
{
	SZ_ASSERT(a->bucket_count <= RISK_BUCKET_COUNT);
	if (a->bucket_count > 0 && a->buckets[0].hour == hour)
		return &a->buckets[0];
	while (a->bucket_count > 0 && a->buckets[a->bucket_count - 1].hour + RISK_BUCKET_COUNT <= hour)
		a->buckets[--a->bucket_count] = (struct risk_bucket){ 0 };
	uint32_t at = 0;
	while (at < a->bucket_count && a->buckets[at].hour > hour)
		at++;
	if (at < a->bucket_count && a->buckets[at].hour == hour)
		return &a->buckets[at];
	SZ_ASSERT(a->bucket_count < RISK_BUCKET_COUNT); /* the others are 24 distinct hours within 24 of this one */
	memmove(&a->buckets[at + 1], &a->buckets[at], (a->bucket_count - at) * sizeof a->buckets[0]);
	a->buckets[at] = (struct risk_bucket){ .hour = hour };
	a->bucket_count++;
	return &a->buckets[at];
}

/* The account's counters brought to time_ns (the day rolled, the buckets
 * that slid out dropped): the bucket of time_ns's hour. */
static struct risk_bucket *advance(struct risk_account *a, uint64_t time_ns)
{
	SZ_ASSERT(a != NULL);
	int32_t today = risk_day_of(time_ns);
	if (a->day != today)
		day_roll(a, today);
	struct risk_bucket *b = bucket_of_hour(a, risk_hour_of(time_ns));
	SZ_ASSERT(b->hour == risk_hour_of(time_ns));
	return b;
}

uint32_t risk_account_bucket_change_count(const struct risk_account *a, uint64_t time_ns)
{
	SZ_ASSERT(a != NULL && a->bucket_count <= RISK_BUCKET_COUNT);
	if (a->bucket_count > 0 && a->buckets[0].hour == risk_hour_of(time_ns))
		return 1;
	return a->bucket_count < RISK_BUCKET_COUNT ? a->bucket_count + 1 : RISK_BUCKET_COUNT;
}

bool risk_account_valid(const struct risk_account *a)
{
	SZ_ASSERT(a != NULL);
	static const struct risk_bucket zero;
	if (a->bucket_count > RISK_BUCKET_COUNT || a->reserved != 0)
		return false;
	for (uint32_t i = 0; i < RISK_BUCKET_COUNT; i++) {
		const struct risk_bucket *b = &a->buckets[i];
		if (i >= a->bucket_count ? memcmp(b, &zero, sizeof zero) != 0
					 : b->hour + RISK_BUCKET_COUNT <= a->buckets[0].hour ||
						   (i > 0 && b->hour >= a->buckets[i - 1].hour))
			return false;
	}
	for (uint32_t i = 0; i < sizeof a->reserved_tail; i++)
		if (a->reserved_tail[i] != 0)
			return false;
	return true;
}

static uint16_t add16(uint16_t a) { return a == UINT16_MAX ? a : (uint16_t)(a + 1); }
static uint8_t add8(uint8_t a) { return a == UINT8_MAX ? a : (uint8_t)(a + 1); }
static uint32_t add32(uint32_t a) { return a == UINT32_MAX ? a : a + 1; }

/* Count x in every tally slot whose defining rule's filter it passes (the
 * first rule naming a slot defines it). */
static void tally_add(const struct risk_ruleset *rs, struct risk_account *a, struct risk_bucket *b,
		      const struct risk_txn *x, bool as_payer)
{
	uint32_t done = 0, party = risk_eval_party_mask(rs, x);
	for (uint32_t i = 0; i < rs->rule_count; i++) {
		const struct risk_rule *r = &rs->rules[i];
		if (r->tally == 0 || (done & (1u << r->tally)))
			continue;
		done |= 1u << r->tally;
		bool side_ok = (r->side == RISK_SIDE_PAYER) == as_payer && (r->flow == RISK_FLOW_OUT) == as_payer;
		if (!side_ok || (r->currency != 0 && r->currency != x->currency) ||
		    !filter_passes(r, party, x->code, x->amount_minor))
			continue;
		uint32_t s = r->tally - 1u;
		a->day_tally_count[s] = add32(a->day_tally_count[s]);
		a->day_tally_sum_minor[s] = add_sat(a->day_tally_sum_minor[s], x->amount_minor);
		b->tally_count[s] = add8(b->tally_count[s]);
	}
}

void risk_account_add(const struct risk_ruleset *rs, struct risk_account *a, const struct risk_txn *x, bool as_payer,
		      bool pair_new)
{
	SZ_ASSERT(a != NULL && x != NULL);
	struct risk_bucket *b = advance(a, x->time_ns);
	if (a->last_activity_ns == 0)
		a->first_day = a->day;
	if (as_payer) {
		a->day_out_sum_minor = add_sat(a->day_out_sum_minor, x->amount_minor);
		a->day_out_count = add32(a->day_out_count);
		b->out_sum_minor = add_sat(b->out_sum_minor, x->amount_minor);
		b->out_count = add16(b->out_count);
		if (pair_new) {
			a->day_new_payee_count = add32(a->day_new_payee_count);
			b->new_payee_count = add8(b->new_payee_count);
		}
		memmove(&a->recent_transfer_id[1], &a->recent_transfer_id[0],
			(RISK_RECENT_COUNT - 1) * sizeof a->recent_transfer_id[0]);
		a->recent_transfer_id[0] = x->transfer_id;
	} else {
		a->day_in_sum_minor = add_sat(a->day_in_sum_minor, x->amount_minor);
		a->day_in_count = add32(a->day_in_count);
		b->in_sum_minor = add_sat(b->in_sum_minor, x->amount_minor);
		b->in_count = add16(b->in_count);
		if (pair_new) {
			a->day_new_payer_count = add32(a->day_new_payer_count);
			b->new_payer_count = add8(b->new_payer_count);
		}
	}
	if (rs != NULL)
		tally_add(rs, a, b, x, as_payer);
	a->last_activity_ns = x->time_ns;
}
