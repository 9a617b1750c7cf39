/*
 * http.h — the green domain's HTTP adapter as the platform sees it: one
 * route table (/v1/green/...) with each route's roles, body kind, handler
 * and request schema, registered by the composition root
 * (src/app/registry.c). The handlers and schemas are in src/green/http*.c.
 */
#ifndef SZ_GREEN_HTTP_H
#define SZ_GREEN_HTTP_H

struct api_route_table; /* api/api.h */

extern const struct api_route_table green_route_table;

#endif
