/*
 * metrics.h — request counters and histograms, rendered as Prometheus text.
 *
 * Owns: per-route request counts by HTTP status, per-route latency
 * histograms, the histogram of records per batch request, and the rendering
 * of those plus engine figures (fsync latency, batches, accounts, transfers)
 * in the Prometheus text exposition format 0.0.4. Fixed-size arrays only,
 * allocated once at start; recording never allocates.
 */
#ifndef SZ_API_METRICS_H
#define SZ_API_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct api_server;
struct api_metrics;

int api_metrics_init(struct api_metrics **out, uint32_t route_count);
void api_metrics_free(struct api_metrics *m);
/* route_index -1 = no route matched. */
void api_metrics_request(struct api_metrics *m, int route_index, unsigned status, uint64_t duration_ns);
void api_metrics_batch(struct api_metrics *m, uint32_t record_count);
uint64_t api_metrics_requests_total(const struct api_metrics *m);
/* Render the exposition text; caller frees. NULL on allocation failure. */
char *api_metrics_render(const struct api_server *s, size_t *size);

#endif
