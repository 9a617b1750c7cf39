/*
 * query.c — the read-only queries of the green domain (contract: domain.h):
 * the loaded environment (factor sets, regions, taxonomy), the active sets,
 * stored accounts and their restatements, certificate claims, pricing
 * policies, loans, tags, PCAF positions and CERF assessments, and the sum of
 * a bank's book. The HTTP adapter (http*.c) reads state only through these;
 * apply.c and state.c use them too. Nothing here changes state.
 */
#include "green/internal.h"

#include "core/assert.h"
#include "core/errors.h"

#include <stdlib.h>
#include <string.h>

const struct green_domain_state *green_state_get(const struct sz_state *s)
{
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kind_base == SZ_CMD_GREEN_BASE)
			return s->domains[i].state;
	return NULL;
}

uint32_t green_loaded_set_count(const struct green_domain_state *g) { return g->set_count; }

const green_factor_set *green_loaded_set_at(const struct green_domain_state *g, uint32_t index)
{
	SZ_ASSERT(index < g->set_count);
	return g->sets[index];
}

const green_factor_set *green_loaded_set_find(const struct green_domain_state *g, const char *version)
{
	for (uint32_t i = 0; i < g->set_count; i++)
		if (strcmp(g->sets[i]->version, version) == 0)
			return g->sets[i];
	return NULL;
}

const green_region_map *green_regions(const struct green_domain_state *g) { return &g->regions; }
const green_taxonomy *green_taxonomy_get(const struct green_domain_state *g) { return &g->taxonomy; }
uint32_t green_active_count(const struct green_domain_state *g) { return g->active_count; }

const struct green_active_set *green_active_at(const struct green_domain_state *g, uint32_t index)
{
	SZ_ASSERT(index < g->active_count);
	return &g->active[index];
}

const struct green_active_set *green_active_find(const struct green_domain_state *g, const char *version)
{
	for (uint32_t i = 0; i < g->active_count; i++)
		if (strcmp(g->active[i].version, version) == 0)
			return &g->active[i];
	return NULL;
}

const green_account_result *green_account_find(const struct green_domain_state *g, sz_id enterprise_id,
                                               int32_t period_year, const green_account **account,
                                               const struct green_account_meta **meta)
{
	const green_account *stored = NULL;
	const green_account_result *r = green_account_store_get(&g->store, enterprise_id, period_year, &stored);
	if (r == NULL)
		return NULL;
	uint32_t index = (uint32_t)(stored - g->store.accounts);
	SZ_ASSERT(index < g->store.count);
	if (account)
		*account = stored;
	if (meta)
		*meta = &g->meta[index];
	return r;
}

const green_restatement *green_restatement_next(const struct green_domain_state *g, sz_id enterprise_id,
                                                int32_t period_year, uint32_t *cursor)
{
	for (uint32_t i = *cursor; i < g->store.restatement_count; i++) {
		const green_restatement *rs = &g->store.restatements[i];
		if (sz_id_eq(rs->before.enterprise_id, enterprise_id) && rs->before.period_year == period_year) {
			*cursor = i + 1;
			return rs;
		}
	}
	*cursor = g->store.restatement_count;
	return NULL;
}

const green_cert_claim *green_cert_find(const struct green_domain_state *g, const char *serial)
{
	return green_cert_registry_find(&g->certs, serial);
}

const struct green_bank_policy *green_policy_find(const struct green_domain_state *g, uint64_t bank_tenant_id)
{
	for (uint32_t i = 0; i < g->policy_count; i++)
		if (g->policies[i].bank_tenant_id == bank_tenant_id)
			return &g->policies[i];
	return NULL;
}

const struct green_loan *green_loan_find(const struct green_domain_state *g, sz_id loan_id)
{
	int64_t i = ledger_index_find(&g->loan_index, g->loans, green_loan_key, loan_id);
	return i < 0 ? NULL : &g->loans[i];
}

const struct green_tag_record *green_tag_find(const struct green_domain_state *g, sz_id instrument_id)
{
	int64_t i = ledger_index_find(&g->tag_index, g->tags, green_tag_key, instrument_id);
	return i < 0 ? NULL : &g->tags[i];
}

const struct green_position_record *green_position_find(const struct green_domain_state *g, sz_id loan_id)
{
	int64_t i = ledger_index_find(&g->position_index, g->positions, green_position_key, loan_id);
	return i < 0 ? NULL : &g->positions[i];
}

const struct green_cerf_record *green_cerf_find(const struct green_domain_state *g, sz_id loan_id)
{
	int64_t i = ledger_index_find(&g->cerf_index, g->cerfs, green_cerf_key, loan_id);
	return i < 0 ? NULL : &g->cerfs[i];
}

uint32_t green_position_count(const struct green_domain_state *g) { return g->position_count; }

const struct green_position_record *green_position_at(const struct green_domain_state *g, uint32_t index)
{
	SZ_ASSERT(index < g->position_count);
	return &g->positions[index];
}

int green_book_compute(const struct green_domain_state *g, uint64_t bank_tenant_id, green_pcaf_book *out)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < g->position_count; i++)
		n += g->positions[i].bank_tenant_id == bank_tenant_id;
	green_pcaf_position *p = calloc(n ? n : 1, sizeof *p);
	if (p == NULL)
		return SZ_ENOMEM;
	uint32_t k = 0;
	for (uint32_t i = 0; i < g->position_count; i++)
		if (g->positions[i].bank_tenant_id == bank_tenant_id)
			p[k++] = g->positions[i].position;
	SZ_ASSERT(k == n);
	int rc = green_pcaf_book_compute(p, n, out);
	free(p);
	return rc;
}
