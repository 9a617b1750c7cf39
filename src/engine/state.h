/*
 * state.h — the whole replicated state and the dispatch of commands to domains.
 *
 * Owns: struct sz_state (the ledger plus one state per registered domain),
 * applying one batch deterministically, the state digest, invariants and
 * the snapshot sections. A domain registers a struct sz_domain at startup:
 * a range of 256 command kinds and its callbacks.
 *
 * Rules for domain apply functions: deterministic (time only from ctx), no
 * I/O; validate everything before mutating anything; move money only through
 * the ledger (ledger_create_transfer ...) — the engine wraps each domain
 * command in a ledger chain and rolls the ledger back if the command fails,
 * so a domain must mutate its own state only after its ledger calls succeed.
 */
#ifndef SZ_ENGINE_STATE_H
#define SZ_ENGINE_STATE_H

#include "ledger/ledger.h"
#include "szfin/szfin.h"

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct sz_snap;

#define SZ_DOMAIN_COUNT_MAX 16u

struct sz_apply_ctx {
	uint64_t batch_time_ns;
	uint64_t timestamp_ns;   /* this command's timestamp: batch time + index */
	uint64_t log_pos;        /* where this command's body sits in the log */
	uint64_t sequence;       /* batch sequence */
};

struct sz_state;

struct sz_domain {
	const char *name;
	uint16_t kind_base;      /* owns kinds [kind_base, kind_base + 0xff] */
	void *state;             /* the domain's own state */
	/* Apply one command of this domain; return a result code. */
	uint32_t (*apply)(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
			  const sz_command_header *cmd);
	/* Optional cache hints for a command some places ahead in the batch:
	 * stage 1 touches index buckets, stage 2 (later) the records they name.
	 * Must not change anything. */
	void (*prefetch)(const struct sz_state *s, const void *domain_state, const sz_command_header *cmd, int stage);
	/* Optional: before the first command of each batch (timeouts, expiry). */
	void (*batch_begin)(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx);
	int (*snapshot_write)(const void *domain_state, struct sz_snap *f);
	int (*snapshot_read)(void *domain_state, struct sz_snap *f);
	/* Feed the domain's state into the digest (deterministic order). */
	void (*digest)(const void *domain_state, void *blake2b_state);
	/* Optional: 0 or SZ_ECORRUPT with a message. */
	int (*check_invariants)(const struct sz_state *s, const void *domain_state, char *why, size_t why_size);
	void (*release)(void *domain_state);
	/* Optional: grow the domain's state so that the next batch of at most
	 * command_count commands applies without allocating. Called by the
	 * engine before each batch (sz_state_reserve); a failure stops the
	 * engine before it applies, like a failed fsync. Apply itself never
	 * allocates: running out of reserved room there is a bug (assert). */
	int (*reserve)(void *domain_state, uint32_t command_count);
	/* Optional: the earliest batch time at which batch_begin would change
	 * something (expiry, release); UINT64_MAX if none. The engine submits
	 * an empty tick batch when it is due on an idle server. */
	uint64_t (*next_deadline_ns)(const void *domain_state);
	/* Optional: does this domain own that ledger account (raw ledger
	 * routes refuse such accounts)? */
	bool (*owns_account)(const void *domain_state, const sz_account *a);
};

struct sz_state {
	struct ledger ledger;
	struct sz_domain domains[SZ_DOMAIN_COUNT_MAX];
	uint32_t domain_count;
	uint64_t sequence;          /* last applied batch */
	uint64_t batch_time_ns;     /* of the last applied batch */
};

/* Does this command carry the flag that links it to the next one (ledger
 * account and transfer commands only)? The header must be followed by its
 * body; no alignment is assumed. */
bool sz_command_links_onward(const sz_command_header *c);

int sz_state_init(struct sz_state *s);
void sz_state_release(struct sz_state *s);
int sz_state_register(struct sz_state *s, const struct sz_domain *d);

/* Apply one batch body (count commands). results gets one code per command.
 * body_log_pos is the log position of the body's first byte, or 0 for a body
 * that is not in a log (tests, fuzzing): the ledger then keeps the records. */
void sz_state_apply_batch(struct sz_state *s, uint64_t sequence, uint64_t batch_time_ns,
			  const uint8_t *body, uint32_t body_size, uint32_t count,
			  uint64_t body_log_pos, uint32_t *results);

/* Before each batch: let the ledger and every domain grow for the worst case
 * of command_count commands. 0 or the first failure (SZ_ENOMEM, SZ_ELIMIT):
 * the engine then stops before applying. */
int sz_state_reserve(struct sz_state *s, uint32_t command_count);

/* Earliest deadline of any domain (UINT64_MAX if none): when the engine's
 * clock passes it, a tick batch lets batch_begin act on an idle server. */
uint64_t sz_state_next_deadline_ns(const struct sz_state *s);

/* Name of the domain that owns ledger account a, or NULL. */
const char *sz_state_account_owner(const struct sz_state *s, const sz_account *a);

void sz_state_digest(const struct sz_state *s, uint8_t out[32]);
int sz_state_check_invariants(const struct sz_state *s, char *why, size_t why_size);
int sz_state_snapshot_write(const struct sz_state *s, struct sz_snap *f);
int sz_state_snapshot_read(struct sz_state *s, struct sz_snap *f);

/* Register every built-in domain (called by sz_engine_open unless its config
 * names another function). Defined by the composition root, src/app/registry.c,
 * the one place that lists the domains: the engine includes none of them. */
int sz_state_register_domains(struct sz_state *s);

#endif
