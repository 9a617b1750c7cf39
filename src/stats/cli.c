/*
 * cli.c — `szfin stats`: the statistics domain's subcommands.
 *
 *   szfin stats show CURRENCY               daily figures (GET /v1/stats/CURRENCY)
 *   szfin stats threshold CURRENCY AMOUNT   set the large-value threshold
 * Common options (--url, --token-file, --json) as for every client command
 * (cli/client.h). Exit codes: 0 ok, 1 the server refused, 2 usage.
 */
#include "stats/cli.h"
#include "cli/cli.h"
#include "cli/client.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(FILE *out, int code)
{
	fprintf(out, "usage: szfin stats show CURRENCY [--json]\n"
		     "       szfin stats threshold CURRENCY AMOUNT [--json]\n"
		     "  daily transfer figures per currency, and the large-value threshold\n");
	return code;
}

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

static int stats_main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return usage(stdout, 0);
	struct client c;
	argc = client_init(&c, argc, argv);
	if (argc < 0)
		return 2;
	if (argc == 3 && strcmp(argv[1], "show") == 0)
		return show(&c, argv[2]);
	if (argc == 4 && strcmp(argv[1], "threshold") == 0)
		return threshold(&c, argv[2], argv[3]);
	return usage(stderr, 2);
}

static const struct cli_command stats_commands[] = {
	{ "stats", stats_main, "daily transfer figures per currency; large-value thresholds" },
};

const struct cli_command_table stats_cli_table = { "stats", stats_commands,
						   sizeof stats_commands / sizeof stats_commands[0] };
