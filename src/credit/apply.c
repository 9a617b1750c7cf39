/*
 * apply.c — the credit commands' dispatch, the checks every command file
 * shares, and the registry (contract: domain.h). Each credit_apply_*
 * function (apply.c, apply_feeds.c, apply_queries.c) returns a result code
 * and touches the state only after its last check has passed; credit_apply
 * then remembers the command id (idempotency) at op index `op`, which the
 * functions may already store in their records.
 */
#include "credit/domain_internal.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* ---- small checks ------------------------------------------------------------- */

bool credit_all_zero(const void *data, size_t size)
{
	const uint8_t *p = data;
	for (size_t i = 0; i < size; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* A NUL-terminated text of size bytes, zero after the NUL; non-empty if asked. */
bool credit_text_ok(const char *text, size_t size, bool required)
{
	size_t n = strnlen(text, size);
	return n < size && credit_all_zero(text + n, size - n) && (!required || n > 0);
}

bool credit_uscc_ok(const char uscc[CREDIT_USCC_FIELD_SIZE])
{
	return credit_text_ok(uscc, CREDIT_USCC_FIELD_SIZE, true) && strlen(uscc) == CREDIT_USCC_SIZE &&
	       credit_uscc_validate(uscc, CREDIT_USCC_SIZE, NULL) == CREDIT_USCC_OK;
}

/* The enterprise of a command's code: index, or a result > INT32_MAX... */
uint32_t credit_enterprise_of(const struct credit_domain_state *c, const char uscc[CREDIT_USCC_FIELD_SIZE],
			      uint32_t *index)
{
	if (!credit_uscc_ok(uscc))
		return CREDIT_R_USCC_INVALID;
	int64_t i = ledger_index_find(&c->enterprise_index, c->enterprises, credit_key_enterprise,
				      credit_uscc_key(uscc));
	if (i < 0)
		return CREDIT_R_ENTERPRISE_NOT_FOUND;
	*index = (uint32_t)i;
	return SZ_R_OK;
}

bool credit_day_ok(int32_t day, uint64_t now_ns)
{
	return day >= credit_day_from_civil(1900, 1, 1) && day <= credit_day_of_ns(now_ns);
}

/* GB/T 4754-2017: a section letter A-T, then 0, 2, 3 or 4 digits. */
static bool industry_ok(const char industry[CREDIT_INDUSTRY_SIZE])
{
	if (!credit_text_ok(industry, CREDIT_INDUSTRY_SIZE, true) || industry[0] < 'A' || industry[0] > 'T')
		return false;
	size_t n = strlen(industry) - 1;
	for (size_t i = 1; i <= n; i++)
		if (industry[i] < '0' || industry[i] > '9')
			return false;
	return n == 0 || n == 2 || n == 3 || n == 4;
}

/* ---- registry ----------------------------------------------------------------- */

static uint32_t enterprise_check(const struct credit_enterprise_cmd *cmd, uint64_t now_ns)
{
	if (!credit_uscc_ok(cmd->uscc))
		return CREDIT_R_USCC_INVALID;
	if (!credit_text_ok(cmd->name, sizeof cmd->name, true) || !industry_ok(cmd->industry) ||
	    !credit_text_ok(cmd->district, sizeof cmd->district, false) ||
	    cmd->registered_capital_fen > (uint64_t)MONEY_FEN_MAX || !credit_day_ok(cmd->founded_day, now_ns) ||
	    (cmd->tags & ~CREDIT_TAGS_ALL) != 0 || !credit_text_ok(cmd->rep_id_masked, sizeof cmd->rep_id_masked, false) ||
	    !credit_text_ok(cmd->rep_phone_masked, sizeof cmd->rep_phone_masked, false))
		return CREDIT_R_RECORD_INVALID;
	/* A sealed field and its mask come together. */
	if (credit_all_zero(&cmd->rep_id, sizeof cmd->rep_id) != (cmd->rep_id_masked[0] == '\0') ||
	    credit_all_zero(&cmd->rep_phone, sizeof cmd->rep_phone) != (cmd->rep_phone_masked[0] == '\0'))
		return CREDIT_R_RECORD_INVALID;
	return SZ_R_OK;
}

uint32_t credit_apply_register(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			       const struct credit_enterprise_cmd *cmd)
{
	uint32_t r = enterprise_check(cmd, ctx->timestamp_ns);
	if (r != SZ_R_OK)
		return r;
	sz_id key = credit_uscc_key(cmd->uscc);
	if (ledger_index_find(&c->enterprise_index, c->enterprises, credit_key_enterprise, key) >= 0)
		return CREDIT_R_ENTERPRISE_EXISTS;
	if (c->enterprise_count == CREDIT_ENTERPRISE_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	struct credit_enterprise *e = &c->enterprises[c->enterprise_count];
	memset(e, 0, sizeof *e);
	e->info = *cmd;
	if (sz_id_is_zero(e->info.owner_id))
		e->info.owner_id = key;
	e->key = key;
	e->registered_ns = e->updated_ns = ctx->timestamp_ns;
	int rc = ledger_index_insert(&c->enterprise_index, c->enterprises, credit_key_enterprise, key,
				     c->enterprise_count);
	SZ_ASSERT(rc == 0);
	c->enterprise_count++;
	return SZ_R_OK;
}

/* An update replaces the registry fields; a zero owner or an absent
 * personal field keeps the stored one. */
uint32_t credit_apply_update(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			     const struct credit_enterprise_cmd *cmd)
{
	uint32_t r = enterprise_check(cmd, ctx->timestamp_ns);
	uint32_t index = 0;
	if (r == SZ_R_OK)
		r = credit_enterprise_of(c, cmd->uscc, &index);
	if (r != SZ_R_OK)
		return r;
	struct credit_enterprise *e = &c->enterprises[index];
	struct credit_enterprise_cmd next = *cmd;
	if (sz_id_is_zero(next.owner_id))
		next.owner_id = e->info.owner_id;
	if (next.rep_id_masked[0] == '\0') {
		next.rep_id = e->info.rep_id;
		memcpy(next.rep_id_masked, e->info.rep_id_masked, sizeof next.rep_id_masked);
	}
	if (next.rep_phone_masked[0] == '\0') {
		next.rep_phone = e->info.rep_phone;
		memcpy(next.rep_phone_masked, e->info.rep_phone_masked, sizeof next.rep_phone_masked);
	}
	e->info = next;
	e->updated_ns = ctx->timestamp_ns;
	return SZ_R_OK;
}

/* ---- dispatch --------------------------------------------------------------------------- */

static size_t body_size_of(uint16_t kind)
{
	switch (kind) {
	case CREDIT_CMD_ENTERPRISE_REGISTER:
	case CREDIT_CMD_ENTERPRISE_UPDATE: return sizeof(struct credit_enterprise_cmd);
	case CREDIT_CMD_FEED_TAX: return sizeof(struct credit_tax_cmd);
	case CREDIT_CMD_FEED_HEADCOUNT: return sizeof(struct credit_headcount_cmd);
	case CREDIT_CMD_FEED_CASHFLOW: return sizeof(struct credit_cashflow_cmd);
	case CREDIT_CMD_FEED_IP: return sizeof(struct credit_ip_cmd);
	case CREDIT_CMD_FEED_INNOVATION: return sizeof(struct credit_innovation_cmd);
	case CREDIT_CMD_FEED_NEGATIVE: return sizeof(struct credit_negative_cmd);
	case CREDIT_CMD_AUTHORIZE: return sizeof(struct credit_authorize_cmd);
	case CREDIT_CMD_AUTHORIZATION_REVOKE: return sizeof(struct credit_revoke_cmd);
	case CREDIT_CMD_QUERY: return sizeof(struct credit_query_cmd);
	case CREDIT_CMD_OBJECTION_FILE: return sizeof(struct credit_objection_cmd);
	case CREDIT_CMD_OBJECTION_RESOLVE: return sizeof(struct credit_resolve_cmd);
	case CREDIT_CMD_MODEL_CHUNK: return sizeof(struct credit_model_chunk_cmd);
	case CREDIT_CMD_MODEL_ACTIVATE: return sizeof(struct credit_model_activate_cmd);
	case CREDIT_CMD_WATCH: return sizeof(struct credit_watch_cmd);
	case CREDIT_CMD_DECISION_OUTCOME: return sizeof(struct credit_outcome_cmd);
	}
	return 0;
}

union credit_body {
	sz_id id;
	struct credit_enterprise_cmd enterprise;
	struct credit_tax_cmd tax;
	struct credit_headcount_cmd headcount;
	struct credit_cashflow_cmd cashflow;
	struct credit_ip_cmd ip;
	struct credit_innovation_cmd innovation;
	struct credit_negative_cmd negative;
	struct credit_authorize_cmd authorize;
	struct credit_revoke_cmd revoke;
	struct credit_query_cmd query;
	struct credit_objection_cmd objection;
	struct credit_resolve_cmd resolve;
	struct credit_model_chunk_cmd chunk;
	struct credit_model_activate_cmd activate;
	struct credit_watch_cmd watch;
	struct credit_outcome_cmd outcome;
};

/* The enterprise a command names (for the op record), or UINT32_MAX. */
static uint32_t op_enterprise(const struct credit_domain_state *c, uint16_t kind, const union credit_body *b)
{
	const char *uscc = NULL;
	switch (kind) {
	case CREDIT_CMD_ENTERPRISE_REGISTER:
	case CREDIT_CMD_ENTERPRISE_UPDATE: uscc = b->enterprise.uscc; break;
	case CREDIT_CMD_FEED_TAX: case CREDIT_CMD_FEED_HEADCOUNT: case CREDIT_CMD_FEED_CASHFLOW:
	case CREDIT_CMD_FEED_IP: case CREDIT_CMD_FEED_INNOVATION: case CREDIT_CMD_FEED_NEGATIVE:
		uscc = b->tax.head.uscc; /* every feed starts with its head */
		break;
	case CREDIT_CMD_AUTHORIZE: uscc = b->authorize.uscc; break;
	case CREDIT_CMD_AUTHORIZATION_REVOKE: uscc = b->revoke.uscc; break;
	case CREDIT_CMD_QUERY: uscc = b->query.uscc; break;
	case CREDIT_CMD_OBJECTION_FILE: uscc = b->objection.uscc; break;
	case CREDIT_CMD_WATCH: uscc = b->watch.uscc; break;
	}
	uint32_t index = UINT32_MAX;
	if (uscc == NULL || credit_enterprise_of(c, uscc, &index) != SZ_R_OK)
		return UINT32_MAX;
	return index;
}

uint32_t credit_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
		      const sz_command_header *cmd)
{
	(void)s;
	struct credit_domain_state *c = domain_state;
	SZ_ASSERT(c != NULL);
	size_t size = body_size_of(cmd->kind);
	if (size == 0 || cmd->size != sizeof *cmd + size || cmd->reserved != 0)
		return SZ_R_COMMAND_INVALID;
	static _Thread_local union credit_body body;
	memcpy(&body, cmd + 1, size);
	if (sz_id_is_zero(body.id))
		return SZ_R_ID_ZERO;
	uint64_t fingerprint = sz_fingerprint64(&body, size);
	int64_t seen = ledger_index_find(&c->op_index, c->ops, credit_key_op, body.id);
	if (seen >= 0) {
		const struct credit_op *op = &c->ops[seen];
		return op->kind == cmd->kind && op->fingerprint == fingerprint ? SZ_R_EXISTS
									     : SZ_R_EXISTS_WITH_DIFFERENT_FIELDS;
	}
	if (c->op_count == CREDIT_OP_COUNT_MAX)
		return SZ_R_LIMIT_REACHED;
	uint32_t op = c->op_count, target = 0;
	uint32_t r = SZ_R_COMMAND_INVALID;
	switch (cmd->kind) {
	case CREDIT_CMD_ENTERPRISE_REGISTER: r = credit_apply_register(c, ctx, &body.enterprise); break;
	case CREDIT_CMD_ENTERPRISE_UPDATE: r = credit_apply_update(c, ctx, &body.enterprise); break;
	case CREDIT_CMD_FEED_TAX: r = credit_apply_tax(c, ctx, &body.tax, op); break;
	case CREDIT_CMD_FEED_HEADCOUNT: r = credit_apply_headcount(c, ctx, &body.headcount, op); break;
	case CREDIT_CMD_FEED_CASHFLOW: r = credit_apply_cashflow(c, ctx, &body.cashflow, op); break;
	case CREDIT_CMD_FEED_IP: r = credit_apply_ip(c, ctx, &body.ip, op); break;
	case CREDIT_CMD_FEED_INNOVATION: r = credit_apply_innovation(c, ctx, &body.innovation, op); break;
	case CREDIT_CMD_FEED_NEGATIVE:
		target = c->negative_count;
		r = credit_apply_negative(c, ctx, &body.negative, op);
		break;
	case CREDIT_CMD_AUTHORIZE: r = credit_apply_authorize(c, ctx, &body.authorize, op, &target); break;
	case CREDIT_CMD_AUTHORIZATION_REVOKE: r = credit_apply_revoke(c, ctx, &body.revoke); break;
	case CREDIT_CMD_QUERY: r = credit_apply_query(c, ctx, &body.query, &target); break;
	case CREDIT_CMD_OBJECTION_FILE: r = credit_apply_objection(c, ctx, &body.objection, &target); break;
	case CREDIT_CMD_OBJECTION_RESOLVE: r = credit_apply_resolve(c, ctx, &body.resolve); break;
	case CREDIT_CMD_MODEL_CHUNK: r = credit_apply_chunk(c, ctx, &body.chunk); break;
	case CREDIT_CMD_MODEL_ACTIVATE: r = credit_apply_activate(c, ctx, &body.activate); break;
	case CREDIT_CMD_WATCH: r = credit_apply_watch(c, ctx, &body.watch); break;
	case CREDIT_CMD_DECISION_OUTCOME: r = credit_apply_outcome(c, ctx, &body.outcome); break;
	default: SZ_UNREACHABLE();
	}
	if (r != SZ_R_OK)
		return r;
	struct credit_op *o = &c->ops[op];
	*o = (struct credit_op){
		.id = body.id, .fingerprint = fingerprint, .kind = cmd->kind,
		.enterprise = op_enterprise(c, cmd->kind, &body), .target = target,
	};
	int rc = ledger_index_insert(&c->op_index, c->ops, credit_key_op, body.id, op);
	SZ_ASSERT(rc == 0);
	c->op_count++;
	return SZ_R_OK;
}

/* ---- capacity ------------------------------------------------------------------------ */

/* Room for n more entries, bounded by what the array can still take (apply
 * answers SZ_R_LIMIT_REACHED past that, without inserting). */
static uint32_t room_of(uint64_t n, uint32_t count, uint32_t count_max)
{
	SZ_ASSERT(count <= count_max);
	return n < (uint64_t)(count_max - count) ? (uint32_t)n : count_max - count;
}

/* Each command adds at most one op and one enterprise, and at most
 * CREDIT_FEED_IP_COUNT_MAX IP records (an IP feed); a complete model still
 * loading is parsed here, so that its activation allocates nothing. */
int credit_domain_reserve(void *domain_state, uint32_t command_count)
{
	struct credit_domain_state *c = domain_state;
	SZ_ASSERT(c != NULL);
	SZ_ASSERT(c->op_index.count == c->op_count && c->enterprise_index.count == c->enterprise_count);
	int rc = ledger_index_reserve(&c->op_index, c->ops, credit_key_op,
				      room_of(command_count, c->op_count, CREDIT_OP_COUNT_MAX));
	if (rc == 0)
		rc = ledger_index_reserve(&c->enterprise_index, c->enterprises, credit_key_enterprise,
					  room_of(command_count, c->enterprise_count, CREDIT_ENTERPRISE_COUNT_MAX));
	if (rc == 0)
		rc = ledger_index_reserve(&c->ip_index, c->ips, credit_key_ip,
					  room_of((uint64_t)command_count * CREDIT_FEED_IP_COUNT_MAX, c->ip_count,
						  CREDIT_IP_COUNT_MAX));
	for (uint32_t i = 0; i < c->model_count && rc == 0; i++) {
		struct credit_model *m = &c->models[i];
		if (m->info.status == CREDIT_MODEL_LOADING && m->info.received_count == m->info.chunk_count)
			rc = credit_model_prepare(m);
	}
	return rc;
}
