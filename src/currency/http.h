/*
 * http.h — the currency domain's HTTP adapter (src/currency/http*.c): the
 * handlers of its routes (operators, wallets, payments, limits, devices).
 * See docs/openapi.yaml (tag currency). Only the composition root and the
 * router name these; other domains never do.
 */
#ifndef SZ_CURRENCY_HTTP_H
#define SZ_CURRENCY_HTTP_H

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

#endif
