/*
 * domain_internal.h — the credit domain's state struct and the functions
 * shared by domain.c (state, snapshot, queries) and the command files
 * apply.c (dispatch, checks, registry), apply_feeds.c and apply_queries.c.
 * Not for the HTTP adapter (http_*.c): it reads the state through domain.h only.
 */
#ifndef SZ_CREDIT_DOMAIN_INTERNAL_H
#define SZ_CREDIT_DOMAIN_INTERNAL_H

#include "credit/domain.h"
#include "credit/uscc.h"
#include "ledger/index.h"

struct credit_domain_state {
	struct credit_enterprise *enterprises;   /* arrays reserved at their maximum (core/vm.h) */
	uint32_t enterprise_count;
	struct ledger_index enterprise_index;    /* key: credit_uscc_key */
	struct credit_ip *ips;
	uint32_t ip_count;
	struct ledger_index ip_index;            /* key: hash of the IP number */
	struct credit_negative *negatives;
	uint32_t negative_count;
	struct credit_authorization *authorizations;
	uint32_t authorization_count;
	struct credit_query *queries;
	uint32_t query_count;
	struct credit_decision *decisions;
	uint32_t decision_count;
	struct credit_objection *objections;
	uint32_t objection_count;
	struct credit_warning *warnings;
	uint32_t warning_count;
	struct credit_purge *purges;
	uint32_t purge_count;
	struct credit_watch *watches;
	uint32_t watch_count;
	struct credit_op *ops;
	uint32_t op_count;
	struct ledger_index op_index;            /* key: command id */
	struct credit_model models[CREDIT_MODEL_COUNT_MAX];
	uint8_t *model_text;                     /* CREDIT_MODEL_COUNT_MAX slots of CREDIT_MODEL_SIZE_MAX bytes (core/vm.h) */
	uint32_t model_count;
	uint64_t next_purge_ns;                  /* earliest purge_at of a live record; UINT64_MAX = none */
	uint64_t next_due_ns;                    /* earliest due of an open, not yet overdue objection */
};

sz_id credit_key_enterprise(const void *base, uint32_t i);
sz_id credit_key_ip(const void *base, uint32_t i);
sz_id credit_key_op(const void *base, uint32_t i);

/* Money per month and registered capital: CNY 10 trillion, far above any
 * enterprise, and 24 months of it stay inside int64. */
#define MONEY_FEN_MAX 1000000000000000ll

/* Apply one credit command (apply.c). */
uint32_t credit_apply(struct sz_state *s, void *domain_state, const struct sz_apply_ctx *ctx,
		      const sz_command_header *cmd);

/* Parse a complete model's text and bind its characteristics to features,
 * outside apply (it allocates): sets m->prepared and m->prepare_result
 * (SZ_R_OK, or CREDIT_R_MODEL_INVALID with nothing kept). 0, or SZ_ENOMEM
 * with the model left unprepared. A prepared model is left as it is. */
int credit_model_prepare(struct credit_model *m);

/* Model version i's text slot in the region reserved at registration. */
uint8_t *credit_model_text_slot(struct credit_domain_state *c, uint32_t i);

/* The descriptor's reserve (apply.c): grow the op, enterprise and IP
 * indexes for the worst case of command_count commands and prepare every
 * complete model still loading. 0, SZ_ENOMEM or SZ_ELIMIT. */
int credit_domain_reserve(void *domain_state, uint32_t command_count);
void credit_model_release(struct credit_model *m);

/* ---- checks shared by the command files (apply.c) ------------------------------- */

bool credit_all_zero(const void *data, size_t size);
bool credit_text_ok(const char *text, size_t size, bool required);
bool credit_uscc_ok(const char uscc[CREDIT_USCC_FIELD_SIZE]);
uint32_t credit_enterprise_of(const struct credit_domain_state *c, const char uscc[CREDIT_USCC_FIELD_SIZE],
			      uint32_t *index);
bool credit_day_ok(int32_t day, uint64_t now_ns);
static inline uint64_t credit_min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* ---- the commands, called by credit_apply (apply.c, apply_feeds.c, apply_queries.c) ---- */

uint32_t credit_apply_register(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			       const struct credit_enterprise_cmd *cmd);
uint32_t credit_apply_update(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			     const struct credit_enterprise_cmd *cmd);
uint32_t credit_apply_tax(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			  const struct credit_tax_cmd *cmd, uint32_t op);
uint32_t credit_apply_headcount(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
				const struct credit_headcount_cmd *cmd, uint32_t op);
uint32_t credit_apply_cashflow(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			       const struct credit_cashflow_cmd *cmd, uint32_t op);
uint32_t credit_apply_ip(struct credit_domain_state *c, const struct sz_apply_ctx *ctx, const struct credit_ip_cmd *cmd,
			 uint32_t op);
uint32_t credit_apply_innovation(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
				 const struct credit_innovation_cmd *cmd, uint32_t op);
uint32_t credit_apply_negative(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			       const struct credit_negative_cmd *cmd, uint32_t op);
uint32_t credit_apply_authorize(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
				const struct credit_authorize_cmd *cmd, uint32_t op, uint32_t *target);
uint32_t credit_apply_revoke(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			     const struct credit_revoke_cmd *cmd);
uint32_t credit_apply_query(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			    const struct credit_query_cmd *cmd, uint32_t *target);
uint32_t credit_apply_objection(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
				const struct credit_objection_cmd *cmd, uint32_t *target);
uint32_t credit_apply_resolve(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			      const struct credit_resolve_cmd *cmd);
uint32_t credit_apply_chunk(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			    const struct credit_model_chunk_cmd *cmd);
uint32_t credit_apply_activate(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			       const struct credit_model_activate_cmd *cmd);
uint32_t credit_apply_watch(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			    const struct credit_watch_cmd *cmd);
uint32_t credit_apply_outcome(struct credit_domain_state *c, const struct sz_apply_ctx *ctx,
			      const struct credit_outcome_cmd *cmd);

#endif
