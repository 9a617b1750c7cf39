/*
 * main.c — the szfin command: dispatches to subcommands.
 *
 * Owns: argument dispatch only. Each subcommand lives in its module and has
 * the signature int name_main(int argc, char **argv) with argv[0] = name.
 */
#include "cli/cli.h"
#include "credit/cli.h"

#include <stdio.h>
#include <string.h>

struct subcommand {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "serve", serve_main, "run the server (HTTP API, engine, log); --help for options" },
	{ "account", account_main_cli, "create, get, list, history, freeze, unfreeze, close accounts" },
	{ "transfer", transfer_main_cli, "create (single, pending), batch, get, post, void transfers" },
	{ "token", token_main_cli, "create, list, revoke tokens and change their roles (admin)" },
	{ "whoami", whoami_main, "the role and scope of the current token" },
	{ "status", status_main, "live figures: accounts, transfers, commands" },
	{ "health", health_main, "is the server alive" },
	{ "metrics", metrics_main, "the server's Prometheus metrics" },
	{ "load", load_main, "generate HTTP load and print throughput and latency percentiles" },
	{ "currency", currency_main_cli, "digital currency and contracts: wallets, devices, offline signing (see szfin currency)" },
	{ "credit", credit_cli_main, "enterprise credit: registry, data feeds, scorecards (see szfin credit --help)" },
	{ "green", green_main_cli, "green finance: carbon accounts, factor sets, pricing, PCAF, taxonomy (see szfin green --help)" },
	{ "verify", verify_main, "check a data directory's checksums and hash chain offline" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: szfin COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(f, "\nszfin COMMAND --help shows a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].main(argc - 1, argv + 1);
	fprintf(stderr, "szfin: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
