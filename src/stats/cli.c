/*
 * cli.c — `szfin stats`: the statistics domain's subcommands.
 *
 *   szfin stats show CURRENCY               daily figures (GET /v1/stats/CURRENCY)
 *   szfin stats threshold CURRENCY AMOUNT   set the large-value threshold
 * Common options (--url, --token-file, --json) as for every client command
 * (cli/client.h). Exit codes: 0 ok, 1 the server refused, 2 usage.
 */
#include "stats/cli.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/client.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int show(const struct client *c, const char *currency)
{
	char path[64];
	snprintf(path, sizeof path, "/v1/stats/%.8s", currency);
	struct client_answer a;
	if (client_request(c, "GET", path, NULL, NULL, 0, &a) != 0)
		return 1;
	int rc = client_print(c, &a);
	free(a.body);
	return rc;
}

static int threshold(const struct client *c, const char *currency, const char *amount)
{
	json_t *body = json_pack("{s:s, s:s}", "currency", currency, "threshold", amount);
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (text == NULL)
		return 1;
	struct client_answer a;
	int rc = client_request(c, "POST", "/v1/stats/thresholds", "application/json", text, strlen(text), &a);
	free(text);
	if (rc != 0)
		return 1;
	rc = client_print(c, &a);
	free(a.body);
	return rc;
}

static const struct cli_spec stats_spec = CLI_SPEC_NO_OPTIONS(
	"stats show CURRENCY [--json]\n       szfin stats threshold CURRENCY AMOUNT [--json]",
	"daily transfer figures per currency, and the large-value threshold", true);

static int stats_main(int argc, char **argv)
{
	struct cli_args a;
	int status = cli_args_parse(&stats_spec, argc, argv, &a);
	if (status != CLI_ARGS_OK)
		return cli_args_exit(status);
	struct client c;
	bool show_words = a.positional_count == 2 && strcmp(a.positional[0], "show") == 0;
	bool threshold_words = a.positional_count == 3 && strcmp(a.positional[0], "threshold") == 0;
	if (!show_words && !threshold_words) {
		fprintf(stderr, "usage: szfin %s\n", stats_spec.usage);
		return 2;
	}
	if (client_init_args(&c, &a) != 0)
		return 2;
	return show_words ? show(&c, a.positional[1]) : threshold(&c, a.positional[1], a.positional[2]);
}

static const struct cli_command stats_commands[] = {
	{ "stats", stats_main, "daily transfer figures per currency; large-value thresholds" },
};

const struct cli_command_table stats_cli_table = { "stats", stats_commands,
						   sizeof stats_commands / sizeof stats_commands[0] };
