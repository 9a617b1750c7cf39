/*
 * vendor.c — serves the npm-installed dashboard libraries (see vendor.h).
 */
#include "api/vendor.h"
#include "api/api.h"
#include "core/assert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *vendor_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (dot != NULL && strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (dot != NULL && strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (dot != NULL && strcmp(dot, ".map") == 0)
		return "application/json";
	return "application/octet-stream";
}

/* Open the first of the two places a vendor file may be. */
static FILE *vendor_open(const char *web_dir, const char *name)
{
	char path[API_CONFIG_TEXT_SIZE + 128];
	snprintf(path, sizeof path, "%s/../build/web/vendor/%s", web_dir, name);
	FILE *f = fopen(path, "rb");
	if (f != NULL)
		return f;
	snprintf(path, sizeof path, "%s/vendor/%s", web_dir, name);
	return fopen(path, "rb");
}

void api_handle_vendor_file(struct api_request *r)
{
	const char *name = api_param(r, 0);
	SZ_ASSERT(name != NULL);
	if (name[0] == '.' || name[0] == '\0' || strchr(name, '/') != NULL || strchr(name, '\\') != NULL) {
		api_problem(r, "not_found", "no file %s", name);
		return;
	}
	FILE *f = vendor_open(r->server->config.web_dir, name);
	if (f == NULL) {
		api_problem(r, "not_found", "no vendor file %s (run make to copy it from node_modules)", name);
		return;
	}
	char *data = malloc(API_VENDOR_FILE_SIZE_MAX);
	if (data == NULL) {
		fclose(f);
		api_problem(r, "internal", "no memory to read %s", name);
		return;
	}
	size_t size = fread(data, 1, API_VENDOR_FILE_SIZE_MAX, f);
	bool whole = feof(f) && !ferror(f);
	fclose(f);
	if (whole)
		api_reply_bytes(r, 200, vendor_type(name), data, size);
	else
		api_problem(r, "internal", "%s is unreadable or larger than %u bytes", name, API_VENDOR_FILE_SIZE_MAX);
	free(data);
}
