/*
 * commands.c — client subcommands for every API operation:
 *   szfin account  create|get|list|history|freeze|unfreeze|close
 *   szfin transfer create|batch|list|get|post|void
 *   szfin token    create|list|revoke|role
 *   szfin whoami | status | health | metrics
 * Each action has its own option table (args.h): an option it does not
 * know is an error, so nothing is sent for a misspelt flag. Each builds one
 * request from its flags, sends it with client.c and prints the answer for
 * people (or as JSON with --json). Flags map one-to-one onto JSON fields;
 * the server validates every value.
 */
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/client.h"
#include "core/assert.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Words on one subcommand's command line (argv), far above any real use. */
#define COMMANDS_ARGV_COUNT_MAX 128

typedef int (*action_fn)(const struct client *c, const struct cli_args *a);

struct action {
	const char *name;
	const struct cli_spec *spec;
	action_fn run;
	uint32_t positional_count; /* exactly this many words after the action */
	bool positional_optional;  /* or one fewer */
};

static void set_string(json_t *o, const char *key, const char *value)
{
	if (value != NULL)
		json_object_set_new(o, key, json_string(value));
}

static int send_json(const struct client *c, const char *method, const char *path, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	struct client_answer answer;
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

/* Path with an optional query string built from flags. */
static void path_query(char *out, size_t size, const char *base, const struct cli_args *a, const char *const *keys,
		       const char *const *names)
{
	int n = snprintf(out, size, "%s", base);
	char sep = '?';
	for (int i = 0; keys[i] != NULL; i++) {
		const char *v = cli_args_get(a, names[i]);
		if (v != NULL && n > 0 && (size_t)n < size) {
			n += snprintf(out + n, size - (size_t)n, "%c%s=%s", sep, keys[i], v);
			sep = '&';
		}
	}
}

/* ---- account ----------------------------------------------------------- */

static const struct cli_option account_create_options[] = {
	{ "id", true, "ID", "the new account's id" },
	{ "currency", true, "CODE", "ISO 4217 code, e.g. CNY" },
	{ "owner", true, "ID", "owner id" },
	{ "tenant", true, "N", "tenant (operator) id" },
	{ "kind", true, "KIND", "account kind, e.g. reserve" },
	{ "flags", true, "F,G", "balance constraints, comma-separated" },
	{ "user-data", true, "TEXT", "opaque client data" },
};
static const struct cli_option account_list_options[] = {
	{ "owner", true, "ID", "this owner's accounts (else every account the token may read)" },
	{ "tenant", true, "N", "only this tenant's accounts (without --owner)" },
	{ "currency", true, "CODE", "only accounts in this currency (without --owner)" },
	{ "limit", true, "N", "at most N rows" },
	{ "cursor", true, "C", "continue from the cursor a previous page returned" },
};
static const struct cli_option page_options[] = {
	{ "limit", true, "N", "at most N rows" },
	{ "cursor", true, "C", "continue from the cursor a previous page returned" },
};
static const struct cli_spec account_create_spec =
	CLI_SPEC("account create --id ID --currency CNY [--owner ID] [--tenant N] [--kind KIND] [--flags F,G]",
		 "opens an account", account_create_options, true);
static const struct cli_spec account_list_spec =
	CLI_SPEC("account list [--owner ID | --tenant N --currency CODE] [--limit N] [--cursor C]",
		 "lists accounts, one page at a time", account_list_options, true);
static const struct cli_spec account_get_spec = CLI_SPEC_NO_OPTIONS("account get ID", "one account and its balances", true);
static const struct cli_spec account_history_spec =
	CLI_SPEC("account history ID [--limit N] [--cursor C]", "an account's transfers, newest first", page_options, true);
static const struct cli_spec account_freeze_spec = CLI_SPEC_NO_OPTIONS("account freeze ID", "refuse new debits and credits", true);
static const struct cli_spec account_unfreeze_spec = CLI_SPEC_NO_OPTIONS("account unfreeze ID", "lift a freeze", true);
static const struct cli_spec account_close_spec = CLI_SPEC_NO_OPTIONS("account close ID", "close an account with zero balance", true);

static int account_create(const struct client *c, const struct cli_args *a)
{
	json_t *o = json_object();
	set_string(o, "id", cli_args_get(a, "id"));
	set_string(o, "currency", cli_args_get(a, "currency"));
	set_string(o, "owner_id", cli_args_get(a, "owner"));
	set_string(o, "tenant_id", cli_args_get(a, "tenant"));
	set_string(o, "kind", cli_args_get(a, "kind"));
	set_string(o, "user_data", cli_args_get(a, "user-data"));
	const char *flags = cli_args_get(a, "flags");
	if (flags != NULL) {
		json_t *list = json_array();
		char copy[256];
		snprintf(copy, sizeof copy, "%s", flags);
		for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
			json_array_append_new(list, json_string(t));
		json_object_set_new(o, "flags", list);
	}
	return send_json(c, "POST", "/v1/accounts", o);
}

static int account_list(const struct client *c, const struct cli_args *a)
{
	static const char *const keys[] = { "owner_id", "tenant_id", "currency", "limit", "cursor", NULL };
	static const char *const names[] = { "owner", "tenant", "currency", "limit", "cursor", NULL };
	char path[512];
	path_query(path, sizeof path, "/v1/accounts", a, keys, names);
	return send_json(c, "GET", path, NULL);
}

static int account_get(const struct client *c, const struct cli_args *a)
{
	char path[256];
	snprintf(path, sizeof path, "/v1/accounts/%s", a->positional[0]);
	return send_json(c, "GET", path, NULL);
}

static int account_history(const struct client *c, const struct cli_args *a)
{
	static const char *const keys[] = { "limit", "cursor", NULL };
	char base[160], path[512];
	snprintf(base, sizeof base, "/v1/accounts/%s/transfers", a->positional[0]);
	path_query(path, sizeof path, base, a, keys, keys);
	return send_json(c, "GET", path, NULL);
}

static int account_state(const struct client *c, const struct cli_args *a, const char *verb)
{
	char path[256];
	snprintf(path, sizeof path, "/v1/accounts/%s/%s", a->positional[0], verb);
	return send_json(c, "POST", path, NULL);
}
static int account_freeze(const struct client *c, const struct cli_args *a) { return account_state(c, a, "freeze"); }
static int account_unfreeze(const struct client *c, const struct cli_args *a) { return account_state(c, a, "unfreeze"); }
static int account_close(const struct client *c, const struct cli_args *a) { return account_state(c, a, "close"); }

static const struct action account_actions[] = {
	{ "create", &account_create_spec, account_create, 0, false },
	{ "get", &account_get_spec, account_get, 1, false },
	{ "list", &account_list_spec, account_list, 0, false },
	{ "history", &account_history_spec, account_history, 1, false },
	{ "freeze", &account_freeze_spec, account_freeze, 1, false },
	{ "unfreeze", &account_unfreeze_spec, account_unfreeze, 1, false },
	{ "close", &account_close_spec, account_close, 1, false },
};

/* ---- transfer ---------------------------------------------------------- */

static const struct cli_option transfer_create_options[] = {
	{ "id", true, "ID", "the transfer's id (resubmitting it is idempotent)" },
	{ "from", true, "ACCOUNT", "the debit account" },
	{ "to", true, "ACCOUNT", "the credit account" },
	{ "amount", true, "12.34", "decimal amount in the currency's units" },
	{ "currency", true, "CODE", "ISO 4217 code" },
	{ "code", true, "N", "transfer code" },
	{ "ref", true, "ID", "client reference" },
	{ "pending", false, NULL, "a two-phase hold, posted or voided later" },
	{ "timeout", true, "S", "seconds before a pending hold expires" },
};
static const struct cli_option transfer_list_options[] = {
	{ "account", true, "ID", "only transfers debiting or crediting this account" },
	{ "currency", true, "CODE", "only transfers in this currency" },
	{ "limit", true, "N", "at most N rows" },
	{ "cursor", true, "C", "continue from the cursor a previous page returned" },
};
static const struct cli_option transfer_batch_options[] = {
	{ "linked", false, NULL, "all or nothing: one failure fails every transfer" },
};
static const struct cli_option transfer_post_options[] = {
	{ "id", true, "ID", "the posting transfer's id" },
	{ "amount", true, "A", "post less than the hold" },
};
static const struct cli_option transfer_void_options[] = {
	{ "id", true, "ID", "the voiding transfer's id" },
};
static const struct cli_spec transfer_create_spec = CLI_SPEC(
	"transfer create --id ID --from ACCOUNT --to ACCOUNT --amount 12.34 --currency CNY\n"
	"                    [--code N] [--ref ID] [--pending [--timeout S]]",
	"moves money between two accounts", transfer_create_options, true);
static const struct cli_spec transfer_batch_spec = CLI_SPEC("transfer batch FILE.json|- [--linked]",
							    "many transfers from a JSON array (or {\"transfers\":[...]})",
							    transfer_batch_options, true);
static const struct cli_spec transfer_list_spec =
	CLI_SPEC("transfer list [--account ID] [--currency CODE] [--limit N] [--cursor C]",
		 "every transfer the token may read (a regulator: all), in commit order", transfer_list_options, true);
static const struct cli_spec transfer_get_spec = CLI_SPEC_NO_OPTIONS("transfer get ID", "one transfer", true);
static const struct cli_spec transfer_post_spec =
	CLI_SPEC("transfer post PENDING_ID --id ID [--amount A]", "posts a pending hold", transfer_post_options, true);
static const struct cli_spec transfer_void_spec =
	CLI_SPEC("transfer void PENDING_ID --id ID", "voids a pending hold", transfer_void_options, true);

static int transfer_create(const struct client *c, const struct cli_args *a)
{
	json_t *o = json_object();
	set_string(o, "id", cli_args_get(a, "id"));
	set_string(o, "debit_account_id", cli_args_get(a, "from"));
	set_string(o, "credit_account_id", cli_args_get(a, "to"));
	set_string(o, "amount", cli_args_get(a, "amount"));
	set_string(o, "currency", cli_args_get(a, "currency"));
	set_string(o, "user_ref", cli_args_get(a, "ref"));
	if (cli_args_has(a, "code"))
		json_object_set_new(o, "code", json_integer(atoll(cli_args_get(a, "code"))));
	if (cli_args_has(a, "timeout"))
		json_object_set_new(o, "timeout_s", json_integer(atoll(cli_args_get(a, "timeout"))));
	if (cli_args_has(a, "pending"))
		json_object_set_new(o, "pending", json_true());
	return send_json(c, "POST", "/v1/transfers", o);
}

static int transfer_batch(const struct client *c, const struct cli_args *a)
{
	const char *file = a->positional_count > 0 ? a->positional[0] : "-";
	json_error_t error;
	json_t *doc = strcmp(file, "-") == 0 ? json_loadf(stdin, 0, &error) : json_load_file(file, 0, &error);
	if (doc == NULL) {
		fprintf(stderr, "szfin: %s: %s (line %d)\n", file, error.text, error.line);
		return 2;
	}
	if (json_is_array(doc)) {
		json_t *wrapped = json_object();
		json_object_set_new(wrapped, "transfers", doc);
		doc = wrapped;
	}
	if (cli_args_has(a, "linked"))
		json_object_set_new(doc, "linked", json_true());
	return send_json(c, "POST", "/v1/transfers/batch", doc);
}

static int transfer_list(const struct client *c, const struct cli_args *a)
{
	static const char *const keys[] = { "account_id", "currency", "limit", "cursor", NULL };
	static const char *const names[] = { "account", "currency", "limit", "cursor", NULL };
	char path[512];
	path_query(path, sizeof path, "/v1/transfers", a, keys, names);
	return send_json(c, "GET", path, NULL);
}

static int transfer_get(const struct client *c, const struct cli_args *a)
{
	char path[256];
	snprintf(path, sizeof path, "/v1/transfers/%s", a->positional[0]);
	return send_json(c, "GET", path, NULL);
}

static int transfer_finish(const struct client *c, const struct cli_args *a, const char *verb)
{
	json_t *o = json_object();
	set_string(o, "id", cli_args_get(a, "id"));
	if (strcmp(verb, "post") == 0)
		set_string(o, "amount", cli_args_get(a, "amount"));
	char path[256];
	snprintf(path, sizeof path, "/v1/transfers/%s/%s", a->positional[0], verb);
	return send_json(c, "POST", path, o);
}
static int transfer_post(const struct client *c, const struct cli_args *a) { return transfer_finish(c, a, "post"); }
static int transfer_void(const struct client *c, const struct cli_args *a) { return transfer_finish(c, a, "void"); }

static const struct action transfer_actions[] = {
	{ "create", &transfer_create_spec, transfer_create, 0, false },
	{ "batch", &transfer_batch_spec, transfer_batch, 1, true },
	{ "list", &transfer_list_spec, transfer_list, 0, false },
	{ "get", &transfer_get_spec, transfer_get, 1, false },
	{ "post", &transfer_post_spec, transfer_post, 1, false },
	{ "void", &transfer_void_spec, transfer_void, 1, false },
};

/* ---- token ------------------------------------------------------------- */

static const struct cli_option token_create_options[] = {
	{ "role", true, "ROLE", "admin, central_bank, operator, regulator, ..." },
	{ "tenant", true, "N", "tenant (operator) id" },
	{ "owner", true, "ID", "owner id" },
	{ "name", true, "TEXT", "a label" },
};
static const struct cli_option token_role_options[] = {
	{ "role", true, "ROLE", "the new role" },
	{ "tenant", true, "N", "tenant (operator) id" },
	{ "owner", true, "ID", "owner id" },
};
static const struct cli_spec token_create_spec =
	CLI_SPEC("token create --role ROLE [--tenant N] [--owner ID] [--name TEXT]",
		 "creates a token; the answer shows it once", token_create_options, true);
static const struct cli_spec token_list_spec = CLI_SPEC_NO_OPTIONS("token list", "every token (never their secrets)", true);
static const struct cli_spec token_revoke_spec = CLI_SPEC_NO_OPTIONS("token revoke ID", "revokes a token", true);
static const struct cli_spec token_role_spec =
	CLI_SPEC("token role ID --role ROLE [--tenant N] [--owner ID]", "changes a token's role", token_role_options, true);

static json_t *token_body(const struct cli_args *a)
{
	json_t *o = json_object();
	set_string(o, "role", cli_args_get(a, "role"));
	set_string(o, "tenant_id", cli_args_get(a, "tenant"));
	set_string(o, "owner_id", cli_args_get(a, "owner"));
	return o;
}

static int token_create(const struct client *c, const struct cli_args *a)
{
	json_t *o = token_body(a);
	set_string(o, "name", cli_args_get(a, "name"));
	return send_json(c, "POST", "/v1/tokens", o);
}
static int token_list(const struct client *c, const struct cli_args *a) { (void)a; return send_json(c, "GET", "/v1/tokens", NULL); }
static int token_revoke(const struct client *c, const struct cli_args *a)
{
	char path[256];
	snprintf(path, sizeof path, "/v1/tokens/%s", a->positional[0]);
	return send_json(c, "DELETE", path, NULL);
}
static int token_role(const struct client *c, const struct cli_args *a)
{
	char path[256];
	snprintf(path, sizeof path, "/v1/tokens/%s/role", a->positional[0]);
	return send_json(c, "PUT", path, token_body(a));
}

static const struct action token_actions[] = {
	{ "create", &token_create_spec, token_create, 0, false },
	{ "list", &token_list_spec, token_list, 0, false },
	{ "revoke", &token_revoke_spec, token_revoke, 1, false },
	{ "role", &token_role_spec, token_role, 1, false },
};

/* ---- running an action ------------------------------------------------- */

static void actions_usage(FILE *f, const char *command, const struct action *actions, uint32_t count)
{
	fprintf(f, "usage:\n");
	for (uint32_t i = 0; i < count; i++)
		fprintf(f, "  szfin %s\n", actions[i].spec->usage);
	fprintf(f, "\nszfin %s ACTION --help shows an action's options.\n", command);
}

/* Parse and run one action: argv[0] = its name; prefix = "account" etc. */
static int run_parsed(const struct action *act, const char *name, int argc, char **argv)
{
	SZ_ASSERT(argc >= 1 && argc <= COMMANDS_ARGV_COUNT_MAX);
	char *words[COMMANDS_ARGV_COUNT_MAX + 1];
	memcpy(words, argv, (size_t)argc * sizeof words[0]);
	words[0] = (char *)name;
	words[argc] = NULL;
	struct cli_args a;
	int rc = cli_args_parse(act->spec, argc, words, &a);
	if (rc != CLI_ARGS_OK)
		return cli_args_exit(rc);
	uint32_t want = act->positional_count;
	if (a.positional_count != want && !(act->positional_optional && a.positional_count + 1 == want)) {
		fprintf(stderr, "szfin %s: expected %u argument%s, got %u\nusage: szfin %s\n", name, want,
			want == 1 ? "" : "s", a.positional_count, act->spec->usage);
		return 2;
	}
	struct client c;
	if (client_init_args(&c, &a) != 0)
		return 2;
	return act->run(&c, &a);
}

static int run_actions(int argc, char **argv, const struct action *actions, uint32_t count)
{
	SZ_ASSERT(argc >= 1 && count > 0);
	const char *command = argv[0];
	if (argc < 2) {
		actions_usage(stderr, command, actions, count);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		actions_usage(stdout, command, actions, count);
		return 0;
	}
	if (argc > COMMANDS_ARGV_COUNT_MAX) {
		fprintf(stderr, "szfin %s: more than %d arguments\n", command, COMMANDS_ARGV_COUNT_MAX);
		return 2;
	}
	const char *names[16];
	SZ_ASSERT(count <= 16);
	for (uint32_t i = 0; i < count; i++) {
		names[i] = actions[i].name;
		if (strcmp(argv[1], actions[i].name) == 0) {
			char name[64];
			snprintf(name, sizeof name, "%s %s", command, actions[i].name);
			return run_parsed(&actions[i], name, argc - 1, argv + 1);
		}
	}
	char what[64];
	snprintf(what, sizeof what, "%s action", command);
	cli_unknown_word(what, argv[1], names, count);
	actions_usage(stderr, command, actions, count);
	return 2;
}

#define ACTIONS(table) (table), (uint32_t)(sizeof(table) / sizeof((table)[0]))

int account_main_cli(int argc, char **argv) { return run_actions(argc, argv, ACTIONS(account_actions)); }
int transfer_main_cli(int argc, char **argv) { return run_actions(argc, argv, ACTIONS(transfer_actions)); }
int token_main_cli(int argc, char **argv) { return run_actions(argc, argv, ACTIONS(token_actions)); }

/* ---- one-shot reads ---------------------------------------------------- */

static const struct cli_spec whoami_spec = CLI_SPEC_NO_OPTIONS("whoami", "the role and scope of the current token", true);
static const struct cli_spec status_spec = CLI_SPEC_NO_OPTIONS("status", "live figures: accounts, transfers, commands", true);
static const struct cli_spec health_spec = CLI_SPEC_NO_OPTIONS("health", "is the server alive (GET /healthz)", true);
static const struct cli_spec metrics_spec = CLI_SPEC_NO_OPTIONS("metrics", "the server's Prometheus metrics", true);

static int get_path(const struct client *c, const struct cli_args *a, const char *path)
{
	(void)a;
	return send_json(c, "GET", path, NULL);
}
static int whoami(const struct client *c, const struct cli_args *a) { return get_path(c, a, "/v1/whoami"); }
static int status(const struct client *c, const struct cli_args *a) { return get_path(c, a, "/v1/status"); }
static int health(const struct client *c, const struct cli_args *a) { return get_path(c, a, "/healthz"); }
static int metrics(const struct client *c, const struct cli_args *a) { return get_path(c, a, "/metrics"); }

static int run_single(int argc, char **argv, const struct cli_spec *spec, action_fn fn)
{
	const struct action act = { argv[0], spec, fn, 0, false };
	if (argc > COMMANDS_ARGV_COUNT_MAX) {
		fprintf(stderr, "szfin %s: more than %d arguments\n", argv[0], COMMANDS_ARGV_COUNT_MAX);
		return 2;
	}
	return run_parsed(&act, argv[0], argc, argv);
}

int whoami_main(int argc, char **argv) { return run_single(argc, argv, &whoami_spec, whoami); }
int status_main(int argc, char **argv) { return run_single(argc, argv, &status_spec, status); }
int health_main(int argc, char **argv) { return run_single(argc, argv, &health_spec, health); }
int metrics_main(int argc, char **argv) { return run_single(argc, argv, &metrics_spec, metrics); }
