/*
 * dispatch.c — the szfin command's dispatcher and the platform's own
 * subcommand table.
 *
 * Owns: argument dispatch only. Subcommands come in tables (cli.h): the
 * platform's below, each domain's from its src/<domain>/cli.c, all handed in
 * by the composition root (src/app/main.c). Each subcommand lives in its
 * module and has the signature int name_main(int argc, char **argv) with
 * argv[0] = name.
 */
#include "cli/args.h"
#include "cli/cli.h"
#include "core/assert.h"

#include <stdio.h>
#include <string.h>

static const struct cli_command platform_commands[] = {
	{ "serve", serve_main, "run the server (HTTP API, engine, log); --help for options" },
	{ "account", account_main_cli, "create, get, list, history, freeze, unfreeze, close accounts" },
	{ "transfer", transfer_main_cli, "create (single, pending), batch, list, get, post, void transfers" },
	{ "token", token_main_cli, "create, list, revoke tokens and change their roles (admin)" },
	{ "whoami", whoami_main, "the role and scope of the current token" },
	{ "status", status_main, "live figures: accounts, transfers, commands" },
	{ "health", health_main, "is the server alive" },
	{ "metrics", metrics_main, "the server's Prometheus metrics" },
	{ "load", load_main, "generate HTTP load and print throughput and latency percentiles" },
	{ "verify", verify_main, "check a data directory's checksums and hash chain offline" },
};

const struct cli_command_table cli_platform_table = {
	"platform", platform_commands, sizeof platform_commands / sizeof platform_commands[0],
};

static void usage(FILE *f, const struct cli_command_table *const *tables, uint32_t table_count)
{
	fprintf(f, "usage: szfin COMMAND [ARGS]\n\ncommands:\n");
	for (uint32_t t = 0; t < table_count; t++)
		for (uint32_t i = 0; i < tables[t]->count; i++)
			fprintf(f, "  %-10s %s\n", tables[t]->commands[i].name, tables[t]->commands[i].summary);
	fprintf(f, "\nszfin COMMAND --help shows a command's options; szfin --version the version.\n");
}

static void unknown_command(const char *word, const struct cli_command_table *const *tables, uint32_t table_count)
{
	enum { NAME_COUNT_MAX = 256 };
	const char *names[NAME_COUNT_MAX];
	uint32_t n = 0;
	for (uint32_t t = 0; t < table_count; t++)
		for (uint32_t i = 0; i < tables[t]->count && n < NAME_COUNT_MAX; i++)
			names[n++] = tables[t]->commands[i].name;
	cli_unknown_word("command", word, names, n);
}

int cli_main(int argc, char **argv, const struct cli_command_table *const *tables, uint32_t table_count)
{
	SZ_ASSERT(tables != NULL && table_count > 0);
	SZ_ASSERT(argc >= 1);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout, tables, table_count);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("szfin %s\n", SZFIN_VERSION);
		return 0;
	}
	for (uint32_t t = 0; t < table_count; t++)
		for (uint32_t i = 0; i < tables[t]->count; i++)
			if (strcmp(argv[1], tables[t]->commands[i].name) == 0)
				return tables[t]->commands[i].main(argc - 1, argv + 1);
	unknown_command(argv[1], tables, table_count);
	fprintf(stderr, "(szfin --help lists the commands)\n");
	return 2;
}
