/*
 * domain.c — the credit domain's state, its snapshot and digest, its
 * registration, the read-only queries the HTTP adapter uses, and the periodic rules
 * of batch_begin (purge of negative records after retention, overdue
 * objections). The commands are applied in apply.c. Contract: domain.h.
 *
 * Snapshot section (after the sections of earlier domains), little-endian:
 *   struct credit_counts (counts of every array, the next purge and due
 *   times, magic "CREDITv3")
 *   enterprises, ips, negatives, authorizations, queries, decisions,
 *   objections, warnings, purges, watches, ops: their structs, in order
 *   per model: struct credit_model_info, then total_size bytes of text
 * The reader rebuilds the hash indexes and re-parses active and retired
 * models; the digest hashes the same stream.
 */
#include "credit/domain_internal.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/hash.h"
#include "core/limits.h"
#include "core/results.h"
#include "core/vm.h"
#include "log/snapshot.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct credit_sealed) == 72, "sealed is 72 bytes");
_Static_assert(sizeof(struct credit_enterprise_cmd) == 424, "enterprise command is 424 bytes");
_Static_assert(sizeof(struct credit_feed_head) == 80, "feed head is 80 bytes");
_Static_assert(sizeof(struct credit_tax_cmd) == 280, "tax command is 280 bytes");
_Static_assert(sizeof(struct credit_headcount_cmd) == 272, "headcount command is 272 bytes");
_Static_assert(sizeof(struct credit_cashflow_cmd) == 368, "cash-flow command is 368 bytes");
_Static_assert(sizeof(struct credit_ip_cmd) == 464, "IP command is 464 bytes");
_Static_assert(sizeof(struct credit_innovation_cmd) == 96, "innovation command is 96 bytes");
_Static_assert(sizeof(struct credit_negative_cmd) == 288, "negative command is 288 bytes");
_Static_assert(sizeof(struct credit_authorize_cmd) == 80, "authorize command is 80 bytes");
_Static_assert(sizeof(struct credit_revoke_cmd) == 56, "revoke command is 56 bytes");
_Static_assert(sizeof(struct credit_query_cmd) == 104, "query command is 104 bytes");
_Static_assert(sizeof(struct credit_objection_cmd) == 312, "objection command is 312 bytes");
_Static_assert(sizeof(struct credit_resolve_cmd) == 312, "resolve command is 312 bytes");
_Static_assert(sizeof(struct credit_model_chunk_cmd) == 4064, "model chunk command is 4064 bytes");
_Static_assert(sizeof(struct credit_model_chunk_cmd) + sizeof(sz_command_header) <= SZ_COMMAND_SIZE_MAX,
	       "a model chunk command fits SZ_COMMAND_SIZE_MAX");
_Static_assert(sizeof(struct credit_model_activate_cmd) == 80, "activate command is 80 bytes");
_Static_assert(sizeof(struct credit_watch_cmd) == 48, "watch command is 48 bytes");
_Static_assert(sizeof(struct credit_series) == 392, "series is 392 bytes");
_Static_assert(sizeof(struct credit_feed_mark) == 48, "feed mark is 48 bytes");
_Static_assert(sizeof(struct credit_enterprise) == 2392, "enterprise is 2392 bytes, no padding");
_Static_assert(sizeof(struct credit_ip) == 88, "IP record is 88 bytes");
_Static_assert(sizeof(struct credit_negative) == 288, "negative record is 288 bytes");
_Static_assert(sizeof(struct credit_authorization) == 80, "authorization is 80 bytes");
_Static_assert(sizeof(struct credit_query) == 88, "query is 88 bytes");
_Static_assert(sizeof(struct credit_decision) == 400, "decision is 400 bytes");
_Static_assert(sizeof(struct credit_outcome_cmd) == 48, "outcome command is 48 bytes");
_Static_assert(sizeof(struct credit_shadow) == 80, "a shadow score has no padding");
_Static_assert(CREDIT_FEATURE_COUNT <= 32, "a decision's feature masks are 32 bits");
_Static_assert(sizeof(struct credit_objection) == 608, "objection is 608 bytes");
_Static_assert(sizeof(struct credit_warning) == 56, "warning is 56 bytes");
_Static_assert(sizeof(struct credit_purge) == 40, "purge is 40 bytes");
_Static_assert(sizeof(struct credit_watch) == 40, "watch is 40 bytes");
_Static_assert(sizeof(struct credit_op) == 40, "op is 40 bytes");
_Static_assert(sizeof(struct credit_model_info) == 112, "model info is 112 bytes");

static const struct sz_result_info credit_results[] = {
#define CREDIT_RESULT_INFO(n, name, code, text) { n, code, text },
	CREDIT_RESULT_LIST(CREDIT_RESULT_INFO)
#undef CREDIT_RESULT_INFO
};

/* ---- index keys ----------------------------------------------------------------- */

sz_id credit_key_enterprise(const void *base, uint32_t i) { return ((const struct credit_enterprise *)base)[i].key; }
sz_id credit_key_ip(const void *base, uint32_t i) { return ((const struct credit_ip *)base)[i].key; }
sz_id credit_key_op(const void *base, uint32_t i) { return ((const struct credit_op *)base)[i].id; }

/* Alphabet value of a USCC character, or -1. */
static int uscc_value(char ch)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	const char *p = ch ? strchr(alphabet, ch) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

sz_id credit_uscc_key(const char *uscc)
{
	unsigned __int128 v = 0;
	for (uint32_t i = 0; i < 18; i++) {
		int d = uscc_value(uscc[i]);
		SZ_ASSERT(d >= 0);
		v = v * 31u + (unsigned)d;
	}
	v += 1; /* never zero */
	return sz_id_make((uint64_t)(v >> 64), (uint64_t)v);
}

/* ---- queries ----------------------------------------------------------------- */

const struct credit_domain_state *credit_state_get(const struct sz_state *s)
{
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kind_base == SZ_CMD_CREDIT_BASE)
			return s->domains[i].state;
	return NULL;
}

int64_t credit_enterprise_find(const struct credit_domain_state *c, const char *uscc)
{
	if (credit_uscc_validate(uscc, strlen(uscc), NULL) != CREDIT_USCC_OK)
		return -1;
	return ledger_index_find(&c->enterprise_index, c->enterprises, credit_key_enterprise, credit_uscc_key(uscc));
}

#define AT(name, type, array, count) \
	const type *credit_##name##_at(const struct credit_domain_state *c, uint32_t index) \
	{ \
		SZ_ASSERT(index < c->count); \
		return &c->array[index]; \
	}
AT(enterprise, struct credit_enterprise, enterprises, enterprise_count)
AT(ip, struct credit_ip, ips, ip_count)
AT(negative, struct credit_negative, negatives, negative_count)
AT(authorization, struct credit_authorization, authorizations, authorization_count)
AT(query, struct credit_query, queries, query_count)
AT(decision, struct credit_decision, decisions, decision_count)
AT(objection, struct credit_objection, objections, objection_count)
AT(warning, struct credit_warning, warnings, warning_count)
AT(purge, struct credit_purge, purges, purge_count)
AT(watch, struct credit_watch, watches, watch_count)
AT(op, struct credit_op, ops, op_count)
AT(model, struct credit_model, models, model_count)
#undef AT

uint32_t credit_enterprise_count(const struct credit_domain_state *c) { return c->enterprise_count; }
uint32_t credit_objection_count(const struct credit_domain_state *c) { return c->objection_count; }
uint32_t credit_query_count(const struct credit_domain_state *c) { return c->query_count; }
uint32_t credit_warning_count(const struct credit_domain_state *c) { return c->warning_count; }
uint32_t credit_purge_count(const struct credit_domain_state *c) { return c->purge_count; }
uint32_t credit_model_count(const struct credit_domain_state *c) { return c->model_count; }

int64_t credit_model_active(const struct credit_domain_state *c)
{
	for (uint32_t i = 0; i < c->model_count; i++)
		if (c->models[i].info.status == CREDIT_MODEL_ACTIVE)
			return i;
	return -1;
}

int64_t credit_model_find(const struct credit_domain_state *c, const char *version)
{
	for (uint32_t i = 0; i < c->model_count; i++)
		if (strncmp(c->models[i].info.version, version, CREDIT_VERSION_SIZE) == 0)
			return i;
	return -1;
}

const struct credit_op *credit_op_find(const struct credit_domain_state *c, sz_id id)
{
	int64_t i = ledger_index_find(&c->op_index, c->ops, credit_key_op, id);
	return i < 0 ? NULL : &c->ops[i];
}

int64_t credit_authorization_valid(const struct credit_domain_state *c, uint32_t enterprise, uint64_t tenant_id,
				   uint16_t purpose, uint64_t now_ns)
{
	SZ_ASSERT(enterprise < c->enterprise_count);
	uint32_t link = c->enterprises[enterprise].authorization_head;
	for (uint32_t scanned = 0; link != 0 && scanned < CREDIT_AUTHORIZATION_SCAN_COUNT_MAX; scanned++) {
		const struct credit_authorization *a = &c->authorizations[link - 1];
		SZ_ASSERT(a->enterprise == enterprise);
		if (a->tenant_id == tenant_id && (purpose == 0 || a->purpose == purpose) && a->revoked_ns == 0 &&
		    a->expires_ns > now_ns)
			return link - 1;
		link = a->next;
	}
	return -1;
}

void credit_report_hash(const struct credit_domain_state *c, uint32_t enterprise, uint8_t out[16])
{
	SZ_ASSERT(enterprise < c->enterprise_count);
	const struct credit_enterprise *e = &c->enterprises[enterprise];
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 16);
	crypto_generichash_update(&h, (const uint8_t *)e, offsetof(struct credit_enterprise, heads));
	for (uint32_t link = e->ip_head; link != 0; link = c->ips[link - 1].next)
		crypto_generichash_update(&h, (const uint8_t *)&c->ips[link - 1], sizeof(struct credit_ip));
	for (uint32_t link = e->negative_head; link != 0; link = c->negatives[link - 1].next) {
		const struct credit_negative *n = &c->negatives[link - 1];
		uint16_t flags = c->ops[n->op].flags;
		crypto_generichash_update(&h, (const uint8_t *)n, sizeof *n);
		crypto_generichash_update(&h, (const uint8_t *)&flags, sizeof flags);
	}
	for (uint32_t link = e->objection_head; link != 0; link = c->objections[link - 1].next)
		crypto_generichash_update(&h, (const uint8_t *)&c->objections[link - 1], sizeof(struct credit_objection));
	crypto_generichash_final(&h, out, 16);
}

/* ---- names ----------------------------------------------------------------- */

static const char *name_in(const char *const *names, size_t count, uint32_t first, uint32_t value)
{
	return value >= first && value - first < count ? names[value - first] : NULL;
}

#define NAMES(fn, table, first, ...) \
	const char *const table[] = { __VA_ARGS__, NULL }; \
	const char *fn(uint32_t value) { return name_in(table, sizeof table / sizeof table[0] - 1, (first), value); }
NAMES(credit_feed_kind_name, credit_feed_kind_names, 0, "tax", "headcount", "cashflow", "ip", "innovation", "negative")
NAMES(credit_ip_kind_name, credit_ip_kind_names, 1, "invention", "utility_model", "design", "software_copyright",
      "trademark", "integrated_circuit")
NAMES(credit_negative_kind_name, credit_negative_kind_names, 1, "court_judgment", "overdue_debt", "tax_violation",
      "administrative_penalty", "dishonest_debtor")
NAMES(credit_purpose_name, credit_purpose_names, 1, "loan_approval", "post_loan", "guarantee", "supply_chain")
NAMES(credit_query_kind_name, credit_query_kind_names, 1, "report", "score", "tech_score")
NAMES(credit_warning_kind_name, credit_warning_kind_names, 1, "tax_drop", "headcount_drop", "cashflow_decline",
      "negative_record")
NAMES(credit_tag_name, credit_tag_names, 0, "specialised_new", "little_giant", "high_tech", "tech_sme", "listed")
#undef NAMES

int32_t credit_name_parse(const char *(*name_of)(uint32_t), uint32_t max, const char *name)
{
	for (uint32_t i = 0; i <= max; i++) {
		const char *n = name_of(i);
		if (n != NULL && name != NULL && strcmp(n, name) == 0)
			return (int32_t)i;
	}
	return -1;
}

/* ---- batch_begin: retention and deadlines ------------------------------------------ */

static void purge_due(struct credit_domain_state *c, uint64_t now_ns)
{
	uint64_t next = UINT64_MAX;
	for (uint32_t i = 0; i < c->negative_count; i++) {
		struct credit_negative *n = &c->negatives[i];
		struct credit_op *op = &c->ops[n->op];
		if (op->flags & CREDIT_OP_PURGED)
			continue;
		if (n->purge_at_ns > now_ns) {
			next = n->purge_at_ns < next ? n->purge_at_ns : next;
			continue;
		}
		SZ_ASSERT(c->purge_count < CREDIT_PURGE_COUNT_MAX); /* at most one purge per record */
		c->purges[c->purge_count++] = (struct credit_purge){
			.record_id = n->id, .enterprise = n->enterprise, .kind = n->kind,
			.conduct_ended_day = n->conduct_ended_day, .purged_ns = now_ns,
		};
		if (!(op->flags & CREDIT_OP_WITHDRAWN)) {
			SZ_ASSERT(c->enterprises[n->enterprise].negative_count > 0);
			c->enterprises[n->enterprise].negative_count--;
		}
		op->flags = (uint16_t)((op->flags | CREDIT_OP_PURGED) & ~CREDIT_OP_DISPUTED);
		/* Keep only what the purge log needs: the content is gone. */
		n->amount_fen = 0;
		n->as_of_day = 0;
		memset(n->source, 0, sizeof n->source);
		memset(n->reference, 0, sizeof n->reference);
		memset(n->summary, 0, sizeof n->summary);
	}
	c->next_purge_ns = next;
}

static void mark_overdue(struct credit_domain_state *c, uint64_t now_ns)
{
	uint64_t next = UINT64_MAX;
	for (uint32_t i = 0; i < c->objection_count; i++) {
		struct credit_objection *o = &c->objections[i];
		if (o->outcome != 0 || o->overdue_ns != 0)
			continue;
		if (o->due_ns <= now_ns)
			o->overdue_ns = now_ns;
		else if (o->due_ns < next)
			next = o->due_ns;
	}
	c->next_due_ns = next;
}

static void credit_batch_begin(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx)
{
	(void)s;
	struct credit_domain_state *c = domain_state;
	if (ctx->batch_time_ns >= c->next_purge_ns)
		purge_due(c, ctx->batch_time_ns);
	if (ctx->batch_time_ns >= c->next_due_ns)
		mark_overdue(c, ctx->batch_time_ns);
}

/* ---- snapshot and digest ------------------------------------------------------------ */

/* "CREDITv3", little-endian. v2: decisions hold fixed-point integers where
 * v1 held doubles (score, probability, points lost, inputs); v3: decisions
 * also hold the challenger's shadow score (struct credit_shadow) and the
 * observed outcome. An older
 * section is refused as not a credit section. */
#define CREDIT_SNAP_MAGIC 0x3376544944455243ull

struct credit_counts {
	uint64_t enterprises, ips, negatives, authorizations, queries, decisions, objections, warnings, purges,
		watches, ops, models, next_purge_ns, next_due_ns, magic;
};

static void counts_of(const struct credit_domain_state *c, struct credit_counts *n)
{
	*n = (struct credit_counts){
		.enterprises = c->enterprise_count, .ips = c->ip_count, .negatives = c->negative_count,
		.authorizations = c->authorization_count, .queries = c->query_count, .decisions = c->decision_count,
		.objections = c->objection_count, .warnings = c->warning_count, .purges = c->purge_count,
		.watches = c->watch_count, .ops = c->op_count, .models = c->model_count,
		.next_purge_ns = c->next_purge_ns, .next_due_ns = c->next_due_ns, .magic = CREDIT_SNAP_MAGIC,
	};
}

typedef int (*emit_fn)(void *ctx, const void *data, size_t size);

static int emit_state(const struct credit_domain_state *c, emit_fn emit, void *ctx)
{
	struct credit_counts n;
	counts_of(c, &n);
	int rc = emit(ctx, &n, sizeof n);
#define EMIT_ARRAY(arr, count) \
	if (rc == 0 && (count) > 0) \
		rc = emit(ctx, (arr), sizeof((arr)[0]) * (size_t)(count));
	EMIT_ARRAY(c->enterprises, c->enterprise_count)
	EMIT_ARRAY(c->ips, c->ip_count)
	EMIT_ARRAY(c->negatives, c->negative_count)
	EMIT_ARRAY(c->authorizations, c->authorization_count)
	EMIT_ARRAY(c->queries, c->query_count)
	EMIT_ARRAY(c->decisions, c->decision_count)
	EMIT_ARRAY(c->objections, c->objection_count)
	EMIT_ARRAY(c->warnings, c->warning_count)
	EMIT_ARRAY(c->purges, c->purge_count)
	EMIT_ARRAY(c->watches, c->watch_count)
	EMIT_ARRAY(c->ops, c->op_count)
#undef EMIT_ARRAY
	for (uint32_t i = 0; i < c->model_count && rc == 0; i++) {
		rc = emit(ctx, &c->models[i].info, sizeof c->models[i].info);
		if (rc == 0)
			rc = emit(ctx, c->models[i].text, c->models[i].info.total_size);
	}
	return rc;
}

static int emit_snap(void *ctx, const void *data, size_t size) { return sz_snap_write(ctx, data, size); }

static int emit_hash(void *ctx, const void *data, size_t size)
{
	crypto_generichash_update(ctx, data, size);
	return 0;
}

static int credit_snapshot_write(const void *domain_state, struct sz_snap *f)
{
	return emit_state(domain_state, emit_snap, f);
}

static void credit_digest(const void *domain_state, void *blake2b_state)
{
	crypto_generichash_update(blake2b_state, (const unsigned char *)"credit", 6);
	int rc = emit_state(domain_state, emit_hash, blake2b_state);
	SZ_ASSERT(rc == 0);
}

static int credit_snapshot_read(void *domain_state, struct sz_snap *f)
{
	struct credit_domain_state *c = domain_state;
	SZ_ASSERT(c->enterprise_count == 0 && c->op_count == 0 && c->model_count == 0);
	struct credit_counts n;
	int rc = sz_snap_read(f, &n, sizeof n);
	if (rc)
		return rc;
	if (n.magic != CREDIT_SNAP_MAGIC || n.enterprises > CREDIT_ENTERPRISE_COUNT_MAX || n.ips > CREDIT_IP_COUNT_MAX ||
	    n.negatives > CREDIT_NEGATIVE_COUNT_MAX || n.authorizations > CREDIT_AUTHORIZATION_COUNT_MAX ||
	    n.queries > CREDIT_QUERY_COUNT_MAX || n.decisions > CREDIT_DECISION_COUNT_MAX ||
	    n.objections > CREDIT_OBJECTION_COUNT_MAX || n.warnings > CREDIT_WARNING_COUNT_MAX ||
	    n.purges > CREDIT_PURGE_COUNT_MAX || n.watches > CREDIT_WATCH_COUNT_MAX || n.ops > CREDIT_OP_COUNT_MAX ||
	    n.models > CREDIT_MODEL_COUNT_MAX)
		return SZ_ECORRUPT;
#define READ_ARRAY(arr, count, field) \
	if (rc == 0 && (count) > 0) \
		rc = sz_snap_read(f, (arr), sizeof((arr)[0]) * (size_t)(count)); \
	c->field = (uint32_t)(count);
	READ_ARRAY(c->enterprises, n.enterprises, enterprise_count)
	READ_ARRAY(c->ips, n.ips, ip_count)
	READ_ARRAY(c->negatives, n.negatives, negative_count)
	READ_ARRAY(c->authorizations, n.authorizations, authorization_count)
	READ_ARRAY(c->queries, n.queries, query_count)
	READ_ARRAY(c->decisions, n.decisions, decision_count)
	READ_ARRAY(c->objections, n.objections, objection_count)
	READ_ARRAY(c->warnings, n.warnings, warning_count)
	READ_ARRAY(c->purges, n.purges, purge_count)
	READ_ARRAY(c->watches, n.watches, watch_count)
	READ_ARRAY(c->ops, n.ops, op_count)
#undef READ_ARRAY
	if (rc)
		return rc;
	c->next_purge_ns = n.next_purge_ns;
	c->next_due_ns = n.next_due_ns;
	for (uint64_t i = 0; i < n.models && rc == 0; i++) {
		struct credit_model *m = &c->models[i];
		if ((rc = sz_snap_read(f, &m->info, sizeof m->info)))
			break;
		if (m->info.total_size == 0 || m->info.total_size > CREDIT_MODEL_SIZE_MAX)
			return SZ_ECORRUPT;
		m->text = credit_model_text_slot(c, c->model_count);
		c->model_count++;
		if ((rc = sz_snap_read(f, m->text, m->info.total_size)))
			break;
		if (m->info.status == CREDIT_MODEL_LOADING)
			continue; /* prepared by the reserve once complete */
		if (m->info.received_count != m->info.chunk_count)
			return SZ_ECORRUPT;
		if ((rc = credit_model_prepare(m)))
			break;
		if (m->prepare_result != SZ_R_OK)
			return SZ_ECORRUPT;
	}
	for (uint32_t i = 0; i < c->enterprise_count && rc == 0; i++)
		rc = ledger_index_insert(&c->enterprise_index, c->enterprises, credit_key_enterprise,
					 c->enterprises[i].key, i);
	for (uint32_t i = 0; i < c->ip_count && rc == 0; i++)
		rc = ledger_index_insert(&c->ip_index, c->ips, credit_key_ip, c->ips[i].key, i);
	for (uint32_t i = 0; i < c->op_count && rc == 0; i++)
		rc = ledger_index_insert(&c->op_index, c->ops, credit_key_op, c->ops[i].id, i);
	return rc;
}

/* Every enterprise's negative_count equals its records that are neither
 * purged nor withdrawn; at most one model is active; chains stay inside
 * their arrays. */
static int credit_check_invariants(const struct sz_state *s, const void *domain_state, char *why, size_t why_size)
{
	(void)s;
	const struct credit_domain_state *c = domain_state;
	uint64_t live = 0, counted = 0;
	for (uint32_t i = 0; i < c->negative_count; i++)
		if (!(c->ops[c->negatives[i].op].flags & (CREDIT_OP_PURGED | CREDIT_OP_WITHDRAWN)))
			live++;
	for (uint32_t i = 0; i < c->enterprise_count; i++) {
		const struct credit_enterprise *e = &c->enterprises[i];
		counted += e->negative_count;
		if (e->ip_head > c->ip_count || e->negative_head > c->negative_count ||
		    e->authorization_head > c->authorization_count || e->query_head > c->query_count ||
		    e->objection_head > c->objection_count || e->warning_head > c->warning_count ||
		    e->watch_head > c->watch_count) {
			snprintf(why, why_size, "credit: enterprise %u has a chain head past its array", i);
			return SZ_ECORRUPT;
		}
	}
	if (live != counted) {
		snprintf(why, why_size, "credit: %llu live negative records, enterprises count %llu",
			 (unsigned long long)live, (unsigned long long)counted);
		return SZ_ECORRUPT;
	}
	uint32_t active = 0;
	for (uint32_t i = 0; i < c->model_count; i++)
		active += c->models[i].info.status == CREDIT_MODEL_ACTIVE;
	if (active > 1) {
		snprintf(why, why_size, "credit: %u active models", active);
		return SZ_ECORRUPT;
	}
	return 0;
}

/* ---- lifecycle -------------------------------------------------------------------- */

#define VM_SIZE(type, count) ((size_t)(count) * sizeof(type))
/* Every model version's text at its largest, reserved once (32 MiB of
 * address space; only the pages chunks write are touched), so that a chunk
 * command never allocates in apply. */
#define MODEL_TEXT_SIZE ((size_t)CREDIT_MODEL_COUNT_MAX * CREDIT_MODEL_SIZE_MAX)
#define CREDIT_ARRAYS(X) \
	X(enterprises, struct credit_enterprise, CREDIT_ENTERPRISE_COUNT_MAX) \
	X(ips, struct credit_ip, CREDIT_IP_COUNT_MAX) \
	X(negatives, struct credit_negative, CREDIT_NEGATIVE_COUNT_MAX) \
	X(authorizations, struct credit_authorization, CREDIT_AUTHORIZATION_COUNT_MAX) \
	X(queries, struct credit_query, CREDIT_QUERY_COUNT_MAX) \
	X(decisions, struct credit_decision, CREDIT_DECISION_COUNT_MAX) \
	X(objections, struct credit_objection, CREDIT_OBJECTION_COUNT_MAX) \
	X(warnings, struct credit_warning, CREDIT_WARNING_COUNT_MAX) \
	X(purges, struct credit_purge, CREDIT_PURGE_COUNT_MAX) \
	X(watches, struct credit_watch, CREDIT_WATCH_COUNT_MAX) \
	X(ops, struct credit_op, CREDIT_OP_COUNT_MAX)

uint8_t *credit_model_text_slot(struct credit_domain_state *c, uint32_t i)
{
	SZ_ASSERT(c->model_text != NULL);
	SZ_ASSERT(i < CREDIT_MODEL_COUNT_MAX);
	return c->model_text + (size_t)i * CREDIT_MODEL_SIZE_MAX;
}

/* The text slot stays reserved; it is zeroed for the next model there. */
void credit_model_release(struct credit_model *m)
{
	if (m->text != NULL)
		memset(m->text, 0, m->info.total_size);
	free(m->feature_of);
	scorecard_model_release(&m->parsed);
	memset(m, 0, sizeof *m);
}

static void credit_release(void *domain_state)
{
	struct credit_domain_state *c = domain_state;
	if (c == NULL)
		return;
#define RELEASE(field, type, max) sz_vm_release(c->field, VM_SIZE(type, max));
	CREDIT_ARRAYS(RELEASE)
#undef RELEASE
	for (uint32_t i = 0; i < c->model_count; i++)
		credit_model_release(&c->models[i]);
	sz_vm_release(c->model_text, VM_SIZE(uint8_t, MODEL_TEXT_SIZE));
	ledger_index_release(&c->enterprise_index);
	ledger_index_release(&c->ip_index);
	ledger_index_release(&c->op_index);
	free(c);
}

int credit_domain_register(struct sz_state *s)
{
	sz_result_register(credit_results, sizeof credit_results / sizeof credit_results[0]);
	struct credit_domain_state *c = calloc(1, sizeof *c);
	if (c == NULL)
		return SZ_ENOMEM;
	c->next_purge_ns = UINT64_MAX;
	c->next_due_ns = UINT64_MAX;
	int rc = SZ_ENOMEM;
#define RESERVE(field, type, max) \
	if ((c->field = sz_vm_reserve(VM_SIZE(type, max))) == NULL) \
		goto fail;
	CREDIT_ARRAYS(RESERVE)
#undef RESERVE
	if ((c->model_text = sz_vm_reserve(VM_SIZE(uint8_t, MODEL_TEXT_SIZE))) == NULL)
		goto fail;
	if (ledger_index_init(&c->enterprise_index, 0) || ledger_index_init(&c->ip_index, 0) ||
	    ledger_index_init(&c->op_index, 0))
		goto fail;
	struct sz_domain d = {
		.name = "credit",
		.kind_base = SZ_CMD_CREDIT_BASE,
		.state = c,
		.apply = credit_apply,
		.batch_begin = credit_batch_begin,
		.snapshot_write = credit_snapshot_write,
		.snapshot_read = credit_snapshot_read,
		.digest = credit_digest,
		.check_invariants = credit_check_invariants,
		.release = credit_release,
		.reserve = credit_domain_reserve,
	};
	if ((rc = sz_state_register(s, &d)))
		goto fail;
	return 0;
fail:
	credit_release(c);
	return rc;
}
