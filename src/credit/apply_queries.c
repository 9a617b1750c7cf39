/*
 * apply_queries.c — consent (authorize, revoke), reports and scores with
 * their query log and decisions, objections, models (chunks, activation)
 * and watches.
 */
#include "credit/domain_internal.h"
#include "credit/boost.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* ---- consent -------------------------------------------------------------------------- */

uint32_t credit_apply_authorize(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
				const struct credit_authorize_cmd *cmd, uint32_t op, uint32_t *target)
{
	(void)op;
	uint32_t index = 0;
	uint32_t r = credit_enterprise_of(c, cmd->uscc, &index);
	if (r != SZ_R_OK)
		return r;
	if (cmd->tenant_id == 0 || cmd->purpose < 1 || cmd->purpose > CREDIT_PURPOSE_MAX || cmd->reserved16 != 0 ||
	    cmd->reserved32 != 0)
		return CREDIT_R_RECORD_INVALID;
	if (cmd->expires_ns <= ctx->timestamp_ns ||
	    cmd->expires_ns - ctx->timestamp_ns > CREDIT_AUTHORIZATION_DURATION_NS_MAX)
		return CREDIT_R_EXPIRY_INVALID;
	if (c->authorization_count == CREDIT_AUTHORIZATION_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct credit_enterprise *e = &c->enterprises[index];
	c->authorizations[c->authorization_count] = (struct credit_authorization){
		.id = cmd->id, .enterprise = index, .next = e->authorization_head, .tenant_id = cmd->tenant_id,
		.token_id = cmd->token_id, .granted_ns = ctx->timestamp_ns, .expires_ns = cmd->expires_ns,
		.purpose = cmd->purpose,
	};
	*target = c->authorization_count;
	e->authorization_head = ++c->authorization_count;
	return SZ_R_OK;
}

uint32_t credit_apply_revoke(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			     const struct credit_revoke_cmd *cmd)
{
	uint32_t index = 0;
	uint32_t r = credit_enterprise_of(c, cmd->uscc, &index);
	if (r != SZ_R_OK)
		return r;
	const struct credit_op *op = credit_op_find(c, cmd->authorization_id);
	if (op == NULL || op->kind != CREDIT_CMD_AUTHORIZE)
		return CREDIT_R_AUTHORIZATION_NOT_FOUND;
	struct credit_authorization *a = &c->authorizations[op->target];
	if (a->enterprise != index)
		return CREDIT_R_WRONG_ENTERPRISE;
	if (a->revoked_ns != 0)
		return CREDIT_R_AUTHORIZATION_REVOKED;
	a->revoked_ns = ctx->timestamp_ns;
	return SZ_R_OK;
}

/* ---- queries and decisions --------------------------------------------------------------- */

/* Which features the model scored as missing or as an unseen label, and
 * the completeness of the decision. */
static void decision_coverage(const struct credit_model *m, const scorecard_value *values,
			      const scorecard_result *result, struct credit_decision *d)
{
	const scorecard_model *model = &m->parsed;
	d->missing_mask = 0;
	d->unseen_mask = 0;
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		const scorecard_characteristic *ch = &model->characteristics[i];
		int32_t f = m->feature_of[i];
		if (!ch->selected || f < 0)
			continue;
		uint32_t bin = ch->kind == CREDIT_CSV_NUMERIC ? scorecard_bin_of_number(ch, values[i].number_e4)
							      : scorecard_bin_of_label(ch, values[i].label);
		if (bin == ch->missing_bin)
			d->missing_mask |= 1u << f;
		else if (bin == ch->other_bin)
			d->unseen_mask |= 1u << f;
	}
	uint32_t ppm = scorecard_completeness_ppm(result);
	SZ_ASSERT(ppm <= SCORECARD_PPM);
	d->completeness_bp = (uint16_t)(ppm / 100u);
}

/* A numeric input outside the range the model declares (a negative amount
 * where training had none) is refused, never binned. */
static bool inputs_in_range(const struct credit_model *m, const struct credit_enterprise *e, uint64_t now_ns)
{
	static _Thread_local int64_t inputs_e4[CREDIT_FEATURE_COUNT];
	static _Thread_local uint8_t labels[CREDIT_FEATURE_COUNT];
	credit_features(e, now_ns, inputs_e4, labels);
	const scorecard_model *model = &m->parsed;
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		const scorecard_characteristic *ch = &model->characteristics[i];
		int32_t f = m->feature_of[i];
		if (ch->selected && f >= 0 && ch->kind == CREDIT_CSV_NUMERIC && !scorecard_value_in_range(ch, inputs_e4[f]))
			return false;
	}
	return true;
}

/* The challenger in shadow, on the values the champion scored. */
static void score_challenger(const scorecard_model *model, const scorecard_value *values,
			     struct credit_shadow *shadow)
{
	SZ_ASSERT(model->challenger != NULL);
	scorecard_result result;
	boost_score_values(model->challenger, model, values, &result);
	SZ_ASSERT(result.reason_count <= SCORECARD_REASON_COUNT);
	shadow->present = 1;
	shadow->score_milli = result.score_milli;
	shadow->bad_probability_ppb = result.bad_ppb;
	shadow->grade = (uint32_t)result.grade;
	shadow->reason_count = result.reason_count;
	for (uint32_t i = 0; i < result.reason_count; i++) {
		shadow->reasons[i] = result.reasons[i].characteristic;
		shadow->reasons_lost_milli[i] = result.reasons[i].points_lost_milli;
	}
}

static void score_enterprise(const struct credit_model *m, const struct credit_enterprise *e, uint64_t now_ns,
			     struct credit_decision *d)
{
	credit_features(e, now_ns, d->inputs_e4, d->labels);
	const scorecard_model *model = &m->parsed;
	static _Thread_local scorecard_value values[4096];
	SZ_ASSERT(model->characteristic_count <= sizeof values / sizeof values[0]);
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		int32_t f = m->feature_of[i];
		values[i] = (scorecard_value){ .number_e4 = SCORECARD_VALUE_MISSING, .label = NULL };
		if (f < 0)
			continue;
		if (credit_feature_kind((uint32_t)f) == CREDIT_CSV_NUMERIC)
			values[i].number_e4 = d->inputs_e4[f];
		else
			values[i].label = credit_feature_label((uint32_t)f, d->labels[f]);
	}
	scorecard_result result;
	scorecard_score_values(model, values, &result);
	decision_coverage(m, values, &result, d);
	d->score_milli = result.score_milli;
	d->bad_probability_ppb = result.bad_ppb;
	d->grade = (uint32_t)result.grade;
	d->reason_count = result.reason_count;
	for (uint32_t i = 0; i < result.reason_count; i++) {
		d->reasons[i] = result.reasons[i].characteristic;
		d->reasons_lost_milli[i] = result.reasons[i].points_lost_milli;
	}
	if (model->challenger != NULL)
		score_challenger(model, values, &d->challenger);
}

uint32_t credit_apply_query(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			    const struct credit_query_cmd *cmd, uint32_t *target)
{
	uint32_t index = 0;
	uint32_t r = credit_enterprise_of(c, cmd->uscc, &index);
	if (r != SZ_R_OK)
		return r;
	if (cmd->tenant_id == 0 || cmd->purpose < 1 || cmd->purpose > CREDIT_PURPOSE_MAX || cmd->kind < 1 ||
	    cmd->kind > CREDIT_QUERY_TECH_SCORE || cmd->reserved != 0 ||
	    !credit_text_ok(cmd->model_version, sizeof cmd->model_version, false) ||
	    (cmd->kind == CREDIT_QUERY_REPORT && cmd->model_version[0] != '\0'))
		return CREDIT_R_RECORD_INVALID;
	int64_t auth = credit_authorization_valid(c, index, cmd->tenant_id, cmd->purpose, ctx->timestamp_ns);
	if (auth < 0)
		return CREDIT_R_AUTHORIZATION_REQUIRED;
	int64_t model = -1;
	if (cmd->kind != CREDIT_QUERY_REPORT) {
		if (cmd->model_version[0] == '\0') {
			model = credit_model_active(c);
		} else {
			model = credit_model_find(c, cmd->model_version);
			if (model < 0)
				return CREDIT_R_MODEL_NOT_FOUND;
			if (c->models[model].info.status == CREDIT_MODEL_LOADING)
				model = -1;
		}
		if (model < 0)
			return CREDIT_R_MODEL_NOT_ACTIVE;
		if (c->decision_count == CREDIT_DECISION_COUNT_MAX)
			return SZ_R_LIMIT_REACHED;
	}
	if (c->query_count == CREDIT_QUERY_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	if (model >= 0 && !inputs_in_range(&c->models[model], &c->enterprises[index], ctx->timestamp_ns))
		return CREDIT_R_INPUT_OUT_OF_RANGE;
	struct credit_enterprise *e = &c->enterprises[index];
	struct credit_query *q = &c->queries[c->query_count];
	*q = (struct credit_query){
		.id = cmd->id, .enterprise = index, .next = e->query_head, .tenant_id = cmd->tenant_id,
		.user_token_id = cmd->user_token_id, .at_ns = ctx->timestamp_ns, .purpose = cmd->purpose,
		.kind = cmd->kind, .authorization = (uint32_t)auth,
	};
	credit_report_hash(c, index, q->content_hash);
	if (model >= 0) {
		struct credit_decision *d = &c->decisions[c->decision_count];
		memset(d, 0, sizeof *d);
		d->query_id = cmd->id;
		d->model = (uint32_t)model;
		score_enterprise(&c->models[model], e, ctx->timestamp_ns, d);
		if (cmd->kind == CREDIT_QUERY_TECH_SCORE)
			credit_tech_compute(e, ctx->timestamp_ns, &c->models[model].parsed, d->score_milli, &d->tech);
		q->decision = ++c->decision_count;
	}
	*target = c->query_count;
	e->query_head = ++c->query_count;
	return SZ_R_OK;
}

/* ---- objections ----------------------------------------------------------------------- */

static bool is_feed_kind(uint16_t kind)
{
	return kind >= CREDIT_CMD_FEED_TAX && kind <= CREDIT_CMD_FEED_NEGATIVE;
}

uint32_t credit_apply_objection(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
				const struct credit_objection_cmd *cmd, uint32_t *target)
{
	uint32_t index = 0;
	uint32_t r = credit_enterprise_of(c, cmd->uscc, &index);
	if (r != SZ_R_OK)
		return r;
	if (!credit_text_ok(cmd->reason, sizeof cmd->reason, true))
		return CREDIT_R_RECORD_INVALID;
	int64_t op_index = ledger_index_find(&c->op_index, c->ops, credit_key_op, cmd->record_id);
	if (op_index < 0 || !is_feed_kind(c->ops[op_index].kind))
		return CREDIT_R_RECORD_NOT_FOUND;
	struct credit_op *op = &c->ops[op_index];
	if (op->enterprise != index)
		return CREDIT_R_WRONG_ENTERPRISE;
	if (op->flags & (CREDIT_OP_PURGED | CREDIT_OP_WITHDRAWN))
		return CREDIT_R_RECORD_NOT_FOUND;
	if (op->flags & CREDIT_OP_DISPUTED)
		return CREDIT_R_OBJECTION_OPEN;
	if (c->objection_count == CREDIT_OBJECTION_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct credit_enterprise *e = &c->enterprises[index];
	struct credit_objection *o = &c->objections[c->objection_count];
	memset(o, 0, sizeof *o);
	o->id = cmd->id;
	o->enterprise = index;
	o->next = e->objection_head;
	o->record_id = cmd->record_id;
	o->record_op = (uint32_t)op_index;
	o->filed_ns = ctx->timestamp_ns;
	o->due_ns = ctx->timestamp_ns + CREDIT_OBJECTION_DUE_NS;
	memcpy(o->reason, cmd->reason, sizeof o->reason);
	op->flags |= CREDIT_OP_DISPUTED;
	c->next_due_ns = credit_min_u64(c->next_due_ns, o->due_ns);
	*target = c->objection_count;
	e->objection_head = ++c->objection_count;
	return SZ_R_OK;
}

uint32_t credit_apply_resolve(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			      const struct credit_resolve_cmd *cmd)
{
	if ((cmd->outcome != CREDIT_OUTCOME_CORRECTED && cmd->outcome != CREDIT_OUTCOME_CONFIRMED) ||
	    cmd->reserved16 != 0 || cmd->reserved32 != 0 || !credit_text_ok(cmd->reply, sizeof cmd->reply, true))
		return CREDIT_R_RECORD_INVALID;
	const struct credit_op *op = credit_op_find(c, cmd->objection_id);
	if (op == NULL || op->kind != CREDIT_CMD_OBJECTION_FILE)
		return CREDIT_R_OBJECTION_NOT_FOUND;
	struct credit_objection *o = &c->objections[op->target];
	if (o->outcome != 0)
		return CREDIT_R_OBJECTION_RESOLVED;
	o->outcome = cmd->outcome;
	o->resolved_ns = ctx->timestamp_ns;
	o->resolver_token_id = cmd->resolver_token_id;
	memcpy(o->reply, cmd->reply, sizeof o->reply);
	struct credit_op *record = &c->ops[o->record_op];
	record->flags &= (uint16_t)~CREDIT_OP_DISPUTED;
	if (cmd->outcome == CREDIT_OUTCOME_CORRECTED && record->kind == CREDIT_CMD_FEED_NEGATIVE &&
	    !(record->flags & (CREDIT_OP_PURGED | CREDIT_OP_WITHDRAWN))) {
		record->flags |= CREDIT_OP_WITHDRAWN;
		struct credit_enterprise *e = &c->enterprises[record->enterprise];
		SZ_ASSERT(e->negative_count > 0);
		e->negative_count--;
		e->updated_ns = ctx->timestamp_ns;
	}
	return SZ_R_OK;
}

/* ---- models ------------------------------------------------------------------------- */

int credit_model_prepare(struct credit_model *m)
{
	SZ_ASSERT(m != NULL && m->text != NULL);
	SZ_ASSERT(m->info.received_count == m->info.chunk_count);
	if (m->prepared)
		return 0;
	scorecard_error error;
	memset(&m->parsed, 0, sizeof m->parsed);
	int rc = scorecard_model_parse(&m->parsed, (const char *)m->text, m->info.total_size, &error);
	if (rc == SZ_ENOMEM)
		return SZ_ENOMEM;
	m->prepared = true;
	m->prepare_result = CREDIT_R_MODEL_INVALID;
	if (rc != 0)
		return 0;
	uint32_t n = m->parsed.characteristic_count;
	m->feature_of = calloc(n ? n : 1, sizeof *m->feature_of);
	if (m->feature_of == NULL) {
		scorecard_model_release(&m->parsed);
		m->prepared = false;
		return SZ_ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		const scorecard_characteristic *ch = &m->parsed.characteristics[i];
		int32_t f = -1;
		for (uint32_t j = 0; j < CREDIT_FEATURE_COUNT && f < 0; j++)
			if (strcmp(ch->name, credit_feature_name(j)) == 0 && credit_feature_kind(j) == ch->kind)
				f = (int32_t)j;
		if (f < 0 && ch->selected) {
			free(m->feature_of);
			m->feature_of = NULL;
			scorecard_model_release(&m->parsed);
			return 0;
		}
		m->feature_of[i] = f;
	}
	m->prepare_result = SZ_R_OK;
	return 0;
}

uint32_t credit_apply_chunk(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			    const struct credit_model_chunk_cmd *cmd)
{
	if (!credit_text_ok(cmd->version, sizeof cmd->version, true) || cmd->reserved != 0 ||
	    cmd->size > CREDIT_MODEL_CHUNK_SIZE || !credit_all_zero(cmd->data + cmd->size, CREDIT_MODEL_CHUNK_SIZE - cmd->size))
		return CREDIT_R_MODEL_CHUNK_INVALID;
	if (cmd->total_size > CREDIT_MODEL_SIZE_MAX)
		return CREDIT_R_MODEL_TOO_LARGE;
	uint32_t count = (cmd->total_size + CREDIT_MODEL_CHUNK_SIZE - 1) / CREDIT_MODEL_CHUNK_SIZE;
	if (cmd->total_size == 0 || cmd->count != count || cmd->index >= count ||
	    cmd->size != (cmd->index + 1u < count ? CREDIT_MODEL_CHUNK_SIZE
						   : cmd->total_size - CREDIT_MODEL_CHUNK_SIZE * (count - 1)))
		return CREDIT_R_MODEL_CHUNK_INVALID;
	int64_t found = credit_model_find(c, cmd->version);
	struct credit_model *m;
	if (found < 0) {
		if (cmd->index != 0)
			return CREDIT_R_MODEL_CHUNK_INVALID;
		if (c->model_count == CREDIT_MODEL_COUNT_MAX)
			return SZ_R_LIMIT_REACHED;
		m = &c->models[c->model_count++];
		memset(m, 0, sizeof *m);
		memcpy(m->info.version, cmd->version, sizeof m->info.version);
		memcpy(m->info.sha256, cmd->sha256, sizeof m->info.sha256);
		m->info.total_size = cmd->total_size;
		m->info.chunk_count = (uint16_t)count;
		m->info.status = CREDIT_MODEL_LOADING;
		m->info.registered_ns = ctx->timestamp_ns;
		/* reserved at registration and zero past what chunks wrote:
		 * snapshots are deterministic, and apply allocates nothing */
		m->text = credit_model_text_slot(c, c->model_count - 1);
	} else {
		m = &c->models[found];
		if (m->info.status != CREDIT_MODEL_LOADING || m->info.total_size != cmd->total_size ||
		    memcmp(m->info.sha256, cmd->sha256, sizeof cmd->sha256) != 0)
			return CREDIT_R_MODEL_EXISTS;
		if (cmd->index != m->info.received_count)
			return CREDIT_R_MODEL_CHUNK_INVALID;
	}
	memcpy(m->text + (size_t)cmd->index * CREDIT_MODEL_CHUNK_SIZE, cmd->data, cmd->size);
	m->info.received_count++;
	m->info.received_size += cmd->size;
	m->info.last_chunk_id = cmd->id;
	return SZ_R_OK;
}

uint32_t credit_apply_activate(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			       const struct credit_model_activate_cmd *cmd)
{
	if (!credit_text_ok(cmd->version, sizeof cmd->version, true))
		return CREDIT_R_RECORD_INVALID;
	int64_t found = credit_model_find(c, cmd->version);
	if (found < 0)
		return CREDIT_R_MODEL_NOT_FOUND;
	struct credit_model *m = &c->models[found];
	if (m->info.received_count < m->info.chunk_count)
		return CREDIT_R_MODEL_INCOMPLETE;
	if (memcmp(m->info.sha256, cmd->sha256, 32) != 0)
		return CREDIT_R_MODEL_DIGEST_MISMATCH;
	if (m->info.status == CREDIT_MODEL_LOADING) {
		uint8_t sha[32];
		sz_sha256(sha, m->text, m->info.total_size);
		if (memcmp(sha, m->info.sha256, 32) != 0)
			return CREDIT_R_MODEL_DIGEST_MISMATCH;
		/* parsed by the reserve before this batch; not yet if the last
		 * chunk came in this same batch: activate in a later one */
		if (!m->prepared)
			return CREDIT_R_MODEL_INCOMPLETE;
		if (m->prepare_result != SZ_R_OK)
			return m->prepare_result;
	}
	for (uint32_t i = 0; i < c->model_count; i++)
		if (c->models[i].info.status == CREDIT_MODEL_ACTIVE)
			c->models[i].info.status = CREDIT_MODEL_RETIRED;
	m->info.status = CREDIT_MODEL_ACTIVE;
	m->info.activated_ns = ctx->timestamp_ns;
	return SZ_R_OK;
}

/* ---- watch ---------------------------------------------------------------------------- */

uint32_t credit_apply_watch(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			    const struct credit_watch_cmd *cmd)
{
	uint32_t index = 0;
	uint32_t r = credit_enterprise_of(c, cmd->uscc, &index);
	if (r != SZ_R_OK)
		return r;
	if (cmd->tenant_id == 0)
		return CREDIT_R_RECORD_INVALID;
	if (credit_authorization_valid(c, index, cmd->tenant_id, 0, ctx->timestamp_ns) < 0)
		return CREDIT_R_AUTHORIZATION_REQUIRED;
	struct credit_enterprise *e = &c->enterprises[index];
	for (uint32_t link = e->watch_head; link != 0; link = c->watches[link - 1].next)
		if (c->watches[link - 1].tenant_id == cmd->tenant_id)
			return CREDIT_R_WATCH_EXISTS;
	if (c->watch_count == CREDIT_WATCH_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	c->watches[c->watch_count] = (struct credit_watch){
		.id = cmd->id, .enterprise = index, .next = e->watch_head, .tenant_id = cmd->tenant_id,
		.at_ns = ctx->timestamp_ns,
	};
	e->watch_head = ++c->watch_count;
	e->watch_count++;
	return SZ_R_OK;
}

/* ---- decision outcomes ---------------------------------------------------------------- */

/* Records whether a decided loan performed: once per decision (the same
 * outcome again is accepted, another one is outcome_recorded). */
uint32_t credit_apply_outcome(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			      const struct credit_outcome_cmd *cmd)
{
	SZ_ASSERT(c != NULL && cmd != NULL);
	if ((cmd->outcome != CREDIT_DECISION_GOOD && cmd->outcome != CREDIT_DECISION_BAD) || cmd->reserved != 0)
		return CREDIT_R_RECORD_INVALID;
	int64_t seen = ledger_index_find(&c->op_index, c->ops, credit_key_op, cmd->decision_id);
	if (seen < 0 || c->ops[seen].kind != CREDIT_CMD_QUERY)
		return CREDIT_R_DECISION_NOT_FOUND;
	const struct credit_query *q = &c->queries[c->ops[seen].target];
	if (q->decision == 0 || (cmd->tenant_id != 0 && q->tenant_id != cmd->tenant_id))
		return CREDIT_R_DECISION_NOT_FOUND;
	struct credit_decision *d = &c->decisions[q->decision - 1];
	SZ_ASSERT(q->decision <= c->decision_count);
	if (d->outcome != 0)
		return d->outcome == cmd->outcome ? SZ_R_OK : CREDIT_R_OUTCOME_RECORDED;
	d->outcome = cmd->outcome;
	d->outcome_ns = ctx->timestamp_ns;
	return SZ_R_OK;
}
