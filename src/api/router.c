/*
 * router.c — the one route table: every route's method, path, required roles,
 * body kind and handler, and the matcher.
 *
 * The table is the single source of truth for authorisation: http.c checks a
 * caller's role against `roles` before any handler runs, and the e2e test
 * walks every route with every role. docs/openapi.yaml must list exactly
 * these routes (tests/e2e/test_api_openapi.py checks both directions).
 * Handlers then apply tenant scope (scope.c) to the records they touch.
 */
#include "api/api.h"
#include "core/assert.h"
#include "currency/routes.h"

#include <string.h>

#define CB API_ROLE_BIT(API_ROLE_CENTRAL_BANK)
#define OP API_ROLE_BIT(API_ROLE_OPERATOR)
#define ME API_ROLE_BIT(API_ROLE_MERCHANT)
#define RG API_ROLE_BIT(API_ROLE_REGULATOR)
#define AU API_ROLE_BIT(API_ROLE_AUDITOR)
#define AD API_ROLE_BIT(API_ROLE_ADMIN)
#define READERS (CB | OP | ME | RG | AU | AD)
#define PUBLIC 0u

const struct api_route api_routes[] = {
	/* accounts */
	{ "POST", "/v1/accounts", CB | OP, API_BODY_JSON, api_handle_account_create, "create an account", NULL },
	{ "GET", "/v1/accounts", READERS, API_BODY_NONE, api_handle_account_list, "list accounts of an owner", NULL },
	{ "GET", "/v1/accounts/{id}", READERS, API_BODY_NONE, api_handle_account_get, "get an account", NULL },
	{ "GET", "/v1/accounts/{id}/transfers", READERS, API_BODY_NONE, api_handle_account_history,
	  "an account's transfers, newest first, with a cursor", NULL },
	{ "POST", "/v1/accounts/{id}/freeze", CB | OP, API_BODY_NONE, api_handle_account_freeze, "freeze an account", NULL },
	{ "POST", "/v1/accounts/{id}/unfreeze", CB | OP, API_BODY_NONE, api_handle_account_unfreeze, "unfreeze an account", NULL },
	{ "POST", "/v1/accounts/{id}/close", CB | OP, API_BODY_NONE, api_handle_account_close, "close an account with zero balances", NULL },
	/* transfers */
	{ "POST", "/v1/transfers", CB | OP | ME, API_BODY_JSON, api_handle_transfer_create, "create a transfer (single or pending)", NULL },
	{ "POST", "/v1/transfers/batch", CB | OP | ME, API_BODY_JSON, api_handle_transfer_batch,
	  "create transfers together, optionally linked (all or nothing)", NULL },
	{ "GET", "/v1/transfers/{id}", READERS, API_BODY_NONE, api_handle_transfer_get, "get a transfer", NULL },
	{ "POST", "/v1/transfers/{id}/post", CB | OP | ME, API_BODY_JSON, api_handle_transfer_post, "post a pending transfer", NULL },
	{ "POST", "/v1/transfers/{id}/void", CB | OP | ME, API_BODY_JSON, api_handle_transfer_void, "void a pending transfer", NULL },
	/* binary batches */
	{ "POST", "/v1/binary/transfers", CB | OP, API_BODY_BINARY, api_handle_binary_transfers,
	  "create up to 8190 transfers from 128-byte records", NULL },
	{ "POST", "/v1/binary/accounts", CB | OP, API_BODY_BINARY, api_handle_binary_accounts,
	  "create up to 8190 accounts from 128-byte records", NULL },
	/* tokens */
	{ "POST", "/v1/tokens", AD, API_BODY_JSON, api_handle_token_create, "create a token", NULL },
	{ "GET", "/v1/tokens", AD, API_BODY_NONE, api_handle_token_list, "list tokens", NULL },
	{ "DELETE", "/v1/tokens/{id}", AD, API_BODY_NONE, api_handle_token_revoke, "revoke a token", NULL },
	{ "PUT", "/v1/tokens/{id}/role", AD, API_BODY_JSON, api_handle_token_role, "change a token's role and scope", NULL },
	{ "GET", "/v1/whoami", READERS, API_BODY_NONE, api_handle_whoami, "the caller's role and scope", NULL },
	/* operations */
	{ "GET", "/v1/status", PUBLIC, API_BODY_NONE, api_handle_status, "live figures for the front page", NULL },
	{ "GET", "/healthz", PUBLIC, API_BODY_NONE, api_handle_healthz, "liveness", NULL },
	{ "GET", "/readyz", PUBLIC, API_BODY_NONE, api_handle_readyz, "readiness", NULL },
	{ "GET", "/metrics", PUBLIC, API_BODY_NONE, api_handle_metrics, "Prometheus metrics", NULL },
	{ "GET", "/openapi.yaml", PUBLIC, API_BODY_NONE, api_handle_openapi, "the OpenAPI description", NULL },
	{ "GET", "/", PUBLIC, API_BODY_NONE, api_handle_static, "front page", NULL },
	{ "GET", "/docs", PUBLIC, API_BODY_NONE, api_handle_static, "rendered API reference", NULL },
	{ "GET", "/web/{file}", PUBLIC, API_BODY_NONE, api_handle_static, "static files of the web page", NULL },
	/* green domain (src/green/routes.c) */
	{ "GET", "/v1/green/factors", READERS, API_BODY_NONE, green_handle_factors_list, "loaded and active emission-factor sets", NULL },
	{ "GET", "/v1/green/factors/{version}", READERS, API_BODY_NONE, green_handle_factor_set_get, "a factor set's values with provenance", NULL },
	{ "POST", "/v1/green/factors/{version}/activate", CB | AD, API_BODY_JSON, green_handle_factor_activate, "activate a loaded factor set, pinned by digest", NULL },
	{ "POST", "/v1/green/accounts", ME, API_BODY_JSON, green_handle_account_submit, "submit an enterprise's carbon account for a period", NULL },
	{ "GET", "/v1/green/accounts/{enterprise}/{period}", READERS, API_BODY_NONE, green_handle_account_get, "a carbon account's result, grade, data quality and ESG", NULL },
	{ "GET", "/v1/green/accounts/{enterprise}/{period}/restatements", READERS, API_BODY_NONE, green_handle_account_restatements, "an account's restatements, before and after", NULL },
	{ "POST", "/v1/green/accounts/{enterprise}/{period}/restate", ME | AD, API_BODY_JSON, green_handle_account_restate, "restate an account under a newer factor set", NULL },
	{ "POST", "/v1/green/accounts/{enterprise}/{period}/esg", OP, API_BODY_JSON, green_handle_account_esg, "score an account's ESG against its peers", NULL },
	{ "GET", "/v1/green/certificates/{serial}", READERS, API_BODY_NONE, green_handle_cert_get, "who claimed a green-power certificate", NULL },
	{ "POST", "/v1/green/pricing/policies", OP, API_BODY_JSON, green_handle_policy_set, "set the bank's carbon-linked pricing policy", NULL },
	{ "GET", "/v1/green/pricing/policies/{bank}", OP | CB | RG | AU | AD, API_BODY_NONE, green_handle_policy_get, "a bank's pricing policy", NULL },
	{ "POST", "/v1/green/loans/{id}/price", OP, API_BODY_JSON, green_handle_loan_price, "price a carbon-reduction loan with pinned terms", NULL },
	{ "GET", "/v1/green/loans/{id}", OP | CB | RG | AU | AD, API_BODY_NONE, green_handle_loan_get, "a loan's pinned terms, tag, CERF and position", NULL },
	{ "POST", "/v1/green/loans/{id}/cerf", OP, API_BODY_JSON, green_handle_loan_cerf, "assess a loan under the PBoC carbon-emission-reduction facility", NULL },
	{ "POST", "/v1/green/positions", OP, API_BODY_JSON, green_handle_position_add, "register a loan position for PCAF", NULL },
	{ "GET", "/v1/green/books/{bank}/financed-emissions", OP | CB | RG | AU | AD, API_BODY_NONE, green_handle_book_get, "PCAF financed emissions of a bank's book", NULL },
	{ "POST", "/v1/green/tags", OP, API_BODY_JSON, green_handle_tag, "tag a loan or bond with a green taxonomy category", NULL },
	{ "GET", "/v1/green/tags/{id}", READERS, API_BODY_NONE, green_handle_tag_get, "an instrument's taxonomy tag", NULL },
	{ "GET", "/v1/green/taxonomy", READERS, API_BODY_NONE, green_handle_taxonomy, "the 2025 catalogue and the 2021 mapping", NULL },
	/* currency domain (src/currency/routes.c) */
	{ "POST", "/v1/operators", CB, API_BODY_JSON, currency_handle_operator_create, "register an operator (bank or payment institution)", NULL },
	{ "GET", "/v1/operators/{tenant}", READERS, API_BODY_NONE, currency_handle_operator_get, "an operator's reserve, vault, issuance and customer holdings", NULL },
	{ "POST", "/v1/operators/{tenant}/reserve", CB, API_BODY_JSON, currency_handle_operator_reserve, "deposit or withdraw an operator's reserve", NULL },
	{ "POST", "/v1/operators/{tenant}/issue", CB, API_BODY_JSON, currency_handle_operator_issue, "issue digital currency to an operator against its reserve", NULL },
	{ "POST", "/v1/operators/{tenant}/redeem", CB, API_BODY_JSON, currency_handle_operator_redeem, "redeem digital currency from an operator's vault", NULL },
	{ "GET", "/v1/currency/limits", READERS, API_BODY_NONE, currency_handle_limits_get, "every version of the wallet limits configuration", NULL },
	{ "POST", "/v1/currency/limits", CB, API_BODY_JSON, currency_handle_limits_set, "add a limits version, effective from a future time", NULL },
	{ "POST", "/v1/wallets", OP, API_BODY_JSON, currency_handle_wallet_create, "open a wallet or sub-wallet", NULL },
	{ "GET", "/v1/wallets/{id}", READERS, API_BODY_NONE, currency_handle_wallet_get, "a wallet: class, balance, limits, outflow", NULL },
	{ "POST", "/v1/wallets/{id}/update", OP, API_BODY_JSON, currency_handle_wallet_update, "change a wallet's class, auto top-up and own limits", NULL },
	{ "POST", "/v1/wallets/{id}/close", OP, API_BODY_JSON, currency_handle_wallet_close, "close a wallet (balance back to parent or bank)", NULL },
	{ "POST", "/v1/wallets/{id}/topup", OP, API_BODY_JSON, currency_handle_wallet_topup, "top up from the linked bank account", NULL },
	{ "POST", "/v1/wallets/{id}/withdraw", OP, API_BODY_JSON, currency_handle_wallet_withdraw, "redeem to the linked bank account", NULL },
	{ "POST", "/v1/wallets/{id}/sub-fund", OP, API_BODY_JSON, currency_handle_wallet_sub_fund, "move money between a sub-wallet and its parent", NULL },
	{ "POST", "/v1/wallets/{id}/payments", OP | ME, API_BODY_JSON, currency_handle_payment_create, "pay from a wallet, with limit checks", NULL },
	{ "GET", "/v1/payments/{id}", READERS, API_BODY_NONE, currency_handle_payment_get, "a payment: amount, auto top-up part, refunds", NULL },
	{ "POST", "/v1/payments/{id}/refunds", OP | ME, API_BODY_JSON, currency_handle_payment_refund, "refund a payment to where its money came from", NULL },
	{ "POST", "/v1/devices", OP, API_BODY_JSON, currency_handle_device_create, "register a hard wallet device with its Ed25519 key", NULL },
	{ "GET", "/v1/devices/{id}", READERS, API_BODY_NONE, currency_handle_device_get, "a device: value, loads, offline spending, state", NULL },
	{ "POST", "/v1/devices/{id}/load", OP, API_BODY_JSON, currency_handle_device_load, "load value from the wallet into the device", NULL },
	{ "POST", "/v1/devices/{id}/suspend", OP, API_BODY_JSON, currency_handle_device_suspend, "suspend a lost device and refund its value", NULL },
	{ "POST", "/v1/devices/{id}/sync", OP | ME, API_BODY_JSON, currency_handle_device_sync, "sync signed offline payments; one outcome per message", NULL },
	/* contract domain (src/contract/routes.c) */
	{ "POST", "/v1/contract-templates", CB | OP, API_BODY_JSON, contract_handle_template_create, "register a programmable-payment template", NULL },
	{ "POST", "/v1/contracts", OP | ME, API_BODY_JSON, contract_handle_create, "create an escrow, subsidy or conditional payment from a template", NULL },
	{ "GET", "/v1/contracts/{id}", READERS, API_BODY_NONE, contract_handle_get, "a contract: terms, state, events and money moved", NULL },
	{ "POST", "/v1/contracts/{id}/events", OP | ME, API_BODY_JSON, contract_handle_event, "deliver, confirm, cancel or post a condition", NULL },
	{ "POST", "/v1/contracts/{id}/grants", OP, API_BODY_JSON, contract_handle_grant, "grant subsidy money to a wallet", NULL },
	{ "POST", "/v1/contracts/{id}/spend", OP | ME, API_BODY_JSON, contract_handle_spend, "spend granted subsidy money at a merchant", NULL },
	{ "POST", "/v1/merchants/{id}/insolvency", CB | OP, API_BODY_JSON, contract_handle_insolvency, "refund every active escrow of an insolvent merchant", NULL },	/* credit domain (src/credit/routes.c) */
	{ "POST", "/v1/credit/enterprises", CB | AD, API_BODY_JSON, credit_handle_enterprise_register, "register an enterprise by its unified social credit code", NULL },
	{ "GET", "/v1/credit/enterprises/{uscc}", READERS, API_BODY_NONE, credit_handle_enterprise_get, "an enterprise's registry record, personal data masked", NULL },
	{ "PUT", "/v1/credit/enterprises/{uscc}", CB | AD, API_BODY_JSON, credit_handle_enterprise_update, "update an enterprise's registry record", NULL },
	{ "GET", "/v1/credit/enterprises/{uscc}/personal", AD, API_BODY_NONE, credit_handle_enterprise_personal, "the legal representative's personal data, decrypted (admin)", NULL },
	{ "POST", "/v1/credit/enterprises/{uscc}/feeds/{kind}", CB | AD, API_BODY_JSON, credit_handle_feed, "submit a data feed: tax, headcount, cashflow, ip, innovation, negative", NULL },
	{ "POST", "/v1/credit/enterprises/{uscc}/cashflow", CB | AD, API_BODY_JSON, credit_handle_cashflow, "compute monthly cash flow from the enterprise's ledger accounts", NULL },
	{ "POST", "/v1/credit/enterprises/{uscc}/authorizations", ME, API_BODY_JSON, credit_handle_authorization_create, "authorize an institution to query, for a purpose, until a date", NULL },
	{ "GET", "/v1/credit/enterprises/{uscc}/authorizations", CB | OP | ME | RG | AU | AD, API_BODY_NONE, credit_handle_authorization_list, "an enterprise's authorizations", NULL },
	{ "POST", "/v1/credit/authorizations/{id}/revoke", ME, API_BODY_JSON, credit_handle_authorization_revoke, "revoke an authorization", NULL },
	{ "POST", "/v1/credit/enterprises/{uscc}/report", OP, API_BODY_JSON, credit_handle_report, "a credit report (authorized, logged)", NULL },
	{ "POST", "/v1/credit/enterprises/{uscc}/score", OP, API_BODY_JSON, credit_handle_score, "a scorecard or tech-enterprise score decision (authorized, logged)", NULL },
	{ "GET", "/v1/credit/enterprises/{uscc}/queries", CB | ME | RG | AU | AD, API_BODY_NONE, credit_handle_query_list, "who queried the enterprise, when, why, and what was returned", NULL },
	{ "GET", "/v1/credit/decisions/{id}", CB | OP | RG | AU | AD, API_BODY_NONE, credit_handle_decision_get, "a score decision: model, inputs, score, grade, reasons", NULL },
	{ "POST", "/v1/credit/enterprises/{uscc}/objections", ME, API_BODY_JSON, credit_handle_objection_create, "dispute a data record", NULL },
	{ "GET", "/v1/credit/objections", CB | RG | AU | AD, API_BODY_NONE, credit_handle_objection_list, "objections: open, overdue or all", NULL },
	{ "GET", "/v1/credit/objections/{id}", CB | ME | RG | AU | AD, API_BODY_NONE, credit_handle_objection_get, "an objection and its reply", NULL },
	{ "POST", "/v1/credit/objections/{id}/resolve", CB | AD, API_BODY_JSON, credit_handle_objection_resolve, "resolve an objection: corrected or confirmed, with a reply", NULL },
	{ "POST", "/v1/credit/models/{version}/chunks", CB | AD, API_BODY_JSON, credit_handle_model_chunk, "upload one chunk of a scorecard model artifact", NULL },
	{ "POST", "/v1/credit/models/{version}/activate", CB | AD, API_BODY_JSON, credit_handle_model_activate, "activate a complete model, pinned by its SHA-256", NULL },
	{ "GET", "/v1/credit/models", READERS, API_BODY_NONE, credit_handle_model_list, "registered scorecard models and the active one", NULL },
	{ "POST", "/v1/credit/enterprises/{uscc}/watch", OP, API_BODY_JSON, credit_handle_watch, "watch an authorized enterprise for early warnings", NULL },
	{ "GET", "/v1/credit/warnings", CB | OP | RG | AU | AD, API_BODY_NONE, credit_handle_warning_list, "early warnings (a bank sees its authorized enterprises)", NULL },
	{ "GET", "/v1/credit/purges", CB | RG | AU | AD, API_BODY_NONE, credit_handle_purge_list, "negative records purged after five years", NULL },
};
const uint32_t api_route_count = sizeof api_routes / sizeof api_routes[0];

/* Match one pattern against path; fills params on success. */
static bool path_match(const char *pattern, const char *path, char params[][SZ_API_PARAM_SIZE_MAX],
		       uint32_t *param_count)
{
	uint32_t count = 0;
	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *close = strchr(pattern, '}');
			SZ_ASSERT(close != NULL);
			size_t n = strcspn(path, "/");
			if (n == 0 || n >= SZ_API_PARAM_SIZE_MAX || count == SZ_API_PATH_PARAM_COUNT_MAX)
				return false;
			memcpy(params[count], path, n);
			params[count][n] = '\0';
			count++;
			pattern = close + 1;
			path += n;
			continue;
		}
		if (*pattern != *path)
			return false;
		pattern++;
		path++;
	}
	if (*pattern != '\0' || *path != '\0')
		return false;
	*param_count = count;
	return true;
}

int api_route_match(const char *method, const char *path, char params[][SZ_API_PARAM_SIZE_MAX],
		    uint32_t *param_count)
{
	bool path_seen = false;
	for (uint32_t i = 0; i < api_route_count; i++) {
		if (!path_match(api_routes[i].path, path, params, param_count))
			continue;
		if (strcmp(api_routes[i].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(api_routes[i].method, "GET") == 0))
			return (int)i;
		path_seen = true;
	}
	return path_seen ? -2 : -1;
}
