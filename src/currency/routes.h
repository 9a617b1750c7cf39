/*
 * routes.h — HTTP handlers of the currency domain (routes.c), listed in the
 * one route table in src/api/router.c. See docs/openapi.yaml (tags currency, contract).
 */
#ifndef SZ_CURRENCY_ROUTES_H
#define SZ_CURRENCY_ROUTES_H

struct api_request;

void currency_handle_operator_create(struct api_request *r);
void currency_handle_operator_get(struct api_request *r);
void currency_handle_operator_issue(struct api_request *r);
void currency_handle_operator_redeem(struct api_request *r);
void currency_handle_operator_reserve(struct api_request *r);
void currency_handle_wallet_create(struct api_request *r);
void currency_handle_wallet_get(struct api_request *r);
void currency_handle_wallet_update(struct api_request *r);
void currency_handle_wallet_topup(struct api_request *r);
void currency_handle_wallet_withdraw(struct api_request *r);
void currency_handle_wallet_sub_fund(struct api_request *r);
void currency_handle_wallet_close(struct api_request *r);
void currency_handle_payment_create(struct api_request *r);
void currency_handle_payment_get(struct api_request *r);
void currency_handle_payment_refund(struct api_request *r);
void currency_handle_limits_get(struct api_request *r);
void currency_handle_limits_set(struct api_request *r);
void currency_handle_device_create(struct api_request *r);
void currency_handle_device_get(struct api_request *r);
void currency_handle_device_load(struct api_request *r);
void currency_handle_device_suspend(struct api_request *r);
void currency_handle_device_sync(struct api_request *r);

/* src/contract/routes.c */
void contract_handle_template_create(struct api_request *r);
void contract_handle_create(struct api_request *r);
void contract_handle_get(struct api_request *r);
void contract_handle_event(struct api_request *r);
void contract_handle_grant(struct api_request *r);
void contract_handle_spend(struct api_request *r);
void contract_handle_insolvency(struct api_request *r);

#endif
