/*
 * cli_internal.h — what the files of the green CLI adapter share: the
 * parsed command line (cli_args.c), request bodies built from flags or a
 * JSON file, one request with its rendering (cli_args.c), and the human
 * renderings of answers (cli_render.c). Only src/green/cli*.c include it.
 */
#ifndef SZ_GREEN_CLI_INTERNAL_H
#define SZ_GREEN_CLI_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct client; /* cli/client.h, included by each cli*.c before this header */

/* Repeatable --fuel and --certificate lines (8 each by the API) plus the
 * options of the widest command, account submit. */
#define GREEN_CLI_FLAG_COUNT_MAX 48
/* The deepest command is `account restate ENTERPRISE PERIOD`: four words. */
#define GREEN_CLI_POSITIONAL_COUNT_MAX 8
/* Option names one command reads: its field table plus --file and --id. */
#define GREEN_CLI_ASKED_COUNT_MAX 64
/* Rendered cells: ids are 39 digits, factor-set codes and names are short. */
#define GREEN_CLI_CELL_SIZE 256
#define GREEN_CLI_PATH_SIZE 512

struct green_cli_args {
	const char *positional[GREEN_CLI_POSITIONAL_COUNT_MAX];
	int positional_count;
	const char *names[GREEN_CLI_FLAG_COUNT_MAX];
	const char *values[GREEN_CLI_FLAG_COUNT_MAX]; /* NULL: a bare switch */
	bool used[GREEN_CLI_FLAG_COUNT_MAX];
	int flag_count;
	/* The names the command asked for (green_cli_opt), whether given or
	 * not: an unknown option is matched against them for "did you mean". */
	const char *asked[GREEN_CLI_ASKED_COUNT_MAX];
	int asked_count;
};

/* ---- command line (cli_args.c) ---- */

/* Split argv into positional words and --flags (a flag takes the next
 * word as its value unless it is a switch). 0 or -1 after printing why. */
int green_cli_args_parse(struct green_cli_args *a, int argc, char **argv);
/* The value of --name (a switch gives ""), marked as used; NULL if absent. */
const char *green_cli_opt(struct green_cli_args *a, const char *name);
/* 0 if every option was used by the command; else names the first other one. */
int green_cli_options_unused(const struct green_cli_args *a, const char *command);
int green_cli_integer_parse(const char *flag_name, const char *text, json_int_t *out);
/* A path segment with everything but unreserved characters percent-encoded. */
void green_cli_segment(char *out, size_t size, const char *text);
/* A JSON document from a file ("-" = stdin) of at most the server's body
 * size; NULL after printing why. */
json_t *green_cli_json_file_load(const char *path);

/* ---- request bodies and requests (cli_args.c) ---- */

enum green_cli_field_kind {
	GREEN_CLI_FIELD_TEXT,     /* --flag V -> "key": "V" */
	GREEN_CLI_FIELD_INTEGER,  /* --flag N -> "key": N */
	GREEN_CLI_FIELD_CONSTANT, /* a switch -> "key": constant (a JSON text) */
};

struct green_cli_field {
	const char *flag;
	const char *key;
	enum green_cli_field_kind kind;
	const char *constant;
};

/* The body of a command: --file F (or file_path) when given, else {}; then
 * the fields, then "id" from --id or a fresh random id unless the file had
 * one. NULL after printing an error. */
json_t *green_cli_body_build(struct green_cli_args *a, const char *file_path, const struct green_cli_field *fields);
/* The array body[key], created when absent; NULL if body[key] is another type. */
json_t *green_cli_body_array(json_t *body, const char *key);

typedef void (*green_cli_render_fn)(json_t *doc);
/* One request; body (owned, may be NULL) is sent as JSON. Returns the exit code. */
int green_cli_call(const struct client *c, const char *method, const char *path, json_t *body,
		   green_cli_render_fn render);
/* A command that sends a body: 2 if it could not be built or options are left. */
int green_cli_call_with(const struct client *c, struct green_cli_args *a, const char *command, const char *method,
			const char *path, json_t *body, green_cli_render_fn render);

/* ---- human renderings of answers (cli_render.c) ---- */

void green_cli_render_factors_list(json_t *doc);
void green_cli_render_factor_set(json_t *doc);
void green_cli_render_activation(json_t *doc);
void green_cli_render_account(json_t *doc);
void green_cli_render_restate(json_t *doc);
void green_cli_render_restatements(json_t *doc);
void green_cli_render_certificate(json_t *doc);
void green_cli_render_policy(json_t *doc);
void green_cli_render_cerf(json_t *doc);
void green_cli_render_position(json_t *doc);
void green_cli_render_tag(json_t *doc);
void green_cli_render_loan(json_t *doc);
void green_cli_render_book(json_t *doc);
void green_cli_render_taxonomy(json_t *doc);

#endif
