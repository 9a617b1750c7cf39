/*
 * apply.c — the statistics domain's deterministic side: the transfer
 * observer that counts every committed movement, the threshold command, and
 * registration with the engine.
 *
 * Counting rules: a single transfer and the post of a pending one move money
 * and count once, in the currency of the debit account, on the UTC day of the
 * batch time; a pending transfer (a hold), a void and an expiry move nothing
 * and are not counted. A movement is large when the currency's threshold is
 * non-zero and the amount is at or above it.
 */
#include "stats/stats.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/results.h"
#include "engine/hooks.h"
#include "engine/journal.h"
#include "engine/state.h"

#include <stdlib.h>
#include <string.h>

static const struct sz_result_info stats_results[] = {
#define STATS_RESULT_INFO(n, name, code, text) { n, code, text },
	STATS_RESULT_LIST(STATS_RESULT_INFO)
#undef STATS_RESULT_INFO
};

static bool currency_valid(uint32_t currency)
{
	if (currency >> 24 != 0)
		return false;
	for (int i = 0; i < 3; i++) {
		uint8_t c = (uint8_t)(currency >> (8 * i));
		if (c < 'A' || c > 'Z')
			return false;
	}
	return true;
}

const struct stats_currency *stats_currency_find(const struct stats_state *st, uint32_t currency)
{
	SZ_ASSERT(st != NULL);
	SZ_ASSERT(st->currency_count <= STATS_CURRENCY_COUNT_MAX);
	for (uint32_t i = 0; i < st->currency_count; i++)
		if (st->currencies[i].currency == currency)
			return &st->currencies[i];
	return NULL;
}

const struct stats_day *stats_day_find(const struct stats_currency *c, int64_t day)
{
	SZ_ASSERT(c != NULL);
	SZ_ASSERT(day >= 0);
	const struct stats_day *d = &c->days[(uint64_t)day % STATS_DAY_COUNT_MAX];
	return d->day == day ? d : NULL;
}

/* The currency's record, added (journalled) if new; NULL if the table is full. */
static struct stats_currency *currency_slot(struct stats_state *st, uint32_t currency)
{
	struct stats_currency *c = (struct stats_currency *)stats_currency_find(st, currency);
	if (c != NULL || st->currency_count == STATS_CURRENCY_COUNT_MAX)
		return c;
	c = &st->currencies[st->currency_count];
	SZ_ASSERT(c->currency == 0); /* slots beyond the count stay as registration left them */
	sz_journal(c, sizeof *c);
	SZ_JOURNAL_FIELD(st->currency_count);
	c->currency = currency;
	st->currency_count++;
	return c;
}

/* The day's slot, emptied first if it still holds the day a ring ago. */
static struct stats_day *day_slot(struct stats_currency *c, int64_t day)
{
	struct stats_day *d = &c->days[(uint64_t)day % STATS_DAY_COUNT_MAX];
	SZ_ASSERT(d->day <= day); /* batch time never goes back */
	sz_journal(d, sizeof *d);
	if (d->day != day)
		*d = (struct stats_day){ .day = day };
	return d;
}

static void count_movement(struct stats_state *st, uint32_t currency, uint64_t amount, uint64_t batch_time_ns)
{
	struct stats_currency *c = currency_slot(st, currency);
	if (c == NULL) {
		SZ_JOURNAL_FIELD(st->overflow_count);
		st->overflow_count++;
		return;
	}
	struct stats_day *d = day_slot(c, (int64_t)(batch_time_ns / STATS_NS_PER_DAY));
	SZ_JOURNAL_FIELD(c->total_count);
	c->total_count++;
	d->transfer_count++;
	if (__builtin_add_overflow(d->volume_minor, amount, &d->volume_minor)) {
		d->volume_minor = UINT64_MAX;
		d->volume_saturated = 1;
	}
	if (c->threshold_minor != 0 && amount >= c->threshold_minor)
		d->large_count++;
	SZ_ASSERT(d->large_count <= d->transfer_count);
}

/* Post-commit observer: every committed ledger transfer passes here. */
static void stats_observe(void *hook_state, const struct sz_apply_ctx *ctx, const sz_transfer *t,
			  const sz_account *debit, const sz_account *credit)
{
	SZ_ASSERT(hook_state != NULL && ctx != NULL);
	SZ_ASSERT(debit != NULL && credit != NULL);
	if (t->flags & (SZ_TRANSFER_PENDING | SZ_TRANSFER_VOID_PENDING))
		return; /* a hold or its release: nothing moved */
	count_movement(hook_state, debit->currency, t->amount, ctx->batch_time_ns);
}

static uint32_t threshold_set(struct stats_state *st, const struct stats_threshold_cmd *c)
{
	if (c->reserved != 0)
		return STATS_R_COMMAND_INVALID;
	if (!currency_valid(c->currency))
		return STATS_R_CURRENCY_INVALID;
	struct stats_currency *cur = currency_slot(st, c->currency);
	if (cur == NULL)
		return STATS_R_CURRENCY_TABLE_FULL;
	SZ_JOURNAL_FIELD(cur->threshold_minor);
	cur->threshold_minor = c->threshold_minor;
	return SZ_R_OK;
}

static uint32_t stats_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
			    const sz_command_header *cmd)
{
	SZ_ASSERT(s != NULL && ctx != NULL);
	SZ_ASSERT(cmd->size >= sizeof *cmd);
	if (cmd->kind == STATS_CMD_THRESHOLD_SET && cmd->size == sizeof *cmd + sizeof(struct stats_threshold_cmd)) {
		struct stats_threshold_cmd c;
		memcpy(&c, cmd + 1, sizeof c);
		return threshold_set(domain_state, &c);
	}
	return SZ_R_COMMAND_INVALID;
}

/* Snapshot, digest and invariants (state.c). */
int stats_snapshot_write(const void *domain_state, struct sz_snap *f);
int stats_snapshot_read(void *domain_state, struct sz_snap *f);
void stats_digest(const void *domain_state, void *blake2b_state);
int stats_check_invariants(const struct sz_state *s, const void *domain_state, char *why, size_t why_size);

static void stats_release(void *domain_state)
{
	free(domain_state);
}

static struct stats_state *stats_new(void)
{
	struct stats_state *st = calloc(1, sizeof *st);
	if (st == NULL)
		return NULL;
	for (uint32_t i = 0; i < STATS_CURRENCY_COUNT_MAX; i++)
		for (uint32_t k = 0; k < STATS_DAY_COUNT_MAX; k++)
			st->currencies[i].days[k].day = -1;
	return st;
}

int stats_domain_register(struct sz_state *s)
{
	SZ_ASSERT(s != NULL);
	sz_result_register(stats_results, sizeof stats_results / sizeof stats_results[0]);
	struct stats_state *st = stats_new();
	if (st == NULL)
		return SZ_ENOMEM;
	struct sz_domain d = {
		.name = "stats",
		.kind_base = STATS_KIND_BASE,
		.state = st,
		.apply = stats_apply,
		.snapshot_write = stats_snapshot_write,
		.snapshot_read = stats_snapshot_read,
		.digest = stats_digest,
		.check_invariants = stats_check_invariants,
		.release = stats_release,
	};
	struct sz_hook hook = { .name = "stats", .observe = stats_observe, .state = st };
	int rc = sz_state_register(s, &d);
	if (rc != 0) {
		free(st);
		return rc;
	}
	return sz_state_hook_add(s, &hook); /* the state owns st from here on */
}

const struct stats_state *stats_state_get(const struct sz_state *s)
{
	SZ_ASSERT(s != NULL);
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kind_base == STATS_KIND_BASE)
			return s->domains[i].state;
	return NULL;
}
