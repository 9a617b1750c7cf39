/*
 * apply.c — deterministic apply of the nine green commands (formats in
 * domain.h): the idempotency check by command id, factor-set resolution, and
 * per command every check first, then the mutation. Every byte changed is
 * journalled first (engine/journal.h: the record and its array's count; the
 * id indexes journal their own buckets), so the engine rolls a command back
 * together with everything else. Results are green result codes or SZ_R_*; nothing here reads the clock (times come from the apply
 * context), does I/O or uses floating point.
 *
 * Capacity: every array is reserved at its maximum in virtual memory at
 * registration (domain.c), so a full array is a configured limit
 * (SZ_R_LIMIT_REACHED, the same on every machine). The five id indexes
 * (loans, tags, positions, cerfs, ops) are grown between batches by
 * green_domain_reserve for the worst case of the next batch, so an insert in
 * apply never allocates and never fails (asserted).
 */
#include "green/internal.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/results.h"
#include "engine/journal.h"

#include <string.h>

static uint32_t map_compute_error(int rc)
{
	SZ_ASSERT(rc != 0);
	if (rc == SZ_ENOTFOUND)
		return GREEN_R_FACTOR_MISSING;
	if (rc == SZ_ELIMIT)
		return GREEN_R_ARITHMETIC_LIMIT;
	return GREEN_R_ACCOUNT_INVALID;
}

/* ---- factor-set resolution ----------------------------------------------------- */

/* The active, loaded set a command names (version "" = newest active; digest
 * 0 = the set's own). SZ_R_OK and *out, or a result code. */
static uint32_t resolve_set(const struct green_domain_state *g, const char version[GREEN_VERSION_SIZE],
                            uint64_t digest, bool allow_default, const green_factor_set **out)
{
	if (!green_text_field_ok(version, GREEN_VERSION_SIZE))
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
	if (c->reserved != 0 || !green_text_field_ok(c->version, sizeof c->version))
		return SZ_R_RESERVED_NONZERO;
	const green_factor_set *set = green_loaded_set_find(g, c->version);
	if (c->version[0] == '\0' || set == NULL)
		return GREEN_R_FACTOR_SET_NOT_LOADED;
	if (set->digest != c->digest)
		return GREEN_R_FACTOR_DIGEST_MISMATCH;
	if (green_active_find(g, c->version) != NULL)
		return GREEN_R_FACTOR_SET_ALREADY_ACTIVE;
	SZ_ASSERT(g->active_count < GREEN_DOMAIN_FACTOR_SET_COUNT_MAX); /* active sets are distinct loaded sets */
	SZ_JOURNAL_FIELD(g->active[g->active_count]);
	SZ_JOURNAL_FIELD(g->active_count);
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
	SZ_JOURNAL_FIELD(*m);
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
		SZ_JOURNAL_FIELD(g->policies[g->policy_count]);
		SZ_JOURNAL_FIELD(g->policy_count);
		p = &g->policies[g->policy_count++];
		memset(p, 0, sizeof *p);
		p->bank_tenant_id = c->bank_tenant_id;
	} else {
		SZ_JOURNAL_FIELD(*p);
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
	SZ_JOURNAL_FIELD(*l);
	SZ_JOURNAL_FIELD(g->loan_count);
	memset(l, 0, sizeof *l);
	l->terms = terms;
	l->enterprise_id = c->enterprise_id;
	l->bank_tenant_id = c->bank_tenant_id;
	l->priced_ns = ctx->timestamp_ns;
	l->period_year = c->period_year;
	l->policy_version = bank ? bank->version : 0;
	l->flags = c->flags;
	l->command_id = c->id;
	int rc = ledger_index_insert(&g->loan_index, g->loans, green_loan_key, c->loan_id, g->loan_count);
	SZ_ASSERT(rc == 0);
	g->loan_count++;
	return SZ_R_OK;
}

static uint32_t apply_tag(struct green_domain_state *g, const struct sz_apply_ctx *ctx, const struct green_tag_cmd *c)
{
	if (c->reserved != 0 || !green_text_field_ok(c->code, sizeof c->code))
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
	SZ_JOURNAL_FIELD(*t);
	SZ_JOURNAL_FIELD(g->tag_count);
	memset(t, 0, sizeof *t);
	t->tag = tag;
	t->bank_tenant_id = c->bank_tenant_id;
	t->tagged_ns = ctx->timestamp_ns;
	rc = ledger_index_insert(&g->tag_index, g->tags, green_tag_key, tag.instrument_id, g->tag_count);
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
	SZ_JOURNAL_FIELD(*r);
	SZ_JOURNAL_FIELD(g->position_count);
	memset(r, 0, sizeof *r);
	r->position = p;
	r->result = result;
	r->enterprise_id = c->enterprise_id;
	r->bank_tenant_id = c->bank_tenant_id;
	r->registered_ns = ctx->timestamp_ns;
	r->period_year = c->period_year;
	r->flags = flags;
	int rc = ledger_index_insert(&g->position_index, g->positions, green_position_key, p.loan_id, g->position_count);
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
	if (green_bytes_zero(&policy, sizeof policy))
		green_cerf_policy_default(&policy);
	green_cerf_result result;
	if (green_cerf_assess(&policy, &c->loan, &result) != SZ_OK)
		return GREEN_R_CERF_INVALID;
	if (g->cerf_count == GREEN_DOMAIN_CERF_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct green_cerf_record *r = &g->cerfs[g->cerf_count];
	SZ_JOURNAL_FIELD(*r);
	SZ_JOURNAL_FIELD(g->cerf_count);
	memset(r, 0, sizeof *r);
	r->loan = c->loan;
	r->policy = policy;
	r->result = result;
	r->bank_tenant_id = c->bank_tenant_id;
	r->assessed_ns = ctx->timestamp_ns;
	int rc = ledger_index_insert(&g->cerf_index, g->cerfs, green_cerf_key, c->loan.loan_id, g->cerf_count);
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
	if (!green_bytes_zero(c->values + used, sizeof c->values - used * sizeof c->values[0]))
		return SZ_R_RESERVED_NONZERO;
	green_esg_method method;
	green_esg_method_default(&method);
	SZ_ASSERT(method.indicator_count == GREEN_ESG_COMMAND_INDICATOR_COUNT);
	green_esg_result result;
	if (green_esg_score(&method, c->values, c->peer_count, c->subject, c->controversies, &result) != SZ_OK)
		return GREEN_R_ESG_INVALID;
	struct green_account_meta *m = (struct green_account_meta *)found;
	SZ_JOURNAL_FIELD(*m);
	m->flags |= GREEN_META_HAS_ESG;
	m->esg = result;
	m->esg_ns = ctx->timestamp_ns;
	m->esg_peer_count = c->peer_count;
	m->esg_subject = c->subject;
	memcpy(m->esg_controversies, c->controversies, sizeof m->esg_controversies);
	return SZ_R_OK;
}

/* ---- capacity ---------------------------------------------------------------------- */

int green_domain_reserve(void *domain_state, uint32_t command_count)
{
	struct green_domain_state *g = domain_state;
	SZ_ASSERT(g != NULL);
	SZ_ASSERT(g->op_index.count == g->op_count);
	int rc = ledger_index_reserve(&g->loan_index, g->loans, green_loan_key, command_count);
	if (rc == 0)
		rc = ledger_index_reserve(&g->tag_index, g->tags, green_tag_key, command_count);
	if (rc == 0)
		rc = ledger_index_reserve(&g->position_index, g->positions, green_position_key, command_count);
	if (rc == 0)
		rc = ledger_index_reserve(&g->cerf_index, g->cerfs, green_cerf_key, command_count);
	if (rc == 0)
		rc = ledger_index_reserve(&g->op_index, g->ops, green_op_key, command_count);
	return rc;
}

/* ---- dispatch ---------------------------------------------------------------------- */

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

uint32_t green_domain_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
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
	int64_t seen = ledger_index_find(&g->op_index, g->ops, green_op_key, body.id);
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
	SZ_JOURNAL_FIELD(*op);
	SZ_JOURNAL_FIELD(g->op_count);
	*op = (struct green_op){ .id = body.id, .fingerprint = fingerprint, .kind = cmd->kind };
	int rc = ledger_index_insert(&g->op_index, g->ops, green_op_key, body.id, g->op_count);
	SZ_ASSERT(rc == 0);
	g->op_count++;
	return SZ_R_OK;
}
