/*
 * hooks.h — transfer hooks: checks and observers every ledger transfer passes.
 *
 * Owns: the ordered list of hooks registered on the state. Every transfer
 * the ledger applies — a client's command or one a domain makes inside its
 * own command or batch_begin — passes, in registration order:
 *   - each hook's check, after the ledger's own rules and before anything
 *     changes: a result other than SZ_R_OK refuses the transfer with that
 *     code (wallet limits, AML interdiction) and the next hooks are skipped;
 *   - each hook's observe, after the transfer is committed to the ledger
 *     (AML, statistics).
 * Both see the transfer as applied (timestamp set; for a post or void, the
 * amount that moves), both accounts as they are (read-only; before the change
 * for check, after it for observe) and the apply context (batch time).
 *
 * A hook may also give a prefetch hint (sz_hooks_set_prefetch, once it is
 * added): a cache hint for a transfer some places ahead in the batch (stage
 * 1 first, stage 2 later, as the domains' prefetch in engine/state.h),
 * called from the ledger's prefetch path. It must not change anything, and
 * may read only its own state.
 *
 * Rules for hooks: deterministic, no I/O, no clock, no allocation. An
 * observer that changes its own state journals it (engine/journal.h): a chain
 * that fails later rolls back what observers did, together with the ledger.
 * With no hook registered a transfer pays one predictable branch.
 */
#ifndef SZ_ENGINE_HOOKS_H
#define SZ_ENGINE_HOOKS_H

#include "core/limits.h"
#include "szfin/szfin.h"

#include <stdint.h>

struct sz_apply_ctx;

/* SZ_R_OK to let the transfer through, or the result code that refuses it. */
typedef uint32_t (*sz_hook_check_fn)(void *hook_state, const struct sz_apply_ctx *ctx, const sz_transfer *t,
				     const sz_account *debit, const sz_account *credit);
typedef void (*sz_hook_observe_fn)(void *hook_state, const struct sz_apply_ctx *ctx, const sz_transfer *t,
				   const sz_account *debit, const sz_account *credit);

/* stage 1: touch index slots; stage 2: the records they name. Read-only. */
typedef void (*sz_hook_prefetch_fn)(const void *hook_state, const sz_transfer *t, int stage);

struct sz_hook {
	const char *name;
	sz_hook_check_fn check;     /* optional */
	sz_hook_observe_fn observe; /* optional */
	void *state;                /* the hook's own state, passed back */
};

struct sz_hooks {
	struct sz_hook list[SZ_HOOK_COUNT_MAX];
	/* Optional prefetch hint of list[i] (sz_hooks_set_prefetch), passed list[i].state. */
	sz_hook_prefetch_fn prefetch[SZ_HOOK_COUNT_MAX];
	uint32_t count;
	/* The context of the command (or batch_begin) being applied, set by the
	 * engine before it calls into the ledger or a domain. */
	const struct sz_apply_ctx *ctx;
};

/* Append a hook (at start, before any batch). 0 or SZ_ELIMIT. */
int sz_hooks_add(struct sz_hooks *h, const struct sz_hook *hook);

/* Run the checks in order; SZ_R_OK or the first refusal. */
uint32_t sz_hooks_check_slow(const struct sz_hooks *h, const sz_transfer *t, const sz_account *debit,
			     const sz_account *credit);
/* Run the observers in order. */
void sz_hooks_observe_slow(const struct sz_hooks *h, const sz_transfer *t, const sz_account *debit,
			   const sz_account *credit);

/* Give the hook registered under name a prefetch hint (at start, after it
 * was added). 0 or SZ_ENOTFOUND. */
int sz_hooks_set_prefetch(struct sz_hooks *h, const char *name, sz_hook_prefetch_fn fn);
/* Run the prefetch hints in order. */
void sz_hooks_prefetch_slow(const struct sz_hooks *h, const sz_transfer *t, int stage);

static inline void sz_hooks_prefetch(const struct sz_hooks *h, const sz_transfer *t, int stage)
{
	if (__builtin_expect(h->count != 0, 0))
		sz_hooks_prefetch_slow(h, t, stage);
}

static inline uint32_t sz_hooks_check(const struct sz_hooks *h, const sz_transfer *t, const sz_account *debit,
				      const sz_account *credit)
{
	if (__builtin_expect(h->count == 0, 1))
		return SZ_R_OK;
	return sz_hooks_check_slow(h, t, debit, credit);
}

static inline void sz_hooks_observe(const struct sz_hooks *h, const sz_transfer *t, const sz_account *debit,
				    const sz_account *credit)
{
	if (__builtin_expect(h->count != 0, 0))
		sz_hooks_observe_slow(h, t, debit, credit);
}

#endif
