/*
 * gen.h — the synthetic traffic generator for backtests: realistic
 * background payments with planted typologies and their labels.
 *
 * Owns: the generator's model (documented in gen.c and
 * docs/risk-analytics.md) and its three output files: transfers CSV
 * (time,from,to,amount,currency,type), accounts CSV (id,kind) and labels
 * CSV (alert_id,typology,main_account,members). Seeded and deterministic:
 * the same parameters give the same bytes.
 * Runs offline (a CLI command and the benches), allocates, writes files.
 * Never: touch engine state.
 */
#ifndef SZ_RISK_GEN_H
#define SZ_RISK_GEN_H

#include <stdint.h>
#include <stdio.h>

/* Bounds of one generated run: a year of a city district. */
#define GEN_PEOPLE_MAX 200000u
#define GEN_DAYS_MAX 366u
#define GEN_PLANTS_PER_TYPOLOGY_MAX 1000u
#define GEN_EVENT_COUNT_MAX (1u << 25)

enum gen_typology {
	GEN_FAN_IN = 0, GEN_FAN_OUT = 1, GEN_CYCLE = 2, GEN_STRUCTURING = 3, GEN_PASS_THROUGH = 4, GEN_DORMANT = 5,
	GEN_TYPOLOGY_COUNT = 6,
};
const char *gen_typology_name(uint32_t t);

struct gen_params {
	uint64_t seed;
	uint32_t days;                 /* >= 100: dormancy needs 90 quiet days */
	uint32_t people;               /* individual wallets */
	uint32_t merchants;            /* hub merchants */
	uint32_t employers;            /* payroll payers */
	uint32_t plants_per_typology;
	uint64_t start_ns;             /* first day, 00:00 CST */
};
void gen_params_default(struct gen_params *p);

struct gen_counts {
	uint64_t transfer_count;
	uint32_t account_count;
	uint32_t plant_count;
};
/* Write the three files. 0, SZ_EINVAL (parameters out of bounds), SZ_ENOMEM
 * or SZ_EIO. */
int gen_run(const struct gen_params *p, FILE *transfers, FILE *accounts, FILE *labels, struct gen_counts *out);

#endif
