/*
 * args.c — the declarative command-line parser of every szfin subcommand
 * (see args.h): builds getopt_long's table from a cli_spec, turns its
 * answers into values by option index, and words the errors (unknown
 * option with "did you mean", missing value, too many words).
 */
#include "cli/args.h"
#include "core/assert.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* Long options get values above every char, so that none is taken for a
 * short option. */
#define ARGS_LONG_BASE 1000

static const struct cli_option common_options[] = {
	{ "url", true, "URL", "the server (or SZFIN_URL; default http://127.0.0.1:8080)" },
	{ "token-file", true, "FILE", "read the token from FILE (or SZFIN_TOKEN_FILE; SZFIN_TOKEN holds it)" },
	{ "json", false, NULL, "print JSON as the server sent it (times stay in nanoseconds)" },
};
#define COMMON_COUNT ((uint32_t)(sizeof common_options / sizeof common_options[0]))

static uint32_t total_count(const struct cli_spec *spec)
{
	return spec->option_count + (spec->client ? COMMON_COUNT : 0);
}

static const struct cli_option *option_at(const struct cli_spec *spec, uint32_t index)
{
	SZ_ASSERT(index < total_count(spec));
	return index < spec->option_count ? &spec->options[index] : &common_options[index - spec->option_count];
}

uint32_t cli_edit_distance(const char *a, const char *b)
{
	enum { N = 64 };
	size_t la = strnlen(a, N - 1), lb = strnlen(b, N - 1);
	uint32_t row[N];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (uint32_t)j;
	for (size_t i = 1; i <= la; i++) {
		uint32_t diagonal = row[0];
		row[0] = (uint32_t)i;
		for (size_t j = 1; j <= lb; j++) {
			uint32_t above = row[j];
			uint32_t best = diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u);
			if (above + 1 < best)
				best = above + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diagonal = above;
		}
	}
	return row[lb] > 255 ? 255 : row[lb];
}

/* The closest of names[] to word within the suggestion distance, or NULL. */
static const char *closest(const char *word, const char *const *names, uint32_t count)
{
	const char *best = NULL;
	uint32_t best_distance = CLI_SUGGEST_DISTANCE_MAX + 1;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t d = cli_edit_distance(word, names[i]);
		size_t n = strlen(word);
		if (d < best_distance || (best == NULL && n >= 3 && strncmp(word, names[i], n) == 0)) {
			best = names[i];
			best_distance = d;
		}
	}
	return best;
}

void cli_unknown_word(const char *what, const char *word, const char *const *names, uint32_t name_count)
{
	const char *best = closest(word, names, name_count);
	if (best != NULL)
		fprintf(stderr, "szfin: unknown %s '%s'; did you mean '%s'?\n", what, word, best);
	else
		fprintf(stderr, "szfin: unknown %s '%s'\n", what, word);
}

static void unknown_option(const struct cli_spec *spec, const char *command, const char *arg)
{
	char name[64];
	const char *start = arg + strspn(arg, "-");
	snprintf(name, sizeof name, "%.*s", (int)strcspn(start, "="), start);
	const char *names[CLI_OPTION_COUNT_MAX];
	uint32_t n = total_count(spec);
	for (uint32_t i = 0; i < n; i++)
		names[i] = option_at(spec, i)->name;
	if (spec->client && strcmp(name, "token") == 0) {
		fprintf(stderr, "szfin %s: tokens are not taken from the command line; "
				"use SZFIN_TOKEN, SZFIN_TOKEN_FILE or --token-file\n", command);
		return;
	}
	const char *best = closest(name, names, n);
	fprintf(stderr, "szfin %s: unknown option '%s'", command, arg);
	if (best != NULL)
		fprintf(stderr, "; did you mean --%s?", best);
	fprintf(stderr, "\n(szfin %s --help lists the options)\n", command);
}

void cli_args_help(const struct cli_spec *spec, FILE *f)
{
	fprintf(f, "usage: szfin %s\n", spec->usage);
	if (spec->summary != NULL)
		fprintf(f, "\n%s\n", spec->summary);
	uint32_t n = total_count(spec);
	fprintf(f, "\noptions:\n");
	for (uint32_t i = 0; i < n; i++) {
		const struct cli_option *o = option_at(spec, i);
		char left[64];
		snprintf(left, sizeof left, "--%s%s%s", o->name, o->takes_value ? " " : "",
			 o->takes_value ? (o->metavar ? o->metavar : "VALUE") : "");
		fprintf(f, "  %-24s %s\n", left, o->help ? o->help : "");
	}
	fprintf(f, "  %-24s %s\n", "-h, --help", "print this help and exit");
}

int cli_args_exit(int status)
{
	SZ_ASSERT(status != CLI_ARGS_OK);
	return status == CLI_ARGS_HELP ? 0 : 2;
}

static int take_positionals(struct cli_args *out, int argc, char **argv, const char *command)
{
	for (int i = optind; i < argc; i++) {
		if (out->positional_count == CLI_POSITIONAL_COUNT_MAX) {
			fprintf(stderr, "szfin %s: more than %u arguments\n", command, CLI_POSITIONAL_COUNT_MAX);
			return CLI_ARGS_ERROR;
		}
		out->positional[out->positional_count++] = argv[i];
	}
	return CLI_ARGS_OK;
}

static int index_of(const struct cli_spec *spec, const char *name, size_t length)
{
	uint32_t n = total_count(spec);
	for (uint32_t i = 0; i < n; i++) {
		const char *candidate = option_at(spec, i)->name;
		if (strlen(candidate) == length && strncmp(candidate, name, length) == 0)
			return (int)i;
	}
	return -1;
}

/* getopt_long takes any unique prefix of a long option (--tok for
 * --token-file); szfin takes only exact names, so a slip is never read as
 * another option. 0, or the argv index of the first inexact one. */
static int first_inexact(const struct cli_spec *spec, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--") == 0)
			return 0;
		if (strncmp(arg, "--", 2) != 0)
			continue;
		size_t length = strcspn(arg + 2, "=");
		if (length == 4 && strncmp(arg + 2, "help", 4) == 0)
			continue;
		int index = index_of(spec, arg + 2, length);
		if (index < 0)
			return i;
		if (option_at(spec, (uint32_t)index)->takes_value && arg[2 + length] == '\0')
			i++; /* its value, whatever it looks like */
	}
	return 0;
}

int cli_args_parse(const struct cli_spec *spec, int argc, char **argv, struct cli_args *out)
{
	SZ_ASSERT(spec != NULL && out != NULL);
	SZ_ASSERT(argc >= 1 && total_count(spec) <= CLI_OPTION_COUNT_MAX);
	memset(out, 0, sizeof *out);
	out->spec = spec;
	uint32_t n = total_count(spec);
	struct option table[CLI_OPTION_COUNT_MAX + 2];
	for (uint32_t i = 0; i < n; i++) {
		const struct cli_option *o = option_at(spec, i);
		table[i] = (struct option){ o->name, o->takes_value ? required_argument : no_argument, NULL,
					    ARGS_LONG_BASE + (int)i };
	}
	table[n] = (struct option){ "help", no_argument, NULL, 'h' };
	table[n + 1] = (struct option){ NULL, 0, NULL, 0 };
	const char *command = argv[0];
	int inexact = first_inexact(spec, argc, argv);
	if (inexact > 0) {
		unknown_option(spec, command, argv[inexact]);
		return CLI_ARGS_ERROR;
	}
	optind = 0; /* GNU: a full re-initialisation, as each subcommand parses afresh */
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, ":h", table, NULL);
		if (c == -1)
			break;
		if (c == 'h') {
			cli_args_help(spec, stdout);
			return CLI_ARGS_HELP;
		}
		if (c == ':') {
			fprintf(stderr, "szfin %s: option '%s' needs a value\n", command, argv[optind - 1]);
			return CLI_ARGS_ERROR;
		}
		if (c == '?' || c < ARGS_LONG_BASE || c >= ARGS_LONG_BASE + (int)n) {
			unknown_option(spec, command, argv[optind - 1]);
			return CLI_ARGS_ERROR;
		}
		uint32_t index = (uint32_t)(c - ARGS_LONG_BASE);
		out->present[index] = true;
		out->values[index] = optarg ? optarg : "";
	}
	return take_positionals(out, argc, argv, command);
}

const char *cli_args_get(const struct cli_args *a, const char *name)
{
	SZ_ASSERT(a->spec != NULL);
	int index = index_of(a->spec, name, strlen(name));
	SZ_ASSERT(index >= 0); /* a name the table does not hold is a defect of the caller */
	return a->present[index] ? a->values[index] : NULL;
}

bool cli_args_has(const struct cli_args *a, const char *name) { return cli_args_get(a, name) != NULL; }
