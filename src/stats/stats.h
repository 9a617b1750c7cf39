/*
 * stats.h — the statistics domain: daily transfer figures per currency.
 *
 * Owns: for each currency seen (up to STATS_CURRENCY_COUNT_MAX), a ring of
 * the last STATS_DAY_COUNT_MAX UTC days of committed money movements (single
 * transfers and posts of pending ones, whoever made them: a client, a wallet
 * payment, a contract release): how many, their volume in minor units, and
 * how many were at or above the currency's large-value threshold; the
 * thresholds themselves, set by command.
 *
 * How it plugs in: it is szfin's worked example of a domain (see "Adding a
 * domain" in docs/architecture.md). It observes every committed transfer
 * through a transfer hook (engine/hooks.h), journals each change it makes
 * (engine/journal.h) so that a failed chain rolls its counting back with the
 * ledger, has one command of its own, and is one line in src/app/registry.c.
 * Memory is fixed at registration: apply never allocates.
 * Never: refuse or move money, read the clock (the day is the batch time's),
 * or change another domain's state.
 */
#ifndef SZ_STATS_H
#define SZ_STATS_H

#include "szfin/szfin.h"

#include <stdint.h>

struct sz_state;

/* Currencies tracked: a platform runs a handful (CNY, HKD, USD, ...);
 * movements in a currency beyond the table are counted in overflow_count. */
#define STATS_CURRENCY_COUNT_MAX 16u
/* Days kept per currency: one month, what a monthly return needs. */
#define STATS_DAY_COUNT_MAX 32u
#define STATS_NS_PER_DAY 86400000000000ull

/* Command kinds [0x0600, 0x06ff]; result codes 600-699 (src/app/registry.h). */
#define STATS_KIND_BASE 0x0600u
enum stats_command_kind {
	STATS_CMD_THRESHOLD_SET = STATS_KIND_BASE + 1, /* body: struct stats_threshold_cmd */
};

/* Set the large-value threshold of a currency (0 turns large counting off). */
struct stats_threshold_cmd {
	uint32_t currency;        /* packed ISO 4217 code */
	uint32_t reserved;        /* zero */
	uint64_t threshold_minor; /* minor units */
};
_Static_assert(sizeof(struct stats_threshold_cmd) == 16, "threshold command is 16 bytes, no padding");

#define STATS_RESULT_LIST(X) \
	X(600, CURRENCY_INVALID, "stats_currency_invalid", "the currency is not three letters A-Z") \
	X(601, CURRENCY_TABLE_FULL, "stats_currency_table_full", "no room for another currency's statistics") \
	X(602, COMMAND_INVALID, "stats_command_invalid", "the command's reserved bytes must be zero")

enum stats_result {
#define STATS_RESULT_ENUM(n, name, code, text) STATS_R_##name = n,
	STATS_RESULT_LIST(STATS_RESULT_ENUM)
#undef STATS_RESULT_ENUM
};

/* One UTC day of one currency: 32 bytes. */
struct stats_day {
	int64_t day;             /* days since 1970-01-01; -1 = slot unused */
	uint64_t transfer_count;
	uint64_t volume_minor;   /* saturates at UINT64_MAX (volume_saturated then says so) */
	uint32_t large_count;    /* movements >= the threshold in force at the time */
	uint32_t volume_saturated;
};
_Static_assert(sizeof(struct stats_day) == 32, "stats day is 32 bytes, no padding");

struct stats_currency {
	uint32_t currency;
	uint32_t reserved;
	uint64_t threshold_minor;
	uint64_t total_count;    /* every movement since the currency was first seen */
	struct stats_day days[STATS_DAY_COUNT_MAX]; /* ring: slot = day % STATS_DAY_COUNT_MAX */
};

struct stats_state {
	uint32_t currency_count;
	uint32_t reserved;
	uint64_t overflow_count; /* movements in currencies beyond the table */
	struct stats_currency currencies[STATS_CURRENCY_COUNT_MAX];
};

/* Register the domain and its transfer hook (called by the registry). */
int stats_domain_register(struct sz_state *s);

/* ---- read API (other domains, the HTTP adapter) -------------------------- */

const struct stats_state *stats_state_get(const struct sz_state *s);
/* The figures of a currency, or NULL if none was seen or configured. */
const struct stats_currency *stats_currency_find(const struct stats_state *st, uint32_t currency);
/* The record of a day if it is still in the ring, else NULL. */
const struct stats_day *stats_day_find(const struct stats_currency *c, int64_t day);

#endif
