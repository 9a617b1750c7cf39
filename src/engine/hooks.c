/*
 * hooks.c — registering transfer hooks and running them in order (the
 * contract is in hooks.h; the fast path with no hook is inline there).
 */
#include "engine/hooks.h"
#include "core/assert.h"
#include "core/errors.h"

#include <string.h>

int sz_hooks_add(struct sz_hooks *h, const struct sz_hook *hook)
{
	SZ_ASSERT(h != NULL && hook != NULL);
	SZ_ASSERT(hook->check != NULL || hook->observe != NULL);
	if (h->count >= SZ_HOOK_COUNT_MAX)
		return SZ_ELIMIT;
	h->prefetch[h->count] = NULL;
	h->list[h->count++] = *hook;
	SZ_ASSERT(h->count <= SZ_HOOK_COUNT_MAX);
	return 0;
}

uint32_t sz_hooks_check_slow(const struct sz_hooks *h, const sz_transfer *t, const sz_account *debit,
			     const sz_account *credit)
{
	SZ_ASSERT(h->count <= SZ_HOOK_COUNT_MAX);
	SZ_ASSERT(t != NULL && debit != NULL && credit != NULL);
	SZ_ASSERT(h->ctx != NULL);
	for (uint32_t i = 0; i < h->count; i++) {
		if (h->list[i].check == NULL)
			continue;
		uint32_t r = h->list[i].check(h->list[i].state, h->ctx, t, debit, credit);
		if (r != SZ_R_OK)
			return r;
	}
	return SZ_R_OK;
}

void sz_hooks_observe_slow(const struct sz_hooks *h, const sz_transfer *t, const sz_account *debit,
			   const sz_account *credit)
{
	SZ_ASSERT(h->count <= SZ_HOOK_COUNT_MAX);
	SZ_ASSERT(t != NULL && debit != NULL && credit != NULL);
	SZ_ASSERT(h->ctx != NULL); /* set by the engine for every command and batch_begin */
	for (uint32_t i = 0; i < h->count; i++)
		if (h->list[i].observe != NULL)
			h->list[i].observe(h->list[i].state, h->ctx, t, debit, credit);
}

int sz_hooks_set_prefetch(struct sz_hooks *h, const char *name, sz_hook_prefetch_fn fn)
{
	SZ_ASSERT(h != NULL && name != NULL);
	SZ_ASSERT(h->count <= SZ_HOOK_COUNT_MAX);
	for (uint32_t i = 0; i < h->count; i++)
		if (strcmp(h->list[i].name, name) == 0) {
			h->prefetch[i] = fn;
			return 0;
		}
	return SZ_ENOTFOUND;
}

void sz_hooks_prefetch_slow(const struct sz_hooks *h, const sz_transfer *t, int stage)
{
	SZ_ASSERT(h->count <= SZ_HOOK_COUNT_MAX);
	SZ_ASSERT(t != NULL && (stage == 1 || stage == 2));
	for (uint32_t i = 0; i < h->count; i++)
		if (h->prefetch[i] != NULL)
			h->prefetch[i](h->list[i].state, t, stage);
}
