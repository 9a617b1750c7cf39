/*
 * cli.c — `szfin currency`, the currency domain's CLI adapter: client subcommands of the currency and
 * contract domains over HTTP, plus two offline helpers a hard-wallet device
 * (or its SDK, or a test) needs:
 *
 *   szfin currency keygen [--seed HEX]                 device key pair (Ed25519)
 *   szfin currency sign-offline --seed HEX --device ID --payee ID --amount A --counter N
 *                               [--time NS] [--currency CNY]
 *        prints one signed offline payment message (136 bytes, 272 hex digits;
 *        layout in src/currency/offline.h) for POST /v1/devices/{id}/sync
 *
 *   operator create|get|reserve|issue|redeem|rates|reserve-ratio|interest-pay
 *   wallet create|get|update|topup|withdraw|pay|sub-fund|close|control|holder-limit|risk-status
 *   payment get|refund   device register|get|load|sync|suspend
 *   contract template|create|get|event|grant|spend|insolvency   limits get|load FILE
 *   fiscal disburse|report|collect|receipt
 *
 * Each group has an option table (cli/args.h: getopt_long, "did you mean"
 * for a misspelt option or group, --help on stdout without running
 * anything). The options given map onto the route's JSON fields: --some-field
 * V becomes "some_field": "V" (the server validates every value); --limit-X
 * V goes into the "limits" object; switches (--auto-topup, --to-bank) are true.
 * Never: take a token from the command line (client.h); read or print a
 * device seed anywhere but the keygen/sign-offline output the caller asked for.
 */
#include "currency/cli.h"
#include "cli/args.h"
#include "core/assert.h"
#include "cli/cli.h"
#include "cli/client.h"
#include "api/codec.h"
#include "currency/currency.h"
#include "currency/offline.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- option tables, one per group ------------------------------------------------- */

static const struct cli_option keygen_options[] = {
	{ "seed", true, "HEX", "the device seed (64 hex digits); default: a random one" },
};
static const struct cli_option sign_options[] = {
	{ "seed", true, "HEX", "the device seed (64 hex digits)" },
	{ "device", true, "ID", "the device id" },
	{ "payee", true, "ID", "the payee's wallet id" },
	{ "amount", true, "A", "decimal amount, e.g. 12.34" },
	{ "counter", true, "N", "the device's payment counter" },
	{ "time", true, "NS", "the device's clock, ns since 1970 (default 0)" },
	{ "currency", true, "CODE", "ISO 4217 code (default CNY)" },
};
static const struct cli_option operator_options[] = {
	{ "id", true, "ID", "command id (create: the operator's id)" },
	{ "tenant-id", true, "N", "the operator's tenant" },
	{ "type", true, "TYPE", "bank or payment_institution" },
	{ "name", true, "TEXT", "display name" },
	{ "amount", true, "A", "decimal amount" },
	{ "direction", true, "DIR", "reserve: deposit or withdraw" },
	{ "version", true, "N", "rates: the rate table version" },
	{ "rate-ppm", true, "PPM", "rates: annual rate in parts per million" },
	{ "effective-from-ns", true, "NS", "rates: in force from (ns since 1970)" },
	{ "ratio-bp", true, "BP", "reserve-ratio: basis points" },
};
static const struct cli_option wallet_options[] = {
	{ "id", true, "ID", "command id (create: the wallet's id)" },
	{ "type", true, "TYPE", "personal, corporate, merchant, government or treasury" },
	{ "class", true, "N", "class 1-4" },
	{ "tenant-id", true, "N", "the operator's tenant" },
	{ "owner-id", true, "ID", "the holder" },
	{ "parent-id", true, "ID", "a sub-wallet's main wallet" },
	{ "bank-account-id", true, "ID", "the linked bank deposit account" },
	{ "mcc", true, "N", "merchant category code" },
	{ "auto-topup", false, NULL, "top up from the bank account when short" },
	{ "no-auto-topup", false, NULL, "update: stop topping up" },
	{ "limit-balance", true, "A", "own balance cap" },
	{ "limit-payment", true, "A", "own per-payment limit" },
	{ "limit-daily", true, "A", "own daily outflow limit" },
	{ "limit-annual", true, "A", "own annual outflow limit" },
	{ "amount", true, "A", "decimal amount" },
	{ "payee-id", true, "ID", "pay: the payee's wallet" },
	{ "direction", true, "DIR", "sub-fund: to_parent" },
	{ "authority", true, "WHO", "control: operator, regulator or judicial" },
	{ "state", true, "STATE", "control: frozen, receive_only, pay_only, amount or none" },
	{ "reason", true, "CODE", "control or risk-status: the reason code" },
	{ "daily", true, "A", "holder-limit: the holder's daily limit (0.00 removes it)" },
	{ "status", true, "STATUS", "risk-status: normal, watch or high" },
	{ "freeze-share-bp", true, "BP", "risk-status: share of prepaid funds frozen" },
};
static const struct cli_option payment_options[] = {
	{ "id", true, "ID", "command id" },
	{ "amount", true, "A", "decimal amount" },
};
static const struct cli_option device_options[] = {
	{ "id", true, "ID", "command id (register: the device's id)" },
	{ "wallet-id", true, "ID", "register: the device's wallet" },
	{ "public-key", true, "HEX", "register: the device's Ed25519 key" },
	{ "amount", true, "A", "load: decimal amount" },
	{ "device-counter", true, "N", "load: the device's counter" },
	{ "file", true, "FILE", "sync: messages, one per line ('-' = stdin)" },
};
static const struct cli_option contract_options[] = {
	{ "id", true, "ID", "command id (template, create: the new id)" },
	{ "kind", true, "KIND", "prepaid_escrow, subsidy or conditional" },
	{ "name", true, "TEXT", "template: display name" },
	{ "max-duration-s", true, "S", "template: longest contract" },
	{ "max-sessions", true, "N", "template: most sessions" },
	{ "auto-confirm-s", true, "S", "template: delivery confirmed after" },
	{ "cooling-off-s", true, "S", "template: full refund within" },
	{ "condition-code", true, "N", "template: the condition" },
	{ "mcc", true, "LIST", "template: categories, e.g. 5411,5812; spend: one" },
	{ "template-id", true, "ID", "create: the template" },
	{ "consumer-wallet-id", true, "ID", "create (escrow)" },
	{ "merchant-wallet-id", true, "ID", "create (escrow)" },
	{ "session-amount", true, "A", "create (escrow)" },
	{ "sessions", true, "N", "create (escrow)" },
	{ "issuer-wallet-id", true, "ID", "create (subsidy)" },
	{ "budget", true, "A", "create (subsidy)" },
	{ "expires-at-ns", true, "NS", "create (subsidy)" },
	{ "payer-wallet-id", true, "ID", "create (conditional)" },
	{ "payee-wallet-id", true, "ID", "create (conditional)" },
	{ "condition-party-id", true, "ID", "create (conditional)" },
	{ "deadline-ns", true, "NS", "create (conditional)" },
	{ "amount", true, "A", "create (conditional), grant, spend" },
	{ "type", true, "TYPE", "event: deliver, confirm, cancel or condition" },
	{ "party-id", true, "ID", "event: who acts" },
	{ "code", true, "N", "event: condition code" },
	{ "wallet-id", true, "ID", "grant, spend: the holder's wallet" },
	{ "payee-id", true, "ID", "spend: the payee" },
	{ "to-bank", false, NULL, "spend: settle to the payee's bank account" },
};
static const struct cli_option fiscal_options[] = {
	{ "file", true, "FILE", "disburse: the JSON body ('-' = stdin)" },
	{ "lines", true, "WHICH", "report: all, failed or none" },
	{ "id", true, "ID", "collect: command id" },
	{ "payer-id", true, "ID", "collect: the paying wallet" },
	{ "treasury-id", true, "ID", "collect: the treasury wallet" },
	{ "amount", true, "A", "collect: decimal amount" },
	{ "kind", true, "KIND", "collect: tax or fee" },
	{ "tax-code", true, "N", "collect: 1-9999" },
	{ "period", true, "YYYYMM", "collect: the period" },
};

#define GROUP_SUMMARY "--some-field VALUE becomes the JSON field \"some_field\" of the route (docs/openapi.yaml)."

static const struct cli_spec keygen_spec = CLI_SPEC("currency keygen [--seed HEX]",
						    "a device key pair: {\"seed\", \"public_key\"} (no server)",
						    keygen_options, true);
static const struct cli_spec sign_spec = CLI_SPEC(
	"currency sign-offline --seed HEX --device ID --payee ID --amount A --counter N [--time NS] [--currency CNY]",
	"one signed offline payment message (136 bytes, 272 hex digits; src/currency/offline.h) for "
	"POST /v1/devices/{id}/sync (no server)",
	sign_options, true);
static const struct cli_spec operator_spec = CLI_SPEC(
	"currency operator create --id ID --tenant-id N --type bank|payment_institution [--name TEXT]\n"
	"       szfin currency operator get TENANT\n"
	"       szfin currency operator reserve|issue|redeem TENANT --id ID --amount A [--direction deposit|withdraw]\n"
	"       szfin currency operator rates TENANT --id ID --version N --rate-ppm PPM --effective-from-ns NS\n"
	"       szfin currency operator reserve-ratio TENANT --id ID --ratio-bp BP\n"
	"       szfin currency operator interest-pay TENANT --id ID",
	GROUP_SUMMARY, operator_options, true);
static const struct cli_spec wallet_spec = CLI_SPEC(
	"currency wallet create --id ID --type TYPE --class 1-4 [--tenant-id N] [--owner-id ID] [--parent-id ID]\n"
	"              [--bank-account-id ID] [--mcc N] [--auto-topup] [--limit-balance|payment|daily|annual A]\n"
	"       szfin currency wallet get ID\n"
	"       szfin currency wallet update ID --id CMD --class N [--auto-topup|--no-auto-topup] [--limit-* A]\n"
	"       szfin currency wallet topup|withdraw ID --id CMD --amount A\n"
	"       szfin currency wallet pay ID --id CMD --payee-id ID --amount A [--mcc N]\n"
	"       szfin currency wallet sub-fund SUB_ID --id CMD --amount A [--direction to_parent]\n"
	"       szfin currency wallet close ID --id CMD\n"
	"       szfin currency wallet control ID --id CMD --authority operator|regulator|judicial\n"
	"              --state frozen|receive_only|pay_only|amount|none [--reason CODE] [--amount A]\n"
	"       szfin currency wallet holder-limit ID --id CMD --daily A\n"
	"       szfin currency wallet risk-status MERCHANT_ID --id CMD --status normal|watch|high [--reason CODE]\n"
	"              [--freeze-share-bp BP]",
	GROUP_SUMMARY, wallet_options, true);
static const struct cli_spec payment_spec = CLI_SPEC(
	"currency payment get ID\n"
	"       szfin currency payment refund PAYMENT_ID --id CMD --amount A",
	GROUP_SUMMARY, payment_options, true);
static const struct cli_spec device_spec = CLI_SPEC(
	"currency device register --id ID --wallet-id ID --public-key HEX\n"
	"       szfin currency device get ID\n"
	"       szfin currency device load ID --id CMD --amount A --device-counter N\n"
	"       szfin currency device sync ID --id CMD (MESSAGE_HEX... | --file FILE|-)\n"
	"       szfin currency device suspend ID --id CMD",
	GROUP_SUMMARY " A sync takes up to 13 messages as arguments, up to 24 from --file.",
	device_options, true);
static const struct cli_spec contract_spec = CLI_SPEC(
	"currency contract template --id ID --kind prepaid_escrow|subsidy|conditional --max-duration-s S\n"
	"              [--max-sessions N] [--auto-confirm-s S] [--cooling-off-s S] [--condition-code N]\n"
	"              [--mcc 5411,5812] [--name T]\n"
	"       szfin currency contract create --kind KIND --id ID --template-id ID ...fields of POST /v1/contracts\n"
	"       szfin currency contract get ID\n"
	"       szfin currency contract event ID --id CMD --type deliver|confirm|cancel|condition --party-id ID [--code N]\n"
	"       szfin currency contract grant ID --id CMD --wallet-id ID --amount A\n"
	"       szfin currency contract spend ID --id CMD --wallet-id ID --payee-id ID --amount A [--mcc N] [--to-bank]\n"
	"       szfin currency contract insolvency MERCHANT_WALLET --id CMD",
	GROUP_SUMMARY, contract_options, true);
static const struct cli_spec limits_spec = CLI_SPEC_NO_OPTIONS(
	"currency limits get\n"
	"       szfin currency limits load FILE",
	"the class limits in force; load submits an INI file (share/currency/limits.ini layout) as a new version",
	true);
static const struct cli_spec fiscal_spec = CLI_SPEC(
	"currency fiscal disburse --file FILE.json ('-' = stdin; the body of POST /v1/fiscal/disbursements)\n"
	"       szfin currency fiscal report BATCH_ID [--lines all|failed|none]\n"
	"       szfin currency fiscal collect --id ID --payer-id ID --treasury-id ID --amount A --kind tax|fee\n"
	"              --tax-code N --period YYYYMM\n"
	"       szfin currency fiscal receipt ID",
	GROUP_SUMMARY, fiscal_options, true);

/* The JSON body from every option given but those in skip (NULL-terminated):
 * --some-field V is "some_field": "V", --limit-X V goes into "limits", a
 * switch is true (--no-auto-topup: "auto_topup": false). */
static json_t *body_from_flags(const struct cli_args *a, const char *const *skip)
{
	const struct cli_spec *spec = a->spec;
	json_t *o = json_object(), *limits = NULL;
	for (uint32_t i = 0; i < spec->option_count; i++) {
		const struct cli_option *opt = &spec->options[i];
		bool skipped = !a->present[i];
		for (int k = 0; skip != NULL && skip[k] != NULL && !skipped; k++)
			skipped = strcmp(opt->name, skip[k]) == 0;
		if (skipped)
			continue;
		char key[64];
		snprintf(key, sizeof key, "%s", opt->name);
		for (char *p = key; *p; p++)
			if (*p == '-')
				*p = '_';
		json_t *target = o;
		const char *k = key;
		if (strncmp(key, "limit_", 6) == 0) {
			if (limits == NULL) {
				limits = json_object();
				json_object_set_new(o, "limits", limits);
			}
			target = limits;
			k = key + 6;
		}
		if (strcmp(key, "no_auto_topup") == 0)
			json_object_set_new(o, "auto_topup", json_false());
		else if (!opt->takes_value)
			json_object_set_new(target, k, json_true());
		else
			json_object_set_new(target, k, json_string(a->values[i]));
	}
	return o;
}

static int send(const struct client *c, const char *method, const char *path, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	struct client_answer answer;
	memset(&answer, 0, sizeof answer);
	int rc = client_request(c, method, path, text ? "application/json" : NULL, text, text ? strlen(text) : 0, &answer);
	free(text);
	if (rc) {
		free(answer.body);
		return 3;
	}
	rc = client_print(c, &answer);
	free(answer.body);
	return rc;
}

/* A command line the group does not know: its usage, exit 2. */
static int usage(const struct cli_args *a)
{
	SZ_ASSERT(a->spec != NULL);
	fprintf(stderr, "usage: szfin %s\n(szfin currency %s --help lists the options)\n", a->spec->usage,
		a->positional_count > 0 ? a->positional[0] : "GROUP");
	return 2;
}

static const char *flag(const struct cli_args *a, const char *name) { return cli_args_get(a, name); }

/* ---- offline helpers (no server) -------------------------------------------------- */

static int seed_parse(const char *hex, uint8_t seed[crypto_sign_SEEDBYTES])
{
	size_t n = 0;
	if (hex == NULL || strlen(hex) != 2 * crypto_sign_SEEDBYTES ||
	    sodium_hex2bin(seed, crypto_sign_SEEDBYTES, hex, strlen(hex), NULL, &n, NULL) != 0 ||
	    n != crypto_sign_SEEDBYTES) {
		fprintf(stderr, "szfin: --seed must be %u hex digits\n", 2 * crypto_sign_SEEDBYTES);
		return -1;
	}
	return 0;
}

/* keygen [--seed HEX]: {"seed", "public_key"} (the seed stays with the device). */
static int keygen(const struct cli_args *a)
{
	uint8_t seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	if (flag(a, "seed") != NULL) {
		if (seed_parse(flag(a, "seed"), seed))
			return 2;
	} else {
		randombytes_buf(seed, sizeof seed);
	}
	crypto_sign_seed_keypair(pk, sk, seed);
	char seed_hex[2 * sizeof seed + 1], pk_hex[2 * sizeof pk + 1];
	sodium_bin2hex(seed_hex, sizeof seed_hex, seed, sizeof seed);
	sodium_bin2hex(pk_hex, sizeof pk_hex, pk, sizeof pk);
	printf("{\"seed\":\"%s\",\"public_key\":\"%s\"}\n", seed_hex, pk_hex);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(seed, sizeof seed);
	return 0;
}

static int id_flag(const struct cli_args *a, const char *name, sz_id *out)
{
	const char *text = flag(a, name);
	if (text == NULL || sz_id_parse(text, strlen(text), out, 0)) {
		fprintf(stderr, "szfin: --%s must be a 128-bit id\n", name);
		return -1;
	}
	return 0;
}

static int u64_flag(const struct cli_args *a, const char *name, bool required, uint64_t *out)
{
	const char *text = flag(a, name);
	*out = 0;
	if (text == NULL && !required)
		return 0;
	if (text == NULL || sz_u64_parse(text, strlen(text), out)) {
		fprintf(stderr, "szfin: --%s must be an unsigned integer\n", name);
		return -1;
	}
	return 0;
}

static int sign_offline(const struct cli_args *a)
{
	struct offline_payment p;
	memset(&p, 0, sizeof p);
	uint8_t seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	const char *currency = flag(a, "currency") ? flag(a, "currency") : "CNY";
	const char *amount = flag(a, "amount");
	if (seed_parse(flag(a, "seed"), seed) || id_flag(a, "device", &p.device_id) || id_flag(a, "payee", &p.payee_id) ||
	    u64_flag(a, "counter", true, &p.counter) || u64_flag(a, "time", false, &p.device_time_ns))
		return usage(a);
	if (sz_currency_parse(currency, &p.currency) != 0) {
		fprintf(stderr, "szfin: --currency must be three letters\n");
		return 2;
	}
	if (amount == NULL || sz_amount_parse(amount, strlen(amount), sz_currency_exponent(p.currency), &p.amount) != 0) {
		fprintf(stderr, "szfin: --amount must be a decimal amount, e.g. 12.34\n");
		return 2;
	}
	crypto_sign_seed_keypair(pk, sk, seed);
	uint8_t msg[OFFLINE_MESSAGE_SIZE];
	currency_offline_sign(&p, sk, msg);
	sodium_memzero(sk, sizeof sk);
	sodium_memzero(seed, sizeof seed);
	char hex[2 * OFFLINE_MESSAGE_SIZE + 1];
	sodium_bin2hex(hex, sizeof hex, msg, sizeof msg);
	printf("%s\n", hex);
	return 0;
}

/* ---- HTTP subcommands ------------------------------------------------------------- */

static const char *const no_skip[] = { NULL };

static int operator_cmd(const struct client *c, const struct cli_args *a)
{
	if (a->positional_count < 2)
		return usage(a);
	const char *action = a->positional[1];
	char path[256];
	if (strcmp(action, "create") == 0)
		return send(c, "POST", "/v1/operators", body_from_flags(a, no_skip));
	if (a->positional_count < 3)
		return usage(a);
	if (strcmp(action, "get") == 0) {
		snprintf(path, sizeof path, "/v1/operators/%s", a->positional[2]);
		return send(c, "GET", path, NULL);
	}
	if (strcmp(action, "reserve") == 0 || strcmp(action, "issue") == 0 || strcmp(action, "redeem") == 0 ||
	    strcmp(action, "rates") == 0 || strcmp(action, "reserve-ratio") == 0) {
		snprintf(path, sizeof path, "/v1/operators/%s/%s", a->positional[2], action);
		return send(c, "POST", path, body_from_flags(a, no_skip));
	}
	if (strcmp(action, "interest-pay") == 0) {
		snprintf(path, sizeof path, "/v1/operators/%s/interest/pay", a->positional[2]);
		return send(c, "POST", path, body_from_flags(a, no_skip));
	}
	return usage(a);
}

static int wallet_cmd(const struct client *c, const struct cli_args *a)
{
	if (a->positional_count < 2)
		return usage(a);
	const char *action = a->positional[1];
	char path[256];
	if (strcmp(action, "create") == 0)
		return send(c, "POST", "/v1/wallets", body_from_flags(a, no_skip));
	if (a->positional_count < 3)
		return usage(a);
	const char *id = a->positional[2];
	if (strcmp(action, "get") == 0) {
		snprintf(path, sizeof path, "/v1/wallets/%s", id);
		return send(c, "GET", path, NULL);
	}
	static const char *const actions[][2] = {
		{ "update", "update" }, { "topup", "topup" }, { "withdraw", "withdraw" },
		{ "pay", "payments" }, { "sub-fund", "sub-fund" }, { "close", "close" },
		{ "control", "controls" }, { "holder-limit", "holder-limit" }, { "risk-status", "risk-status" },
	};
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(action, actions[i][0]) == 0) {
			snprintf(path, sizeof path, "/v1/wallets/%s/%s", id, actions[i][1]);
			return send(c, "POST", path, body_from_flags(a, no_skip));
		}
	return usage(a);
}

static int payment_cmd(const struct client *c, const struct cli_args *a)
{
	if (a->positional_count < 3)
		return usage(a);
	char path[256];
	if (strcmp(a->positional[1], "get") == 0) {
		snprintf(path, sizeof path, "/v1/payments/%s", a->positional[2]);
		return send(c, "GET", path, NULL);
	}
	if (strcmp(a->positional[1], "refund") == 0) {
		snprintf(path, sizeof path, "/v1/payments/%s/refunds", a->positional[2]);
		return send(c, "POST", path, body_from_flags(a, no_skip));
	}
	return usage(a);
}

/* Messages of a sync: positional hex strings, or --file FILE ('-' = stdin), one per line. */
static int sync_messages(const struct cli_args *a, json_t *list)
{
	for (uint32_t i = 3; i < a->positional_count; i++)
		json_array_append_new(list, json_string(a->positional[i]));
	const char *file = flag(a, "file");
	if (file == NULL)
		return 0;
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	if (f == NULL) {
		fprintf(stderr, "szfin: cannot read %s\n", file);
		return -1;
	}
	char line[2 * OFFLINE_MESSAGE_SIZE + 16];
	int rc = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (json_array_size(list) == CURRENCY_SYNC_MESSAGE_COUNT_MAX) {
			fprintf(stderr, "szfin: a sync carries at most %u messages\n", CURRENCY_SYNC_MESSAGE_COUNT_MAX);
			rc = -1;
			break;
		}
		json_array_append_new(list, json_string(line));
	}
	if (f != stdin)
		fclose(f);
	return rc;
}

static int device_cmd(const struct client *c, const struct cli_args *a)
{
	if (a->positional_count < 2)
		return usage(a);
	const char *action = a->positional[1];
	char path[256];
	if (strcmp(action, "register") == 0)
		return send(c, "POST", "/v1/devices", body_from_flags(a, no_skip));
	if (a->positional_count < 3)
		return usage(a);
	const char *id = a->positional[2];
	if (strcmp(action, "get") == 0) {
		snprintf(path, sizeof path, "/v1/devices/%s", id);
		return send(c, "GET", path, NULL);
	}
	if (strcmp(action, "load") == 0 || strcmp(action, "suspend") == 0) {
		snprintf(path, sizeof path, "/v1/devices/%s/%s", id, action);
		return send(c, "POST", path, body_from_flags(a, no_skip));
	}
	if (strcmp(action, "sync") == 0) {
		static const char *const skip[] = { "file", NULL };
		json_t *body = body_from_flags(a, skip), *list = json_array();
		json_object_set_new(body, "messages", list);
		if (sync_messages(a, list)) {
			json_decref(body);
			return 2;
		}
		snprintf(path, sizeof path, "/v1/devices/%s/sync", id);
		return send(c, "POST", path, body);
	}
	return usage(a);
}

static int contract_cmd(const struct client *c, const struct cli_args *a)
{
	if (a->positional_count < 2)
		return usage(a);
	const char *action = a->positional[1];
	char path[256];
	if (strcmp(action, "template") == 0) {
		static const char *const skip[] = { "mcc", NULL };
		json_t *body = body_from_flags(a, skip);
		const char *mcc = flag(a, "mcc");
		if (mcc != NULL) {
			json_t *list = json_array();
			char copy[256];
			snprintf(copy, sizeof copy, "%s", mcc);
			for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
				json_array_append_new(list, json_integer(atoi(t)));
			json_object_set_new(body, "mcc", list);
		}
		return send(c, "POST", "/v1/contract-templates", body);
	}
	if (strcmp(action, "create") == 0)
		return send(c, "POST", "/v1/contracts", body_from_flags(a, no_skip));
	if (a->positional_count < 3)
		return usage(a);
	const char *id = a->positional[2];
	if (strcmp(action, "get") == 0) {
		snprintf(path, sizeof path, "/v1/contracts/%s", id);
		return send(c, "GET", path, NULL);
	}
	static const char *const actions[][2] = { { "event", "events" }, { "grant", "grants" }, { "spend", "spend" } };
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(action, actions[i][0]) == 0) {
			snprintf(path, sizeof path, "/v1/contracts/%s/%s", id, actions[i][1]);
			return send(c, "POST", path, body_from_flags(a, no_skip));
		}
	if (strcmp(action, "insolvency") == 0) {
		snprintf(path, sizeof path, "/v1/merchants/%s/insolvency", id);
		return send(c, "POST", path, body_from_flags(a, no_skip));
	}
	return usage(a);
}

static json_t *limits_class_json(const struct currency_class_limits *l)
{
	json_t *o = json_object();
	const uint64_t v[4] = { l->balance_fen, l->payment_fen, l->daily_fen, l->annual_fen };
	static const char *const keys[4] = { "balance", "payment", "daily", "annual" };
	for (int i = 0; i < 4; i++) {
		char text[SZ_AMOUNT_TEXT_SIZE];
		sz_amount_format(v[i], 2, text);
		json_object_set_new(o, keys[i], json_string(text));
	}
	return o;
}

/* limits load FILE: the INI file (share/currency/limits.ini layout), checked
 * here by the same loader the engine's tests use, submitted as JSON. */
static int limits_cmd(const struct client *c, const struct cli_args *a)
{
	if (a->positional_count < 2)
		return usage(a);
	if (strcmp(a->positional[1], "get") == 0)
		return send(c, "GET", "/v1/currency/limits", NULL);
	if (strcmp(a->positional[1], "load") != 0 || a->positional_count < 3)
		return usage(a);
	struct currency_limits_cmd cmd;
	char why[256] = "";
	if (currency_limits_load_file(a->positional[2], &cmd, why, sizeof why) != 0) {
		fprintf(stderr, "szfin: %s\n", why);
		return 2;
	}
	json_t *o = json_object();
	char text[SZ_AMOUNT_TEXT_SIZE];
	json_object_set_new(o, "version", json_integer((json_int_t)cmd.version));
	snprintf(text, sizeof text, "%llu", (unsigned long long)cmd.effective_from_ns);
	json_object_set_new(o, "effective_from_ns", json_string(text));
	for (int k = 0; k < 4; k++) {
		char key[8];
		snprintf(key, sizeof key, "class%d", k + 1);
		json_object_set_new(o, key, limits_class_json(&cmd.classes[k]));
	}
	sz_amount_format(cmd.offline_payment_max_fen, 2, text);
	json_object_set_new(o, "offline_payment_max", json_string(text));
	json_object_set_new(o, "offline_count_max", json_integer(cmd.offline_count_max));
	json_object_set_new(o, "offline_settle_s", json_integer(cmd.offline_settle_s));
	return send(c, "POST", "/v1/currency/limits", o);
}

static void help(FILE *f)
{
	fprintf(f,
		"usage: szfin currency GROUP ACTION [ARGS] [OPTIONS]\n\n"
		"  keygen [--seed HEX]                    a device key pair: {\"seed\", \"public_key\"}\n"
		"  sign-offline --seed HEX --device ID --payee ID --amount A --counter N [--time NS] [--currency CNY]\n"
		"                                         one signed offline payment (272 hex digits)\n"
		"  operator create|get|reserve|issue|redeem|rates|reserve-ratio|interest-pay\n"
		"  wallet   create|get|update|topup|withdraw|pay|sub-fund|close|control|holder-limit|risk-status\n"
		"  payment  get|refund\n"
		"  device   register|get|load|sync|suspend\n"
		"  contract template|create|get|event|grant|spend|insolvency\n"
		"  limits   get|load FILE (share/currency/limits.ini layout)\n"
		"  fiscal   disburse|report|collect|receipt\n\n"
		"--some-field VALUE becomes the JSON field \"some_field\" (see docs/openapi.yaml);\n"
		"szfin currency GROUP --help lists a group's actions and options.\n"
		"Common options: --url URL, --token-file FILE, --json.\n");
}

/* fiscal disburse --file FILE (the JSON body of POST /v1/fiscal/disbursements, '-' = stdin),
 * report ID [--lines all|failed|none], collect --fields..., receipt ID. */
static int fiscal_cmd(const struct client *c, const struct cli_args *a)
{
	if (a->positional_count < 2)
		return usage(a);
	const char *action = a->positional[1];
	char path[256];
	if (strcmp(action, "disburse") == 0) {
		const char *file = flag(a, "file");
		if (file == NULL)
			return usage(a);
		json_error_t err;
		json_t *body = strcmp(file, "-") == 0 ? json_loadf(stdin, 0, &err) : json_load_file(file, 0, &err);
		if (body == NULL) {
			fprintf(stderr, "szfin: %s: %s (line %d)\n", file, err.text, err.line);
			return 2;
		}
		return send(c, "POST", "/v1/fiscal/disbursements", body);
	}
	if (strcmp(action, "collect") == 0)
		return send(c, "POST", "/v1/fiscal/collections", body_from_flags(a, no_skip));
	if (a->positional_count < 3)
		return usage(a);
	if (strcmp(action, "report") == 0) {
		const char *lines = flag(a, "lines");
		snprintf(path, sizeof path, "/v1/fiscal/disbursements/%s%s%s", a->positional[2], lines ? "?lines=" : "",
			 lines ? lines : "");
		return send(c, "GET", path, NULL);
	}
	if (strcmp(action, "receipt") == 0) {
		snprintf(path, sizeof path, "/v1/fiscal/collections/%s", a->positional[2]);
		return send(c, "GET", path, NULL);
	}
	return usage(a);
}

struct group {
	const char *name;
	const struct cli_spec *spec;
	int (*run)(const struct client *, const struct cli_args *);
};

static int keygen_run(const struct client *c, const struct cli_args *a)
{
	(void)c;
	return keygen(a);
}

static int sign_run(const struct client *c, const struct cli_args *a)
{
	(void)c;
	return sign_offline(a);
}

static const struct group groups[] = {
	{ "keygen", &keygen_spec, keygen_run },       { "sign-offline", &sign_spec, sign_run },
	{ "operator", &operator_spec, operator_cmd }, { "wallet", &wallet_spec, wallet_cmd },
	{ "payment", &payment_spec, payment_cmd },    { "device", &device_spec, device_cmd },
	{ "contract", &contract_spec, contract_cmd }, { "limits", &limits_spec, limits_cmd },
	{ "fiscal", &fiscal_spec, fiscal_cmd },
};
#define GROUP_COUNT (sizeof groups / sizeof groups[0])

/* The group word: the first argument that is not an option (the common
 * options may come first: --url and --token-file take a value). 0 if none. */
static int group_index_in_argv(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		if (strcmp(w, "--url") == 0 || strcmp(w, "--token-file") == 0) {
			i++;
			continue;
		}
		if (w[0] != '-')
			return i;
	}
	return 0;
}

static int currency_main(int argc, char **argv)
{
	SZ_ASSERT(argc >= 1);
	if (sodium_init() < 0) {
		fprintf(stderr, "szfin: libsodium failed to initialise\n");
		return 1;
	}
	int at = group_index_in_argv(argc, argv);
	if (at == 0) {
		bool asked = false;
		for (int i = 1; i < argc; i++)
			asked = asked || strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0;
		help(asked ? stdout : stderr);
		return asked ? 0 : 2;
	}
	const struct group *g = NULL;
	static const char *names[GROUP_COUNT];
	for (size_t i = 0; i < GROUP_COUNT; i++) {
		names[i] = groups[i].name;
		if (strcmp(argv[at], groups[i].name) == 0)
			g = &groups[i];
	}
	if (g == NULL) {
		cli_unknown_word("currency group", argv[at], names, GROUP_COUNT);
		fprintf(stderr, "(szfin currency --help lists the groups)\n");
		return 2;
	}
	/* Messages name the group ("szfin currency wallet: unknown option ..."). */
	char command[32];
	snprintf(command, sizeof command, "currency %s", g->name);
	char *saved = argv[0];
	argv[0] = command;
	struct cli_args a;
	int status = cli_args_parse(g->spec, argc, argv, &a);
	argv[0] = saved;
	if (status != CLI_ARGS_OK)
		return cli_args_exit(status);
	SZ_ASSERT(a.positional_count >= 1 && strcmp(a.positional[0], g->name) == 0);
	struct client c;
	if (client_init_args(&c, &a) != 0)
		return 2;
	return g->run(&c, &a);
}

static const struct cli_command commands[] = {
	{ "currency", currency_main, "digital currency and contracts: wallets, devices, offline signing (see szfin currency)" },
};
const struct cli_command_table currency_cli_table = { "currency", commands, 1 };
