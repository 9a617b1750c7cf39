/*
 * backtest.h — replay a list of transfers against a rule-set version, off
 * the engine and without touching live state, and measure the alerts
 * against planted labels.
 *
 * Owns: the backtest's own per-account counters (struct risk_account, one
 * per account index) and pair set, the alerts it raises (rule typologies
 * through risk_eval_typologies, and graph cycles through graph_cycles),
 * and the label metrics (per-typology recall, share of transfers and of
 * accounts flagged, account precision).
 * Inputs are already decoded (cli_backtest.c reads CSV and log files):
 * accounts are dense indexes, transfers sorted by time.
 * Never: touch the live engine state. Reading files is cli_backtest.c's,
 * except a data directory's log, which backtest_log.c replays privately.
 */
#ifndef SZ_RISK_BACKTEST_H
#define SZ_RISK_BACKTEST_H

#include "risk/risk.h"

#include <stdint.h>

#define BT_TRANSFER_COUNT_MAX (1u << 25)
#define BT_ACCOUNT_COUNT_MAX (1u << 22)
#define BT_ALERT_COUNT_MAX (1u << 22)
/* Members listed per alert (a cycle's accounts, a rule alert's two). */
#define BT_MEMBER_COUNT_MAX 6u
/* The graph typology's id in alerts: beyond any rule-set typology id. */
#define BT_TYPOLOGY_CYCLE 0xff01u
#define BT_CYCLE_WINDOW_NS_DEFAULT (72ull * 3600000000000ull)
#define BT_CYCLE_HOPS_MIN_DEFAULT 3u

struct bt_transfer {
	uint32_t payer, payee;         /* account indexes */
	uint64_t amount_minor;
	uint64_t time_ns;
	uint32_t currency;
	uint16_t code;
	uint16_t reserved;
};

struct bt_alert {
	uint32_t typology_id;          /* rule-set typology, or BT_TYPOLOGY_CYCLE */
	uint32_t score;
	uint32_t subject;              /* the account the alert is about */
	uint32_t member_count;
	uint32_t members[BT_MEMBER_COUNT_MAX];
	uint32_t transfer_count;
	uint32_t transfers[BT_MEMBER_COUNT_MAX]; /* indexes into the input */
	uint64_t amount_minor;         /* the transfer's, or what returned round a cycle */
	uint64_t time_ns;
};

struct bt_options {
	const struct risk_ruleset *rs;
	uint64_t cycle_window_ns;      /* 0 = no cycle search */
	uint32_t cycle_hops_min;
};

struct bt_result {
	struct bt_alert *alerts;       /* owned; bt_result_release frees */
	uint32_t alert_count;
	uint64_t alert_dropped_count;  /* beyond BT_ALERT_COUNT_MAX */
	uint8_t *transfer_flagged;     /* per transfer: 1 if in an alert */
	uint8_t *account_flagged;      /* per account: 1 if the subject or a cycle member of one */
	uint32_t transfer_count, account_count;
	uint64_t transfer_flagged_count, account_flagged_count;
};

/* kinds: per account, enum sz_account_kind. 0, SZ_EINVAL, SZ_ELIMIT or SZ_ENOMEM. */
int bt_run(const struct bt_options *o, const struct bt_transfer *t, uint32_t transfer_count, const uint16_t *kinds,
	   uint32_t account_count, struct bt_result *out);
void bt_result_release(struct bt_result *r);

/* One transfer committed in a data directory's log (backtest_log.c). */
struct bt_log_transfer {
	sz_id payer, payee;
	uint64_t amount_minor;
	uint64_t time_ns;
	uint32_t currency;
	uint16_t code;
	uint16_t payer_kind, payee_kind;
};
/* Replay data_dir's log from batch 1 into a private state (read-only: no
 * file is written) and list the transfers that committed, in order (*out:
 * malloc'ed, the caller frees). 0, or an error with a sentence in why:
 * SZ_ENOTFOUND (no log), SZ_ECORRUPT, SZ_EIO, SZ_ENOMEM, SZ_ELIMIT. */
int bt_log_read(const char *data_dir, struct bt_log_transfer **out, uint32_t *count, char *why, size_t why_size);

/* A planted alert: its typology name's index and its accounts. */
struct bt_label {
	uint32_t typology;             /* caller's index */
	uint32_t main_account;
	uint32_t member_count;
	const uint32_t *members;
};
struct bt_typology_score {
	uint32_t planted, caught;      /* caught: main flagged, or at least half the members */
};
/* Per label typology (typology_count of them), and account precision: the
 * flagged accounts that belong to some plant, in basis points. */
void bt_score(const struct bt_result *r, const struct bt_label *labels, uint32_t label_count, uint32_t typology_count,
	      struct bt_typology_score *scores, uint32_t *account_precision_bp);

#endif
