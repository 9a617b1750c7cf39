/*
 * http_monitor.c — GET /v1/credit/monitoring: the stability of a model's
 * scored population, month by month, from the decisions the server
 * recorded.
 *
 * For each month (UTC+8) of the latest CREDIT_MONITOR_MONTH_COUNT_MAX
 * months with decisions of the model: the score PSI against the model's
 * training score bands, and the CSI of each selected characteristic against
 * its training bin shares (formula and share floor of validate.h). A month
 * is "stable" at PSI <= 0.1, "warning" above 0.1 and "alert" above 0.25.
 * Read only: it recomputes each decision's bins from the inputs the
 * decision recorded, with the model the decision names. Runs on the API
 * thread (an adapter file: floating point is allowed here, never in apply).
 */
#include "credit/http_internal.h"

#include "api/api.h"
#include "core/assert.h"
#include "credit/validate.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Months reported: two years of monthly monitoring. */
#define CREDIT_MONITOR_MONTH_COUNT_MAX 24u
#define CREDIT_MONITOR_PSI_WARNING 0.1
#define CREDIT_MONITOR_PSI_ALERT 0.25

struct monitor {
	const scorecard_model *model;
	uint32_t month_count;
	int32_t months[CREDIT_MONITOR_MONTH_COUNT_MAX];       /* year * 12 + month - 1, rising */
	uint32_t decisions[CREDIT_MONITOR_MONTH_COUNT_MAX];
	uint32_t bands[CREDIT_MONITOR_MONTH_COUNT_MAX][SCORECARD_SCORE_BIN_COUNT];
	uint32_t bin_base[SZ_CREDIT_CSV_COLUMN_COUNT_MAX];     /* offset of a characteristic's bins */
	uint32_t bin_total;
	uint32_t *bins;                                        /* month_count x bin_total counts */
};

static const char *monitor_state(double psi)
{
	if (psi > CREDIT_MONITOR_PSI_ALERT)
		return "alert";
	return psi > CREDIT_MONITOR_PSI_WARNING ? "warning" : "stable";
}

/* The latest months with decisions of model index `model`, rising. */
static void monitor_months(const struct credit_domain_state *c, uint32_t model, struct monitor *m)
{
	m->month_count = 0;
	for (uint32_t i = 0; i < credit_query_count(c); i++) {
		const struct credit_query *q = credit_query_at(c, i);
		if (q->decision == 0 || credit_decision_at(c, q->decision - 1)->model != model)
			continue;
		int32_t month = credit_month_of_ns(q->at_ns);
		uint32_t k = 0;
		while (k < m->month_count && m->months[k] < month)
			k++;
		if (k < m->month_count && m->months[k] == month)
			continue;
		if (m->month_count == CREDIT_MONITOR_MONTH_COUNT_MAX) {
			if (k == 0)
				continue; /* older than every month kept */
			memmove(&m->months[0], &m->months[1], (k - 1) * sizeof(int32_t));
			m->months[k - 1] = month;
			continue;
		}
		memmove(&m->months[k + 1], &m->months[k], (m->month_count - k) * sizeof(int32_t));
		m->months[k] = month;
		m->month_count++;
	}
}

static uint32_t score_band(const scorecard_model *model, int64_t score_milli)
{
	uint32_t b = 0;
	while (b + 1 < model->score_bin_count && score_milli > model->score_uppers_milli[b])
		b++;
	return b;
}

/* Counts every decision of the model into its month's score band and bins. */
static void monitor_count(const struct credit_domain_state *c, const struct credit_model *cm, uint32_t model,
			  struct monitor *m)
{
	const scorecard_model *sm = &cm->parsed;
	for (uint32_t i = 0; i < credit_query_count(c); i++) {
		const struct credit_query *q = credit_query_at(c, i);
		if (q->decision == 0)
			continue;
		const struct credit_decision *d = credit_decision_at(c, q->decision - 1);
		if (d->model != model)
			continue;
		int32_t month = credit_month_of_ns(q->at_ns);
		uint32_t k = 0;
		while (k < m->month_count && m->months[k] != month)
			k++;
		if (k == m->month_count)
			continue;
		m->decisions[k]++;
		m->bands[k][score_band(sm, d->score_milli)]++;
		for (uint32_t ch = 0; ch < sm->characteristic_count; ch++) {
			const scorecard_characteristic *x = &sm->characteristics[ch];
			int32_t f = cm->feature_of[ch];
			if (!x->selected)
				continue;
			uint32_t bin = x->missing_bin;
			if (f >= 0)
				bin = x->kind == CREDIT_CSV_NUMERIC
					? scorecard_bin_of_number(x, d->inputs_e4[f])
					: scorecard_bin_of_label(x, credit_feature_label((uint32_t)f, d->labels[f]));
			m->bins[(size_t)k * m->bin_total + m->bin_base[ch] + bin]++;
		}
	}
}

/* PSI of counts against training shares with the share floor of validate.h. */
static double shift_of(const uint32_t *counts, uint32_t total, const double *expected, uint32_t n)
{
	double actual[SZ_SCORECARD_BIN_COUNT_MAX];
	SZ_ASSERT(n <= SZ_SCORECARD_BIN_COUNT_MAX);
	for (uint32_t b = 0; b < n; b++)
		actual[b] = total > 0 ? (double)counts[b] / total : 0.0;
	return scorecard_psi(expected, actual, n);
}

static json_t *monitor_month_json(const struct monitor *m, uint32_t k)
{
	const scorecard_model *sm = m->model;
	double expected[SZ_SCORECARD_BIN_COUNT_MAX];
	for (uint32_t b = 0; b < sm->score_bin_count; b++)
		expected[b] = (double)sm->score_shares_ppm[b] / SCORECARD_PPM;
	double psi = shift_of(m->bands[k], m->decisions[k], expected, sm->score_bin_count);
	json_t *csi = json_object();
	double training = (double)sm->good_count + (double)sm->bad_count;
	for (uint32_t ch = 0; ch < sm->characteristic_count; ch++) {
		const scorecard_characteristic *x = &sm->characteristics[ch];
		if (!x->selected)
			continue;
		for (uint32_t b = 0; b < x->bin_count; b++)
			expected[b] = (x->bins[b].good_count + x->bins[b].bad_count) / training;
		double v = shift_of(&m->bins[(size_t)k * m->bin_total + m->bin_base[ch]], m->decisions[k], expected,
				    x->bin_count);
		json_object_set_new(csi, x->name, json_pack("{s:f, s:s}", "csi", v, "state", monitor_state(v)));
	}
	char month[16];
	snprintf(month, sizeof month, "%04d-%02d", m->months[k] / 12, m->months[k] % 12 + 1);
	return json_pack("{s:s, s:i, s:f, s:s, s:o}", "month", month, "decisions", (json_int_t)m->decisions[k], "psi",
			 psi, "state", monitor_state(psi), "csi", csi);
}

void credit_handle_monitoring(struct api_request *r)
{
	const struct credit_domain_state *c = credit_http_state(r);
	const char *version = api_query(r, "model");
	int64_t model = version != NULL ? credit_model_find(c, version) : credit_model_active(c);
	if (model < 0 || credit_model_at(c, (uint32_t)model)->feature_of == NULL) {
		api_problem(r, "not_found", "%s%s", version != NULL ? "no usable model " : "no active model",
			    version != NULL ? version : "");
		return;
	}
	const struct credit_model *cm = credit_model_at(c, (uint32_t)model);
	static _Thread_local struct monitor m;
	memset(&m, 0, sizeof m);
	m.model = &cm->parsed;
	for (uint32_t ch = 0; ch < m.model->characteristic_count; ch++) {
		m.bin_base[ch] = m.bin_total;
		m.bin_total += m.model->characteristics[ch].bin_count;
	}
	monitor_months(c, (uint32_t)model, &m);
	m.bins = calloc((size_t)(m.month_count > 0 ? m.month_count : 1u) * (m.bin_total > 0 ? m.bin_total : 1u),
			sizeof(uint32_t));
	if (m.bins == NULL) {
		api_problem(r, "internal", "out of memory counting the decisions");
		return;
	}
	monitor_count(c, cm, (uint32_t)model, &m);
	json_t *months = json_array();
	for (uint32_t k = 0; k < m.month_count; k++)
		json_array_append_new(months, monitor_month_json(&m, k));
	free(m.bins);
	api_reply_json(r, 200, json_pack("{s:s, s:f, s:f, s:o}", "model", cm->info.version, "psi_warning",
					 CREDIT_MONITOR_PSI_WARNING, "psi_alert", CREDIT_MONITOR_PSI_ALERT, "months", months));
}
