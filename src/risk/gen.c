/*
 * gen.c — synthetic payments with planted typologies (see gen.h).
 *
 * Model (all draws from one xorshift64* stream seeded by params.seed):
 *  - people (wallets P#####) pay 0.6 times a day on average, between 08:00
 *    and 22:00 CST: 55% to one of the hub merchants (M###, Zipf-like: the
 *    first merchants are the busiest), 20% to one of their 3 usual payees,
 *    25% to a random other person (one-off payees: new counterparties are
 *    common in real payments);
 *  - employers (E###, general accounts) pay 150-400 employees a salary on
 *    the 10th of each month (8,000-30,000 CNY);
 *  - 2% of people are background dormant: quiet for 100+ days, then one
 *    small payment;
 *  - ordinary amounts: 50% 10-300 CNY, 30% 300-3,000, 15% 3,000-20,000,
 *    5% 20,000-100,000 (uniform within a band). Planted transfers draw from
 *    the SAME distribution; where a typology needs a floor (dormant
 *    reactivation >= 10,000, pass-through >= 60,000 in) the draw is
 *    repeated until it is reached, i.e. the tail of that distribution.
 *    Structuring is the exception by definition: 45,000-49,999.99.
 *  - plants (labels.csv: one row each):
 *      fan_in        20-30 distinct people pay the main account within 6 h;
 *      fan_out       the main account pays 20-30 distinct people within 6 h;
 *      cycle         3-6 people pass an amount round within 12 h, each hop
 *                    keeping 0-2%;
 *      structuring   7-9 payments of 45,000-49,999.99 in one CST day to 3-5 payees;
 *      pass_through  inflow of >= 60,000 from 1-3 payers, 90-99% of it out
 *                    to 1-3 payees within 6 h;
 *      dormant       an account (D####) active only in its first 10 days
 *                    pays 1-2 transfers of >= 10,000 after 95+ quiet days.
 *    Main accounts are distinct people; members are the other accounts.
 * Output rows are sorted by time (stable), times RFC 3339 UTC to the second.
 */
#include "risk/gen.h"
#include "core/assert.h"
#include "core/errors.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PER_S 1000000000ull
#define NS_PER_MIN (60ull * NS_PER_S)
#define NS_PER_HOUR (60ull * NS_PER_MIN)
#define NS_PER_DAY (24ull * NS_PER_HOUR)
#define CST_OFFSET_NS (8ull * NS_PER_HOUR)
#define GEN_USUAL_PAYEES 3u
#define GEN_MEMBERS_MAX 32u
#define GEN_DORMANT_SHARE_PCT 2u

static const char *const TYPOLOGY_NAMES[GEN_TYPOLOGY_COUNT] = {
	"fan_in", "fan_out", "cycle", "structuring", "pass_through", "dormant",
};
const char *gen_typology_name(uint32_t t) { return t < GEN_TYPOLOGY_COUNT ? TYPOLOGY_NAMES[t] : "?"; }

void gen_params_default(struct gen_params *p)
{
	SZ_ASSERT(p != NULL);
	*p = (struct gen_params){ .seed = 1, .days = 120, .people = 4000, .merchants = 20, .employers = 10,
				  .plants_per_typology = 20,
				  /* 2026-01-01 00:00 CST = 2025-12-31 16:00 UTC: 20453 days since 1970 (20454
				   * to 2026-01-01, see tests/unit/test_stats.c) minus 8 h */
				  .start_ns = 20454ull * NS_PER_DAY - CST_OFFSET_NS };
}

/* Accounts: people [0, people), dormant plants, merchants, employers. */
enum { KIND_PERSON = 0, KIND_DORMANT = 1, KIND_MERCHANT = 2, KIND_EMPLOYER = 3 };

struct event {
	uint64_t time_ns;
	uint32_t from, to;
	uint64_t amount_minor;
	uint8_t type;                  /* 0 transfer, 1 payroll */
	uint8_t pad[7];
	uint64_t seq;                  /* stable order */
};

struct gen {
	const struct gen_params *p;
	uint64_t rng;
	struct event *ev;
	uint64_t ev_count, ev_cap;
	uint32_t dormant_base, merchant_base, employer_base, account_count;
	uint32_t *usual;               /* people x GEN_USUAL_PAYEES */
	uint32_t *main_order;          /* people shuffled: plant mains taken in order */
	uint32_t main_next;
	FILE *labels;
	uint32_t plant_no;
	int failed;
};

static uint64_t rnd(struct gen *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 0x2545F4914F6CDD1Dull;
}
static uint64_t rnd_in(struct gen *g, uint64_t lo, uint64_t hi) { return lo + rnd(g) % (hi - lo); }

static uint64_t amount_ordinary(struct gen *g)
{
	uint64_t u = rnd(g) % 100;
	if (u < 50)
		return rnd_in(g, 1000, 30000);
	if (u < 80)
		return rnd_in(g, 30000, 300000);
	if (u < 95)
		return rnd_in(g, 300000, 2000000);
	return rnd_in(g, 2000000, 10000000);
}

/* The same distribution, redrawn until it reaches floor_minor. */
static uint64_t amount_at_least(struct gen *g, uint64_t floor_minor)
{
	for (uint32_t i = 0; i < 100000; i++) {
		uint64_t a = amount_ordinary(g);
		if (a >= floor_minor)
			return a;
	}
	return floor_minor;
}

static void emit(struct gen *g, uint64_t t, uint32_t from, uint32_t to, uint64_t amount, uint8_t type)
{
	if (from == to || g->failed)
		return;
	if (g->ev_count == g->ev_cap) {
		uint64_t cap = g->ev_cap ? g->ev_cap * 2 : 65536;
		struct event *n = cap <= GEN_EVENT_COUNT_MAX ? realloc(g->ev, cap * sizeof *n) : NULL;
		if (n == NULL) {
			g->failed = SZ_ENOMEM;
			return;
		}
		g->ev = n;
		g->ev_cap = cap;
	}
	g->ev[g->ev_count] = (struct event){ .time_ns = t, .from = from, .to = to, .amount_minor = amount,
					     .type = type, .seq = g->ev_count };
	g->ev_count++;
}

/* A time on day d between 08:00 and 22:00 CST. */
static uint64_t daytime(struct gen *g, uint32_t d)
{
	return g->p->start_ns + (uint64_t)d * NS_PER_DAY + 8 * NS_PER_HOUR + rnd(g) % (14 * NS_PER_HOUR);
}

static uint32_t person(struct gen *g) { return (uint32_t)(rnd(g) % g->p->people); }
static uint32_t merchant(struct gen *g)
{
	uint32_t a = (uint32_t)(rnd(g) % g->p->merchants), b = (uint32_t)(rnd(g) % g->p->merchants);
	return g->merchant_base + (a < b ? a : b); /* the first merchants are the busiest */
}

static void background(struct gen *g)
{
	const struct gen_params *p = g->p;
	for (uint32_t d = 0; d < p->days; d++) {
		for (uint32_t i = 0; i < p->people; i++) {
			if (i % 100 < GEN_DORMANT_SHARE_PCT && d >= 5 && d != p->days - 3)
				continue; /* background dormant: days 0-4 and one late payment */
			if (rnd(g) % 10 >= 6)
				continue;
			uint64_t u = rnd(g) % 100;
			uint32_t to = u < 55 ? merchant(g)
				      : u < 75 ? g->usual[(uint64_t)i * GEN_USUAL_PAYEES + rnd(g) % GEN_USUAL_PAYEES]
					       : person(g);
			emit(g, daytime(g, d), i, to, amount_ordinary(g), 0);
		}
		if ((d + 22) % 30 != 0) /* the 10th of each 30-day month */
			continue;
		for (uint32_t e = 0; e < p->employers; e++) {
			uint32_t staff = 150 + (uint32_t)((e * 7919u) % 251u), first = (e * 104729u) % p->people;
			for (uint32_t s = 0; s < staff; s++)
				emit(g, p->start_ns + (uint64_t)d * NS_PER_DAY + 9 * NS_PER_HOUR + s * NS_PER_S,
				     g->employer_base + e, (first + s * 13u) % p->people,
				     1000000 + (uint64_t)((first + s) * 2654435761u % 2000000u), 1);
		}
	}
}

/* ---- plants ------------------------------------------------------------------ */

static void account_name(const struct gen *g, uint32_t a, char *buf, size_t size)
{
	if (a < g->dormant_base)
		snprintf(buf, size, "P%05u", a);
	else if (a < g->merchant_base)
		snprintf(buf, size, "D%04u", a - g->dormant_base);
	else if (a < g->employer_base)
		snprintf(buf, size, "M%03u", a - g->merchant_base);
	else
		snprintf(buf, size, "E%03u", a - g->employer_base);
}

static void label(struct gen *g, uint32_t typology, uint32_t main_account, const uint32_t *members, uint32_t n)
{
	char name[16];
	account_name(g, main_account, name, sizeof name);
	fprintf(g->labels, "%u,%s,%s,", ++g->plant_no, gen_typology_name(typology), name);
	for (uint32_t i = 0; i < n; i++) {
		account_name(g, members[i], name, sizeof name);
		fprintf(g->labels, "%s%s", i ? ";" : "", name);
	}
	fputc('\n', g->labels);
}

static uint32_t next_main(struct gen *g) { return g->main_order[g->main_next++ % g->p->people]; }

/* n distinct people other than main. */
static uint32_t distinct_people(struct gen *g, uint32_t main_account, uint32_t *out, uint32_t n)
{
	uint32_t k = 0;
	while (k < n) {
		uint32_t c = person(g);
		int dup = c == main_account;
		for (uint32_t i = 0; i < k && !dup; i++)
			dup = out[i] == c;
		if (!dup)
			out[k++] = c;
	}
	return k;
}

static void plant_fan(struct gen *g, int in)
{
	uint32_t m[GEN_MEMBERS_MAX], main_account = next_main(g);
	uint32_t n = distinct_people(g, main_account, m, (uint32_t)rnd_in(g, 20, 31));
	uint64_t t0 = daytime(g, (uint32_t)rnd_in(g, 30, g->p->days - 1));
	for (uint32_t i = 0; i < n; i++) {
		uint64_t t = t0 + rnd(g) % (6 * NS_PER_HOUR);
		if (in)
			emit(g, t, m[i], main_account, amount_ordinary(g), 0);
		else
			emit(g, t, main_account, m[i], amount_ordinary(g), 0);
	}
	label(g, in ? GEN_FAN_IN : GEN_FAN_OUT, main_account, m, n);
}

static void plant_cycle(struct gen *g)
{
	uint32_t ring[GEN_MEMBERS_MAX], main_account = next_main(g);
	uint32_t hops = (uint32_t)rnd_in(g, 3, 7);
	ring[0] = main_account;
	distinct_people(g, main_account, ring + 1, hops - 1);
	uint64_t t = daytime(g, (uint32_t)rnd_in(g, 10, g->p->days - 1)), amount = amount_ordinary(g);
	for (uint32_t h = 0; h < hops; h++) {
		t += rnd_in(g, 10, 120) * NS_PER_MIN;
		emit(g, t, ring[h], ring[(h + 1) % hops], amount, 0);
		amount -= amount * rnd_in(g, 0, 3) / 100;
	}
	label(g, GEN_CYCLE, main_account, ring + 1, hops - 1);
}

static void plant_structuring(struct gen *g)
{
	uint32_t m[GEN_MEMBERS_MAX], main_account = next_main(g);
	uint32_t payees = distinct_people(g, main_account, m, (uint32_t)rnd_in(g, 3, 6));
	uint32_t d = (uint32_t)rnd_in(g, 10, g->p->days - 1), count = (uint32_t)rnd_in(g, 7, 10);
	for (uint32_t i = 0; i < count; i++)
		emit(g, g->p->start_ns + (uint64_t)d * NS_PER_DAY + (9 + i) * NS_PER_HOUR + rnd(g) % NS_PER_HOUR,
		     main_account, m[i % payees], rnd_in(g, 4500000, 5000000), 0);
	label(g, GEN_STRUCTURING, main_account, m, payees);
}

static void plant_pass_through(struct gen *g)
{
	uint32_t m[GEN_MEMBERS_MAX], main_account = next_main(g);
	uint32_t payers = (uint32_t)rnd_in(g, 1, 4), payees = (uint32_t)rnd_in(g, 1, 4);
	distinct_people(g, main_account, m, payers + payees);
	uint64_t t = daytime(g, (uint32_t)rnd_in(g, 10, g->p->days - 1)), in_sum = 0;
	for (uint32_t i = 0; i < payers; i++) {
		uint64_t a = amount_at_least(g, 6000000 / payers);
		in_sum += a;
		emit(g, t + i * 5 * NS_PER_MIN, m[i], main_account, a, 0);
	}
	uint64_t out = in_sum * rnd_in(g, 90, 100) / 100;
	for (uint32_t i = 0; i < payees; i++)
		emit(g, t + (60 + rnd(g) % 300) * NS_PER_MIN, main_account, m[payers + i],
		     i + 1 < payees ? out / payees : out - out / payees * (payees - 1), 0);
	label(g, GEN_PASS_THROUGH, main_account, m, payers + payees);
}

static void plant_dormant(struct gen *g, uint32_t index)
{
	uint32_t a = g->dormant_base + index, m[2];
	for (uint32_t d = 0; d < 10; d += 3)
		emit(g, daytime(g, d), a, merchant(g), amount_ordinary(g), 0);
	uint32_t n = distinct_people(g, UINT32_MAX, m, (uint32_t)rnd_in(g, 1, 3));
	uint32_t d = (uint32_t)rnd_in(g, 106, g->p->days);
	for (uint32_t i = 0; i < n; i++)
		emit(g, daytime(g, d), a, m[i], amount_at_least(g, 1000000), 0);
	label(g, GEN_DORMANT, a, m, n);
}

static int event_cmp(const void *x, const void *y)
{
	const struct event *a = x, *b = y;
	if (a->time_ns != b->time_ns)
		return a->time_ns < b->time_ns ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void time_text(uint64_t ns, char *buf, size_t size)
{
	time_t s = (time_t)(ns / NS_PER_S);
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int write_outputs(struct gen *g, FILE *transfers, FILE *accounts)
{
	static const char *const kind_names[] = { "wallet", "wallet", "merchant", "general" };
	qsort(g->ev, g->ev_count, sizeof *g->ev, event_cmp);
	fprintf(transfers, "time,from,to,amount,currency,type\n");
	for (uint64_t i = 0; i < g->ev_count; i++) {
		const struct event *e = &g->ev[i];
		char t[32], f[16], to[16];
		time_text(e->time_ns, t, sizeof t);
		account_name(g, e->from, f, sizeof f);
		account_name(g, e->to, to, sizeof to);
		fprintf(transfers, "%s,%s,%s,%llu.%02llu,CNY,%s\n", t, f, to, (unsigned long long)(e->amount_minor / 100),
			(unsigned long long)(e->amount_minor % 100), e->type ? "payroll" : "transfer");
	}
	fprintf(accounts, "id,kind\n");
	for (uint32_t a = 0; a < g->account_count; a++) {
		char name[16];
		account_name(g, a, name, sizeof name);
		int k = a < g->dormant_base ? KIND_PERSON : a < g->merchant_base ? KIND_DORMANT
							   : a < g->employer_base ? KIND_MERCHANT : KIND_EMPLOYER;
		fprintf(accounts, "%s,%s\n", name, kind_names[k]);
	}
	return ferror(transfers) || ferror(accounts) || ferror(g->labels) ? SZ_EIO : 0;
}

static int gen_setup(struct gen *g, const struct gen_params *p)
{
	g->p = p;
	g->rng = p->seed * 0x9E3779B97F4A7C15ull + 1;
	g->dormant_base = p->people;
	g->merchant_base = g->dormant_base + p->plants_per_typology;
	g->employer_base = g->merchant_base + p->merchants;
	g->account_count = g->employer_base + p->employers;
	g->usual = malloc((size_t)p->people * GEN_USUAL_PAYEES * sizeof *g->usual);
	g->main_order = malloc((size_t)p->people * sizeof *g->main_order);
	if (g->usual == NULL || g->main_order == NULL)
		return SZ_ENOMEM;
	for (uint64_t i = 0; i < (uint64_t)p->people * GEN_USUAL_PAYEES; i++)
		g->usual[i] = person(g);
	for (uint32_t i = 0; i < p->people; i++)
		g->main_order[i] = i;
	for (uint32_t i = p->people - 1; i > 0; i--) { /* Fisher-Yates; background dormant people excluded below */
		uint32_t j = (uint32_t)(rnd(g) % (i + 1)), t = g->main_order[i];
		g->main_order[i] = g->main_order[j];
		g->main_order[j] = t;
	}
	uint32_t k = 0;
	for (uint32_t i = 0; i < p->people; i++)
		if (g->main_order[i] % 100 >= GEN_DORMANT_SHARE_PCT)
			g->main_order[k++] = g->main_order[i];
	SZ_ASSERT(k >= p->plants_per_typology * 5);
	return 0;
}

int gen_run(const struct gen_params *p, FILE *transfers, FILE *accounts, FILE *labels, struct gen_counts *out)
{
	SZ_ASSERT(p != NULL && out != NULL);
	SZ_ASSERT(transfers != NULL && accounts != NULL && labels != NULL);
	memset(out, 0, sizeof *out);
	if (p->days < 110 || p->days > GEN_DAYS_MAX || p->people < 100 || p->people > GEN_PEOPLE_MAX ||
	    p->merchants == 0 || p->merchants > 1000 || p->employers > 1000 ||
	    p->plants_per_typology > GEN_PLANTS_PER_TYPOLOGY_MAX || p->plants_per_typology * 10 > p->people)
		return SZ_EINVAL;
	struct gen g = { .labels = labels };
	int rc = gen_setup(&g, p);
	if (rc == 0) {
		fprintf(labels, "alert_id,typology,main_account,members\n");
		background(&g);
		for (uint32_t i = 0; i < p->plants_per_typology; i++) {
			plant_fan(&g, 1);
			plant_fan(&g, 0);
			plant_cycle(&g);
			plant_structuring(&g);
			plant_pass_through(&g);
			plant_dormant(&g, i);
		}
		rc = g.failed ? g.failed : write_outputs(&g, transfers, accounts);
	}
	out->transfer_count = g.ev_count;
	out->account_count = g.account_count;
	out->plant_count = g.plant_no;
	free(g.ev);
	free(g.usual);
	free(g.main_order);
	return rc;
}
