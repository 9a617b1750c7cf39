/*
 * internal.h — the risk domain's state layout, shared by apply.c (changes),
 * cases.c (case commands) and state.c (snapshot, digest, invariants).
 */
#ifndef SZ_RISK_INTERNAL_H
#define SZ_RISK_INTERNAL_H

#include "risk/risk.h"

#include <stdatomic.h>

/* A pair seen: 16 bytes. */
struct risk_pair {
	uint32_t payer_index;
	uint32_t payee_index;
	uint64_t first_ns;
};
_Static_assert(sizeof(struct risk_pair) == 16, "pair is 16 bytes");

/* Index tables: open addressing, twice the records. An account slot holds
 * the record index + 1; a pair slot the pair's key (payer index + 1) << 32 |
 * (payee index + 1), 0 when empty. */
#define RISK_ACCOUNT_SLOT_COUNT (2u * RISK_ACCOUNT_COUNT_MAX)
#define RISK_PAIR_SLOT_COUNT (2u * RISK_PAIR_COUNT_MAX)

struct risk_state {
	uint32_t version_count;
	uint32_t account_count;
	uint32_t pair_count;
	uint32_t alert_count;
	uint32_t refusal_count;
	uint32_t case_count;
	uint32_t event_count;
	uint32_t overdue_next;           /* alerts before this index were checked for an overdue report */
	uint64_t alert_dropped_count;    /* alerts not stored: the table was full */
	uint64_t refusal_dropped_count;
	uint64_t unmonitored_count;      /* transfers with an account beyond the table */
	uint64_t pair_overflow_count;    /* pairs not recorded: the table was full */
	struct risk_ruleset versions[RISK_VERSION_COUNT_MAX]; /* by version, ascending */
	/* Arrays reserved in virtual memory (sz_vm_reserve) at registration. */
	struct risk_account *accounts;
	uint32_t *account_slots;
	struct risk_pair *pairs;
	uint64_t *pair_slots;
	struct risk_alert *alerts;
	struct risk_alert *refusals;
	struct risk_case *cases;
	struct risk_case_event *events;
	struct risk_account_ext *ext;    /* ext.h: one per account, same index */
	/* Not state: how far the arrays have grown, told by the engine thread
	 * between batches (risk_reserve) to the thread that faults pages in
	 * ahead of them (risk_populate_ahead), and how far that thread got (its
	 * own fields). */
	_Atomic uint32_t hint_active; /* a rule set was activated: counting has started */
	_Atomic uint32_t hint_account_count, hint_pair_count, hint_alert_count;
	bool populated_indexes;
	uint32_t populated_account_count, populated_pair_count, populated_alert_count;
	uint32_t populated_ext_count; /* ext records, ahead of the accounts' count like them */
	/* Not state: check's verdicts for the transfer observe sees next. */
	struct {
		sz_id transfer_id;
		uint64_t time_ns;
		uint32_t version;
		bool valid;
		/* The index slots judge found (valid with the verdicts: nothing
		 * changes the tables between a transfer's check and its observe). */
		uint32_t *payer_slot, *payee_slot;
		uint64_t *pair_slot;   /* NULL unless both accounts were monitored */
		struct risk_verdict verdicts[RISK_TYPOLOGY_COUNT_MAX];
		/* Judging's plan of the version it names (eval.c); rebuilt after
		 * any activation or snapshot load. */
		bool plan_valid;
		struct risk_plan plan;
	} scratch;
};

uint32_t risk_case_apply(struct risk_state *st, uint64_t time_ns, const struct risk_case_cmd *c);
/* Rebuild the index tables from the records (after a snapshot load). */
void risk_index_rebuild(struct risk_state *st);
/* Accounts named by a command before any transfer (apply.c). */
struct risk_account *risk_account_ensure(struct risk_state *st, sz_id id, uint64_t tenant_id, uint32_t *index);
struct risk_declare_cmd;
uint32_t risk_declare_apply(struct risk_state *st, const struct risk_declare_cmd *c); /* declare.c */

#endif
