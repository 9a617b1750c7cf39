/*
 * http.h — the contract domain's HTTP adapter (src/contract/http.c): the
 * handlers of its routes (templates, contracts, events, subsidy grants and
 * spending, merchant insolvency). See docs/openapi.yaml (tag contract).
 */
#ifndef SZ_CONTRACT_HTTP_H
#define SZ_CONTRACT_HTTP_H

struct api_request;

void contract_handle_template_create(struct api_request *r);
void contract_handle_create(struct api_request *r);
void contract_handle_get(struct api_request *r);
void contract_handle_event(struct api_request *r);
void contract_handle_grant(struct api_request *r);
void contract_handle_spend(struct api_request *r);
void contract_handle_insolvency(struct api_request *r);

#endif
