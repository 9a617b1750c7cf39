/*
 * http.h — the contract domain's HTTP adapter (src/contract/http.c): its
 * route table (templates, contracts, events, subsidy grants and spending,
 * merchant insolvency), each JSON route with its request schema. See
 * docs/openapi.yaml (tag contract). Only the composition root names it.
 */
#ifndef SZ_CONTRACT_HTTP_H
#define SZ_CONTRACT_HTTP_H

struct api_route_table; /* api/api.h */

extern const struct api_route_table contract_route_table;

#endif
