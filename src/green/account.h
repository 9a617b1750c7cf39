/*
 * account.h — carbon accounts: an enterprise's activity data for a period,
 * its scope 1 / scope 2 emissions under a pinned factor set, the summary
 * (total, intensity, year-on-year change), and the store that keeps results
 * immutable and records explicit restatements.
 *
 * Owns: green_account (the record an enterprise submits: plain, fixed size,
 * no pointers, so it can be a log command body), green_account_result (what
 * the engine stores: every number plus the factor set's version and digest
 * and every factor used), the scope rules, and green_account_store.
 * Never: recompute a stored result silently. A result is computed once with
 * the set named in it; a newer set produces a separate restatement record
 * (before and after), and the stored result stays as it was.
 *
 * Scope rules (documented conventions of szfin):
 *   scope 1            = sum of fuel lines (combustion, factors.h formulas)
 *   scope 2 location   = electricity * grid factor (account's series: average,
 *                        or ets -> flagged) + purchased heat * heat factor
 *   scope 2 market     = (electricity - green power) * residual mix + heat,
 *                        where the residual mix is the national factor
 *                        excluding market-traded non-fossil power
 *                        ("excl_market_nonfossil"): our convention, flagged
 *                        GREEN_FLAG_RESIDUAL_MIX. Green power must be backed
 *                        by certificate lines whose MWh sum equals it.
 *   total              = scope 1 + scope 2 location (market total also kept)
 *   intensity          = total / (value added / ¥10,000)  [t per ¥10k]
 *   year-on-year       = (total - previous) / previous    [basis points]
 * Rounding: each line is rounded to the gram once (half away from zero);
 * scopes and totals are sums of lines; intensity and change are rounded once
 * from the exact quotient of those grams (never from a rounded display value).
 */
#ifndef SZ_GREEN_ACCOUNT_H
#define SZ_GREEN_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "szfin/szfin.h"
#include "core/limits.h"
#include "green/factors.h"
#include "green/region.h"

#define GREEN_SERIAL_SIZE 40u

/* One fuel line: activity in millionths of the fuel's unit (factors.h). */
typedef struct green_fuel_line {
	char fuel[GREEN_CODE_SIZE]; /* NUL-terminated code, e.g. "natural_gas" */
	int64_t activity_micro;
	uint32_t tier;              /* enum green_tier */
	uint32_t reserved;
} green_fuel_line;
_Static_assert(sizeof(green_fuel_line) == 40, "green_fuel_line is 40 bytes, no padding");

/* One green-power certificate line: a certificate (or a serial range of a
 * batch, named by its first serial) and the MWh it covers. */
typedef struct green_cert_line {
	char serial[GREEN_SERIAL_SIZE]; /* NUL-terminated, 1..39 bytes, printable ASCII */
	int64_t mwh_milli;
} green_cert_line;
_Static_assert(sizeof(green_cert_line) == 48, "green_cert_line is 48 bytes, no padding");

enum green_account_flags {
	GREEN_ACCOUNT_HAS_PREVIOUS = 1u << 0, /* previous_total_g is given */
};

/* What an enterprise reports for one period (a calendar year). 792 bytes.
 * Unused fuel and certificate slots and reserved fields must be zero. */
typedef struct green_account {
	sz_id enterprise_id;
	int32_t period_year;
	uint32_t grid_series;            /* location-based: GREEN_GRID_AVERAGE or GREEN_GRID_ETS */
	char province[GREEN_PROVINCE_CODE_SIZE]; /* "CN-GD"; "" or "CN" = national factor */
	int64_t electricity_mwh_milli;   /* all purchased electricity, kWh */
	int64_t green_power_mwh_milli;   /* the part bought as green power, kWh */
	int64_t heat_gj_milli;           /* purchased heat, MJ */
	int64_t value_added_fen;         /* 0 = not reported (no intensity) */
	int64_t previous_total_g;        /* last period's total, with GREEN_ACCOUNT_HAS_PREVIOUS */
	uint32_t fuel_count;
	uint32_t cert_count;
	uint32_t gwp;                    /* enum green_gwp, for IPCC-tier lines */
	uint32_t flags;                  /* enum green_account_flags */
	green_fuel_line fuels[GREEN_ACCOUNT_FUEL_LINE_COUNT_MAX];
	green_cert_line certs[GREEN_ACCOUNT_CERT_LINE_COUNT_MAX];
} green_account;
_Static_assert(sizeof(green_account) == 792, "green_account is 792 bytes, no padding");
_Static_assert(sizeof(green_account) + 8 <= SZ_COMMAND_SIZE_MAX, "an account fits one command");

enum green_result_flags {
	GREEN_RESULT_HAS_INTENSITY = 1u << 0,
	GREEN_RESULT_HAS_YOY = 1u << 1,
};

/* Total, intensity and change: shared by accounts and callers that only
 * have scope totals. 40 bytes. */
typedef struct green_summary {
	int64_t total_g;
	int64_t intensity_g_per_10k_yuan;     /* grams per ¥10,000 value added */
	int64_t intensity_t_per_10k_yuan_e4;  /* tonnes per ¥10,000, 4 decimals */
	int64_t yoy_change_bp;                /* -483 = -4.83 % */
	uint32_t result_flags;                /* enum green_result_flags */
	uint32_t reserved;
} green_summary;
_Static_assert(sizeof(green_summary) == 40, "green_summary is 40 bytes, no padding");

/* What the engine stores for one account. 376 bytes, no padding. */
typedef struct green_account_result {
	sz_id enterprise_id;
	int32_t period_year;
	uint32_t flags;                  /* enum green_flags: fallbacks, ETS, residual mix, IPCC */
	char factor_version[GREEN_VERSION_SIZE];
	uint64_t factor_digest;
	int64_t scope1_g;
	int64_t scope2_location_g;
	int64_t scope2_market_g;
	int64_t total_market_g;
	int64_t electricity_location_g;
	int64_t electricity_market_g;
	int64_t heat_g;
	green_summary summary;           /* total = scope 1 + scope 2 location */
	green_factor_ref grid_factor;
	green_factor_ref residual_factor;
	green_factor_ref heat_factor;
	int64_t fuel_co2e_g[GREEN_ACCOUNT_FUEL_LINE_COUNT_MAX];
	uint32_t fuel_tier[GREEN_ACCOUNT_FUEL_LINE_COUNT_MAX];
} green_account_result;
_Static_assert(sizeof(green_account_result) == 376, "green_account_result is 376 bytes, no padding");

/* An explicit restatement: the stored result and the recomputation under a
 * newer set, with the differences (after - before). */
typedef struct green_restatement {
	green_account_result before;
	green_account_result after;
	int64_t delta_scope1_g;
	int64_t delta_scope2_location_g;
	int64_t delta_scope2_market_g;
	int64_t delta_total_g;
} green_restatement;
_Static_assert(sizeof(green_restatement) == 784, "green_restatement is 784 bytes, no padding");

/* 0 if the record is well formed, else SZ_EINVAL (see the field comments). */
int green_account_validate(const green_account *account);

/*
 * Summary from scope totals: total = scope1 + scope2; intensity when
 * value_added_fen > 0; change when has_previous and previous_total_g > 0.
 * SZ_EINVAL for negative inputs, SZ_ELIMIT on overflow.
 */
int green_summary_compute(int64_t scope1_g, int64_t scope2_g, int64_t value_added_fen,
                          int64_t previous_total_g, int has_previous, green_summary *out);

/*
 * Computes an account under set (regions from map) into out. Pure and
 * deterministic: the same inputs give the same bytes. SZ_EINVAL for a bad
 * record, SZ_ENOTFOUND when the set lacks a needed factor, SZ_ELIMIT on
 * overflow. out is zeroed first.
 */
int green_account_compute(const green_account *account, const green_factor_set *set,
                          const green_region_map *map, green_account_result *out);

/*
 * Restatement of a stored result: recomputes account under newer and fills
 * out with before (a copy of stored) and after. stored is not changed.
 * SZ_EINVAL if stored does not belong to account or newer is the same set
 * (same version and digest) as stored's; else as green_account_compute.
 */
int green_restate(const green_account *account, const green_account_result *stored,
                  const green_factor_set *newer, const green_region_map *map,
                  green_restatement *out);

/*
 * Results by (enterprise, period): put once, never overwritten; restatements
 * appended beside them. Capacities are fixed at init.
 */
typedef struct green_account_store {
	uint32_t capacity;
	uint32_t count;
	uint32_t slot_count;             /* power of two >= 2 * capacity */
	uint32_t restatement_capacity;
	uint32_t restatement_count;
	uint32_t reserved;
	uint32_t *slots;                 /* index + 1 into accounts/results; 0 = empty */
	green_account *accounts;
	green_account_result *results;
	green_restatement *restatements;
} green_account_store;

/* 0, SZ_EINVAL (capacity 0 or over the limits.h maxima), SZ_ENOMEM. */
int green_account_store_init(green_account_store *store, uint32_t capacity,
                             uint32_t restatement_capacity);
void green_account_store_release(green_account_store *store);

/* Stores account and its result. SZ_EEXIST if the (enterprise, period) is
 * stored already (nothing changes), SZ_ELIMIT when full, SZ_EINVAL if the
 * result is not the account's. */
int green_account_store_put(green_account_store *store, const green_account *account,
                            const green_account_result *result);

/* The stored result of (enterprise, year), or NULL; *account_out (if not
 * NULL) is set to the stored record. */
const green_account_result *green_account_store_get(const green_account_store *store,
                                                    sz_id enterprise_id, int32_t period_year,
                                                    const green_account **account_out);

/* Restates a stored result under newer and records the restatement (out
 * receives a copy). The stored result stays unchanged. SZ_ENOTFOUND,
 * SZ_ELIMIT (restatement log full), or as green_restate. */
int green_account_store_restate(green_account_store *store, sz_id enterprise_id,
                                int32_t period_year, const green_factor_set *newer,
                                const green_region_map *map, green_restatement *out);

/* Field checks of fixed-size records, shared by every green validator:
 * all size bytes zero (reserved fields, unused lines); a text field with a
 * NUL within size and only zeros after it (one encoding per value). */
bool green_bytes_zero(const void *data, size_t size);
bool green_text_field_ok(const char *text, size_t size);

#endif
