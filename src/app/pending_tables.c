/*
 * pending_tables.c — temporary home of the route tables of the currency,
 * contract and credit domains and of their CLI tables, until each
 * domain defines `<domain>_route_table` in src/<domain>/http.c and
 * `<domain>_cli_table` in src/<domain>/cli.c (see pending_tables.h). The
 * entries are exactly those the one route table in src/api/router.c held.
 * Also lends the currency descriptor its owns_account answer (user_data tag).
 */
#include "app/pending_tables.h"
#include "core/assert.h"
#include "credit/credit_cli.h"
#include "currency/currency.h"
#include "currency/routes.h"
#include "engine/state.h"

#include <string.h>

#define CB API_ROLE_BIT(API_ROLE_CENTRAL_BANK)
#define OP API_ROLE_BIT(API_ROLE_OPERATOR)
#define ME API_ROLE_BIT(API_ROLE_MERCHANT)
#define RG API_ROLE_BIT(API_ROLE_REGULATOR)
#define AU API_ROLE_BIT(API_ROLE_AUDITOR)
#define AD API_ROLE_BIT(API_ROLE_ADMIN)
#define READERS (CB | OP | ME | RG | AU | AD)

/* Handlers of src/credit/routes.c (its header does not declare them yet). */
void credit_handle_authorization_create(struct api_request *r);
void credit_handle_authorization_list(struct api_request *r);
void credit_handle_authorization_revoke(struct api_request *r);
void credit_handle_cashflow(struct api_request *r);
void credit_handle_decision_get(struct api_request *r);
void credit_handle_enterprise_get(struct api_request *r);
void credit_handle_enterprise_personal(struct api_request *r);
void credit_handle_enterprise_register(struct api_request *r);
void credit_handle_enterprise_update(struct api_request *r);
void credit_handle_feed(struct api_request *r);
void credit_handle_model_activate(struct api_request *r);
void credit_handle_model_chunk(struct api_request *r);
void credit_handle_model_list(struct api_request *r);
void credit_handle_objection_create(struct api_request *r);
void credit_handle_objection_get(struct api_request *r);
void credit_handle_objection_list(struct api_request *r);
void credit_handle_objection_resolve(struct api_request *r);
void credit_handle_purge_list(struct api_request *r);
void credit_handle_query_list(struct api_request *r);
void credit_handle_report(struct api_request *r);
void credit_handle_score(struct api_request *r);
void credit_handle_warning_list(struct api_request *r);
void credit_handle_watch(struct api_request *r);

#define TABLE(name, domain, routes) \
	const struct api_route_table name = { domain, routes, sizeof routes / sizeof routes[0] }

static const struct api_route currency_routes[] = {
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
};
TABLE(currency_route_table, "currency", currency_routes);

static const struct api_route contract_routes[] = {
	{ "POST", "/v1/contract-templates", CB | OP, API_BODY_JSON, contract_handle_template_create, "register a programmable-payment template", NULL },
	{ "POST", "/v1/contracts", OP | ME, API_BODY_JSON, contract_handle_create, "create an escrow, subsidy or conditional payment from a template", NULL },
	{ "GET", "/v1/contracts/{id}", READERS, API_BODY_NONE, contract_handle_get, "a contract: terms, state, events and money moved", NULL },
	{ "POST", "/v1/contracts/{id}/events", OP | ME, API_BODY_JSON, contract_handle_event, "deliver, confirm, cancel or post a condition", NULL },
	{ "POST", "/v1/contracts/{id}/grants", OP, API_BODY_JSON, contract_handle_grant, "grant subsidy money to a wallet", NULL },
	{ "POST", "/v1/contracts/{id}/spend", OP | ME, API_BODY_JSON, contract_handle_spend, "spend granted subsidy money at a merchant", NULL },
	{ "POST", "/v1/merchants/{id}/insolvency", CB | OP, API_BODY_JSON, contract_handle_insolvency, "refund every active escrow of an insolvent merchant", NULL },
};
TABLE(contract_route_table, "contract", contract_routes);

static const struct api_route credit_routes[] = {
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
TABLE(credit_route_table, "credit", credit_routes);

static const struct cli_command currency_commands[] = {
	{ "currency", currency_main_cli, "digital currency and contracts: wallets, devices, offline signing (see szfin currency)" },
};
const struct cli_command_table currency_cli_table = { "currency", currency_commands, 1 };

static const struct cli_command credit_commands[] = {
	{ "credit", credit_cli_main, "enterprise credit: registry, data feeds, scorecards (see szfin credit --help)" },
};
const struct cli_command_table credit_cli_table = { "credit", credit_commands, 1 };

static bool currency_owns_account(const void *domain_state, const sz_account *a)
{
	(void)domain_state;
	SZ_ASSERT(a != NULL);
	return currency_user_data_is_domain(a->user_data);
}

void app_pending_currency_owns_account(struct sz_state *s)
{
	for (uint32_t i = 0; i < s->domain_count; i++)
		if (s->domains[i].kind_base == SZ_CMD_CURRENCY_BASE && s->domains[i].owns_account == NULL)
			s->domains[i].owns_account = currency_owns_account;
}
