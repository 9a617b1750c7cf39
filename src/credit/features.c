/*
 * features.c — what the credit domain computes from an enterprise's record:
 * the calendar (China Standard Time), the characteristics a scorecard model
 * binds to by name (CREDIT_FEATURE_LIST in domain.h), and the
 * tech-enterprise product (tech-flow index, combined score, grade and
 * suggested credit limit). Pure functions of their arguments: apply calls
 * them with the command's time, so replay computes the same numbers.
 *
 * Windows: "the last 12 months" are the 12 calendar months before the month
 * of now (the current month is incomplete). Growth compares the last 6
 * months of tax with the 6 before, the latest headcount with the latest one
 * at least 6 months older (within a year), and the last 3 months of cash
 * inflow with the 3 before. A figure without data is missing
 * (SCORECARD_VALUE_MISSING), so the scorecard's missing bin scores it.
 * Figures are fixed point, 1/10,000 of their unit, computed from the exact
 * integer ratio and rounded to nearest (halves away from zero): age in years
 * = days * 4 / 1461 (365.25 days a year), an amount in CNY 10,000 = fen /
 * 1,000,000, growth in percent = (now - before) * 100 / before.
 *
 * Tech-flow index (0-100), integers only:
 *   IP          min(30, 6 per invention patent + 2 per other IP item)
 *   innovation  innovation points (0-1000) * 30 / 1000
 *   headcount   headcount growth in whole percent, clamped to 0-20
 *   tax         tax growth in whole percent, clamped to 0-20
 * Growth points use the whole percent below the exact growth. Combined
 * score = scorecard points + (index - 50) * 0.6, graded with the model's own
 * thresholds. Suggested limit = (20% of 12-month cash inflow + 3 x
 * 12-month tax paid) x the grade's factor (AAA 150% ... BBB 100% ... C 0),
 * +20% for specialised-and-new or little-giant enterprises, capped at
 * CNY 50 million, rounded down to CNY 10,000.
 */
#include "credit/domain.h"

#include "core/assert.h"

#include <string.h>

#define NS_PER_S 1000000000ull
#define CST_OFFSET_S (8 * 3600)
#define LIMIT_CAP_FEN 5000000000ll        /* CNY 50,000,000 */
#define LIMIT_ROUND_FEN 1000000ll         /* CNY 10,000 */

/* ---- calendar (H. Hinnant's days_from_civil, proleptic Gregorian) ---------- */

static bool leap(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int32_t credit_day_from_civil(int32_t year, uint32_t month, uint32_t day)
{
	static const uint8_t days_in[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1)
		return -1;
	uint32_t dim = days_in[month - 1] + (month == 2 && leap(year) ? 1u : 0u);
	if (day > dim)
		return -1;
	int32_t y = year - (month <= 2);
	int32_t era = (y >= 0 ? y : y - 399) / 400;
	uint32_t yoe = (uint32_t)(y - era * 400);
	uint32_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

void credit_civil_from_day(int32_t days, int32_t *year, uint32_t *month, uint32_t *day)
{
	int32_t z = days + 719468;
	int32_t era = (z >= 0 ? z : z - 146096) / 146097;
	uint32_t doe = (uint32_t)(z - era * 146097);
	uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int32_t y = (int32_t)yoe + era * 400;
	uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint32_t mp = (5 * doy + 2) / 153;
	*day = doy - (153 * mp + 2) / 5 + 1;
	*month = mp < 10 ? mp + 3 : mp - 9;
	*year = y + (*month <= 2);
}

int32_t credit_day_of_ns(uint64_t ns)
{
	return (int32_t)((ns / NS_PER_S + CST_OFFSET_S) / 86400u);
}

int32_t credit_month_of_ns(uint64_t ns)
{
	int32_t y;
	uint32_t m, d;
	credit_civil_from_day(credit_day_of_ns(ns), &y, &m, &d);
	return y * 12 + (int32_t)m - 1;
}

uint64_t credit_ns_of_day(int32_t day)
{
	SZ_ASSERT(day >= 1);
	return ((uint64_t)day * 86400u - CST_OFFSET_S) * NS_PER_S;
}

/* ---- series --------------------------------------------------------------- */

int64_t credit_series_sum(const struct credit_series *s, int32_t first, int32_t last, uint32_t *months_found)
{
	int64_t sum = 0;
	uint32_t found = 0;
	for (uint32_t i = 0; i < s->count; i++)
		if (s->rows[i].month >= first && s->rows[i].month <= last) {
			sum += s->rows[i].value; /* values are bounded at apply: no overflow */
			found++;
		}
	if (months_found)
		*months_found = found;
	return sum;
}

/* num / den in 1/10,000, rounded to nearest, halves away from zero, clamped
 * to +-SCORECARD_VALUE_E4_MAX. den > 0. */
static int64_t ratio_e4(__int128 num, int64_t den)
{
	SZ_ASSERT(den > 0);
	__int128 scaled = num * SCORECARD_VALUE_SCALE;
	__int128 magnitude = scaled < 0 ? -scaled : scaled;
	__int128 q = (2 * magnitude + den) / (2 * (__int128)den);
	if (q > SCORECARD_VALUE_E4_MAX)
		q = SCORECARD_VALUE_E4_MAX;
	return (int64_t)(scaled < 0 ? -q : q);
}

/* A growth figure: percent = (now - before) * 100 / before. */
struct growth {
	int64_t change; /* now - before */
	int64_t before; /* > 0 */
};

static int64_t growth_pct_e4(struct growth g)
{
	return ratio_e4((__int128)g.change * 100, g.before);
}

/* Growth of the window ending at last (width months) over the one before
 * it; false when either has no data or the base is not positive. */
static bool window_growth(const struct credit_series *s, int32_t last, int32_t width, struct growth *g)
{
	uint32_t n_now = 0, n_before = 0;
	int64_t now = credit_series_sum(s, last - width + 1, last, &n_now);
	int64_t before = credit_series_sum(s, last - 2 * width + 1, last - width, &n_before);
	if (n_now == 0 || n_before == 0 || before <= 0)
		return false;
	g->change = now - before; /* values are bounded at apply: no overflow */
	g->before = before;
	return true;
}

/* Latest headcount in [ref - 11, ref] and its growth over the latest value
 * at least 6 months older (within 12 months of it). */
static bool headcount_latest(const struct credit_series *s, int32_t ref, int64_t *latest, int32_t *month)
{
	for (uint32_t i = s->count; i-- > 0;)
		if (s->rows[i].month <= ref) {
			if (s->rows[i].month < ref - 11)
				return false;
			*latest = s->rows[i].value;
			*month = s->rows[i].month;
			return true;
		}
	return false;
}

static bool headcount_growth(const struct credit_series *s, int32_t ref, struct growth *g)
{
	int64_t latest;
	int32_t month;
	if (!headcount_latest(s, ref, &latest, &month))
		return false;
	for (uint32_t i = s->count; i-- > 0;)
		if (s->rows[i].month <= month - 6) {
			if (s->rows[i].month < month - 12 || s->rows[i].value <= 0)
				return false;
			g->change = latest - s->rows[i].value;
			g->before = s->rows[i].value;
			return true;
		}
	return false;
}

/* ---- features --------------------------------------------------------------- */

static const struct {
	const char *name;
	enum credit_csv_kind kind;
} features[CREDIT_FEATURE_COUNT] = {
#define CREDIT_FEATURE_ROW(e, name, kind) { name, kind },
	CREDIT_FEATURE_LIST(CREDIT_FEATURE_ROW)
#undef CREDIT_FEATURE_ROW
};

const char *credit_feature_name(uint32_t feature)
{
	return feature < CREDIT_FEATURE_COUNT ? features[feature].name : NULL;
}

enum credit_csv_kind credit_feature_kind(uint32_t feature)
{
	SZ_ASSERT(feature < CREDIT_FEATURE_COUNT);
	return features[feature].kind;
}

static const char *const sections[] = { "A", "B", "C", "D", "E", "F", "G", "H", "I", "J",
					"K", "L", "M", "N", "O", "P", "Q", "R", "S", "T" };
static const char *const tax_grades[] = { "A", "B", "M", "C", "D" };
static const char *const yes_no[] = { "yes", "no" };

const char *credit_feature_label(uint32_t feature, uint8_t code)
{
	if (code == 0)
		return NULL;
	switch (feature) {
	case CREDIT_FEATURE_INDUSTRY_SECTION: return code <= 20 ? sections[code - 1] : NULL;
	case CREDIT_FEATURE_TAX_GRADE: return code <= 5 ? tax_grades[code - 1] : NULL;
	case CREDIT_FEATURE_SPECIALISED_NEW:
	case CREDIT_FEATURE_HIGH_TECH: return code <= 2 ? yes_no[code - 1] : NULL;
	}
	return NULL;
}

static uint8_t tax_grade_code(const char *grade)
{
	for (uint8_t i = 0; i < 5; i++)
		if (strcmp(grade, tax_grades[i]) == 0)
			return (uint8_t)(i + 1);
	return 0;
}

void credit_features(const struct credit_enterprise *e, uint64_t now_ns, int64_t numbers_e4[CREDIT_FEATURE_COUNT],
		     uint8_t labels[CREDIT_FEATURE_COUNT])
{
	SZ_ASSERT(e != NULL);
	SZ_ASSERT(numbers_e4 != NULL && labels != NULL);
	for (uint32_t i = 0; i < CREDIT_FEATURE_COUNT; i++) {
		numbers_e4[i] = SCORECARD_VALUE_MISSING;
		labels[i] = 0;
	}
	int64_t *v = numbers_e4;
	const int64_t unit = SCORECARD_VALUE_SCALE;
	const int64_t fen_per_10k = 1000000;
	int32_t ref = credit_month_of_ns(now_ns) - 1;
	int32_t today = credit_day_of_ns(now_ns);
	const struct credit_enterprise_cmd *info = &e->info;
	if (today >= info->founded_day)
		v[CREDIT_FEATURE_AGE_YEARS] = ratio_e4((__int128)(today - info->founded_day) * 4, 1461);
	v[CREDIT_FEATURE_REGISTERED_CAPITAL_10K] = ratio_e4(info->registered_capital_fen, fen_per_10k);
	if (info->industry[0] >= 'A' && info->industry[0] <= 'T')
		labels[CREDIT_FEATURE_INDUSTRY_SECTION] = (uint8_t)(info->industry[0] - 'A' + 1);
	uint32_t n = 0;
	int64_t tax = credit_series_sum(&e->tax, ref - 11, ref, &n);
	if (n)
		v[CREDIT_FEATURE_TAX_PAID_12M_10K] = ratio_e4(tax, fen_per_10k);
	struct growth g;
	if (window_growth(&e->tax, ref, 6, &g))
		v[CREDIT_FEATURE_TAX_GROWTH_PCT] = growth_pct_e4(g);
	labels[CREDIT_FEATURE_TAX_GRADE] = tax_grade_code(e->tax_grade);
	int64_t heads;
	int32_t month;
	if (headcount_latest(&e->headcount, ref, &heads, &month))
		v[CREDIT_FEATURE_HEADCOUNT] = ratio_e4(heads, 1);
	if (headcount_growth(&e->headcount, ref, &g))
		v[CREDIT_FEATURE_HEADCOUNT_GROWTH_PCT] = growth_pct_e4(g);
	v[CREDIT_FEATURE_INVENTION_PATENTS] = (int64_t)e->invention_count * unit;
	v[CREDIT_FEATURE_IP_TOTAL] = (int64_t)e->ip_count * unit;
	v[CREDIT_FEATURE_IP_PLEDGED] = (int64_t)e->pledged_count * unit;
	if (e->innovation_set)
		v[CREDIT_FEATURE_INNOVATION_POINTS] = (int64_t)e->innovation_points * unit;
	v[CREDIT_FEATURE_NEGATIVE_RECORDS] = (int64_t)e->negative_count * unit;
	int64_t inflow = credit_series_sum(&e->inflow, ref - 11, ref, &n);
	if (n) {
		int64_t outflow = credit_series_sum(&e->outflow, ref - 11, ref, NULL);
		v[CREDIT_FEATURE_CASH_INFLOW_12M_10K] = ratio_e4(inflow, fen_per_10k);
		v[CREDIT_FEATURE_NET_CASH_FLOW_12M_10K] = ratio_e4((__int128)inflow - outflow, fen_per_10k);
	}
	if (window_growth(&e->inflow, ref, 3, &g))
		v[CREDIT_FEATURE_CASH_INFLOW_GROWTH_PCT] = growth_pct_e4(g);
	uint32_t tags = info->tags;
	labels[CREDIT_FEATURE_SPECIALISED_NEW] =
		(tags & (CREDIT_TAG_SPECIALISED_NEW | CREDIT_TAG_LITTLE_GIANT)) ? 1 : 2;
	labels[CREDIT_FEATURE_HIGH_TECH] = (tags & CREDIT_TAG_HIGH_TECH) ? 1 : 2;
}

/* ---- the tech-enterprise product ------------------------------------------- */

/* The whole percent below a growth, clamped to [0, max]. */
static int32_t clamp_pct(struct growth g, int32_t max)
{
	SZ_ASSERT(g.before > 0);
	if (g.change <= 0)
		return 0;
	__int128 pct = (__int128)g.change * 100 / g.before;
	return pct >= max ? max : (int32_t)pct;
}

void credit_tech_compute(const struct credit_enterprise *e, uint64_t now_ns, const scorecard_model *model,
			 int64_t scorecard_points_milli, struct credit_tech *out)
{
	SZ_ASSERT(model != NULL);
	memset(out, 0, sizeof *out);
	int32_t ref = credit_month_of_ns(now_ns) - 1;
	int64_t others = (int64_t)e->ip_count - e->invention_count;
	int64_t ip = 6 * (int64_t)e->invention_count + 2 * others;
	out->ip_points = (int32_t)(ip > 30 ? 30 : ip);
	int64_t points = e->innovation_set ? e->innovation_points : 0;
	points = points < 0 ? 0 : points > 1000 ? 1000 : points;
	out->innovation_points = (int32_t)(points * 30 / 1000);
	struct growth g;
	out->headcount_points = headcount_growth(&e->headcount, ref, &g) ? clamp_pct(g, 20) : 0;
	out->tax_points = window_growth(&e->tax, ref, 6, &g) ? clamp_pct(g, 20) : 0;
	out->index = out->ip_points + out->innovation_points + out->headcount_points + out->tax_points;
	SZ_ASSERT(out->index >= 0 && out->index <= 100);
	out->score_milli = scorecard_points_milli + (int64_t)(out->index - 50) * CREDIT_TECH_POINTS_PER_INDEX_MILLI;
	enum scorecard_grade grade = scorecard_grade_of(model, out->score_milli);
	out->grade = (uint32_t)grade;

	static const int32_t factor_pct[SCORECARD_GRADE_COUNT] = { 150, 130, 115, 100, 80, 60, 30, 10, 0 };
	int64_t inflow = credit_series_sum(&e->inflow, ref - 11, ref, NULL);
	int64_t tax = credit_series_sum(&e->tax, ref - 11, ref, NULL);
	__int128 base = (__int128)(inflow > 0 ? inflow : 0) * 20 / 100 + (__int128)(tax > 0 ? tax : 0) * 3;
	__int128 limit = base * factor_pct[grade] / 100;
	if (e->info.tags & (CREDIT_TAG_SPECIALISED_NEW | CREDIT_TAG_LITTLE_GIANT))
		limit = limit * 120 / 100;
	if (limit > LIMIT_CAP_FEN)
		limit = LIMIT_CAP_FEN;
	out->credit_limit_fen = (int64_t)(limit / LIMIT_ROUND_FEN * LIMIT_ROUND_FEN);
}

static int64_t whole_of_e4(int64_t value_e4, int64_t max)
{
	if (value_e4 == SCORECARD_VALUE_MISSING || value_e4 <= 0)
		return 0;
	int64_t whole = value_e4 / SCORECARD_VALUE_SCALE;
	return whole > max ? max : whole;
}

int32_t credit_tech_index_of(int64_t invention_patents_e4, int64_t ip_total_e4, int64_t innovation_points_e4,
			     int64_t headcount_growth_pct_e4, int64_t tax_growth_pct_e4)
{
	int64_t inventions = whole_of_e4(invention_patents_e4, 1000000);
	int64_t items = whole_of_e4(ip_total_e4, 1000000);
	int64_t others = items > inventions ? items - inventions : 0;
	int64_t ip = 6 * inventions + 2 * others;
	int64_t index = ip > 30 ? 30 : ip;
	index += whole_of_e4(innovation_points_e4, 1000) * 30 / 1000;
	index += whole_of_e4(headcount_growth_pct_e4, 20) + whole_of_e4(tax_growth_pct_e4, 20);
	SZ_ASSERT(index >= 0 && index <= 100);
	return (int32_t)index;
}
