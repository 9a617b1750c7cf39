/*
 * cli.h — the statistics domain's szfin subcommands (src/stats/cli.c).
 */
#ifndef SZ_STATS_CLI_H
#define SZ_STATS_CLI_H

struct cli_command_table;

extern const struct cli_command_table stats_cli_table;

#endif
