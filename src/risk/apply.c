/*
 * apply.c — the risk domain's deterministic side: the transfer hook (check:
 * judge and maybe interdict; observe: count and alert), rule-set
 * activation, the account and pair tables, and registration.
 *
 * Which transfers: a single transfer and the post of a pending one move
 * money and are judged (the post with the amount it moves); a pending
 * transfer, a void and an expiry move nothing and pass unjudged. With no
 * rule set in force nothing is judged or counted.
 *
 * Rollback: observe journals every change (a chain that fails later undoes
 * the counting and the alerts with the ledger). A refusal is recorded by
 * check WITHOUT journalling, in its own table: the refused command fails
 * and is rolled back, but the record that it was refused must stay. Replay
 * repeats the same refusals, so the state stays deterministic.
 */
#include "risk/internal.h"
#include "risk/ext.h"
#include "core/assert.h"
#include "core/errors.h"
#include "core/results.h"
#include "core/vm.h"
#include "engine/hooks.h"
#include "engine/journal.h"
#include "engine/state.h"

#include <stdlib.h>
#include <string.h>

/* Screening scores are per mille (risk/screen.h, which apply does not include). */
#define SCREEN_SCORE_LIMIT 1000u

static const struct sz_result_info risk_results[] = {
#define RISK_RESULT_INFO(n, name, code, text) { n, code, text },
	RISK_RESULT_LIST(RISK_RESULT_INFO)
#undef RISK_RESULT_INFO
};

static uint64_t hash_pair(uint32_t a, uint32_t b)
{
	uint64_t h = ((uint64_t)a << 32 | b) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 31);
}

/* ---- account and pair tables --------------------------------------------- */

/* The slot holding id, or the empty slot where it would go. */
static uint32_t *account_slot(const struct risk_state *st, sz_id id)
{
	uint32_t i = (uint32_t)(risk_hash_id(id) & (RISK_ACCOUNT_SLOT_COUNT - 1));
	for (;;) {
		uint32_t *slot = &st->account_slots[i];
		if (*slot == 0 || sz_id_eq(st->accounts[*slot - 1].account_id, id))
			return slot;
		i = (i + 1) & (RISK_ACCOUNT_SLOT_COUNT - 1);
	}
}

const struct risk_account *risk_account_find(const struct risk_state *st, sz_id account_id)
{
	SZ_ASSERT(st != NULL);
	uint32_t slot = *account_slot(st, account_id);
	return slot ? &st->accounts[slot - 1] : NULL;
}

/* The record at an index slot of a's id (found by account_slot), added
 * (journalled) if the slot is empty; NULL if the table is full. */
static struct risk_account *account_at_slot(struct risk_state *st, uint32_t *slot, const sz_account *a,
					    uint32_t *index)
{
	if (*slot == 0) {
		if (st->account_count == RISK_ACCOUNT_COUNT_MAX)
			return NULL;
		struct risk_account *r = &st->accounts[st->account_count];
		SZ_ASSERT(sz_id_is_zero(r->account_id));
		sz_journal(slot, sizeof *slot);
		SZ_JOURNAL_FIELD(st->account_count);
		sz_journal(r, sizeof *r);
		r->account_id = a->id;
		r->tenant_id = a->tenant_id;
		*slot = ++st->account_count;
	}
	SZ_ASSERT(sz_id_eq(st->accounts[*slot - 1].account_id, a->id));
	*index = *slot - 1;
	return &st->accounts[*slot - 1];
}

/* The record of an account id, added (journalled) if new: for commands that
 * name an account before any transfer does (RISK_CMD_DECLARE). NULL if the
 * table is full. */
struct risk_account *risk_account_ensure(struct risk_state *st, sz_id id, uint64_t tenant_id, uint32_t *index)
{
	SZ_ASSERT(st != NULL && index != NULL);
	sz_account a = { .id = id, .tenant_id = tenant_id };
	st->scratch.valid = false; /* a judged transfer's slots may change */
	return account_at_slot(st, account_slot(st, id), &a, index);
}

/* A pair's key in the pair index: never 0 (the empty slot). */
static uint64_t pair_key(uint32_t payer, uint32_t payee)
{
	return ((uint64_t)payer + 1u) << 32 | ((uint64_t)payee + 1u);
}

/* The slot holding the pair's key, or the empty slot where it would go: the
 * keys are in the slots, so a probe reads no pair record. */
static uint64_t *pair_slot(const struct risk_state *st, uint32_t payer, uint32_t payee)
{
	uint64_t key = pair_key(payer, payee);
	uint32_t i = (uint32_t)(hash_pair(payer, payee) & (RISK_PAIR_SLOT_COUNT - 1));
	for (;;) {
		uint64_t *slot = &st->pair_slots[i];
		if (*slot == 0 || *slot == key)
			return slot;
		i = (i + 1) & (RISK_PAIR_SLOT_COUNT - 1);
	}
}

static void pair_add(struct risk_state *st, uint64_t *slot, uint32_t payer, uint32_t payee, uint64_t time_ns)
{
	SZ_ASSERT(slot != NULL && payer != payee);
	if (*slot != 0)
		return;
	if (st->pair_count == RISK_PAIR_COUNT_MAX) {
		SZ_JOURNAL_FIELD(st->pair_overflow_count);
		st->pair_overflow_count++;
		return;
	}
	struct risk_pair *p = &st->pairs[st->pair_count];
	sz_journal(p, sizeof *p);
	sz_journal(slot, sizeof *slot);
	SZ_JOURNAL_FIELD(st->pair_count);
	*p = (struct risk_pair){ payer, payee, time_ns };
	*slot = pair_key(payer, payee);
	st->pair_count++;
}

/* ---- versions ------------------------------------------------------------- */

const struct risk_ruleset *risk_ruleset_in_force(const struct risk_state *st, uint64_t time_ns)
{
	SZ_ASSERT(st != NULL);
	SZ_ASSERT(st->version_count <= RISK_VERSION_COUNT_MAX);
	for (uint32_t i = st->version_count; i > 0; i--)
		if (st->versions[i - 1].effective_ns <= time_ns)
			return &st->versions[i - 1];
	return NULL;
}

static uint32_t ruleset_activate(struct risk_state *st, const struct sz_apply_ctx *ctx, const struct risk_ruleset *in)
{
	if (risk_ruleset_check(in, NULL, 0) != 0)
		return RISK_R_RULESET_INVALID;
	if (st->version_count > 0 && in->version <= st->versions[st->version_count - 1].version)
		return RISK_R_VERSION_NOT_NEWER;
	uint64_t effective = in->effective_ns == 0 ? ctx->batch_time_ns : in->effective_ns;
	if (effective < ctx->batch_time_ns ||
	    (st->version_count > 0 && effective < st->versions[st->version_count - 1].effective_ns))
		return RISK_R_EFFECTIVE_IN_PAST;
	if (st->version_count == RISK_VERSION_COUNT_MAX) {
		/* Drop the oldest version if the next one has superseded it. */
		if (st->versions[1].effective_ns > ctx->batch_time_ns)
			return RISK_R_VERSION_TABLE_FULL;
		sz_journal(st->versions, sizeof st->versions);
		SZ_JOURNAL_FIELD(st->version_count);
		memmove(&st->versions[0], &st->versions[1], (RISK_VERSION_COUNT_MAX - 1) * sizeof st->versions[0]);
		st->version_count--;
	}
	struct risk_ruleset *slot = &st->versions[st->version_count];
	st->scratch.plan_valid = false; /* even if this batch is rolled back: rebuilt when next needed */
	sz_journal(slot, sizeof *slot);
	SZ_JOURNAL_FIELD(st->version_count);
	*slot = *in;
	slot->effective_ns = effective;
	st->version_count++;
	return SZ_R_OK;
}

/* ---- judging -------------------------------------------------------------- */

static bool moves_money(const sz_transfer *t)
{
	return (t->flags & (SZ_TRANSFER_PENDING | SZ_TRANSFER_VOID_PENDING)) == 0;
}

static void txn_of(struct risk_txn *x, const struct sz_apply_ctx *ctx, const sz_transfer *t, const sz_account *debit,
		   const sz_account *credit)
{
	*x = (struct risk_txn){
		.transfer_id = t->id, .payer_id = debit->id, .payee_id = credit->id, .amount_minor = t->amount,
		.time_ns = t->timestamp != 0 ? t->timestamp : ctx->timestamp_ns, .currency = debit->currency,
		.code = t->code, .payer_kind = debit->kind, .payee_kind = credit->kind,
		.payer_tenant_id = debit->tenant_id,
	};
}

/* Judge x into the scratch verdicts (reused by observe for the same transfer). */
static const struct risk_verdict *judge(struct risk_state *st, const struct risk_ruleset *rs,
					const struct risk_txn *x)
{
	if (st->scratch.valid && sz_id_eq(st->scratch.transfer_id, x->transfer_id) &&
	    st->scratch.time_ns == x->time_ns && st->scratch.version == rs->version)
		return st->scratch.verdicts;
	uint32_t *payer_slot = account_slot(st, x->payer_id), *payee_slot = account_slot(st, x->payee_id);
	const struct risk_account *payer = *payer_slot ? &st->accounts[*payer_slot - 1] : NULL;
	const struct risk_account *payee = *payee_slot ? &st->accounts[*payee_slot - 1] : NULL;
	uint64_t *pair = payer && payee ? pair_slot(st, *payer_slot - 1, *payee_slot - 1) : NULL;
	struct risk_view v = { payer, payee, pair == NULL || *pair == 0, payer ? &st->ext[*payer_slot - 1] : NULL,
			       payee ? &st->ext[*payee_slot - 1] : NULL };
	if (!st->scratch.plan_valid || st->scratch.plan.version != rs->version) {
		risk_plan_build(rs, &st->scratch.plan);
		st->scratch.plan_valid = true;
	}
	risk_eval_typologies_planned(rs, &st->scratch.plan, x, &v, st->scratch.verdicts);
	st->scratch.payer_slot = payer_slot;
	st->scratch.payee_slot = payee_slot;
	st->scratch.pair_slot = pair;
	st->scratch.transfer_id = x->transfer_id;
	st->scratch.time_ns = x->time_ns;
	st->scratch.version = rs->version;
	st->scratch.valid = true;
	return st->scratch.verdicts;
}

static void alert_fill(struct risk_alert *a, const struct risk_ruleset *rs, const struct risk_typology *ty,
		       const struct risk_verdict *v, const struct risk_txn *x, const struct risk_account *payer)
{
	*a = (struct risk_alert){
		.time_ns = x->time_ns, .transfer_id = x->transfer_id, .payer_id = x->payer_id, .payee_id = x->payee_id,
		.amount_minor = x->amount_minor, .tenant_id = x->payer_tenant_id, .currency = x->currency,
		.ruleset_version = rs->version, .typology_id = ty->typology_id, .interdicted = v->interdict,
		.report = ty->report, .code = x->code, .party_mask = (uint16_t)risk_eval_party_mask(rs, x),
		.score = v->score, .contribution_count = v->contribution_count,
	};
	SZ_ASSERT(v->contribution_count <= RISK_TYPOLOGY_RULE_COUNT_MAX);
	memcpy(a->contributions, v->contributions, v->contribution_count * sizeof a->contributions[0]);
	if (ty->report != RISK_REPORT_NONE)
		a->report_due_ns = risk_due_after_working_days(x->time_ns, rs->report_due_working_days);
	if (payer == NULL)
		return;
	bool today = payer->day == risk_day_of(x->time_ns);
	a->base_day_out_sum_minor = today ? payer->day_out_sum_minor : 0;
	a->base_day_out_count = today ? payer->day_out_count : 0;
	int32_t d = risk_day_of(x->time_ns);
	a->base_hist_day_count = payer->last_activity_ns && d > payer->first_day ? (uint32_t)(d - payer->first_day) : 0;
	a->base_hist_out_sum_minor = payer->hist_out_sum_minor + (today ? 0 : payer->day_out_sum_minor);
	a->base_last_activity_ns = payer->last_activity_ns;
	memcpy(a->evidence_transfer_id, payer->recent_transfer_id, sizeof a->evidence_transfer_id);
}

/* Record the refusal of x (not journalled: see the file comment). */
static void refusal_record(struct risk_state *st, const struct risk_ruleset *rs, const struct risk_verdict *verdicts,
			   const struct risk_txn *x)
{
	for (uint32_t t = 0; t < rs->typology_count; t++) {
		if (!verdicts[t].interdict)
			continue;
		if (st->refusal_count == RISK_REFUSAL_COUNT_MAX) {
			st->refusal_dropped_count++;
			return;
		}
		struct risk_alert *a = &st->refusals[st->refusal_count];
		alert_fill(a, rs, &rs->typologies[t], &verdicts[t], x, risk_account_find(st, x->payer_id));
		a->alert_no = RISK_REFUSAL_NO_BASE + ++st->refusal_count;
		return; /* one refusal per transfer: the first typology that interdicts */
	}
}

static uint32_t risk_check(void *hook_state, const struct sz_apply_ctx *ctx, const sz_transfer *t,
			   const sz_account *debit, const sz_account *credit)
{
	struct risk_state *st = hook_state;
	SZ_ASSERT(st != NULL && ctx != NULL);
	if (!moves_money(t))
		return SZ_R_OK;
	const struct risk_ruleset *rs = risk_ruleset_in_force(st, ctx->batch_time_ns);
	if (rs == NULL)
		return SZ_R_OK;
	struct risk_txn x;
	txn_of(&x, ctx, t, debit, credit);
	const struct risk_verdict *v = judge(st, rs, &x);
	for (uint32_t i = 0; i < rs->typology_count; i++)
		if (v[i].interdict) {
			refusal_record(st, rs, v, &x);
			st->scratch.valid = false;
			return RISK_R_INTERDICTED;
		}
	return SZ_R_OK;
}

static void alerts_store(struct risk_state *st, const struct risk_ruleset *rs, const struct risk_verdict *v,
			 const struct risk_txn *x, const struct risk_account *payer)
{
	for (uint32_t t = 0; t < rs->typology_count; t++) {
		if (!v[t].alert)
			continue;
		if (st->alert_count == RISK_ALERT_COUNT_MAX) {
			SZ_JOURNAL_FIELD(st->alert_dropped_count);
			st->alert_dropped_count++;
			continue;
		}
		struct risk_alert *a = &st->alerts[st->alert_count];
		sz_journal(a, sizeof *a);
		SZ_JOURNAL_FIELD(st->alert_count);
		alert_fill(a, rs, &rs->typologies[t], &v[t], x, payer);
		a->alert_no = ++st->alert_count;
	}
}

/* Journal what risk_account_add(a, time_ns) may change: the day figures
 * and baseline before the buckets (160 bytes), the leading buckets it may
 * move or change (most often the first alone), and the payer's recent
 * transfers. */
static void journal_account(struct risk_account *a, uint64_t time_ns, bool as_payer)
{
	SZ_ASSERT(a != NULL);
	uint32_t buckets = risk_account_bucket_change_count(a, time_ns);
	SZ_ASSERT(buckets >= 1 && buckets <= RISK_BUCKET_COUNT);
	sz_journal(a, offsetof(struct risk_account, buckets));
	sz_journal(a->buckets, buckets * sizeof a->buckets[0]);
	if (as_payer)
		sz_journal(a->recent_transfer_id, sizeof a->recent_transfer_id);
}

/* The ext.h counters of both accounts (only while a rule reads them);
 * journalled: the digits and month sums, and the remitters when x is
 * cross-border. */
static void ext_observe(struct risk_state *st, const struct risk_ruleset *rs, const struct risk_txn *x,
			struct risk_account_ext *payer, struct risk_account_ext *payee)
{
	SZ_ASSERT(st != NULL && x != NULL);
	size_t head = offsetof(struct risk_account_ext, remitters);
	bool xborder = risk_txn_cross_border(rs, x);
	if (payer != NULL) {
		sz_journal(payer, head);
		risk_ext_add(rs, payer, x, true);
	}
	if (payee != NULL) {
		sz_journal(payee, xborder ? sizeof *payee : head);
		risk_ext_add(rs, payee, x, false);
	}
}

static void risk_observe(void *hook_state, const struct sz_apply_ctx *ctx, const sz_transfer *t,
			 const sz_account *debit, const sz_account *credit)
{
	struct risk_state *st = hook_state;
	SZ_ASSERT(st != NULL && ctx != NULL);
	if (!moves_money(t))
		return;
	const struct risk_ruleset *rs = risk_ruleset_in_force(st, ctx->batch_time_ns);
	if (rs == NULL)
		return;
	struct risk_txn x;
	txn_of(&x, ctx, t, debit, credit);
	const struct risk_verdict *v = judge(st, rs, &x);
	uint32_t *payer_slot = st->scratch.payer_slot, *payee_slot = st->scratch.payee_slot;
	uint64_t *pair = st->scratch.pair_slot;
	st->scratch.valid = false;
	alerts_store(st, rs, v, &x, *payer_slot ? &st->accounts[*payer_slot - 1] : NULL);
	uint32_t payer_index = 0, payee_index = 0;
	bool payee_was_new = *payee_slot == 0;
	struct risk_account *payer = account_at_slot(st, payer_slot, debit, &payer_index);
	if (payee_was_new) /* the payer may have taken the empty slot the payee would have had */
		payee_slot = account_slot(st, credit->id);
	struct risk_account *payee = account_at_slot(st, payee_slot, credit, &payee_index);
	if (payer == NULL || payee == NULL) {
		SZ_JOURNAL_FIELD(st->unmonitored_count);
		st->unmonitored_count++;
	}
	if (pair == NULL && payer != NULL && payee != NULL)
		pair = pair_slot(st, payer_index, payee_index);
	bool pair_new = pair == NULL || *pair == 0;
	if (payer != NULL) {
		journal_account(payer, x.time_ns, true);
		risk_account_add(rs, payer, &x, true, pair_new);
	}
	if (payee != NULL) {
		journal_account(payee, x.time_ns, false);
		risk_account_add(rs, payee, &x, false, pair_new);
	}
	if (payer != NULL && payee != NULL)
		pair_add(st, pair, payer_index, payee_index, x.time_ns);
	if (st->scratch.plan.uses_ext)
		ext_observe(st, rs, &x, payer ? &st->ext[payer_index] : NULL, payee ? &st->ext[payee_index] : NULL);
}

/* Cache hints for a transfer some places ahead (hooks.h): stage 1 the two
 * account index slots; stage 2 the records they name and the pair's index
 * slot. Of a record, the day figures and the first buckets (what the
 * windows of the rule sets read most often: the hours with activity,
 * newest first), and of the payer's its recent transfers too. Only the
 * first probe of each slot is hinted; reads nothing it would change. */
#define PREFETCH_RECORD_LINES 5u /* the day figures (160 bytes) and the first 5 buckets */
_Static_assert(PREFETCH_RECORD_LINES * 64 >= RISK_ACCOUNT_BUCKETS_OFFSET + 5 * sizeof(struct risk_bucket), "5 buckets");

/* A macro, not a function: GCC finds a function that only prefetches free
 * of side effects and deletes the calls to it (a helper here once hinted
 * nothing at all). */
#define PREFETCH_RECORD(rec, as_payer) \
	do { \
		const char *r_ = (const char *)(rec); \
		__builtin_prefetch(r_); \
		__builtin_prefetch(r_ + 64); \
		__builtin_prefetch(r_ + 128); \
		__builtin_prefetch(r_ + 192); \
		__builtin_prefetch(r_ + 256); \
		if (as_payer) \
			__builtin_prefetch((rec)->recent_transfer_id); \
	} while (0)

static void risk_prefetch(const void *hook_state, const sz_transfer *t, int stage)
{
	const struct risk_state *st = hook_state;
	SZ_ASSERT(st != NULL && t != NULL);
	if (st->version_count == 0 || !moves_money(t))
		return;
	uint32_t d = (uint32_t)(risk_hash_id(t->debit_account_id) & (RISK_ACCOUNT_SLOT_COUNT - 1));
	uint32_t c = (uint32_t)(risk_hash_id(t->credit_account_id) & (RISK_ACCOUNT_SLOT_COUNT - 1));
	if (stage == 1) {
		__builtin_prefetch(&st->account_slots[d]);
		__builtin_prefetch(&st->account_slots[c]);
		return;
	}
	uint32_t ds = st->account_slots[d], cs = st->account_slots[c];
	if (ds != 0)
		PREFETCH_RECORD(&st->accounts[ds - 1], true);
	if (cs != 0)
		PREFETCH_RECORD(&st->accounts[cs - 1], false);
	if (ds != 0 && cs != 0)
		__builtin_prefetch(&st->pair_slots[hash_pair(ds - 1, cs - 1) & (RISK_PAIR_SLOT_COUNT - 1)]);
	if (st->scratch.plan_valid && st->scratch.plan.uses_ext) { /* ext_observe writes both ext records: the line each starts in */
		if (ds != 0)
			__builtin_prefetch(&st->ext[ds - 1]);
		if (cs != 0)
			__builtin_prefetch(&st->ext[cs - 1]);
	}
}

/* ---- pages faulted in ahead (off the engine thread) ----------------------- */

/* How far ahead of the counts the record arrays are kept faulted in: more
 * than a batch can add (two accounts, one pair and a few alerts per
 * transfer), so that a populate pass a batch late still keeps ahead. */
#define POPULATE_AHEAD_ACCOUNT_COUNT (1u << 15) /* 31 MiB of account records */
#define POPULATE_AHEAD_PAIR_COUNT (1u << 16)    /* 1 MiB of pairs */
#define POPULATE_AHEAD_ALERT_COUNT (1u << 14)   /* 5.3 MiB of alerts */

/* Between batches, on the engine thread: tell the populating thread how
 * far the arrays have grown. Nothing to reserve: the arrays are mapped whole. */
static int risk_reserve(void *domain_state, uint32_t command_count)
{
	struct risk_state *st = domain_state;
	SZ_ASSERT(st != NULL && command_count <= SZ_BATCH_COMMAND_COUNT_MAX);
	atomic_store_explicit(&st->hint_active, st->version_count > 0, memory_order_relaxed);
	atomic_store_explicit(&st->hint_account_count, st->account_count, memory_order_relaxed);
	atomic_store_explicit(&st->hint_pair_count, st->pair_count, memory_order_relaxed);
	atomic_store_explicit(&st->hint_alert_count, st->alert_count, memory_order_relaxed);
	return 0;
}

/* The engine's second thread (state.h). Once a rule set is in force every
 * transfer writes two random slots of the account index and one of the pair
 * index: within a few thousand transfers every 2 MiB page of both is
 * written, so both are faulted in whole, once (144 MiB). The record arrays
 * grow at their ends and are kept faulted in ahead. MADV_POPULATE_WRITE only
 * faults pages in: it never changes their contents, so the engine thread
 * may be writing other slots of the same pages meanwhile (the kernel
 * serialises the faults). */
static void risk_populate_ahead(const void *domain_state)
{
	struct risk_state *st = (struct risk_state *)domain_state;
	SZ_ASSERT(st != NULL && st->accounts != NULL);
	if (!atomic_load_explicit(&st->hint_active, memory_order_relaxed))
		return;
	if (!st->populated_indexes) {
		sz_vm_populate(st->account_slots, (size_t)RISK_ACCOUNT_SLOT_COUNT * sizeof *st->account_slots);
		sz_vm_populate(st->pair_slots, (size_t)RISK_PAIR_SLOT_COUNT * sizeof *st->pair_slots);
		st->populated_indexes = true;
	}
	st->populated_account_count =
		sz_vm_populate_ahead(st->accounts, sizeof *st->accounts, atomic_load(&st->hint_account_count),
			     st->populated_account_count, POPULATE_AHEAD_ACCOUNT_COUNT, RISK_ACCOUNT_COUNT_MAX);
	st->populated_pair_count = sz_vm_populate_ahead(st->pairs, sizeof *st->pairs, atomic_load(&st->hint_pair_count),
						st->populated_pair_count, POPULATE_AHEAD_PAIR_COUNT, RISK_PAIR_COUNT_MAX);
	st->populated_alert_count =
		sz_vm_populate_ahead(st->alerts, sizeof *st->alerts, atomic_load(&st->hint_alert_count),
			     st->populated_alert_count, POPULATE_AHEAD_ALERT_COUNT, RISK_ALERT_COUNT_MAX);
	st->populated_ext_count =
		sz_vm_populate_ahead(st->ext, sizeof *st->ext, atomic_load(&st->hint_account_count), st->populated_ext_count,
				     POPULATE_AHEAD_ACCOUNT_COUNT, RISK_ACCOUNT_COUNT_MAX);
	SZ_ASSERT(st->populated_account_count <= RISK_ACCOUNT_COUNT_MAX);
}

/* Overdue reports (RISK_TYPOLOGY_OVERDUE): at the start of each batch, the
 * alerts whose report fell due before the batch time are looked at once, in
 * order (due times follow alert times, which follow batch times: the cursor
 * overdue_next stops at the first one not yet due). A large-value alert not
 * filed by then raises one overdue alert. The timer is the batch time: no
 * clock. */
static void overdue_scan(struct risk_state *st, uint64_t batch_time_ns)
{
	while (st->overdue_next < st->alert_count) {
		const struct risk_alert *late = &st->alerts[st->overdue_next];
		if (late->report_due_ns != 0 && late->report_due_ns >= batch_time_ns)
			return; /* not due yet: nor is anything after it */
		SZ_JOURNAL_FIELD(st->overdue_next);
		st->overdue_next++;
		if (late->report != RISK_REPORT_LARGE || late->report_due_ns == 0 || risk_alert_filed(st, late->alert_no))
			continue;
		if (st->alert_count == RISK_ALERT_COUNT_MAX) {
			SZ_JOURNAL_FIELD(st->alert_dropped_count);
			st->alert_dropped_count++;
			continue;
		}
		struct risk_alert *a = &st->alerts[st->alert_count];
		sz_journal(a, sizeof *a);
		SZ_JOURNAL_FIELD(st->alert_count);
		*a = (struct risk_alert){ .time_ns = batch_time_ns, .transfer_id = late->transfer_id,
					  .payer_id = late->payer_id, .payee_id = late->payee_id,
					  .amount_minor = late->amount_minor, .tenant_id = late->tenant_id,
					  .currency = late->currency, .typology_id = RISK_TYPOLOGY_OVERDUE,
					  .code = late->code, .score = 0, .contribution_count = 1 };
		a->contributions[0] = (struct risk_contribution){ .value = late->alert_no };
		a->alert_no = ++st->alert_count;
	}
}

static void risk_batch_begin(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx)
{
	SZ_ASSERT(s != NULL && domain_state != NULL);
	SZ_ASSERT(ctx != NULL);
	overdue_scan(domain_state, ctx->batch_time_ns);
}

/* A screening result: an alert when the score reaches the threshold. */
static uint32_t screen_hit_apply(struct risk_state *st, uint64_t time_ns, const struct risk_screen_cmd *c)
{
	if (sz_id_is_zero(c->subject_id) || c->score > SCREEN_SCORE_LIMIT || c->threshold == 0 ||
	    c->threshold > SCREEN_SCORE_LIMIT || c->currency == 0 || memchr(c->list_name, 0, sizeof c->list_name) == NULL ||
	    memchr(c->entry_id, 0, sizeof c->entry_id) == NULL)
		return RISK_R_COMMAND_INVALID;
	if (c->score < c->threshold)
		return SZ_R_OK;
	if (st->alert_count == RISK_ALERT_COUNT_MAX) {
		SZ_JOURNAL_FIELD(st->alert_dropped_count);
		st->alert_dropped_count++;
		return SZ_R_OK;
	}
	struct risk_alert *a = &st->alerts[st->alert_count];
	sz_journal(a, sizeof *a);
	SZ_JOURNAL_FIELD(st->alert_count);
	*a = (struct risk_alert){ .time_ns = time_ns, .transfer_id = c->event_id, .payer_id = c->subject_id,
				  .tenant_id = c->tenant_id, .currency = c->currency,
				  .typology_id = RISK_TYPOLOGY_SCREENING, .report = RISK_REPORT_SUSPICIOUS,
				  .report_due_ns = risk_due_after_working_days(time_ns, RISK_REPORT_DUE_WORKING_DAYS_DEFAULT),
				  .score = c->score, .contribution_count = 1 };
	a->contributions[0] = (struct risk_contribution){ .rule_id = 0, .rule_score = (uint16_t)c->score,
							  .contribution = c->threshold, .value = c->list_version };
	_Static_assert(sizeof a->evidence_transfer_id == sizeof c->list_name + sizeof c->entry_id, "names fit");
	memcpy(&a->evidence_transfer_id[0], c->list_name, sizeof c->list_name);
	memcpy(&a->evidence_transfer_id[2], c->entry_id, sizeof c->entry_id);
	a->alert_no = ++st->alert_count;
	return SZ_R_OK;
}

/* Tombstone the records of one table older than before_ns (tables are in
 * time order), at most *budget of them. */
static void purge_table(struct risk_alert *table, uint32_t count, uint64_t before_ns, uint32_t *budget)
{
	for (uint32_t i = 0; i < count && *budget > 0; i++) {
		struct risk_alert *a = &table[i];
		if (a->time_ns >= before_ns)
			return;
		if (risk_alert_purged(a))
			continue;
		sz_journal(a, sizeof *a);
		*a = (struct risk_alert){ .alert_no = a->alert_no, .time_ns = a->time_ns,
					  .ruleset_version = RISK_PURGED_VERSION };
		(*budget)--;
	}
}

static uint32_t purge_apply(struct risk_state *st, uint64_t batch_time_ns, const struct risk_purge_cmd *c)
{
	if (c->reserved != 0 || c->before_ns == 0)
		return RISK_R_COMMAND_INVALID;
	const struct risk_ruleset *rs = risk_ruleset_in_force(st, batch_time_ns);
	uint64_t days = rs ? rs->retention_days : RISK_RETENTION_DAYS_DEFAULT;
	uint64_t horizon_ns = days * RISK_NS_PER_DAY;
	if (batch_time_ns < horizon_ns || c->before_ns > batch_time_ns - horizon_ns)
		return RISK_R_RETENTION_NOT_REACHED;
	uint32_t budget = RISK_PURGE_RECORD_COUNT_MAX;
	purge_table(st->alerts, st->alert_count, c->before_ns, &budget);
	purge_table(st->refusals, st->refusal_count, c->before_ns, &budget);
	SZ_ASSERT(budget <= RISK_PURGE_RECORD_COUNT_MAX);
	return SZ_R_OK;
}

/* ---- commands and registration ------------------------------------------- */

static uint32_t risk_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
			   const sz_command_header *cmd)
{
	SZ_ASSERT(s != NULL && ctx != NULL);
	SZ_ASSERT(cmd->size >= sizeof *cmd);
	uint32_t body = cmd->size - (uint32_t)sizeof *cmd;
	if (cmd->kind == RISK_CMD_RULESET_ACTIVATE && body == sizeof(struct risk_ruleset)) {
		struct risk_ruleset rs; /* 2.4 KiB on the stack: the body is not aligned */
		memcpy(&rs, cmd + 1, sizeof rs);
		return ruleset_activate(domain_state, ctx, &rs);
	}
	if (cmd->kind == RISK_CMD_CASE && body == sizeof(struct risk_case_cmd)) {
		struct risk_case_cmd c;
		memcpy(&c, cmd + 1, sizeof c);
		return risk_case_apply(domain_state, ctx->timestamp_ns, &c);
	}
	if (cmd->kind == RISK_CMD_PURGE && body == sizeof(struct risk_purge_cmd)) {
		struct risk_purge_cmd c;
		memcpy(&c, cmd + 1, sizeof c);
		return purge_apply(domain_state, ctx->batch_time_ns, &c);
	}
	if (cmd->kind == RISK_CMD_DECLARE && body == sizeof(struct risk_declare_cmd)) {
		struct risk_declare_cmd c;
		memcpy(&c, cmd + 1, sizeof c);
		return risk_declare_apply(domain_state, &c);
	}
	if (cmd->kind == RISK_CMD_SCREEN_HIT && body == sizeof(struct risk_screen_cmd)) {
		struct risk_screen_cmd c;
		memcpy(&c, cmd + 1, sizeof c);
		return screen_hit_apply(domain_state, ctx->timestamp_ns, &c);
	}
	return SZ_R_COMMAND_INVALID;
}

/* Snapshot, digest and invariants (state.c). */
int risk_snapshot_write(const void *domain_state, struct sz_snap *f);
int risk_snapshot_read(void *domain_state, struct sz_snap *f);
void risk_digest(const void *domain_state, void *blake2b_state);
int risk_check_invariants(const struct sz_state *s, const void *domain_state, char *why, size_t why_size);

#define VM_ARRAYS(X) \
	X(accounts, RISK_ACCOUNT_COUNT_MAX) X(account_slots, RISK_ACCOUNT_SLOT_COUNT) \
	X(pairs, RISK_PAIR_COUNT_MAX) X(pair_slots, RISK_PAIR_SLOT_COUNT) \
	X(alerts, RISK_ALERT_COUNT_MAX) X(refusals, RISK_REFUSAL_COUNT_MAX) \
	X(cases, RISK_CASE_COUNT_MAX) X(events, RISK_CASE_EVENT_COUNT_MAX) X(ext, RISK_ACCOUNT_COUNT_MAX)

static void risk_release(void *domain_state)
{
	struct risk_state *st = domain_state;
	if (st == NULL)
		return;
#define VM_RELEASE(field, count) if (st->field) sz_vm_release(st->field, (size_t)(count) * sizeof *st->field);
	VM_ARRAYS(VM_RELEASE)
#undef VM_RELEASE
	free(st);
}

static struct risk_state *risk_new(void)
{
	struct risk_state *st = calloc(1, sizeof *st);
	if (st == NULL)
		return NULL;
	bool ok = true;
#define VM_RESERVE(field, count) \
	st->field = sz_vm_reserve((size_t)(count) * sizeof *st->field); ok = ok && st->field != NULL;
	VM_ARRAYS(VM_RESERVE)
#undef VM_RESERVE
	if (!ok) {
		risk_release(st);
		return NULL;
	}
	return st;
}

int risk_domain_register(struct sz_state *s)
{
	SZ_ASSERT(s != NULL);
	sz_result_register(risk_results, sizeof risk_results / sizeof risk_results[0]);
	struct risk_state *st = risk_new();
	if (st == NULL)
		return SZ_ENOMEM;
	struct sz_domain d = {
		.name = "risk",
		.kind_base = RISK_KIND_BASE,
		.state = st,
		.apply = risk_apply,
		.batch_begin = risk_batch_begin,
		.snapshot_write = risk_snapshot_write,
		.snapshot_read = risk_snapshot_read,
		.digest = risk_digest,
		.check_invariants = risk_check_invariants,
		.release = risk_release,
		.reserve = risk_reserve,
		.populate_ahead = risk_populate_ahead,
	};
	struct sz_hook hook = { .name = "risk", .check = risk_check, .observe = risk_observe, .state = st };
	int rc = sz_state_register(s, &d);
	if (rc != 0) {
		risk_release(st);
		return rc;
	}
	rc = sz_state_hook_add(s, &hook); /* the state owns st from here on */
	return rc == 0 ? sz_hooks_set_prefetch(&s->hooks, "risk", risk_prefetch) : rc;
}

/* ---- read API -------------------------------------------------------------- */

const struct risk_state *risk_state_get(const struct sz_state *s)
{
	SZ_ASSERT(s != NULL);
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kind_base == RISK_KIND_BASE)
			return s->domains[i].state;
	return NULL;
}

uint32_t risk_version_count(const struct risk_state *st) { return st->version_count; }
const struct risk_ruleset *risk_version_at(const struct risk_state *st, uint32_t index)
{
	SZ_ASSERT(index < st->version_count);
	return &st->versions[index];
}
uint32_t risk_alert_count(const struct risk_state *st) { return st->alert_count; }
const struct risk_alert *risk_alert_at(const struct risk_state *st, uint32_t index)
{
	SZ_ASSERT(index < st->alert_count);
	return &st->alerts[index];
}
uint32_t risk_refusal_count(const struct risk_state *st) { return st->refusal_count; }
const struct risk_alert *risk_refusal_at(const struct risk_state *st, uint32_t index)
{
	SZ_ASSERT(index < st->refusal_count);
	return &st->refusals[index];
}
const struct risk_alert *risk_alert_find(const struct risk_state *st, uint64_t alert_no)
{
	SZ_ASSERT(st != NULL);
	if (alert_no >= 1 && alert_no <= st->alert_count)
		return &st->alerts[alert_no - 1];
	if (alert_no > RISK_REFUSAL_NO_BASE && alert_no - RISK_REFUSAL_NO_BASE <= st->refusal_count)
		return &st->refusals[alert_no - RISK_REFUSAL_NO_BASE - 1];
	return NULL;
}
uint64_t risk_alert_dropped_count(const struct risk_state *st) { return st->alert_dropped_count; }
uint64_t risk_unmonitored_count(const struct risk_state *st) { return st->unmonitored_count; }
uint32_t risk_monitored_count(const struct risk_state *st) { return st->account_count; }
uint32_t risk_case_count(const struct risk_state *st) { return st->case_count; }
const struct risk_case *risk_case_at(const struct risk_state *st, uint32_t index)
{
	SZ_ASSERT(index < st->case_count);
	return &st->cases[index];
}
const struct risk_case_event *risk_case_event_at(const struct risk_state *st, uint32_t index)
{
	SZ_ASSERT(index < st->event_count);
	return &st->events[index];
}
