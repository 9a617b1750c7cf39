/*
 * domain.h — the credit domain in the engine: the enterprise registry, the
 * data feeds ("tech flow": tax, social security, IP, innovation points,
 * negative records, cash flow), consent (authorizations) and the query log,
 * objections, scorecard models and decisions, the tech-enterprise score and
 * early warnings.
 *
 * Owns: the replicated credit state and its commands SZ_CMD_CREDIT_BASE + 1
 * .. + 17 (each an sz_command_header and one fixed little-endian body below;
 * no padding; reserved bytes and the bytes after a text's NUL are zero).
 * Every body starts with the client's command id: the same id with the same
 * bytes answers SZ_R_EXISTS and changes nothing; with other bytes
 * SZ_R_EXISTS_WITH_DIFFERENT_FIELDS. A rejected command leaves no trace.
 * Results 400-499 (CREDIT_RESULT_LIST).
 *
 * Rules decided here, with the apply context's time only:
 *   - a report or score needs an unexpired, unrevoked authorization from the
 *     enterprise to the asking institution (tenant) for the stated purpose;
 *     every report and score is a command: the query log entry (institution,
 *     user token, time, purpose, what was returned) is durable before the
 *     answer leaves the server;
 *   - negative records are purged 5 years after the conduct ended (midnight
 *     China Standard Time of that date 5 years on), in batch_begin, and each
 *     purge is itself recorded; a record already past that is refused;
 *   - an objection marks its record disputed at once and is due 20 days
 *     after filing; batch_begin marks unresolved objections past due overdue;
 *   - a model is registered in chunks and activated when its SHA-256 matches
 *     and it parses; decisions keep the model version, inputs, score, grade
 *     and the four characteristics that lost the most points;
 *   - after every feed of a watched enterprise, warnings for a tax drop,
 *     headcount drop, cash-flow decline or new negative record are raised.
 * Calendar: days and months are China Standard Time (UTC+8, no DST).
 *
 * Personal data (the legal representative's ID number and phone) arrives
 * already sealed (crypto_secretbox, key derived from the server secret) and
 * masked by the HTTP layer; this domain stores and returns only ciphertext
 * and masks, never plaintext.
 *
 * Never: read a clock, do I/O or use randomness in apply; mutate before
 * every check of a command has passed.
 */
#ifndef SZ_CREDIT_DOMAIN_H
#define SZ_CREDIT_DOMAIN_H

#include "credit/scorecard.h"
#include "engine/state.h"
#include "szfin/szfin.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- bounds (why each: see the comment) ----------------------------------- */

/* Enterprises in the registry: Shenzhen has about 2.4 million enterprises,
 * the small and tech ones a platform serves are a fraction; 2^20 records of
 * ~2.4 KiB are reserved in virtual memory (2.5 GiB, paid per use). */
#define CREDIT_ENTERPRISE_COUNT_MAX (1u << 20)

/* Months of each monthly series kept per enterprise: two years cover every
 * growth and drop figure the domain computes (12 months against 12). */
#define CREDIT_SERIES_MONTH_COUNT 24u

/* Rows of one monthly feed command: a year at a time. */
#define CREDIT_FEED_MONTH_COUNT_MAX 12u

/* IP items in one feed command (48 bytes each). */
#define CREDIT_FEED_IP_COUNT_MAX 8u

/* Records of each kind across all enterprises, reserved in virtual memory. */
#define CREDIT_IP_COUNT_MAX (1u << 22)
#define CREDIT_NEGATIVE_COUNT_MAX (1u << 21)
#define CREDIT_AUTHORIZATION_COUNT_MAX (1u << 22)
#define CREDIT_QUERY_COUNT_MAX (1u << 24)
#define CREDIT_DECISION_COUNT_MAX (1u << 23)
#define CREDIT_OBJECTION_COUNT_MAX (1u << 20)
#define CREDIT_WARNING_COUNT_MAX (1u << 22)
#define CREDIT_PURGE_COUNT_MAX CREDIT_NEGATIVE_COUNT_MAX
#define CREDIT_WATCH_COUNT_MAX (1u << 20)
/* Remembered command ids: one per applied command (model chunks included). */
#define CREDIT_OP_COUNT_MAX (1u << 25)

/* Authorizations of one enterprise scanned by a query: the chain is walked
 * newest first; an enterprise grants a handful per bank and year. */
#define CREDIT_AUTHORIZATION_SCAN_COUNT_MAX 4096u

/* Longest authorization: five years (the retention period of the records
 * it opens to the institution). */
#define CREDIT_AUTHORIZATION_DURATION_NS_MAX (5ull * 366u * 86400u * 1000000000ull)

/* Model versions registered (a few a year) and the size of one artifact: a
 * 40-characteristic card is under 64 KiB; 1 MiB leaves room for wide
 * category lists while 256 chunk commands carry it. */
#define CREDIT_MODEL_COUNT_MAX 32u
#define CREDIT_MODEL_SIZE_MAX (1024u * 1024u)
/* Data bytes in one chunk command: the command is 8 + 96 + 3968 = 4072
 * bytes, inside SZ_COMMAND_SIZE_MAX (4096). */
#define CREDIT_MODEL_CHUNK_SIZE 3968u

/* Negative records are kept 5 years after the conduct ended (征信业管理条例
 * art. 16); objections are answered within 20 days (art. 25). */
#define CREDIT_NEGATIVE_RETENTION_YEARS 5
#define CREDIT_OBJECTION_DUE_NS (20ull * 86400ull * 1000000000ull)

/* Field sizes (bytes, NUL included, zero-padded). */
#define CREDIT_USCC_FIELD_SIZE 24u
#define CREDIT_NAME_SIZE 128u
#define CREDIT_INDUSTRY_SIZE 8u
#define CREDIT_DISTRICT_SIZE 32u
#define CREDIT_SOURCE_SIZE 32u
#define CREDIT_IP_NUMBER_SIZE 40u
#define CREDIT_REFERENCE_SIZE 64u
#define CREDIT_SUMMARY_SIZE 128u
#define CREDIT_TEXT_SIZE 256u
#define CREDIT_VERSION_SIZE 32u
#define CREDIT_MASK_ID_SIZE 24u
#define CREDIT_MASK_PHONE_SIZE 16u
/* Sealed personal data: plaintext padded with NULs to 32 bytes, then
 * crypto_secretbox (16-byte MAC) with a 24-byte nonce. */
#define CREDIT_SEALED_PLAIN_SIZE 32u

/* ---- enumerations ----------------------------------------------------------- */

enum credit_tag {
	CREDIT_TAG_SPECIALISED_NEW = 1u << 0, /* 专精特新 */
	CREDIT_TAG_LITTLE_GIANT = 1u << 1,    /* 专精特新"小巨人" */
	CREDIT_TAG_HIGH_TECH = 1u << 2,       /* 高新技术企业 */
	CREDIT_TAG_TECH_SME = 1u << 3,        /* 科技型中小企业 */
	CREDIT_TAG_LISTED = 1u << 4,
};
#define CREDIT_TAG_COUNT 5u
#define CREDIT_TAGS_ALL 0x1fu

enum credit_feed_kind {
	CREDIT_FEED_TAX = 0,
	CREDIT_FEED_HEADCOUNT = 1,
	CREDIT_FEED_CASHFLOW = 2,
	CREDIT_FEED_IP = 3,
	CREDIT_FEED_INNOVATION = 4,
	CREDIT_FEED_NEGATIVE = 5,
};
#define CREDIT_FEED_KIND_COUNT 6u

enum credit_ip_kind {
	CREDIT_IP_INVENTION = 1, CREDIT_IP_UTILITY_MODEL = 2, CREDIT_IP_DESIGN = 3,
	CREDIT_IP_SOFTWARE = 4, CREDIT_IP_TRADEMARK = 5, CREDIT_IP_CIRCUIT = 6,
};
#define CREDIT_IP_KIND_MAX 6u

enum credit_negative_kind {
	CREDIT_NEG_COURT_JUDGMENT = 1, CREDIT_NEG_OVERDUE_DEBT = 2, CREDIT_NEG_TAX_VIOLATION = 3,
	CREDIT_NEG_ADMIN_PENALTY = 4, CREDIT_NEG_DISHONEST_DEBTOR = 5,
};
#define CREDIT_NEG_KIND_MAX 5u

enum credit_purpose {
	CREDIT_PURPOSE_LOAN_APPROVAL = 1, CREDIT_PURPOSE_POST_LOAN = 2, CREDIT_PURPOSE_GUARANTEE = 3,
	CREDIT_PURPOSE_SUPPLY_CHAIN = 4,
};
#define CREDIT_PURPOSE_MAX 4u

enum credit_query_kind { CREDIT_QUERY_REPORT = 1, CREDIT_QUERY_SCORE = 2, CREDIT_QUERY_TECH_SCORE = 3 };

enum credit_objection_outcome { CREDIT_OUTCOME_CORRECTED = 1, CREDIT_OUTCOME_CONFIRMED = 2 };

enum credit_warning_kind {
	CREDIT_WARN_TAX_DROP = 1, CREDIT_WARN_HEADCOUNT_DROP = 2, CREDIT_WARN_CASHFLOW_DECLINE = 3,
	CREDIT_WARN_NEGATIVE_RECORD = 4,
};

enum credit_model_status { CREDIT_MODEL_LOADING = 1, CREDIT_MODEL_ACTIVE = 2, CREDIT_MODEL_RETIRED = 3 };

/* Flags of a remembered command (credit_op). */
enum credit_op_flags {
	CREDIT_OP_DISPUTED = 1u << 0,  /* an open objection names this record */
	CREDIT_OP_PURGED = 1u << 1,    /* negative record purged after retention */
	CREDIT_OP_WITHDRAWN = 1u << 2, /* negative record corrected away by an objection */
};

/* ---- commands -------------------------------------------------------------- */

enum credit_command_kind {
	CREDIT_CMD_ENTERPRISE_REGISTER = SZ_CMD_CREDIT_BASE + 1, /* credit_enterprise_cmd */
	CREDIT_CMD_ENTERPRISE_UPDATE = SZ_CMD_CREDIT_BASE + 2,   /* credit_enterprise_cmd */
	CREDIT_CMD_FEED_TAX = SZ_CMD_CREDIT_BASE + 3,            /* credit_tax_cmd */
	CREDIT_CMD_FEED_HEADCOUNT = SZ_CMD_CREDIT_BASE + 4,      /* credit_headcount_cmd */
	CREDIT_CMD_FEED_CASHFLOW = SZ_CMD_CREDIT_BASE + 5,       /* credit_cashflow_cmd */
	CREDIT_CMD_FEED_IP = SZ_CMD_CREDIT_BASE + 6,             /* credit_ip_cmd */
	CREDIT_CMD_FEED_INNOVATION = SZ_CMD_CREDIT_BASE + 7,     /* credit_innovation_cmd */
	CREDIT_CMD_FEED_NEGATIVE = SZ_CMD_CREDIT_BASE + 8,       /* credit_negative_cmd */
	CREDIT_CMD_AUTHORIZE = SZ_CMD_CREDIT_BASE + 9,           /* credit_authorize_cmd */
	CREDIT_CMD_AUTHORIZATION_REVOKE = SZ_CMD_CREDIT_BASE + 10, /* credit_revoke_cmd */
	CREDIT_CMD_QUERY = SZ_CMD_CREDIT_BASE + 11,              /* credit_query_cmd */
	CREDIT_CMD_OBJECTION_FILE = SZ_CMD_CREDIT_BASE + 12,     /* credit_objection_cmd */
	CREDIT_CMD_OBJECTION_RESOLVE = SZ_CMD_CREDIT_BASE + 13,  /* credit_resolve_cmd */
	CREDIT_CMD_MODEL_CHUNK = SZ_CMD_CREDIT_BASE + 14,        /* credit_model_chunk_cmd */
	CREDIT_CMD_MODEL_ACTIVATE = SZ_CMD_CREDIT_BASE + 15,     /* credit_model_activate_cmd */
	CREDIT_CMD_WATCH = SZ_CMD_CREDIT_BASE + 16,              /* credit_watch_cmd */
	CREDIT_CMD_DECISION_OUTCOME = SZ_CMD_CREDIT_BASE + 17,   /* credit_outcome_cmd */
};

#define CREDIT_RESULT_LIST(X) \
	X(400, USCC_INVALID, "uscc_invalid", "the unified social credit code is malformed or its check character is wrong") \
	X(401, ENTERPRISE_EXISTS, "enterprise_exists", "an enterprise with this code is registered already") \
	X(402, ENTERPRISE_NOT_FOUND, "enterprise_not_found", "no enterprise with this code is registered") \
	X(403, RECORD_INVALID, "credit_record_invalid", "a field of the credit record is out of range or malformed") \
	X(404, AUTHORIZATION_REQUIRED, "authorization_required", "the institution holds no unexpired authorization from the enterprise for this purpose") \
	X(405, AUTHORIZATION_NOT_FOUND, "authorization_not_found", "no such authorization of this enterprise") \
	X(406, AUTHORIZATION_REVOKED, "authorization_revoked", "the authorization was revoked already") \
	X(407, EXPIRY_INVALID, "expiry_invalid", "an authorization must expire in the future and within five years") \
	X(408, RECORD_EXPIRED, "record_expired", "the conduct ended more than five years ago: the record may not be kept") \
	X(409, RECORD_NOT_FOUND, "record_not_found", "no data record of this enterprise has this id (or it was purged)") \
	X(410, OBJECTION_NOT_FOUND, "objection_not_found", "no such objection") \
	X(411, OBJECTION_RESOLVED, "objection_resolved", "the objection was resolved already") \
	X(412, OBJECTION_OPEN, "objection_open", "the record has an open objection already") \
	X(413, MODEL_NOT_FOUND, "model_not_found", "no model of this version is registered") \
	X(414, MODEL_CHUNK_INVALID, "model_chunk_invalid", "chunks come in order with the size, count and digest of the first") \
	X(415, MODEL_TOO_LARGE, "model_too_large", "the model artifact exceeds the domain's size limit") \
	X(416, MODEL_DIGEST_MISMATCH, "model_digest_mismatch", "the SHA-256 of the chunks differs from the one given") \
	X(417, MODEL_INVALID, "model_invalid", "the artifact does not parse or uses a characteristic the domain does not compute") \
	X(418, MODEL_NOT_ACTIVE, "model_not_active", "no model is active (or the named version is not active or retired)") \
	X(419, MODEL_INCOMPLETE, "model_incomplete", "not every chunk of the model has arrived") \
	X(420, MODEL_EXISTS, "model_exists", "a model of this version is registered with other content") \
	X(421, WRONG_ENTERPRISE, "wrong_enterprise", "the record belongs to another enterprise") \
	X(422, MONTH_INVALID, "month_invalid", "months must be distinct, valid and not in the future") \
	X(423, WATCH_EXISTS, "watch_exists", "the institution watches this enterprise already") \
	X(424, INPUT_OUT_OF_RANGE, "input_out_of_range", "an input of the enterprise is outside the range the model declares for it") \
	X(425, DECISION_NOT_FOUND, "decision_not_found", "no score decision of this institution has this id") \
	X(426, OUTCOME_RECORDED, "outcome_recorded", "the decision has another outcome recorded already")

enum credit_result {
#define CREDIT_RESULT_ENUM(n, name, code, text) CREDIT_R_##name = n,
	CREDIT_RESULT_LIST(CREDIT_RESULT_ENUM)
#undef CREDIT_RESULT_ENUM
};

/* Sealed personal data (see above). 72 bytes. */
struct credit_sealed {
	uint8_t nonce[24];
	uint8_t box[CREDIT_SEALED_PLAIN_SIZE + 16];
};

/* Register or update an enterprise. uscc: 18 characters, NUL-padded.
 * owner_id: the ledger owner of its accounts and of its merchant token
 * (zero = credit_uscc_owner_id(uscc)). industry: GB/T 4754-2017 code, a
 * section letter A-T and 0, 2, 3 or 4 digits. founded_day: days since
 * 1970-01-01. The sealed fields may be all zero (not given). 424 bytes. */
struct credit_enterprise_cmd {
	sz_id id;
	char uscc[CREDIT_USCC_FIELD_SIZE];
	char name[CREDIT_NAME_SIZE];
	char industry[CREDIT_INDUSTRY_SIZE];
	char district[CREDIT_DISTRICT_SIZE];
	sz_id owner_id;
	uint64_t registered_capital_fen;
	int32_t founded_day;
	uint32_t tags;
	struct credit_sealed rep_id;
	struct credit_sealed rep_phone;
	char rep_id_masked[CREDIT_MASK_ID_SIZE];
	char rep_phone_masked[CREDIT_MASK_PHONE_SIZE];
};

/* The common start of every feed command. count: rows of its array. 80 bytes. */
struct credit_feed_head {
	sz_id id;
	char uscc[CREDIT_USCC_FIELD_SIZE];
	char source[CREDIT_SOURCE_SIZE];
	int32_t as_of_day;
	uint32_t count;
};

/* One month of a monthly feed: month = year * 12 + (month - 1). */
struct credit_month_row {
	int32_t month;
	uint32_t reserved;
	int64_t value;
};

/* Monthly tax paid (fen) and the tax credit grade (纳税信用等级 A, B, M, C,
 * D; "" = not given) of grade_year. 280 bytes. */
struct credit_tax_cmd {
	struct credit_feed_head head;
	char grade[4];
	int32_t grade_year;
	struct credit_month_row months[CREDIT_FEED_MONTH_COUNT_MAX];
};

/* Monthly social-security headcount. 272 bytes. */
struct credit_headcount_cmd {
	struct credit_feed_head head;
	struct credit_month_row months[CREDIT_FEED_MONTH_COUNT_MAX];
};

struct credit_cash_row {
	int32_t month;
	uint32_t reserved;
	int64_t inflow_fen;
	int64_t outflow_fen;
};

/* Monthly cash-flow summary (source "ledger" when computed from the
 * enterprise's own accounts by the HTTP layer). 368 bytes. */
struct credit_cashflow_cmd {
	struct credit_feed_head head;
	struct credit_cash_row months[CREDIT_FEED_MONTH_COUNT_MAX];
};

struct credit_ip_item {
	char number[CREDIT_IP_NUMBER_SIZE];
	uint16_t kind;      /* enum credit_ip_kind */
	uint16_t pledged;   /* 0 or 1 */
	int32_t granted_day;
};

/* Patents and other IP; an item whose number is known is updated (kind,
 * grant date, pledge). 464 bytes. */
struct credit_ip_cmd {
	struct credit_feed_head head;
	struct credit_ip_item items[CREDIT_FEED_IP_COUNT_MAX];
};

/* Innovation points (创新积分, 0-1000) as of head.as_of_day; count is 0. 96 bytes. */
struct credit_innovation_cmd {
	struct credit_feed_head head;
	int64_t points;
	uint64_t reserved;
};

/* One negative record; head.id is the record's id; count is 0. 288 bytes. */
struct credit_negative_cmd {
	struct credit_feed_head head;
	uint16_t kind;      /* enum credit_negative_kind */
	uint16_t reserved16;
	int32_t conduct_ended_day;
	int64_t amount_fen;
	char reference[CREDIT_REFERENCE_SIZE];
	char summary[CREDIT_SUMMARY_SIZE];
};

/* The enterprise authorizes an institution (tenant) for a purpose until
 * expires_ns; token_id is the enterprise's token that granted it. 80 bytes. */
struct credit_authorize_cmd {
	sz_id id;
	char uscc[CREDIT_USCC_FIELD_SIZE];
	uint64_t tenant_id;
	sz_id token_id;
	uint64_t expires_ns;
	uint16_t purpose;
	uint16_t reserved16;
	uint32_t reserved32;
};

/* The enterprise (uscc) revokes one of its authorizations. 56 bytes. */
struct credit_revoke_cmd {
	sz_id id;
	sz_id authorization_id;
	char uscc[CREDIT_USCC_FIELD_SIZE];
};

/* A report or score request of an institution's user. model_version "" =
 * the active model (scores only). 104 bytes. */
struct credit_query_cmd {
	sz_id id;
	char uscc[CREDIT_USCC_FIELD_SIZE];
	uint64_t tenant_id;
	sz_id user_token_id;
	uint16_t purpose;
	uint16_t kind;       /* enum credit_query_kind */
	uint32_t reserved;
	char model_version[CREDIT_VERSION_SIZE];
};

/* The enterprise disputes a data record (the id of a feed command or a
 * negative record). 312 bytes. */
struct credit_objection_cmd {
	sz_id id;
	char uscc[CREDIT_USCC_FIELD_SIZE];
	sz_id record_id;
	char reason[CREDIT_TEXT_SIZE];
};

/* The platform resolves an objection with a written reply. Corrected
 * negative records are withdrawn; other data is corrected by a new feed.
 * 312 bytes. */
struct credit_resolve_cmd {
	sz_id id;
	sz_id objection_id;
	uint16_t outcome;    /* enum credit_objection_outcome */
	uint16_t reserved16;
	uint32_t reserved32;
	sz_id resolver_token_id;
	char reply[CREDIT_TEXT_SIZE];
};

/* One chunk of a model artifact: chunk index of count, size data bytes
 * (the rest zero), the whole artifact's total_size and SHA-256. 4064 bytes. */
struct credit_model_chunk_cmd {
	sz_id id;
	char version[CREDIT_VERSION_SIZE];
	uint8_t sha256[32];
	uint32_t total_size;
	uint16_t index;
	uint16_t count;
	uint32_t size;
	uint32_t reserved;
	uint8_t data[CREDIT_MODEL_CHUNK_SIZE];
};

/* Activate a complete model whose SHA-256 is sha256. 80 bytes. */
struct credit_model_activate_cmd {
	sz_id id;
	char version[CREDIT_VERSION_SIZE];
	uint8_t sha256[32];
};

/* An institution watches an enterprise (needs an unexpired authorization
 * of any purpose). 48 bytes. */
struct credit_watch_cmd {
	sz_id id;
	char uscc[CREDIT_USCC_FIELD_SIZE];
	uint64_t tenant_id;
};

/* The observed outcome of a score decision (the loan performed or
 * defaulted), for the champion/challenger report. tenant_id: the
 * institution that recorded it (0 = the platform operator, any decision).
 * 48 bytes. */
enum credit_decision_outcome { CREDIT_DECISION_GOOD = 1, CREDIT_DECISION_BAD = 2 };
struct credit_outcome_cmd {
	sz_id id;
	sz_id decision_id;         /* the score query's id */
	uint64_t tenant_id;
	uint32_t outcome;          /* enum credit_decision_outcome */
	uint32_t reserved;
};

/* ---- state records (read-only to the HTTP adapter, http_*.c) ---------------------------------- */

struct credit_series {
	uint32_t count;           /* rows, ascending by month */
	uint32_t reserved;
	struct credit_month_row rows[CREDIT_SERIES_MONTH_COUNT]; /* reserved = op index + 1 */
};

/* Where the latest feed of a kind came from. 48 bytes. */
struct credit_feed_mark {
	char source[CREDIT_SOURCE_SIZE];
	int32_t as_of_day;
	uint32_t op;              /* op index + 1; 0 = never fed */
	uint64_t recorded_ns;
};

/* One enterprise. Everything before `heads` is what a report shows (and
 * what its content hash covers). */
struct credit_enterprise {
	struct credit_enterprise_cmd info;
	struct credit_series tax;
	struct credit_series headcount;
	struct credit_series inflow;
	struct credit_series outflow;
	struct credit_feed_mark marks[CREDIT_FEED_KIND_COUNT];
	sz_id key;                /* credit_uscc_key(info.uscc) */
	char tax_grade[4];
	int32_t tax_grade_year;
	int64_t innovation_points;
	int32_t innovation_day;
	uint32_t innovation_set;
	uint32_t ip_count;
	uint32_t invention_count;
	uint32_t pledged_count;
	uint32_t negative_count;  /* not purged, not withdrawn */
	uint64_t registered_ns;
	uint64_t updated_ns;
	/* chain heads (record index + 1, newest first) and watch count */
	uint32_t heads;           /* marker: offset of the volatile part */
	uint32_t ip_head;
	uint32_t negative_head;
	uint32_t authorization_head;
	uint32_t query_head;
	uint32_t objection_head;
	uint32_t warning_head;
	uint32_t watch_head;
	uint32_t watch_count;
	uint32_t reserved;
};

struct credit_ip {
	sz_id key;                /* BLAKE2b-128 of the number */
	char number[CREDIT_IP_NUMBER_SIZE];
	uint16_t kind;
	uint16_t pledged;
	int32_t granted_day;
	uint32_t enterprise;
	uint32_t next;
	uint32_t op;              /* op index of the feed that last set it */
	uint32_t reserved;
	uint64_t recorded_ns;
};

struct credit_negative {
	sz_id id;
	uint32_t enterprise;
	uint32_t next;
	uint32_t op;
	uint16_t kind;
	uint16_t reserved16;
	int32_t conduct_ended_day;
	int32_t as_of_day;
	int64_t amount_fen;
	uint64_t purge_at_ns;
	uint64_t recorded_ns;
	char source[CREDIT_SOURCE_SIZE];
	char reference[CREDIT_REFERENCE_SIZE];
	char summary[CREDIT_SUMMARY_SIZE];
};

struct credit_authorization {
	sz_id id;
	uint32_t enterprise;
	uint32_t next;
	uint64_t tenant_id;
	sz_id token_id;
	uint64_t granted_ns;
	uint64_t expires_ns;
	uint64_t revoked_ns;      /* 0 = not revoked */
	uint16_t purpose;
	uint16_t reserved16;
	uint32_t reserved32;
};

struct credit_query {
	sz_id id;
	uint32_t enterprise;
	uint32_t next;
	uint64_t tenant_id;
	sz_id user_token_id;
	uint64_t at_ns;
	uint16_t purpose;
	uint16_t kind;
	uint32_t decision;        /* decision index + 1 (scores) */
	uint8_t content_hash[16]; /* BLAKE2b-128 of the report data returned */
	uint32_t authorization;   /* index of the authorization used */
	uint32_t reserved;
};

/* Characteristics the domain computes for a model (name, kind). */
#define CREDIT_FEATURE_LIST(X) \
	X(AGE_YEARS, "age_years", CREDIT_CSV_NUMERIC) \
	X(REGISTERED_CAPITAL_10K, "registered_capital_10k", CREDIT_CSV_NUMERIC) \
	X(INDUSTRY_SECTION, "industry_section", CREDIT_CSV_CATEGORICAL) \
	X(TAX_PAID_12M_10K, "tax_paid_12m_10k", CREDIT_CSV_NUMERIC) \
	X(TAX_GROWTH_PCT, "tax_growth_pct", CREDIT_CSV_NUMERIC) \
	X(TAX_GRADE, "tax_grade", CREDIT_CSV_CATEGORICAL) \
	X(HEADCOUNT, "headcount", CREDIT_CSV_NUMERIC) \
	X(HEADCOUNT_GROWTH_PCT, "headcount_growth_pct", CREDIT_CSV_NUMERIC) \
	X(INVENTION_PATENTS, "invention_patents", CREDIT_CSV_NUMERIC) \
	X(IP_TOTAL, "ip_total", CREDIT_CSV_NUMERIC) \
	X(IP_PLEDGED, "ip_pledged", CREDIT_CSV_NUMERIC) \
	X(INNOVATION_POINTS, "innovation_points", CREDIT_CSV_NUMERIC) \
	X(NEGATIVE_RECORDS, "negative_records", CREDIT_CSV_NUMERIC) \
	X(CASH_INFLOW_12M_10K, "cash_inflow_12m_10k", CREDIT_CSV_NUMERIC) \
	X(NET_CASH_FLOW_12M_10K, "net_cash_flow_12m_10k", CREDIT_CSV_NUMERIC) \
	X(CASH_INFLOW_GROWTH_PCT, "cash_inflow_growth_pct", CREDIT_CSV_NUMERIC) \
	X(SPECIALISED_NEW, "specialised_new", CREDIT_CSV_CATEGORICAL) \
	X(HIGH_TECH, "high_tech", CREDIT_CSV_CATEGORICAL)

enum credit_feature {
#define CREDIT_FEATURE_ENUM(e, name, kind) CREDIT_FEATURE_##e,
	CREDIT_FEATURE_LIST(CREDIT_FEATURE_ENUM)
#undef CREDIT_FEATURE_ENUM
	CREDIT_FEATURE_COUNT
};

/* The tech-enterprise product: the tech-flow index (0-100) and its parts. */
struct credit_tech {
	int32_t ip_points;         /* 0-30 */
	int32_t innovation_points; /* 0-30 */
	int32_t headcount_points;  /* 0-20 */
	int32_t tax_points;        /* 0-20 */
	int32_t index;             /* sum, 0-100 */
	uint32_t grade;            /* enum scorecard_grade of the combined score */
	int64_t score_milli;       /* scorecard points + (index - 50) * CREDIT_TECH_POINTS_PER_INDEX_MILLI */
	int64_t credit_limit_fen;
};
/* 0.6 points per index point. */
#define CREDIT_TECH_POINTS_PER_INDEX_MILLI 600

/* Champion/challenger: a model file with a boosted challenger (boost.h)
 * decides with its scorecard (the champion) and scores the challenger in
 * shadow on the same inputs; both are recorded on the decision. Same
 * units as the decision's own score. */
struct credit_shadow {
	int64_t score_milli;
	int64_t bad_probability_ppb;
	uint32_t present;          /* 1 when the model has a challenger */
	uint32_t grade;            /* enum scorecard_grade */
	uint32_t reason_count;
	uint32_t reserved32;
	uint32_t reasons[SCORECARD_REASON_COUNT];         /* characteristic index */
	int64_t reasons_lost_milli[SCORECARD_REASON_COUNT]; /* -(path contribution) */
};

/* A scored query. Fixed point, as scorecard.h: points in 1/1,000, the bad
 * probability in parts per billion, inputs in 1/10,000 of their unit. Data
 * completeness and which features were missing or unseen are recorded with
 * it (bits by enum credit_feature: CREDIT_FEATURE_COUNT <= 32). */
struct credit_decision {
	sz_id query_id;
	uint32_t model;            /* model index */
	uint32_t reason_count;
	int64_t score_milli;
	int64_t bad_probability_ppb;
	uint32_t grade;            /* enum scorecard_grade */
	uint32_t reasons[SCORECARD_REASON_COUNT];         /* characteristic index */
	uint32_t missing_mask;     /* bit f: feature f, used by the model, was missing */
	int64_t reasons_lost_milli[SCORECARD_REASON_COUNT];
	int64_t inputs_e4[CREDIT_FEATURE_COUNT];          /* SCORECARD_VALUE_MISSING = missing / categorical */
	uint8_t labels[CREDIT_FEATURE_COUNT];             /* categorical inputs, see credit_feature_label */
	uint16_t completeness_bp;  /* scored characteristics with a value seen in training, 1/10,000 */
	uint32_t unseen_mask;      /* bit f: feature f's label was never seen in training */
	struct credit_tech tech;
	struct credit_shadow challenger; /* the model's boosted challenger, scored in shadow */
	uint32_t outcome;          /* enum credit_decision_outcome; 0 = not known yet */
	uint32_t reserved_outcome;
	uint64_t outcome_ns;
};

struct credit_objection {
	sz_id id;
	uint32_t enterprise;
	uint32_t next;
	sz_id record_id;
	uint32_t record_op;        /* op index of the disputed record */
	uint16_t outcome;          /* 0 = open */
	uint16_t reserved16;
	uint64_t filed_ns;
	uint64_t due_ns;
	uint64_t resolved_ns;
	uint64_t overdue_ns;       /* first batch that found it past due; 0 = not yet */
	sz_id resolver_token_id;
	char reason[CREDIT_TEXT_SIZE];
	char reply[CREDIT_TEXT_SIZE];
};

struct credit_warning {
	uint32_t enterprise;
	uint32_t next;
	uint16_t kind;             /* enum credit_warning_kind */
	uint16_t reserved16;
	int32_t month;             /* month of the data that raised it */
	int64_t before;            /* the comparison base (fen, people); 0 for negatives */
	int64_t now;
	uint64_t raised_ns;
	sz_id record_id;           /* the feed command that raised it */
};

struct credit_purge {
	sz_id record_id;
	uint32_t enterprise;
	uint16_t kind;
	uint16_t reserved16;
	int32_t conduct_ended_day;
	uint32_t reserved32;
	uint64_t purged_ns;
};

struct credit_watch {
	sz_id id;
	uint32_t enterprise;
	uint32_t next;
	uint64_t tenant_id;
	uint64_t at_ns;
};

/* A remembered command. */
struct credit_op {
	sz_id id;
	uint64_t fingerprint;
	uint16_t kind;
	uint16_t flags;            /* enum credit_op_flags */
	uint32_t enterprise;       /* UINT32_MAX if none */
	uint32_t target;           /* index in the kind's array (query, objection ...) */
	uint32_t reserved;
};

/* A model version. The text is the model_io artifact; the parsed model and
 * the characteristic -> feature map are derived (rebuilt on load). */
struct credit_model_info {
	char version[CREDIT_VERSION_SIZE];
	uint8_t sha256[32];
	uint32_t total_size;
	uint32_t received_size;
	uint16_t chunk_count;
	uint16_t received_count;
	uint32_t status;           /* enum credit_model_status */
	uint64_t registered_ns;
	uint64_t activated_ns;
	sz_id last_chunk_id;
};

struct credit_model {
	struct credit_model_info info;
	uint8_t *text;             /* total_size bytes: the model's slot of the text region reserved at registration */
	scorecard_model parsed;    /* when prepared with SZ_R_OK (active, retired, or complete and loading) */
	int32_t *feature_of;       /* per characteristic: enum credit_feature or -1 */
	/* Parsed outside apply: by the reserve before the batch after the last
	 * chunk arrived (or when a snapshot is read), so that activation only
	 * points at memory allocated before its batch. Derived from text, not
	 * digested or written to snapshots. */
	bool prepared;
	uint32_t prepare_result;   /* SZ_R_OK or CREDIT_R_MODEL_INVALID once prepared */
};

struct credit_domain_state;

/* ---- registration and queries ------------------------------------------------ */

int credit_domain_register(struct sz_state *s);
const struct credit_domain_state *credit_state_get(const struct sz_state *s);

/* The 128-bit key of a valid code: its 18 characters as a base-31 number
 * (injective), used for the index and as the default ledger owner id. */
sz_id credit_uscc_key(const char *uscc);

/* -1 if absent. */
int64_t credit_enterprise_find(const struct credit_domain_state *c, const char *uscc);
const struct credit_enterprise *credit_enterprise_at(const struct credit_domain_state *c, uint32_t index);
uint32_t credit_enterprise_count(const struct credit_domain_state *c);

const struct credit_ip *credit_ip_at(const struct credit_domain_state *c, uint32_t index);
const struct credit_negative *credit_negative_at(const struct credit_domain_state *c, uint32_t index);
const struct credit_authorization *credit_authorization_at(const struct credit_domain_state *c, uint32_t index);
const struct credit_query *credit_query_at(const struct credit_domain_state *c, uint32_t index);
uint32_t credit_query_count(const struct credit_domain_state *c);
const struct credit_decision *credit_decision_at(const struct credit_domain_state *c, uint32_t index);
const struct credit_objection *credit_objection_at(const struct credit_domain_state *c, uint32_t index);
uint32_t credit_objection_count(const struct credit_domain_state *c);
const struct credit_warning *credit_warning_at(const struct credit_domain_state *c, uint32_t index);
uint32_t credit_warning_count(const struct credit_domain_state *c);
const struct credit_purge *credit_purge_at(const struct credit_domain_state *c, uint32_t index);
uint32_t credit_purge_count(const struct credit_domain_state *c);
const struct credit_watch *credit_watch_at(const struct credit_domain_state *c, uint32_t index);
const struct credit_model *credit_model_at(const struct credit_domain_state *c, uint32_t index);
uint32_t credit_model_count(const struct credit_domain_state *c);
/* -1 if none. */
int64_t credit_model_active(const struct credit_domain_state *c);
int64_t credit_model_find(const struct credit_domain_state *c, const char *version);

/* The remembered command with this id, or NULL. */
const struct credit_op *credit_op_find(const struct credit_domain_state *c, sz_id id);
const struct credit_op *credit_op_at(const struct credit_domain_state *c, uint32_t index);

/* Is there an unexpired, unrevoked authorization of enterprise to tenant
 * for purpose (0 = any purpose) at now_ns? Returns its index or -1. */
int64_t credit_authorization_valid(const struct credit_domain_state *c, uint32_t enterprise,
				   uint64_t tenant_id, uint16_t purpose, uint64_t now_ns);

/* BLAKE2b-128 of what a report on the enterprise shows (registry record,
 * series, IP, negative records, objections): the query log's "what was
 * returned". */
void credit_report_hash(const struct credit_domain_state *c, uint32_t enterprise, uint8_t out[16]);

/* ---- calendar (China Standard Time) and names -------------------------------- */

/* Days since 1970-01-01 of a civil date; -1 if the date is invalid. */
int32_t credit_day_from_civil(int32_t year, uint32_t month, uint32_t day);
void credit_civil_from_day(int32_t days, int32_t *year, uint32_t *month, uint32_t *day);
/* Day and month (year * 12 + month - 1) of a timestamp, in UTC+8. */
int32_t credit_day_of_ns(uint64_t ns);
int32_t credit_month_of_ns(uint64_t ns);
/* ns of midnight UTC+8 starting the day. */
uint64_t credit_ns_of_day(int32_t day);

const char *credit_feed_kind_name(uint32_t kind);
const char *credit_ip_kind_name(uint32_t kind);
const char *credit_negative_kind_name(uint32_t kind);
const char *credit_purpose_name(uint32_t purpose);
const char *credit_query_kind_name(uint32_t kind);
const char *credit_warning_kind_name(uint32_t kind);
const char *credit_tag_name(uint32_t bit_index);
const char *credit_feature_name(uint32_t feature);
/* The same names as NULL-terminated tables (for request schemas): entry i
 * names value first + i, first as in the function (1 for ip kinds, negative
 * kinds, purposes, query and warning kinds; 0 for feed kinds and tag bits). */
extern const char *const credit_feed_kind_names[], *const credit_ip_kind_names[], *const credit_negative_kind_names[],
	*const credit_purpose_names[], *const credit_query_kind_names[], *const credit_warning_kind_names[],
	*const credit_tag_names[];
/* The value in [0, max] whose name_of is name, or -1 (names are NULL for
 * values that are not valid). */
int32_t credit_name_parse(const char *(*name_of)(uint32_t), uint32_t max, const char *name);

/* ---- features and products (features.c) -------------------------------------- */

/* The characteristics of an enterprise at now_ns: numbers in 1/10,000 of
 * their unit (SCORECARD_VALUE_MISSING = missing; each the exact figure
 * rounded to nearest, halves away from zero) and, for categorical features,
 * a label code (credit_feature_label). Integers only. */
void credit_features(const struct credit_enterprise *e, uint64_t now_ns, int64_t numbers_e4[CREDIT_FEATURE_COUNT],
		     uint8_t labels[CREDIT_FEATURE_COUNT]);
/* The label text of a categorical feature's code; NULL = missing. */
const char *credit_feature_label(uint32_t feature, uint8_t code);
/* The tech-flow index (0-100) from the characteristics alone (values in
 * 1/10,000; SCORECARD_VALUE_MISSING counts as none): IP 6 per invention
 * patent and 2 per other item (at most 30), innovation points x 30 / 1000,
 * headcount and tax growth in whole percent (0-20 each, the whole percent
 * at or below the feature's value). The offline validation of the tech
 * score uses it; the server's credit_tech_compute works from the exact
 * growth ratio, which gives the same whole percent except within 0.00005
 * below a whole percent. */
int32_t credit_tech_index_of(int64_t invention_patents_e4, int64_t ip_total_e4, int64_t innovation_points_e4,
			     int64_t headcount_growth_pct_e4, int64_t tax_growth_pct_e4);
enum credit_csv_kind credit_feature_kind(uint32_t feature);

/* Tech-flow index, combined score, grade and suggested credit limit. */
void credit_tech_compute(const struct credit_enterprise *e, uint64_t now_ns, const scorecard_model *model,
			 int64_t scorecard_points_milli, struct credit_tech *out);

/* Sum of a series' values over months [first, last]; *months_found counts rows. */
int64_t credit_series_sum(const struct credit_series *s, int32_t first, int32_t last, uint32_t *months_found);

#endif
