/*
 * http.h — the currency domain's HTTP adapter (src/currency/http*.c): its
 * route table (operators and issuance, the limits configuration, wallets,
 * payments, hard-wallet devices), each JSON route with its request schema.
 * See docs/openapi.yaml (tag currency). Only the composition root names it.
 */
#ifndef SZ_CURRENCY_HTTP_H
#define SZ_CURRENCY_HTTP_H

struct api_route_table; /* api/api.h */

extern const struct api_route_table currency_route_table;

#endif
