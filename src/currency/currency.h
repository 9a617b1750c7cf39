/*
 * currency.h — the currency domain: a two-tier digital currency (e-CNY style)
 * on the ledger.
 *
 * Owns: operators (banks and payment institutions) and their reserve, vault
 * and clearing accounts, pledges at their reserve ratio, deposit-rate tables
 * and interest (banks); the central bank's issuance, pledge and settlement
 * accounts per currency; wallets (personal, corporate, merchant, government,
 * treasury, sub-wallets) with classes 1-4 and their outflow counters and
 * accrued interest; wallet controls (freezes, receive-only and pay-only
 * states, amount freezes, the holder's own daily limit) and the transfer hook
 * that enforces them on every ledger transfer; merchants' risk status and
 * prepaid freeze share; fiscal payments (batch disbursements with per-line
 * results, tax and fee collection with receipts); hard-wallet devices and
 * offline payment sync; the versioned limits configuration; the remembered
 * action commands (idempotency, refunds); the two-tier invariant for both
 * regimes. Commands SZ_CMD_CURRENCY_BASE + 1 .. + 25 (bodies below: fixed
 * little-endian structs, no padding; device sync and disbursement chunks are
 * a fixed header followed by records). Results 200-299.
 *
 * Money model (all amounts in minor units, fen for CNY):
 *   central bank per currency: settlement (source of reserves), pledged
 *     (reserves backing issued currency), issuance (debit balance = supply).
 *   operator: reserve (deposit at the central bank; payment institutions may
 *     not overdraw it: 100% reserve), vault (issued e-currency not yet with a
 *     customer), clearing (the fiat side of top-ups and redemptions).
 *   customer side, attributed to one operator (ledger tenant_id): wallets,
 *     sub-wallets, devices, contract accounts (src/contract). Their sum per
 *     operator is the operator's liability counter; liabilities plus vaults
 *     over all operators equal the supply (checked by check_invariants).
 *
 * Never: move money except through ledger_create_transfer (currency_move);
 * read the clock; mutate its state without journalling it first (sz_journal,
 * engine/journal.h): the engine rolls the ledger and every domain back
 * together when a command or chain fails.
 */
#ifndef SZ_CURRENCY_H
#define SZ_CURRENCY_H

#include "core/limits.h"
#include "engine/state.h"
#include "szfin/szfin.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fiscal limits. Lines in one disbursement chunk command: 64 + 96 x 40 bytes
 * and the header fit SZ_COMMAND_SIZE_MAX (4096). Lines in one disbursement
 * request (one engine batch of 43 chunks, a JSON body of about 400 KiB):
 * a city district's monthly subsidy or payroll run fits; a larger run is
 * split into batches by the agency. Batches and line records remembered
 * (the per-line report stays queryable). */
#define CURRENCY_FISCAL_CHUNK_LINE_COUNT_MAX 96u
#define CURRENCY_FISCAL_LINE_COUNT_MAX 4096u
#define CURRENCY_FISCAL_CHUNK_COUNT_MAX \
	((CURRENCY_FISCAL_LINE_COUNT_MAX + CURRENCY_FISCAL_CHUNK_LINE_COUNT_MAX - 1) / CURRENCY_FISCAL_CHUNK_LINE_COUNT_MAX)
#define CURRENCY_FISCAL_BATCH_COUNT_MAX (1u << 20)

/* Interest (2026 rules). Rate versions kept per bank (a bank changes its
 * demand-deposit rate a few times a year). Wallets paid by one interest
 * command: each payment is a ledger transfer (the batch's ledger room) and
 * a journal bracket; a bank with more wallets repeats the command. The
 * day-count denominator: actual/365, rates in parts per million. */
#define CURRENCY_RATE_VERSION_COUNT_MAX 16u
#define CURRENCY_RATE_PPM_MAX 100000u
#define CURRENCY_INTEREST_PAY_COUNT_MAX 4096u
#define CURRENCY_INTEREST_DENOMINATOR (365ull * 1000000ull)
#define CURRENCY_FISCAL_LINE_RECORD_COUNT_MAX (1u << 26)

enum currency_command_kind {
	CURRENCY_CMD_OPERATOR_REGISTER = SZ_CMD_CURRENCY_BASE + 1, /* currency_operator_cmd */
	CURRENCY_CMD_RESERVE = SZ_CMD_CURRENCY_BASE + 2,           /* currency_reserve_cmd */
	CURRENCY_CMD_ISSUE = SZ_CMD_CURRENCY_BASE + 3,             /* currency_issue_cmd */
	CURRENCY_CMD_REDEEM = SZ_CMD_CURRENCY_BASE + 4,            /* currency_issue_cmd */
	CURRENCY_CMD_WALLET_OPEN = SZ_CMD_CURRENCY_BASE + 5,       /* currency_wallet_open_cmd */
	CURRENCY_CMD_WALLET_UPDATE = SZ_CMD_CURRENCY_BASE + 6,     /* currency_wallet_update_cmd */
	CURRENCY_CMD_WALLET_CLOSE = SZ_CMD_CURRENCY_BASE + 7,      /* currency_ref_cmd */
	CURRENCY_CMD_TOPUP = SZ_CMD_CURRENCY_BASE + 8,             /* currency_amount_cmd */
	CURRENCY_CMD_WITHDRAW = SZ_CMD_CURRENCY_BASE + 9,          /* currency_amount_cmd */
	CURRENCY_CMD_PAY = SZ_CMD_CURRENCY_BASE + 10,              /* currency_pay_cmd */
	CURRENCY_CMD_REFUND = SZ_CMD_CURRENCY_BASE + 11,           /* currency_amount_cmd */
	CURRENCY_CMD_SUB_FUND = SZ_CMD_CURRENCY_BASE + 12,         /* currency_amount_cmd */
	CURRENCY_CMD_SET_LIMITS = SZ_CMD_CURRENCY_BASE + 13,       /* currency_limits_cmd */
	CURRENCY_CMD_DEVICE_REGISTER = SZ_CMD_CURRENCY_BASE + 14,  /* currency_device_cmd */
	CURRENCY_CMD_DEVICE_LOAD = SZ_CMD_CURRENCY_BASE + 15,      /* currency_amount_cmd */
	CURRENCY_CMD_DEVICE_SYNC = SZ_CMD_CURRENCY_BASE + 16,      /* currency_sync_cmd + messages */
	CURRENCY_CMD_DEVICE_SUSPEND = SZ_CMD_CURRENCY_BASE + 17,   /* currency_ref_cmd */
	CURRENCY_CMD_WALLET_CONTROL = SZ_CMD_CURRENCY_BASE + 18,   /* currency_control_cmd */
	CURRENCY_CMD_HOLDER_LIMIT = SZ_CMD_CURRENCY_BASE + 19,     /* currency_amount_cmd (amount = daily limit) */
	CURRENCY_CMD_FISCAL_DISBURSE = SZ_CMD_CURRENCY_BASE + 20,  /* currency_fiscal_chunk_cmd + lines */
	CURRENCY_CMD_FISCAL_COLLECT = SZ_CMD_CURRENCY_BASE + 21,   /* currency_collect_cmd */
	CURRENCY_CMD_MERCHANT_RISK = SZ_CMD_CURRENCY_BASE + 22,    /* currency_risk_cmd */
	CURRENCY_CMD_RATE_SET = SZ_CMD_CURRENCY_BASE + 23,         /* currency_rate_cmd */
	CURRENCY_CMD_RESERVE_RATIO = SZ_CMD_CURRENCY_BASE + 24,    /* currency_ratio_cmd */
	CURRENCY_CMD_INTEREST_PAY = SZ_CMD_CURRENCY_BASE + 25,     /* currency_issue_cmd (amount 0) */
};

#define CURRENCY_RESULT_LIST(X) \
	X(200, OPERATOR_NOT_FOUND, "operator_not_found", "no operator has this tenant id") \
	X(201, OPERATOR_INVALID, "operator_invalid", "operator tenant id must be non-zero and its type bank (1) or payment institution (2)") \
	X(202, RESERVE_INSUFFICIENT, "reserve_insufficient", "a payment institution must hold 100% reserve: issuance or withdrawal beyond its reserve") \
	X(203, VAULT_INSUFFICIENT, "vault_insufficient", "the operator's vault holds less issued currency than asked") \
	X(204, WALLET_NOT_FOUND, "wallet_not_found", "the wallet does not exist") \
	X(205, WALLET_CLOSED, "wallet_closed", "the wallet is closed") \
	X(206, CLASS_INVALID, "class_invalid", "wallet class must be 1 to 4") \
	X(207, WALLET_TYPE_INVALID, "wallet_type_invalid", "wallet type must be personal, corporate or merchant, and fit the operation") \
	X(208, PARENT_INVALID, "parent_invalid", "a sub-wallet's parent must be an open main wallet of the same operator") \
	X(209, BANK_ACCOUNT_INVALID, "bank_account_invalid", "the bank account must be a bank-deposit account of the same operator and currency") \
	X(210, BANK_ACCOUNT_MISSING, "bank_account_missing", "the wallet has no linked bank account") \
	X(211, INSUFFICIENT_FUNDS, "insufficient_funds", "the wallet's balance is too low") \
	X(212, BANK_INSUFFICIENT_FUNDS, "bank_insufficient_funds", "the linked bank account's balance is too low") \
	X(213, PER_PAYMENT_LIMIT_EXCEEDED, "per_payment_limit_exceeded", "the amount exceeds the wallet's per-payment limit") \
	X(214, DAILY_OUTFLOW_LIMIT_EXCEEDED, "daily_outflow_limit_exceeded", "the wallet's outflow today (China time) would exceed its daily limit") \
	X(215, ANNUAL_OUTFLOW_LIMIT_EXCEEDED, "annual_outflow_limit_exceeded", "the wallet's outflow this year (China time) would exceed its annual limit") \
	X(216, BALANCE_CAP_EXCEEDED, "balance_cap_exceeded", "the receiving wallet's balance would exceed its cap") \
	X(217, SUB_WALLET_PER_PAYMENT_LIMIT_EXCEEDED, "sub_wallet_per_payment_limit_exceeded", "the amount exceeds the sub-wallet's own per-payment limit") \
	X(218, SUB_WALLET_DAILY_LIMIT_EXCEEDED, "sub_wallet_daily_limit_exceeded", "the sub-wallet's outflow today would exceed its own daily limit") \
	X(219, SUB_WALLET_BALANCE_CAP_EXCEEDED, "sub_wallet_balance_cap_exceeded", "the sub-wallet's balance would exceed its own cap") \
	X(220, PAYMENT_NOT_FOUND, "payment_not_found", "no payment has this id") \
	X(221, REFUND_EXCEEDS_PAYMENT, "refund_exceeds_payment", "refunds would exceed the payment's amount") \
	X(222, MCC_INVALID, "mcc_invalid", "the merchant category code is missing, out of range or not the merchant's") \
	X(223, LIMITS_VERSION_INVALID, "limits_version_invalid", "a limits version must be greater than the newest one") \
	X(224, LIMITS_EFFECTIVE_IN_PAST, "limits_effective_in_past", "a limits version must take effect after the current batch time, and after the previous version") \
	X(225, LIMITS_INVALID, "limits_invalid", "limits must be consistent: per payment <= daily <= annual where set, offline caps non-zero") \
	X(226, DEVICE_NOT_FOUND, "device_not_found", "the device is not registered") \
	X(227, DEVICE_SUSPENDED, "device_suspended", "the device is suspended") \
	X(228, DEVICE_KEY_INVALID, "device_key_invalid", "the public key is not a valid Ed25519 key") \
	X(229, SYNC_INVALID, "sync_invalid", "a sync carries 1 to 24 messages and matches its size") \
	X(230, WALLET_HAS_BALANCE, "wallet_has_balance", "the wallet holds money and has no linked bank account to return it to") \
	X(231, WALLET_HAS_SUB_WALLETS, "wallet_has_sub_wallets", "close the wallet's sub-wallets first") \
	X(232, SAME_WALLET, "same_wallet", "payer and payee must differ") \
	X(233, DEVICE_COUNTER_INVALID, "device_counter_invalid", "a load's device counter must not be below the last accepted offline counter") \
	X(234, NOT_SUB_WALLET, "not_sub_wallet", "the operation needs a sub-wallet") \
	X(235, CURRENCY_NOT_ISSUED, "currency_not_issued", "the currency has no operator") \
	X(236, SUB_WALLET_LIMITS_OVER_CLASS, "sub_wallet_limits_over_class", "a sub-wallet's own limits must not exceed its parent's class and own limits") \
	X(238, WALLET_HAS_DEVICES, "wallet_has_devices", "a hard wallet of the wallet is active or still settling: suspend it and let its settlement window end first") \
	X(239, WALLET_HAS_CONTRACTS, "wallet_has_contracts", "a contract holds money for or from the wallet (an active escrow, subsidy or conditional payment, a subsidy grant): end it first") \
	X(240, ID_TAKEN_BY_OTHER_KIND, "id_taken_by_other_kind", "the id is already used by a currency command of another kind: wallet, device, payment and other command ids share one space, choose another id") \
	X(241, WALLET_FROZEN, "wallet_frozen", "the wallet is frozen: it neither pays nor receives until the control is lifted by who set it") \
	X(242, WALLET_RECEIVE_ONLY, "wallet_receive_only", "the wallet may only receive (只收不付): nothing may leave it until the control is lifted") \
	X(243, WALLET_PAY_ONLY, "wallet_pay_only", "the wallet may only pay: nothing may come into it until the control is lifted") \
	X(244, WALLET_AMOUNT_FROZEN, "wallet_amount_frozen", "the transfer would take the wallet's balance below the amount frozen on it (a judicial or other amount freeze)") \
	X(245, HOLDER_DAILY_LIMIT_EXCEEDED, "holder_daily_limit_exceeded", "the wallet's outflow today (China time) would exceed the daily limit its holder set") \
	X(246, HOLDER_LIMIT_OVER_CLASS, "holder_limit_over_class", "a holder's daily limit must not exceed the class and operator daily limits in force (it only tightens them); set on main wallets") \
	X(247, CONTROL_INVALID, "control_invalid", "a wallet control needs an authority (operator, regulator, judicial), a state, a reason code, and an amount exactly when the state is amount") \
	X(248, CONTROL_NOT_SET, "control_not_set", "the authority has no control on the wallet to lift") \
	X(237, BALANCE_OVER_CLASS_CAP, "balance_over_class_cap", "the wallet (with its sub-wallets) holds more than the new class or own balance cap: move the excess first") \
	X(250, OFFLINE_MALFORMED, "offline_malformed", "offline message: wrong magic, version, or non-zero reserved bytes") \
	X(251, OFFLINE_BAD_SIGNATURE, "offline_bad_signature", "offline message: the device's signature does not verify") \
	X(252, OFFLINE_COUNTER_REPLAYED, "offline_counter_replayed", "offline message: counter already used") \
	X(253, OFFLINE_COUNTER_SKIPPED, "offline_counter_skipped", "offline message: an earlier counter is missing") \
	X(254, OFFLINE_AMOUNT_OVER_CAP, "offline_amount_over_cap", "offline message: amount over the per-payment offline cap") \
	X(255, OFFLINE_EXCEEDS_LOADED_VALUE, "offline_exceeds_loaded_value", "offline message: more than the device's loaded value") \
	X(256, OFFLINE_DEVICE_SUSPENDED, "offline_device_suspended", "offline message: the device was suspended") \
	X(257, OFFLINE_COUNT_EXCEEDED, "offline_count_exceeded", "offline message: more payments than allowed before the device syncs") \
	X(258, OFFLINE_DEVICE_UNKNOWN, "offline_device_unknown", "offline message: the device is not registered") \
	X(259, OFFLINE_PAYEE_INVALID, "offline_payee_invalid", "offline message: the payee is not an open wallet of the currency") \
	X(261, FISCAL_PAYER_INVALID, "fiscal_payer_invalid", "a disbursement is paid from an open government agency wallet") \
	X(262, FISCAL_BATCH_INVALID, "fiscal_batch_invalid", "a disbursement chunk carries 1 to 96 lines, matches its size, names a purpose, and follows the batch's earlier chunks with the same payer, purpose and chunk count") \
	X(263, TREASURY_INVALID, "treasury_invalid", "taxes and fees are collected into an open treasury wallet of the payer's currency, from another wallet") \
	X(264, COLLECTION_INVALID, "collection_invalid", "a collection is a tax or a fee with a code 1 to 9999 and a period YYYYMM") \
	X(265, NOT_A_BANK, "not_a_bank", "deposit rates, interest and a reserve ratio below 100% are for bank operators; payment institutions keep 100% reserve and pay no interest") \
	X(266, RATE_INVALID, "rate_invalid", "a rate version must be newer than the last, take effect after it and not before the current batch, at most 100,000 ppm (10%)") \
	X(267, RATIO_INVALID, "ratio_invalid", "a reserve ratio is 0 to 10,000 basis points, and the reserve must cover the pledge it asks for") \
	X(268, BANK_ACCOUNT_OTHER_OPERATOR, "bank_account_other_operator", "the bank account is held at another operator: a wallet links a deposit account at its own operator only (the other operator has not authorised this one to debit it)") \
	X(269, FREEZE_SHARE_INVALID, "freeze_share_invalid", "a prepaid freeze share is 0 to 10,000 basis points") \
	X(260, OFFLINE_PAYEE_OVER_CAP, "offline_payee_over_cap", "offline message: the payee's balance cap has no room and it has no linked bank account to settle the excess to; it stays pending (sync it again after an upgrade)")

enum currency_result {
#define CURRENCY_RESULT_ENUM(n, name, code, text) CURRENCY_R_##name = n,
	CURRENCY_RESULT_LIST(CURRENCY_RESULT_ENUM)
#undef CURRENCY_RESULT_ENUM
};

enum currency_operator_type { CURRENCY_OPERATOR_BANK = 1, CURRENCY_OPERATOR_PAYMENT_INSTITUTION = 2 };
enum currency_wallet_type {
	CURRENCY_WALLET_PERSONAL = 1,
	CURRENCY_WALLET_CORPORATE = 2,
	CURRENCY_WALLET_MERCHANT = 3, /* corporate wallet that receives payments with its MCC */
	CURRENCY_WALLET_SUB = 4,      /* set by the engine for wallets opened with a parent */
	CURRENCY_WALLET_GOVERNMENT = 5, /* a government agency's wallet (class 1): pays fiscal disbursements */
	CURRENCY_WALLET_TREASURY = 6,   /* the treasury's wallet (国库, class 1): receives taxes and fees */
};
enum currency_wallet_flags {
	CURRENCY_WALLET_AUTO_TOPUP = 1u << 0, /* pull a shortfall from the linked bank account */
	CURRENCY_WALLET_CLOSED = 1u << 7,     /* state only */
};
#define CURRENCY_WALLET_FLAGS_CLIENT 0x01u

/* Account roles, stored in sz_account.user_data as CURRENCY_TAG | role, so
 * the invariant and queries can tell what an account is for. Roles below
 * CURRENCY_ROLE_CUSTOMER_END hold customers' money (an operator liability). */
#define CURRENCY_TAG 0x535a435500000000ull /* "SZCU" */
enum currency_role {
	CURRENCY_ROLE_WALLET = 1,
	CURRENCY_ROLE_DEVICE = 2,
	CURRENCY_ROLE_CONTRACT = 3,   /* escrow, subsidy pool or grant (src/contract) */
	CURRENCY_ROLE_CUSTOMER_END = 16,
	CURRENCY_ROLE_VAULT = 16,
	CURRENCY_ROLE_RESERVE = 17,
	CURRENCY_ROLE_CLEARING = 18,
	CURRENCY_ROLE_CB_ISSUANCE = 32,
	CURRENCY_ROLE_CB_PLEDGED = 33,
	CURRENCY_ROLE_CB_SETTLEMENT = 34,
};

/* Does user_data mark an account of the currency or contract domains? Such
 * accounts move only through those domains' commands: a raw ledger transfer,
 * freeze or close on one would break the two-tier invariant, so the raw
 * ledger routes refuse them (src/api/transfers.c, accounts.c). */
static inline bool currency_user_data_is_domain(uint64_t user_data)
{
	return (user_data & 0xffffffff00000000ull) == CURRENCY_TAG;
}

/* Wallet controls. Each authority has one slot per wallet; a slot's state
 * blocks what it says until that authority lifts it (state NONE). The
 * strictest slots win: any FROZEN, or RECEIVE_ONLY with PAY_ONLY, blocks
 * both ways; AMOUNT slots add up to the amount the balance may not go below. */
enum currency_control_authority {
	CURRENCY_AUTHORITY_OPERATOR = 1,  /* the operator's own risk or service team */
	CURRENCY_AUTHORITY_REGULATOR = 2, /* the central bank or a regulator (AML) */
	CURRENCY_AUTHORITY_JUDICIAL = 3,  /* a court order, executed by the operator */
	CURRENCY_AUTHORITY_COUNT = 3,
};
enum currency_control_state {
	CURRENCY_CONTROL_NONE = 0,         /* lift this authority's control */
	CURRENCY_CONTROL_FROZEN = 1,       /* neither pays nor receives */
	CURRENCY_CONTROL_RECEIVE_ONLY = 2, /* 只收不付: receives, does not pay */
	CURRENCY_CONTROL_PAY_ONLY = 3,     /* pays, does not receive */
	CURRENCY_CONTROL_AMOUNT = 4,       /* amount_fen of the balance may not leave */
};
enum currency_control_reason {
	CURRENCY_REASON_HOLDER_REQUEST = 1,
	CURRENCY_REASON_SUSPECTED_FRAUD = 2,
	CURRENCY_REASON_AML_INVESTIGATION = 3,
	CURRENCY_REASON_COURT_ORDER = 4,
	CURRENCY_REASON_SANCTIONS = 5,
	CURRENCY_REASON_IDENTITY_UNVERIFIED = 6,
	CURRENCY_REASON_DORMANT = 7,
	CURRENCY_REASON_OTHER = 8,
	CURRENCY_REASON_COUNT = 8,
};

/* A merchant's risk status (prepaid-fund supervision, 元管家 style): at HIGH
 * the merchant takes no new prepayments (contract escrows); running ones go on. */
enum currency_risk_status { CURRENCY_RISK_NORMAL = 0, CURRENCY_RISK_WATCH = 1, CURRENCY_RISK_HIGH = 2 };

/* ---- command bodies (little-endian, no padding) ------------------------- */

/* Register an operator; tenant_id is its key (as in API tokens). */
struct currency_operator_cmd {
	sz_id id;             /* command id */
	uint64_t tenant_id;
	uint32_t currency;
	uint16_t type;        /* enum currency_operator_type */
	uint16_t reserved;
	char name[32];        /* NUL-padded label */
};
_Static_assert(sizeof(struct currency_operator_cmd) == 64, "operator command is 64 bytes");

/* Move reserve: direction 0 = deposit (central bank settlement -> operator
 * reserve), 1 = withdraw (back). */
struct currency_reserve_cmd {
	sz_id id;
	uint64_t tenant_id;
	uint64_t amount;
	uint16_t direction;
	uint8_t reserved[6];
};
_Static_assert(sizeof(struct currency_reserve_cmd) == 40, "reserve command is 40 bytes");

/* Issue to / redeem from an operator's vault against its reserve. */
struct currency_issue_cmd {
	sz_id id;
	uint64_t tenant_id;
	uint64_t amount;
};
_Static_assert(sizeof(struct currency_issue_cmd) == 32, "issue command is 32 bytes");

/* Open a wallet (id = wallet id = its ledger account id). A non-zero parent
 * opens a sub-wallet (class and operator from the parent; limits here are
 * its own). Own limits (0 = none) apply besides the class limits; for class
 * 1 they are the operator-set caps. */
struct currency_wallet_open_cmd {
	sz_id id;
	sz_id owner_id;
	sz_id parent_id;
	sz_id bank_account_id;   /* 0 = none (sub-wallets: must be 0) */
	uint64_t tenant_id;
	uint64_t limit_balance_fen;
	uint64_t limit_payment_fen;
	uint64_t limit_daily_fen;
	uint64_t limit_annual_fen;
	uint16_t type;           /* enum currency_wallet_type (not SUB) */
	uint8_t class_level;     /* 1..4; 0 for sub-wallets */
	uint8_t flags;           /* CURRENCY_WALLET_AUTO_TOPUP */
	uint16_t mcc;            /* merchant category (merchant wallets only), 1..9999 */
	uint8_t reserved[10];
};
_Static_assert(sizeof(struct currency_wallet_open_cmd) == 120, "wallet open command is 120 bytes");

/* Change a wallet's class, flags and own limits (id and balance kept). */
struct currency_wallet_update_cmd {
	sz_id id;                /* command id */
	sz_id wallet_id;
	uint64_t limit_balance_fen;
	uint64_t limit_payment_fen;
	uint64_t limit_daily_fen;
	uint64_t limit_annual_fen;
	uint8_t class_level;     /* 1..4 (sub-wallets: 0) */
	uint8_t flags;
	uint8_t reserved[6];
};
_Static_assert(sizeof(struct currency_wallet_update_cmd) == 72, "wallet update command is 72 bytes");

/* A command naming one object (wallet close, device suspend). */
struct currency_ref_cmd {
	sz_id id;
	sz_id target_id;
};
_Static_assert(sizeof(struct currency_ref_cmd) == 32, "ref command is 32 bytes");

/* Top-up / withdraw (target = wallet), refund (target = payment id), sub-wallet
 * funding (target = sub-wallet; direction 0 parent -> sub, 1 sub -> parent),
 * device load (target = device; aux = the device's counter now). */
struct currency_amount_cmd {
	sz_id id;
	sz_id target_id;
	uint64_t amount;
	uint64_t aux;
};
_Static_assert(sizeof(struct currency_amount_cmd) == 48, "amount command is 48 bytes");

/* A wallet payment. mcc: the merchant's category when the payee is a
 * merchant (0 = take the merchant's), else 0. */
struct currency_pay_cmd {
	sz_id id;
	sz_id payer_id;
	sz_id payee_id;
	uint64_t amount;
	uint16_t mcc;
	uint16_t flags;          /* none yet: zero */
	uint32_t reserved;
};
_Static_assert(sizeof(struct currency_pay_cmd) == 64, "pay command is 64 bytes");

/* Limits of one wallet class; 0 = no limit. */
struct currency_class_limits {
	uint64_t balance_fen;
	uint64_t payment_fen;
	uint64_t daily_fen;
	uint64_t annual_fen;
};
_Static_assert(sizeof(struct currency_class_limits) == 32, "class limits are 32 bytes");

/* A version of the limits configuration. classes[0] is class 1. */
struct currency_limits_cmd {
	sz_id id;
	uint64_t version;
	uint64_t effective_from_ns;
	struct currency_class_limits classes[4];
	uint64_t offline_payment_max_fen;
	uint32_t offline_count_max;     /* offline payments before the device must sync */
	uint32_t offline_settle_s;      /* after a device is suspended, payments it signed before still
					 * settle for this long; then the rest is refunded (0 = at once) */
};
_Static_assert(sizeof(struct currency_limits_cmd) == 176, "limits command is 176 bytes");

/* Register a hard wallet device (id = device id = its ledger account id). */
struct currency_device_cmd {
	sz_id id;
	sz_id wallet_id;
	uint8_t public_key[32];  /* Ed25519 */
};
_Static_assert(sizeof(struct currency_device_cmd) == 64, "device command is 64 bytes");

/* Device sync: this header, then count offline messages (offline.h). */
struct currency_sync_cmd {
	sz_id id;
	uint32_t count;
	uint32_t reserved;
};
_Static_assert(sizeof(struct currency_sync_cmd) == 24, "sync command header is 24 bytes");

/* Set or lift (state NONE) one authority's control on a wallet. */
struct currency_control_cmd {
	sz_id id;
	sz_id wallet_id;
	uint64_t amount_fen;     /* state AMOUNT: the frozen amount (> 0); else 0 */
	uint8_t authority;       /* enum currency_control_authority */
	uint8_t state;           /* enum currency_control_state */
	uint16_t reason;         /* enum currency_control_reason (0 only when lifting) */
	uint32_t reserved;
};
_Static_assert(sizeof(struct currency_control_cmd) == 48, "control command is 48 bytes");

/* Fiscal disbursement (财政支出): a batch of up to CURRENCY_FISCAL_LINE_COUNT_MAX
 * lines travels as chunk commands of up to CURRENCY_FISCAL_CHUNK_LINE_COUNT_MAX
 * lines each (a command is at most SZ_COMMAND_SIZE_MAX bytes), all in one
 * engine batch; chunk 0 opens the batch record, chunk k > 0 must follow
 * chunk k - 1. Each line pays on its own: one line's failure is its result,
 * the other lines still pay. A line id pays at most once, in any batch. */
enum currency_fiscal_purpose {
	CURRENCY_FISCAL_SUBSIDY = 1,
	CURRENCY_FISCAL_SALARY = 2,
	CURRENCY_FISCAL_PENSION = 3,
	CURRENCY_FISCAL_OTHER = 4,
};
struct currency_fiscal_chunk_cmd {
	sz_id id;                /* chunk command id (the API derives it from the batch id and chunk index) */
	sz_id batch_id;
	sz_id payer_id;          /* government agency wallet */
	uint32_t chunk_index;
	uint32_t chunk_count;
	uint32_t line_count;     /* lines following this header */
	uint16_t purpose;        /* enum currency_fiscal_purpose */
	uint16_t reserved;
};
_Static_assert(sizeof(struct currency_fiscal_chunk_cmd) == 64, "fiscal chunk header is 64 bytes");
struct currency_fiscal_line_cmd {
	sz_id line_id;
	sz_id payee_id;
	uint64_t amount;
};
_Static_assert(sizeof(struct currency_fiscal_line_cmd) == 40, "fiscal line is 40 bytes");
_Static_assert(sizeof(sz_command_header) + sizeof(struct currency_fiscal_chunk_cmd) +
		       CURRENCY_FISCAL_CHUNK_LINE_COUNT_MAX * sizeof(struct currency_fiscal_line_cmd) <= SZ_COMMAND_SIZE_MAX,
	       "a full chunk fits one command");

/* Tax and fee collection (财政收入) into the treasury wallet. */
enum currency_collection_kind { CURRENCY_COLLECT_TAX = 1, CURRENCY_COLLECT_FEE = 2 };
struct currency_collect_cmd {
	sz_id id;                /* the receipt is this command's record */
	sz_id payer_id;
	sz_id treasury_id;
	uint64_t amount;
	uint16_t kind;           /* enum currency_collection_kind */
	uint16_t tax_code;       /* 1..9999, the tax or fee item */
	uint32_t period;         /* YYYYMM the tax or fee is for */
};
_Static_assert(sizeof(struct currency_collect_cmd) == 64, "collect command is 64 bytes");

/* Set a merchant wallet's risk status. */
struct currency_risk_cmd {
	sz_id id;
	sz_id wallet_id;
	uint16_t status;         /* enum currency_risk_status */
	uint16_t reason;         /* enum currency_control_reason (0 = none) */
	uint32_t freeze_share_bp; /* share of each prepaid release held back until the escrow ends (0..10,000) */
};
_Static_assert(sizeof(struct currency_risk_cmd) == 40, "risk command is 40 bytes");

/* A version of a bank's deposit rate (takes effect at effective_from_ns). */
struct currency_rate_cmd {
	sz_id id;
	uint64_t tenant_id;
	uint64_t effective_from_ns;
	uint32_t version;
	uint32_t rate_ppm;
};
_Static_assert(sizeof(struct currency_rate_cmd) == 40, "rate command is 40 bytes");

/* A bank's reserve ratio for e-CNY (deposit-reserve requirement), set by the central bank. */
struct currency_ratio_cmd {
	sz_id id;
	uint64_t tenant_id;
	uint32_t ratio_bp;
	uint32_t reserved;
};
_Static_assert(sizeof(struct currency_ratio_cmd) == 32, "ratio command is 32 bytes");

/* ---- state as seen by queries and by src/contract ------------------------ */

/* A version of a bank's demand-deposit rate for e-CNY in classes 1-3. */
struct currency_rate {
	uint64_t effective_from_ns;
	uint32_t version;
	uint32_t rate_ppm;        /* annual, parts per million (3,500 = 0.35%) */
};

struct currency_operator {
	struct currency_operator_cmd cmd;
	sz_id reserve_id, vault_id, clearing_id;
	uint64_t liability_fen;   /* customers' money held (wallets, devices, contracts) */
	uint64_t issued_fen;      /* cumulative */
	uint64_t redeemed_fen;    /* cumulative */
	uint64_t created_ns;
	uint64_t pledged_fen;     /* reserve pledged at the central bank for its outstanding issuance */
	uint64_t interest_accrued_fen; /* cumulative, whole fen credited to wallets' interest_due_fen */
	uint64_t interest_paid_fen;    /* cumulative, paid into wallets */
	uint32_t reserve_ratio_bp;     /* pledge per issued fen: banks 0..10,000 (default 10,000), institutions 10,000 */
	uint32_t rate_count;
	struct currency_rate rates[CURRENCY_RATE_VERSION_COUNT_MAX];
};

/* One authority's control on a wallet (state NONE: no control). */
struct currency_wallet_control {
	uint8_t state;            /* enum currency_control_state */
	uint8_t reserved;
	uint16_t reason;          /* enum currency_control_reason */
	uint32_t reserved2;
	uint64_t amount_fen;      /* state AMOUNT */
	uint64_t set_ns;          /* when it was set */
};
_Static_assert(sizeof(struct currency_wallet_control) == 24, "wallet control is 24 bytes");

struct currency_wallet {
	sz_id id;
	sz_id owner_id;
	sz_id bank_account_id;
	uint64_t tenant_id;
	struct currency_class_limits own;   /* 0 = none */
	uint64_t day_out_fen;     /* outflow on day `day` (China time) */
	uint64_t year_out_fen;    /* outflow in year `year` */
	uint64_t created_ns;
	uint32_t day;             /* days since 1970-01-01, UTC+8 */
	int32_t year;
	uint32_t parent;          /* wallet index + 1 of the parent; 0 = main wallet */
	uint32_t account_index;   /* ledger account */
	uint32_t currency;
	uint32_t sub_count;       /* open sub-wallets */
	uint16_t type;
	uint16_t mcc;
	uint8_t class_level;
	uint8_t flags;
	uint8_t risk_status;      /* merchants: enum currency_risk_status */
	uint8_t reserved;
	uint32_t first_sub;       /* main wallet: wallet index + 1 of its newest sub-wallet; 0 = none */
	uint32_t next_sub;        /* sub-wallet: index + 1 of the parent's next older sub-wallet */
	struct currency_wallet_control controls[CURRENCY_AUTHORITY_COUNT]; /* [authority - 1] */
	uint64_t holder_daily_fen; /* the holder's own daily outflow limit; 0 = none */
	uint64_t interest_due_fen; /* accrued interest not yet paid (bank, classes 1-3) */
	uint64_t interest_rem;     /* accrued fraction of a fen, in 1/CURRENCY_INTEREST_DENOMINATOR fen */
	uint32_t prepaid_freeze_bp; /* merchants: share of prepaid releases held back (src/contract) */
	uint32_t reserved3;
};
_Static_assert(sizeof(struct currency_wallet) == 256, "wallet record is 256 bytes");

struct currency_state;

int currency_domain_register(struct sz_state *s);
struct currency_state *currency_state_get(const struct sz_state *s);

const struct currency_operator *currency_operator_find(const struct currency_state *c, uint64_t tenant_id);
/* Operators in registration order (queries: index 0 .. currency_operator_count - 1). */
uint32_t currency_operator_count(const struct currency_state *c);
const struct currency_operator *currency_operator_at(const struct currency_state *c, uint32_t index);
const struct currency_wallet *currency_wallet_find(const struct currency_state *c, sz_id id);
/* A sub-wallet's parent, or NULL for a main wallet. */
const struct currency_wallet *currency_wallet_parent(const struct currency_state *c, const struct currency_wallet *w);
/* The wallet a remembered command names by reference (currency_op.payer /
 * .payee: wallet index + 1), or NULL for 0. */
const struct currency_wallet *currency_op_wallet(const struct currency_state *c, uint32_t ref);
/* The class a wallet is held to (a sub-wallet: its parent's). */
uint8_t currency_wallet_class(const struct currency_state *c, const struct currency_wallet *w);
/* Spendable balance of a ledger account (credits - debits - pending debits). */
uint64_t currency_account_balance(const sz_account *a);
/* The limits version in force at batch time t. */
const struct currency_limits_cmd *currency_limits_at(const struct currency_state *c, uint64_t t_ns);
uint32_t currency_limits_count(const struct currency_state *c);
const struct currency_limits_cmd *currency_limits_version(const struct currency_state *c, uint32_t index);
/* The default version 1 (the issue's CNY figures). */
void currency_limits_default(struct currency_limits_cmd *out);
/* What a wallet's controls (its own, and a sub-wallet's parent's) allow. */
struct currency_wallet_blocks {
	bool pay_blocked, receive_blocked;
	uint32_t pay_result, receive_result;  /* the refusal when blocked */
	uint64_t frozen_fen;                  /* sum of amount freezes (saturating) */
};
void currency_wallet_blocks_of(const struct currency_state *c, const struct currency_wallet *w,
			       struct currency_wallet_blocks *out);
/* Names of the control enums (NULL-terminated, index = value - 1; states from FROZEN). */
extern const char *const currency_authority_names[];
extern const char *const currency_control_state_names[];
extern const char *const currency_reason_names[];

/* The pledge a bank or institution owes for outstanding issuance at its ratio (rounded up). */
uint64_t currency_pledge_required(const struct currency_operator *op, uint64_t outstanding_fen);
/* The rate in force at time t (0 if none). */
uint32_t currency_rate_at(const struct currency_operator *op, uint64_t t_ns);

/* Supply outstanding of a currency (issued - redeemed). */
uint64_t currency_supply(const struct currency_state *c, uint32_t currency);

/* A remembered action command (payment, refund, top-up ...). */
struct currency_op {
	sz_id id;
	uint64_t fingerprint;
	uint64_t amount;
	uint64_t topup_fen;       /* payments: pulled from the bank by auto top-up */
	uint64_t refunded_fen;    /* payments: refunded so far */
	uint64_t timestamp_ns;
	uint32_t payer;           /* wallet index + 1 (payments) */
	uint32_t payee;
	uint16_t kind;
	uint16_t mcc;
	uint32_t aux;             /* syncs: index of the sync record + 1 */
};
_Static_assert(sizeof(struct currency_op) == 72, "op record is 72 bytes");
const struct currency_op *currency_op_find(const struct currency_state *c, sz_id id);

struct currency_device {
	sz_id id;
	sz_id wallet_id;
	uint8_t public_key[32];
	uint64_t loaded_fen;      /* cumulative loads */
	uint64_t spent_fen;       /* cumulative accepted offline payments */
	uint64_t refunded_fen;
	uint64_t last_counter;    /* last accepted offline counter */
	uint64_t window_base;     /* counter at the last load (device online) */
	uint64_t created_ns;
	uint64_t suspended_ns;    /* 0 = active; else the report time: nothing signed later is accepted */
	uint64_t settle_until_ns; /* suspended: end of the settlement window (= suspended_ns if none) */
	uint64_t settled_ns;      /* 0 = window still open; else when the rest was refunded */
	uint32_t account_index;
	uint32_t wallet;          /* wallet index */
};
_Static_assert(sizeof(struct currency_device) == 144, "device record is 144 bytes");
/* Is the device suspended and its settlement window over (value refunded)? */
static inline bool currency_device_settled(const struct currency_device *d)
{
	return d->suspended_ns != 0 && d->settled_ns != 0;
}
const struct currency_device *currency_device_find(const struct currency_state *c, sz_id id);

/* A disbursement batch and its lines (the per-line result report). */
struct currency_fiscal_batch {
	sz_id id;
	sz_id payer_id;
	uint64_t paid_fen;        /* lines paid by this batch */
	uint64_t failed_fen;      /* lines refused */
	uint64_t exists_fen;      /* lines whose id had paid before (not paid again) */
	uint64_t created_ns;
	uint32_t first_line;      /* index of its first line record */
	uint32_t line_count;      /* line records so far */
	uint32_t paid_count, failed_count, exists_count;
	uint32_t chunk_count, chunks_applied;
	uint16_t purpose;
	uint16_t reserved;
};
_Static_assert(sizeof(struct currency_fiscal_batch) == 96, "fiscal batch record is 96 bytes");
struct currency_fiscal_line {
	sz_id line_id;
	sz_id payee_id;
	uint64_t amount;
	uint32_t batch;           /* batch index */
	uint16_t result;          /* 0 paid, SZ_R_EXISTS paid before, else the refusal */
	uint16_t reserved;
};
_Static_assert(sizeof(struct currency_fiscal_line) == 48, "fiscal line record is 48 bytes");
const struct currency_fiscal_batch *currency_fiscal_batch_find(const struct currency_state *c, sz_id id);
/* The line records from index `from` (batch lines are in order; other
 * batches' lines may lie between chunks): the next line of batch b at or
 * after *cursor, advancing it, or NULL. */
const struct currency_fiscal_line *currency_fiscal_line_next(const struct currency_state *c,
							     const struct currency_fiscal_batch *b, uint32_t *cursor);
/* The ledger transfer id of a fiscal line. */
sz_id currency_fiscal_line_transfer_id(sz_id line_id);

/* Per-message outcomes of one sync (0 = accepted, else a 25x result). */
struct currency_sync_record {
	sz_id id;
	uint32_t count;
	uint32_t accepted;
	uint16_t results[CURRENCY_SYNC_MESSAGE_COUNT_MAX];
	uint64_t counters[CURRENCY_SYNC_MESSAGE_COUNT_MAX];  /* counter of message i (input order) */
};
const struct currency_sync_record *currency_sync_find(const struct currency_state *c, sz_id id);

/* ---- services for src/contract ------------------------------------------
 * Every counter change made by currency_move / currency_spend_commit is
 * journalled (engine/journal.h): the bracket the engine (or a contract
 * timer step) opened undoes it with the ledger. */

/* Move amount between two ledger accounts with a transfer id derived from
 * (base, step); keeps the operators' liability counters. Returns a result. */
uint32_t currency_move(struct sz_state *s, struct currency_state *c, sz_id base, uint32_t step,
		       sz_id debit_id, sz_id credit_id, uint64_t amount, uint16_t code, uint64_t now_ns);
/* Check that wallet w may send amount now (class and own limits, balance);
 * commit counts it in the outflow counters (journalled). */
uint32_t currency_spend_check(const struct currency_state *c, const struct sz_state *s,
			      const struct currency_wallet *w, uint64_t amount, uint64_t batch_time_ns);
void currency_spend_commit(struct currency_state *c, const struct currency_wallet *w, uint64_t amount,
			   uint64_t batch_time_ns);
/* Balance of a main wallet together with all its sub-wallets (closed ones
 * hold nothing): what its class and own balance caps bound. */
uint64_t currency_family_balance(const struct currency_state *c, const struct sz_state *s,
				 const struct currency_wallet *w);
/* How much wallet w may still receive from outside its family before a
 * balance cap (its own, its main wallet's on the family) is reached;
 * UINT64_MAX if no cap applies. */
uint64_t currency_receive_room(const struct currency_state *c, const struct sz_state *s,
			       const struct currency_wallet *w, uint64_t batch_time_ns);
/* Check that wallet w may receive amount from outside its family (balance
 * caps: a sub-wallet's own cap, and the main wallet's caps on the family). */
uint32_t currency_receive_check(const struct currency_state *c, const struct sz_state *s,
				const struct currency_wallet *w, uint64_t amount, uint64_t batch_time_ns);
/* Create a customer-side ledger account (role CONTRACT) for an operator. */
uint32_t currency_contract_account_open(struct sz_state *s, sz_id id, sz_id owner_id, uint64_t tenant_id,
					uint32_t currency, uint64_t now_ns);

/* Money a domain built on the currency holds for or from a wallet (the
 * contract domain: escrows, subsidies, grants, held conditional payments):
 * the wallet cannot close while fn says so (wallet_has_contracts). Set once
 * when that domain registers (code wiring, not state). */
typedef bool (*currency_holdings_fn)(const struct sz_state *s, const void *holder_state, sz_id wallet_id);
void currency_holdings_register(struct currency_state *c, currency_holdings_fn fn, const void *holder_state);

/* Deterministic ids: 128-bit mix of (base, tag, step). Never zero. */
sz_id currency_derive_id(sz_id base, uint32_t tag, uint64_t step);

/* China-time calendar (UTC+8): day number and civil year of a timestamp. */
uint32_t currency_china_day(uint64_t t_ns);
int32_t currency_china_year(uint64_t t_ns);

/* Load a limits configuration file (INI, share/currency/limits.ini) into a
 * command; version and effective time come from the file. */
int currency_limits_load_file(const char *path, struct currency_limits_cmd *out, char *why, size_t why_size);

#endif
