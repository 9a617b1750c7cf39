/*
 * main.c — the szfin program: installs the domain registry (route tables,
 * result tables) and runs the subcommand named on the command line from the
 * platform's and the domains' CLI tables.
 */
#include "app/registry.h"
#include "cli/cli.h"

#include <stdio.h>

/* Room for the platform's table and one per domain. */
#define MAIN_CLI_TABLE_COUNT_MAX 64u

int main(int argc, char **argv)
{
	char why[256];
	if (app_registry_install(why, sizeof why) != 0) {
		fprintf(stderr, "szfin: the domain registry is inconsistent: %s\n", why);
		return 70; /* EX_SOFTWARE: a build defect, not a usage error */
	}
	const struct cli_command_table *tables[MAIN_CLI_TABLE_COUNT_MAX];
	uint32_t count = app_cli_tables(tables, MAIN_CLI_TABLE_COUNT_MAX);
	return cli_main(argc, argv, tables, count);
}
