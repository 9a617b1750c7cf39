/*
 * index.h — open-addressing hash index from a key to a u32 position.
 *
 * Owns: the bucket table only. The keys live in the caller's array: the
 * index stores position + 1 and compares keys through a key function, so an
 * account or transfer costs 4 bytes / load factor here. Linear probing,
 * power-of-two capacity, load kept at or below 1/2, backward-shift delete.
 * The positions held are exactly 0 .. count-1 (every caller keeps a dense
 * array: append, pop the last, or move the last into a hole) unless the
 * table is marked sparse (the ledger's slot index once the disk tier took
 * old slots out): growth then walks the old table instead of the positions.
 * Every bucket write is journalled (engine/journal.h), so a rolled-back
 * bracket restores the table exactly. The ledger reserves room before each
 * batch, so its tables never grow inside apply; a domain table that does
 * grow inside a bracket keeps the replaced table until the outcome is known.
 */
#ifndef SZ_LEDGER_INDEX_H
#define SZ_LEDGER_INDEX_H

#include "szfin/szfin.h"
#include "core/hash.h"

#include <stdbool.h>
#include <stdint.h>

/* Open-addressing id → position table (u32 values, power-of-two capacity). */
#define LEDGER_INDEX_SPARE_COUNT_MAX 8u

struct ledger_index {
	uint32_t *buckets;       /* position + 1; 0 = empty */
	uint32_t capacity;       /* power of two */
	uint32_t count;
	bool sparse;             /* positions held are not 0 .. count-1 */
	/* Tables replaced while a journal bracket was open (a domain that does
	 * not reserve grew its index inside apply): both the old and the new
	 * one stay allocated until the bracket's outcome is known, then the one
	 * not in use is freed (at the next insert or reserve outside a bracket).
	 * Not journalled: a rollback restores buckets/capacity to the old table. */
	uint32_t *spare_buckets[LEDGER_INDEX_SPARE_COUNT_MAX];
	uint32_t spare_capacity[LEDGER_INDEX_SPARE_COUNT_MAX];
	uint32_t spare_count;
};

/* Key of the item at position. */
typedef sz_id (*ledger_index_key_fn)(const void *base, uint32_t position);

int ledger_index_init(struct ledger_index *x, uint32_t capacity);
void ledger_index_release(struct ledger_index *x);
/* Cache hints, two stages: first the bucket where id's probe starts, later
 * (once that line has arrived) the item the bucket points to. */
void ledger_index_prefetch_bucket(const struct ledger_index *x, sz_id id);
void ledger_index_prefetch_item(const struct ledger_index *x, const void *base, size_t item_size, sz_id id);
/* -1 if absent. Inline so that the key function inlines at each call site. */
static inline int64_t ledger_index_find(const struct ledger_index *x, const void *base, ledger_index_key_fn key,
					sz_id id)
{
	uint32_t mask = x->capacity - 1;
	for (uint32_t b = (uint32_t)sz_mix64(id.lo, id.hi) & mask;; b = (b + 1) & mask) {
		uint32_t v = x->buckets[b];
		if (v == 0)
			return -1; /* load <= 1/2 guarantees an empty bucket ends every probe */
		if (sz_id_eq(key(base, v - 1), id))
			return v - 1;
	}
}
/* The key must be absent. Returns 0 or SZ_ENOMEM. */
int ledger_index_insert(struct ledger_index *x, const void *base, ledger_index_key_fn key, sz_id id, uint32_t position);
/* Grow (between batches, never inside apply) until room more entries fit
 * at load <= 1/2. 0, SZ_ENOMEM or SZ_ELIMIT. */
int ledger_index_reserve(struct ledger_index *x, const void *base, ledger_index_key_fn key, uint32_t room);
/* Rebuild (outside any bracket) at capacity, a power of two holding count
 * at load <= 1/2; shrinks a sparse table. 0 or SZ_ENOMEM (table unchanged). */
int ledger_index_rebuild(struct ledger_index *x, const void *base, ledger_index_key_fn key, uint32_t capacity);
/* Remove the entry of id that holds position; it must be present. */
void ledger_index_remove(struct ledger_index *x, const void *base, ledger_index_key_fn key, sz_id id, uint32_t position);
/* Replace the position stored for id (after the item moved in its array). */
void ledger_index_move(struct ledger_index *x, sz_id id, uint32_t position_old, uint32_t position_new);

#endif
