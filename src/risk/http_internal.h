/*
 * http_internal.h — shared between the risk domain's HTTP files (http.c:
 * routes and handlers; http_render.c: answers; http_report.c: reports).
 */
#ifndef SZ_RISK_HTTP_INTERNAL_H
#define SZ_RISK_HTTP_INTERNAL_H

#include "risk/http.h"
#include "risk/risk.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

void risk_time_text(uint64_t time_ns, char out[32]);
void risk_money_text(uint64_t minor, uint32_t currency, char out[40]);
const struct risk_ruleset *risk_version_find(const struct risk_state *st, uint32_t version);
json_t *risk_alert_json(const struct risk_state *st, const struct risk_alert *a, uint64_t now_ns);
json_t *risk_case_json(const struct risk_state *st, const struct risk_case *k);
bool risk_alert_reported(const struct risk_state *st, uint64_t alert_no);
extern const char *const risk_action_names[];
struct api_principal;
/* The tenant a principal is confined to (0: it sees every tenant), http.c. */
uint64_t risk_principal_tenant(const struct api_principal *p);

#endif
