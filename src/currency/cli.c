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
 * Flags map onto the route's JSON fields: --some-field V becomes
 * "some_field": "V" (the server validates everything); --limit-X V goes into
 * the "limits" object; bare switches (--auto-topup, --to-bank) are true.
 * Never: take a token from the command line (client.h); read or print a
 * device seed anywhere but the keygen/sign-offline output the caller asked for.
 */
#include "currency/cli.h"
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

#define FLAG_COUNT_MAX 32
#define POSITIONAL_COUNT_MAX 32 /* device sync: up to 24 messages plus the action and device */

struct cargs {
	const char *positional[POSITIONAL_COUNT_MAX];
	int positional_count;
	const char *names[FLAG_COUNT_MAX];
	const char *values[FLAG_COUNT_MAX]; /* NULL: a bare switch */
	int flag_count;
};

static bool is_switch(const char *name)
{
	static const char *const names[] = { "auto-topup", "no-auto-topup", "to-bank", "help" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

static int cargs_parse(struct cargs *a, int argc, char **argv)
{
	memset(a, 0, sizeof *a);
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0) {
			if (a->flag_count == FLAG_COUNT_MAX) {
				fprintf(stderr, "szfin: more than %d flags\n", FLAG_COUNT_MAX);
				return -1;
			}
			const char *name = argv[i] + 2;
			a->names[a->flag_count] = name;
			if (!is_switch(name)) {
				if (i + 1 >= argc) {
					fprintf(stderr, "szfin: --%s needs a value\n", name);
					return -1;
				}
				a->values[a->flag_count] = argv[++i];
			}
			a->flag_count++;
		} else {
			if (a->positional_count == POSITIONAL_COUNT_MAX) {
				fprintf(stderr, "szfin: more than %d arguments\n", POSITIONAL_COUNT_MAX);
				return -1;
			}
			a->positional[a->positional_count++] = argv[i];
		}
	}
	return 0;
}

static const char *flag(const struct cargs *a, const char *name)
{
	for (int i = 0; i < a->flag_count; i++)
		if (strcmp(a->names[i], name) == 0)
			return a->values[i] ? a->values[i] : "";
	return NULL;
}

/* The JSON body from every flag but those in skip (NULL-terminated). */
static json_t *body_from_flags(const struct cargs *a, const char *const *skip)
{
	json_t *o = json_object(), *limits = NULL;
	for (int i = 0; i < a->flag_count; i++) {
		bool skipped = false;
		for (int k = 0; skip != NULL && skip[k] != NULL && !skipped; k++)
			skipped = strcmp(a->names[i], skip[k]) == 0;
		if (skipped)
			continue;
		char key[64];
		snprintf(key, sizeof key, "%s", a->names[i]);
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
		else if (a->values[i] == NULL)
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

static int usage(const char *text)
{
	fprintf(stderr, "usage: szfin currency %s\n", text);
	return 2;
}

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
static int keygen(const struct cargs *a)
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

static int id_flag(const struct cargs *a, const char *name, sz_id *out)
{
	const char *text = flag(a, name);
	if (text == NULL || sz_id_parse(text, strlen(text), out, 0)) {
		fprintf(stderr, "szfin: --%s must be a 128-bit id\n", name);
		return -1;
	}
	return 0;
}

static int u64_flag(const struct cargs *a, const char *name, bool required, uint64_t *out)
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

static int sign_offline(const struct cargs *a)
{
	struct offline_payment p;
	memset(&p, 0, sizeof p);
	uint8_t seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	const char *currency = flag(a, "currency") ? flag(a, "currency") : "CNY";
	const char *amount = flag(a, "amount");
	if (seed_parse(flag(a, "seed"), seed) || id_flag(a, "device", &p.device_id) || id_flag(a, "payee", &p.payee_id) ||
	    u64_flag(a, "counter", true, &p.counter) || u64_flag(a, "time", false, &p.device_time_ns))
		return usage("sign-offline --seed HEX --device ID --payee ID --amount A --counter N [--time NS] [--currency CNY]");
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

static int operator_cmd(const struct client *c, const struct cargs *a)
{
	const char *u = "operator create --id ID --tenant-id N --type bank|payment_institution [--name TEXT]\n"
			"       szfin currency operator get TENANT\n"
			"       szfin currency operator reserve|issue|redeem TENANT --id ID --amount A [--direction deposit|withdraw]\n"
			"       szfin currency operator rates TENANT --id ID --version N --rate-ppm PPM --effective-from-ns NS\n"
			"       szfin currency operator reserve-ratio TENANT --id ID --ratio-bp BP\n"
			"       szfin currency operator interest-pay TENANT --id ID";
	if (a->positional_count < 2)
		return usage(u);
	const char *action = a->positional[1];
	char path[256];
	if (strcmp(action, "create") == 0)
		return send(c, "POST", "/v1/operators", body_from_flags(a, no_skip));
	if (a->positional_count < 3)
		return usage(u);
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
	return usage(u);
}

static int wallet_cmd(const struct client *c, const struct cargs *a)
{
	const char *u = "wallet create --id ID --type personal|corporate|merchant --class 1-4 [--tenant-id N]\n"
			"              [--owner-id ID] [--parent-id ID] [--bank-account-id ID] [--mcc N] [--auto-topup]\n"
			"              [--limit-balance A] [--limit-payment A] [--limit-daily A] [--limit-annual A]\n"
			"       szfin currency wallet get ID\n"
			"       szfin currency wallet update ID --id CMD --class N [--auto-topup|--no-auto-topup] [--limit-* A]\n"
			"       szfin currency wallet topup|withdraw ID --id CMD --amount A\n"
			"       szfin currency wallet pay ID --id CMD --payee-id ID --amount A [--mcc N]\n"
			"       szfin currency wallet sub-fund SUB_ID --id CMD --amount A [--direction to_parent]\n"
			"       szfin currency wallet close ID --id CMD\n"
			"       szfin currency wallet control ID --id CMD --authority operator|regulator|judicial\n"
			"              --state frozen|receive_only|pay_only|amount|none [--reason CODE] [--amount A]\n"
			"       szfin currency wallet holder-limit ID --id CMD --daily A\n"
			"       szfin currency wallet risk-status MERCHANT_ID --id CMD --status normal|watch|high [--reason CODE]";
	if (a->positional_count < 2)
		return usage(u);
	const char *action = a->positional[1];
	char path[256];
	if (strcmp(action, "create") == 0)
		return send(c, "POST", "/v1/wallets", body_from_flags(a, no_skip));
	if (a->positional_count < 3)
		return usage(u);
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
	return usage(u);
}

static int payment_cmd(const struct client *c, const struct cargs *a)
{
	const char *u = "payment get ID | refund PAYMENT_ID --id CMD --amount A";
	if (a->positional_count < 3)
		return usage(u);
	char path[256];
	if (strcmp(a->positional[1], "get") == 0) {
		snprintf(path, sizeof path, "/v1/payments/%s", a->positional[2]);
		return send(c, "GET", path, NULL);
	}
	if (strcmp(a->positional[1], "refund") == 0) {
		snprintf(path, sizeof path, "/v1/payments/%s/refunds", a->positional[2]);
		return send(c, "POST", path, body_from_flags(a, no_skip));
	}
	return usage(u);
}

/* Messages of a sync: positional hex strings, or --file FILE ('-' = stdin), one per line. */
static int sync_messages(const struct cargs *a, json_t *list)
{
	for (int i = 3; i < a->positional_count; i++)
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

static int device_cmd(const struct client *c, const struct cargs *a)
{
	const char *u = "device register --id ID --wallet-id ID --public-key HEX\n"
			"       szfin currency device get ID\n"
			"       szfin currency device load ID --id CMD --amount A --device-counter N\n"
			"       szfin currency device sync ID --id CMD (MESSAGE_HEX... | --file FILE|-)\n"
			"       szfin currency device suspend ID --id CMD";
	if (a->positional_count < 2)
		return usage(u);
	const char *action = a->positional[1];
	char path[256];
	if (strcmp(action, "register") == 0)
		return send(c, "POST", "/v1/devices", body_from_flags(a, no_skip));
	if (a->positional_count < 3)
		return usage(u);
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
	return usage(u);
}

static int contract_cmd(const struct client *c, const struct cargs *a)
{
	const char *u = "contract template --id ID --kind prepaid_escrow|subsidy|conditional --max-duration-s S\n"
			"              [--max-sessions N] [--auto-confirm-s S] [--condition-code N] [--mcc 5411,5812] [--name T]\n"
			"       szfin currency contract create --kind KIND --id ID --template-id ID ...fields of POST /v1/contracts\n"
			"       szfin currency contract get ID\n"
			"       szfin currency contract event ID --id CMD --type deliver|confirm|cancel|condition --party-id ID [--code N]\n"
			"       szfin currency contract grant ID --id CMD --wallet-id ID --amount A\n"
			"       szfin currency contract spend ID --id CMD --wallet-id ID --payee-id ID --amount A [--mcc N] [--to-bank]\n"
			"       szfin currency contract insolvency MERCHANT_WALLET --id CMD";
	if (a->positional_count < 2)
		return usage(u);
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
		return usage(u);
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
	return usage(u);
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
static int limits_cmd(const struct client *c, const struct cargs *a)
{
	const char *u = "limits get | load FILE";
	if (a->positional_count < 2)
		return usage(u);
	if (strcmp(a->positional[1], "get") == 0)
		return send(c, "GET", "/v1/currency/limits", NULL);
	if (strcmp(a->positional[1], "load") != 0 || a->positional_count < 3)
		return usage(u);
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

static void help(void)
{
	fprintf(stderr,
		"usage: szfin currency GROUP ACTION [ARGS]\n\n"
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
		"szfin currency GROUP shows a group's usage. Common options: --url URL, --token-file FILE, --json.\n");
}

/* fiscal disburse --file FILE (the JSON body of POST /v1/fiscal/disbursements, '-' = stdin),
 * report ID [--lines all|failed|none], collect --fields..., receipt ID. */
static int fiscal_cmd(const struct client *c, const struct cargs *a)
{
	const char *u = "fiscal disburse --file FILE.json ('-' = stdin; the body of POST /v1/fiscal/disbursements)\n"
			"       szfin currency fiscal report BATCH_ID [--lines all|failed|none]\n"
			"       szfin currency fiscal collect --id ID --payer-id ID --treasury-id ID --amount A --kind tax|fee\n"
			"              --tax-code N --period YYYYMM\n"
			"       szfin currency fiscal receipt ID";
	if (a->positional_count < 2)
		return usage(u);
	const char *action = a->positional[1];
	char path[256];
	if (strcmp(action, "disburse") == 0) {
		const char *file = flag(a, "file");
		if (file == NULL)
			return usage(u);
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
		return usage(u);
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
	return usage(u);
}

static int currency_main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "szfin: libsodium failed to initialise\n");
		return 1;
	}
	struct client c;
	argc = client_init(&c, argc - 1, argv + 1);
	if (argc < 0)
		return 2;
	struct cargs a;
	if (cargs_parse(&a, argc, argv + 1))
		return 2;
	if (a.positional_count == 0 || flag(&a, "help") != NULL) {
		help();
		return a.positional_count == 0 && flag(&a, "help") == NULL ? 2 : 0;
	}
	const char *group = a.positional[0];
	if (strcmp(group, "keygen") == 0)
		return keygen(&a);
	if (strcmp(group, "sign-offline") == 0)
		return sign_offline(&a);
	static const struct {
		const char *name;
		int (*run)(const struct client *, const struct cargs *);
	} groups[] = {
		{ "operator", operator_cmd }, { "wallet", wallet_cmd }, { "payment", payment_cmd },
		{ "device", device_cmd }, { "contract", contract_cmd }, { "limits", limits_cmd },
		{ "fiscal", fiscal_cmd },
	};
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
		if (strcmp(group, groups[i].name) == 0)
			return groups[i].run(&c, &a);
	fprintf(stderr, "szfin currency: unknown group '%s'\n", group);
	help();
	return 2;
}

static const struct cli_command commands[] = {
	{ "currency", currency_main, "digital currency and contracts: wallets, devices, offline signing (see szfin currency)" },
};
const struct cli_command_table currency_cli_table = { "currency", commands, 1 };
