/*
 * eval_ext.c — the features on struct risk_account_ext (ext.h): Benford
 * deviation of first digits, cross-border volume against the declared
 * business, distinct cross-border remitters; and their counters.
 *
 * Owns: that arithmetic. Like eval.c it knows no engine and no table,
 * uses integers only, allocates nothing and reads no clock: apply runs it.
 */
#include "risk/ext.h"
#include "core/assert.h"

#include <string.h>

static const uint32_t benford_ppm[RISK_DIGIT_COUNT] = RISK_BENFORD_PPM_INIT;
#define PPM 1000000u

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

uint32_t risk_first_digit(uint64_t amount)
{
	if (amount == 0)
		return 0;
	while (amount >= 10)
		amount /= 10;
	SZ_ASSERT(amount >= 1 && amount <= 9);
	return (uint32_t)amount;
}

uint64_t risk_benford_mad_ppm(const uint16_t counts[RISK_DIGIT_COUNT], uint32_t extra_digit, uint64_t *n)
{
	SZ_ASSERT(counts != NULL && n != NULL);
	SZ_ASSERT(extra_digit <= RISK_DIGIT_COUNT);
	uint64_t c[RISK_DIGIT_COUNT], total = 0;
	for (uint32_t d = 0; d < RISK_DIGIT_COUNT; d++) {
		c[d] = counts[d] + (extra_digit == d + 1 ? 1u : 0u);
		total += c[d];
	}
	*n = total;
	if (total == 0)
		return 0;
	uint64_t dev = 0;
	for (uint32_t d = 0; d < RISK_DIGIT_COUNT; d++) {
		uint64_t share = c[d] * PPM / total; /* c[d] <= 1,024: no overflow */
		dev += share > benford_ppm[d] ? share - benford_ppm[d] : benford_ppm[d] - share;
	}
	return dev / RISK_DIGIT_COUNT;
}

int32_t risk_month_of(uint64_t time_ns)
{
	/* Days since 1970-01-01 (CST) to the civil date: H. Hinnant's
	 * days_from_civil inverse, for days >= 0. */
	int64_t z = (int64_t)((time_ns + RISK_DAY_OFFSET_NS) / RISK_NS_PER_DAY) + 719468;
	int64_t era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
	SZ_ASSERT(m >= 1 && m <= 12);
	return (int32_t)(y * 12 + m - 1);
}

bool risk_txn_cross_border(const struct risk_ruleset *rs, const struct risk_txn *x)
{
	SZ_ASSERT(rs != NULL && x != NULL);
	return rs->xborder_code_max != 0 && x->code >= rs->xborder_code_min && x->code <= rs->xborder_code_max;
}

bool risk_ruleset_uses_ext(const struct risk_ruleset *rs)
{
	SZ_ASSERT(rs != NULL && rs->rule_count <= RISK_RULE_COUNT_MAX);
	for (uint32_t i = 0; i < rs->rule_count; i++)
		if (risk_feature_reads_ext(rs->rules[i].feature))
			return true;
	return false;
}

static uint64_t peer_hash(sz_id id)
{
	uint64_t h = risk_hash_id(id);
	return h == 0 ? 1 : h; /* 0 marks an empty slot */
}

/* Is a remitter's newest transfer inside the rule's window at now_ns? */
static bool in_window(const struct risk_rule *r, uint64_t last_ns, uint64_t now_ns)
{
	if (last_ns == 0 || last_ns > now_ns)
		return false;
	if (r->window_h == 0)
		return risk_day_of(last_ns) == risk_day_of(now_ns);
	return risk_hour_of(now_ns) - risk_hour_of(last_ns) < r->window_h;
}

static uint64_t remitters_value(const struct risk_ruleset *rs, const struct risk_rule *r, const struct risk_txn *x,
				const struct risk_account_ext *e)
{
	uint64_t h = peer_hash(x->payer_id), count = 0;
	bool counted = false;
	for (uint32_t k = 0; e != NULL && k < RISK_REMITTER_COUNT; k++) {
		if (e->remitters[k].peer_hash == 0 || !in_window(r, e->remitters[k].last_ns, x->time_ns))
			continue;
		count++;
		counted |= e->remitters[k].peer_hash == h;
	}
	return count + (risk_txn_cross_border(rs, x) && !counted ? 1u : 0u);
}

static uint64_t declared_bp(const struct risk_ruleset *rs, const struct risk_rule *r, const struct risk_txn *x,
			    const struct risk_account_ext *e, bool x_in_flow)
{
	if (e == NULL || e->declared_month_minor == 0 || e->declared_currency != x->currency)
		return 0;
	bool out = r->flow == RISK_FLOW_OUT;
	uint64_t sum = e->xb_month == risk_month_of(x->time_ns) ? (out ? e->xb_month_out_minor : e->xb_month_in_minor) : 0;
	if (x_in_flow && risk_txn_cross_border(rs, x))
		sum = add_sat(sum, x->amount_minor);
	unsigned __int128 bp = (unsigned __int128)sum * 10000u / e->declared_month_minor;
	return bp > UINT64_MAX ? UINT64_MAX : (uint64_t)bp;
}

uint64_t risk_ext_feature(const struct risk_ruleset *rs, const struct risk_rule *r, const struct risk_txn *x,
			  const struct risk_view *v)
{
	SZ_ASSERT(rs != NULL && r != NULL);
	SZ_ASSERT(x != NULL && v != NULL);
	const struct risk_account_ext *e = r->side == RISK_SIDE_PAYER ? v->payer_ext : v->payee_ext;
	/* x flows out of the payer and into the payee */
	bool x_in_flow = (r->flow == RISK_FLOW_OUT) == (r->side == RISK_SIDE_PAYER);
	switch (r->feature) {
	case RISK_F_BENFORD_MAD: {
		static const uint16_t none[RISK_DIGIT_COUNT];
		const uint16_t *counts = e == NULL ? none : r->flow == RISK_FLOW_OUT ? e->digit_out : e->digit_in;
		uint64_t n;
		uint64_t mad = risk_benford_mad_ppm(counts, x_in_flow ? risk_first_digit(x->amount_minor) : 0, &n);
		return n < r->param ? 0 : mad;
	}
	case RISK_F_XBORDER_DECLARED_BP:
		return declared_bp(rs, r, x, e, x_in_flow);
	case RISK_F_XBORDER_REMITTERS:
		return remitters_value(rs, r, x, e);
	}
	SZ_ASSERT(!"an ext feature");
	return 0;
}

static void digit_add(uint16_t counts[RISK_DIGIT_COUNT], uint32_t digit)
{
	if (digit == 0)
		return;
	counts[digit - 1]++;
	uint32_t total = 0;
	for (uint32_t d = 0; d < RISK_DIGIT_COUNT; d++)
		total += counts[d];
	if (total < RISK_DIGIT_DECAY_AT)
		return;
	for (uint32_t d = 0; d < RISK_DIGIT_COUNT; d++)
		counts[d] = (uint16_t)(counts[d] / 2u);
}

/* Note the payer among the account's remitters: refresh its slot, else take
 * the empty or least recently seen one (the first of equals). */
static void remitter_add(struct risk_account_ext *e, sz_id payer, uint64_t time_ns)
{
	uint64_t h = peer_hash(payer);
	uint32_t oldest = 0;
	for (uint32_t k = 0; k < RISK_REMITTER_COUNT; k++) {
		if (e->remitters[k].peer_hash == h) {
			e->remitters[k].last_ns = time_ns;
			return;
		}
		if (e->remitters[k].last_ns < e->remitters[oldest].last_ns)
			oldest = k;
	}
	e->remitters[oldest] = (struct risk_remitter){ h, time_ns };
}

void risk_ext_add(const struct risk_ruleset *rs, struct risk_account_ext *e, const struct risk_txn *x, bool as_payer)
{
	SZ_ASSERT(rs != NULL && e != NULL);
	SZ_ASSERT(x != NULL);
	digit_add(as_payer ? e->digit_out : e->digit_in, risk_first_digit(x->amount_minor));
	if (!risk_txn_cross_border(rs, x))
		return;
	int32_t month = risk_month_of(x->time_ns);
	if (e->xb_month != month) {
		e->xb_month = month;
		e->xb_month_out_minor = e->xb_month_in_minor = 0;
	}
	if (as_payer) {
		e->xb_month_out_minor = add_sat(e->xb_month_out_minor, x->amount_minor);
	} else {
		e->xb_month_in_minor = add_sat(e->xb_month_in_minor, x->amount_minor);
		remitter_add(e, x->payer_id, x->time_ns);
	}
}

void risk_ext_declare(struct risk_account_ext *e, const struct risk_declare_cmd *c)
{
	SZ_ASSERT(e != NULL && c != NULL);
	SZ_ASSERT(c->monthly_minor == 0 || c->currency != 0);
	e->declared_month_minor = c->monthly_minor;
	e->declared_currency = c->monthly_minor == 0 ? 0 : c->currency;
}
