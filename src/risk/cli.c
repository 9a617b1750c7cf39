/*
 * cli.c — `szfin risk`: the risk domain's subcommands.
 *
 *   szfin risk activate FILE               activate a rule-set file (POST /v1/risk/rulesets)
 *   szfin risk check FILE                  parse and check a rule-set file locally, send nothing
 *   szfin risk rulesets                    the versions kept
 *   szfin risk status                      counts and the version in force
 *   szfin risk alerts [refusals]           newest alerts (or refusals)
 *   szfin risk alert NUMBER                one alert with its explanation
 *   szfin risk case-open CASE_ID ALERT [TEXT]
 *   szfin risk case ACTION CASE_ID [ARG]   ACTION: assign ASSIGNEE | comment TEXT | escalate [TEXT]
 *                                          | close DISPOSITION (false_positive, reported, frozen)
 *   szfin risk cases | case-show CASE_ID
 *   szfin risk report KIND [csv]           KIND: large_value | suspicious
 * Common options (--url, --token-file, --json) as for every client command
 * (cli/client.h). Exit codes: 0 ok, 1 the server refused or the file is bad, 2 usage.
 */
#include "risk/cli.h"
#include "cli/cli.h"
#include "cli/client.h"
#include "core/limits.h"
#include "risk/cli_backtest.h"
#include "risk/http.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(FILE *out, int code)
{
	fprintf(out, "usage: szfin risk activate FILE | check FILE | rulesets | status\n"
		     "       szfin risk alerts [refusals] | alert NUMBER\n"
		     "       szfin risk case-open CASE_ID ALERT [TEXT] | cases | case-show CASE_ID\n"
		     "       szfin risk case assign|comment|escalate|close CASE_ID [ARG]\n"
		     "       szfin risk report large_value|suspicious [csv]\n"
		     "       szfin risk backtest ... | gen ...   (offline: no server; --help on each)\n"
		     "  AML rule sets, alerts with explanations, cases and reports\n");
	return code;
}

static int request(const struct client *c, const char *method, const char *path, const char *body)
{
	struct client_answer a;
	if (client_request(c, method, path, body ? "application/json" : NULL, body, body ? strlen(body) : 0, &a) != 0)
		return 1;
	int rc = client_print(c, &a);
	free(a.body);
	return rc;
}

static char *file_text(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "szfin risk: cannot open %s\n", path);
		return NULL;
	}
	char *text = malloc(SZ_API_JSON_BODY_SIZE_MAX + 1);
	*size = text ? fread(text, 1, SZ_API_JSON_BODY_SIZE_MAX + 1, f) : 0;
	fclose(f);
	if (text != NULL && *size > SZ_API_JSON_BODY_SIZE_MAX) {
		fprintf(stderr, "szfin risk: %s is larger than %u bytes\n", path, SZ_API_JSON_BODY_SIZE_MAX);
		free(text);
		return NULL;
	}
	if (text != NULL)
		text[*size] = '\0';
	return text;
}

/* Check the file locally first: a bad file gets its sentence without a round trip. */
static int activate(const struct client *c, const char *path, bool send)
{
	size_t size = 0;
	char *text = file_text(path, &size), why[256];
	if (text == NULL)
		return 1;
	struct risk_ruleset *rs = malloc(sizeof *rs);
	int rc = rs == NULL ? 1 : risk_ruleset_parse(text, size, rs, why, sizeof why);
	if (rc != 0) {
		fprintf(stderr, "szfin risk: %s: %s\n", path, rs ? why : "no memory");
	} else if (!send) {
		printf("%s: version %u (%s): %u rules, %u typologies\n", path, rs->version, rs->name, rs->rule_count,
		       rs->typology_count);
	} else {
		rc = request(c, "POST", "/v1/risk/rulesets", text);
	}
	free(rs);
	free(text);
	return rc != 0;
}

static int case_action(const struct client *c, int argc, char **argv)
{
	const char *action = argv[2], *arg = argc >= 5 ? argv[4] : NULL;
	json_t *body = json_pack("{s:s}", "action", action);
	if (arg != NULL) {
		const char *key = strcmp(action, "assign") == 0 ? "assignee" : strcmp(action, "close") == 0 ? "disposition" : "text";
		json_object_set_new(body, key, json_string(arg));
	}
	char path[128];
	snprintf(path, sizeof path, "/v1/risk/cases/%.40s/events", argv[3]);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	int rc = text ? request(c, "POST", path, text) : 1;
	free(text);
	return rc;
}

static int case_open(const struct client *c, int argc, char **argv)
{
	json_t *body = json_pack("{s:s, s:s}", "case_id", argv[2], "alert", argv[3]);
	if (argc >= 5)
		json_object_set_new(body, "text", json_string(argv[4]));
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	int rc = text ? request(c, "POST", "/v1/risk/cases", text) : 1;
	free(text);
	return rc;
}

static int get_path(const struct client *c, const char *fmt, const char *arg)
{
	char path[160];
	snprintf(path, sizeof path, fmt, arg);
	return request(c, "GET", path, NULL);
}

static int risk_main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return usage(stdout, 0);
	if (argc >= 2 && strcmp(argv[1], "backtest") == 0) /* offline: no --url or token */
		return risk_backtest_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "gen") == 0)
		return risk_gen_main(argc - 1, argv + 1);
	struct client c;
	argc = client_init(&c, argc, argv);
	if (argc < 2)
		return argc < 0 ? 2 : usage(stderr, 2);
	const char *cmd = argv[1];
	if (argc == 3 && (strcmp(cmd, "activate") == 0 || strcmp(cmd, "check") == 0))
		return activate(&c, argv[2], strcmp(cmd, "activate") == 0);
	if (argc == 2 && strcmp(cmd, "rulesets") == 0)
		return get_path(&c, "/v1/risk/rulesets%s", "");
	if (argc == 2 && strcmp(cmd, "status") == 0)
		return get_path(&c, "/v1/risk/status%s", "");
	if ((argc == 2 || (argc == 3 && strcmp(argv[2], "refusals") == 0)) && strcmp(cmd, "alerts") == 0)
		return get_path(&c, "/v1/risk/alerts?kind=%s", argc == 3 ? "refusals" : "alerts");
	if (argc == 3 && strcmp(cmd, "alert") == 0)
		return get_path(&c, "/v1/risk/alerts/%.24s", argv[2]);
	if ((argc == 4 || argc == 5) && strcmp(cmd, "case-open") == 0)
		return case_open(&c, argc, argv);
	if ((argc == 4 || argc == 5) && strcmp(cmd, "case") == 0)
		return case_action(&c, argc, argv);
	if (argc == 2 && strcmp(cmd, "cases") == 0)
		return get_path(&c, "/v1/risk/cases%s", "");
	if (argc == 3 && strcmp(cmd, "case-show") == 0)
		return get_path(&c, "/v1/risk/cases/%.40s", argv[2]);
	if ((argc == 3 || argc == 4) && strcmp(cmd, "report") == 0) {
		char q[96];
		snprintf(q, sizeof q, "%.20s&format=%s", argv[2], argc == 4 ? argv[3] : "json");
		return get_path(&c, "/v1/risk/reports?kind=%s", q);
	}
	return usage(stderr, 2);
}

static const struct cli_command risk_commands[] = {
	{ "risk", risk_main, "AML rule sets, alerts with explanations, cases and reports" },
};

const struct cli_command_table risk_cli_table = { "risk", risk_commands, sizeof risk_commands / sizeof risk_commands[0] };
