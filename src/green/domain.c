/*
 * domain.c — the green domain in the engine: loading the environment
 * (factor sets, regions, taxonomy) at start, decoding, validating and
 * applying the nine green commands, the queries routes.c uses, and the
 * snapshot, digest and invariants of the green state (contract: domain.h).
 *
 * Over 600 lines for one reason: every command's validate-then-mutate path
 * and its place in the snapshot stream sit next to each other, so a new
 * field cannot be applied without being snapshotted and digested.
 *
 * Snapshot section (after the sections of earlier domains), little-endian:
 *   u64[10] counts: active, accounts, restatements, policies, loans, tags,
 *           positions, cerfs, ops, magic "GREENv01"
 *   active[active]                              struct green_active_set
 *   per account i: green_account, green_account_result, green_account_meta
 *   restatements[restatements]                  green_restatement
 *   policies, loans, tags, positions, cerfs, ops (their structs, in order)
 * The reader rebuilds every index (store slots, certificate claims in
 * account order, id indexes), so the layout of hash tables never matters;
 * the digest hashes the same stream.
 */
#include "green/domain.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/results.h"
#include "core/vm.h"
#include "ledger/ledger.h"
#include "log/snapshot.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static const struct sz_result_info green_results[] = {
#define GREEN_RESULT_INFO(n, name, code, text) { n, code, text },
	GREEN_RESULT_LIST(GREEN_RESULT_INFO)
#undef GREEN_RESULT_INFO
};

/* ---- index keys ------------------------------------------------------------------- */

static sz_id loan_key(const void *base, uint32_t i) { return ((const struct green_loan *)base)[i].terms.loan_id; }
static sz_id tag_key(const void *base, uint32_t i) { return ((const struct green_tag_record *)base)[i].tag.instrument_id; }
static sz_id position_key(const void *base, uint32_t i)
{
	return ((const struct green_position_record *)base)[i].position.loan_id;
}
static sz_id cerf_key(const void *base, uint32_t i) { return ((const struct green_cerf_record *)base)[i].loan.loan_id; }
static sz_id op_key(const void *base, uint32_t i) { return ((const struct green_op *)base)[i].id; }

/* ---- small checks ------------------------------------------------------------------ */

static bool all_zero(const void *data, size_t size)
{
	const uint8_t *p = data;
	for (size_t i = 0; i < size; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* A NUL-terminated text field of size bytes whose bytes after the NUL are
 * zero (one encoding per value). */
static bool text_field_ok(const char *text, size_t size)
{
	size_t n = strnlen(text, size);
	return n < size && all_zero(text + n, size - n);
}

static uint32_t map_compute_error(int rc)
{
	SZ_ASSERT(rc != 0);
	if (rc == SZ_ENOTFOUND)
		return GREEN_R_FACTOR_MISSING;
	if (rc == SZ_ELIMIT)
		return GREEN_R_ARITHMETIC_LIMIT;
	return GREEN_R_ACCOUNT_INVALID;
}

/* ---- queries -------------------------------------------------------------------- */

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
	int64_t i = ledger_index_find(&g->loan_index, g->loans, loan_key, loan_id);
	return i < 0 ? NULL : &g->loans[i];
}

const struct green_tag_record *green_tag_find(const struct green_domain_state *g, sz_id instrument_id)
{
	int64_t i = ledger_index_find(&g->tag_index, g->tags, tag_key, instrument_id);
	return i < 0 ? NULL : &g->tags[i];
}

const struct green_position_record *green_position_find(const struct green_domain_state *g, sz_id loan_id)
{
	int64_t i = ledger_index_find(&g->position_index, g->positions, position_key, loan_id);
	return i < 0 ? NULL : &g->positions[i];
}

const struct green_cerf_record *green_cerf_find(const struct green_domain_state *g, sz_id loan_id)
{
	int64_t i = ledger_index_find(&g->cerf_index, g->cerfs, cerf_key, loan_id);
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

/* ---- factor-set resolution ----------------------------------------------------- */

/* The active, loaded set a command names (version "" = newest active; digest
 * 0 = the set's own). SZ_R_OK and *out, or a result code. */
static uint32_t resolve_set(const struct green_domain_state *g, const char version[GREEN_VERSION_SIZE],
                            uint64_t digest, bool allow_default, const green_factor_set **out)
{
	if (!text_field_ok(version, GREEN_VERSION_SIZE))
		return SZ_R_RESERVED_NONZERO;
	const struct green_active_set *a = NULL;
	if (version[0] == '\0') {
		if (!allow_default || g->active_count == 0)
			return GREEN_R_FACTOR_SET_NOT_ACTIVE;
		a = &g->active[g->active_count - 1];
	} else {
		a = green_active_find(g, version);
		if (a == NULL)
			return green_loaded_set_find(g, version) ? GREEN_R_FACTOR_SET_NOT_ACTIVE
								 : GREEN_R_FACTOR_SET_NOT_LOADED;
	}
	if (digest != 0 && digest != a->digest)
		return GREEN_R_FACTOR_DIGEST_MISMATCH;
	const green_factor_set *set = green_loaded_set_find(g, a->version);
	/* Active implies loaded: activation checks it, and a snapshot naming a
	 * set that is not loaded is refused at start. */
	SZ_ASSERT(set != NULL);
	SZ_ASSERT(set->digest == a->digest);
	*out = set;
	return SZ_R_OK;
}

/* ---- commands ---------------------------------------------------------------------- */

static uint32_t apply_activate(struct green_domain_state *g, const struct sz_apply_ctx *ctx,
                               const struct green_activate_cmd *c)
{
	if (c->reserved != 0 || !text_field_ok(c->version, sizeof c->version))
		return SZ_R_RESERVED_NONZERO;
	const green_factor_set *set = green_loaded_set_find(g, c->version);
	if (c->version[0] == '\0' || set == NULL)
		return GREEN_R_FACTOR_SET_NOT_LOADED;
	if (set->digest != c->digest)
		return GREEN_R_FACTOR_DIGEST_MISMATCH;
	if (green_active_find(g, c->version) != NULL)
		return GREEN_R_FACTOR_SET_ALREADY_ACTIVE;
	SZ_ASSERT(g->active_count < GREEN_DOMAIN_FACTOR_SET_COUNT_MAX); /* active sets are distinct loaded sets */
	struct green_active_set *a = &g->active[g->active_count++];
	memset(a, 0, sizeof *a);
	memcpy(a->version, c->version, sizeof a->version);
	a->digest = c->digest;
	a->activated_ns = ctx->timestamp_ns;
	a->command_id = c->id;
	return SZ_R_OK;
}

static uint32_t apply_account(struct green_domain_state *g, const struct sz_apply_ctx *ctx,
                              const struct green_account_cmd *c)
{
	if (c->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	uint32_t evidence = c->evidence ? c->evidence : GREEN_DQ_PRIMARY_ENERGY;
	uint32_t dq = 0;
	if (green_data_quality_score(evidence, &dq) != SZ_OK)
		return GREEN_R_EVIDENCE_INVALID;
	const green_factor_set *set = NULL;
	uint32_t r = resolve_set(g, c->factor_version, c->factor_digest, true, &set);
	if (r != SZ_R_OK)
		return r;
	const green_account *a = &c->account;
	if (green_account_validate(a) != SZ_OK)
		return GREEN_R_ACCOUNT_INVALID;
	if (green_account_store_get(&g->store, a->enterprise_id, a->period_year, NULL) != NULL)
		return GREEN_R_ACCOUNT_PERIOD_EXISTS;
	if (g->store.count == g->store.capacity)
		return SZ_R_LIMIT_REACHED;
	green_account_result result;
	int rc = green_account_compute(a, set, &g->regions, &result);
	if (rc != SZ_OK)
		return map_compute_error(rc);
	green_grade grade;
	memset(&grade, 0, sizeof grade);
	if (c->industry_intensity_g_per_10k_yuan < 0)
		return GREEN_R_GRADE_INVALID;
	if (c->industry_intensity_g_per_10k_yuan > 0) {
		if (a->value_added_fen <= 0)
			return GREEN_R_GRADE_INVALID;
		rc = green_grade_compute(result.summary.total_g, a->value_added_fen,
					 c->industry_intensity_g_per_10k_yuan, &grade);
		if (rc != SZ_OK)
			return rc == SZ_ELIMIT ? GREEN_R_ARITHMETIC_LIMIT : GREEN_R_GRADE_INVALID;
	}
	for (uint32_t i = 0; i < a->cert_count; i++)
		if (green_cert_registry_find(&g->certs, a->certs[i].serial) != NULL)
			return GREEN_R_CERT_ALREADY_CLAIMED;
	if (g->certs.capacity - g->certs.count < a->cert_count)
		return SZ_R_LIMIT_REACHED;

	/* Every check passed: claim, store, describe. */
	rc = green_cert_registry_claim_account(&g->certs, a, NULL);
	SZ_ASSERT(rc == SZ_OK);
	uint32_t index = g->store.count;
	rc = green_account_store_put(&g->store, a, &result);
	SZ_ASSERT(rc == SZ_OK);
	SZ_ASSERT(g->store.count == index + 1);
	struct green_account_meta *m = &g->meta[index];
	memset(m, 0, sizeof *m);
	m->command_id = c->id;
	m->submitted_ns = ctx->timestamp_ns;
	m->industry_intensity_g_per_10k_yuan = c->industry_intensity_g_per_10k_yuan;
	m->evidence = evidence;
	m->data_quality = dq;
	m->grade = grade;
	m->flags = c->industry_intensity_g_per_10k_yuan > 0 ? GREEN_META_HAS_GRADE : 0;
	return SZ_R_OK;
}

static uint32_t apply_restate(struct green_domain_state *g, const struct green_restate_cmd *c)
{
	if (c->reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if (c->factor_version[0] == '\0')
		return GREEN_R_FACTOR_SET_NOT_ACTIVE;
	const green_factor_set *set = NULL;
	uint32_t r = resolve_set(g, c->factor_version, c->factor_digest, false, &set);
	if (r != SZ_R_OK)
		return r;
	const green_account_result *stored = green_account_store_get(&g->store, c->enterprise_id, c->period_year, NULL);
	if (stored == NULL)
		return GREEN_R_ACCOUNT_NOT_FOUND;
	if (strcmp(stored->factor_version, set->version) == 0 && stored->factor_digest == set->digest)
		return GREEN_R_RESTATE_SAME_SET;
	if (g->store.restatement_count == g->store.restatement_capacity)
		return SZ_R_LIMIT_REACHED;
	green_restatement rs;
	int rc = green_account_store_restate(&g->store, c->enterprise_id, c->period_year, set, &g->regions, &rs);
	if (rc != SZ_OK) /* nothing was recorded */
		return rc == SZ_EINVAL ? GREEN_R_RESTATE_SAME_SET : map_compute_error(rc);
	return SZ_R_OK;
}

static uint32_t apply_policy(struct green_domain_state *g, const struct sz_apply_ctx *ctx,
                             const struct green_policy_cmd *c)
{
	if (c->reserved != 0 || c->policy.reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if (c->bank_tenant_id == 0)
		return GREEN_R_TENANT_INVALID;
	if (green_pricing_policy_validate(&c->policy) != SZ_OK)
		return GREEN_R_POLICY_INVALID;
	struct green_bank_policy *p = (struct green_bank_policy *)green_policy_find(g, c->bank_tenant_id);
	if (p == NULL) {
		if (g->policy_count == GREEN_DOMAIN_BANK_COUNT_MAX)
			return SZ_R_LIMIT_REACHED;
		p = &g->policies[g->policy_count++];
		memset(p, 0, sizeof *p);
		p->bank_tenant_id = c->bank_tenant_id;
	}
	p->version++;
	p->set_ns = ctx->timestamp_ns;
	p->command_id = c->id;
	p->policy = c->policy;
	return SZ_R_OK;
}

static uint32_t apply_price(struct green_domain_state *g, const struct sz_apply_ctx *ctx,
                            const struct green_price_cmd *c)
{
	if (c->flags & ~(uint32_t)GREEN_PRICE_SCORE_FROM_ESG)
		return SZ_R_FLAGS_INVALID;
	if (c->bank_tenant_id == 0)
		return GREEN_R_TENANT_INVALID;
	if (sz_id_is_zero(c->loan_id))
		return GREEN_R_PRICING_INPUT_INVALID;
	if (green_loan_find(g, c->loan_id) != NULL)
		return GREEN_R_LOAN_ALREADY_PRICED;
	const struct green_account_meta *meta = NULL;
	const green_account_result *account = green_account_find(g, c->enterprise_id, c->period_year, NULL, &meta);
	if (account == NULL)
		return GREEN_R_ACCOUNT_NOT_FOUND;
	int32_t score = c->score;
	if (c->flags & GREEN_PRICE_SCORE_FROM_ESG) {
		if (c->score != 0)
			return GREEN_R_PRICING_INPUT_INVALID;
		if (!(meta->flags & GREEN_META_HAS_ESG))
			return GREEN_R_ESG_NOT_FOUND;
		score = (int32_t)((meta->esg.score_centi + 50u) / 100u); /* points, half up */
	}
	uint32_t dq = c->data_quality ? c->data_quality : meta->data_quality;
	green_pricing_policy policy;
	const struct green_bank_policy *bank = green_policy_find(g, c->bank_tenant_id);
	if (bank != NULL)
		policy = bank->policy;
	else
		green_pricing_policy_default(&policy);
	green_loan_terms terms;
	if (green_pricing_price(&policy, c->loan_id, c->base_rate_bp4, score, dq, account->factor_version,
				account->factor_digest, &terms) != SZ_OK)
		return GREEN_R_PRICING_INPUT_INVALID;
	if (g->loan_count == GREEN_DOMAIN_LOAN_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct green_loan *l = &g->loans[g->loan_count];
	memset(l, 0, sizeof *l);
	l->terms = terms;
	l->enterprise_id = c->enterprise_id;
	l->bank_tenant_id = c->bank_tenant_id;
	l->priced_ns = ctx->timestamp_ns;
	l->period_year = c->period_year;
	l->policy_version = bank ? bank->version : 0;
	l->flags = c->flags;
	l->command_id = c->id;
	int rc = ledger_index_insert(&g->loan_index, g->loans, loan_key, c->loan_id, g->loan_count);
	SZ_ASSERT(rc == 0);
	g->loan_count++;
	return SZ_R_OK;
}

static uint32_t apply_tag(struct green_domain_state *g, const struct sz_apply_ctx *ctx, const struct green_tag_cmd *c)
{
	if (c->reserved != 0 || !text_field_ok(c->code, sizeof c->code))
		return SZ_R_RESERVED_NONZERO;
	if (c->bank_tenant_id == 0)
		return GREEN_R_TENANT_INVALID;
	if (!sz_id_is_zero(c->instrument_id) && green_tag_find(g, c->instrument_id) != NULL)
		return GREEN_R_TAG_EXISTS;
	green_taxonomy_tag tag;
	int rc = green_taxonomy_tag_make(&g->taxonomy, c->instrument_kind, c->instrument_id, c->edition, c->code, &tag);
	if (rc == SZ_ENOTFOUND)
		return GREEN_R_TAXONOMY_CODE_UNKNOWN;
	if (rc != SZ_OK)
		return GREEN_R_TAXONOMY_CODE_INVALID;
	if (g->tag_count == GREEN_DOMAIN_TAG_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct green_tag_record *t = &g->tags[g->tag_count];
	memset(t, 0, sizeof *t);
	t->tag = tag;
	t->bank_tenant_id = c->bank_tenant_id;
	t->tagged_ns = ctx->timestamp_ns;
	rc = ledger_index_insert(&g->tag_index, g->tags, tag_key, tag.instrument_id, g->tag_count);
	SZ_ASSERT(rc == 0);
	g->tag_count++;
	return SZ_R_OK;
}

static uint32_t apply_position(struct green_domain_state *g, const struct sz_apply_ctx *ctx,
                               const struct green_position_cmd *c)
{
	if (c->reserved != 0 || c->reserved2 != 0 || c->position.reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if (c->bank_tenant_id == 0)
		return GREEN_R_TENANT_INVALID;
	if (sz_id_is_zero(c->position.loan_id))
		return GREEN_R_POSITION_INVALID;
	if (green_position_find(g, c->position.loan_id) != NULL)
		return GREEN_R_POSITION_EXISTS;
	green_pcaf_position p = c->position;
	uint32_t flags = 0;
	if (!sz_id_is_zero(c->enterprise_id)) {
		const struct green_account_meta *meta = NULL;
		const green_account_result *a = green_account_find(g, c->enterprise_id, c->period_year, NULL, &meta);
		if (a == NULL)
			return GREEN_R_ACCOUNT_NOT_FOUND;
		if (p.emissions_g == 0) {
			p.emissions_g = a->summary.total_g;
			flags |= GREEN_POSITION_FROM_ACCOUNT;
		}
		if (p.data_quality == 0) {
			p.data_quality = meta->data_quality;
			flags |= GREEN_POSITION_DQ_FROM_ACCOUNT;
		}
	} else if (c->period_year != 0) {
		return GREEN_R_POSITION_INVALID;
	}
	green_pcaf_result result;
	if (green_pcaf_attribute(&p, &result) != SZ_OK)
		return GREEN_R_POSITION_INVALID;
	if (g->position_count == GREEN_DOMAIN_POSITION_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct green_position_record *r = &g->positions[g->position_count];
	memset(r, 0, sizeof *r);
	r->position = p;
	r->result = result;
	r->enterprise_id = c->enterprise_id;
	r->bank_tenant_id = c->bank_tenant_id;
	r->registered_ns = ctx->timestamp_ns;
	r->period_year = c->period_year;
	r->flags = flags;
	int rc = ledger_index_insert(&g->position_index, g->positions, position_key, p.loan_id, g->position_count);
	SZ_ASSERT(rc == 0);
	g->position_count++;
	return SZ_R_OK;
}

static uint32_t apply_cerf(struct green_domain_state *g, const struct sz_apply_ctx *ctx, const struct green_cerf_cmd *c)
{
	if (c->reserved != 0 || c->policy.reserved != 0)
		return SZ_R_RESERVED_NONZERO;
	if (c->bank_tenant_id == 0)
		return GREEN_R_TENANT_INVALID;
	if (sz_id_is_zero(c->loan.loan_id))
		return GREEN_R_CERF_INVALID;
	if (green_cerf_find(g, c->loan.loan_id) != NULL)
		return GREEN_R_CERF_EXISTS;
	green_cerf_policy policy = c->policy;
	if (all_zero(&policy, sizeof policy))
		green_cerf_policy_default(&policy);
	green_cerf_result result;
	if (green_cerf_assess(&policy, &c->loan, &result) != SZ_OK)
		return GREEN_R_CERF_INVALID;
	if (g->cerf_count == GREEN_DOMAIN_CERF_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct green_cerf_record *r = &g->cerfs[g->cerf_count];
	memset(r, 0, sizeof *r);
	r->loan = c->loan;
	r->policy = policy;
	r->result = result;
	r->bank_tenant_id = c->bank_tenant_id;
	r->assessed_ns = ctx->timestamp_ns;
	int rc = ledger_index_insert(&g->cerf_index, g->cerfs, cerf_key, c->loan.loan_id, g->cerf_count);
	SZ_ASSERT(rc == 0);
	g->cerf_count++;
	return SZ_R_OK;
}

static uint32_t apply_esg(struct green_domain_state *g, const struct sz_apply_ctx *ctx, const struct green_esg_cmd *c)
{
	const struct green_account_meta *found = NULL;
	if (green_account_find(g, c->enterprise_id, c->period_year, NULL, &found) == NULL)
		return GREEN_R_ACCOUNT_NOT_FOUND;
	if (found->flags & GREEN_META_HAS_ESG)
		return GREEN_R_ESG_EXISTS;
	if (c->peer_count == 0 || c->peer_count > GREEN_ESG_COMMAND_PEER_COUNT_MAX || c->subject >= c->peer_count)
		return GREEN_R_ESG_INVALID;
	const size_t used = (size_t)c->peer_count * GREEN_ESG_COMMAND_INDICATOR_COUNT;
	if (!all_zero(c->values + used, sizeof c->values - used * sizeof c->values[0]))
		return SZ_R_RESERVED_NONZERO;
	green_esg_method method;
	green_esg_method_default(&method);
	SZ_ASSERT(method.indicator_count == GREEN_ESG_COMMAND_INDICATOR_COUNT);
	green_esg_result result;
	if (green_esg_score(&method, c->values, c->peer_count, c->subject, c->controversies, &result) != SZ_OK)
		return GREEN_R_ESG_INVALID;
	struct green_account_meta *m = (struct green_account_meta *)found;
	m->flags |= GREEN_META_HAS_ESG;
	m->esg = result;
	m->esg_ns = ctx->timestamp_ns;
	m->esg_peer_count = c->peer_count;
	m->esg_subject = c->subject;
	memcpy(m->esg_controversies, c->controversies, sizeof m->esg_controversies);
	return SZ_R_OK;
}

/* The body size of each kind (0 = not a green kind). */
static size_t body_size_of(uint16_t kind)
{
	switch (kind) {
	case GREEN_CMD_FACTOR_ACTIVATE: return sizeof(struct green_activate_cmd);
	case GREEN_CMD_ACCOUNT_SUBMIT: return sizeof(struct green_account_cmd);
	case GREEN_CMD_RESTATE: return sizeof(struct green_restate_cmd);
	case GREEN_CMD_PRICING_POLICY: return sizeof(struct green_policy_cmd);
	case GREEN_CMD_LOAN_PRICE: return sizeof(struct green_price_cmd);
	case GREEN_CMD_TAG: return sizeof(struct green_tag_cmd);
	case GREEN_CMD_POSITION: return sizeof(struct green_position_cmd);
	case GREEN_CMD_CERF: return sizeof(struct green_cerf_cmd);
	case GREEN_CMD_ESG: return sizeof(struct green_esg_cmd);
	}
	return 0;
}

/* The largest body, aligned: commands are copied here before decoding. */
union green_body {
	struct green_activate_cmd activate;
	struct green_account_cmd account;
	struct green_restate_cmd restate;
	struct green_policy_cmd policy;
	struct green_price_cmd price;
	struct green_tag_cmd tag;
	struct green_position_cmd position;
	struct green_cerf_cmd cerf;
	struct green_esg_cmd esg;
	sz_id id;
};

static uint32_t green_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
                            const sz_command_header *cmd)
{
	(void)s;
	struct green_domain_state *g = domain_state;
	size_t size = body_size_of(cmd->kind);
	if (size == 0 || cmd->size != sizeof *cmd + size || cmd->reserved != 0)
		return SZ_R_COMMAND_INVALID;
	static _Thread_local union green_body body;
	memcpy(&body, cmd + 1, size);
	if (sz_id_is_zero(body.id))
		return SZ_R_ID_ZERO;
	uint64_t fingerprint = sz_fingerprint64(&body, size);
	int64_t seen = ledger_index_find(&g->op_index, g->ops, op_key, body.id);
	if (seen >= 0) {
		const struct green_op *op = &g->ops[seen];
		return op->kind == cmd->kind && op->fingerprint == fingerprint ? SZ_R_EXISTS
									     : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	}
	if (g->op_count == GREEN_DOMAIN_OP_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	uint32_t r = SZ_R_COMMAND_INVALID;
	switch (cmd->kind) {
	case GREEN_CMD_FACTOR_ACTIVATE: r = apply_activate(g, ctx, &body.activate); break;
	case GREEN_CMD_ACCOUNT_SUBMIT: r = apply_account(g, ctx, &body.account); break;
	case GREEN_CMD_RESTATE: r = apply_restate(g, &body.restate); break;
	case GREEN_CMD_PRICING_POLICY: r = apply_policy(g, ctx, &body.policy); break;
	case GREEN_CMD_LOAN_PRICE: r = apply_price(g, ctx, &body.price); break;
	case GREEN_CMD_TAG: r = apply_tag(g, ctx, &body.tag); break;
	case GREEN_CMD_POSITION: r = apply_position(g, ctx, &body.position); break;
	case GREEN_CMD_CERF: r = apply_cerf(g, ctx, &body.cerf); break;
	case GREEN_CMD_ESG: r = apply_esg(g, ctx, &body.esg); break;
	default: SZ_UNREACHABLE();
	}
	if (r != SZ_R_OK)
		return r;
	struct green_op *op = &g->ops[g->op_count];
	*op = (struct green_op){ .id = body.id, .fingerprint = fingerprint, .kind = cmd->kind };
	int rc = ledger_index_insert(&g->op_index, g->ops, op_key, body.id, g->op_count);
	SZ_ASSERT(rc == 0);
	g->op_count++;
	return SZ_R_OK;
}

/* ---- snapshot and digest ------------------------------------------------------- */

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

static int green_snapshot_write(const void *domain_state, struct sz_snap *f)
{
	return emit_state(domain_state, emit_snap, f);
}

static void green_digest(const void *domain_state, void *blake2b_state)
{
	crypto_generichash_update(blake2b_state, (const unsigned char *)"green", 5);
	int rc = emit_state(domain_state, emit_hash, blake2b_state);
	SZ_ASSERT(rc == 0);
}

static int green_snapshot_read(void *domain_state, struct sz_snap *f)
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
	for (uint32_t i = 0; i < g->loan_count && rc == 0; i++)
		rc = ledger_index_insert(&g->loan_index, g->loans, loan_key, loan_key(g->loans, i), i);
	for (uint32_t i = 0; i < g->tag_count && rc == 0; i++)
		rc = ledger_index_insert(&g->tag_index, g->tags, tag_key, tag_key(g->tags, i), i);
	for (uint32_t i = 0; i < g->position_count && rc == 0; i++)
		rc = ledger_index_insert(&g->position_index, g->positions, position_key, position_key(g->positions, i), i);
	for (uint32_t i = 0; i < g->cerf_count && rc == 0; i++)
		rc = ledger_index_insert(&g->cerf_index, g->cerfs, cerf_key, cerf_key(g->cerfs, i), i);
	for (uint32_t i = 0; i < g->op_count && rc == 0; i++)
		rc = ledger_index_insert(&g->op_index, g->ops, op_key, op_key(g->ops, i), i);
	return rc;
}

/* Certificates claimed equal the certificate lines of stored accounts; every
 * active set is loaded with its digest; one meta record per account. */
static int green_check_invariants(const struct sz_state *s, const void *domain_state, char *why, size_t why_size)
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

/* ---- environment ------------------------------------------------------------------ */

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *green_domain_data_dir(char *buf, size_t size)
{
	const char *env = getenv("SZFIN_GREEN_DIR");
	if (env && env[0]) {
		snprintf(buf, size, "%s", env);
		return is_dir(buf) ? buf : NULL;
	}
	const char *root = getenv("SZFIN_ROOT");
	if (root && root[0]) {
		snprintf(buf, size, "%s/share/green", root);
		if (is_dir(buf))
			return buf;
	}
	snprintf(buf, size, "share/green");
	if (is_dir(buf))
		return buf;
	snprintf(buf, size, "/usr/share/szfin/green");
	return is_dir(buf) ? buf : NULL;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int set_cmp(const void *a, const void *b)
{
	return strcmp((*(const green_factor_set *const *)a)->version, (*(const green_factor_set *const *)b)->version);
}

static int report(const green_parse_error *err, int rc)
{
	fprintf(stderr, "green: %s:%u: %s\n", err->file, err->line, err->message);
	return rc;
}

/* Loads every factors/<name>.csv of dir (sorted by name), then sorts the
 * sets by version; two files of one version are an error. */
static int load_factor_sets(struct green_domain_state *g, const char *dir)
{
	char path[512];
	snprintf(path, sizeof path, "%s/factors", dir);
	DIR *d = opendir(path);
	if (d == NULL)
		return 0;
	char *names[GREEN_DOMAIN_FACTOR_SET_COUNT_MAX + 1] = { 0 };
	uint32_t count = 0;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0 || e->d_name[0] == '.')
			continue;
		if (count == GREEN_DOMAIN_FACTOR_SET_COUNT_MAX) {
			fprintf(stderr, "green: more than %u factor sets in %s\n", GREEN_DOMAIN_FACTOR_SET_COUNT_MAX, path);
			rc = SZ_ELIMIT;
			break;
		}
		names[count] = strdup(e->d_name);
		if (names[count] == NULL) {
			rc = SZ_ENOMEM;
			break;
		}
		count++;
	}
	closedir(d);
	qsort(names, count, sizeof names[0], name_cmp);
	for (uint32_t i = 0; i < count && rc == 0; i++) {
		char file[768];
		snprintf(file, sizeof file, "%s/%s", path, names[i]);
		green_factor_set *set = green_factor_set_new();
		if (set == NULL) {
			rc = SZ_ENOMEM;
			break;
		}
		green_parse_error err;
		int lrc = green_factor_set_load(set, file, &err);
		if (lrc != 0) {
			free(set);
			rc = report(&err, lrc);
			break;
		}
		if (green_loaded_set_find(g, set->version) != NULL) {
			fprintf(stderr, "green: %s: version %s is loaded from another file already\n", file, set->version);
			free(set);
			rc = SZ_EINVAL;
			break;
		}
		g->sets[g->set_count++] = set;
	}
	for (uint32_t i = 0; i < count; i++)
		free(names[i]);
	qsort(g->sets, g->set_count, sizeof g->sets[0], set_cmp);
	return rc;
}

static int load_environment(struct green_domain_state *g)
{
	char dir[400];
	if (green_domain_data_dir(dir, sizeof dir) == NULL)
		return 0; /* no data: the domain runs, every computation is refused */
	char path[512];
	green_parse_error err;
	snprintf(path, sizeof path, "%s/regions.csv", dir);
	int rc = green_region_map_load(&g->regions, path, &err);
	if (rc)
		return report(&err, rc);
	snprintf(path, sizeof path, "%s/taxonomy", dir);
	if (is_dir(path) && (rc = green_taxonomy_load(&g->taxonomy, path, &err)))
		return report(&err, rc);
	return load_factor_sets(g, dir);
}

/* ---- lifecycle -------------------------------------------------------------------- */

#define VM_SIZE(type, count) ((size_t)(count) * sizeof(type))

static void green_release(void *domain_state)
{
	struct green_domain_state *g = domain_state;
	if (g == NULL)
		return;
	for (uint32_t i = 0; i < g->set_count; i++)
		free(g->sets[i]);
	green_account_store_release(&g->store);
	green_cert_registry_release(&g->certs);
	sz_vm_release(g->meta, VM_SIZE(struct green_account_meta, GREEN_DOMAIN_ACCOUNT_COUNT_MAX));
	sz_vm_release(g->loans, VM_SIZE(struct green_loan, GREEN_DOMAIN_LOAN_COUNT_MAX));
	sz_vm_release(g->tags, VM_SIZE(struct green_tag_record, GREEN_DOMAIN_TAG_COUNT_MAX));
	sz_vm_release(g->positions, VM_SIZE(struct green_position_record, GREEN_DOMAIN_POSITION_COUNT_MAX));
	sz_vm_release(g->cerfs, VM_SIZE(struct green_cerf_record, GREEN_DOMAIN_CERF_COUNT_MAX));
	sz_vm_release(g->ops, VM_SIZE(struct green_op, GREEN_DOMAIN_OP_COUNT_MAX));
	ledger_index_release(&g->loan_index);
	ledger_index_release(&g->tag_index);
	ledger_index_release(&g->position_index);
	ledger_index_release(&g->cerf_index);
	ledger_index_release(&g->op_index);
	free(g);
}

int green_domain_register(struct sz_state *s)
{
	sz_result_register(green_results, sizeof green_results / sizeof green_results[0]);
	struct green_domain_state *g = calloc(1, sizeof *g);
	if (g == NULL)
		return SZ_ENOMEM;
	g->meta = sz_vm_reserve(VM_SIZE(struct green_account_meta, GREEN_DOMAIN_ACCOUNT_COUNT_MAX));
	g->loans = sz_vm_reserve(VM_SIZE(struct green_loan, GREEN_DOMAIN_LOAN_COUNT_MAX));
	g->tags = sz_vm_reserve(VM_SIZE(struct green_tag_record, GREEN_DOMAIN_TAG_COUNT_MAX));
	g->positions = sz_vm_reserve(VM_SIZE(struct green_position_record, GREEN_DOMAIN_POSITION_COUNT_MAX));
	g->cerfs = sz_vm_reserve(VM_SIZE(struct green_cerf_record, GREEN_DOMAIN_CERF_COUNT_MAX));
	g->ops = sz_vm_reserve(VM_SIZE(struct green_op, GREEN_DOMAIN_OP_COUNT_MAX));
	int rc = SZ_ENOMEM;
	if (g->meta == NULL || g->loans == NULL || g->tags == NULL || g->positions == NULL || g->cerfs == NULL ||
	    g->ops == NULL || ledger_index_init(&g->loan_index, 0) || ledger_index_init(&g->tag_index, 0) ||
	    ledger_index_init(&g->position_index, 0) || ledger_index_init(&g->cerf_index, 0) ||
	    ledger_index_init(&g->op_index, 0) ||
	    green_account_store_init(&g->store, GREEN_DOMAIN_ACCOUNT_COUNT_MAX, GREEN_DOMAIN_RESTATEMENT_COUNT_MAX) ||
	    green_cert_registry_init(&g->certs, GREEN_DOMAIN_CERT_CLAIM_COUNT_MAX))
		goto fail;
	if ((rc = load_environment(g)))
		goto fail;
	struct sz_domain d = {
		.name = "green",
		.kind_base = SZ_CMD_GREEN_BASE,
		.state = g,
		.apply = green_apply,
		.snapshot_write = green_snapshot_write,
		.snapshot_read = green_snapshot_read,
		.digest = green_digest,
		.check_invariants = green_check_invariants,
		.release = green_release,
	};
	if ((rc = sz_state_register(s, &d)))
		goto fail;
	return 0;
fail:
	green_release(g);
	return rc;
}
