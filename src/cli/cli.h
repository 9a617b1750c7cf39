/*
 * cli.h — the szfin command's subcommand tables and the platform's own
 * subcommands.
 *
 * Owns: struct cli_command (name, entry point, one-line summary) and struct
 * cli_command_table (one per domain: src/<domain>/cli.c exports
 * `<domain>_cli_table`; the platform's own is cli_platform_table), and the
 * dispatcher (dispatch.c) that runs `szfin NAME ARGS` from the tables the
 * composition root (src/app/registry.c) passes it.
 * Every entry point has the signature int name_main(int argc, char **argv)
 * with argv[0] = name and returns the process exit code (0 ok, 1 failed,
 * 2 usage). Never: name a domain here; domains bring their own tables.
 */
#ifndef SZ_CLI_H
#define SZ_CLI_H

#include <stdint.h>

typedef int (*cli_main_fn)(int argc, char **argv);

struct cli_command {
	const char *name;
	cli_main_fn main;
	const char *summary;
};

struct cli_command_table {
	const char *domain;
	const struct cli_command *commands;
	uint32_t count;
};

/* serve, account, transfer, token, whoami, status, health, metrics, load, verify. */
extern const struct cli_command_table cli_platform_table;

/* Run argv[1] from the first table that names it (platform first, then the
 * domains in order); usage on --help or an unknown name. */
int cli_main(int argc, char **argv, const struct cli_command_table *const *tables, uint32_t table_count);

/* The platform's subcommands (commands.c, load.c, serve.c; verify_main in
 * the log's verifier until it moves to cli/verify.c). */
int verify_main(int argc, char **argv);
int serve_main(int argc, char **argv);
int account_main_cli(int argc, char **argv);
int transfer_main_cli(int argc, char **argv);
int token_main_cli(int argc, char **argv);
int whoami_main(int argc, char **argv);
int status_main(int argc, char **argv);
int health_main(int argc, char **argv);
int metrics_main(int argc, char **argv);
int load_main(int argc, char **argv);
/* Domain clients still kept in this folder until they move to their
 * domains (src/<domain>/cli.c). */
int currency_main_cli(int argc, char **argv); /* currency.c */
int green_main_cli(int argc, char **argv); /* green.c */

#endif
