/*
 * domain.h — the green domain in the engine: its commands, results, state
 * and the read-only queries the HTTP adapter (http*.c) uses.
 *
 * Owns: the replicated green state — which factor sets are active (version
 * and digest, in activation order), the carbon accounts and their results
 * (green_account_store: put once, never overwritten), the explicit
 * restatements, the certificate claims, per-bank pricing policies, priced
 * loans with pinned terms, taxonomy tags, PCAF positions, CERF assessments,
 * ESG scores, and the remembered command ids (idempotency). It also holds,
 * outside the replicated state, the *environment* it computes with: the
 * factor sets, region map and taxonomy read from share/green at start.
 *
 * Factor files are not in the log. A command names a factor set by version
 * and the digest of its content; the domain refuses a command whose set is
 * not loaded or whose digest differs (GREEN_R_FACTOR_SET_NOT_LOADED,
 * GREEN_R_FACTOR_DIGEST_MISMATCH), so a replay with other files can never
 * compute different numbers under the same name; a snapshot whose active
 * sets are not loaded is refused at start (SZ_ECORRUPT, message on stderr).
 *
 * Commands: SZ_CMD_GREEN_BASE + 1 .. + 9, each an sz_command_header and one
 * fixed little-endian body below (no padding, reserved fields zero). Every
 * body starts with the client's command id: the same id with the same bytes
 * answers SZ_R_EXISTS and changes nothing; the same id with other bytes
 * answers SZ_R_EXISTS_WITH_DIFFERENT_FIELDS. A rejected command leaves no
 * trace (its id may be used again). Results 500-599 (GREEN_RESULT_LIST).
 *
 * Never: read the clock (times come from the apply context), do I/O in
 * apply, mutate before every check of a command has passed, or use floating
 * point.
 */
#ifndef SZ_GREEN_DOMAIN_H
#define SZ_GREEN_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/state.h"
#include "green/account.h"
#include "green/certs.h"
#include "green/factors.h"
#include "green/finance.h"
#include "green/grade.h"
#include "green/region.h"
#include "green/taxonomy.h"
#include "szfin/szfin.h"

/* ---- bounds of the domain state (why each: see the comment) -------------- */

/* Factor sets loaded from share/green/factors: one file per publication, a
 * few a year; each set is ~690 KiB in memory, so 16 is ~11 MiB. */
#define GREEN_DOMAIN_FACTOR_SET_COUNT_MAX 16u

/* Carbon accounts (enterprise x year) of one platform: 2^18 is 26,000
 * enterprises over ten years; the store is ~300 MiB of virtual memory,
 * touched only as used. GREEN_ACCOUNT_STORE_COUNT_MAX is the format bound. */
#define GREEN_DOMAIN_ACCOUNT_COUNT_MAX (1u << 18)

/* Certificate claims: at most 8 lines per account, but most accounts claim
 * none or one; 2^20 claims is 128 MiB of slots (virtual). */
#define GREEN_DOMAIN_CERT_CLAIM_COUNT_MAX (1u << 20)

/* Restatements: explicit, a few per account over its life. GETs list an
 * account's restatements by a scan of at most this many records. */
#define GREEN_DOMAIN_RESTATEMENT_COUNT_MAX (1u << 16)

/* Banks with a pricing policy (one per operator tenant). */
#define GREEN_DOMAIN_BANK_COUNT_MAX 1024u

/* Priced loans, tagged instruments, PCAF positions and CERF assessments:
 * each array is reserved in virtual memory at its maximum (core/vm.h). */
#define GREEN_DOMAIN_LOAN_COUNT_MAX (1u << 20)
#define GREEN_DOMAIN_TAG_COUNT_MAX (1u << 20)
#define GREEN_DOMAIN_POSITION_COUNT_MAX GREEN_PCAF_POSITION_COUNT_MAX
#define GREEN_DOMAIN_CERF_COUNT_MAX (1u << 20)

/* Remembered command ids: one per applied command. */
#define GREEN_DOMAIN_OP_COUNT_MAX (1u << 24)

/* Peers in one ESG assessment command: 64 peers x 6 indicators x 8 bytes
 * = 3 KiB keeps the command inside SZ_COMMAND_SIZE_MAX. */
#define GREEN_ESG_COMMAND_PEER_COUNT_MAX 64u
#define GREEN_ESG_COMMAND_INDICATOR_COUNT 6u

/* ---- commands -------------------------------------------------------------- */

enum green_command_kind {
	GREEN_CMD_FACTOR_ACTIVATE = SZ_CMD_GREEN_BASE + 1, /* green_activate_cmd */
	GREEN_CMD_ACCOUNT_SUBMIT = SZ_CMD_GREEN_BASE + 2,  /* green_account_cmd */
	GREEN_CMD_RESTATE = SZ_CMD_GREEN_BASE + 3,         /* green_restate_cmd */
	GREEN_CMD_PRICING_POLICY = SZ_CMD_GREEN_BASE + 4,  /* green_policy_cmd */
	GREEN_CMD_LOAN_PRICE = SZ_CMD_GREEN_BASE + 5,      /* green_price_cmd */
	GREEN_CMD_TAG = SZ_CMD_GREEN_BASE + 6,             /* green_tag_cmd */
	GREEN_CMD_POSITION = SZ_CMD_GREEN_BASE + 7,        /* green_position_cmd */
	GREEN_CMD_CERF = SZ_CMD_GREEN_BASE + 8,            /* green_cerf_cmd */
	GREEN_CMD_ESG = SZ_CMD_GREEN_BASE + 9,             /* green_esg_cmd */
};

#define GREEN_RESULT_LIST(X) \
	X(500, FACTOR_SET_NOT_LOADED, "factor_set_not_loaded", "no factor set of this version is loaded from share/green/factors") \
	X(501, FACTOR_DIGEST_MISMATCH, "factor_digest_mismatch", "the loaded factor set of this version has another content digest") \
	X(502, FACTOR_SET_NOT_ACTIVE, "factor_set_not_active", "the factor set is not active (activate it first), or none is") \
	X(503, FACTOR_SET_ALREADY_ACTIVE, "factor_set_already_active", "this factor set version is active already") \
	X(504, ACCOUNT_INVALID, "account_invalid", "the carbon account record is malformed (see the account format)") \
	X(505, FACTOR_MISSING, "factor_missing", "the factor set lacks a factor this account needs") \
	X(506, ACCOUNT_PERIOD_EXISTS, "account_period_exists", "the enterprise has an account for this period; restate it instead") \
	X(507, CERT_ALREADY_CLAIMED, "cert_already_claimed", "a green-power certificate serial was claimed before") \
	X(508, ACCOUNT_NOT_FOUND, "green_account_not_found", "no carbon account for this enterprise and period") \
	X(509, RESTATE_SAME_SET, "restate_same_set", "a restatement needs a factor set other than the one of the stored result") \
	X(510, ARITHMETIC_LIMIT, "arithmetic_limit", "a figure would exceed the exact arithmetic range") \
	X(511, TENANT_INVALID, "tenant_invalid", "the bank (tenant) id must be non-zero") \
	X(512, POLICY_INVALID, "pricing_policy_invalid", "the pricing policy is invalid (negative amounts or share over 100%)") \
	X(513, PRICING_INPUT_INVALID, "pricing_input_invalid", "score 0-1000, data quality 1-5, base rate 0-100% and a non-zero loan id are required") \
	X(514, LOAN_ALREADY_PRICED, "loan_already_priced", "the loan was priced before; its terms are pinned") \
	X(515, ESG_NOT_FOUND, "esg_not_found", "the price takes the ESG score, but the account has none") \
	X(516, TAXONOMY_CODE_UNKNOWN, "taxonomy_code_unknown", "no taxonomy category or 2021 code like this") \
	X(517, TAXONOMY_CODE_INVALID, "taxonomy_code_invalid", "bad instrument kind, edition or code; or a split 2021 category (tag its second level)") \
	X(518, TAG_EXISTS, "tag_exists", "the instrument is tagged already") \
	X(519, POSITION_INVALID, "position_invalid", "the PCAF position is invalid (amounts, company kind, data quality)") \
	X(520, POSITION_EXISTS, "position_exists", "a position for this loan is registered already") \
	X(521, CERF_INVALID, "cerf_invalid", "the facility assessment input is invalid") \
	X(522, CERF_EXISTS, "cerf_exists", "the loan was assessed for the facility before") \
	X(523, ESG_INVALID, "esg_invalid", "the ESG input is invalid (peers, subject, values)") \
	X(524, ESG_EXISTS, "esg_exists", "the account has an ESG score already") \
	X(525, GRADE_INVALID, "grade_invalid", "a grade needs value added and a positive industry intensity") \
	X(526, EVIDENCE_INVALID, "evidence_invalid", "data-quality evidence must be 1-6 (green_dq_evidence)")

enum green_result {
#define GREEN_RESULT_ENUM(n, name, code, text) GREEN_R_##name = n,
	GREEN_RESULT_LIST(GREEN_RESULT_ENUM)
#undef GREEN_RESULT_ENUM
};

/* Activate a loaded factor set. 64 bytes. */
struct green_activate_cmd {
	sz_id id;
	char version[GREEN_VERSION_SIZE];
	uint64_t digest;
	uint64_t reserved;
};
_Static_assert(sizeof(struct green_activate_cmd) == 64, "activate command is 64 bytes");

/* Submit a carbon account. factor_version "" = the newest active set (its
 * digest is then taken, factor_digest must be 0); otherwise an active set,
 * and a non-zero factor_digest must equal it. evidence: enum
 * green_dq_evidence (0 = GREEN_DQ_PRIMARY_ENERGY, what an account is).
 * industry_intensity > 0 grades the account (needs value added). 864 bytes. */
struct green_account_cmd {
	sz_id id;
	char factor_version[GREEN_VERSION_SIZE];
	uint64_t factor_digest;
	uint32_t evidence;
	uint32_t reserved;
	int64_t industry_intensity_g_per_10k_yuan;
	green_account account;
};
_Static_assert(sizeof(struct green_account_cmd) == 864, "account command is 864 bytes");
_Static_assert(sizeof(struct green_account_cmd) + 8 <= SZ_COMMAND_SIZE_MAX, "account command fits");

/* Restate a stored account under an active set (digest 0 = the set's). 80 bytes. */
struct green_restate_cmd {
	sz_id id;
	sz_id enterprise_id;
	int32_t period_year;
	uint32_t reserved;
	uint64_t factor_digest;
	char factor_version[GREEN_VERSION_SIZE];
};
_Static_assert(sizeof(struct green_restate_cmd) == 80, "restate command is 80 bytes");

/* Set (replace) a bank's pricing policy. 64 bytes. */
struct green_policy_cmd {
	sz_id id;
	uint64_t bank_tenant_id;
	uint64_t reserved;
	green_pricing_policy policy;
};
_Static_assert(sizeof(struct green_policy_cmd) == 64, "policy command is 64 bytes");

enum green_price_flags {
	GREEN_PRICE_SCORE_FROM_ESG = 1u << 0, /* score = the account's ESG score (points, rounded) */
};

/* Price a loan for an enterprise's account of a period. data_quality 0 =
 * the account's. The terms pin the bank's policy (default if it has none),
 * and the account's factor set. 80 bytes. */
struct green_price_cmd {
	sz_id id;
	sz_id loan_id;
	sz_id enterprise_id;
	uint64_t bank_tenant_id;
	int64_t base_rate_bp4;
	int32_t period_year;
	int32_t score;
	uint32_t data_quality;
	uint32_t flags;          /* enum green_price_flags */
};
_Static_assert(sizeof(struct green_price_cmd) == 80, "price command is 80 bytes");

/* Tag an instrument with a taxonomy category. 64 bytes. */
struct green_tag_cmd {
	sz_id id;
	uint64_t bank_tenant_id;
	uint64_t reserved;
	sz_id instrument_id;
	uint32_t instrument_kind; /* enum green_instrument_kind */
	uint32_t edition;         /* 2025 or 2021 */
	char code[GREEN_TAXONOMY_CODE_SIZE];
};
_Static_assert(sizeof(struct green_tag_cmd) == 64, "tag command is 64 bytes");

/* Register a PCAF position in a bank's book. With a non-zero enterprise id,
 * position.emissions_g == 0 takes the account's total (scope 1 + 2
 * location) and position.data_quality == 0 the account's data quality.
 * 128 bytes. */
struct green_position_cmd {
	sz_id id;
	uint64_t bank_tenant_id;
	int32_t period_year;
	uint32_t reserved;
	sz_id enterprise_id;
	green_pcaf_position position;
	uint64_t reserved2;
};
_Static_assert(sizeof(struct green_position_cmd) == 128, "position command is 128 bytes");

/* Assess a loan under the PBoC carbon-emission-reduction facility. A zero
 * policy means the default (green_cerf_policy_default). 120 bytes. */
struct green_cerf_cmd {
	sz_id id;
	uint64_t bank_tenant_id;
	uint64_t reserved;
	green_cerf_policy policy;
	green_cerf_loan loan;
};
_Static_assert(sizeof(struct green_cerf_cmd) == 120, "cerf command is 120 bytes");

/* ESG score of an account under the default method (grade.h): values of
 * peer_count peers, GREEN_ESG_COMMAND_INDICATOR_COUNT each in the method's
 * indicator order; subject is the enterprise's row. Unused rows zero. */
struct green_esg_cmd {
	sz_id id;
	sz_id enterprise_id;
	int32_t period_year;
	uint32_t peer_count;
	uint32_t subject;
	uint32_t controversies[GREEN_CONTROVERSY_LEVEL_COUNT];
	int64_t values[GREEN_ESG_COMMAND_PEER_COUNT_MAX * GREEN_ESG_COMMAND_INDICATOR_COUNT];
};
_Static_assert(sizeof(struct green_esg_cmd) == 56 + 8 * 64 * 6, "esg command has no padding");
_Static_assert(sizeof(struct green_esg_cmd) + 8 <= SZ_COMMAND_SIZE_MAX, "esg command fits");

/* ---- state records (what queries see) --------------------------------------- */

/* An active factor set. 64 bytes. */
struct green_active_set {
	char version[GREEN_VERSION_SIZE];
	uint64_t digest;
	uint64_t activated_ns;
	sz_id command_id;
};
_Static_assert(sizeof(struct green_active_set) == 64, "active set is 64 bytes");

enum green_meta_flags {
	GREEN_META_HAS_GRADE = 1u << 0,
	GREEN_META_HAS_ESG = 1u << 1,
};

/* What the domain keeps beside a stored account (same index). 192 bytes. */
struct green_account_meta {
	sz_id command_id;
	uint64_t submitted_ns;
	int64_t industry_intensity_g_per_10k_yuan;
	uint32_t evidence;
	uint32_t data_quality;   /* PCAF 1..5 */
	uint32_t flags;          /* enum green_meta_flags */
	uint32_t reserved;
	green_grade grade;
	uint64_t esg_ns;
	green_esg_result esg;    /* 96 bytes */
	uint32_t esg_peer_count;
	uint32_t esg_subject;
	uint32_t esg_controversies[GREEN_CONTROVERSY_LEVEL_COUNT];
	uint32_t reserved2;
};

/* A bank's pricing policy. 72 bytes. */
struct green_bank_policy {
	uint64_t bank_tenant_id;
	uint64_t set_ns;
	uint32_t version;        /* 1, 2, ...: how many times it was set */
	uint32_t reserved;
	sz_id command_id;
	green_pricing_policy policy;
};

/* A priced loan. 184 bytes. */
struct green_loan {
	green_loan_terms terms;
	sz_id enterprise_id;
	uint64_t bank_tenant_id;
	uint64_t priced_ns;
	int32_t period_year;
	uint32_t policy_version; /* 0 = the default policy */
	uint32_t flags;          /* enum green_price_flags */
	uint32_t reserved;
	sz_id command_id;
};

struct green_tag_record {
	green_taxonomy_tag tag;
	uint64_t bank_tenant_id;
	uint64_t tagged_ns;
};

enum green_position_flags {
	GREEN_POSITION_FROM_ACCOUNT = 1u << 0, /* emissions taken from the account */
	GREEN_POSITION_DQ_FROM_ACCOUNT = 1u << 1,
};

struct green_position_record {
	green_pcaf_position position;
	green_pcaf_result result;
	sz_id enterprise_id;
	uint64_t bank_tenant_id;
	uint64_t registered_ns;
	int32_t period_year;
	uint32_t flags;          /* enum green_position_flags */
};

struct green_cerf_record {
	green_cerf_loan loan;
	green_cerf_policy policy;
	green_cerf_result result;
	uint64_t bank_tenant_id;
	uint64_t assessed_ns;
};

struct green_domain_state;

/* Register the green domain (engine/domains.c). Loads the environment from
 * the green data directory (green_domain_data_dir). A missing directory
 * leaves the domain without factor sets (every computation is then
 * rejected); a malformed file fails registration with a message on stderr. */
int green_domain_register(struct sz_state *s);

/* The data directory: $SZFIN_GREEN_DIR, else $SZFIN_ROOT/share/green, else
 * share/green beside the binary (../../share/green from build/<mode>/szfin,
 * ../share/szfin/green from PREFIX/bin/szfin), else /usr/share/szfin/green
 * (the first that exists); never the working directory. */
const char *green_domain_data_dir(char *buf, size_t size);

/* ---- queries (read-only; engine thread, between polls) ---------------------- */

const struct green_domain_state *green_state_get(const struct sz_state *s);

/* Environment: loaded factor sets (in version order), regions, taxonomy. */
uint32_t green_loaded_set_count(const struct green_domain_state *g);
const green_factor_set *green_loaded_set_at(const struct green_domain_state *g, uint32_t index);
const green_factor_set *green_loaded_set_find(const struct green_domain_state *g, const char *version);
const green_region_map *green_regions(const struct green_domain_state *g);
const green_taxonomy *green_taxonomy_get(const struct green_domain_state *g);

/* Active sets in activation order; the last is the default for accounts. */
uint32_t green_active_count(const struct green_domain_state *g);
const struct green_active_set *green_active_at(const struct green_domain_state *g, uint32_t index);
const struct green_active_set *green_active_find(const struct green_domain_state *g, const char *version);

/* A stored account (record, result and meta), or NULL. */
const green_account_result *green_account_find(const struct green_domain_state *g, sz_id enterprise_id,
                                               int32_t period_year, const green_account **account,
                                               const struct green_account_meta **meta);
/* Restatements of an account, oldest first: call with *cursor = 0 until NULL. */
const green_restatement *green_restatement_next(const struct green_domain_state *g, sz_id enterprise_id,
                                                int32_t period_year, uint32_t *cursor);
/* The claim of a certificate serial, or NULL. */
const green_cert_claim *green_cert_find(const struct green_domain_state *g, const char *serial);

/* A bank's policy, or NULL (the default applies). */
const struct green_bank_policy *green_policy_find(const struct green_domain_state *g, uint64_t bank_tenant_id);
const struct green_loan *green_loan_find(const struct green_domain_state *g, sz_id loan_id);
const struct green_tag_record *green_tag_find(const struct green_domain_state *g, sz_id instrument_id);
const struct green_position_record *green_position_find(const struct green_domain_state *g, sz_id loan_id);
const struct green_cerf_record *green_cerf_find(const struct green_domain_state *g, sz_id loan_id);

/* Positions of all banks in registration order (for book computations). */
uint32_t green_position_count(const struct green_domain_state *g);
const struct green_position_record *green_position_at(const struct green_domain_state *g, uint32_t index);

/* Financed emissions of a bank's book: every position of the bank. 0,
 * SZ_ELIMIT on overflow, SZ_ENOMEM. */
int green_book_compute(const struct green_domain_state *g, uint64_t bank_tenant_id, green_pcaf_book *out);

#endif
