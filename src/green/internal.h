/*
 * internal.h — the layout of the green domain's state, shared only by the
 * files of the domain's engine side: domain.c (environment, registration,
 * lifecycle), query.c (read-only queries), apply.c (the nine commands) and
 * state.c (snapshot, digest, invariants). Nothing outside src/green includes
 * it: other code reads green state through the queries of domain.h.
 *
 * Owns: struct green_domain_state, the remembered-command record, the index
 * key functions, and the cross-file entry points of the engine descriptor.
 * Never: be included by the HTTP or CLI adapters (http*.c, cli*.c).
 */
#ifndef SZ_GREEN_INTERNAL_H
#define SZ_GREEN_INTERNAL_H

#include "green/domain.h"
#include "ledger/index.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sz_snap;

_Static_assert(sizeof(struct green_account_meta) == 192, "account meta is 192 bytes, no padding");
_Static_assert(sizeof(struct green_bank_policy) == 72, "bank policy is 72 bytes, no padding");
_Static_assert(sizeof(struct green_loan) == 184, "loan is 184 bytes, no padding");
_Static_assert(sizeof(struct green_tag_record) == 56, "tag record is 56 bytes, no padding");
_Static_assert(sizeof(struct green_position_record) == 136, "position record is 136 bytes, no padding");
_Static_assert(sizeof(struct green_cerf_record) == 152, "cerf record is 152 bytes, no padding");
_Static_assert(sizeof(green_esg_result) == 96, "esg result is 96 bytes, no padding");

/* A remembered command: its id, kind and a fingerprint of its body. */
struct green_op {
	sz_id id;
	uint64_t fingerprint;
	uint32_t kind;
	uint32_t reserved;
};
_Static_assert(sizeof(struct green_op) == 32, "op is 32 bytes");

struct green_domain_state {
	/* environment: read from share/green at start, never replicated */
	green_factor_set *sets[GREEN_DOMAIN_FACTOR_SET_COUNT_MAX];
	uint32_t set_count;
	green_region_map regions;
	green_taxonomy taxonomy;
	/* replicated state */
	struct green_active_set active[GREEN_DOMAIN_FACTOR_SET_COUNT_MAX];
	uint32_t active_count;
	green_account_store store;
	struct green_account_meta *meta;      /* same index as the store's records */
	green_cert_registry certs;
	struct green_bank_policy policies[GREEN_DOMAIN_BANK_COUNT_MAX];
	uint32_t policy_count;
	struct green_loan *loans;
	uint32_t loan_count;
	struct ledger_index loan_index;
	struct green_tag_record *tags;
	uint32_t tag_count;
	struct ledger_index tag_index;
	struct green_position_record *positions;
	uint32_t position_count;
	struct ledger_index position_index;
	struct green_cerf_record *cerfs;
	uint32_t cerf_count;
	struct ledger_index cerf_index;
	struct green_op *ops;
	uint32_t op_count;
	struct ledger_index op_index;
};


/* Index keys: the id of the record at position i of each array. */
static inline sz_id green_loan_key(const void *base, uint32_t i) { return ((const struct green_loan *)base)[i].terms.loan_id; }
static inline sz_id green_tag_key(const void *base, uint32_t i) { return ((const struct green_tag_record *)base)[i].tag.instrument_id; }
static inline sz_id green_position_key(const void *base, uint32_t i)
{
	return ((const struct green_position_record *)base)[i].position.loan_id;
}
static inline sz_id green_cerf_key(const void *base, uint32_t i) { return ((const struct green_cerf_record *)base)[i].loan.loan_id; }
static inline sz_id green_op_key(const void *base, uint32_t i) { return ((const struct green_op *)base)[i].id; }

/* Bytes reserved in virtual memory for count records of type. */
#define GREEN_VM_SIZE(type, count) ((size_t)(count) * sizeof(type))

/* The descriptor's functions, each in its file (apply.c, state.c). */
uint32_t green_domain_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
                            const sz_command_header *cmd);
int green_domain_snapshot_write(const void *domain_state, struct sz_snap *f);
int green_domain_snapshot_read(void *domain_state, struct sz_snap *f);
void green_domain_digest(const void *domain_state, void *blake2b_state);
/* Grow the id indexes so that command_count more commands insert without
 * allocating (each command adds at most one record and one op). 0 or
 * SZ_ENOMEM. */
int green_domain_reserve(void *domain_state, uint32_t command_count);
int green_domain_check_invariants(const struct sz_state *s, const void *domain_state, char *why, size_t why_size);

#endif
