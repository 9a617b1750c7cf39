/*
 * state.c — the statistics domain's snapshot section, digest and invariants.
 *
 * Snapshot section (little-endian, inside the snapshot's checksummed stream):
 *   u64 magic "SZSTATS1", u32 currency_count, u32 zero, u64 overflow_count,
 *   then currency_count records of struct stats_currency as laid out in
 *   stats.h (24 + 32 * STATS_DAY_COUNT_MAX bytes each, no padding).
 * A reader refuses a count above the table, a currency that is not three
 * letters or appears twice, and a day record that breaks the invariants
 * below; the snapshot then fails to load (the engine names the file).
 */
#include "stats/stats.h"
#include "core/assert.h"
#include "core/errors.h"
#include "engine/state.h"
#include "log/snapshot.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define STATS_SNAPSHOT_MAGIC 0x3153544154535a53ull /* "SZSTATS1" */

_Static_assert(sizeof(struct stats_currency) == 24 + 32 * STATS_DAY_COUNT_MAX, "currency record has no padding");

int stats_snapshot_write(const void *domain_state, struct sz_snap *f)
{
	const struct stats_state *st = domain_state;
	SZ_ASSERT(st != NULL && f != NULL);
	SZ_ASSERT(st->currency_count <= STATS_CURRENCY_COUNT_MAX);
	uint64_t head[3] = { STATS_SNAPSHOT_MAGIC, st->currency_count, st->overflow_count };
	int rc = sz_snap_write(f, head, sizeof head);
	if (rc == 0 && st->currency_count > 0)
		rc = sz_snap_write(f, st->currencies, st->currency_count * sizeof st->currencies[0]);
	return rc;
}

/* One currency's figures hold together: large within count, volume zero
 * when nothing moved, each used slot holding a day that maps to it. */
static int check_currency(const struct stats_currency *c, char *why, size_t why_size)
{
	uint64_t retained_count = 0;
	for (uint32_t k = 0; k < STATS_DAY_COUNT_MAX; k++) {
		const struct stats_day *d = &c->days[k];
		if (d->day == -1 && d->transfer_count == 0 && d->volume_minor == 0)
			continue;
		if (d->day < 0 || (uint64_t)d->day % STATS_DAY_COUNT_MAX != k || d->large_count > d->transfer_count ||
		    (d->transfer_count == 0 && d->volume_minor != 0) || d->volume_saturated > 1) {
			snprintf(why, why_size, "stats: currency %.3s has an inconsistent day in slot %u",
				 (const char *)&c->currency, k);
			return SZ_ECORRUPT;
		}
		retained_count += d->transfer_count;
	}
	if (retained_count > c->total_count) {
		snprintf(why, why_size, "stats: currency %.3s retains %llu movements but counted %llu in all",
			 (const char *)&c->currency, (unsigned long long)retained_count,
			 (unsigned long long)c->total_count);
		return SZ_ECORRUPT;
	}
	return 0;
}

static int check_state(const struct stats_state *st, char *why, size_t why_size)
{
	SZ_ASSERT(st != NULL);
	if (st->currency_count > STATS_CURRENCY_COUNT_MAX) {
		snprintf(why, why_size, "stats: %u currencies exceed the table of %u", st->currency_count,
			 STATS_CURRENCY_COUNT_MAX);
		return SZ_ECORRUPT;
	}
	for (uint32_t i = 0; i < st->currency_count; i++) {
		const struct stats_currency *c = &st->currencies[i];
		for (uint32_t k = 0; k < i; k++)
			if (st->currencies[k].currency == c->currency) {
				snprintf(why, why_size, "stats: currency %.3s appears twice", (const char *)&c->currency);
				return SZ_ECORRUPT;
			}
		int rc = c->currency == 0 || c->reserved != 0 ? SZ_ECORRUPT : check_currency(c, why, why_size);
		if (rc != 0) {
			if (c->currency == 0 || c->reserved != 0)
				snprintf(why, why_size, "stats: currency record %u is malformed", i);
			return rc;
		}
	}
	return 0;
}

int stats_snapshot_read(void *domain_state, struct sz_snap *f)
{
	struct stats_state *st = domain_state;
	SZ_ASSERT(st != NULL && f != NULL);
	uint64_t head[3];
	int rc = sz_snap_read(f, head, sizeof head);
	if (rc != 0)
		return rc;
	if (head[0] != STATS_SNAPSHOT_MAGIC || head[1] > STATS_CURRENCY_COUNT_MAX)
		return SZ_ECORRUPT;
	st->currency_count = (uint32_t)head[1];
	st->overflow_count = head[2];
	if (st->currency_count > 0)
		rc = sz_snap_read(f, st->currencies, st->currency_count * sizeof st->currencies[0]);
	char why[160];
	return rc != 0 ? rc : check_state(st, why, sizeof why);
}

void stats_digest(const void *domain_state, void *blake2b_state)
{
	const struct stats_state *st = domain_state;
	SZ_ASSERT(st != NULL && blake2b_state != NULL);
	SZ_ASSERT(st->currency_count <= STATS_CURRENCY_COUNT_MAX);
	uint64_t head[2] = { st->currency_count, st->overflow_count };
	crypto_generichash_update(blake2b_state, (const uint8_t *)head, sizeof head);
	crypto_generichash_update(blake2b_state, (const uint8_t *)st->currencies,
				  st->currency_count * sizeof st->currencies[0]);
}

int stats_check_invariants(const struct sz_state *s, const void *domain_state, char *why, size_t why_size)
{
	SZ_ASSERT(s != NULL);
	return check_state(domain_state, why, why_size);
}
