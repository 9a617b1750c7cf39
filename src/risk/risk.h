/*
 * risk.h — the risk / anti-money-laundering domain: rules and typologies
 * judged inside the commit of every ledger transfer, alerts, cases.
 *
 * Owns:
 *  - the rule-set versions activated by command (struct risk_ruleset: a
 *    fixed-size binary record; the JSON file format is parsed outside apply
 *    by ruleset_json.c and documented in docs/risk.md), each in force from
 *    its effective time; a transfer is judged by the version in force at the
 *    batch time;
 *  - per monitored account, fixed-size window counters (struct
 *    risk_account: RISK_ACCOUNT_BYTES bytes) — up to 24 hourly buckets (the
 *    hours with activity in the last 24, newest first) for sliding windows
 *    of 1..24 hours and one China-Standard-Time day for same-day figures —
 *    and its baseline (outflow of earlier days, last activity);
 *  - the pairs (payer, payee) seen, for new-payee and new-payer counts;
 *  - the alerts (bounded: RISK_ALERT_COUNT_MAX; when full, further alerts are
 *    not stored and are counted in alert_dropped_count — interdiction still
 *    refuses), and the refusals (interdictions, which are alerts too);
 *  - cases on alerts and their append-only history.
 *
 * How it plugs in: a transfer hook (engine/hooks.h). check evaluates every
 * typology of the version in force on the transfer as if it were committed
 * and refuses it with RISK_R_INTERDICTED when a typology's interdiction
 * threshold is reached; observe updates the counters and stores the alerts.
 * Evaluation itself (eval.c, risk_eval_*) needs no engine: it runs on a
 * plain list of transfers for backtests.
 * Never: use floating point, read the clock, allocate in apply (all arrays
 * are reserved in virtual memory at registration), or change another
 * domain's state.
 */
#ifndef SZ_RISK_H
#define SZ_RISK_H

#include "szfin/szfin.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sz_state;
struct risk_account_ext; /* ext.h */

/* The hash of an account id: its slot in the account index (apply.c,
 * state.c) and its mark among an account's remitters (eval_ext.c). */
static inline uint64_t risk_hash_id(sz_id id)
{
	uint64_t h = id.lo * 0x9e3779b97f4a7c15ull ^ id.hi * 0xc2b2ae3d27d4eb4full;
	return h ^ (h >> 29);
}

/* Command kinds [0x0700, 0x07ff]; result codes 700-799 (src/app/registry.h). */
#define RISK_KIND_BASE 0x0700u
enum risk_command_kind {
	RISK_CMD_RULESET_ACTIVATE = RISK_KIND_BASE + 1, /* body: struct risk_ruleset */
	RISK_CMD_CASE = RISK_KIND_BASE + 2,             /* body: struct risk_case_cmd */
	RISK_CMD_SCREEN_HIT = RISK_KIND_BASE + 3,       /* body: struct risk_screen_cmd */
	RISK_CMD_PURGE = RISK_KIND_BASE + 4,            /* body: struct risk_purge_cmd */
	RISK_CMD_DECLARE = RISK_KIND_BASE + 5,          /* body: struct risk_declare_cmd (ext.h) */
};

/* ---- limits ---------------------------------------------------------------- */

/* A rule set is one command: it must fit SZ_COMMAND_SIZE_MAX (3,648 bytes
 * of 4,096); the default set uses 24 rules in 15 typologies. */
#define RISK_RULE_COUNT_MAX 32u
#define RISK_TYPOLOGY_COUNT_MAX 16u
#define RISK_TYPOLOGY_RULE_COUNT_MAX 8u
#define RISK_BAND_COUNT_MAX 4u
/* Tallies: per-account counters of the transfers that match a rule's filter
 * (party class and amount range), e.g. "between 45,000 and 50,000 CNY". */
#define RISK_TALLY_COUNT_MAX 6u
/* Versions kept: enough for a year of monthly changes plus scheduled ones;
 * when full, the oldest version that a newer one superseded is dropped. */
#define RISK_VERSION_COUNT_MAX 16u
/* Sliding windows: 24 buckets of one hour (windows of 1 to 24 hours). */
#define RISK_BUCKET_COUNT 24u
#define RISK_BUCKET_NS 3600000000000ull
#define RISK_NS_PER_DAY 86400000000000ull
/* Same-day figures use the China Standard Time day (UTC+8), as PBoC reports do. */
#define RISK_DAY_OFFSET_NS (8ull * 3600000000000ull)
/* Accounts and pairs monitored: arrays reserved in virtual memory (paid as
 * they fill). Beyond them a transfer is judged on its amount alone and
 * counted in unmonitored_count. */
#define RISK_ACCOUNT_COUNT_MAX (1u << 21)
#define RISK_PAIR_COUNT_MAX (1u << 23)
/* Alerts and refusals stored: a year of a busy operator's alerts. */
#define RISK_ALERT_COUNT_MAX (1u << 20)
#define RISK_REFUSAL_COUNT_MAX (1u << 18)
/* Refusal numbers start here so that one number space names both. */
#define RISK_REFUSAL_NO_BASE (1ull << 40)
#define RISK_CASE_COUNT_MAX (1u << 18)
#define RISK_CASE_EVENT_COUNT_MAX (1u << 21)
#define RISK_CASE_TEXT_SIZE 128u
#define RISK_NAME_SIZE 32u
/* Evidence: the last transfers of the payer kept per account. */
#define RISK_RECENT_COUNT 4u
/* Report due in 5 working days (PBoC Order [2016] No. 3, art. 5 and 12). */
#define RISK_REPORT_DUE_WORKING_DAYS_DEFAULT 5u
/* Retention of alerts, cases and reports: 10 years (AML Law art. 19). */
#define RISK_RETENTION_DAYS_DEFAULT 3650u

/* ---- rule sets -------------------------------------------------------------- */

/* What a rule measures (the value its bands map to a score). */
enum risk_feature {
	RISK_F_AMOUNT = 1,      /* this transfer's amount, minor units */
	RISK_F_COUNT = 2,       /* transfers in the window (this one included) */
	RISK_F_SUM = 3,         /* their sum, minor units */
	RISK_F_SHARE_BP = 4,    /* outflow / inflow of the window, basis points */
	RISK_F_HISTORY_BP = 5,  /* same-day outflow / average daily outflow of earlier days, bp */
	RISK_F_DORMANT_DAYS = 6,/* whole days since the account's previous activity */
	RISK_F_NEW_PEERS = 7,   /* first-time counterparties in the window (payees out, payers in) */
	RISK_F_ROUND = 8,       /* 1 if the amount is a multiple of 10^param minor units */
	/* Features on struct risk_account_ext (ext.h, eval_ext.c): */
	RISK_F_BENFORD_MAD = 9, /* first-digit MAD from Benford's law, ppm; 0 below param transfers */
	RISK_F_XBORDER_DECLARED_BP = 10, /* the CST month's cross-border volume / declared monthly volume, bp */
	RISK_F_XBORDER_REMITTERS = 11,   /* distinct cross-border remitters into the payee in the window */
	RISK_F_COUNT_MAX_ = 12,
};
/* Whose counters: the payer's (debit account) or the payee's (credit). */
enum risk_side { RISK_SIDE_PAYER = 0, RISK_SIDE_PAYEE = 1 };
/* Which direction of that account's flow a count or sum covers. */
enum risk_flow { RISK_FLOW_OUT = 0, RISK_FLOW_IN = 1 };
/* Party classes of PBoC large-value reporting, from the rule set's code
 * ranges and account-kind masks. */
enum risk_party {
	RISK_PARTY_ANY = 0,
	RISK_PARTY_CASH = 1,                /* transfer code in the cash range */
	RISK_PARTY_INSTITUTION = 2,         /* payer account kind in institution_kind_mask */
	RISK_PARTY_INDIVIDUAL_DOMESTIC = 3, /* payer kind in individual_kind_mask, not cross-border */
	RISK_PARTY_INDIVIDUAL_XBORDER = 4,  /* payer kind individual, code in the cross-border range */
	RISK_PARTY_COUNT_ = 5,
};
enum risk_report_kind { RISK_REPORT_NONE = 0, RISK_REPORT_LARGE = 1, RISK_REPORT_SUSPICIOUS = 2 };

/* 88 bytes. Bands: the score of the highest band whose band_min the value
 * reaches (bands ascending); below the first band, 0. */
struct risk_rule {
	uint16_t rule_id;          /* unique in the set, non-zero */
	uint8_t feature;           /* enum risk_feature */
	uint8_t side;              /* enum risk_side */
	uint8_t flow;              /* enum risk_flow (COUNT, SUM, NEW_PEERS) */
	uint8_t party;             /* enum risk_party: filter on the transfer */
	uint8_t window_h;          /* 0 = same CST day; 1..24 = sliding hours */
	uint8_t tally;             /* 0 = all transfers of the flow; 1..6 = the tally slot of this filter */
	uint64_t amount_min_minor; /* filter: counted transfers have amount >= this */
	uint64_t amount_max_minor; /* filter: and < this (0 = no upper bound) */
	uint64_t exit_below_minor; /* exit: the rule scores 0 when this transfer is below */
	uint16_t exit_kind_mask;   /* exit: scores 0 when the side's account kind bit is set */
	uint16_t param;            /* ROUND: exponent; HISTORY_BP: minimum days of history */
	uint32_t currency;         /* the rule applies to this currency only (packed ISO 4217) */
	uint8_t band_count;        /* 1..RISK_BAND_COUNT_MAX */
	uint8_t reserved[3];
	uint16_t code_min;         /* filter: transfer code in [code_min, code_max]; both 0 = any code */
	uint16_t code_max;
	uint64_t band_min[RISK_BAND_COUNT_MAX];
	uint16_t band_score[RISK_BAND_COUNT_MAX]; /* 0..RISK_SCORE_MAX */
};
_Static_assert(sizeof(struct risk_rule) == 88, "rule is 88 bytes, no padding");
#define RISK_SCORE_MAX 1000u
#define RISK_WEIGHT_MAX 1000u /* weights in percent: score = sum(weight * rule score) / 100 */

/* 48 bytes. A weighted set of rules with its two thresholds. */
struct risk_typology {
	uint16_t typology_id;      /* unique in the set, non-zero */
	uint8_t rule_count;        /* 1..RISK_TYPOLOGY_RULE_COUNT_MAX */
	uint8_t report;            /* enum risk_report_kind: which report the alert feeds */
	uint16_t alert_threshold;  /* score >= this raises an alert (> 0) */
	uint16_t interdict_threshold; /* score >= this refuses the transfer; 0 = never */
	uint16_t rule_id[RISK_TYPOLOGY_RULE_COUNT_MAX];
	uint16_t weight_pct[RISK_TYPOLOGY_RULE_COUNT_MAX];
	uint8_t reserved[8];
};
_Static_assert(sizeof(struct risk_typology) == 48, "typology is 48 bytes, no padding");

/* The body of RISK_CMD_RULESET_ACTIVATE and one stored version. */
struct risk_ruleset {
	uint32_t version;          /* strictly increasing over activations */
	uint16_t rule_count;
	uint16_t typology_count;
	uint64_t effective_ns;     /* in force from this batch time; 0 = the activating batch's */
	uint16_t cash_code_min, cash_code_max;       /* transfer codes that are cash */
	uint16_t xborder_code_min, xborder_code_max; /* transfer codes that are cross-border */
	uint16_t individual_kind_mask;               /* account kinds (bit per sz_account_kind) */
	uint16_t institution_kind_mask;
	uint16_t report_due_working_days;
	uint16_t retention_days;
	char name[RISK_NAME_SIZE];
	struct risk_rule rules[RISK_RULE_COUNT_MAX];
	struct risk_typology typologies[RISK_TYPOLOGY_COUNT_MAX];
};
_Static_assert(sizeof(struct risk_ruleset) == 64 + 88 * RISK_RULE_COUNT_MAX + 48 * RISK_TYPOLOGY_COUNT_MAX,
	       "rule set has no padding");
_Static_assert(sizeof(struct risk_ruleset) + 8 <= 4096, "a rule set fits one command");

/* Check a rule set's contents (ids unique, references resolve, enums and
 * bands in range, reserved bytes zero). 0 or a RISK_R_* code; why gets a
 * sentence when non-NULL. Deterministic: apply uses it too. */
uint32_t risk_ruleset_check(const struct risk_ruleset *rs, char *why, size_t why_size);
const struct risk_rule *risk_ruleset_rule(const struct risk_ruleset *rs, uint16_t rule_id);

/* ---- window counters ------------------------------------------------------- */

/* 32 bytes: one hour of one account. */
struct risk_bucket {
	uint64_t out_sum_minor;
	uint64_t in_sum_minor;
	uint32_t hour;             /* hours since 1970 of this bucket */
	uint16_t out_count;
	uint16_t in_count;
	uint8_t new_payee_count;
	uint8_t new_payer_count;
	uint8_t tally_count[RISK_TALLY_COUNT_MAX];
};
_Static_assert(sizeof(struct risk_bucket) == 32, "bucket is 32 bytes, no padding");

/* One monitored account (RISK_ACCOUNT_BYTES, 16 cache lines). Counters
 * saturate. Laid out for the lines a transfer touches: the day figures and
 * baseline first (lines 0-2), then the hours with activity, newest first
 * (a window of h hours reads the first few: only hours in which the account
 * moved money are kept, and those older than 24 hours are dropped), and the
 * payer's recent transfers alone in the last line. */
struct risk_account {
	sz_id account_id;
	uint64_t last_activity_ns;     /* 0 = none yet */
	uint64_t hist_out_sum_minor;   /* outflow of the days before `day` */
	int32_t day;                   /* CST day of the day counters */
	int32_t first_day;             /* CST day of the first activity */
	uint64_t day_out_sum_minor;
	uint64_t day_in_sum_minor;
	uint32_t day_out_count;
	uint32_t day_in_count;
	uint32_t day_new_payee_count;
	uint32_t day_new_payer_count;
	uint32_t day_tally_count[RISK_TALLY_COUNT_MAX];
	uint64_t day_tally_sum_minor[RISK_TALLY_COUNT_MAX];
	uint64_t tenant_id;
	uint32_t bucket_count;         /* buckets[0 .. bucket_count) are in use */
	uint32_t reserved;             /* zero */
	/* Hours strictly descending, all within 24 hours of the newest. */
	struct risk_bucket buckets[RISK_BUCKET_COUNT];
	uint8_t reserved_tail[32];     /* zero: recent_transfer_id starts a cache line */
	sz_id recent_transfer_id[RISK_RECENT_COUNT]; /* the newest first */
};
#define RISK_ACCOUNT_BYTES 1024u
#define RISK_ACCOUNT_BUCKETS_OFFSET 160u
_Static_assert(sizeof(struct risk_account) == RISK_ACCOUNT_BYTES, "account record has no padding");
_Static_assert(offsetof(struct risk_account, buckets) == RISK_ACCOUNT_BUCKETS_OFFSET, "day figures: 160 bytes");
_Static_assert(offsetof(struct risk_account, recent_transfer_id) == RISK_ACCOUNT_BYTES - 64, "recent: last line");

/* ---- evaluation (eval.c: no engine, usable on a plain list of transfers) --- */

/* One transfer as the rules see it. */
struct risk_txn {
	sz_id transfer_id;
	sz_id payer_id, payee_id;
	uint64_t amount_minor;
	uint64_t time_ns;
	uint32_t currency;
	uint16_t code;
	uint16_t payer_kind, payee_kind;
	uint64_t payer_tenant_id;
};

/* A monitored account lookup the evaluator is given: the engine's tables,
 * or a backtest's own. Either record may be NULL (not monitored). */
struct risk_view {
	const struct risk_account *payer;
	const struct risk_account *payee;
	bool pair_new;                 /* first transfer from payer to payee */
	/* The accounts' ext.h counters (NULL: none yet); only the RISK_F_BENFORD_MAD
	 * and RISK_F_XBORDER_* features read them. */
	const struct risk_account_ext *payer_ext;
	const struct risk_account_ext *payee_ext;
};

/* One rule's part in a typology's score. */
struct risk_contribution {
	uint16_t rule_id;
	uint16_t rule_score;           /* the band's score */
	uint32_t contribution;         /* weight * rule_score / 100 */
	uint64_t value;                /* the feature's value (minor units, count, bp, days) */
};
_Static_assert(sizeof(struct risk_contribution) == 16, "contribution is 16 bytes");

struct risk_verdict {
	uint16_t typology_id;
	uint8_t alert;                 /* score reached the alert threshold */
	uint8_t interdict;             /* score reached the interdiction threshold */
	uint32_t score;
	uint32_t contribution_count;
	struct risk_contribution contributions[RISK_TYPOLOGY_RULE_COUNT_MAX];
};

/* The party class of a transfer under a rule set (enum risk_party bits:
 * bit 1 << party for each class it belongs to; ANY always). */
uint32_t risk_eval_party_mask(const struct risk_ruleset *rs, const struct risk_txn *x);
/* The value of a rule's feature for x, counting x itself as committed. */
uint64_t risk_eval_feature(const struct risk_ruleset *rs, const struct risk_rule *r, const struct risk_txn *x,
			   const struct risk_view *v);
/* The band score of a rule for x (0 on exit or when a filter excludes x). */
uint16_t risk_eval_rule(const struct risk_ruleset *rs, const struct risk_rule *r, const struct risk_txn *x,
			const struct risk_view *v, uint64_t *value);
/* Judge x by every typology: out gets one verdict per typology (capacity
 * RISK_TYPOLOGY_COUNT_MAX; a verdict's contributions past its
 * contribution_count are left as they were); returns how many typologies
 * alert. */
uint32_t risk_eval_typologies(const struct risk_ruleset *rs, const struct risk_txn *x, const struct risk_view *v,
			      struct risk_verdict out[RISK_TYPOLOGY_COUNT_MAX]);
/* What judging needs of a rule set beyond the set itself, worked out once
 * (risk_plan_build) rather than for every transfer: each typology's rules
 * by index, the most each can add to the score, whether any rule counts
 * a tally over a sliding window, and whether any reads the ext counters.
 * Derived data, never state. */
struct risk_plan {
	uint32_t version;              /* the rule set's it was built for */
	bool sliding_tally;
	bool uses_ext;                 /* a rule reads struct risk_account_ext (risk_ruleset_uses_ext) */
	uint8_t rule_index[RISK_TYPOLOGY_COUNT_MAX][RISK_TYPOLOGY_RULE_COUNT_MAX];
	uint32_t contribution_max[RISK_TYPOLOGY_COUNT_MAX][RISK_TYPOLOGY_RULE_COUNT_MAX];
	uint32_t typology_max[RISK_TYPOLOGY_COUNT_MAX];
};
void risk_plan_build(const struct risk_ruleset *rs, struct risk_plan *p);
/* risk_eval_typologies with a plan built for rs. */
uint32_t risk_eval_typologies_planned(const struct risk_ruleset *rs, const struct risk_plan *p,
				      const struct risk_txn *x, const struct risk_view *v,
				      struct risk_verdict out[RISK_TYPOLOGY_COUNT_MAX]);
/* Bring an account's counters to x's time (drop the buckets that slid out,
 * roll the day, put the bucket of x's hour first) — in place; then add x to
 * them. pair_new as for the view. Times are expected not to go back (apply
 * and backtests guarantee it); an earlier hour of the same day is still
 * counted in its own bucket. */
void risk_account_add(const struct risk_ruleset *rs, struct risk_account *a, const struct risk_txn *x, bool as_payer,
		      bool pair_new);
/* How many leading buckets risk_account_add(a, time_ns) may change (what
 * apply journals): 1 when time_ns's hour is the newest bucket's, else the
 * buckets in use plus one (at most RISK_BUCKET_COUNT). */
uint32_t risk_account_bucket_change_count(const struct risk_account *a, uint64_t time_ns);
/* Is a record's bucket list well formed (count, order, 24-hour span)? For
 * records read from disk. */
bool risk_account_valid(const struct risk_account *a);
/* CST day and UTC hour numbers of a time. */
int32_t risk_day_of(uint64_t time_ns);
uint32_t risk_hour_of(uint64_t time_ns);

/* ---- screening results ----------------------------------------------------- */

/* 120 bytes. The outcome of a name screening made OUTSIDE apply (ICU and
 * Jaro-Winkler run in the HTTP adapter, src/risk/http_screen.c): only these
 * integers and names enter the log. A score at or above the threshold opens
 * an alert (typology RISK_TYPOLOGY_SCREENING, rule-set version 0); below it
 * the command changes nothing. */
struct risk_screen_cmd {
	sz_id subject_id;              /* the account or wallet whose holder was screened */
	sz_id event_id;                /* the registration or transfer it was screened for (0 = none) */
	uint64_t tenant_id;            /* the subject's tenant (the alert's scope) */
	uint32_t score;                /* best hit, per mille (0..1000) */
	uint32_t threshold;            /* per mille (1..1000) */
	uint32_t list_version;
	uint32_t currency;             /* the subject account's (packed ISO 4217; the alert's amount is 0) */
	char list_name[32];            /* NUL-terminated */
	char entry_id[32];             /* the best hit's watch-list id, NUL-terminated */
};
_Static_assert(sizeof(struct risk_screen_cmd) == 120, "screen command is 120 bytes, no padding");
/* The typology number of screening alerts: 0, which no rule set uses. Such
 * an alert feeds the suspicious report (due in 5 working days) and has
 * payer = the subject, transfer = the event, amount 0, one
 * contribution {rule 0, value = list version, rule_score = score,
 * contribution = threshold}, and its evidence ids carry the list name
 * (evidence 0-1) and the entry id (evidence 2-3) as NUL-padded bytes. */
#define RISK_TYPOLOGY_SCREENING 0u
/* The typology number of overdue-report alerts (rule-set version 0 too):
 * raised when a batch's time passes a large-value alert's report due time
 * (5 working days) and no case on it was closed as reported or frozen. It
 * names the late alert in contributions[0].value, and copies its transfer,
 * accounts, amount and tenant. Raised once per late alert. */
#define RISK_TYPOLOGY_OVERDUE 0xffffu

/* ---- retention ---------------------------------------------------------------- */

/* 16 bytes. Purge alerts and refusals older than before_ns: each becomes a
 * tombstone that keeps only its number and time (ruleset_version =
 * RISK_PURGED_VERSION). Refused (RISK_R_RETENTION_NOT_REACHED) unless
 * before_ns is at least the retention period (the version in force's
 * retention_days, default 10 years) before the batch time. At most
 * RISK_PURGE_RECORD_COUNT_MAX records a command (its undo must fit the
 * journal); the caller repeats until nothing is left. Cases and their
 * history are kept. */
struct risk_purge_cmd {
	uint64_t before_ns;
	uint64_t reserved;             /* zero */
};
_Static_assert(sizeof(struct risk_purge_cmd) == 16, "purge command is 16 bytes");
#define RISK_PURGE_RECORD_COUNT_MAX 4096u
#define RISK_PURGED_VERSION UINT32_MAX

/* ---- alerts and cases ---------------------------------------------------- */

/* One stored alert (or refusal). */
struct risk_alert {
	uint64_t alert_no;             /* 1.. for alerts; RISK_REFUSAL_NO_BASE + n for refusals */
	uint64_t time_ns;
	sz_id transfer_id;
	sz_id payer_id, payee_id;
	uint64_t amount_minor;
	uint64_t tenant_id;            /* the payer account's tenant */
	uint64_t report_due_ns;        /* 0 when the typology feeds no report */
	uint32_t currency;
	uint32_t ruleset_version;
	uint16_t typology_id;
	uint8_t interdicted;
	uint8_t report;                /* enum risk_report_kind */
	uint16_t code;
	uint16_t party_mask;
	uint32_t score;
	uint32_t contribution_count;
	struct risk_contribution contributions[RISK_TYPOLOGY_RULE_COUNT_MAX];
	/* The payer's baseline at the time (before this transfer). */
	uint64_t base_day_out_sum_minor;
	uint32_t base_day_out_count;
	uint32_t base_hist_day_count;
	uint64_t base_hist_out_sum_minor;
	uint64_t base_last_activity_ns;
	sz_id evidence_transfer_id[RISK_RECENT_COUNT]; /* the payer's previous transfers */
};
_Static_assert(sizeof(struct risk_alert) == 336, "alert is 336 bytes, no padding");
/* A purged alert (RISK_CMD_PURGE) keeps only its number and time. */
static inline bool risk_alert_purged(const struct risk_alert *a) { return a->ruleset_version == RISK_PURGED_VERSION; }


enum risk_case_action {
	RISK_CASE_OPEN = 1, RISK_CASE_ASSIGN = 2, RISK_CASE_COMMENT = 3, RISK_CASE_ESCALATE = 4, RISK_CASE_CLOSE = 5,
	RISK_CASE_ACTION_COUNT_ = 6,
};
enum risk_case_status { RISK_CASE_S_OPEN = 1, RISK_CASE_S_ESCALATED = 2, RISK_CASE_S_CLOSED = 3 };
enum risk_disposition {
	RISK_DISP_NONE = 0, RISK_DISP_FALSE_POSITIVE = 1, RISK_DISP_REPORTED = 2, RISK_DISP_FROZEN = 3,
	RISK_DISP_COUNT_ = 4,
};

/* Who acts on a case, as the API maps the caller's role. */
enum risk_actor { RISK_ACTOR_ANALYST = 1, RISK_ACTOR_OFFICER = 2, RISK_ACTOR_PLATFORM = 3 };

/* 208 bytes. actor_id, actor and tenant_id are stamped by the API from the token. */
struct risk_case_cmd {
	sz_id case_id;
	sz_id actor_id;
	sz_id assignee_id;             /* ASSIGN */
	uint64_t alert_no;             /* OPEN */
	uint64_t tenant_id;            /* the actor's tenant (0 = platform-wide roles) */
	uint64_t due_ns;               /* OPEN (0 = the report due time or 30 days), ESCALATE */
	uint8_t action;                /* enum risk_case_action */
	uint8_t disposition;           /* CLOSE */
	uint8_t actor;                 /* enum risk_actor, from the caller's role */
	uint8_t reserved[5];
	char text[RISK_CASE_TEXT_SIZE];/* comment or reason, NUL-padded */
};
_Static_assert(sizeof(struct risk_case_cmd) == 208, "case command is 208 bytes, no padding");

struct risk_case {
	sz_id case_id;
	sz_id assignee_id;
	uint64_t alert_no;
	uint64_t tenant_id;
	uint64_t opened_ns;
	uint64_t due_ns;
	uint64_t closed_ns;
	uint32_t first_event;          /* index of its first history event */
	uint32_t event_count;
	uint8_t status;                /* enum risk_case_status */
	uint8_t disposition;
	uint8_t escalation_level;
	uint8_t reserved[5];
};
_Static_assert(sizeof(struct risk_case) == 88, "case is 88 bytes, no padding");

/* One history entry: the command as applied and its time. */
struct risk_case_event {
	uint64_t time_ns;
	uint32_t case_index;
	uint32_t reserved;
	struct risk_case_cmd cmd;
};
_Static_assert(sizeof(struct risk_case_event) == 224, "case event is 224 bytes, no padding");

#define RISK_RESULT_LIST(X) \
	X(700, INTERDICTED, "risk_interdicted", "the transfer was refused by an AML typology's interdiction threshold") \
	X(701, RULESET_INVALID, "risk_ruleset_invalid", "the rule set is malformed") \
	X(702, VERSION_NOT_NEWER, "risk_version_not_newer", "a rule set version must be higher than every earlier one") \
	X(703, EFFECTIVE_IN_PAST, "risk_effective_in_past", "a rule set cannot take effect before the batch that activates it") \
	X(704, COMMAND_INVALID, "risk_command_invalid", "the risk command is malformed") \
	X(705, ALERT_NOT_FOUND, "risk_alert_not_found", "no such alert in the caller's scope") \
	X(706, CASE_EXISTS, "risk_case_exists", "a case with this id already exists") \
	X(707, CASE_NOT_FOUND, "risk_case_not_found", "no such case in the caller's scope") \
	X(708, CASE_CLOSED, "risk_case_closed", "the case is closed") \
	X(709, CASE_TABLE_FULL, "risk_case_table_full", "no room for another case or history entry") \
	X(710, DISPOSITION_DENIED, "risk_disposition_denied", "only a compliance officer may close a case as reported or frozen") \
	X(711, VERSION_TABLE_FULL, "risk_version_table_full", "every kept rule-set version is still in force or scheduled") \
	X(712, RETENTION_NOT_REACHED, "risk_retention_not_reached", "records younger than the retention period cannot be purged") \
	X(713, ACCOUNT_TABLE_FULL, "risk_account_table_full", "no room to monitor another account")

enum risk_result {
#define RISK_RESULT_ENUM(n, name, code, text) RISK_R_##name = n,
	RISK_RESULT_LIST(RISK_RESULT_ENUM)
#undef RISK_RESULT_ENUM
};

/* ---- the domain ---------------------------------------------------------- */

struct risk_state;

/* Register the domain and its transfer hook (called by the registry). */
int risk_domain_register(struct sz_state *s);

/* Read API (adapters, other domains). */
const struct risk_state *risk_state_get(const struct sz_state *s);
/* The version in force at time_ns, or NULL if none. */
const struct risk_ruleset *risk_ruleset_in_force(const struct risk_state *st, uint64_t time_ns);
uint32_t risk_version_count(const struct risk_state *st);
const struct risk_ruleset *risk_version_at(const struct risk_state *st, uint32_t index);
uint32_t risk_alert_count(const struct risk_state *st);
const struct risk_alert *risk_alert_at(const struct risk_state *st, uint32_t index);
uint32_t risk_refusal_count(const struct risk_state *st);
const struct risk_alert *risk_refusal_at(const struct risk_state *st, uint32_t index);
const struct risk_alert *risk_alert_find(const struct risk_state *st, uint64_t alert_no);
uint64_t risk_alert_dropped_count(const struct risk_state *st);
uint64_t risk_unmonitored_count(const struct risk_state *st);
uint32_t risk_case_count(const struct risk_state *st);
/* Was alert_no reported: a case on it closed as reported or frozen? */
bool risk_alert_filed(const struct risk_state *st, uint64_t alert_no);
const struct risk_case *risk_case_at(const struct risk_state *st, uint32_t index);
const struct risk_case *risk_case_find(const struct risk_state *st, sz_id case_id);
uint32_t risk_case_event_count(const struct risk_state *st);
const struct risk_case_event *risk_case_event_at(const struct risk_state *st, uint32_t index);
const struct risk_account *risk_account_find(const struct risk_state *st, sz_id account_id);
uint32_t risk_monitored_count(const struct risk_state *st);

/* Report due time: time_ns plus working_days Monday-Friday days (CST),
 * ending at the end of that CST day. */
uint64_t risk_due_after_working_days(uint64_t time_ns, uint32_t working_days);

#endif
