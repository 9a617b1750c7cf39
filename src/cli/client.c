/*
 * client.c — libcurl transport, token discovery and output for the szfin
 * client subcommands (see client.h). A token is used only when the user
 * names it (SZFIN_TOKEN, SZFIN_TOKEN_FILE, --token-file): never one found
 * lying in a data directory.
 */
#include "cli/client.h"
#include "core/assert.h"
#include "core/time_text.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int token_from_file(struct client *c, const char *path, bool required)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (required)
			fprintf(stderr, "szfin: cannot read token file %s\n", path);
		return required ? -1 : 0;
	}
	if (fgets(c->token, sizeof c->token, f) == NULL)
		c->token[0] = '\0';
	fclose(f);
	c->token[strcspn(c->token, "\r\n")] = '\0';
	return 0;
}

int client_init(struct client *c, int argc, char **argv)
{
	memset(c, 0, sizeof *c);
	const char *url = getenv("SZFIN_URL");
	snprintf(c->url, sizeof c->url, "%s", url ? url : "http://127.0.0.1:8080");
	const char *token_file = getenv("SZFIN_TOKEN_FILE");
	int out = 0;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			c->json = true;
		} else if ((strcmp(argv[i], "--url") == 0 || strcmp(argv[i], "--token-file") == 0) && i + 1 < argc) {
			if (strcmp(argv[i], "--url") == 0)
				snprintf(c->url, sizeof c->url, "%s", argv[i + 1]);
			else
				token_file = argv[i + 1];
			i++;
		} else if (strcmp(argv[i], "--token") == 0) {
			fprintf(stderr, "szfin: tokens are not taken from the command line; "
					"use SZFIN_TOKEN, SZFIN_TOKEN_FILE or --token-file\n");
			return -1;
		} else {
			argv[out++] = argv[i];
		}
	}
	size_t n = strlen(c->url);
	if (n && c->url[n - 1] == '/')
		c->url[n - 1] = '\0';
	const char *token = getenv("SZFIN_TOKEN");
	if (token != NULL)
		snprintf(c->token, sizeof c->token, "%s", token);
	else if (token_file != NULL && token_from_file(c, token_file, true))
		return -1;
	return out;
}

int client_init_args(struct client *c, const struct cli_args *a)
{
	SZ_ASSERT(a->spec != NULL && a->spec->client);
	memset(c, 0, sizeof *c);
	const char *url = cli_args_get(a, "url");
	if (url == NULL)
		url = getenv("SZFIN_URL");
	snprintf(c->url, sizeof c->url, "%s", url ? url : "http://127.0.0.1:8080");
	size_t n = strlen(c->url);
	if (n && c->url[n - 1] == '/')
		c->url[n - 1] = '\0';
	c->json = cli_args_has(a, "json");
	const char *token_file = cli_args_get(a, "token-file");
	const char *token = getenv("SZFIN_TOKEN");
	if (token_file == NULL && token != NULL) {
		snprintf(c->token, sizeof c->token, "%s", token);
		return 0;
	}
	if (token_file == NULL)
		token_file = getenv("SZFIN_TOKEN_FILE");
	if (token_file != NULL && token_from_file(c, token_file, true))
		return -1;
	return 0;
}

struct sink {
	char *data;
	size_t size;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
	struct sink *s = user;
	size_t n = size * nmemb;
	char *grown = realloc(s->data, s->size + n + 1);
	if (grown == NULL)
		return 0;
	memcpy(grown + s->size, ptr, n);
	s->data = grown;
	s->size += n;
	s->data[s->size] = '\0';
	return n;
}

int client_request(const struct client *c, const char *method, const char *path, const char *content_type,
		   const void *body, size_t size, struct client_answer *out)
{
	memset(out, 0, sizeof *out);
	CURL *curl = curl_easy_init();
	if (curl == NULL)
		return -1;
	char url[1024], auth[160], ct[96];
	snprintf(url, sizeof url, "%s%s", c->url, path);
	struct curl_slist *headers = NULL;
	if (c->token[0]) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
		headers = curl_slist_append(headers, auth);
	}
	if (content_type) {
		snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
		headers = curl_slist_append(headers, ct);
	}
	struct sink sink = { NULL, 0 };
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
	if (body != NULL || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)size);
	}
	CURLcode rc = curl_easy_perform(curl);
	if (rc == CURLE_OK) {
		char *type = NULL;
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
		curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
		snprintf(out->content_type, sizeof out->content_type, "%s", type ? type : "");
	} else {
		fprintf(stderr, "szfin: %s %s: %s\n", method, url, curl_easy_strerror(rc));
	}
	out->body = sink.data ? sink.data : calloc(1, 1);
	out->size = sink.size;
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return rc == CURLE_OK ? 0 : -1;
}

/* ---- human output ------------------------------------------------------ */

/* Every "*_ns" field the API answers is a point in time in nanoseconds
 * since the Unix epoch (timestamp_ns, created_ns, expires_at_ns, ...). */
static bool is_time_key(const char *key)
{
	size_t n = strlen(key);
	return n > 3 && strcmp(key + n - 3, "_ns") == 0;
}

int client_time_rfc3339(char *out, size_t size, const char *ns_text)
{
	char *end = NULL;
	errno = 0;
	unsigned long long ns = strtoull(ns_text, &end, 10);
	if (errno != 0 || end == ns_text || *end != '\0' || ns_text[0] == '-')
		return -1;
	char text[SZ_TIME_RFC3339_SIZE];
	if (sz_time_rfc3339(ns, text) != 0)
		return -1;
	snprintf(out, size, "%s", text);
	return 0;
}

void client_query_append(char *path, size_t size, const struct cli_args *a, const char *const *keys,
			 const char *const *names)
{
	SZ_ASSERT(path != NULL && a != NULL && keys != NULL && names != NULL);
	size_t n = strlen(path);
	for (uint32_t k = 0; keys[k] != NULL && n + 1 < size; k++) {
		const char *v = cli_args_get(a, names[k]);
		if (v == NULL)
			continue;
		n += (size_t)snprintf(path + n, size - n, "%c%s=", strchr(path, '?') ? '&' : '?', keys[k]);
		for (const unsigned char *p = (const unsigned char *)v; *p && n + 4 < size; p++) {
			bool plain = (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
				     strchr("-._~", *p) != NULL;
			if (plain)
				path[n++] = (char)*p;
			else
				n += (size_t)snprintf(path + n, size - n, "%%%02X", *p);
			path[n] = '\0';
		}
	}
}

/* A time field for people: RFC 3339 in UTC; 0 means "not set". */
static bool print_time(FILE *f, const char *key, json_t *v)
{
	char text[32], rfc[64];
	if (!is_time_key(key))
		return false;
	if (json_is_string(v))
		snprintf(text, sizeof text, "%s", json_string_value(v));
	else if (json_is_integer(v) && json_integer_value(v) >= 0)
		snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
	else
		return false;
	if (strcmp(text, "0") == 0) {
		fputs("-", f);
		return true;
	}
	if (client_time_rfc3339(rfc, sizeof rfc, text) != 0)
		return false;
	fputs(rfc, f);
	return true;
}

static void print_value(FILE *f, json_t *v)
{
	if (json_is_string(v)) {
		fputs(json_string_value(v), f);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) {
			if (i)
				fputc(',', f);
			print_value(f, item);
		}
	} else {
		char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		fputs(text ? text : "?", f);
		free(text);
	}
}

static void print_object(FILE *f, json_t *o)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		if (json_is_array(v) && json_array_size(v) && json_is_object(json_array_get(v, 0)))
			continue; /* lists are printed as tables */
		if (is_time_key(key)) {
			fprintf(f, "%-18.*s ", (int)strlen(key) - 3, key);
			if (print_time(f, key, v)) {
				fputc('\n', f);
				continue;
			}
		} else {
			fprintf(f, "%-18s ", key);
		}
		print_value(f, v);
		fputc('\n', f);
	}
}

static void print_table(FILE *f, json_t *rows)
{
	static const char *const preferred[] = { "id", "result", "status", "role", "name", "owner_id", "tenant_id",
						 "kind", "debit_account_id", "credit_account_id", "amount",
						 "currency", "credits_posted", "debits_posted", "revoked" };
	json_t *first = json_array_get(rows, 0);
	const char *cols[16];
	size_t ncols = 0;
	for (size_t i = 0; i < sizeof preferred / sizeof preferred[0] && ncols < 16; i++)
		if (json_object_get(first, preferred[i]))
			cols[ncols++] = preferred[i];
	for (size_t c = 0; c < ncols; c++)
		fprintf(f, "%-*s", c + 1 < ncols ? 20 : 0, cols[c]);
	fputc('\n', f);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		for (size_t c = 0; c < ncols; c++) {
			json_t *v = json_object_get(row, cols[c]);
			char cell[256] = "";
			if (json_is_string(v))
				snprintf(cell, sizeof cell, "%s", json_string_value(v));
			else if (v != NULL) {
				char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
				snprintf(cell, sizeof cell, "%s", text ? text : "");
				free(text);
			}
			fprintf(f, "%-*s", c + 1 < ncols ? 20 : 0, cell);
			if (c + 1 < ncols && strlen(cell) >= 20)
				fputc(' ', f);
		}
		fputc('\n', f);
	}
}

int client_print(const struct client *c, const struct client_answer *a)
{
	bool ok = a->status >= 200 && a->status < 300;
	FILE *f = ok ? stdout : stderr;
	if (c->json || strstr(a->content_type, "json") == NULL) {
		fwrite(a->body, 1, a->size, f);
		if (a->size && a->body[a->size - 1] != '\n')
			fputc('\n', f);
		return ok ? 0 : 1;
	}
	json_t *doc = json_loadb(a->body, a->size, 0, NULL);
	if (doc == NULL) {
		fwrite(a->body, 1, a->size, f);
		return ok ? 0 : 1;
	}
	if (!ok) {
		json_t *code = json_object_get(doc, "code"), *detail = json_object_get(doc, "detail"),
		       *title = json_object_get(doc, "title");
		fprintf(stderr, "error %ld %s: %s\n", a->status, json_string_value(code) ? json_string_value(code) : "?",
			json_string_value(detail) ? json_string_value(detail)
						  : (json_string_value(title) ? json_string_value(title) : ""));
		json_decref(doc);
		return 1;
	}
	print_object(f, doc);
	const char *key;
	json_t *v;
	json_object_foreach(doc, key, v)
		if (json_is_array(v) && json_array_size(v) && json_is_object(json_array_get(v, 0))) {
			fprintf(f, "%s:\n", key);
			print_table(f, v);
		}
	json_decref(doc);
	return 0;
}
