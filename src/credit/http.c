/*
 * http.c — the credit domain's route table: every /v1/credit route with the
 * roles allowed to call it, its handler (http_enterprises.c,
 * http_queries.c, http_models.c) and, for a JSON body, the request schema
 * the one request codec decodes it by before the handler runs (the structs
 * and schemas are declared in http.h). A feed kind is a route of its own,
 * each with its schema. Only the composition root
 * (src/app/registry.c) names the table. See docs/openapi.yaml (tag credit).
 */
#include "credit/http_internal.h"

#include "api/api.h"
#include "api/codec.h"


static const struct api_route credit_routes[] = {
	{ "POST", "/v1/credit/enterprises", API_CB | API_AD, API_BODY_JSON, credit_handle_enterprise_register, "register an enterprise by its unified social credit code", &credit_register_schema },
	{ "GET", "/v1/credit/enterprises/{uscc}", API_READERS, API_BODY_NONE, credit_handle_enterprise_get, "an enterprise's registry record, personal data masked", NULL },
	{ "PUT", "/v1/credit/enterprises/{uscc}", API_CB | API_AD, API_BODY_JSON, credit_handle_enterprise_update, "update an enterprise's registry record", &credit_update_schema },
	{ "GET", "/v1/credit/enterprises/{uscc}/personal", API_AD, API_BODY_NONE, credit_handle_enterprise_personal, "the legal representative's personal data, decrypted (admin)", NULL },
	{ "POST", "/v1/credit/enterprises/{uscc}/feeds/tax", API_CB | API_AD, API_BODY_JSON, credit_handle_feed_tax, "submit monthly tax paid and the tax credit grade", &credit_feed_tax_schema },
	{ "POST", "/v1/credit/enterprises/{uscc}/feeds/headcount", API_CB | API_AD, API_BODY_JSON, credit_handle_feed_headcount, "submit monthly social-security headcount", &credit_feed_headcount_schema },
	{ "POST", "/v1/credit/enterprises/{uscc}/feeds/cashflow", API_CB | API_AD, API_BODY_JSON, credit_handle_feed_cashflow, "submit monthly cash flow", &credit_feed_cashflow_schema },
	{ "POST", "/v1/credit/enterprises/{uscc}/feeds/ip", API_CB | API_AD, API_BODY_JSON, credit_handle_feed_ip, "submit patents and other intellectual property", &credit_feed_ip_schema },
	{ "POST", "/v1/credit/enterprises/{uscc}/feeds/innovation", API_CB | API_AD, API_BODY_JSON, credit_handle_feed_innovation, "submit innovation points", &credit_feed_innovation_schema },
	{ "POST", "/v1/credit/enterprises/{uscc}/feeds/negative", API_CB | API_AD, API_BODY_JSON, credit_handle_feed_negative, "submit a negative record", &credit_feed_negative_schema },
	{ "POST", "/v1/credit/enterprises/{uscc}/cashflow", API_CB | API_AD, API_BODY_JSON, credit_handle_cashflow, "compute monthly cash flow from the enterprise's ledger accounts", &credit_cashflow_request_schema },
	{ "POST", "/v1/credit/enterprises/{uscc}/authorizations", API_ME, API_BODY_JSON, credit_handle_authorization_create, "authorize an institution to query, for a purpose, until a date", &credit_authorize_schema },
	{ "GET", "/v1/credit/enterprises/{uscc}/authorizations", API_CB | API_OP | API_ME | API_RG | API_AU | API_AD, API_BODY_NONE, credit_handle_authorization_list, "an enterprise's authorizations", NULL },
	{ "POST", "/v1/credit/authorizations/{id}/revoke", API_ME, API_BODY_JSON, credit_handle_authorization_revoke, "revoke an authorization", &credit_id_schema },
	{ "POST", "/v1/credit/enterprises/{uscc}/report", API_OP, API_BODY_JSON, credit_handle_report, "a credit report (authorized, logged)", &credit_report_schema },
	{ "POST", "/v1/credit/enterprises/{uscc}/score", API_OP, API_BODY_JSON, credit_handle_score, "a scorecard or tech-enterprise score decision (authorized, logged)", &credit_score_schema },
	{ "GET", "/v1/credit/enterprises/{uscc}/queries", API_CB | API_ME | API_RG | API_AU | API_AD, API_BODY_NONE, credit_handle_query_list, "who queried the enterprise, when, why, and what was returned", NULL },
	{ "GET", "/v1/credit/queries", API_CB | API_OP | API_RG | API_AU | API_AD, API_BODY_NONE, credit_handle_query_log, "the query log across enterprises, newest first (a bank sees its own queries)", NULL },
	{ "GET", "/v1/credit/decisions/{id}", API_CB | API_OP | API_RG | API_AU | API_AD, API_BODY_NONE, credit_handle_decision_get, "a score decision: model, inputs, score, grade, reasons", NULL },
	{ "POST", "/v1/credit/decisions/{id}/outcome", API_CB | API_OP | API_AD, API_BODY_JSON, credit_handle_decision_outcome, "record whether a decided loan performed (good) or defaulted (bad)", &credit_outcome_schema },
	{ "GET", "/v1/credit/challenger", API_CB | API_RG | API_AU | API_AD, API_BODY_NONE, credit_handle_challenger_report, "champion scorecard against its boosted challenger on the decisions with outcomes", NULL },
	{ "POST", "/v1/credit/enterprises/{uscc}/objections", API_ME, API_BODY_JSON, credit_handle_objection_create, "dispute a data record", &credit_objection_schema },
	{ "GET", "/v1/credit/objections", API_CB | API_RG | API_AU | API_AD, API_BODY_NONE, credit_handle_objection_list, "objections: open, overdue or all", NULL },
	{ "GET", "/v1/credit/objections/{id}", API_CB | API_ME | API_RG | API_AU | API_AD, API_BODY_NONE, credit_handle_objection_get, "an objection and its reply", NULL },
	{ "POST", "/v1/credit/objections/{id}/resolve", API_CB | API_AD, API_BODY_JSON, credit_handle_objection_resolve, "resolve an objection: corrected or confirmed, with a reply", &credit_resolve_schema },
	{ "POST", "/v1/credit/models/{version}/chunks", API_CB | API_AD, API_BODY_JSON, credit_handle_model_chunk, "upload one chunk of a scorecard model artifact", &credit_model_chunk_schema },
	{ "POST", "/v1/credit/models/{version}/activate", API_CB | API_AD, API_BODY_JSON, credit_handle_model_activate, "activate a complete model, pinned by its SHA-256", &credit_model_activate_schema },
	{ "GET", "/v1/credit/models", API_READERS, API_BODY_NONE, credit_handle_model_list, "registered scorecard models and the active one", NULL },
	{ "GET", "/v1/credit/monitoring", API_CB | API_RG | API_AU | API_AD, API_BODY_NONE, credit_handle_monitoring, "score PSI and CSI of a model's decisions by month (stable, warning > 0.1, alert > 0.25)", NULL },
	{ "POST", "/v1/credit/enterprises/{uscc}/watch", API_OP, API_BODY_JSON, credit_handle_watch, "watch an authorized enterprise for early warnings", &credit_id_schema },
	{ "GET", "/v1/credit/warnings", API_CB | API_OP | API_RG | API_AU | API_AD, API_BODY_NONE, credit_handle_warning_list, "early warnings (a bank sees its authorized enterprises)", NULL },
	{ "GET", "/v1/credit/purges", API_CB | API_RG | API_AU | API_AD, API_BODY_NONE, credit_handle_purge_list, "negative records purged after five years", NULL },
};
const struct api_route_table credit_route_table = { "credit", credit_routes,
						      sizeof credit_routes / sizeof credit_routes[0] };
