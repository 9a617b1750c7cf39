/*
 * registry.c — the one list of domains (see registry.h) and the start-up
 * code that plugs them into the engine, the router and the command line.
 *
 * This is the only file that names every domain. The engine calls
 * sz_state_register_domains (declared in engine/state.h, defined here) when
 * it opens a state, so the engine itself includes no domain.
 */
#include "app/registry.h"
#include "api/api.h"
#include "api/auth.h"
#include "api/session.h"
#include "cli/cli.h"
#include "contract/contract.h"
#include "contract/http.h"
#include "core/assert.h"
#include "core/errors.h"
#include "credit/cli.h"
#include "credit/domain.h"
#include "credit/http.h"
#include "currency/cli.h"
#include "currency/currency.h"
#include "currency/http.h"
#include "engine/state.h"
#include "green/domain.h"
#include "green/cli.h"
#include "green/http.h"
#include "ledger/ledger.h"
#include "risk/cli.h"
#include "risk/http.h"
#include "risk/risk.h"
#include "stats/cli.h"
#include "stats/http.h"
#include "stats/stats.h"

#include <stdio.h>
#include <string.h>

/* A domain's result table as its header publishes it (an X-macro list of
 * (code, NAME, "name", "text")), as a static array and its length, so that
 * a domain's registry entry stays one line. Each domain registers its own
 * names and texts when it registers; this view lets the registry check every
 * code against its kind base's range at start. */
#define RESULT_ROW(n, name, code, text) { n, code, text },
#define RESULTS(list) \
	(const struct sz_result_info[]){ list(RESULT_ROW) }, \
	sizeof((const struct sz_result_info[]){ list(RESULT_ROW) }) / sizeof(struct sz_result_info)

/* Append new domains at the end (the order is part of the digest). */
const struct app_domain app_domains[] = {
	{ "ledger", 0, ledger_domain_register, NULL, NULL, RESULTS(SZ_RESULT_LIST) }, /* first: kind base 0 */
	{ "auth", SZ_CMD_AUTH_BASE, auth_domain_register, &api_session_route_table, NULL, auth_result_table, AUTH_RESULT_COUNT },
	{ "green", SZ_CMD_GREEN_BASE, green_domain_register, &green_route_table, &green_cli_table, RESULTS(GREEN_RESULT_LIST) },
	{ "currency", SZ_CMD_CURRENCY_BASE, currency_domain_register, &currency_route_table, &currency_cli_table,
	  RESULTS(CURRENCY_RESULT_LIST) },
	{ "contract", SZ_CMD_CONTRACT_BASE, contract_domain_register, &contract_route_table, NULL, RESULTS(CONTRACT_RESULT_LIST) },
	{ "credit", SZ_CMD_CREDIT_BASE, credit_domain_register, &credit_route_table, &credit_cli_table, RESULTS(CREDIT_RESULT_LIST) },
	{ "stats", STATS_KIND_BASE, stats_domain_register, &stats_route_table, &stats_cli_table, RESULTS(STATS_RESULT_LIST) },
	{ "risk", RISK_KIND_BASE, risk_domain_register, &risk_route_table, &risk_cli_table, RESULTS(RISK_RESULT_LIST) },
};
const uint32_t app_domain_count = sizeof app_domains / sizeof app_domains[0];

uint32_t app_result_first(uint16_t kind_base) { return (uint32_t)(kind_base >> 8) * 100u; }
uint32_t app_result_last(uint16_t kind_base) { return app_result_first(kind_base) + 99u; }

static int check_pair(const struct app_domain *a, const struct app_domain *b, char *why, size_t why_size)
{
	if (strcmp(a->name, b->name) == 0) {
		snprintf(why, why_size, "two domains are named %s", a->name);
		return SZ_EINVAL;
	}
	if (a->kind_base == b->kind_base) {
		snprintf(why, why_size, "domains %s and %s share kind base 0x%04x (and result codes %u-%u)", a->name,
			 b->name, a->kind_base, app_result_first(a->kind_base), app_result_last(a->kind_base));
		return SZ_EINVAL;
	}
	return 0;
}

static int check_results(const struct app_domain *d, char *why, size_t why_size)
{
	uint32_t first = app_result_first(d->kind_base), last = app_result_last(d->kind_base);
	for (size_t i = 0; i < d->result_count; i++) {
		uint32_t code = d->results[i].result;
		if (code < first || code > last) {
			snprintf(why, why_size, "domain %s: result %u (%s) is outside its range %u-%u (kind base 0x%04x)",
				 d->name, code, d->results[i].name, first, last, d->kind_base);
			return SZ_EINVAL;
		}
		for (size_t k = 0; k < i; k++)
			if (d->results[k].result == code) {
				snprintf(why, why_size, "domain %s: result %u is listed twice", d->name, code);
				return SZ_EINVAL;
			}
	}
	return 0;
}

int app_registry_check(const struct app_domain *domains, uint32_t count, char *why, size_t why_size)
{
	SZ_ASSERT(domains != NULL || count == 0);
	SZ_ASSERT(why != NULL && why_size > 0);
	for (uint32_t i = 0; i < count; i++) {
		const struct app_domain *d = &domains[i];
		if (d->name == NULL || d->engine_register == NULL || (d->kind_base & 0xff) != 0 ||
		    (d->results == NULL && d->result_count != 0)) {
			snprintf(why, why_size, "domain %u (%s): needs a name, a registration function and a kind base "
				 "that is a multiple of 0x100", i, d->name ? d->name : "?");
			return SZ_EINVAL;
		}
		int rc = check_results(d, why, why_size);
		for (uint32_t k = 0; k < i && rc == 0; k++)
			rc = check_pair(&domains[k], d, why, why_size);
		if (rc)
			return rc;
	}
	return 0;
}

int app_registry_register_engine(const struct app_domain *domains, uint32_t count, struct sz_state *s,
				 char *why, size_t why_size)
{
	int rc = app_registry_check(domains, count, why, why_size);
	for (uint32_t i = 0; i < count && rc == 0; i++) {
		uint32_t before = s->domain_count;
		rc = domains[i].engine_register(s);
		if (rc == 0 && (s->domain_count != before + 1 || s->domains[before].kind_base != domains[i].kind_base)) {
			snprintf(why, why_size, "domain %s registered another kind base than the registry lists", domains[i].name);
			rc = SZ_EINVAL;
		}
	}
	return rc;
}

/* The engine's hook (engine/state.h): every built-in domain. */
int sz_state_register_domains(struct sz_state *s)
{
	char why[256];
	int rc = app_registry_register_engine(app_domains, app_domain_count, s, why, sizeof why);
	if (rc)
		fprintf(stderr, "szfin: domain registry refused: %s\n", why);
	return rc;
}

/* Desk roles and the one domain each works in, acting there as the bank
 * (operator) of its tenant: a credit analyst reports, scores and watches
 * enterprises; a green desk records ESG data, prices carbon-linked loans
 * and books PCAF positions. Nothing else (api_router_grant). */
static const struct app_grant {
	const char *domain;
	uint32_t role;
	uint32_t as_role;
} app_grants[] = {
	{ "credit", API_ROLE_CREDIT_ANALYST, API_ROLE_OPERATOR },
	{ "green", API_ROLE_GREEN_DESK, API_ROLE_OPERATOR },
};

int app_registry_install(char *why, size_t why_size)
{
	int rc = app_registry_check(app_domains, app_domain_count, why, why_size);
	for (uint32_t i = 0; i < app_domain_count && rc == 0; i++)
		if (app_domains[i].routes != NULL)
			rc = api_router_add(app_domains[i].routes, why, why_size);
	for (uint32_t i = 0; i < sizeof app_grants / sizeof app_grants[0] && rc == 0; i++)
		rc = api_router_grant(app_grants[i].domain, app_grants[i].role, app_grants[i].as_role, why, why_size);
	return rc;
}

uint32_t app_cli_tables(const struct cli_command_table **out, uint32_t capacity)
{
	SZ_ASSERT(capacity >= 1);
	uint32_t count = 0;
	out[count++] = &cli_platform_table;
	for (uint32_t i = 0; i < app_domain_count; i++)
		if (app_domains[i].cli != NULL) {
			SZ_ASSERT(count < capacity);
			out[count++] = app_domains[i].cli;
		}
	return count;
}
