/*
 * args.h — the command line of every szfin subcommand, read through one
 * declarative option table per command (getopt_long underneath).
 *
 * Owns: struct cli_option (a --name, whether it takes a value, its help
 * line), struct cli_spec (a command's usage text and its options), the
 * parse (unknown options are errors with a "did you mean --x?" by edit
 * distance; a missing value is an error naming the option; --help/-h prints
 * the command's help on stdout and runs nothing), and the options every
 * client command shares (--url, --token-file, --json), which the parse adds
 * to every table that asks for them.
 * Never: read a value's meaning (the server validates values), print to
 * stdout except --help, or exit the process.
 *
 * Use:
 *   static const struct cli_option opts[] = {
 *       { "limit", true, "N", "at most N rows" }, { "pending", false, NULL, "a two-phase hold" } };
 *   static const struct cli_spec spec = CLI_SPEC("account list [--limit N]", "lists accounts", opts, true);
 *   struct cli_args a;
 *   int rc = cli_args_parse(&spec, argc, argv, &a);   // argv[0] = the command's name(s)
 *   if (rc != CLI_ARGS_OK) return cli_args_exit(rc);  // 0 after --help, 2 after an error
 *   const char *limit = cli_args_get(&a, "limit");    // NULL if absent; "" for a given switch
 */
#ifndef SZ_CLI_ARGS_H
#define SZ_CLI_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/version.h" /* SZFIN_VERSION, printed by `szfin --version` */

/* A command's options, its own plus the common client ones: a table
 * longer than this is a defect in the table, not user input. */
#define CLI_OPTION_COUNT_MAX 48u
/* Positional words a command may take (ids, actions, files). */
#define CLI_POSITIONAL_COUNT_MAX 16u
/* Edit distance at most this for "did you mean": one slip or a swap of two. */
#define CLI_SUGGEST_DISTANCE_MAX 2u

struct cli_option {
	const char *name;    /* without the leading "--" */
	bool takes_value;    /* --name VALUE or --name=VALUE; else a switch */
	const char *metavar; /* shown in help for a value, e.g. "N" */
	const char *help;    /* one line */
};

struct cli_spec {
	const char *usage;   /* after "usage: szfin ", may hold several lines */
	const char *summary; /* one paragraph shown under the usage */
	const struct cli_option *options;
	uint32_t option_count;
	bool client;         /* also accept --url, --token-file, --json */
};

#define CLI_SPEC(usage, summary, options, client) \
	{ (usage), (summary), (options), sizeof(options) / sizeof((options)[0]), (client) }
#define CLI_SPEC_NO_OPTIONS(usage, summary, client) { (usage), (summary), NULL, 0, (client) }

struct cli_args {
	const struct cli_spec *spec;
	const char *positional[CLI_POSITIONAL_COUNT_MAX];
	uint32_t positional_count;
	const char *values[CLI_OPTION_COUNT_MAX]; /* by option index: own options, then common */
	bool present[CLI_OPTION_COUNT_MAX];
};

enum cli_args_status {
	CLI_ARGS_OK = 0,
	CLI_ARGS_HELP = 1,  /* help printed on stdout; exit 0 */
	CLI_ARGS_ERROR = 2, /* error printed on stderr; exit 2 */
};

/* Parse argv[1..argc-1] against spec (argv[0] names the command in
 * messages). Reorders argv (GNU getopt permutation). Returns a status. */
int cli_args_parse(const struct cli_spec *spec, int argc, char **argv, struct cli_args *out);
/* The exit code for a status other than CLI_ARGS_OK. */
int cli_args_exit(int status);
/* The value of --name, "" for a switch given, NULL if absent. name must be
 * in the spec (or a common option if spec->client): asserted. */
const char *cli_args_get(const struct cli_args *a, const char *name);
bool cli_args_has(const struct cli_args *a, const char *name);
/* Print the spec's help (usage, summary, options) to f. */
void cli_args_help(const struct cli_spec *spec, FILE *f);
/* Edit distance (Levenshtein) of two short strings, capped at 255. */
uint32_t cli_edit_distance(const char *a, const char *b);
/* Print "szfin: unknown WHAT 'word'" and a "did you mean" among names[]. */
void cli_unknown_word(const char *what, const char *word, const char *const *names, uint32_t name_count);

#endif
