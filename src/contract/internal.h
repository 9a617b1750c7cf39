/*
 * internal.h — the contract domain's state and what its source files share.
 *
 * Owns: struct contract_state (templates, contracts, events, grants, the
 * idempotency table and the timer heap) and the helpers the files of
 * src/contract use on it: records and indexes, the timer heap, money moved
 * through the currency domain (state.c); prepaid escrows (escrow.c);
 * purpose-bound subsidies (subsidy.c); conditional payments
 * (conditional.c); apply, timed steps, snapshot, digest and registration
 * (domain.c). Not for other modules: they use contract.h.
 *
 * Every change of a record is journalled (engine/journal.h) before it is
 * made; arrays are reserved in virtual memory (never move) and indexes and
 * the timer heap get their room before each batch (contract_reserve), so
 * apply never allocates.
 */
#ifndef SZ_CONTRACT_INTERNAL_H
#define SZ_CONTRACT_INTERNAL_H

#include "contract/contract.h"
#include "currency/currency.h"
#include "ledger/index.h"

struct contract_op {
	sz_id id;
	uint64_t fingerprint;
};

struct contract_timer {
	uint64_t due_ns;
	uint32_t contract;
	uint32_t aux;            /* escrow: session number */
};

struct contract_state {
	struct contract_template *templates;  /* CONTRACT_TEMPLATE_COUNT_MAX, calloc */
	uint32_t template_count;
	struct ledger_index template_index;
	struct contract *contracts;           /* vm */
	uint32_t contract_count;
	struct ledger_index contract_index;
	struct contract_event *events;        /* vm */
	uint32_t event_count;
	struct contract_grant *grants;        /* vm */
	uint32_t grant_count;
	struct ledger_index grant_index;      /* by grant account id */
	struct contract_op *ops;              /* vm, CONTRACT_EVENT_COUNT_MAX */
	uint32_t op_count;
	struct ledger_index op_index;
	struct contract_timer *timers;        /* min-heap */
	uint32_t timer_count;
	uint32_t timer_capacity;
};

#define TAG_ACCOUNT 0x4b414343u /* "KACC" */
#define TAG_GRANT 0x4b475254u   /* "KGRT" */
#define TAG_TIMER 0x4b54494du   /* "KTIM" */

/* ---- state.c: records, indexes, timer heap, money -------------------------- */
sz_id contract_template_key(const void *base, uint32_t i);
sz_id contract_record_key(const void *base, uint32_t i);
sz_id contract_grant_key(const void *base, uint32_t i);
sz_id contract_op_key(const void *base, uint32_t i);
struct contract *contract_mut(struct contract_state *k, sz_id id);
uint32_t contract_op_check(const struct contract_state *k, sz_id id, uint64_t fp);
void contract_op_add(struct contract_state *k, sz_id id, uint64_t fp);
void contract_event_add(struct contract_state *k, struct contract *c, uint16_t kind, sz_id command_id, sz_id party,
			uint64_t amount, uint32_t aux, uint64_t now);
struct contract *contract_append(struct contract_state *k, const struct contract *c);
void contract_timer_push(struct contract_state *k, uint64_t due_ns, uint32_t contract, uint32_t aux);
struct contract_timer contract_timer_pop(struct contract_state *k);
uint64_t contract_fingerprint(const sz_command_header *h);
uint64_t contract_account_balance(const struct sz_state *s, sz_id id);
const struct currency_wallet *contract_open_wallet(const struct currency_state *cur, sz_id id);
uint32_t contract_template_for(const struct contract_state *k, sz_id id, uint16_t kind, const struct contract_template **out);
uint32_t contract_fund_from_wallet(struct sz_state *s, struct currency_state *cur, const struct currency_wallet *payer,
				   sz_id contract_id, sz_id account_id, uint64_t amount, const struct sz_apply_ctx *ctx);
uint32_t contract_pay_out(struct sz_state *s, struct currency_state *cur, sz_id base, uint32_t step, sz_id from, sz_id to,
			  uint64_t amount, uint64_t now);
uint32_t contract_template_register(struct contract_state *k, const struct contract_template_cmd *cmd, uint64_t now);
uint32_t contract_template_version(struct contract_state *k, const struct contract_template_version_cmd *cmd, uint64_t now);
void contract_record_init(struct contract *c, sz_id id, sz_id template_id, uint16_t kind, uint64_t now);
uint32_t contract_new_check(const struct contract_state *k, sz_id id);
uint32_t contract_escrow_create(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
				const struct sz_apply_ctx *ctx, const struct contract_escrow_cmd *cmd);
uint32_t contract_escrow_release(struct sz_state *s, struct contract_state *k, struct currency_state *cur, struct contract *c,
				 uint32_t upto, sz_id base, uint16_t ev_kind, sz_id party, uint64_t now);
uint32_t contract_escrow_end(struct sz_state *s, struct contract_state *k, struct currency_state *cur, struct contract *c,
			     sz_id base, uint16_t status, sz_id party, uint64_t now);
uint32_t contract_escrow_event(struct sz_state *s, struct contract_state *k, struct currency_state *cur, uint16_t kind,
			       const struct sz_apply_ctx *ctx, const struct contract_event_cmd *cmd);
uint32_t contract_subsidy_create(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
				 const struct sz_apply_ctx *ctx, const struct contract_subsidy_cmd *cmd);
uint32_t contract_subsidy_grant(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
				const struct sz_apply_ctx *ctx, const struct contract_grant_cmd *cmd);
uint32_t contract_subsidy_spend(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
				const struct sz_apply_ctx *ctx, const struct contract_spend_cmd *cmd);
uint32_t contract_conditional_create(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
				     const struct sz_apply_ctx *ctx, const struct contract_conditional_cmd *cmd);
uint32_t contract_condition_post(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
				 const struct sz_apply_ctx *ctx, const struct contract_event_cmd *cmd);
void contract_subsidy_return_grants(struct sz_state *s, struct contract_state *k, struct currency_state *cur,
				    struct contract *c, sz_id base, uint64_t now);

#endif
