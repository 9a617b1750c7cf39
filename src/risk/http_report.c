/*
 * http_report.c — large-value (大额交易报告) and suspicious (可疑交易报告)
 * transaction report rows, as JSON or CSV, from the stored alerts whose
 * typology feeds that report. The columns and their PBoC form fields are
 * mapped in docs/risk.md; the customer identity fields the forms ask for
 * (name, ID type and number) are not held by the ledger and are left for
 * the reporting institution's KYC system to fill.
 */
#include "risk/http_internal.h"
#include "api/api.h"
#include "api/codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool risk_alert_visible(const struct api_principal *p, const struct risk_alert *a);

#define REPORT_COLUMNS(X) \
	X(report_type) X(alert) X(institution_tenant) X(transaction_time) X(transaction_id) X(amount) X(currency) \
	X(transaction_method) X(payer_account) X(payee_account) X(typology) X(score) X(interdicted) \
	X(ruleset_version) X(report_due) X(status) X(retain_until)

static const char *method_of(const struct risk_alert *a)
{
	if (a->party_mask & (1u << RISK_PARTY_CASH))
		return "cash";
	if (a->party_mask & (1u << RISK_PARTY_INDIVIDUAL_XBORDER))
		return "cross_border_transfer";
	return "transfer";
}

/* One report row as strings, in REPORT_COLUMNS order. */
static json_t *report_row(const struct risk_state *st, const struct risk_alert *a, uint64_t now_ns)
{
	char t[32], due[32], keep[32], cur[4], amount[SZ_AMOUNT_TEXT_SIZE], id[SZ_ID_TEXT_SIZE],
	    payer[SZ_ID_TEXT_SIZE], payee[SZ_ID_TEXT_SIZE];
	const struct risk_ruleset *rs = risk_version_find(st, a->ruleset_version);
	uint64_t retain_ns = (uint64_t)(rs ? rs->retention_days : RISK_RETENTION_DAYS_DEFAULT) * RISK_NS_PER_DAY;
	risk_time_text(a->time_ns, t);
	risk_time_text(a->report_due_ns, due);
	risk_time_text(a->time_ns + retain_ns, keep);
	sz_currency_format(a->currency, cur);
	sz_amount_format(a->amount_minor, sz_currency_exponent(a->currency), amount);
	sz_id_format(a->transfer_id, id);
	sz_id_format(a->payer_id, payer);
	sz_id_format(a->payee_id, payee);
	bool reported = risk_alert_reported(st, a->alert_no);
	const char *status = reported ? "reported" : now_ns > a->report_due_ns ? "overdue" : "due";
	char no[24], tenant[24], typ[8], score[12], version[12];
	snprintf(no, sizeof no, "%llu", (unsigned long long)a->alert_no);
	snprintf(tenant, sizeof tenant, "%llu", (unsigned long long)a->tenant_id);
	snprintf(typ, sizeof typ, "%u", a->typology_id);
	snprintf(score, sizeof score, "%u", a->score);
	snprintf(version, sizeof version, "%u", a->ruleset_version);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "report_type",
			 a->report == RISK_REPORT_LARGE ? "BH" : "BS", "alert", no, "institution_tenant", tenant,
			 "transaction_time", t, "transaction_id", id, "amount", amount, "currency", cur,
			 "transaction_method", method_of(a), "payer_account", payer, "payee_account", payee, "typology",
			 typ, "score", score, "interdicted", a->interdicted ? "true" : "false", "ruleset_version", version,
			 "report_due", due, "status", status, "retain_until", keep);
}

static void reply_csv(struct api_request *r, json_t *rows)
{
	static const char *const columns[] = {
#define COLUMN_NAME(c) #c,
		REPORT_COLUMNS(COLUMN_NAME)
#undef COLUMN_NAME
	};
	size_t size = 0;
	char *text = NULL;
	FILE *f = open_memstream(&text, &size);
	if (f == NULL) {
		api_problem(r, "internal", "no memory for the report");
		return;
	}
	for (size_t c = 0; c < sizeof columns / sizeof columns[0]; c++)
		fprintf(f, "%s%s", c ? "," : "", columns[c]);
	fputs("\r\n", f);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		for (size_t c = 0; c < sizeof columns / sizeof columns[0]; c++)
			fprintf(f, "%s%s", c ? "," : "", json_string_value(json_object_get(row, columns[c])));
		fputs("\r\n", f);
	}
	fclose(f);
	api_reply_bytes(r, 200, "text/csv; charset=utf-8", text, size);
	free(text);
}

void risk_handle_reports(struct api_request *r)
{
	const struct sz_state *s = sz_engine_state(r->server->engine);
	const struct risk_state *st = risk_state_get(s);
	const char *kind = api_query(r, "kind"), *format = api_query(r, "format");
	uint32_t report = kind && strcmp(kind, "large_value") == 0 ? RISK_REPORT_LARGE
			  : kind && strcmp(kind, "suspicious") == 0 ? RISK_REPORT_SUSPICIOUS : 0;
	bool csv = format != NULL && strcmp(format, "csv") == 0;
	if (report == 0 || (format != NULL && !csv && strcmp(format, "json") != 0)) {
		api_problem(r, "query_invalid", "kind is large_value or suspicious; format is json or csv");
		return;
	}
	json_t *rows = json_array();
	for (uint32_t pass = 0; pass < 2; pass++) {
		uint32_t count = pass == 0 ? risk_alert_count(st) : risk_refusal_count(st);
		for (uint32_t i = 0; i < count && json_array_size(rows) < SZ_API_LIST_SCAN_COUNT_MAX; i++) {
			const struct risk_alert *a = pass == 0 ? risk_alert_at(st, i) : risk_refusal_at(st, i);
			if (a->report == report && !risk_alert_purged(a) && risk_alert_visible(&r->principal, a))
				json_array_append_new(rows, report_row(st, a, s->batch_time_ns));
		}
	}
	if (csv) {
		reply_csv(r, rows);
		json_decref(rows);
		return;
	}
	api_reply_json(r, 200, json_pack("{s:s, s:o}", "report", kind, "rows", rows));
}
