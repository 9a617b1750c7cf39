/*
 * szfin.h — the public types of szfin: what a client library needs.
 *
 * Owns: 128-bit ids, the account and transfer records (identical in memory,
 * in the log and on the binary wire: little-endian, fixed size, no padding),
 * their flags, the command envelope, and the result codes of ledger commands.
 * Never: contain server internals. Changing a record layout changes the log
 * format version (src/log/wal.h) and the binary API version.
 */
#ifndef SZFIN_H
#define SZFIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A client-chosen 128-bit identifier. Zero is never a valid id. */
typedef struct sz_id {
	uint64_t lo;
	uint64_t hi;
} sz_id;

static inline bool sz_id_is_zero(sz_id id) { return (id.lo | id.hi) == 0; }
static inline bool sz_id_eq(sz_id a, sz_id b) { return a.lo == b.lo && a.hi == b.hi; }
static inline sz_id sz_id_make(uint64_t hi, uint64_t lo) { sz_id id = { lo, hi }; return id; }

/* Currency: the three ISO 4217 letters packed little-endian ("CNY" = 'C' | 'N'<<8 | 'Y'<<16). */
static inline uint32_t sz_currency_code(const char code[3])
{
	return (uint32_t)(uint8_t)code[0] | (uint32_t)(uint8_t)code[1] << 8 |
	       (uint32_t)(uint8_t)code[2] << 16;
}

enum sz_account_flags {
	SZ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS = 1u << 0,
	SZ_ACCOUNT_CREDITS_MUST_NOT_EXCEED_DEBITS = 1u << 1,
	SZ_ACCOUNT_FROZEN = 1u << 2,
	SZ_ACCOUNT_CLOSED = 1u << 3,
	SZ_ACCOUNT_LINKED = 1u << 4, /* this command and the next commit together */
};
#define SZ_ACCOUNT_FLAGS_ALL 0x1fu

/* Account kinds: what the account is for. Domains add meaning, the ledger
 * only stores the kind. */
enum sz_account_kind {
	SZ_KIND_GENERAL = 0,
	SZ_KIND_RESERVE = 1,      /* central bank issuance / operator reserve */
	SZ_KIND_BANK_DEPOSIT = 2, /* customer's bank account at an operator */
	SZ_KIND_WALLET = 3,
	SZ_KIND_MERCHANT = 4,
	SZ_KIND_ESCROW = 5,
	SZ_KIND_LOAN = 6,
	SZ_KIND_SUSPENSE = 7,
};

/* 128 bytes. Balances are in minor units (fen for CNY). The engine sets the
 * balances and timestamp; a create command must send them as zero. */
typedef struct sz_account {
	sz_id id;
	sz_id owner_id;
	uint64_t debits_pending;
	uint64_t debits_posted;
	uint64_t credits_pending;
	uint64_t credits_posted;
	uint64_t user_data;
	uint64_t tenant_id; /* the operator this account belongs to; 0 = none */
	uint64_t timestamp; /* ns, set by the engine at creation */
	uint32_t currency;
	uint16_t kind;
	uint16_t flags;
	uint8_t reserved[32];
} sz_account;
_Static_assert(sizeof(sz_account) == 128, "sz_account is 128 bytes, no padding");

enum sz_transfer_flags {
	SZ_TRANSFER_LINKED = 1u << 0,       /* commits with the next command, all or nothing */
	SZ_TRANSFER_PENDING = 1u << 1,      /* reserve funds (phase one) */
	SZ_TRANSFER_POST_PENDING = 1u << 2, /* post a pending transfer (phase two) */
	SZ_TRANSFER_VOID_PENDING = 1u << 3, /* void a pending transfer (phase two) */
};
#define SZ_TRANSFER_FLAGS_ALL 0xfu

/* 128 bytes. For post/void, pending_id names the pending transfer; debit,
 * credit and currency may be zero (taken from the pending) or must match it;
 * an amount of zero posts the full pending amount. */
typedef struct sz_transfer {
	sz_id id;
	sz_id debit_account_id;
	sz_id credit_account_id;
	sz_id pending_id;
	sz_id user_ref;
	uint64_t amount;
	uint64_t timestamp; /* ns, set by the engine */
	uint32_t timeout_s; /* pending only: expires at timestamp + timeout; 0 = never */
	uint32_t currency;
	uint16_t code;      /* the client's reason code, e.g. a payment purpose */
	uint16_t flags;
	uint8_t reserved[20];
} sz_transfer;
_Static_assert(sizeof(sz_transfer) == 128, "sz_transfer is 128 bytes, no padding");

/* Status of a transfer, as stored and reported. */
enum sz_transfer_status {
	SZ_STATUS_POSTED = 0,   /* a single transfer, or a post */
	SZ_STATUS_PENDING = 1,
	SZ_STATUS_PENDING_POSTED = 2,
	SZ_STATUS_PENDING_VOIDED = 3,
	SZ_STATUS_PENDING_EXPIRED = 4,
	SZ_STATUS_VOID = 5,     /* a void command itself */
};

/*
 * Command envelope: every command in the log and on the binary wire starts
 * with this 8-byte header. size counts header and body and is a multiple of 8.
 */
typedef struct sz_command_header {
	uint32_t size;
	uint16_t kind;
	uint16_t reserved;
} sz_command_header;
_Static_assert(sizeof(sz_command_header) == 8, "command header is 8 bytes");

/* Command kinds. Ranges: 0x00xx ledger and engine, 0x01xx auth, then one
 * range per domain. A kind's number is part of the log format: never reuse. */
enum sz_command_kind {
	SZ_CMD_CREATE_ACCOUNT = 0x0001,   /* body: sz_account */
	SZ_CMD_CREATE_TRANSFER = 0x0002,  /* body: sz_transfer */
	SZ_CMD_ACCOUNT_FLAGS = 0x0003,    /* body: sz_account_flags_cmd */
	SZ_CMD_AUTH_BASE = 0x0100,
	SZ_CMD_CURRENCY_BASE = 0x0200,
	SZ_CMD_CONTRACT_BASE = 0x0300,
	SZ_CMD_CREDIT_BASE = 0x0400,
	SZ_CMD_GREEN_BASE = 0x0500,
};

/* Set and clear account flags (freeze, unfreeze, close). */
typedef struct sz_account_flags_cmd {
	sz_id account_id;
	uint16_t set;
	uint16_t clear;
	uint8_t reserved[12];
} sz_account_flags_cmd;
_Static_assert(sizeof(sz_account_flags_cmd) == 32, "flags command is 32 bytes");

/*
 * Result of one command. Codes are stable: they appear in the log's replay
 * outcome, on the binary wire and (by name) in problem+json. Never renumber.
 */
#define SZ_RESULT_LIST(X) \
	X(0, OK, "ok", "the command was applied") \
	X(1, EXISTS, "exists", "already applied with identical fields; nothing changed") \
	X(2, LINKED_EVENT_FAILED, "linked_event_failed", "another command of the linked chain failed") \
	X(3, LINKED_CHAIN_OPEN, "linked_chain_open", "the batch ended inside a linked chain") \
	X(4, ID_ZERO, "id_zero", "the id must not be zero") \
	X(5, RESERVED_NONZERO, "reserved_nonzero", "reserved fields must be zero") \
	X(6, FLAGS_INVALID, "flags_invalid", "unknown or conflicting flags") \
	X(7, BALANCES_NONZERO, "balances_nonzero", "a new account's balances and timestamp must be zero") \
	X(8, CURRENCY_INVALID, "currency_invalid", "currency must be three letters A-Z") \
	X(9, EXISTS_WITH_DIFFERENT_FIELDS, "exists_with_different_fields", "the id is taken by a command with different fields") \
	X(10, AMOUNT_ZERO, "amount_zero", "amount must not be zero") \
	X(11, ACCOUNTS_SAME, "accounts_same", "debit and credit account must differ") \
	X(12, DEBIT_ACCOUNT_NOT_FOUND, "debit_account_not_found", "the debit account does not exist") \
	X(13, CREDIT_ACCOUNT_NOT_FOUND, "credit_account_not_found", "the credit account does not exist") \
	X(14, CURRENCY_MISMATCH, "currency_mismatch", "accounts and transfer must share one currency") \
	X(15, EXCEEDS_CREDITS, "exceeds_credits", "the debit account's debits would exceed its credits") \
	X(16, EXCEEDS_DEBITS, "exceeds_debits", "the credit account's credits would exceed its debits") \
	X(17, DEBIT_ACCOUNT_FROZEN, "debit_account_frozen", "the debit account is frozen") \
	X(18, CREDIT_ACCOUNT_FROZEN, "credit_account_frozen", "the credit account is frozen") \
	X(19, DEBIT_ACCOUNT_CLOSED, "debit_account_closed", "the debit account is closed") \
	X(20, CREDIT_ACCOUNT_CLOSED, "credit_account_closed", "the credit account is closed") \
	X(21, OVERFLOW, "overflow", "a balance would overflow 64 bits") \
	X(22, PENDING_ID_ZERO, "pending_id_zero", "post or void needs the pending transfer's id") \
	X(23, PENDING_ID_MUST_BE_ZERO, "pending_id_must_be_zero", "only post or void may name a pending transfer") \
	X(24, PENDING_NOT_FOUND, "pending_not_found", "the pending transfer does not exist") \
	X(25, PENDING_NOT_PENDING, "pending_not_pending", "the referenced transfer is not a pending transfer") \
	X(26, PENDING_ALREADY_POSTED, "pending_already_posted", "the pending transfer was already posted") \
	X(27, PENDING_ALREADY_VOIDED, "pending_already_voided", "the pending transfer was already voided") \
	X(28, PENDING_EXPIRED, "pending_expired", "the pending transfer expired") \
	X(29, PENDING_FIELDS_MISMATCH, "pending_fields_mismatch", "accounts or currency differ from the pending transfer") \
	X(30, EXCEEDS_PENDING_AMOUNT, "exceeds_pending_amount", "post amount exceeds the pending amount") \
	X(31, TIMEOUT_RESERVED_FOR_PENDING, "timeout_reserved_for_pending", "only pending transfers may have a timeout") \
	X(32, TIMEOUT_TOO_LARGE, "timeout_too_large", "timeout exceeds the maximum") \
	X(33, ACCOUNT_NOT_FOUND, "account_not_found", "the account does not exist") \
	X(34, ACCOUNT_HAS_BALANCE, "account_has_balance", "an account must have zero balances to close") \
	X(35, ACCOUNT_CLOSED, "account_closed", "a closed account cannot change") \
	X(36, TIMESTAMP_NONZERO, "timestamp_nonzero", "the timestamp is set by the engine and must be zero") \
	X(37, LIMIT_REACHED, "limit_reached", "a capacity limit of the ledger was reached") \
	X(38, COMMAND_INVALID, "command_invalid", "unknown command kind or malformed command") \
	X(39, DENIED, "denied", "the caller may not perform this command")

enum sz_result {
#define SZ_RESULT_ENUM(n, name, code, text) SZ_R_##name = n,
	SZ_RESULT_LIST(SZ_RESULT_ENUM)
#undef SZ_RESULT_ENUM
	SZ_R_LEDGER_END_ = 40, /* domains number their results from 100 up */
};

/* Stable machine-readable name ("exceeds_credits"); "unknown" if not a ledger code. */
const char *sz_result_name(uint32_t result);
/* One-sentence explanation for people. */
const char *sz_result_text(uint32_t result);

#endif
