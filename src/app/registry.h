/*
 * registry.h — the composition root: the one list of domains and how each
 * plugs into the engine, the HTTP router and the szfin command.
 *
 * Owns: struct app_domain (one entry per domain: its name, command kind
 * base, engine registration function, route table, CLI table, result-code
 * table) and app_domains[], the only list in the code base that names every
 * domain. Adding a domain = its folder under src/ plus ONE line in
 * registry.c: nothing in api/, cli/, engine/ or the Makefile changes.
 *
 * Result codes are derived from the kind base, one rule for every domain:
 *   a domain whose commands are kinds [kind_base, kind_base + 0xff] owns
 *   the result codes [(kind_base >> 8) * 100, (kind_base >> 8) * 100 + 99].
 * So the auth/token state machine (kinds 0x01xx) has 100-199, currency
 * (0x02xx) 200-299, contract 300-399, credit 400-499, green 500-599; the
 * ledger (kind base 0) keeps 0-99. app_registry_check refuses, at start, two
 * domains with one kind base or one name, and a result code outside its
 * domain's range (hence any collision between two domains' codes).
 * Order: engine registration runs in list order and the order is part of
 * the digest and of snapshots: append new domains at the end.
 */
#ifndef SZ_APP_REGISTRY_H
#define SZ_APP_REGISTRY_H

#include "core/results.h"

#include <stddef.h>
#include <stdint.h>

struct sz_state;
struct api_route_table;
struct cli_command_table;

struct app_domain {
	const char *name;
	uint16_t kind_base;                       /* multiple of 0x100, >= 0x100 */
	int (*engine_register)(struct sz_state *s); /* fills a struct sz_domain, calls sz_state_register */
	const struct api_route_table *routes;     /* NULL: no HTTP routes */
	const struct cli_command_table *cli;      /* NULL: no szfin subcommands */
	const struct sz_result_info *results;     /* its result codes (checked here; the domain registers them) */
	size_t result_count;
};

extern const struct app_domain app_domains[];
extern const uint32_t app_domain_count;

/* First and last result code of a kind base (the rule above). */
uint32_t app_result_first(uint16_t kind_base);
uint32_t app_result_last(uint16_t kind_base);

/* Check a domain list: names and kind bases unique, kind bases well formed,
 * every result code inside its domain's range and unique. 0 or SZ_EINVAL
 * with why naming the two colliding domains (or the stray code). */
int app_registry_check(const struct app_domain *domains, uint32_t count, char *why, size_t why_size);

/* Register every domain of the list with the engine state, in order, after
 * checking the list; SZ_EINVAL (why filled) on a collision. */
int app_registry_register_engine(const struct app_domain *domains, uint32_t count, struct sz_state *s,
				 char *why, size_t why_size);

/* At process start: check app_domains and give the router every domain's
 * route table. 0, or an error with why (the process
 * then stops: a refused registry is a build defect). */
int app_registry_install(char *why, size_t why_size);

/* The CLI tables: the platform's first, then each domain's that has one. */
uint32_t app_cli_tables(const struct cli_command_table **out, uint32_t capacity);

#endif
