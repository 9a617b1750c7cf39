/*
 * ops.c — operational routes: /healthz, /readyz, /metrics, /v1/status, the
 * front page and API reference (static files from web/), /openapi.yaml.
 *
 * Static files are read from the configured web directory on each request
 * (small, cached by the OS), bounded by SZ_API_STATIC_FILE_SIZE_MAX; names
 * come from one path segment, and names starting with '.' are refused.
 */
#include "api/api.h"
#include "api/metrics.h"
#include "core/assert.h"
#include "core/errors.h"
#include "ledger/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void api_handle_healthz(struct api_request *r)
{
	struct sz_engine_stats st;
	sz_engine_stats(r->server->engine, &st);
	json_t *doc = json_object();
	json_object_set_new(doc, "status", json_string(st.fatal ? "failed" : "ok"));
	api_reply_json(r, st.fatal ? 503 : 200, doc);
}

void api_handle_readyz(struct api_request *r)
{
	if (!r->server->ready) {
		api_problem(r, "not_ready", r->server->draining ? "draining" : "starting");
		return;
	}
	json_t *doc = json_object();
	json_object_set_new(doc, "status", json_string("ready"));
	api_reply_json(r, 200, doc);
}

void api_handle_metrics(struct api_request *r)
{
	size_t size = 0;
	char *text = api_metrics_render(r->server, &size);
	if (text == NULL) {
		api_problem(r, "internal", "out of memory");
		return;
	}
	api_reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, size);
	free(text);
}

void api_handle_status(struct api_request *r)
{
	struct api_server *s = r->server;
	struct sz_engine_stats st;
	sz_engine_stats(s->engine, &st);
	const struct ledger *l = sz_ledger_const(sz_engine_state(s->engine));
	json_t *doc = json_object();
	json_object_set_new(doc, "service", json_string("szfin"));
	json_object_set_new(doc, "storage", json_string("embedded log"));
	json_object_set_new(doc, "accounts", json_integer(l->account_count));
	json_object_set_new(doc, "transfers", json_integer(l->slot_count));
	json_object_set_new(doc, "pending", json_integer(l->pending_count));
	json_object_set_new(doc, "commands", json_integer((json_int_t)st.commands_applied));
	json_object_set_new(doc, "batches", json_integer((json_int_t)st.batches_applied));
	json_object_set_new(doc, "sequence", json_integer((json_int_t)st.sequence));
	json_object_set_new(doc, "requests", json_integer((json_int_t)api_metrics_requests_total(s->metrics)));
	json_object_set_new(doc, "uptime_s", json_real((double)(api_now_ns() - s->start_ns) / 1e9));
	json_object_set_new(doc, "ready", json_boolean(s->ready));
	api_reply_json(r, 200, doc);
}

static const char *content_type_of(const char *name)
{
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" }, { ".yaml", "application/yaml; charset=utf-8" },
		{ ".svg", "image/svg+xml" }, { ".json", "application/json" }, { ".ico", "image/x-icon" },
		{ ".md", "text/markdown; charset=utf-8" },
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

static void send_file(struct api_request *r, const char *path, const char *name)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		api_problem(r, "not_found", "no file %s", name);
		return;
	}
	char *data = malloc(SZ_API_STATIC_FILE_SIZE_MAX);
	SZ_ASSERT(data != NULL);
	size_t size = fread(data, 1, SZ_API_STATIC_FILE_SIZE_MAX, f);
	bool whole = feof(f) && !ferror(f);
	fclose(f);
	if (!whole)
		api_problem(r, "internal", "%s is unreadable or larger than %u bytes", name, SZ_API_STATIC_FILE_SIZE_MAX);
	else
		api_reply_bytes(r, 200, content_type_of(name), data, size);
	free(data);
}

void api_handle_static(struct api_request *r)
{
	const char *name;
	if (strcmp(r->route->path, "/") == 0)
		name = "index.html";
	else if (strcmp(r->route->path, "/docs") == 0)
		name = "docs.html";
	else
		name = api_param(r, 0);
	if (name[0] == '.' || strchr(name, '/') != NULL || strchr(name, '\\') != NULL) {
		api_problem(r, "not_found", "no file %s", name);
		return;
	}
	char path[API_CONFIG_TEXT_SIZE + 80];
	snprintf(path, sizeof path, "%s/%s", r->server->config.web_dir, name);
	send_file(r, path, name);
}

/* docs/problems.md: the anchors every problem's type points to. */
void api_handle_problems_doc(struct api_request *r)
{
	char path[API_CONFIG_TEXT_SIZE + 80];
	snprintf(path, sizeof path, "%s/../docs/problems.md", r->server->config.web_dir);
	send_file(r, path, "problems.md");
}

void api_handle_openapi(struct api_request *r)
{
	char path[API_CONFIG_TEXT_SIZE + 80];
	snprintf(path, sizeof path, "%s/../docs/openapi.yaml", r->server->config.web_dir);
	send_file(r, path, "openapi.yaml");
}
