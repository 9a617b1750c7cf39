/*
 * apply.c — the credit commands: decode, validate everything, then mutate
 * (contract: domain.h). Each apply_* function returns a result code and
 * touches the state only after its last check has passed; credit_apply
 * then remembers the command id (idempotency) at op index `op`, which the
 * functions may already store in their records.
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

/* Money per month and registered capital: CNY 10 trillion, far above any
 * enterprise, and 24 months of it stay inside int64. */
#define MONEY_FEN_MAX 1000000000000000ll
#define HEADCOUNT_MAX 10000000ll
#define INNOVATION_POINTS_MAX 1000
#define MONTH_MIN (1900 * 12)
/* Warnings of an enterprise looked at for a duplicate (newest first). */
#define WARNING_DEDUP_SCAN_COUNT 64u

/* ---- small checks ------------------------------------------------------------- */

static bool all_zero(const void *data, size_t size)
{
	const uint8_t *p = data;
	for (size_t i = 0; i < size; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* A NUL-terminated text of size bytes, zero after the NUL; non-empty if asked. */
static bool text_ok(const char *text, size_t size, bool required)
{
	size_t n = strnlen(text, size);
	return n < size && all_zero(text + n, size - n) && (!required || n > 0);
}

static bool uscc_ok(const char uscc[CREDIT_USCC_FIELD_SIZE])
{
	return text_ok(uscc, CREDIT_USCC_FIELD_SIZE, true) && strlen(uscc) == CREDIT_USCC_SIZE &&
	       credit_uscc_validate(uscc, CREDIT_USCC_SIZE, NULL) == CREDIT_USCC_OK;
}

/* The enterprise of a command's code: index, or a result > INT32_MAX... */
static uint32_t enterprise_of(const struct credit_domain_state *c, const char uscc[CREDIT_USCC_FIELD_SIZE],
			      uint32_t *index)
{
	if (!uscc_ok(uscc))
		return CREDIT_R_USCC_INVALID;
	int64_t i = ledger_index_find(&c->enterprise_index, c->enterprises, credit_key_enterprise,
				      credit_uscc_key(uscc));
	if (i < 0)
		return CREDIT_R_ENTERPRISE_NOT_FOUND;
	*index = (uint32_t)i;
	return SZ_R_OK;
}

static bool day_ok(int32_t day, uint64_t now_ns)
{
	return day >= credit_day_from_civil(1900, 1, 1) && day <= credit_day_of_ns(now_ns);
}

/* GB/T 4754-2017: a section letter A-T, then 0, 2, 3 or 4 digits. */
static bool industry_ok(const char industry[CREDIT_INDUSTRY_SIZE])
{
	if (!text_ok(industry, CREDIT_INDUSTRY_SIZE, true) || industry[0] < 'A' || industry[0] > 'T')
		return false;
	size_t n = strlen(industry) - 1;
	for (size_t i = 1; i <= n; i++)
		if (industry[i] < '0' || industry[i] > '9')
			return false;
	return n == 0 || n == 2 || n == 3 || n == 4;
}

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* ---- registry ----------------------------------------------------------------- */

static uint32_t enterprise_check(const struct credit_enterprise_cmd *cmd, uint64_t now_ns)
{
	if (!uscc_ok(cmd->uscc))
		return CREDIT_R_USCC_INVALID;
	if (!text_ok(cmd->name, sizeof cmd->name, true) || !industry_ok(cmd->industry) ||
	    !text_ok(cmd->district, sizeof cmd->district, false) ||
	    cmd->registered_capital_fen > (uint64_t)MONEY_FEN_MAX || !day_ok(cmd->founded_day, now_ns) ||
	    (cmd->tags & ~CREDIT_TAGS_ALL) != 0 || !text_ok(cmd->rep_id_masked, sizeof cmd->rep_id_masked, false) ||
	    !text_ok(cmd->rep_phone_masked, sizeof cmd->rep_phone_masked, false))
		return CREDIT_R_RECORD_INVALID;
	/* A sealed field and its mask come together. */
	if (all_zero(&cmd->rep_id, sizeof cmd->rep_id) != (cmd->rep_id_masked[0] == '\0') ||
	    all_zero(&cmd->rep_phone, sizeof cmd->rep_phone) != (cmd->rep_phone_masked[0] == '\0'))
		return CREDIT_R_RECORD_INVALID;
	return SZ_R_OK;
}

static uint32_t apply_register(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			       const struct credit_enterprise_cmd *cmd)
{
	uint32_t r = enterprise_check(cmd, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r;
	sz_id key = credit_uscc_key(cmd->uscc);
	if (ledger_index_find(&c->enterprise_index, c->enterprises, credit_key_enterprise, key) >= 0)
		return CREDIT_R_ENTERPRISE_EXISTS;
	if (c->enterprise_count == CREDIT_ENTERPRISE_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct credit_enterprise *e = &c->enterprises[c->enterprise_count];
	memset(e, 0, sizeof *e);
	e->info = *cmd;
	if (sz_id_is_zero(e->info.owner_id))
		e->info.owner_id = key;
	e->key = key;
	e->registered_ns = e->updated_ns = ctx->timestamp_ns;
	int rc = ledger_index_insert(&c->enterprise_index, c->enterprises, credit_key_enterprise, key,
				     c->enterprise_count);
	SZ_ASSERT(rc == 0);
	c->enterprise_count++;
	return SZ_R_OK;
}

/* An update replaces the registry fields; a zero owner or an absent
 * personal field keeps the stored one. */
static uint32_t apply_update(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			     const struct credit_enterprise_cmd *cmd)
{
	uint32_t r = enterprise_check(cmd, ctx->timestamp_ns);
	uint32_t index = 0;
	if (r == SZ_R_OK)
		r = enterprise_of(c, cmd->uscc, &index);
	if (r != SZ_R_OK)
		return r;
	struct credit_enterprise *e = &c->enterprises[index];
	struct credit_enterprise_cmd next = *cmd;
	if (sz_id_is_zero(next.owner_id))
		next.owner_id = e->info.owner_id;
	if (next.rep_id_masked[0] == '\0') {
		next.rep_id = e->info.rep_id;
		memcpy(next.rep_id_masked, e->info.rep_id_masked, sizeof next.rep_id_masked);
	}
	if (next.rep_phone_masked[0] == '\0') {
		next.rep_phone = e->info.rep_phone;
		memcpy(next.rep_phone_masked, e->info.rep_phone_masked, sizeof next.rep_phone_masked);
	}
	e->info = next;
	e->updated_ns = ctx->timestamp_ns;
	return SZ_R_OK;
}

/* ---- feeds ------------------------------------------------------------------------- */

/* Checks the head of a feed (count within [0, count_max]); sets *index. */
static uint32_t feed_head_check(const struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
				const struct credit_feed_head *h, uint32_t count_max, uint32_t *index)
{
	uint32_t r = enterprise_of(c, h->uscc, index);
	if (r != SZ_R_OK)
		return r;
	if (!text_ok(h->source, sizeof h->source, true) || !day_ok(h->as_of_day, ctx->timestamp_ns) ||
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
			if (!all_zero(&rows[i], sizeof rows[i]))
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

static uint32_t apply_tax(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			  const struct credit_tax_cmd *cmd, uint32_t op)
{
	uint32_t index = 0;
	uint32_t r = feed_head_check(c, ctx, &cmd->head, CREDIT_FEED_MONTH_COUNT_MAX, &index);
	if (r == SZ_R_OK)
		r = months_check(cmd->months, cmd->head.count, MONEY_FEN_MAX, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r;
	if (!text_ok(cmd->grade, sizeof cmd->grade, false))
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

static uint32_t apply_headcount(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
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

static uint32_t apply_cashflow(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
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
			if (!all_zero(row, sizeof *row))
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

static uint32_t apply_ip(struct credit_domain_state *c, const struct sz_apply_ctx *ctx, const struct credit_ip_cmd *cmd,
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
			if (!all_zero(it, sizeof *it))
				return CREDIT_R_RECORD_INVALID;
			continue;
		}
		if (!text_ok(it->number, sizeof it->number, true) || it->kind < 1 || it->kind > CREDIT_IP_KIND_MAX ||
		    it->pledged > 1 || !day_ok(it->granted_day, ctx->timestamp_ns))
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

static uint32_t apply_innovation(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
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

static uint32_t apply_negative(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			       const struct credit_negative_cmd *cmd, uint32_t op)
{
	uint32_t index = 0;
	uint32_t r = feed_head_check(c, ctx, &cmd->head, 0, &index);
	if (r != SZ_R_OK)
		return r;
	if (cmd->kind < 1 || cmd->kind > CREDIT_NEG_KIND_MAX || cmd->reserved16 != 0 ||
	    !day_ok(cmd->conduct_ended_day, ctx->timestamp_ns) || cmd->amount_fen < 0 ||
	    cmd->amount_fen > MONEY_FEN_MAX || !text_ok(cmd->reference, sizeof cmd->reference, true) ||
	    !text_ok(cmd->summary, sizeof cmd->summary, false))
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
	c->next_purge_ns = min_u64(c->next_purge_ns, purge_at);
	mark(e, CREDIT_FEED_NEGATIVE, &cmd->head, op, ctx->timestamp_ns);
	if (e->watch_count)
		warn(c, index, CREDIT_WARN_NEGATIVE_RECORD, credit_month_of_ns(ctx->timestamp_ns), 0, cmd->amount_fen,
		     ctx->timestamp_ns, cmd->head.id);
	return SZ_R_OK;
}

/* ---- consent -------------------------------------------------------------------------- */

static uint32_t apply_authorize(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
				const struct credit_authorize_cmd *cmd, uint32_t op, uint32_t *target)
{
	(void)op;
	uint32_t index = 0;
	uint32_t r = enterprise_of(c, cmd->uscc, &index);
	if (r != SZ_R_OK)
		return r;
	if (cmd->tenant_id == 0 || cmd->purpose < 1 || cmd->purpose > CREDIT_PURPOSE_MAX || cmd->reserved16 != 0 ||
	    cmd->reserved32 != 0)
		return CREDIT_R_RECORD_INVALID;
	if (cmd->expires_ns <= ctx->timestamp_ns ||
	    cmd->expires_ns - ctx->timestamp_ns > CREDIT_AUTHORIZATION_DURATION_NS_MAX)
		return CREDIT_R_EXPIRY_INVALID;
	if (c->authorization_count == CREDIT_AUTHORIZATION_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct credit_enterprise *e = &c->enterprises[index];
	c->authorizations[c->authorization_count] = (struct credit_authorization){
		.id = cmd->id, .enterprise = index, .next = e->authorization_head, .tenant_id = cmd->tenant_id,
		.token_id = cmd->token_id, .granted_ns = ctx->timestamp_ns, .expires_ns = cmd->expires_ns,
		.purpose = cmd->purpose,
	};
	*target = c->authorization_count;
	e->authorization_head = ++c->authorization_count;
	return SZ_R_OK;
}

static uint32_t apply_revoke(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			     const struct credit_revoke_cmd *cmd)
{
	uint32_t index = 0;
	uint32_t r = enterprise_of(c, cmd->uscc, &index);
	if (r != SZ_R_OK)
		return r;
	const struct credit_op *op = credit_op_find(c, cmd->authorization_id);
	if (op == NULL || op->kind != CREDIT_CMD_AUTHORIZE)
		return CREDIT_R_AUTHORIZATION_NOT_FOUND;
	struct credit_authorization *a = &c->authorizations[op->target];
	if (a->enterprise != index)
		return CREDIT_R_WRONG_ENTERPRISE;
	if (a->revoked_ns != 0)
		return CREDIT_R_AUTHORIZATION_REVOKED;
	a->revoked_ns = ctx->timestamp_ns;
	return SZ_R_OK;
}

/* ---- queries and decisions --------------------------------------------------------------- */

static void score_enterprise(const struct credit_model *m, const struct credit_enterprise *e, uint64_t now_ns,
			     struct credit_decision *d)
{
	credit_features(e, now_ns, d->inputs_e4, d->labels);
	const scorecard_model *model = &m->parsed;
	static _Thread_local scorecard_value values[4096];
	SZ_ASSERT(model->characteristic_count <= sizeof values / sizeof values[0]);
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		int32_t f = m->feature_of[i];
		values[i] = (scorecard_value){ .number_e4 = SCORECARD_VALUE_MISSING, .label = NULL };
		if (f < 0)
			continue;
		if (credit_feature_kind((uint32_t)f) == CREDIT_CSV_NUMERIC)
			values[i].number_e4 = d->inputs_e4[f];
		else
			values[i].label = credit_feature_label((uint32_t)f, d->labels[f]);
	}
	scorecard_result result;
	scorecard_score_values(model, values, &result);
	d->score_milli = result.score_milli;
	d->bad_probability_ppb = result.bad_ppb;
	d->grade = (uint32_t)result.grade;
	d->reason_count = result.reason_count;
	for (uint32_t i = 0; i < result.reason_count; i++) {
		d->reasons[i] = result.reasons[i].characteristic;
		d->reasons_lost_milli[i] = result.reasons[i].points_lost_milli;
	}
}

static uint32_t apply_query(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			    const struct credit_query_cmd *cmd, uint32_t *target)
{
	uint32_t index = 0;
	uint32_t r = enterprise_of(c, cmd->uscc, &index);
	if (r != SZ_R_OK)
		return r;
	if (cmd->tenant_id == 0 || cmd->purpose < 1 || cmd->purpose > CREDIT_PURPOSE_MAX || cmd->kind < 1 ||
	    cmd->kind > CREDIT_QUERY_TECH_SCORE || cmd->reserved != 0 ||
	    !text_ok(cmd->model_version, sizeof cmd->model_version, false) ||
	    (cmd->kind == CREDIT_QUERY_REPORT && cmd->model_version[0] != '\0'))
		return CREDIT_R_RECORD_INVALID;
	int64_t auth = credit_authorization_valid(c, index, cmd->tenant_id, cmd->purpose, ctx->timestamp_ns);
	if (auth < 0)
		return CREDIT_R_AUTHORIZATION_REQUIRED;
	int64_t model = -1;
	if (cmd->kind != CREDIT_QUERY_REPORT) {
		if (cmd->model_version[0] == '\0') {
			model = credit_model_active(c);
		} else {
			model = credit_model_find(c, cmd->model_version);
			if (model < 0)
				return CREDIT_R_MODEL_NOT_FOUND;
			if (c->models[model].info.status == CREDIT_MODEL_LOADING)
				model = -1;
		}
		if (model < 0)
			return CREDIT_R_MODEL_NOT_ACTIVE;
		if (c->decision_count == CREDIT_DECISION_COUNT_MAX)
			return SZ_R_LIMIT_REACHED;
	}
	if (c->query_count == CREDIT_QUERY_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct credit_enterprise *e = &c->enterprises[index];
	struct credit_query *q = &c->queries[c->query_count];
	*q = (struct credit_query){
		.id = cmd->id, .enterprise = index, .next = e->query_head, .tenant_id = cmd->tenant_id,
		.user_token_id = cmd->user_token_id, .at_ns = ctx->timestamp_ns, .purpose = cmd->purpose,
		.kind = cmd->kind, .authorization = (uint32_t)auth,
	};
	credit_report_hash(c, index, q->content_hash);
	if (model >= 0) {
		struct credit_decision *d = &c->decisions[c->decision_count];
		memset(d, 0, sizeof *d);
		d->query_id = cmd->id;
		d->model = (uint32_t)model;
		score_enterprise(&c->models[model], e, ctx->timestamp_ns, d);
		if (cmd->kind == CREDIT_QUERY_TECH_SCORE)
			credit_tech_compute(e, ctx->timestamp_ns, &c->models[model].parsed, d->score_milli, &d->tech);
		q->decision = ++c->decision_count;
	}
	*target = c->query_count;
	e->query_head = ++c->query_count;
	return SZ_R_OK;
}

/* ---- objections ----------------------------------------------------------------------- */

static bool is_feed_kind(uint16_t kind)
{
	return kind >= CREDIT_CMD_FEED_TAX && kind <= CREDIT_CMD_FEED_NEGATIVE;
}

static uint32_t apply_objection(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
				const struct credit_objection_cmd *cmd, uint32_t *target)
{
	uint32_t index = 0;
	uint32_t r = enterprise_of(c, cmd->uscc, &index);
	if (r != SZ_R_OK)
		return r;
	if (!text_ok(cmd->reason, sizeof cmd->reason, true))
		return CREDIT_R_RECORD_INVALID;
	int64_t op_index = ledger_index_find(&c->op_index, c->ops, credit_key_op, cmd->record_id);
	if (op_index < 0 || !is_feed_kind(c->ops[op_index].kind))
		return CREDIT_R_RECORD_NOT_FOUND;
	struct credit_op *op = &c->ops[op_index];
	if (op->enterprise != index)
		return CREDIT_R_WRONG_ENTERPRISE;
	if (op->flags & (CREDIT_OP_PURGED | CREDIT_OP_WITHDRAWN))
		return CREDIT_R_RECORD_NOT_FOUND;
	if (op->flags & CREDIT_OP_DISPUTED)
		return CREDIT_R_OBJECTION_OPEN;
	if (c->objection_count == CREDIT_OBJECTION_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct credit_enterprise *e = &c->enterprises[index];
	struct credit_objection *o = &c->objections[c->objection_count];
	memset(o, 0, sizeof *o);
	o->id = cmd->id;
	o->enterprise = index;
	o->next = e->objection_head;
	o->record_id = cmd->record_id;
	o->record_op = (uint32_t)op_index;
	o->filed_ns = ctx->timestamp_ns;
	o->due_ns = ctx->timestamp_ns + CREDIT_OBJECTION_DUE_NS;
	memcpy(o->reason, cmd->reason, sizeof o->reason);
	op->flags |= CREDIT_OP_DISPUTED;
	c->next_due_ns = min_u64(c->next_due_ns, o->due_ns);
	*target = c->objection_count;
	e->objection_head = ++c->objection_count;
	return SZ_R_OK;
}

static uint32_t apply_resolve(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			      const struct credit_resolve_cmd *cmd)
{
	if ((cmd->outcome != CREDIT_OUTCOME_CORRECTED && cmd->outcome != CREDIT_OUTCOME_CONFIRMED) ||
	    cmd->reserved16 != 0 || cmd->reserved32 != 0 || !text_ok(cmd->reply, sizeof cmd->reply, true))
		return CREDIT_R_RECORD_INVALID;
	const struct credit_op *op = credit_op_find(c, cmd->objection_id);
	if (op == NULL || op->kind != CREDIT_CMD_OBJECTION_FILE)
		return CREDIT_R_OBJECTION_NOT_FOUND;
	struct credit_objection *o = &c->objections[op->target];
	if (o->outcome != 0)
		return CREDIT_R_OBJECTION_RESOLVED;
	o->outcome = cmd->outcome;
	o->resolved_ns = ctx->timestamp_ns;
	o->resolver_token_id = cmd->resolver_token_id;
	memcpy(o->reply, cmd->reply, sizeof o->reply);
	struct credit_op *record = &c->ops[o->record_op];
	record->flags &= (uint16_t)~CREDIT_OP_DISPUTED;
	if (cmd->outcome == CREDIT_OUTCOME_CORRECTED && record->kind == CREDIT_CMD_FEED_NEGATIVE &&
	    !(record->flags & (CREDIT_OP_PURGED | CREDIT_OP_WITHDRAWN))) {
		record->flags |= CREDIT_OP_WITHDRAWN;
		struct credit_enterprise *e = &c->enterprises[record->enterprise];
		SZ_ASSERT(e->negative_count > 0);
		e->negative_count--;
		e->updated_ns = ctx->timestamp_ns;
	}
	return SZ_R_OK;
}

/* ---- models ------------------------------------------------------------------------- */

uint32_t credit_model_prepare(struct credit_model *m)
{
	scorecard_error error;
	memset(&m->parsed, 0, sizeof m->parsed);
	if (scorecard_model_parse(&m->parsed, (const char *)m->text, m->info.total_size, &error) != 0)
		return CREDIT_R_MODEL_INVALID;
	uint32_t n = m->parsed.characteristic_count;
	m->feature_of = calloc(n ? n : 1, sizeof *m->feature_of);
	SZ_ASSERT(m->feature_of != NULL);
	for (uint32_t i = 0; i < n; i++) {
		const scorecard_characteristic *ch = &m->parsed.characteristics[i];
		int32_t f = -1;
		for (uint32_t j = 0; j < CREDIT_FEATURE_COUNT && f < 0; j++)
			if (strcmp(ch->name, credit_feature_name(j)) == 0 && credit_feature_kind(j) == ch->kind)
				f = (int32_t)j;
		if (f < 0 && ch->selected) {
			free(m->feature_of);
			m->feature_of = NULL;
			scorecard_model_release(&m->parsed);
			return CREDIT_R_MODEL_INVALID;
		}
		m->feature_of[i] = f;
	}
	return SZ_R_OK;
}

static uint32_t apply_chunk(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			    const struct credit_model_chunk_cmd *cmd)
{
	if (!text_ok(cmd->version, sizeof cmd->version, true) || cmd->reserved != 0 ||
	    cmd->size > CREDIT_MODEL_CHUNK_SIZE || !all_zero(cmd->data + cmd->size, CREDIT_MODEL_CHUNK_SIZE - cmd->size))
		return CREDIT_R_MODEL_CHUNK_INVALID;
	if (cmd->total_size > CREDIT_MODEL_SIZE_MAX)
		return CREDIT_R_MODEL_TOO_LARGE;
	uint32_t count = (cmd->total_size + CREDIT_MODEL_CHUNK_SIZE - 1) / CREDIT_MODEL_CHUNK_SIZE;
	if (cmd->total_size == 0 || cmd->count != count || cmd->index >= count ||
	    cmd->size != (cmd->index + 1u < count ? CREDIT_MODEL_CHUNK_SIZE
						   : cmd->total_size - CREDIT_MODEL_CHUNK_SIZE * (count - 1)))
		return CREDIT_R_MODEL_CHUNK_INVALID;
	int64_t found = credit_model_find(c, cmd->version);
	struct credit_model *m;
	if (found < 0) {
		if (cmd->index != 0)
			return CREDIT_R_MODEL_CHUNK_INVALID;
		if (c->model_count == CREDIT_MODEL_COUNT_MAX)
			return SZ_R_LIMIT_REACHED;
		m = &c->models[c->model_count++];
		memset(m, 0, sizeof *m);
		memcpy(m->info.version, cmd->version, sizeof m->info.version);
		memcpy(m->info.sha256, cmd->sha256, sizeof m->info.sha256);
		m->info.total_size = cmd->total_size;
		m->info.chunk_count = (uint16_t)count;
		m->info.status = CREDIT_MODEL_LOADING;
		m->info.registered_ns = ctx->timestamp_ns;
		m->text = calloc(1, cmd->total_size); /* zero tail: snapshots are deterministic */
		SZ_ASSERT(m->text != NULL);
	} else {
		m = &c->models[found];
		if (m->info.status != CREDIT_MODEL_LOADING || m->info.total_size != cmd->total_size ||
		    memcmp(m->info.sha256, cmd->sha256, sizeof cmd->sha256) != 0)
			return CREDIT_R_MODEL_EXISTS;
		if (cmd->index != m->info.received_count)
			return CREDIT_R_MODEL_CHUNK_INVALID;
	}
	memcpy(m->text + (size_t)cmd->index * CREDIT_MODEL_CHUNK_SIZE, cmd->data, cmd->size);
	m->info.received_count++;
	m->info.received_size += cmd->size;
	m->info.last_chunk_id = cmd->id;
	return SZ_R_OK;
}

static uint32_t apply_activate(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			       const struct credit_model_activate_cmd *cmd)
{
	if (!text_ok(cmd->version, sizeof cmd->version, true))
		return CREDIT_R_RECORD_INVALID;
	int64_t found = credit_model_find(c, cmd->version);
	if (found < 0)
		return CREDIT_R_MODEL_NOT_FOUND;
	struct credit_model *m = &c->models[found];
	if (m->info.received_count < m->info.chunk_count)
		return CREDIT_R_MODEL_INCOMPLETE;
	if (memcmp(m->info.sha256, cmd->sha256, 32) != 0)
		return CREDIT_R_MODEL_DIGEST_MISMATCH;
	if (m->info.status == CREDIT_MODEL_LOADING) {
		uint8_t sha[32];
		sz_sha256(sha, m->text, m->info.total_size);
		if (memcmp(sha, m->info.sha256, 32) != 0)
			return CREDIT_R_MODEL_DIGEST_MISMATCH;
		uint32_t r = credit_model_prepare(m);
		if (r != SZ_R_OK)
			return r;
	}
	for (uint32_t i = 0; i < c->model_count; i++)
		if (c->models[i].info.status == CREDIT_MODEL_ACTIVE)
			c->models[i].info.status = CREDIT_MODEL_RETIRED;
	m->info.status = CREDIT_MODEL_ACTIVE;
	m->info.activated_ns = ctx->timestamp_ns;
	return SZ_R_OK;
}

/* ---- watch ---------------------------------------------------------------------------- */

static uint32_t apply_watch(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			    const struct credit_watch_cmd *cmd)
{
	uint32_t index = 0;
	uint32_t r = enterprise_of(c, cmd->uscc, &index);
	if (r != SZ_R_OK)
		return r;
	if (cmd->tenant_id == 0)
		return CREDIT_R_RECORD_INVALID;
	if (credit_authorization_valid(c, index, cmd->tenant_id, 0, ctx->timestamp_ns) < 0)
		return CREDIT_R_AUTHORIZATION_REQUIRED;
	struct credit_enterprise *e = &c->enterprises[index];
	for (uint32_t link = e->watch_head; link != 0; link = c->watches[link - 1].next)
		if (c->watches[link - 1].tenant_id == cmd->tenant_id)
			return CREDIT_R_WATCH_EXISTS;
	if (c->watch_count == CREDIT_WATCH_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	c->watches[c->watch_count] = (struct credit_watch){
		.id = cmd->id, .enterprise = index, .next = e->watch_head, .tenant_id = cmd->tenant_id,
		.at_ns = ctx->timestamp_ns,
	};
	e->watch_head = ++c->watch_count;
	e->watch_count++;
	return SZ_R_OK;
}

/* ---- dispatch --------------------------------------------------------------------------- */

static size_t body_size_of(uint16_t kind)
{
	switch (kind) {
	case CREDIT_CMD_ENTERPRISE_REGISTER:
	case CREDIT_CMD_ENTERPRISE_UPDATE: return sizeof(struct credit_enterprise_cmd);
	case CREDIT_CMD_FEED_TAX: return sizeof(struct credit_tax_cmd);
	case CREDIT_CMD_FEED_HEADCOUNT: return sizeof(struct credit_headcount_cmd);
	case CREDIT_CMD_FEED_CASHFLOW: return sizeof(struct credit_cashflow_cmd);
	case CREDIT_CMD_FEED_IP: return sizeof(struct credit_ip_cmd);
	case CREDIT_CMD_FEED_INNOVATION: return sizeof(struct credit_innovation_cmd);
	case CREDIT_CMD_FEED_NEGATIVE: return sizeof(struct credit_negative_cmd);
	case CREDIT_CMD_AUTHORIZE: return sizeof(struct credit_authorize_cmd);
	case CREDIT_CMD_AUTHORIZATION_REVOKE: return sizeof(struct credit_revoke_cmd);
	case CREDIT_CMD_QUERY: return sizeof(struct credit_query_cmd);
	case CREDIT_CMD_OBJECTION_FILE: return sizeof(struct credit_objection_cmd);
	case CREDIT_CMD_OBJECTION_RESOLVE: return sizeof(struct credit_resolve_cmd);
	case CREDIT_CMD_MODEL_CHUNK: return sizeof(struct credit_model_chunk_cmd);
	case CREDIT_CMD_MODEL_ACTIVATE: return sizeof(struct credit_model_activate_cmd);
	case CREDIT_CMD_WATCH: return sizeof(struct credit_watch_cmd);
	}
	return 0;
}

union credit_body {
	sz_id id;
	struct credit_enterprise_cmd enterprise;
	struct credit_tax_cmd tax;
	struct credit_headcount_cmd headcount;
	struct credit_cashflow_cmd cashflow;
	struct credit_ip_cmd ip;
	struct credit_innovation_cmd innovation;
	struct credit_negative_cmd negative;
	struct credit_authorize_cmd authorize;
	struct credit_revoke_cmd revoke;
	struct credit_query_cmd query;
	struct credit_objection_cmd objection;
	struct credit_resolve_cmd resolve;
	struct credit_model_chunk_cmd chunk;
	struct credit_model_activate_cmd activate;
	struct credit_watch_cmd watch;
};

/* The enterprise a command names (for the op record), or UINT32_MAX. */
static uint32_t op_enterprise(const struct credit_domain_state *c, uint16_t kind, const union credit_body *b)
{
	const char *uscc = NULL;
	switch (kind) {
	case CREDIT_CMD_ENTERPRISE_REGISTER:
	case CREDIT_CMD_ENTERPRISE_UPDATE: uscc = b->enterprise.uscc; break;
	case CREDIT_CMD_FEED_TAX: case CREDIT_CMD_FEED_HEADCOUNT: case CREDIT_CMD_FEED_CASHFLOW:
	case CREDIT_CMD_FEED_IP: case CREDIT_CMD_FEED_INNOVATION: case CREDIT_CMD_FEED_NEGATIVE:
		uscc = b->tax.head.uscc; /* every feed starts with its head */
		break;
	case CREDIT_CMD_AUTHORIZE: uscc = b->authorize.uscc; break;
	case CREDIT_CMD_AUTHORIZATION_REVOKE: uscc = b->revoke.uscc; break;
	case CREDIT_CMD_QUERY: uscc = b->query.uscc; break;
	case CREDIT_CMD_OBJECTION_FILE: uscc = b->objection.uscc; break;
	case CREDIT_CMD_WATCH: uscc = b->watch.uscc; break;
	}
	uint32_t index = UINT32_MAX;
	if (uscc == NULL || enterprise_of(c, uscc, &index) != SZ_R_OK)
		return UINT32_MAX;
	return index;
}

uint32_t credit_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
		      const sz_command_header *cmd)
{
	(void)s;
	struct credit_domain_state *c = domain_state;
	SZ_ASSERT(c != NULL);
	size_t size = body_size_of(cmd->kind);
	if (size == 0 || cmd->size != sizeof *cmd + size || cmd->reserved != 0)
		return SZ_R_COMMAND_INVALID;
	static _Thread_local union credit_body body;
	memcpy(&body, cmd + 1, size);
	if (sz_id_is_zero(body.id))
		return SZ_R_ID_ZERO;
	uint64_t fingerprint = sz_fingerprint64(&body, size);
	int64_t seen = ledger_index_find(&c->op_index, c->ops, credit_key_op, body.id);
	if (seen >= 0) {
		const struct credit_op *op = &c->ops[seen];
		return op->kind == cmd->kind && op->fingerprint == fingerprint ? SZ_R_EXISTS
									     : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	}
	if (c->op_count == CREDIT_OP_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	uint32_t op = c->op_count, target = 0;
	uint32_t r = SZ_R_COMMAND_INVALID;
	switch (cmd->kind) {
	case CREDIT_CMD_ENTERPRISE_REGISTER: r = apply_register(c, ctx, &body.enterprise); break;
	case CREDIT_CMD_ENTERPRISE_UPDATE: r = apply_update(c, ctx, &body.enterprise); break;
	case CREDIT_CMD_FEED_TAX: r = apply_tax(c, ctx, &body.tax, op); break;
	case CREDIT_CMD_FEED_HEADCOUNT: r = apply_headcount(c, ctx, &body.headcount, op); break;
	case CREDIT_CMD_FEED_CASHFLOW: r = apply_cashflow(c, ctx, &body.cashflow, op); break;
	case CREDIT_CMD_FEED_IP: r = apply_ip(c, ctx, &body.ip, op); break;
	case CREDIT_CMD_FEED_INNOVATION: r = apply_innovation(c, ctx, &body.innovation, op); break;
	case CREDIT_CMD_FEED_NEGATIVE:
		target = c->negative_count;
		r = apply_negative(c, ctx, &body.negative, op);
		break;
	case CREDIT_CMD_AUTHORIZE: r = apply_authorize(c, ctx, &body.authorize, op, &target); break;
	case CREDIT_CMD_AUTHORIZATION_REVOKE: r = apply_revoke(c, ctx, &body.revoke); break;
	case CREDIT_CMD_QUERY: r = apply_query(c, ctx, &body.query, &target); break;
	case CREDIT_CMD_OBJECTION_FILE: r = apply_objection(c, ctx, &body.objection, &target); break;
	case CREDIT_CMD_OBJECTION_RESOLVE: r = apply_resolve(c, ctx, &body.resolve); break;
	case CREDIT_CMD_MODEL_CHUNK: r = apply_chunk(c, ctx, &body.chunk); break;
	case CREDIT_CMD_MODEL_ACTIVATE: r = apply_activate(c, ctx, &body.activate); break;
	case CREDIT_CMD_WATCH: r = apply_watch(c, ctx, &body.watch); break;
	default: SZ_UNREACHABLE();
	}
	if (r != SZ_R_OK)
		return r;
	struct credit_op *o = &c->ops[op];
	*o = (struct credit_op){
		.id = body.id, .fingerprint = fingerprint, .kind = cmd->kind,
		.enterprise = op_enterprise(c, cmd->kind, &body), .target = target,
	};
	int rc = ledger_index_insert(&c->op_index, c->ops, credit_key_op, body.id, op);
	SZ_ASSERT(rc == 0);
	c->op_count++;
	return SZ_R_OK;
}
