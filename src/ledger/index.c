/* index.c — linear-probing id index over a caller-owned array (see index.h). */
#include "ledger/index.h"
#include "ledger/ledger.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/vm.h"
#include "engine/journal.h"

#include <stddef.h>
#include <stdlib.h>

#define INDEX_CAPACITY_MIN 1024u
#define GROW_PREFETCH_DISTANCE 16u

static inline uint32_t bucket_of(const struct ledger_index *x, sz_id id)
{
	return (uint32_t)sz_mix64(id.lo, id.hi) & (x->capacity - 1);
}

int ledger_index_init(struct ledger_index *x, uint32_t capacity)
{
	SZ_ASSERT(x != NULL);
	if (capacity < INDEX_CAPACITY_MIN)
		capacity = INDEX_CAPACITY_MIN;
	SZ_ASSERT((capacity & (capacity - 1)) == 0);
	x->buckets = sz_vm_reserve((size_t)capacity * sizeof x->buckets[0]);
	if (x->buckets == NULL)
		return SZ_ENOMEM;
	x->capacity = capacity;
	x->count = 0;
	x->sparse = false;
	x->spare_count = 0;
	return 0;
}

/* Free the replaced tables that are not in use (outside any bracket). */
static void settle(struct ledger_index *x)
{
	SZ_ASSERT(!sz_journal_open());
	SZ_ASSERT(x->spare_count <= LEDGER_INDEX_SPARE_COUNT_MAX);
	for (uint32_t i = 0; i < x->spare_count; i++)
		if (x->spare_buckets[i] != x->buckets)
			sz_vm_release(x->spare_buckets[i], (size_t)x->spare_capacity[i] * sizeof x->buckets[0]);
	x->spare_count = 0;
}

void ledger_index_release(struct ledger_index *x)
{
	SZ_ASSERT(!sz_journal_open() || x->spare_count == 0);
	SZ_ASSERT(x != NULL);
	if (x->spare_count > 0)
		settle(x);
	if (x->buckets != NULL)
		sz_vm_release(x->buckets, (size_t)x->capacity * sizeof x->buckets[0]);
	x->buckets = NULL;
	x->capacity = 0;
	x->count = 0;
}

void ledger_index_prefetch_bucket(const struct ledger_index *x, sz_id id)
{
	SZ_ASSERT(x->buckets != NULL);
	SZ_ASSERT(x->capacity > 0);
	__builtin_prefetch(&x->buckets[bucket_of(x, id)]);
}

void ledger_index_prefetch_item(const struct ledger_index *x, const void *base, size_t item_size, sz_id id)
{
	SZ_ASSERT(item_size > 0);
	SZ_ASSERT(x->capacity > 0);
	uint32_t v = x->buckets[bucket_of(x, id)];
	if (v == 0)
		return;
	const uint8_t *item = (const uint8_t *)base + (size_t)(v - 1) * item_size;
	__builtin_prefetch(item);
	if (item_size > 64) /* an account spans two cache lines */
		__builtin_prefetch(item + item_size - 1);
}

static uint32_t free_bucket(const struct ledger_index *x, sz_id id)
{
	SZ_ASSERT((x->capacity & (x->capacity - 1)) == 0);
	SZ_ASSERT(x->count < x->capacity); /* an empty bucket ends every probe */
	uint32_t mask = x->capacity - 1;
	uint32_t b = bucket_of(x, id);
	while (x->buckets[b] != 0)
		b = (b + 1) & mask;
	return b;
}

/* Into a table being built (growth): nothing to journal. */
static void place_raw(struct ledger_index *x, sz_id id, uint32_t position)
{
	SZ_ASSERT((uint64_t)(x->count + 1) * 2 <= x->capacity);
	SZ_ASSERT(position < UINT32_MAX); /* a sparse table holds positions beyond its capacity */
	uint32_t b = free_bucket(x, id);
	x->buckets[b] = position + 1;
	x->count++;
}

static void place(struct ledger_index *x, sz_id id, uint32_t position)
{
	SZ_ASSERT(position < UINT32_MAX);
	SZ_ASSERT((uint64_t)(x->count + 1) * 2 <= x->capacity);
	uint32_t b = free_bucket(x, id);
	SZ_JOURNAL_FIELD(x->buckets[b]);
	SZ_JOURNAL_FIELD(x->count);
	x->buckets[b] = position + 1;
	x->count++;
}

/* A sparse table's entries into a new one, in the old table's bucket order. */
static void refill_from_buckets(struct ledger_index *to, const struct ledger_index *from, const void *base,
				ledger_index_key_fn key)
{
	SZ_ASSERT(to->count == 0);
	SZ_ASSERT((uint64_t)from->count * 2 <= to->capacity);
	for (uint32_t b = 0; b < from->capacity; b++)
		if (from->buckets[b] != 0)
			place_raw(to, key(base, from->buckets[b] - 1), from->buckets[b] - 1);
}

int ledger_index_rebuild(struct ledger_index *x, const void *base, ledger_index_key_fn key, uint32_t capacity)
{
	SZ_ASSERT(!sz_journal_open());
	SZ_ASSERT((uint64_t)x->count * 2 <= capacity && (capacity & (capacity - 1)) == 0);
	if (x->spare_count > 0)
		settle(x);
	struct ledger_index fresh;
	int rc = ledger_index_init(&fresh, capacity);
	if (rc != 0)
		return rc;
	refill_from_buckets(&fresh, x, base, key);
	SZ_ASSERT(fresh.count == x->count);
	sz_vm_release(x->buckets, (size_t)x->capacity * sizeof x->buckets[0]);
	x->buckets = fresh.buckets;
	x->capacity = fresh.capacity;
	return 0;
}

static int grow(struct ledger_index *x, const void *base, ledger_index_key_fn key)
{
	struct ledger_index bigger;
	SZ_ASSERT(x->capacity <= (1u << 31));
	int rc = ledger_index_init(&bigger, x->capacity * 2);
	if (rc != 0)
		return rc;
	if (x->sparse)
		refill_from_buckets(&bigger, x, base, key);
	/* Positions are dense (see index.h): walking them in order reads the
	 * keys sequentially; the random writes into the new table are hinted
	 * GROW_PREFETCH_DISTANCE positions ahead so their misses overlap. */
	for (uint32_t position = 0; !x->sparse && position < x->count; position++) {
		if (position + GROW_PREFETCH_DISTANCE < x->count)
			__builtin_prefetch(&bigger.buckets[bucket_of(&bigger, key(base, position + GROW_PREFETCH_DISTANCE))], 1);
		place_raw(&bigger, key(base, position), position);
	}
	SZ_ASSERT(bigger.count == x->count);
	if (sz_journal_open()) {
		/* Keep both tables until the bracket ends (see index.h). */
		SZ_ASSERT(x->spare_count + 2 <= LEDGER_INDEX_SPARE_COUNT_MAX);
		x->spare_buckets[x->spare_count] = x->buckets;
		x->spare_capacity[x->spare_count++] = x->capacity;
		x->spare_buckets[x->spare_count] = bigger.buckets;
		x->spare_capacity[x->spare_count++] = bigger.capacity;
		SZ_JOURNAL_FIELD(x->buckets);
		SZ_JOURNAL_FIELD(x->capacity);
	} else {
		sz_vm_release(x->buckets, (size_t)x->capacity * sizeof x->buckets[0]);
	}
	x->buckets = bigger.buckets;
	x->capacity = bigger.capacity;
	return 0;
}

int ledger_index_insert(struct ledger_index *x, const void *base, ledger_index_key_fn key, sz_id id, uint32_t position)
{
	SZ_ASSERT(x->buckets != NULL && base != NULL);
	SZ_ASSERT(position < UINT32_MAX);
	if (x->spare_count > 0 && !sz_journal_open())
		settle(x);
	if ((uint64_t)(x->count + 1) * 2 > x->capacity) {
		/* Growth allocates: the ledger's tables never grow here (reserved
		 * before each batch); a domain that does not reserve yet still may. */
		int rc = grow(x, base, key);
		if (rc != 0)
			return rc;
	}
	place(x, id, position);
	return 0;
}

int ledger_index_reserve(struct ledger_index *x, const void *base, ledger_index_key_fn key, uint32_t room)
{
	SZ_ASSERT(x->buckets != NULL);
	if (x->spare_count > 0)
		settle(x);
	SZ_ASSERT(x->count <= x->capacity / 2);
	while ((uint64_t)x->count + room > x->capacity / 2) {
		if (x->capacity > (1u << 30))
			return SZ_ELIMIT;
		int rc = grow(x, base, key);
		if (rc != 0)
			return rc;
	}
	SZ_ASSERT((uint64_t)x->count + room <= x->capacity / 2);
	return 0;
}

static uint32_t bucket_holding(const struct ledger_index *x, sz_id id, uint32_t position)
{
	SZ_ASSERT(x->count > 0);
	uint32_t mask = x->capacity - 1;
	uint32_t b = bucket_of(x, id);
	for (uint32_t probes = 0; probes < x->capacity; probes++, b = (b + 1) & mask) {
		SZ_ASSERT(x->buckets[b] != 0);
		if (x->buckets[b] == position + 1)
			return b;
	}
	SZ_UNREACHABLE();
}

void ledger_index_move(struct ledger_index *x, sz_id id, uint32_t position_old, uint32_t position_new)
{
	SZ_ASSERT(position_old != position_new);
	SZ_ASSERT(position_new < x->count);
	uint32_t b = bucket_holding(x, id, position_old);
	SZ_JOURNAL_FIELD(x->buckets[b]);
	x->buckets[b] = position_new + 1;
}

/* Backward-shift deletion keeps every probe chain unbroken without
 * tombstones: later members of the cluster move back into the hole when
 * their home bucket allows it. */
void ledger_index_remove(struct ledger_index *x, const void *base, ledger_index_key_fn key, sz_id id, uint32_t position)
{
	SZ_ASSERT(base != NULL);
	uint32_t mask = x->capacity - 1;
	SZ_ASSERT(x->count > 0);
	uint32_t hole = bucket_holding(x, id, position);
	SZ_JOURNAL_FIELD(x->buckets[hole]);
	SZ_JOURNAL_FIELD(x->count);
	x->buckets[hole] = 0;
	x->count--;
	for (uint32_t j = (hole + 1) & mask; x->buckets[j] != 0; j = (j + 1) & mask) {
		uint32_t v = x->buckets[j];
		uint32_t home = bucket_of(x, key(base, v - 1));
		/* v may fill the hole unless its home lies cyclically in (hole, j]. */
		bool home_after_hole = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (home_after_hole)
			continue;
		SZ_JOURNAL_FIELD(x->buckets[hole]);
		SZ_JOURNAL_FIELD(x->buckets[j]);
		x->buckets[hole] = v;
		x->buckets[j] = 0;
		hole = j;
	}
}
