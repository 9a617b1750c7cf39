/*
 * state.c — the green state's bytes on disk and in the digest, and its
 * invariants (contract: domain.h, layout: internal.h).
 *
 * Snapshot section (after the sections of earlier domains), little-endian:
 *   u64[10] counts: active, accounts, restatements, policies, loans, tags,
 *           positions, cerfs, ops, magic "GREENv01"
 *   active[active]                              struct green_active_set
 *   per account i: green_account, green_account_result, green_account_meta
 *   restatements[restatements]                  green_restatement
 *   policies, loans, tags, positions, cerfs, ops (their structs, in order)
 * The reader checks every count against its bound, then rebuilds every index
 * (store slots, certificate claims in account order, id indexes), so the
 * layout of hash tables never matters; the digest hashes the same stream, so
 * every field that is snapshotted is digested.
 */
#include "green/internal.h"

#include "core/assert.h"
#include "core/errors.h"
#include "log/snapshot.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define GREEN_SNAP_MAGIC 0x3130764e45455247ull /* "GREENv01", little-endian */

struct green_counts {
	uint64_t active, accounts, restatements, policies, loans, tags, positions, cerfs, ops, magic;
};

static void counts_of(const struct green_domain_state *g, struct green_counts *n)
{
	*n = (struct green_counts){
		.active = g->active_count, .accounts = g->store.count,
		.restatements = g->store.restatement_count, .policies = g->policy_count,
		.loans = g->loan_count, .tags = g->tag_count, .positions = g->position_count,
		.cerfs = g->cerf_count, .ops = g->op_count, .magic = GREEN_SNAP_MAGIC,
	};
}

/* The one order of the green state's bytes, for snapshots and the digest. */
typedef int (*emit_fn)(void *ctx, const void *data, size_t size);

static int emit_state(const struct green_domain_state *g, emit_fn emit, void *ctx)
{
	struct green_counts n;
	counts_of(g, &n);
	int rc = emit(ctx, &n, sizeof n);
	if (rc == 0 && n.active)
		rc = emit(ctx, g->active, sizeof g->active[0] * n.active);
	for (uint32_t i = 0; i < g->store.count && rc == 0; i++) {
		rc = emit(ctx, &g->store.accounts[i], sizeof g->store.accounts[i]);
		if (rc == 0)
			rc = emit(ctx, &g->store.results[i], sizeof g->store.results[i]);
		if (rc == 0)
			rc = emit(ctx, &g->meta[i], sizeof g->meta[i]);
	}
#define EMIT_ARRAY(arr, count) \
	if (rc == 0 && (count) > 0) \
		rc = emit(ctx, (arr), sizeof((arr)[0]) * (size_t)(count));
	EMIT_ARRAY(g->store.restatements, g->store.restatement_count)
	EMIT_ARRAY(g->policies, g->policy_count)
	EMIT_ARRAY(g->loans, g->loan_count)
	EMIT_ARRAY(g->tags, g->tag_count)
	EMIT_ARRAY(g->positions, g->position_count)
	EMIT_ARRAY(g->cerfs, g->cerf_count)
	EMIT_ARRAY(g->ops, g->op_count)
#undef EMIT_ARRAY
	return rc;
}

static int emit_snap(void *ctx, const void *data, size_t size) { return sz_snap_write(ctx, data, size); }

static int emit_hash(void *ctx, const void *data, size_t size)
{
	crypto_generichash_update(ctx, data, size);
	return 0;
}

int green_domain_snapshot_write(const void *domain_state, struct sz_snap *f)
{
	return emit_state(domain_state, emit_snap, f);
}

void green_domain_digest(const void *domain_state, void *blake2b_state)
{
	crypto_generichash_update(blake2b_state, (const unsigned char *)"green", 5);
	int rc = emit_state(domain_state, emit_hash, blake2b_state);
	SZ_ASSERT(rc == 0);
}

/* The id indexes of every array, rebuilt from the records read. 0 or
 * SZ_ENOMEM. */
static int rebuild_indexes(struct green_domain_state *g)
{
	int rc = 0;
	for (uint32_t i = 0; i < g->loan_count && rc == 0; i++)
		rc = ledger_index_insert(&g->loan_index, g->loans, green_loan_key, green_loan_key(g->loans, i), i);
	for (uint32_t i = 0; i < g->tag_count && rc == 0; i++)
		rc = ledger_index_insert(&g->tag_index, g->tags, green_tag_key, green_tag_key(g->tags, i), i);
	for (uint32_t i = 0; i < g->position_count && rc == 0; i++)
		rc = ledger_index_insert(&g->position_index, g->positions, green_position_key, green_position_key(g->positions, i), i);
	for (uint32_t i = 0; i < g->cerf_count && rc == 0; i++)
		rc = ledger_index_insert(&g->cerf_index, g->cerfs, green_cerf_key, green_cerf_key(g->cerfs, i), i);
	for (uint32_t i = 0; i < g->op_count && rc == 0; i++)
		rc = ledger_index_insert(&g->op_index, g->ops, green_op_key, green_op_key(g->ops, i), i);
	return rc;
}

int green_domain_snapshot_read(void *domain_state, struct sz_snap *f)
{
	struct green_domain_state *g = domain_state;
	SZ_ASSERT(g->store.count == 0 && g->op_count == 0);
	struct green_counts n;
	int rc = sz_snap_read(f, &n, sizeof n);
	if (rc)
		return rc;
	if (n.magic != GREEN_SNAP_MAGIC || n.active > GREEN_DOMAIN_FACTOR_SET_COUNT_MAX ||
	    n.accounts > g->store.capacity || n.restatements > g->store.restatement_capacity ||
	    n.policies > GREEN_DOMAIN_BANK_COUNT_MAX || n.loans > GREEN_DOMAIN_LOAN_COUNT_MAX ||
	    n.tags > GREEN_DOMAIN_TAG_COUNT_MAX || n.positions > GREEN_DOMAIN_POSITION_COUNT_MAX ||
	    n.cerfs > GREEN_DOMAIN_CERF_COUNT_MAX || n.ops > GREEN_DOMAIN_OP_COUNT_MAX)
		return SZ_ECORRUPT;
	if (n.active && (rc = sz_snap_read(f, g->active, sizeof g->active[0] * n.active)))
		return rc;
	g->active_count = (uint32_t)n.active;
	for (uint32_t i = 0; i < g->active_count; i++) {
		const green_factor_set *set = green_loaded_set_find(g, g->active[i].version);
		if (set == NULL || set->digest != g->active[i].digest) {
			fprintf(stderr, "green: the snapshot's active factor set %.31s (digest %016llx) is %s\n",
				g->active[i].version, (unsigned long long)g->active[i].digest,
				set ? "loaded with another digest" : "not loaded from share/green/factors");
			return SZ_ESTATE; /* the files differ from those the state was built with */
		}
	}
	for (uint64_t i = 0; i < n.accounts && rc == 0; i++) {
		green_account a;
		green_account_result r;
		struct green_account_meta m;
		if ((rc = sz_snap_read(f, &a, sizeof a)) || (rc = sz_snap_read(f, &r, sizeof r)) ||
		    (rc = sz_snap_read(f, &m, sizeof m)))
			break;
		if (green_cert_registry_claim_account(&g->certs, &a, NULL) != SZ_OK ||
		    green_account_store_put(&g->store, &a, &r) != SZ_OK)
			return SZ_ECORRUPT;
		g->meta[i] = m;
	}
	if (rc)
		return rc;
#define READ_ARRAY(arr, count) \
	if (rc == 0 && (count) > 0) \
		rc = sz_snap_read(f, (arr), sizeof((arr)[0]) * (size_t)(count));
	READ_ARRAY(g->store.restatements, n.restatements)
	READ_ARRAY(g->policies, n.policies)
	READ_ARRAY(g->loans, n.loans)
	READ_ARRAY(g->tags, n.tags)
	READ_ARRAY(g->positions, n.positions)
	READ_ARRAY(g->cerfs, n.cerfs)
	READ_ARRAY(g->ops, n.ops)
#undef READ_ARRAY
	if (rc)
		return rc;
	g->store.restatement_count = (uint32_t)n.restatements;
	g->policy_count = (uint32_t)n.policies;
	g->loan_count = (uint32_t)n.loans;
	g->tag_count = (uint32_t)n.tags;
	g->position_count = (uint32_t)n.positions;
	g->cerf_count = (uint32_t)n.cerfs;
	g->op_count = (uint32_t)n.ops;
	return rebuild_indexes(g);
}

/* Certificates claimed equal the certificate lines of stored accounts; every
 * active set is loaded with its digest; one meta record per account. */
int green_domain_check_invariants(const struct sz_state *s, const void *domain_state, char *why, size_t why_size)
{
	(void)s;
	const struct green_domain_state *g = domain_state;
	uint64_t lines = 0;
	for (uint32_t i = 0; i < g->store.count; i++)
		lines += g->store.accounts[i].cert_count;
	if (lines != g->certs.count) {
		snprintf(why, why_size, "green: %llu certificate lines stored, %u claims",
			 (unsigned long long)lines, g->certs.count);
		return SZ_ECORRUPT;
	}
	for (uint32_t i = 0; i < g->active_count; i++) {
		const green_factor_set *set = green_loaded_set_find(g, g->active[i].version);
		if (set == NULL || set->digest != g->active[i].digest) {
			snprintf(why, why_size, "green: active factor set %s is not loaded", g->active[i].version);
			return SZ_ECORRUPT;
		}
	}
	for (uint32_t i = 0; i < g->loan_count; i++)
		if (green_pricing_rederive(&g->loans[i].terms) != SZ_OK) {
			snprintf(why, why_size, "green: loan terms %u do not re-derive", i);
			return SZ_ECORRUPT;
		}
	return 0;
}
