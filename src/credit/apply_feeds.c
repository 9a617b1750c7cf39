/*
 * apply_feeds.c — the data feed commands (tax, headcount, cash flow, IP,
 * innovation points, negative records) and the early warnings they raise.
 *
 * Early warnings are raised here, after a feed of a watched enterprise:
 *   tax drop          the last 3 months of tax paid (ending at the newest
 *                     month fed) are under 70% of the 3 months before
 *   headcount drop    the newest headcount is under 80% of the highest of
 *                     the 3 months before it
 *   cash-flow decline the last 3 months of inflow are under 70% of the 3
 *                     before
 *   negative record   every new negative record
 * One warning per enterprise, kind and month.
 */
#include "credit/domain_internal.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define HEADCOUNT_MAX 10000000ll
#define INNOVATION_POINTS_MAX 1000
#define MONTH_MIN (1900 * 12)
/* Warnings of an enterprise looked at for a duplicate (newest first). */
#define WARNING_DEDUP_SCAN_COUNT 64u

/* ---- feeds ------------------------------------------------------------------------- */

/* Checks the head of a feed (count within [0, count_max]); sets *index. */
static uint32_t feed_head_check(const struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
				const struct credit_feed_head *h, uint32_t count_max, uint32_t *index)
{
	uint32_t r = credit_enterprise_of(c, h->uscc, index);
	if (r != SZ_R_OK)
		return r;
	if (!credit_text_ok(h->source, sizeof h->source, true) || !credit_day_ok(h->as_of_day, ctx->timestamp_ns) ||
	    h->count > count_max)
		return CREDIT_R_RECORD_INVALID;
	return SZ_R_OK;
}

/* Rows [0, count) must have distinct months, not in the future, values in
 * [0, max]; rows after count all zero. */
static uint32_t months_check(const struct credit_month_row *rows, uint32_t count, int64_t max, uint64_t now_ns)
{
	int32_t now_month = credit_month_of_ns(now_ns);
	for (uint32_t i = 0; i < CREDIT_FEED_MONTH_COUNT_MAX; i++) {
		if (i >= count) {
			if (!credit_all_zero(&rows[i], sizeof rows[i]))
				return CREDIT_R_RECORD_INVALID;
			continue;
		}
		if (rows[i].reserved != 0 || rows[i].value < 0 || rows[i].value > max)
			return CREDIT_R_RECORD_INVALID;
		if (rows[i].month < MONTH_MIN || rows[i].month > now_month)
			return CREDIT_R_MONTH_INVALID;
		for (uint32_t j = 0; j < i; j++)
			if (rows[j].month == rows[i].month)
				return CREDIT_R_MONTH_INVALID;
	}
	return count == 0 ? CREDIT_R_RECORD_INVALID : SZ_R_OK;
}

/* Put one month into a series (replace its value, or insert in order; the
 * oldest month falls out of a full series, a month older than all of a
 * full series is not kept). */
static void series_put(struct credit_series *s, int32_t month, int64_t value, uint32_t op)
{
	uint32_t i = 0;
	while (i < s->count && s->rows[i].month < month)
		i++;
	if (i < s->count && s->rows[i].month == month) {
		s->rows[i].value = value;
		s->rows[i].reserved = op + 1;
		return;
	}
	if (s->count == CREDIT_SERIES_MONTH_COUNT) {
		if (i == 0)
			return;
		memmove(&s->rows[0], &s->rows[1], sizeof s->rows[0] * (i - 1));
		i--;
		s->count--;
	} else {
		memmove(&s->rows[i + 1], &s->rows[i], sizeof s->rows[0] * (s->count - i));
	}
	s->rows[i] = (struct credit_month_row){ .month = month, .reserved = op + 1, .value = value };
	s->count++;
	SZ_ASSERT(s->count <= CREDIT_SERIES_MONTH_COUNT);
}

static void mark(struct credit_enterprise *e, uint32_t kind, const struct credit_feed_head *h, uint32_t op,
		 uint64_t now_ns)
{
	SZ_ASSERT(kind < CREDIT_FEED_KIND_COUNT);
	struct credit_feed_mark *m = &e->marks[kind];
	memcpy(m->source, h->source, sizeof m->source);
	m->as_of_day = h->as_of_day;
	m->op = op + 1;
	m->recorded_ns = now_ns;
	e->updated_ns = now_ns;
}

/* ---- warnings ---------------------------------------------------------------------- */

static void warn(struct credit_domain_state *c, uint32_t enterprise, uint16_t kind, int32_t month, int64_t before,
		 int64_t now, uint64_t now_ns, sz_id record_id)
{
	struct credit_enterprise *e = &c->enterprises[enterprise];
	uint32_t link = e->warning_head;
	for (uint32_t n = 0; link != 0 && n < WARNING_DEDUP_SCAN_COUNT; n++, link = c->warnings[link - 1].next)
		if (kind != CREDIT_WARN_NEGATIVE_RECORD && c->warnings[link - 1].kind == kind &&
		    c->warnings[link - 1].month == month)
			return;
	if (c->warning_count == CREDIT_WARNING_COUNT_MAX)
		return; /* the warning list is full: feeds still apply */
	c->warnings[c->warning_count] = (struct credit_warning){
		.enterprise = enterprise, .next = e->warning_head, .kind = kind, .month = month,
		.before = before, .now = now, .raised_ns = now_ns, .record_id = record_id,
	};
	e->warning_head = ++c->warning_count;
}

/* A 3-month window ending at the newest month against the 3 before. */
static void check_drop(struct credit_domain_state *c, uint32_t enterprise, const struct credit_series *s,
		       uint16_t kind, uint64_t now_ns, sz_id record_id)
{
	if (s->count == 0)
		return;
	int32_t last = s->rows[s->count - 1].month;
	uint32_t n_now = 0, n_before = 0;
	int64_t now = credit_series_sum(s, last - 2, last, &n_now);
	int64_t before = credit_series_sum(s, last - 5, last - 3, &n_before);
	if (n_now > 0 && n_before > 0 && before > 0 && (__int128)now * 100 < (__int128)before * 70)
		warn(c, enterprise, kind, last, before, now, now_ns, record_id);
}

static void check_headcount(struct credit_domain_state *c, uint32_t enterprise, uint64_t now_ns, sz_id record_id)
{
	const struct credit_series *s = &c->enterprises[enterprise].headcount;
	if (s->count < 2)
		return;
	const struct credit_month_row *latest = &s->rows[s->count - 1];
	int64_t high = 0;
	for (uint32_t i = 0; i + 1 < s->count; i++)
		if (s->rows[i].month >= latest->month - 3 && s->rows[i].value > high)
			high = s->rows[i].value;
	if (high > 0 && latest->value * 100 < high * 80)
		warn(c, enterprise, CREDIT_WARN_HEADCOUNT_DROP, latest->month, high, latest->value, now_ns, record_id);
}

/* ---- feed commands ------------------------------------------------------------------ */

static const char *const tax_grades[] = { "A", "B", "M", "C", "D" };

uint32_t credit_apply_tax(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			  const struct credit_tax_cmd *cmd, uint32_t op)
{
	uint32_t index = 0;
	uint32_t r = feed_head_check(c, ctx, &cmd->head, CREDIT_FEED_MONTH_COUNT_MAX, &index);
	if (r == SZ_R_OK)
		r = months_check(cmd->months, cmd->head.count, MONEY_FEN_MAX, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r;
	if (!credit_text_ok(cmd->grade, sizeof cmd->grade, false))
		return CREDIT_R_RECORD_INVALID;
	bool graded = false;
	for (uint32_t i = 0; i < 5; i++)
		graded |= strcmp(cmd->grade, tax_grades[i]) == 0;
	int32_t year;
	uint32_t month, day;
	credit_civil_from_day(credit_day_of_ns(ctx->timestamp_ns), &year, &month, &day);
	if (graded ? (cmd->grade_year < 2000 || cmd->grade_year > year) : (cmd->grade[0] != '\0' || cmd->grade_year != 0))
		return CREDIT_R_RECORD_INVALID;
	struct credit_enterprise *e = &c->enterprises[index];
	for (uint32_t i = 0; i < cmd->head.count; i++)
		series_put(&e->tax, cmd->months[i].month, cmd->months[i].value, op);
	if (graded && cmd->grade_year >= e->tax_grade_year) {
		memcpy(e->tax_grade, cmd->grade, sizeof e->tax_grade);
		e->tax_grade_year = cmd->grade_year;
	}
	mark(e, CREDIT_FEED_TAX, &cmd->head, op, ctx->timestamp_ns);
	if (e->watch_count)
		check_drop(c, index, &e->tax, CREDIT_WARN_TAX_DROP, ctx->timestamp_ns, cmd->head.id);
	return SZ_R_OK;
}

uint32_t credit_apply_headcount(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
				const struct credit_headcount_cmd *cmd, uint32_t op)
{
	uint32_t index = 0;
	uint32_t r = feed_head_check(c, ctx, &cmd->head, CREDIT_FEED_MONTH_COUNT_MAX, &index);
	if (r == SZ_R_OK)
		r = months_check(cmd->months, cmd->head.count, HEADCOUNT_MAX, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r;
	struct credit_enterprise *e = &c->enterprises[index];
	for (uint32_t i = 0; i < cmd->head.count; i++)
		series_put(&e->headcount, cmd->months[i].month, cmd->months[i].value, op);
	mark(e, CREDIT_FEED_HEADCOUNT, &cmd->head, op, ctx->timestamp_ns);
	if (e->watch_count)
		check_headcount(c, index, ctx->timestamp_ns, cmd->head.id);
	return SZ_R_OK;
}

uint32_t credit_apply_cashflow(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			       const struct credit_cashflow_cmd *cmd, uint32_t op)
{
	uint32_t index = 0;
	uint32_t r = feed_head_check(c, ctx, &cmd->head, CREDIT_FEED_MONTH_COUNT_MAX, &index);
	if (r != SZ_R_OK)
		return r;
	/* Check inflow and outflow as two month lists of the same months. */
	struct credit_month_row in[CREDIT_FEED_MONTH_COUNT_MAX], out[CREDIT_FEED_MONTH_COUNT_MAX];
	memset(in, 0, sizeof in);
	memset(out, 0, sizeof out);
	for (uint32_t i = 0; i < CREDIT_FEED_MONTH_COUNT_MAX; i++) {
		const struct credit_cash_row *row = &cmd->months[i];
		if (i >= cmd->head.count) {
			if (!credit_all_zero(row, sizeof *row))
				return CREDIT_R_RECORD_INVALID;
			continue;
		}
		if (row->reserved != 0)
			return CREDIT_R_RECORD_INVALID;
		in[i] = (struct credit_month_row){ .month = row->month, .value = row->inflow_fen };
		out[i] = (struct credit_month_row){ .month = row->month, .value = row->outflow_fen };
	}
	if ((r = months_check(in, cmd->head.count, MONEY_FEN_MAX, ctx->timestamp_ns)) != SZ_R_OK ||
	    (r = months_check(out, cmd->head.count, MONEY_FEN_MAX, ctx->timestamp_ns)) != SZ_R_OK)
		return r;
	struct credit_enterprise *e = &c->enterprises[index];
	for (uint32_t i = 0; i < cmd->head.count; i++) {
		series_put(&e->inflow, in[i].month, in[i].value, op);
		series_put(&e->outflow, out[i].month, out[i].value, op);
	}
	mark(e, CREDIT_FEED_CASHFLOW, &cmd->head, op, ctx->timestamp_ns);
	if (e->watch_count)
		check_drop(c, index, &e->inflow, CREDIT_WARN_CASHFLOW_DECLINE, ctx->timestamp_ns, cmd->head.id);
	return SZ_R_OK;
}

static sz_id ip_key(const char number[CREDIT_IP_NUMBER_SIZE])
{
	uint8_t h[16];
	crypto_generichash(h, sizeof h, (const uint8_t *)number, strlen(number), NULL, 0);
	sz_id id;
	memcpy(&id.lo, h, 8);
	memcpy(&id.hi, h + 8, 8);
	if (sz_id_is_zero(id))
		id.lo = 1;
	return id;
}

uint32_t credit_apply_ip(struct credit_domain_state *c, const struct sz_apply_ctx *ctx, const struct credit_ip_cmd *cmd,
			 uint32_t op)
{
	uint32_t index = 0;
	uint32_t r = feed_head_check(c, ctx, &cmd->head, CREDIT_FEED_IP_COUNT_MAX, &index);
	if (r != SZ_R_OK)
		return r;
	if (cmd->head.count == 0)
		return CREDIT_R_RECORD_INVALID;
	int64_t found[CREDIT_FEED_IP_COUNT_MAX];
	uint32_t fresh = 0;
	for (uint32_t i = 0; i < CREDIT_FEED_IP_COUNT_MAX; i++) {
		const struct credit_ip_item *it = &cmd->items[i];
		if (i >= cmd->head.count) {
			if (!credit_all_zero(it, sizeof *it))
				return CREDIT_R_RECORD_INVALID;
			continue;
		}
		if (!credit_text_ok(it->number, sizeof it->number, true) || it->kind < 1 || it->kind > CREDIT_IP_KIND_MAX ||
		    it->pledged > 1 || !credit_day_ok(it->granted_day, ctx->timestamp_ns))
			return CREDIT_R_RECORD_INVALID;
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(cmd->items[j].number, it->number) == 0)
				return CREDIT_R_RECORD_INVALID;
		found[i] = ledger_index_find(&c->ip_index, c->ips, credit_key_ip, ip_key(it->number));
		if (found[i] >= 0 && c->ips[found[i]].enterprise != index)
			return CREDIT_R_WRONG_ENTERPRISE;
		fresh += found[i] < 0;
	}
	if (c->ip_count + fresh > CREDIT_IP_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct credit_enterprise *e = &c->enterprises[index];
	for (uint32_t i = 0; i < cmd->head.count; i++) {
		const struct credit_ip_item *it = &cmd->items[i];
		struct credit_ip *p;
		if (found[i] >= 0) {
			p = &c->ips[found[i]];
			e->invention_count -= p->kind == CREDIT_IP_INVENTION;
			e->pledged_count -= p->pledged;
		} else {
			p = &c->ips[c->ip_count];
			memset(p, 0, sizeof *p);
			p->key = ip_key(it->number);
			memcpy(p->number, it->number, sizeof p->number);
			p->enterprise = index;
			p->next = e->ip_head;
			int rc = ledger_index_insert(&c->ip_index, c->ips, credit_key_ip, p->key, c->ip_count);
			SZ_ASSERT(rc == 0);
			e->ip_head = ++c->ip_count;
			e->ip_count++;
		}
		p->kind = it->kind;
		p->pledged = it->pledged;
		p->granted_day = it->granted_day;
		p->op = op;
		p->recorded_ns = ctx->timestamp_ns;
		e->invention_count += p->kind == CREDIT_IP_INVENTION;
		e->pledged_count += p->pledged;
	}
	mark(e, CREDIT_FEED_IP, &cmd->head, op, ctx->timestamp_ns);
	return SZ_R_OK;
}

uint32_t credit_apply_innovation(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
				 const struct credit_innovation_cmd *cmd, uint32_t op)
{
	uint32_t index = 0;
	uint32_t r = feed_head_check(c, ctx, &cmd->head, 0, &index);
	if (r != SZ_R_OK)
		return r;
	if (cmd->points < 0 || cmd->points > INNOVATION_POINTS_MAX || cmd->reserved != 0)
		return CREDIT_R_RECORD_INVALID;
	struct credit_enterprise *e = &c->enterprises[index];
	if (e->innovation_set && cmd->head.as_of_day < e->innovation_day) {
		mark(e, CREDIT_FEED_INNOVATION, &cmd->head, op, ctx->timestamp_ns);
		return SZ_R_OK; /* older than what is held: recorded, not current */
	}
	e->innovation_points = cmd->points;
	e->innovation_day = cmd->head.as_of_day;
	e->innovation_set = 1;
	mark(e, CREDIT_FEED_INNOVATION, &cmd->head, op, ctx->timestamp_ns);
	return SZ_R_OK;
}

/* The day CREDIT_NEGATIVE_RETENTION_YEARS after day (a valid day from 1900
 * on); 29 February becomes 1 March in a common year. The result may be
 * before 1970 (negative): credit_day_from_civil's -1 is then a real day,
 * so a missing 29 February is found from the calendar, not from -1. */
static int32_t purge_day(int32_t day)
{
	int32_t y;
	uint32_t m, d;
	credit_civil_from_day(day, &y, &m, &d);
	int32_t later_year = y + CREDIT_NEGATIVE_RETENTION_YEARS;
	bool later_leap = (later_year % 4 == 0 && later_year % 100 != 0) || later_year % 400 == 0;
	if (m == 2 && d == 29 && !later_leap) {
		m = 3;
		d = 1;
	}
	int32_t later = credit_day_from_civil(later_year, m, d);
	SZ_ASSERT(later > day);
	return later;
}

uint32_t credit_apply_negative(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			       const struct credit_negative_cmd *cmd, uint32_t op)
{
	uint32_t index = 0;
	uint32_t r = feed_head_check(c, ctx, &cmd->head, 0, &index);
	if (r != SZ_R_OK)
		return r;
	if (cmd->kind < 1 || cmd->kind > CREDIT_NEG_KIND_MAX || cmd->reserved16 != 0 ||
	    !credit_day_ok(cmd->conduct_ended_day, ctx->timestamp_ns) || cmd->amount_fen < 0 ||
	    cmd->amount_fen > MONEY_FEN_MAX || !credit_text_ok(cmd->reference, sizeof cmd->reference, true) ||
	    !credit_text_ok(cmd->summary, sizeof cmd->summary, false))
		return CREDIT_R_RECORD_INVALID;
	/* Midnight (UTC+8) of the purge day has passed iff that day is today or
	 * earlier: compared as days, so a purge day before 1970 needs no ns. */
	int32_t purge = purge_day(cmd->conduct_ended_day);
	if (purge <= credit_day_of_ns(ctx->timestamp_ns))
		return CREDIT_R_RECORD_EXPIRED;
	uint64_t purge_at = credit_ns_of_day(purge);
	SZ_ASSERT(purge_at > ctx->timestamp_ns);
	if (c->negative_count == CREDIT_NEGATIVE_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct credit_enterprise *e = &c->enterprises[index];
	struct credit_negative *n = &c->negatives[c->negative_count];
	*n = (struct credit_negative){
		.id = cmd->head.id, .enterprise = index, .next = e->negative_head, .op = op, .kind = cmd->kind,
		.conduct_ended_day = cmd->conduct_ended_day, .as_of_day = cmd->head.as_of_day,
		.amount_fen = cmd->amount_fen, .purge_at_ns = purge_at, .recorded_ns = ctx->timestamp_ns,
	};
	memcpy(n->source, cmd->head.source, sizeof n->source);
	memcpy(n->reference, cmd->reference, sizeof n->reference);
	memcpy(n->summary, cmd->summary, sizeof n->summary);
	e->negative_head = ++c->negative_count;
	e->negative_count++;
	c->next_purge_ns = credit_min_u64(c->next_purge_ns, purge_at);
	mark(e, CREDIT_FEED_NEGATIVE, &cmd->head, op, ctx->timestamp_ns);
	if (e->watch_count)
		warn(c, index, CREDIT_WARN_NEGATIVE_RECORD, credit_month_of_ns(ctx->timestamp_ns), 0, cmd->amount_fen,
		     ctx->timestamp_ns, cmd->head.id);
	return SZ_R_OK;
}
