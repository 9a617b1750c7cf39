/*
 * http.c — the statistics domain's HTTP adapter: read a currency's daily
 * figures, set its large-value threshold.
 *
 * Routes (roles from the route table; the figures are system-wide
 * aggregates, so only the central bank, regulators, auditors and admins read
 * them, and only the central bank, regulators and admins set thresholds):
 *   GET  /v1/stats/{currency}     threshold, total and the retained days, newest first
 *   POST /v1/stats/thresholds     {"currency":"CNY","threshold":"50000.00"}
 * Amounts are decimal strings in the currency's minor unit; counts are
 * decimal strings (they may exceed 2^53).
 */
#include "stats/http.h"
#include "api/api.h"
#include "api/codec.h"
#include "api/schema.h"
#include "core/assert.h"
#include "stats/stats.h"

#include <stddef.h>
#include <stdio.h>


/* "YYYY-MM-DD" of a day number (days since 1970-01-01, proleptic Gregorian):
 * shift to an era that starts on 0000-03-01, then split the era into years
 * and the year into months of 153 days per five. */
static void day_text(int64_t day, char out[16])
{
	SZ_ASSERT(day >= 0);
	int64_t z = day + 719468;
	int64_t era = z / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);
	SZ_ASSERT(m >= 1 && m <= 12 && d >= 1 && d <= 31);
	snprintf(out, 16, "%04lld-%02lld-%02lld", (long long)y, (long long)m, (long long)d);
}

static json_t *day_json(const struct stats_day *d, uint32_t currency)
{
	char date[16];
	day_text(d->day, date);
	json_t *o = json_object();
	json_object_set_new(o, "date", json_string(date));
	json_object_set_new(o, "transfer_count", api_json_string_u64(d->transfer_count));
	json_object_set_new(o, "volume", api_json_amount_string(d->volume_minor, currency));
	json_object_set_new(o, "large_count", api_json_string_u64(d->large_count));
	json_object_set_new(o, "volume_saturated", json_boolean(d->volume_saturated));
	return o;
}

static json_t *currency_json(const struct stats_currency *c, uint64_t batch_time_ns)
{
	char code[4];
	sz_currency_format(c->currency, code);
	json_t *o = json_object();
	json_object_set_new(o, "currency", json_string(code));
	json_object_set_new(o, "threshold", api_json_amount_string(c->threshold_minor, c->currency));
	json_object_set_new(o, "total_count", api_json_string_u64(c->total_count));
	json_t *days = json_array();
	int64_t today = (int64_t)(batch_time_ns / STATS_NS_PER_DAY);
	for (int64_t day = today; day >= 0 && day > today - (int64_t)STATS_DAY_COUNT_MAX; day--) {
		const struct stats_day *d = stats_day_find(c, day);
		if (d != NULL)
			json_array_append_new(days, day_json(d, c->currency));
	}
	json_object_set_new(o, "days", days);
	return o;
}

static void handle_get(struct api_request *r)
{
	uint32_t currency;
	if (sz_currency_parse(api_param(r, 0), &currency) != 0) {
		api_problem(r, "field_invalid", "'%s' is not a currency code", api_param(r, 0));
		return;
	}
	const struct sz_state *s = sz_engine_state(r->server->engine);
	const struct stats_currency *c = stats_currency_find(stats_state_get(s), currency);
	if (c == NULL) {
		api_problem(r, "not_found", "no statistics for %s", api_param(r, 0));
		return;
	}
	api_reply_json(r, 200, currency_json(c, s->batch_time_ns));
}

struct threshold_in {
	uint32_t currency;
	uint64_t threshold_minor;
};

static const struct api_field threshold_fields[] = {
	{ .name = "currency", .type = API_T_CURRENCY, .flags = API_F_REQUIRED,
	  .offset = offsetof(struct threshold_in, currency) },
	{ .name = "threshold", .type = API_T_AMOUNT, .flags = API_F_REQUIRED,
	  .offset = offsetof(struct threshold_in, threshold_minor), .currency_key = "currency" },
};
static const struct api_schema threshold_schema = API_SCHEMA("stats_threshold", threshold_fields, struct threshold_in);

static void threshold_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	SZ_ASSERT(count == 1);
	if (results[0] != SZ_R_OK) {
		api_problem_result(r, results[0], NULL);
		return;
	}
	const struct stats_threshold_cmd *c = api_submitted_body(r);
	const struct sz_state *s = sz_engine_state(r->server->engine);
	const struct stats_currency *cur = stats_currency_find(stats_state_get(s), c->currency);
	SZ_ASSERT(cur != NULL); /* the command just added it */
	api_reply_json(r, 200, currency_json(cur, s->batch_time_ns));
}

static void handle_threshold(struct api_request *r)
{
	const struct threshold_in *in = r->in;
	struct stats_threshold_cmd c = { .currency = in->currency, .threshold_minor = in->threshold_minor };
	api_submit_one(r, STATS_CMD_THRESHOLD_SET, &c, sizeof c, threshold_done);
}

static const struct api_route stats_routes[] = {
	API_GET("/v1/stats/{currency}", API_CB | API_RG | API_AU | API_AD, handle_get,
		"a currency's daily transfer figures (count, volume, large-value count), newest first"),
	API_POST("/v1/stats/thresholds", API_CB | API_RG | API_AD, handle_threshold, &threshold_schema,
		 "set a currency's large-value threshold"),
};

const struct api_route_table stats_route_table = { "stats", stats_routes,
						   sizeof stats_routes / sizeof stats_routes[0] };
