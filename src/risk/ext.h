/*
 * ext.h — per-account counters beyond struct risk_account's window
 * counters, kept in their own fixed-size record (struct risk_account_ext,
 * RISK_ACCOUNT_EXT_BYTES bytes) in an array indexed like the accounts:
 *
 *  - first-digit counts of the account's outgoing and incoming amounts, for
 *    the Benford deviation feature (RISK_F_BENFORD_MAD);
 *  - the China-Standard-Time calendar month's cross-border volume out and
 *    in, and the account's declared monthly cross-border volume
 *    (RISK_CMD_DECLARE), for RISK_F_XBORDER_DECLARED_BP;
 *  - the newest distinct cross-border remitters into the account, for
 *    RISK_F_XBORDER_REMITTERS (splitting across remitters).
 *
 * Owns: that record's layout and arithmetic (eval_ext.c: integer-only, no
 * allocation, no clock; apply and the backtest run it). The counters are
 * kept only while the rule set in force has a rule on one of these
 * features (risk_ruleset_uses_ext); the declaration is kept always.
 */
#ifndef SZ_RISK_EXT_H
#define SZ_RISK_EXT_H

#include "risk/risk.h"

/* Digits 1..9, slot d - 1. */
#define RISK_DIGIT_COUNT 9u
/* Window of the first-digit counts: lifetime, with decay — when a
 * direction's counts reach RISK_DIGIT_DECAY_AT in total, every count of
 * that direction is halved (rounding down), so the distribution follows
 * the newest 512 to 1,024 transfers and a uint16_t never overflows. */
#define RISK_DIGIT_DECAY_AT 1024u
/* Benford rules judge at least this many transfers (param): below about 50
 * first digits the sampling noise alone exceeds any useful threshold. */
#define RISK_BENFORD_COUNT_MIN 50u
/* Distinct cross-border remitters kept per account (the feature's value
 * saturates at RISK_REMITTER_COUNT + 1, the transfer judged included). */
#define RISK_REMITTER_COUNT 16u
/* Benford's law, first digit: P(d) = log10(1 + 1/d), in parts per million,
 * rounded to the nearest: log10(2) = 0.30103, log10(3/2) = 0.176091,
 * log10(4/3) = 0.124939, log10(5/4) = 0.096910, log10(6/5) = 0.079181,
 * log10(7/6) = 0.066947, log10(8/7) = 0.057992, log10(9/8) = 0.051153,
 * log10(10/9) = 0.045757. They sum to exactly 1,000,000 (the product of
 * (d + 1) / d over d = 1..9 is 10). */
#define RISK_BENFORD_PPM_INIT { 301030u, 176091u, 124939u, 96910u, 79181u, 66947u, 57992u, 51153u, 45757u }

/* 16 bytes: one remitter (payer) that sent the account a cross-border transfer. */
struct risk_remitter {
	uint64_t peer_hash;            /* risk_hash_id of the payer (1 for 0); 0 = empty */
	uint64_t last_ns;              /* its newest cross-border transfer into the account */
};

struct risk_account_ext {
	uint16_t digit_out[RISK_DIGIT_COUNT]; /* first digits of outgoing amounts (decayed) */
	uint16_t digit_in[RISK_DIGIT_COUNT];  /* and of incoming */
	int32_t xb_month;              /* CST month of the two sums: year * 12 + month - 1; 0 = none */
	uint64_t xb_month_out_minor;   /* cross-border outflow of that month */
	uint64_t xb_month_in_minor;    /* cross-border inflow of that month */
	uint64_t declared_month_minor; /* declared cross-border volume per month; 0 = none declared */
	uint32_t declared_currency;    /* its currency (packed ISO 4217) */
	uint32_t reserved;             /* zero */
	struct risk_remitter remitters[RISK_REMITTER_COUNT];
};
#define RISK_ACCOUNT_EXT_BYTES 328u
_Static_assert(sizeof(struct risk_account_ext) == RISK_ACCOUNT_EXT_BYTES, "ext record has no padding");

/* 40 bytes. Declare (or, with monthly_minor 0, withdraw) an account's
 * expected cross-border volume per CST calendar month, e.g. from an
 * enterprise's registered business scope or a KYC questionnaire. The API
 * checks that the account exists and stamps its tenant and currency. */
struct risk_declare_cmd {
	sz_id account_id;
	uint64_t tenant_id;            /* the account's */
	uint64_t monthly_minor;        /* declared cross-border volume per month, minor units; 0 = none */
	uint32_t currency;             /* packed ISO 4217, the account's */
	uint32_t reserved;             /* zero */
};
_Static_assert(sizeof(struct risk_declare_cmd) == 40, "declare command is 40 bytes, no padding");

/* The first significant decimal digit of a non-zero amount (1..9); 0 for 0.
 * Minor units or major, the first digit is the same. */
uint32_t risk_first_digit(uint64_t amount);
/* Mean absolute deviation of counts (plus one more amount of first digit
 * extra_digit, 0 = none) from Benford's first-digit law, in ppm of a
 * proportion: sum over d of |count_d * 10^6 / n - P(d)| / 9, with integer
 * division (the per-digit share rounded down). *n gets the total count.
 * 0 when n is 0. Nigrini's conformity limits are 6,000 (close), 12,000
 * (acceptable) and 15,000 ppm (marginal) for large n. */
uint64_t risk_benford_mad_ppm(const uint16_t counts[RISK_DIGIT_COUNT], uint32_t extra_digit, uint64_t *n);
/* The CST calendar month of a time: year * 12 + month - 1. */
int32_t risk_month_of(uint64_t time_ns);
/* Is x cross-border under rs (its code in the cross-border range)? */
bool risk_txn_cross_border(const struct risk_ruleset *rs, const struct risk_txn *x);
/* Does a rule feature read struct risk_account_ext (eval_ext.c)? */
static inline bool risk_feature_reads_ext(uint32_t feature)
{
	return feature >= RISK_F_BENFORD_MAD && feature <= RISK_F_XBORDER_REMITTERS;
}
/* Does rs have a rule on a feature that reads struct risk_account_ext? */
bool risk_ruleset_uses_ext(const struct risk_ruleset *rs);
/* The value of a RISK_F_BENFORD_MAD or RISK_F_XBORDER_* rule for x, counting
 * x itself as committed (eval.c calls it from its feature switch). */
uint64_t risk_ext_feature(const struct risk_ruleset *rs, const struct risk_rule *r, const struct risk_txn *x,
			  const struct risk_view *v);
/* Add x to an account's ext counters (as_payer: x flows out of it). */
void risk_ext_add(const struct risk_ruleset *rs, struct risk_account_ext *e, const struct risk_txn *x, bool as_payer);
/* The ext record of a monitored account (read API), or NULL. */
const struct risk_account_ext *risk_ext_find(const struct risk_state *st, sz_id account_id);
/* Apply a declaration to a record (the declaration fields only). */
void risk_ext_declare(struct risk_account_ext *e, const struct risk_declare_cmd *c);

#endif
