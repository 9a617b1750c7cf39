/*
 * ledger_tier.c — the ledger's hot window over its disk tier (tier.h).
 *
 * Owns: which slots are cold (ranges of slot numbers covered by durable
 * runs, cold_end), when the next run is due (the hot window is full), the
 * copy of a range's final slots handed to the builder thread, taking a
 * finished run's slots out of the hot index and giving their pages back,
 * adopting runs left on disk by an earlier process (each record compared with
 * the state the log rebuilt), the per-batch table of resolved cold slots
 * that apply consults, and putting everything back for a snapshot.
 * Pinned (never cold): open pending transfers and domain-made transfers
 * (their records live in RAM; domains look their ids up inside apply).
 * Never: run inside apply (every function here is called between batches or
 * before the apply bracket), take a slot out of RAM before the run holding it
 * is durable, or answer differently from RAM: a damaged run met while
 * resolving stops the process; a restart rebuilds it from the log.
 */
#include "ledger/ledger.h"
#include "ledger/tier.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"
#include "engine/journal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define STATUS_SHIFT 60
#define RESOLVED_COUNT_MAX (2u * SZ_BATCH_COMMAND_COUNT_MAX) /* ids and pending ids of one batch */
#define RESOLVED_BUCKET_COUNT (1u << 16)                      /* power of two, load <= 1/4 */
#define RUN_SLOT_COUNT_MIN 64u
#define PAGE_SIZE_BYTES 4096u
/* Shrink the hot index when its table is this many times larger than it needs. */
#define INDEX_SHRINK_FACTOR 4u

_Static_assert(sizeof(struct ledger_slot) == sizeof(((struct tier_record *)0)->slot), "tier records hold slots");
_Static_assert(offsetof(struct ledger_slot, id) == 0, "a tier record begins with the id");
_Static_assert(RESOLVED_BUCKET_COUNT >= 4u * RESOLVED_COUNT_MAX, "resolved table load <= 1/4");

struct ledger_tier {
	struct tier t;
	uint32_t hot_window_count;
	uint32_t run_slot_count;
	uint32_t cold_end;            /* slots below are covered by durable runs */
	uint32_t build_hi;            /* a run of [cold_end, build_hi) is being built; == cold_end if none */
	uint32_t index_capacity_full; /* the slot index's capacity were no slot cold (snapshots) */
	size_t tail_page;             /* the page holding slot cold_end, and whether every */
	bool tail_clean;              /* slot of it below cold_end left RAM */
	bool failed;                  /* a run could not be written: everything stays hot */
	uint64_t released_bytes;      /* slot pages given back */
	struct ledger_slot *resolved; /* this batch's cold slots found on disk */
	uint32_t resolved_count;
	uint32_t *resolved_buckets;   /* resolved index + 1; 0 = empty */
};

static sz_id slot_key(const void *base, uint32_t position)
{
	SZ_ASSERT(base != NULL);
	SZ_ASSERT(position < SZ_TRANSFER_COUNT_MAX);
	return ((const struct ledger_slot *)base)[position].id;
}

static bool slot_pinned(const struct ledger_slot *s)
{
	SZ_ASSERT(s != NULL);
	return (s->log_pos >> STATUS_SHIFT) == SZ_STATUS_PENDING || SZ_LOG_POS_SEGMENT(s->log_pos) == 0;
}

int ledger_tier_attach(struct ledger *l, const char *dir, uint32_t hot_window_count)
{
	SZ_ASSERT(l != NULL && dir != NULL);
	SZ_ASSERT(l->tier == NULL && l->slot_count == 0);
	struct ledger_tier *x = calloc(1, sizeof *x);
	if (x == NULL)
		return SZ_ENOMEM;
	if (hot_window_count < SZ_HOT_WINDOW_TRANSFER_COUNT_MIN)
		hot_window_count = SZ_HOT_WINDOW_TRANSFER_COUNT_MIN;
	x->hot_window_count = hot_window_count;
	x->run_slot_count = hot_window_count / 4;
	if (x->run_slot_count < RUN_SLOT_COUNT_MIN)
		x->run_slot_count = RUN_SLOT_COUNT_MIN;
	if (x->run_slot_count > SZ_TIER_RUN_SLOT_COUNT_DEFAULT)
		x->run_slot_count = SZ_TIER_RUN_SLOT_COUNT_DEFAULT;
	x->resolved = calloc(RESOLVED_COUNT_MAX, sizeof x->resolved[0]);
	x->resolved_buckets = calloc(RESOLVED_BUCKET_COUNT, sizeof x->resolved_buckets[0]);
	int rc = x->resolved && x->resolved_buckets ? tier_open(&x->t, dir, x->run_slot_count) : SZ_ENOMEM;
	if (rc != 0) {
		free(x->resolved);
		free(x->resolved_buckets);
		free(x);
		return rc;
	}
	x->index_capacity_full = l->slot_index.capacity;
	x->tail_clean = true;
	l->tier = x;
	return 0;
}

void ledger_tier_release(struct ledger *l)
{
	SZ_ASSERT(l != NULL);
	struct ledger_tier *x = l->tier;
	if (x == NULL)
		return;
	tier_close(&x->t);
	free(x->resolved);
	free(x->resolved_buckets);
	free(x);
	l->tier = NULL;
}

/* ---- taking slots out of RAM ------------------------------------------------ */

static bool bit_get(const uint64_t *bits, uint32_t i)
{
	return (bits[i / 64] >> (i % 64)) & 1u;
}

static void bit_set(uint64_t *bits, uint32_t i)
{
	bits[i / 64] |= 1ull << (i % 64);
}

static void evict(struct ledger *l, uint32_t slot)
{
	SZ_ASSERT(!sz_journal_open());
	SZ_ASSERT(slot < l->slot_count && !slot_pinned(&l->slots[slot]));
	ledger_index_remove(&l->slot_index, l->slots, slot_key, l->slots[slot].id, slot);
	l->slot_index.sparse = true;
	l->slot_cold_count++;
}

static void release_span(struct ledger *l, size_t first_page, size_t page_count)
{
	SZ_ASSERT(l->tier != NULL);
	if (page_count == 0)
		return;
	uint8_t *at = (uint8_t *)l->slots + first_page * PAGE_SIZE_BYTES;
	if (madvise(at, page_count * PAGE_SIZE_BYTES, MADV_DONTNEED) == 0)
		l->tier->released_bytes += page_count * PAGE_SIZE_BYTES;
}

/* Give back the pages of [lo, hi) whose every slot left RAM (evicted bits,
 * one per slot of the range); a page across hi waits for the next range. */
static void release_pages(struct ledger *l, uint32_t lo, uint32_t hi, const uint64_t *evicted)
{
	struct ledger_tier *x = l->tier;
	SZ_ASSERT(lo < hi && lo == x->cold_end);
	const size_t lo_b = (size_t)lo * sizeof(struct ledger_slot), hi_b = (size_t)hi * sizeof(struct ledger_slot);
	size_t span_start = 0, span_pages = 0; /* consecutive clean pages: one madvise for all of them */
	for (size_t p = lo_b / PAGE_SIZE_BYTES; p * PAGE_SIZE_BYTES < hi_b; p++) {
		size_t b0 = p * PAGE_SIZE_BYTES, b1 = b0 + PAGE_SIZE_BYTES;
		bool clean = b0 >= lo_b || (x->tail_page == p && x->tail_clean);
		uint32_t s0 = b0 / sizeof(struct ledger_slot) < lo ? lo : (uint32_t)(b0 / sizeof(struct ledger_slot));
		uint32_t s1 = (uint32_t)((b1 - 1) / sizeof(struct ledger_slot));
		for (uint32_t s = s0; clean && s <= s1 && s < hi; s++)
			clean = bit_get(evicted, s - lo);
		if (b1 > hi_b) {
			x->tail_page = p;
			x->tail_clean = clean;
		} else if (clean) {
			if (span_pages == 0)
				span_start = p;
			span_pages++;
			continue;
		}
		release_span(l, span_start, span_pages);
		span_pages = 0;
	}
	release_span(l, span_start, span_pages);
	if (hi_b % PAGE_SIZE_BYTES == 0) {
		x->tail_page = hi_b / PAGE_SIZE_BYTES;
		x->tail_clean = true;
	}
}

static void range_done(struct ledger *l, uint32_t lo, uint32_t hi, const uint64_t *evicted)
{
	struct ledger_tier *x = l->tier;
	SZ_ASSERT(lo == x->cold_end && hi > lo);
	release_pages(l, lo, hi, evicted);
	x->cold_end = hi;
	x->build_hi = hi;
}

/* ---- adopting a run left on disk -------------------------------------------- */

struct adopt_ctx {
	struct ledger *l;
	uint32_t lo;
	uint64_t *bits;
};

/* A record must be the slot the log rebuilt, byte for byte, and final. */
static bool adopt_check(void *ctx, const struct tier_record *r)
{
	struct adopt_ctx *a = ctx;
	SZ_ASSERT(a != NULL && r != NULL);
	const struct ledger_slot *s = &a->l->slots[r->slot_number];
	if (r->slot_number >= a->l->slot_count || slot_pinned(s) || memcmp(r->slot, s, sizeof *s) != 0)
		return false;
	bit_set(a->bits, (uint32_t)r->slot_number - a->lo);
	return true;
}

static int adopt(struct ledger *l, uint32_t lo, uint32_t hi)
{
	SZ_ASSERT(hi <= l->slot_count);
	SZ_ASSERT(l->tier->build_hi == lo);
	struct adopt_ctx a = { .l = l, .lo = lo, .bits = calloc((hi - lo + 63) / 64, sizeof(uint64_t)) };
	if (a.bits == NULL)
		return SZ_ENOMEM;
	int rc = tier_adopt(&l->tier->t, lo, hi, adopt_check, &a);
	if (rc == 0) {
		for (uint32_t s = lo; s < hi; s++)
			if (bit_get(a.bits, s - lo))
				evict(l, s);
		range_done(l, lo, hi, a.bits);
	}
	free(a.bits);
	return rc;
}

/* ---- building ------------------------------------------------------------------ */

static int start_build(struct ledger *l, uint32_t lo, uint32_t hi)
{
	struct ledger_tier *x = l->tier;
	SZ_ASSERT(x->build_hi == x->cold_end && lo == x->cold_end);
	struct tier_job *job = calloc(1, sizeof *job);
	struct tier_record *records = malloc((size_t)(hi - lo) * sizeof *records);
	if (job == NULL || records == NULL) {
		free(job);
		free(records);
		return SZ_ENOMEM;
	}
	uint32_t n = 0;
	for (uint32_t s = lo; s < hi; s++) {
		if (slot_pinned(&l->slots[s]))
			continue;
		memcpy(records[n].slot, &l->slots[s], sizeof l->slots[s]);
		records[n++].slot_number = s;
	}
	*job = (struct tier_job){ .records = records, .record_count = n, .slot_lo = lo, .slot_hi = hi };
	int rc = tier_submit(&x->t, job);
	if (rc != 0) {
		tier_job_free(job);
		return rc;
	}
	x->build_hi = hi;
	return 0;
}

static void finish_build(struct ledger *l, struct tier_job *job)
{
	struct ledger_tier *x = l->tier;
	SZ_ASSERT(job->slot_lo == x->cold_end && job->slot_hi == x->build_hi);
	if (job->rc != 0) {
		fprintf(stderr, "szfin: cannot write index run %u-%u in %s (%s); every transfer stays in RAM\n",
			job->slot_lo, job->slot_hi, x->t.dir, sz_strerror(job->rc));
		x->failed = true;
		x->build_hi = x->cold_end;
		return;
	}
	uint64_t *bits = calloc((job->slot_hi - job->slot_lo + 63) / 64, sizeof(uint64_t));
	for (uint32_t i = 0; i < job->record_count; i++) {
		uint32_t s = (uint32_t)job->records[i].slot_number;
		evict(l, s);
		if (bits != NULL)
			bit_set(bits, s - job->slot_lo);
	}
	if (bits == NULL) { /* no pages given back this time; correct, only less memory freed */
		x->cold_end = x->build_hi = job->slot_hi;
		x->tail_clean = false;
	} else {
		range_done(l, job->slot_lo, job->slot_hi, bits);
	}
	free(bits);
}

/* The slot index's capacity were nothing cold (what ledger_reserve would have
 * grown it to), and a shrink of the real one when it is far too large. */
static void index_capacities(struct ledger *l)
{
	struct ledger_tier *x = l->tier;
	const uint64_t room = SZ_BATCH_LEDGER_INSERT_COUNT_MAX;
	if (l->slot_cold_count == 0 && l->slot_index.capacity > x->index_capacity_full)
		x->index_capacity_full = l->slot_index.capacity; /* loaded from a snapshot */
	while ((uint64_t)l->slot_count + room > x->index_capacity_full / 2 && x->index_capacity_full <= (1u << 30))
		x->index_capacity_full *= 2;
	uint64_t need = ((uint64_t)l->slot_index.count + room) * 2, capacity = 1024;
	while (capacity < need)
		capacity *= 2;
	if (l->slot_index.sparse && (uint64_t)l->slot_index.capacity >= capacity * INDEX_SHRINK_FACTOR)
		(void)ledger_index_rebuild(&l->slot_index, l->slots, slot_key, (uint32_t)capacity); /* else stays large */
}

void ledger_tier_step(struct ledger *l)
{
	SZ_ASSERT(l->tier != NULL);
	SZ_ASSERT(!sz_journal_open());
	struct ledger_tier *x = l->tier;
	if (!x->failed && x->build_hi != x->cold_end) {
		struct tier_job *job = tier_collect(&x->t);
		if (job != NULL)
			finish_build(l, job);
		tier_job_free(job);
	}
	while (!x->failed && x->build_hi == x->cold_end &&
	       (uint64_t)l->slot_count >= (uint64_t)x->cold_end + x->run_slot_count + x->hot_window_count) {
		uint32_t lo = x->cold_end, hi = lo + x->run_slot_count;
		if (adopt(l, lo, hi) == 0)
			continue;
		if (start_build(l, lo, hi) != 0)
			break; /* tried again before the next batch */
	}
	index_capacities(l);
}

void ledger_tier_settle(struct ledger *l)
{
	SZ_ASSERT(l != NULL && l->tier != NULL);
	SZ_ASSERT(!sz_journal_open());
	struct ledger_tier *x = l->tier;
	do {
		tier_wait(&x->t);
		ledger_tier_step(l);
	} while (!x->failed && x->build_hi != x->cold_end);
}

/* ---- resolving a batch's cold ids ------------------------------------------------ */

static uint32_t resolved_bucket(sz_id id)
{
	return (uint32_t)sz_mix64(id.lo, id.hi) & (RESOLVED_BUCKET_COUNT - 1);
}

const struct ledger_slot *ledger_resolved(const struct ledger *l, sz_id id)
{
	SZ_ASSERT(l != NULL);
	const struct ledger_tier *x = l->tier;
	if (x == NULL || x->resolved_count == 0)
		return NULL;
	for (uint32_t b = resolved_bucket(id);; b = (b + 1) & (RESOLVED_BUCKET_COUNT - 1)) {
		uint32_t v = x->resolved_buckets[b];
		if (v == 0)
			return NULL;
		if (sz_id_eq(x->resolved[v - 1].id, id))
			return &x->resolved[v - 1];
	}
}

static void resolve_id(struct ledger *l, sz_id id)
{
	struct ledger_tier *x = l->tier;
	/* The filters first: for a new id they almost always say no, and the
	 * hot index need not be probed twice (here and in apply). */
	if (sz_id_is_zero(id) || !tier_may_contain(&x->t, id) || ledger_slot_find(l, id) >= 0 ||
	    ledger_resolved(l, id) != NULL)
		return;
	struct tier_record r;
	uint32_t lo = 0, hi = 0;
	int rc = tier_find(&x->t, id, &r, &lo, &hi);
	if (rc < 0) {
		/* Apply cannot answer without this run: stop rather than answer
		 * differently from RAM. Open rebuilds the run from the log. */
		fprintf(stderr, "szfin: index run %u-%u in %s failed its check (%s); stopping, restart rebuilds it from the log\n",
			lo, hi, x->t.dir, sz_strerror(rc));
		abort();
	}
	if (rc == 0)
		return;
	SZ_ASSERT(x->resolved_count < RESOLVED_COUNT_MAX);
	uint32_t b = resolved_bucket(id);
	while (x->resolved_buckets[b] != 0)
		b = (b + 1) & (RESOLVED_BUCKET_COUNT - 1);
	memcpy(&x->resolved[x->resolved_count], r.slot, sizeof x->resolved[0]);
	x->resolved_buckets[b] = ++x->resolved_count;
}

void ledger_resolve(struct ledger *l, const sz_command_header *const *cmds, uint32_t count)
{
	SZ_ASSERT(l != NULL);
	SZ_ASSERT(!sz_journal_open());
	struct ledger_tier *x = l->tier;
	if (x == NULL)
		return;
	if (x->resolved_count > 0) {
		memset(x->resolved_buckets, 0, RESOLVED_BUCKET_COUNT * sizeof x->resolved_buckets[0]);
		x->resolved_count = 0;
	}
	if (x->t.record_count == 0)
		return;
	for (uint32_t i = 0; i < count; i++) {
		const sz_command_header *c = cmds[i];
		if (c->kind != SZ_CMD_CREATE_TRANSFER || c->size != sizeof *c + sizeof(sz_transfer))
			continue;
		const sz_transfer *t = (const sz_transfer *)(c + 1);
		resolve_id(l, t->id);
		if (t->flags & (SZ_TRANSFER_POST_PENDING | SZ_TRANSFER_VOID_PENDING))
			resolve_id(l, t->pending_id);
	}
}

/* ---- queries and snapshots -------------------------------------------------------- */

int ledger_transfer_find(const struct ledger *l, sz_id id, struct ledger_slot *out, uint32_t *slot_number)
{
	SZ_ASSERT(l != NULL && out != NULL);
	SZ_ASSERT(!sz_journal_open());
	int64_t slot = ledger_slot_find(l, id);
	if (slot >= 0) {
		*out = l->slots[slot];
		if (slot_number)
			*slot_number = (uint32_t)slot;
		return 1;
	}
	if (l->tier == NULL || !tier_may_contain(&l->tier->t, id))
		return 0;
	struct tier_record r;
	int rc = tier_find(&l->tier->t, id, &r, NULL, NULL);
	if (rc != 1)
		return rc;
	memcpy(out, r.slot, sizeof *out);
	if (slot_number)
		*slot_number = (uint32_t)r.slot_number;
	return 2;
}

bool ledger_tier_slot_cold(const struct ledger *l, uint32_t slot)
{
	SZ_ASSERT(l != NULL);
	SZ_ASSERT(slot < l->slot_count);
	return l->tier != NULL && slot < l->tier->cold_end;
}

int ledger_slot_read(const struct ledger *l, uint32_t slot, struct ledger_slot *out)
{
	SZ_ASSERT(l != NULL && out != NULL);
	SZ_ASSERT(slot < l->slot_count);
	/* Below cold_end a slot on a run is read from it, even if its page is
	 * kept: a slot across two pages may have lost the half on a page given
	 * back. A slot that is on no run (pinned) never lost any. */
	int rc = 0;
	if (ledger_tier_slot_cold(l, slot)) {
		struct tier_record r;
		rc = tier_find_slot(&l->tier->t, slot, &r);
		if (rc < 0)
			return rc;
		if (rc == 1)
			memcpy(out, r.slot, sizeof *out);
	}
	if (rc == 1)
		return 2;
	*out = l->slots[slot];
	return 1;
}

int ledger_history_step(const struct ledger *l, uint32_t *link, struct ledger_slot *out, uint32_t *slot_number)
{
	SZ_ASSERT(l != NULL && link != NULL && out != NULL);
	SZ_ASSERT(!sz_journal_open());
	if (*link == 0)
		return 0;
	uint32_t slot = (*link >> 1) - 1;
	int rc = ledger_slot_read(l, slot, out);
	if (rc < 0)
		return rc;
	if (slot_number)
		*slot_number = slot;
	*link = (*link & 1) ? out->prev_credit : out->prev_debit;
	return rc;
}

static bool restore_one(void *ctx, const struct tier_record *r)
{
	struct ledger *l = ctx;
	SZ_ASSERT(l != NULL && r != NULL);
	if (r->slot_number >= l->slot_count)
		return false;
	memcpy(&l->slots[r->slot_number], r->slot, sizeof l->slots[0]);
	return true;
}

int ledger_tier_restore_all(struct ledger *l)
{
	SZ_ASSERT(l != NULL);
	SZ_ASSERT(!sz_journal_open());
	struct ledger_tier *x = l->tier;
	if (x == NULL || l->slot_cold_count == 0)
		return 0;
	for (uint32_t i = 0; i < x->t.run_count; i++) {
		int rc = tier_read_run(&x->t, i, restore_one, l);
		if (rc != 0)
			return rc;
	}
	struct ledger_index full;
	int rc = ledger_index_init(&full, x->index_capacity_full);
	for (uint32_t s = 0; rc == 0 && s < l->slot_count; s++)
		rc = ledger_index_insert(&full, l->slots, slot_key, l->slots[s].id, s);
	if (rc != 0) {
		ledger_index_release(&full);
		return rc;
	}
	ledger_index_release(&l->slot_index);
	l->slot_index = full;
	l->slot_cold_count = 0;
	return 0;
}

uint64_t ledger_tier_memory_bytes(const struct ledger *l)
{
	SZ_ASSERT(l != NULL);
	if (l->tier == NULL)
		return 0;
	return sizeof *l->tier + tier_memory_bytes(&l->tier->t) + RESOLVED_COUNT_MAX * sizeof(struct ledger_slot) +
	       RESOLVED_BUCKET_COUNT * sizeof(uint32_t);
}

uint64_t ledger_tier_released_bytes(const struct ledger *l)
{
	SZ_ASSERT(l != NULL);
	return l->tier == NULL ? 0 : l->tier->released_bytes;
}
