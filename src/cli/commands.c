/*
 * commands.c — client subcommands for every API operation:
 *   szfin account  create|get|list|history|freeze|unfreeze|close
 *   szfin transfer create|batch|get|post|void
 *   szfin token    create|list|revoke|role
 *   szfin whoami | status | health | metrics
 * Each builds one request from its flags, sends it with client.c and prints
 * the answer for people (or as JSON with --json). Flags map one-to-one onto
 * JSON fields; the server validates everything.
 */
#include "cli/cli.h"
#include "cli/client.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARG_COUNT_MAX 32

struct args {
	const char *positional[ARG_COUNT_MAX];
	int positional_count;
	const char *names[ARG_COUNT_MAX];
	const char *values[ARG_COUNT_MAX]; /* NULL for a bare switch */
	int flag_count;
};

/* Flags that take no value. */
static bool is_switch(const char *name)
{
	return strcmp(name, "pending") == 0 || strcmp(name, "linked") == 0 || strcmp(name, "help") == 0;
}

static int args_parse(struct args *a, int argc, char **argv)
{
	memset(a, 0, sizeof *a);
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0) {
			if (a->flag_count == ARG_COUNT_MAX)
				return -1;
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
		} else if (a->positional_count < ARG_COUNT_MAX) {
			a->positional[a->positional_count++] = argv[i];
		}
	}
	return 0;
}

static const char *flag(const struct args *a, const char *name)
{
	for (int i = 0; i < a->flag_count; i++)
		if (strcmp(a->names[i], name) == 0)
			return a->values[i] ? a->values[i] : "";
	return NULL;
}

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

static int need(const struct args *a, int count, const char *usage)
{
	if (a->positional_count >= count)
		return 0;
	fprintf(stderr, "usage: szfin %s\n", usage);
	return 2;
}

/* Path with an optional query string built from flags. */
static void path_query(char *out, size_t size, const char *base, const struct args *a, const char *const *keys,
		       const char *const *names)
{
	int n = snprintf(out, size, "%s", base);
	char sep = '?';
	for (int i = 0; keys[i] != NULL; i++) {
		const char *v = flag(a, names[i]);
		if (v != NULL && n > 0 && (size_t)n < size) {
			n += snprintf(out + n, size - (size_t)n, "%c%s=%s", sep, keys[i], v);
			sep = '&';
		}
	}
}

static int account_main(const struct client *c, const struct args *a)
{
	const char *usage = "account create --id ID --currency CNY [--owner ID] [--tenant N] [--kind KIND] [--flags F,G]\n"
			    "       szfin account get ID | list --owner ID [--limit N] [--cursor C]\n"
			    "       szfin account history ID [--limit N] [--cursor C] | freeze ID | unfreeze ID | close ID";
	if (need(a, 1, usage))
		return 2;
	const char *action = a->positional[0];
	char path[512];
	if (strcmp(action, "create") == 0) {
		json_t *o = json_object();
		set_string(o, "id", flag(a, "id"));
		set_string(o, "currency", flag(a, "currency"));
		set_string(o, "owner_id", flag(a, "owner"));
		set_string(o, "tenant_id", flag(a, "tenant"));
		set_string(o, "kind", flag(a, "kind"));
		set_string(o, "user_data", flag(a, "user-data"));
		const char *flags = flag(a, "flags");
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
	if (strcmp(action, "list") == 0) {
		static const char *const keys[] = { "owner_id", "limit", "cursor", NULL };
		static const char *const names[] = { "owner", "limit", "cursor", NULL };
		path_query(path, sizeof path, "/v1/accounts", a, keys, names);
		return send_json(c, "GET", path, NULL);
	}
	if (need(a, 2, usage))
		return 2;
	const char *id = a->positional[1];
	if (strcmp(action, "get") == 0) {
		snprintf(path, sizeof path, "/v1/accounts/%s", id);
		return send_json(c, "GET", path, NULL);
	}
	if (strcmp(action, "history") == 0) {
		static const char *const keys[] = { "limit", "cursor", NULL };
		char base[128];
		snprintf(base, sizeof base, "/v1/accounts/%s/transfers", id);
		path_query(path, sizeof path, base, a, keys, keys);
		return send_json(c, "GET", path, NULL);
	}
	if (strcmp(action, "freeze") == 0 || strcmp(action, "unfreeze") == 0 || strcmp(action, "close") == 0) {
		snprintf(path, sizeof path, "/v1/accounts/%s/%s", id, action);
		return send_json(c, "POST", path, NULL);
	}
	return need(a, 99, usage);
}

static json_t *transfer_from_flags(const struct args *a)
{
	json_t *o = json_object();
	set_string(o, "id", flag(a, "id"));
	set_string(o, "debit_account_id", flag(a, "from"));
	set_string(o, "credit_account_id", flag(a, "to"));
	set_string(o, "amount", flag(a, "amount"));
	set_string(o, "currency", flag(a, "currency"));
	set_string(o, "user_ref", flag(a, "ref"));
	if (flag(a, "code"))
		json_object_set_new(o, "code", json_integer(atoll(flag(a, "code"))));
	if (flag(a, "timeout"))
		json_object_set_new(o, "timeout_s", json_integer(atoll(flag(a, "timeout"))));
	if (flag(a, "pending"))
		json_object_set_new(o, "pending", json_true());
	return o;
}

static int transfer_batch(const struct client *c, const struct args *a)
{
	const char *file = a->positional_count > 1 ? a->positional[1] : "-";
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
	if (flag(a, "linked"))
		json_object_set_new(doc, "linked", json_true());
	return send_json(c, "POST", "/v1/transfers/batch", doc);
}

static int transfer_main(const struct client *c, const struct args *a)
{
	const char *usage = "transfer create --id ID --from ACCOUNT --to ACCOUNT --amount 12.34 --currency CNY\n"
			    "                [--code N] [--ref ID] [--pending [--timeout S]]\n"
			    "       szfin transfer batch FILE.json|- [--linked] | get ID\n"
			    "       szfin transfer post PENDING_ID --id ID [--amount A] | void PENDING_ID --id ID";
	if (need(a, 1, usage))
		return 2;
	const char *action = a->positional[0];
	char path[512];
	if (strcmp(action, "create") == 0)
		return send_json(c, "POST", "/v1/transfers", transfer_from_flags(a));
	if (strcmp(action, "batch") == 0)
		return transfer_batch(c, a);
	if (need(a, 2, usage))
		return 2;
	if (strcmp(action, "get") == 0) {
		snprintf(path, sizeof path, "/v1/transfers/%s", a->positional[1]);
		return send_json(c, "GET", path, NULL);
	}
	if (strcmp(action, "post") == 0 || strcmp(action, "void") == 0) {
		json_t *o = json_object();
		set_string(o, "id", flag(a, "id"));
		if (strcmp(action, "post") == 0)
			set_string(o, "amount", flag(a, "amount"));
		snprintf(path, sizeof path, "/v1/transfers/%s/%s", a->positional[1], action);
		return send_json(c, "POST", path, o);
	}
	return need(a, 99, usage);
}

static int token_main(const struct client *c, const struct args *a)
{
	const char *usage = "token create --role ROLE [--tenant N] [--owner ID] [--name TEXT] | list\n"
			    "       szfin token revoke ID | role ID --role ROLE [--tenant N] [--owner ID]";
	if (need(a, 1, usage))
		return 2;
	const char *action = a->positional[0];
	char path[256];
	if (strcmp(action, "list") == 0)
		return send_json(c, "GET", "/v1/tokens", NULL);
	json_t *o = json_object();
	set_string(o, "role", flag(a, "role"));
	set_string(o, "tenant_id", flag(a, "tenant"));
	set_string(o, "owner_id", flag(a, "owner"));
	if (strcmp(action, "create") == 0) {
		set_string(o, "name", flag(a, "name"));
		return send_json(c, "POST", "/v1/tokens", o);
	}
	if (a->positional_count < 2 || (strcmp(action, "revoke") != 0 && strcmp(action, "role") != 0)) {
		json_decref(o);
		return need(a, 99, usage);
	}
	if (strcmp(action, "revoke") == 0) {
		json_decref(o);
		snprintf(path, sizeof path, "/v1/tokens/%s", a->positional[1]);
		return send_json(c, "DELETE", path, NULL);
	}
	snprintf(path, sizeof path, "/v1/tokens/%s/role", a->positional[1]);
	return send_json(c, "PUT", path, o);
}

static int run(int argc, char **argv, int (*body)(const struct client *, const struct args *))
{
	struct client c;
	argc = client_init(&c, argc - 1, argv + 1);
	if (argc < 0)
		return 2;
	struct args a;
	if (args_parse(&a, argc, argv + 1))
		return 2;
	if (flag(&a, "help") != NULL || (a.positional_count > 0 && strcmp(a.positional[0], "-h") == 0)) {
		a.positional_count = 0; /* each subcommand prints its usage when given no action */
		body(&c, &a);
		fprintf(stderr, "\ncommon options: --url URL (or SZFIN_URL), --token-file FILE (or SZFIN_TOKEN_FILE;\n"
				"SZFIN_TOKEN takes the token itself), --json for the server's JSON as is.\n");
		return 0;
	}
	return body(&c, &a);
}

static int whoami(const struct client *c, const struct args *a)
{
	if (a->positional_count == 0 && flag(a, "help"))
		return 2;
	return send_json(c, "GET", "/v1/whoami", NULL);
}
static int status(const struct client *c, const struct args *a) { (void)a; return send_json(c, "GET", "/v1/status", NULL); }
static int health(const struct client *c, const struct args *a) { (void)a; return send_json(c, "GET", "/healthz", NULL); }
static int metrics(const struct client *c, const struct args *a) { (void)a; return send_json(c, "GET", "/metrics", NULL); }

int account_main_cli(int argc, char **argv) { return run(argc, argv, account_main); }
int transfer_main_cli(int argc, char **argv) { return run(argc, argv, transfer_main); }
int token_main_cli(int argc, char **argv) { return run(argc, argv, token_main); }
int whoami_main(int argc, char **argv) { return run(argc, argv, whoami); }
int status_main(int argc, char **argv) { return run(argc, argv, status); }
int health_main(int argc, char **argv) { return run(argc, argv, health); }
int metrics_main(int argc, char **argv) { return run(argc, argv, metrics); }
