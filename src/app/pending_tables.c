/*
 * pending_tables.c — temporary home of the route tables of the green,
 * currency and contract domains and of their CLI tables, until each
 * domain defines `<domain>_route_table` in src/<domain>/http.c and
 * `<domain>_cli_table` in src/<domain>/cli.c (see pending_tables.h). The
 * entries are exactly those the one route table in src/api/router.c held.
 * Also lends the currency descriptor its owns_account answer (user_data tag).
 */
#include "app/pending_tables.h"
#include "core/assert.h"
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

/* Handlers of src/green/routes.c (its header does not declare them yet). */
void green_handle_account_esg(struct api_request *r);
void green_handle_account_get(struct api_request *r);
void green_handle_account_restate(struct api_request *r);
void green_handle_account_restatements(struct api_request *r);
void green_handle_account_submit(struct api_request *r);
void green_handle_book_get(struct api_request *r);
void green_handle_cert_get(struct api_request *r);
void green_handle_factor_activate(struct api_request *r);
void green_handle_factor_set_get(struct api_request *r);
void green_handle_factors_list(struct api_request *r);
void green_handle_loan_cerf(struct api_request *r);
void green_handle_loan_get(struct api_request *r);
void green_handle_loan_price(struct api_request *r);
void green_handle_policy_get(struct api_request *r);
void green_handle_policy_set(struct api_request *r);
void green_handle_position_add(struct api_request *r);
void green_handle_tag(struct api_request *r);
void green_handle_tag_get(struct api_request *r);
void green_handle_taxonomy(struct api_request *r);

#define TABLE(name, domain, routes) \
	const struct api_route_table name = { domain, routes, sizeof routes / sizeof routes[0] }

static const struct api_route green_routes[] = {
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
};
TABLE(green_route_table, "green", green_routes);

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

static const struct cli_command green_commands[] = {
	{ "green", green_main_cli, "green finance: carbon accounts, factor sets, pricing, PCAF, taxonomy (see szfin green --help)" },
};
const struct cli_command_table green_cli_table = { "green", green_commands, 1 };

static const struct cli_command currency_commands[] = {
	{ "currency", currency_main_cli, "digital currency and contracts: wallets, devices, offline signing (see szfin currency)" },
};
const struct cli_command_table currency_cli_table = { "currency", currency_commands, 1 };

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
