/*
 * contract.h — the contract domain: programmable payments from registered
 * templates, on the currency domain's wallets.
 *
 * Owns: templates (a contract can only be made from a registered one), the
 * contracts (prepaid escrow, purpose-bound subsidy, conditional payment),
 * their grants, their events (every step of a contract's life, queryable)
 * and the timer heap that runs timed steps (escrow auto-confirm, subsidy
 * expiry, conditional deadline) in batch_begin in (due time, contract,
 * session) order. Commands SZ_CMD_CONTRACT_BASE + 1 .. + 12; results 300-399.
 * Templates are versioned: registering makes version 1, each new version
 * of the same id is a new record; a contract runs under the version that
 * was newest when it was made, and a later version never changes it.
 *
 * Money: each contract holds its money in its own ledger accounts, opened
 * through currency_contract_account_open for the payer's operator and owned
 * by the payer: escrowed money stays the consumer's until released. Money
 * moves only through currency_move (which keeps operator liabilities); every
 * change of a record is journalled (engine/journal.h) so that the engine rolls
 * a failed command back with the ledger and the currency domain.
 * Never: write the currency domain's records except through its services;
 * read the clock (time comes from the batch).
 */
#ifndef SZ_CONTRACT_H
#define SZ_CONTRACT_H

#include "core/limits.h"
#include "engine/state.h"
#include "szfin/szfin.h"

#include <stdbool.h>
#include <stdint.h>

/* Versions of one template: a programme changes its terms a few times. */
#define CONTRACT_TEMPLATE_VERSION_COUNT_MAX 64u

enum contract_command_kind {
	CONTRACT_CMD_TEMPLATE_REGISTER = SZ_CMD_CONTRACT_BASE + 1,  /* contract_template_cmd */
	CONTRACT_CMD_ESCROW_CREATE = SZ_CMD_CONTRACT_BASE + 2,      /* contract_escrow_cmd */
	CONTRACT_CMD_SESSION_DELIVER = SZ_CMD_CONTRACT_BASE + 3,    /* contract_event_cmd (party: merchant wallet) */
	CONTRACT_CMD_SESSION_CONFIRM = SZ_CMD_CONTRACT_BASE + 4,    /* contract_event_cmd (party: consumer wallet) */
	CONTRACT_CMD_CANCEL = SZ_CMD_CONTRACT_BASE + 5,             /* contract_event_cmd (party: consumer wallet) */
	CONTRACT_CMD_MERCHANT_INSOLVENT = SZ_CMD_CONTRACT_BASE + 6, /* contract_event_cmd (contract 0, party: merchant) */
	CONTRACT_CMD_SUBSIDY_CREATE = SZ_CMD_CONTRACT_BASE + 7,     /* contract_subsidy_cmd */
	CONTRACT_CMD_SUBSIDY_GRANT = SZ_CMD_CONTRACT_BASE + 8,      /* contract_grant_cmd */
	CONTRACT_CMD_SUBSIDY_SPEND = SZ_CMD_CONTRACT_BASE + 9,      /* contract_spend_cmd */
	CONTRACT_CMD_CONDITIONAL_CREATE = SZ_CMD_CONTRACT_BASE + 10, /* contract_conditional_cmd */
	CONTRACT_CMD_CONDITION_POST = SZ_CMD_CONTRACT_BASE + 11,    /* contract_event_cmd (party: condition party) */
	CONTRACT_CMD_TEMPLATE_VERSION = SZ_CMD_CONTRACT_BASE + 12,  /* contract_template_version_cmd */
};

#define CONTRACT_RESULT_LIST(X) \
	X(300, TEMPLATE_NOT_FOUND, "template_not_found", "contracts are made only from registered templates") \
	X(301, TEMPLATE_INVALID, "template_invalid", "template kind, bounds or categories are invalid") \
	X(302, TEMPLATE_KIND_MISMATCH, "template_kind_mismatch", "the template is for another kind of contract") \
	X(303, CONTRACT_NOT_FOUND, "contract_not_found", "no contract has this id") \
	X(304, CONTRACT_NOT_ACTIVE, "contract_not_active", "the contract has ended") \
	X(305, PARTY_MISMATCH, "party_mismatch", "this party may not post this event on this contract") \
	X(306, SESSIONS_INVALID, "sessions_invalid", "session count or amount out of the template's bounds") \
	X(307, NO_SESSION_TO_CONFIRM, "no_session_to_confirm", "no delivered session awaits confirmation") \
	X(308, ALL_SESSIONS_DELIVERED, "all_sessions_delivered", "every prepaid session was already delivered") \
	X(309, DEADLINE_INVALID, "deadline_invalid", "deadline or expiry must be in the future and within the template's duration") \
	X(310, SUBSIDY_EXPIRED, "subsidy_expired", "the subsidy has expired") \
	X(311, SUBSIDY_BUDGET_INSUFFICIENT, "subsidy_budget_insufficient", "the subsidy's remaining budget is too small") \
	X(312, SUBSIDY_CATEGORY_NOT_ALLOWED, "subsidy_category_not_allowed", "the merchant's category is not allowed by the subsidy") \
	X(313, SUBSIDY_PAYEE_NOT_MERCHANT, "subsidy_payee_not_merchant", "subsidy money can only be spent at merchants, not sent to persons") \
	X(314, SUBSIDY_REDEMPTION_FORBIDDEN, "subsidy_redemption_forbidden", "subsidy money cannot be redeemed to a bank account") \
	X(315, GRANT_NOT_FOUND, "grant_not_found", "the wallet has no grant of this subsidy") \
	X(316, GRANT_INSUFFICIENT, "grant_insufficient", "the grant's remaining amount is too small") \
	X(317, CONDITION_CODE_MISMATCH, "condition_code_mismatch", "the event is not the contract's condition") \
	X(318, PAYEE_INVALID, "payee_invalid", "the payee must be an open wallet of the same currency (a merchant for escrows)") \
	X(319, AMOUNT_INVALID, "amount_invalid", "the amount is zero or overflows") \
	X(321, TEMPLATE_VERSION_INVALID, "template_version_invalid", "a template's next version is its newest version + 1, of the same kind") \
	X(320, MERCHANT_AT_RISK, "merchant_at_risk", "the merchant's risk status is high: it takes no new prepayments until the status is lowered")

enum contract_result {
#define CONTRACT_RESULT_ENUM(n, name, code, text) CONTRACT_R_##name = n,
	CONTRACT_RESULT_LIST(CONTRACT_RESULT_ENUM)
#undef CONTRACT_RESULT_ENUM
};

enum contract_kind { CONTRACT_KIND_ESCROW = 1, CONTRACT_KIND_SUBSIDY = 2, CONTRACT_KIND_CONDITIONAL = 3 };
enum contract_status {
	CONTRACT_ACTIVE = 1,
	CONTRACT_COMPLETED = 2,  /* all sessions released / condition met */
	CONTRACT_CANCELLED = 3,  /* consumer cancelled: remainder refunded */
	CONTRACT_INSOLVENT = 4,  /* merchant insolvent: remainder refunded */
	CONTRACT_EXPIRED = 5,    /* subsidy expired: unspent back to the issuer */
	CONTRACT_REFUNDED = 6,   /* conditional deadline passed: refunded */
};
enum contract_spend_flags { CONTRACT_SPEND_TO_BANK = 1u << 0 };

/* ---- command bodies (little-endian, no padding) ---------------------------- */

/* Register a template (id = template id). auto_confirm_s: escrow sessions
 * release by themselves this long after delivery. max_*: bounds on what a
 * contract of this template may ask. mcc: subsidy's allowed categories. */
struct contract_template_cmd {
	sz_id id;
	uint16_t kind;
	uint16_t mcc_count;
	uint32_t auto_confirm_s;
	uint32_t max_sessions;
	uint32_t max_duration_s;
	uint32_t condition_code;   /* conditional: the event code that releases (0 = any) */
	uint32_t cooling_off_s;    /* escrow: a cancellation this soon after creation refunds everything held (0 = none) */
	uint16_t mcc[CONTRACT_MCC_COUNT_MAX];
	char name[32];
};
_Static_assert(sizeof(struct contract_template_cmd) == 88, "template command is 88 bytes");

/* A new version of a registered template (same id and kind, new terms). */
struct contract_template_version_cmd {
	sz_id id;                  /* command id */
	struct contract_template_cmd terms; /* terms.id: the template */
	uint32_t version;          /* the newest version + 1 */
	uint32_t reserved;
};
_Static_assert(sizeof(struct contract_template_version_cmd) == 112, "template version command is 112 bytes");

/* Prepaid escrow (id = contract id): sessions x session_fen from the consumer. */
struct contract_escrow_cmd {
	sz_id id;
	sz_id template_id;
	sz_id consumer_wallet_id;
	sz_id merchant_wallet_id;
	uint64_t session_fen;
	uint32_t sessions;
	uint32_t reserved;
};
_Static_assert(sizeof(struct contract_escrow_cmd) == 80, "escrow command is 80 bytes");

/* An event on a contract by a party (deliver, confirm, cancel, condition,
 * insolvency); code: the condition's event code (conditions only). */
struct contract_event_cmd {
	sz_id id;
	sz_id contract_id;
	sz_id party_id;
	uint32_t code;
	uint32_t reserved;
};
_Static_assert(sizeof(struct contract_event_cmd) == 56, "event command is 56 bytes");

/* Purpose-bound subsidy (id = contract id): budget from the issuer's wallet. */
struct contract_subsidy_cmd {
	sz_id id;
	sz_id template_id;
	sz_id issuer_wallet_id;
	uint64_t budget_fen;
	uint64_t expires_at_ns;
};
_Static_assert(sizeof(struct contract_subsidy_cmd) == 64, "subsidy command is 64 bytes");

struct contract_grant_cmd {
	sz_id id;
	sz_id contract_id;
	sz_id wallet_id;
	uint64_t amount;
	uint64_t reserved;
};
_Static_assert(sizeof(struct contract_grant_cmd) == 64, "grant command is 64 bytes");

/* Spend a grant at a merchant. mcc 0 = the merchant's. flags TO_BANK asks to
 * redeem to the bank, which a subsidy forbids. */
struct contract_spend_cmd {
	sz_id id;
	sz_id contract_id;
	sz_id wallet_id;
	sz_id payee_id;
	uint64_t amount;
	uint16_t mcc;
	uint16_t flags;
	uint32_t reserved;
};
_Static_assert(sizeof(struct contract_spend_cmd) == 80, "spend command is 80 bytes");

/* Conditional payment (id = contract id): held until party posts the
 * condition code, or refunded at the deadline. */
struct contract_conditional_cmd {
	sz_id id;
	sz_id template_id;
	sz_id payer_wallet_id;
	sz_id payee_wallet_id;
	sz_id condition_party_id;
	uint64_t amount;
	uint64_t deadline_ns;
	uint32_t condition_code;
	uint32_t reserved;
};
_Static_assert(sizeof(struct contract_conditional_cmd) == 104, "conditional command is 104 bytes");

/* ---- state as seen by queries ------------------------------------------------ */

struct contract_template {
	struct contract_template_cmd cmd;
	uint64_t created_ns;
	uint32_t version;          /* 1 for the registered one */
	uint32_t reserved;
};

struct contract {
	sz_id id;
	sz_id template_id;
	sz_id payer_id;          /* consumer / issuer / payer wallet */
	sz_id payee_id;          /* merchant / zero / payee wallet */
	sz_id party_id;          /* conditional: who may post the condition */
	sz_id account_id;        /* escrow, pool or held-funds account */
	uint64_t amount_fen;     /* session amount / budget / amount */
	uint64_t deadline_ns;    /* subsidy expiry / conditional deadline */
	uint64_t funded_fen;     /* moved into the contract */
	uint64_t paid_fen;       /* released to merchant / payee, spent at merchants */
	uint64_t refunded_fen;   /* returned to consumer / issuer / payer */
	uint64_t granted_fen;    /* subsidy: moved from pool to grants */
	uint64_t created_ns;
	uint64_t ended_ns;
	uint32_t sessions;
	uint32_t delivered;
	uint32_t released;
	uint32_t grant_count;
	uint32_t grant_head;     /* newest grant index + 1 */
	uint32_t event_head;     /* newest event index + 1 */
	uint32_t event_count;
	uint32_t condition_code;
	uint16_t kind;
	uint16_t status;
	uint32_t template_version; /* the template version it runs under (0 in records older than versions: 1) */
	uint64_t frozen_fen;     /* escrow: released money held back for the merchant (its prepaid freeze share) */
};
_Static_assert(sizeof(struct contract) == 208, "contract record is 208 bytes");

enum contract_event_kind {
	CONTRACT_EV_CREATED = 1,        /* amount: funded */
	CONTRACT_EV_DELIVERED = 2,      /* aux: session number */
	CONTRACT_EV_CONFIRMED = 3,      /* amount: released; aux: session */
	CONTRACT_EV_AUTO_RELEASED = 4,  /* amount: released; aux: session */
	CONTRACT_EV_CANCELLED = 5,      /* amount: refunded */
	CONTRACT_EV_INSOLVENCY = 6,     /* amount: refunded */
	CONTRACT_EV_GRANTED = 7,        /* amount; party: wallet */
	CONTRACT_EV_SPENT = 8,          /* amount; party: merchant; aux: mcc */
	CONTRACT_EV_EXPIRED = 9,        /* amount: returned to the issuer */
	CONTRACT_EV_CONDITION_MET = 10, /* amount: released; aux: code */
	CONTRACT_EV_DEADLINE_REFUND = 11, /* amount: refunded */
	CONTRACT_EV_STEP_FAILED = 12,   /* a timed step failed; aux: result */
	CONTRACT_EV_COOLING_OFF_REFUND = 13, /* cancelled in the cooling-off period; amount: refunded */
};

struct contract_event {
	sz_id command_id;        /* zero for timed steps */
	sz_id party_id;
	uint64_t timestamp_ns;
	uint64_t amount_fen;
	uint32_t contract;       /* contract index */
	uint32_t prev;           /* previous event of the contract, index + 1 */
	uint16_t kind;
	uint16_t reserved;
	uint32_t aux;
};
_Static_assert(sizeof(struct contract_event) == 64, "event record is 64 bytes");

struct contract_grant {
	sz_id wallet_id;
	sz_id account_id;
	uint64_t granted_fen;
	uint64_t spent_fen;
	uint64_t returned_fen;
	uint32_t contract;
	uint32_t next;           /* older grant of the same contract, index + 1 */
};
_Static_assert(sizeof(struct contract_grant) == 64, "grant record is 64 bytes");

struct contract_state;

int contract_domain_register(struct sz_state *s);
struct contract_state *contract_state_get(const struct sz_state *s);
/* The newest version of template id, or NULL. */
const struct contract_template *contract_template_find(const struct contract_state *k, sz_id id);
/* Version `version` of template id, or NULL. */
const struct contract_template *contract_template_at(const struct contract_state *k, sz_id id, uint32_t version);
/* The template version contract c runs under. */
const struct contract_template *contract_template_of(const struct contract_state *k, const struct contract *c);
const struct contract *contract_find(const struct contract_state *k, sz_id id);
/* Events of a contract newest first: start with link = c->event_head; each
 * call returns the event and advances link; NULL at the end. */
const struct contract_event *contract_event_next(const struct contract_state *k, uint32_t *link);
/* Grants of a subsidy, newest first (same cursor scheme, link = grant_head). */
const struct contract_grant *contract_grant_next(const struct contract_state *k, uint32_t *link);
/* The subsidy grants held for a wallet, over all subsidies: start with
 * *cursor = 0; each call returns the next grant and sets *subsidy to its
 * contract (NULL at the end). Walks the contracts (a pilot has few
 * subsidies; each grant lookup is indexed). */
const struct contract_grant *contract_wallet_grant_next(const struct contract_state *k, sz_id wallet_id,
							  uint32_t *cursor, const struct contract **subsidy);
const char *contract_kind_name(uint16_t kind);
const char *contract_status_name(uint16_t status);
const char *contract_event_name(uint16_t kind);

#endif
