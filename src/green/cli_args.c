/*
 * cli_args.c — the command line of `szfin green` (positional words,
 * --flags, switches), request bodies built from flags layered over an
 * optional JSON file, and one request to the server with its rendering.
 * Only the shape of the command line is checked here (integers, known
 * flags); every value is checked by the server. Decimals pass through as
 * the text given, so no figure is ever rounded here (no floating point).
 */
#include "cli/args.h"
#include "cli/client.h"
#include "green/cli_internal.h"

#include "core/limits.h"
#include "szfin/szfin.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- command line ------------------------------------------------------------------ */

static bool is_switch(const char *name)
{
	static const char *const names[] = { "help", "score-from-esg", "lender-not-eligible" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

int green_cli_args_parse(struct green_cli_args *a, int argc, char **argv)
{
	memset(a, 0, sizeof *a);
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0') {
			if (a->flag_count == GREEN_CLI_FLAG_COUNT_MAX) {
				fprintf(stderr, "szfin green: more than %d options\n", GREEN_CLI_FLAG_COUNT_MAX);
				return -1;
			}
			const char *name = argv[i] + 2;
			a->names[a->flag_count] = name;
			if (!is_switch(name)) {
				if (i + 1 >= argc) {
					fprintf(stderr, "szfin green: --%s needs a value\n", name);
					return -1;
				}
				a->values[a->flag_count] = argv[++i];
			}
			a->flag_count++;
		} else {
			if (a->positional_count == GREEN_CLI_POSITIONAL_COUNT_MAX) {
				fprintf(stderr, "szfin green: more than %d arguments\n", GREEN_CLI_POSITIONAL_COUNT_MAX);
				return -1;
			}
			a->positional[a->positional_count++] = argv[i];
		}
	}
	return 0;
}

/* The value of --name (a switch gives ""), marked as used; NULL if absent. */
const char *green_cli_opt(struct green_cli_args *a, const char *name)
{
	if (a->asked_count < GREEN_CLI_ASKED_COUNT_MAX)
		a->asked[a->asked_count++] = name;
	for (int i = 0; i < a->flag_count; i++)
		if (strcmp(a->names[i], name) == 0) {
			a->used[i] = true;
			return a->values[i] ? a->values[i] : "";
		}
	return NULL;
}

/* 0 if every option was used by the command; else names the first other one. */
int green_cli_options_unused(const struct green_cli_args *a, const char *command)
{
	for (int i = 0; i < a->flag_count; i++)
		if (!a->used[i]) {
			const char *best = NULL;
			uint32_t best_distance = CLI_SUGGEST_DISTANCE_MAX + 1;
			for (int k = 0; k < a->asked_count; k++) {
				uint32_t d = cli_edit_distance(a->names[i], a->asked[k]);
				if (d < best_distance) {
					best = a->asked[k];
					best_distance = d;
				}
			}
			fprintf(stderr, "szfin green %s: unknown option --%s", command, a->names[i]);
			if (best != NULL)
				fprintf(stderr, "; did you mean --%s?", best);
			fprintf(stderr, " (see szfin green %s --help)\n", command);
			return -1;
		}
	return 0;
}

int green_cli_integer_parse(const char *flag_name, const char *text, json_int_t *out)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (text[0] == '\0' || *end != '\0' || errno != 0) {
		fprintf(stderr, "szfin green: %s must be an integer, not '%s'\n", flag_name, text);
		return -1;
	}
	*out = (json_int_t)v;
	return 0;
}

/* A path segment with everything but unreserved characters percent-encoded. */
void green_cli_segment(char *out, size_t size, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p && n + 4 < size; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p) != NULL) {
			out[n++] = (char)*p;
		} else {
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	out[n] = '\0';
}

/* A JSON document from a file of at most the server's body size; NULL after
 * printing why. */
json_t *green_cli_json_file_load(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "szfin green: cannot read %s\n", path);
		return NULL;
	}
	char *text = malloc(SZ_API_JSON_BODY_SIZE_MAX + 1);
	size_t size = text ? fread(text, 1, SZ_API_JSON_BODY_SIZE_MAX + 1, f) : 0;
	if (f != stdin)
		fclose(f);
	json_t *doc = NULL;
	json_error_t error;
	if (text == NULL || size > SZ_API_JSON_BODY_SIZE_MAX)
		fprintf(stderr, "szfin green: %s is larger than %u bytes\n", path, SZ_API_JSON_BODY_SIZE_MAX);
	else if ((doc = json_loadb(text, size, 0, &error)) == NULL)
		fprintf(stderr, "szfin green: %s: line %d: %s\n", path, error.line, error.text);
	free(text);
	return doc;
}

/* ---- request bodies ---------------------------------------------------------------- */

/* The body of a command: --file F (or file_path) when given, else {}; then
 * the fields, then "id" from --id or a fresh random id unless the file had
 * one. NULL after printing an error. */
json_t *green_cli_body_build(struct green_cli_args *a, const char *file_path, const struct green_cli_field *fields)
{
	const char *file = green_cli_opt(a, "file");
	if (file == NULL)
		file = file_path;
	json_t *body = file ? green_cli_json_file_load(file) : json_object();
	if (body == NULL)
		return NULL;
	if (!json_is_object(body)) {
		fprintf(stderr, "szfin green: %s must hold one JSON object\n", file);
		goto fail;
	}
	for (const struct green_cli_field *f = fields; f && f->flag; f++) {
		const char *v = green_cli_opt(a, f->flag);
		if (v == NULL)
			continue;
		char flag_name[80];
		snprintf(flag_name, sizeof flag_name, "--%s", f->flag);
		if (f->kind == GREEN_CLI_FIELD_TEXT) {
			json_object_set_new(body, f->key, json_string(v));
		} else if (f->kind == GREEN_CLI_FIELD_INTEGER) {
			json_int_t n = 0;
			if (green_cli_integer_parse(flag_name, v, &n))
				goto fail;
			json_object_set_new(body, f->key, json_integer(n));
		} else {
			json_object_set_new(body, f->key, json_loads(f->constant, JSON_DECODE_ANY, NULL));
		}
	}
	const char *id = green_cli_opt(a, "id");
	if (id != NULL) {
		json_object_set_new(body, "id", json_string(id));
	} else if (json_object_get(body, "id") == NULL) {
		sz_id fresh;
		randombytes_buf(&fresh, sizeof fresh);
		fresh.hi &= 0x00ffffffffffffffull;
		fresh.lo |= 1;
		char text[40]; /* "0x" and 32 hex digits: an id form the server accepts */
		snprintf(text, sizeof text, "0x%016llx%016llx", (unsigned long long)fresh.hi,
			 (unsigned long long)fresh.lo);
		json_object_set_new(body, "id", json_string(text));
	}
	return body;
fail:
	json_decref(body);
	return NULL;
}

/* The array body[key], created when absent; NULL if body[key] is another type. */
json_t *green_cli_body_array(json_t *body, const char *key)
{
	json_t *list = json_object_get(body, key);
	if (list == NULL) {
		list = json_array();
		json_object_set_new(body, key, list);
	}
	if (!json_is_array(list)) {
		fprintf(stderr, "szfin green: \"%s\" must be an array\n", key);
		return NULL;
	}
	return list;
}


/* ---- requests ----------------------------------------------------------------------- */

/* One request; body (owned, may be NULL) is sent as JSON. Returns the exit code. */
int green_cli_call(const struct client *c, const char *method, const char *path, json_t *body, green_cli_render_fn render)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	struct client_answer answer;
	memset(&answer, 0, sizeof answer);
	int rc = client_request(c, method, path, text ? "application/json" : NULL, text, text ? strlen(text) : 0,
				&answer);
	free(text);
	if (rc != 0) {
		free(answer.body);
		return 3;
	}
	json_t *doc = NULL;
	bool ok = answer.status >= 200 && answer.status < 300;
	if (ok && !c->json && render != NULL && strstr(answer.content_type, "json") != NULL)
		doc = json_loadb(answer.body, answer.size, 0, NULL);
	if (doc != NULL && json_is_object(doc)) {
		render(doc);
		rc = 0;
	} else {
		rc = client_print(c, &answer);
	}
	json_decref(doc);
	free(answer.body);
	return rc;
}

/* A command that sends a body: 2 if it could not be built or options are left. */
int green_cli_call_with(const struct client *c, struct green_cli_args *a, const char *command, const char *method,
		     const char *path, json_t *body, green_cli_render_fn render)
{
	if (body == NULL)
		return 2;
	if (green_cli_options_unused(a, command)) {
		json_decref(body);
		return 2;
	}
	return green_cli_call(c, method, path, body, render);
}

