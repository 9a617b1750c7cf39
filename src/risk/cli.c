/*
 * cli.c — `szfin risk`: the risk domain's subcommands.
 *
 *   szfin risk activate FILE               activate a rule-set file (POST /v1/risk/rulesets)
 *   szfin risk check FILE                  parse and check a rule-set file locally, send nothing
 *   szfin risk rulesets                    the versions kept
 *   szfin risk status                      counts and the version in force
 *   szfin risk alerts [refusals] [--limit N] [--after CURSOR]   newest alerts (or refusals), a page
 *   szfin risk alert NUMBER                one alert with its explanation
 *   szfin risk case-open CASE_ID ALERT [TEXT]
 *   szfin risk case ACTION CASE_ID [ARG]   ACTION: assign ASSIGNEE | comment TEXT | escalate [TEXT]
 *                                          | close DISPOSITION (false_positive, reported, frozen)
 *   szfin risk cases [--limit N] [--after CURSOR] | case-show CASE_ID
 *                                          (--after: the next_cursor of the previous page)
 *   szfin risk report KIND [csv]           KIND: large_value | suspicious
 *   szfin risk screen NAME [--subject ID] [--event ID] [--threshold N]   POST /v1/risk/screen
 *   szfin risk purge BEFORE                POST /v1/risk/purge (retention)
 *   szfin risk declare ACCOUNT CURRENCY MONTHLY_VOLUME   POST /v1/risk/declarations ("0" withdraws)
 *   szfin risk declaration ACCOUNT         GET /v1/risk/declarations/{account}
 * Options through the table of cli/args.h (getopt_long: unknown options get
 * a "did you mean", --help prints the usage); an unknown action gets one too.
 * Common options (--url, --token-file, --json) as for every client command
 * (cli/client.h). Exit codes: 0 ok, 1 the server refused or the file is bad, 2 usage.
 */
#include "risk/cli.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/client.h"
#include "core/limits.h"
#include "risk/cli_backtest.h"
#include "risk/http.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RISK_USAGE \
	"risk activate FILE | check FILE | rulesets | status\n" \
	"       szfin risk alerts [refusals] [--limit N] [--after CURSOR] | alert NUMBER\n" \
	"       szfin risk case-open CASE_ID ALERT [TEXT] | cases [--limit N] [--after CURSOR] | case-show CASE_ID\n" \
	"       szfin risk case assign|comment|escalate|close CASE_ID [ARG]\n" \
	"       szfin risk report large_value|suspicious [csv]\n" \
	"       szfin risk screen NAME [--subject ID] [--event ID] [--threshold N]\n" \
	"       szfin risk purge BEFORE   (RFC 3339: alerts older than it, past the retention period)\n" \
	"       szfin risk declare ACCOUNT CURRENCY MONTHLY_VOLUME | declaration ACCOUNT\n" \
	"       szfin risk backtest ... | gen ...   (offline: no server; --help on each)"

static const struct cli_option risk_options[] = {
	{ "subject", true, "ID", "screen: the account whose holder NAME is (a hit opens a screening alert)" },
	{ "event", true, "ID", "screen: the registration or transfer screened for" },
	{ "threshold", true, "N", "screen: hit threshold, per mille (default 900)" },
	{ "limit", true, "N", "alerts, cases: rows per page (1-1000, default 100)" },
	{ "after", true, "CURSOR", "alerts, cases: continue after a page (its next_cursor)" },
};
static const struct cli_spec risk_spec = CLI_SPEC(RISK_USAGE, "AML rule sets, alerts with explanations, cases, "
						  "reports and name screening", risk_options, true);
static const char *const risk_actions[] = { "activate", "check", "rulesets", "status", "alerts", "alert",
					    "case-open", "case", "cases", "case-show", "report", "screen", "purge",
					    "declare", "declaration", "backtest", "gen" };

static int usage(FILE *out, int code)
{
	fprintf(out, "usage: szfin %s\n", RISK_USAGE);
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

/* p: "case" ACTION CASE_ID [ARG] */
static int case_action(const struct client *c, uint32_t n, const char *const *p)
{
	const char *action = p[1], *arg = n >= 4 ? p[3] : NULL;
	json_t *body = json_pack("{s:s}", "action", action);
	if (arg != NULL) {
		const char *key = strcmp(action, "assign") == 0 ? "assignee" : strcmp(action, "close") == 0 ? "disposition" : "text";
		json_object_set_new(body, key, json_string(arg));
	}
	char path[128];
	snprintf(path, sizeof path, "/v1/risk/cases/%.40s/events", p[2]);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	int rc = text ? request(c, "POST", path, text) : 1;
	free(text);
	return rc;
}

/* p: "case-open" CASE_ID ALERT [TEXT] */
static int case_open(const struct client *c, uint32_t n, const char *const *p)
{
	json_t *body = json_pack("{s:s, s:s}", "case_id", p[1], "alert", p[2]);
	if (n >= 4)
		json_object_set_new(body, "text", json_string(p[3]));
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

static int screen(const struct client *c, const struct cli_args *a, const char *name)
{
	json_t *body = json_pack("{s:s}", "name", name);
	const char *subject = cli_args_get(a, "subject"), *event = cli_args_get(a, "event");
	const char *threshold = cli_args_get(a, "threshold");
	if (subject)
		json_object_set_new(body, "subject", json_string(subject));
	if (event)
		json_object_set_new(body, "event", json_string(event));
	if (threshold) { /* the server checks the range; a non-number is sent as text and refused there */
		char *end;
		long long v = strtoll(threshold, &end, 10);
		json_object_set_new(body, "threshold", *end == '\0' && end != threshold ? json_integer(v)
										  : json_string(threshold));
	}
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	int rc = text ? request(c, "POST", "/v1/risk/screen", text) : 1;
	free(text);
	return rc;
}

/* GET a newest-first list with --limit and --after (next_cursor) as its
 * limit and cursor; query already holds the path and its first parameter. */
static int get_page(const struct client *c, const struct cli_args *a, const char *query)
{
	static const char *const keys[] = { "limit", "cursor", NULL }, *const names[] = { "limit", "after", NULL };
	char path[256];
	snprintf(path, sizeof path, "%s", query);
	client_query_append(path, sizeof path, a, keys, names);
	return get_path(c, "%s", path);
}

/* The action's words are right in number; 0 runs it, else the exit code. */
static int dispatch(const struct client *c, const struct cli_args *a)
{
	uint32_t n = a->positional_count;
	const char *const *p = a->positional;
	const char *cmd = p[0];
	if (n == 2 && strcmp(cmd, "activate") == 0)
		return activate(c, p[1], true);
	if (n == 1 && strcmp(cmd, "rulesets") == 0)
		return get_path(c, "/v1/risk/rulesets%s", "");
	if (n == 1 && strcmp(cmd, "status") == 0)
		return get_path(c, "/v1/risk/status%s", "");
	if ((n == 1 || (n == 2 && strcmp(p[1], "refusals") == 0)) && strcmp(cmd, "alerts") == 0)
		return get_page(c, a, n == 2 ? "/v1/risk/alerts?kind=refusals" : "/v1/risk/alerts?kind=alerts");
	if (n == 2 && strcmp(cmd, "alert") == 0)
		return get_path(c, "/v1/risk/alerts/%.24s", p[1]);
	if ((n == 3 || n == 4) && strcmp(cmd, "case-open") == 0)
		return case_open(c, n, p);
	if ((n == 3 || n == 4) && strcmp(cmd, "case") == 0)
		return case_action(c, n, p);
	if (n == 1 && strcmp(cmd, "cases") == 0)
		return get_page(c, a, "/v1/risk/cases");
	if (n == 2 && strcmp(cmd, "case-show") == 0)
		return get_path(c, "/v1/risk/cases/%.40s", p[1]);
	if ((n == 2 || n == 3) && strcmp(cmd, "report") == 0) {
		char q[96];
		snprintf(q, sizeof q, "%.20s&format=%s", p[1], n == 3 ? p[2] : "json");
		return get_path(c, "/v1/risk/reports?kind=%s", q);
	}
	if (n == 2 && strcmp(cmd, "screen") == 0)
		return screen(c, a, p[1]);
	if (n == 4 && strcmp(cmd, "declare") == 0) {
		json_t *body = json_pack("{s:s, s:s, s:s}", "account", p[1], "currency", p[2], "monthly_volume", p[3]);
		char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
		json_decref(body);
		int rc = text ? request(c, "POST", "/v1/risk/declarations", text) : 1;
		free(text);
		return rc;
	}
	if (n == 2 && strcmp(cmd, "declaration") == 0)
		return get_path(c, "/v1/risk/declarations/%.40s", p[1]);
	if (n == 2 && strcmp(cmd, "purge") == 0) {
		json_t *body = json_pack("{s:s}", "before", p[1]);
		char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
		json_decref(body);
		int rc = text ? request(c, "POST", "/v1/risk/purge", text) : 1;
		free(text);
		return rc;
	}
	return usage(stderr, 2);
}

static int risk_main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "backtest") == 0) /* offline, with their own option tables */
		return risk_backtest_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "gen") == 0)
		return risk_gen_main(argc - 1, argv + 1);
	struct cli_args a;
	int status = cli_args_parse(&risk_spec, argc, argv, &a);
	if (status != CLI_ARGS_OK)
		return cli_args_exit(status);
	if (a.positional_count == 0)
		return usage(stderr, 2);
	const char *cmd = a.positional[0];
	bool known = false;
	for (uint32_t i = 0; i < sizeof risk_actions / sizeof risk_actions[0]; i++)
		known |= strcmp(cmd, risk_actions[i]) == 0;
	if (!known) {
		cli_unknown_word("risk action", cmd, risk_actions, sizeof risk_actions / sizeof risk_actions[0]);
		return 2;
	}
	bool screen_options = cli_args_has(&a, "subject") || cli_args_has(&a, "event") || cli_args_has(&a, "threshold");
	if (screen_options && strcmp(cmd, "screen") != 0) {
		fprintf(stderr, "szfin risk %s: --subject, --event and --threshold belong to screen\n", cmd);
		return 2;
	}
	bool page_options = cli_args_has(&a, "limit") || cli_args_has(&a, "after");
	if (page_options && strcmp(cmd, "alerts") != 0 && strcmp(cmd, "cases") != 0) {
		fprintf(stderr, "szfin risk %s: --limit and --after belong to alerts and cases\n", cmd);
		return 2;
	}
	if (strcmp(cmd, "check") == 0) /* local: no server, no token */
		return a.positional_count == 2 ? activate(NULL, a.positional[1], false) : usage(stderr, 2);
	struct client c;
	if (client_init_args(&c, &a) != 0)
		return 2;
	return dispatch(&c, &a);
}

static const struct cli_command risk_commands[] = {
	{ "risk", risk_main, "AML rule sets, alerts with explanations, cases and reports" },
};

const struct cli_command_table risk_cli_table = { "risk", risk_commands, sizeof risk_commands / sizeof risk_commands[0] };
