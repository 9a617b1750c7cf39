/*
 * vendor.h — the dashboard's third-party files (ECharts, the API reference
 * renderer), installed from npm and copied at build into build/web/vendor/
 * (Makefile rule `web-vendor`); never committed.
 *
 * Owns: GET /web/vendor/{file}, served from <web_dir>/../build/web/vendor
 * (a source checkout) or else <web_dir>/vendor (an installed tree).
 * Never: serve a name with a slash, a backslash or a leading dot.
 */
#ifndef SZ_API_VENDOR_H
#define SZ_API_VENDOR_H

struct api_request;

/* The largest vendor file served: swagger-ui's bundle is 1.7 MB. */
#define API_VENDOR_FILE_SIZE_MAX (4u * 1024u * 1024u)

void api_handle_vendor_file(struct api_request *r);

#endif
