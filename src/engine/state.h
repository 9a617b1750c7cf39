/*
 * state.h — the whole replicated state and the dispatch of commands to domains.
 *
 * Owns: struct sz_state (one state per registered domain, the ledger first
 * with kind base 0; the engine never names it),
 * applying one batch deterministically, the state digest, invariants and
 * the snapshot sections. A domain registers a struct sz_domain at startup:
 * a range of 256 command kinds and its callbacks.
 *
 * Rules for domain apply functions: deterministic (time only from ctx), no
 * I/O, no allocation (reserve grows the state before each batch); move money
 * only through the ledger (ledger_create_transfer ...); journal every change
 * of state before making it (sz_journal, engine/journal.h). The engine opens
 * a journal bracket around each domain command and each linked chain and
 * rolls the ledger and every domain back together when it fails.
 */
#ifndef SZ_ENGINE_STATE_H
#define SZ_ENGINE_STATE_H

#include "engine/hooks.h"
#include "engine/journal.h"
#include "szfin/szfin.h"

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct sz_snap;

#define SZ_DOMAIN_COUNT_MAX 16u

/* The engine's own command: no body, changes nothing. A batch holding only a
 * tick lets batch_begin act (pending expiry, escrow release, subsidy expiry,
 * conditional refunds) when a deadline is due on an idle server; it is
 * stamped, logged and replayed like any other batch. Kind 0x00ff lies in
 * the ledger's range, which never uses it. */
#define SZ_CMD_TICK 0x00ffu

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
	/* Optional: before the batch's apply bracket (no journal attached), on
	 * the engine thread: look up whatever apply will need that is not in
	 * RAM (the ledger's cold transfers, ledger.h). May do I/O; must leave
	 * apply's results exactly what they would be with everything in RAM. */
	void (*resolve)(struct sz_state *s, void *domain_state, const sz_command_header *const *cmds, uint32_t count);
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
	/* Optional: copy a record the domain keeps in memory (not in the log)
	 * at log position log_pos (segment 0) into out; 0 or SZ_ENOTFOUND. */
	int (*kept_record)(const void *domain_state, uint64_t log_pos, void *out, size_t size);
	/* Optional: fault in pages ahead of growing arrays. Runs on the engine's
	 * second thread while the engine thread applies: it may only touch
	 * memory the engine thread does not (see the ledger's). */
	void (*populate_ahead)(const void *domain_state);
};

struct sz_state {
	struct sz_journal journal;  /* the one undo journal (journal.h) */
	struct sz_hooks hooks;      /* transfer hooks (hooks.h) */
	uint64_t reserved_sequence; /* batch that sz_state_reserve prepared for (0 once applied) */
	uint32_t reserved_count;    /* and its command count */
	struct sz_domain domains[SZ_DOMAIN_COUNT_MAX];
	uint32_t domain_count;
	uint64_t sequence;          /* last applied batch */
	uint64_t batch_time_ns;     /* of the last applied batch */
	/* Set by the engine before registering domains: where a domain may keep
	 * files derived from the log (NULL: nowhere; the ledger's disk tier is
	 * then off), and the ledger's hot window (0 = every transfer in RAM). */
	const char *data_dir;
	uint32_t hot_window_count;
};

/* Does this command carry the flag that links it to the next one (ledger
 * account and transfer commands only)? The header must be followed by its
 * body; no alignment is assumed. */
bool sz_command_links_onward(const sz_command_header *c);

int sz_state_init(struct sz_state *s);
void sz_state_release(struct sz_state *s);
int sz_state_register(struct sz_state *s, const struct sz_domain *d);

/* Register a transfer hook (at start, before any batch). 0 or SZ_ELIMIT. */
int sz_state_hook_add(struct sz_state *s, const struct sz_hook *hook);

/* Test hook: make the nth call of sz_state_reserve from now fail with
 * SZ_ENOMEM (1 = the next one; 0 = never). Process-wide. */
void sz_state_inject_reserve_failure(uint32_t nth);

/* Apply one batch body (count commands, 0 for a tick). results gets one code
 * per command. body_log_pos is the log position of the body's first byte, or
 * 0 for a body that is not in a log (tests, fuzzing): the ledger then keeps
 * the records. The engine calls sz_state_reserve first; a caller that did
 * not (tests) gets the reservation here, which must then succeed. */
void sz_state_apply_batch(struct sz_state *s, uint64_t sequence, uint64_t batch_time_ns,
			  const uint8_t *body, uint32_t body_size, uint32_t count,
			  uint64_t body_log_pos, uint32_t *results);

/* Before each batch: let the ledger and every domain grow for the worst case
 * of command_count commands. 0 or the first failure (SZ_ENOMEM, SZ_ELIMIT):
 * the engine then stops before applying. */
int sz_state_reserve(struct sz_state *s, uint32_t command_count);
/* The bytes of the journal in use: 0 between commands (tests). */
uint32_t sz_state_journal_used(const struct sz_state *s);

/* Earliest deadline of any domain (UINT64_MAX if none): when the engine's
 * clock passes it, a tick batch lets batch_begin act on an idle server. */
uint64_t sz_state_next_deadline_ns(const struct sz_state *s);

/* A record kept in memory by a domain (log position with segment 0). */
int sz_state_kept_record(const struct sz_state *s, uint64_t log_pos, void *out, size_t size);

/* Run every domain's populate_ahead (the engine's second thread). */
void sz_state_populate_ahead(const struct sz_state *s);

/* Name of the domain that owns ledger account a, or NULL. */
const char *sz_state_account_owner(const struct sz_state *s, const sz_account *a);

void sz_state_digest(const struct sz_state *s, uint8_t out[32]);
int sz_state_check_invariants(const struct sz_state *s, char *why, size_t why_size);
int sz_state_snapshot_write(const struct sz_state *s, struct sz_snap *f);
int sz_state_snapshot_read(struct sz_state *s, struct sz_snap *f);

/* Register every built-in domain, the ledger first (called by sz_engine_open
 * unless its config names another function). Defined by the composition
 * root, src/app/registry.c, the one place that lists the domains: the engine
 * includes none of them. */
int sz_state_register_domains(struct sz_state *s);

#endif
