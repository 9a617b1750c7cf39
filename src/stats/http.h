/*
 * http.h — the statistics domain's HTTP routes (src/stats/http.c).
 */
#ifndef SZ_STATS_HTTP_H
#define SZ_STATS_HTTP_H

struct api_route_table;

extern const struct api_route_table stats_route_table;

#endif
