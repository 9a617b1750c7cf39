/*
 * internal.h — the currency domain's state and the helpers shared by its
 * source files (currency.c: state, money movement, snapshot,
 * invariants; wallet.c: operators, wallets, payments; device.c: hard
 * wallets; config.c: limits versions; control.c: wallet controls and their
 * transfer hook; fiscal.c: disbursements and collections; interest.c: deposit rates,
 * interest and reserve ratios of banks). Not for other modules: they use
 * currency.h.
 */
#ifndef SZ_CURRENCY_INTERNAL_H
#define SZ_CURRENCY_INTERNAL_H

#include "currency/currency.h"
#include "ledger/ledger.h"
#include "engine/journal.h"

#include <stdatomic.h>

struct currency_supply_row {
	uint32_t currency;
	uint32_t reserved;
	sz_id issuance_id, pledged_id, settlement_id;
	uint64_t supply_fen;
};

struct currency_state {
	struct currency_operator *operators;
	uint32_t operator_count;
	struct ledger_index operator_index;   /* key {tenant_id, 0} */
	struct currency_supply_row supply[CURRENCY_SUPPLY_COUNT_MAX];
	uint32_t supply_count;
	struct currency_wallet *wallets;      /* vm-reserved: never moves */
	uint32_t wallet_count;
	struct ledger_index wallet_index;
	struct currency_op *ops;              /* vm-reserved */
	uint32_t op_count;
	struct ledger_index op_index;
	struct currency_device *devices;      /* vm-reserved */
	uint32_t device_count;
	struct ledger_index device_index;
	struct currency_sync_record *syncs;   /* vm-reserved */
	uint32_t sync_count;
	struct currency_limits_cmd limits[CURRENCY_LIMITS_VERSION_COUNT_MAX];
	uint32_t limits_count;
	uint32_t settling_count;              /* suspended devices in their settlement window (derived) */
	uint32_t controlled_count;            /* wallets with a control in force (derived; control.c) */
	struct currency_fiscal_batch *batches;      /* vm-reserved (fiscal.c) */
	uint32_t batch_count;
	struct ledger_index batch_index;
	struct currency_fiscal_line *fiscal_lines;  /* vm-reserved */
	uint32_t fiscal_line_count;
	uint32_t accrual_day;                 /* China day interest was last accrued for (interest.c) */
	currency_holdings_fn holdings;        /* set at registration by src/contract; NULL = none */
	const void *holdings_state;
	/* Page population ahead of the growing record arrays (currency.c): the
	 * counts the engine thread published at its last reserve, and how far
	 * the second thread has faulted pages in (only it touches those). Not
	 * state: never digested nor snapshotted. */
	_Atomic uint32_t hint_op_count;
	_Atomic uint32_t hint_fiscal_line_count;
	uint32_t populated_op_count;
	uint32_t populated_fiscal_line_count;
};

struct currency_supply_row *currency_supply_row(struct currency_state *c, uint32_t currency);
struct currency_operator *currency_operator_mut(struct currency_state *c, uint64_t tenant_id);
int64_t currency_wallet_index(const struct currency_state *c, sz_id id);
/* Cache hints for a payment command ahead in the batch (see sz_domain.prefetch). */
void currency_prefetch_payment(const struct sz_state *s, const struct currency_state *c,
			       const sz_command_header *h, int stage);
int64_t currency_device_index(const struct currency_state *c, sz_id id);
/* Append records (capacity checked by the caller) and index them. */
void currency_operator_append(struct currency_state *c, const struct currency_operator *op);
struct currency_wallet *currency_wallet_append(struct currency_state *c, const struct currency_wallet *w);
struct currency_device *currency_device_append(struct currency_state *c, const struct currency_device *d);

/* Idempotency of action commands: 0 = new (then call currency_op_add after
 * success), else SZ_R_EXISTS, SZ_R_EXISTS_WITH_DIFFERENT_FIELDS (same kind)
 * or CURRENCY_R_ID_TAKEN_BY_OTHER_KIND (the ids of wallets, devices,
 * payments ... share one space). */
uint32_t currency_op_check(const struct currency_state *c, sz_id id, uint16_t kind, uint64_t fingerprint);
struct currency_op *currency_op_add(struct currency_state *c, sz_id id, uint64_t fingerprint, uint16_t kind,
				    uint64_t amount, uint64_t now_ns);
int64_t currency_op_index(const struct currency_state *c, sz_id id);

/* currency_move with both ledger accounts already at hand (the hot path). */
#define CURRENCY_TRANSFER_TAG 0x54524e53u /* "TRNS" */
uint32_t currency_move_accounts(struct sz_state *s, struct currency_state *c, sz_id base, uint32_t step,
				const sz_account *dr, const sz_account *cr, uint64_t amount, uint16_t code, uint64_t now_ns);

/* Create a ledger account with a role tag. */
uint32_t currency_account_create(struct sz_state *s, sz_id id, sz_id owner_id, uint64_t tenant_id, uint32_t currency,
				 uint16_t kind, uint16_t flags, uint32_t role, uint64_t now_ns);

/* Limits of a wallet's class in force at time t. */
const struct currency_class_limits *currency_class_limits_at(const struct currency_state *c,
							     const struct currency_wallet *w, uint64_t t_ns);
uint32_t currency_limits_apply(struct currency_state *c, const struct currency_limits_cmd *cmd, uint64_t batch_time_ns);

/* Map a ledger result of a wallet debit to a domain result. */
uint32_t currency_map_debit_result(uint32_t r);

/* apply entry points by file */
uint32_t currency_apply_operator(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
				 const sz_command_header *cmd);
uint32_t currency_apply_wallet(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			       const sz_command_header *cmd);
uint32_t currency_apply_device(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			       const sz_command_header *cmd);

uint32_t currency_apply_control(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
				const sz_command_header *cmd);
/* Register the transfer hook that enforces wallet controls (control.c), and
 * recount the wallets under control after a snapshot is read. */
int currency_controls_register(struct sz_state *s, struct currency_state *c);
void currency_controls_recount(struct currency_state *c);

uint32_t currency_apply_fiscal(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
			       const sz_command_header *cmd);
/* Room in the batch index for a batch of command_count commands; the index
 * rebuilt after a snapshot is read. */
int currency_fiscal_reserve(struct currency_state *c, uint32_t command_count);
int currency_fiscal_reindex(struct currency_state *c);

uint32_t currency_apply_interest(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx,
				 const sz_command_header *cmd);
/* batch_begin: accrue interest for the days since the last accrual. */
void currency_interest_accrue(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx);
/* The deposit-regime invariants (interest, pledges); 0 or -1 with why. */
int currency_interest_check(const struct sz_state *s, const struct currency_state *c, char *why, size_t why_size);
/* Move reserve to or from the pledged account so op's pledge becomes required. */
uint32_t currency_pledge_to(struct sz_state *s, struct currency_state *c, struct currency_operator *op, sz_id base,
			    uint32_t step, uint64_t required, uint64_t now_ns);

bool currency_bytes_zero(const void *p, size_t size);

/* Suspended devices (device.c): refund those whose settlement window ended
 * (batch_begin), the earliest window end, and whether a wallet still has a
 * device that is active or settling. */
void currency_devices_settle(struct sz_state *s, struct currency_state *c, const struct sz_apply_ctx *ctx);
uint64_t currency_devices_next_deadline_ns(const struct currency_state *c);
bool currency_wallet_has_live_device(const struct currency_state *c, uint32_t wallet_index);

#endif
