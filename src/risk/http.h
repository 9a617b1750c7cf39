/*
 * http.h — the risk domain's HTTP adapter (src/risk/http*.c): routes and
 * the rule-set file parser (http_ruleset.c), which the CLI and the fuzz
 * harness use too.
 */
#ifndef SZ_RISK_HTTP_H
#define SZ_RISK_HTTP_H

#include "risk/risk.h"

#include <jansson.h>
#include <stddef.h>

struct api_route_table;

extern const struct api_route_table risk_route_table;

/* Parse a rule-set file (format in http_ruleset.c and docs/risk.md) into
 * *out and check it. 0, SZ_EINVAL with a sentence in why naming the field,
 * or SZ_ENOMEM; *out is untouched on failure. */
int risk_ruleset_parse(const char *text, size_t size, struct risk_ruleset *out, char *why, size_t why_size);
int risk_ruleset_parse_json(json_t *doc, struct risk_ruleset *out, char *why, size_t why_size);

const char *risk_feature_name(uint32_t feature);
const char *risk_party_name(uint32_t party);
const char *risk_report_name(uint32_t report);

#endif
