/*
 * test_risk_graph.c — graph analytics (src/risk/graph.c) on hand-built
 * graphs whose cycles, fans and circles are counted by hand in each test.
 * Accounts are small integers; times are in seconds (S) from an origin.
 */
#include "testutil.h"

#include "core/errors.h"
#include "risk/graph.h"

#define S 1000000000ull
#define H (3600ull * S)
#define DAY (24ull * H)

static struct graph_edge E(uint32_t from, uint32_t to, uint64_t amount, uint64_t t)
{
	struct graph_edge e = { from, to, amount, t, sz_id_make(0, (uint64_t)from * 1000 + to) };
	return e;
}

struct seen {
	uint32_t count;
	struct graph_cycle c[16];
};
static void on_cycle(void *ctx, const struct graph *g, const struct graph_cycle *c)
{
	(void)g;
	struct seen *s = ctx;
	if (s->count < 16)
		s->c[s->count] = *c;
	s->count++;
}

/* 0 -> 1 -> 2 -> 0 at t = 1, 2, 3 h with 100, 90, 80: one 3-hop cycle,
 * returned 80 (the smallest). 3 -> 4 -> 3 at t = 1 h and 30 h: outside a
 * 24 h window, so not a cycle; inside a 48 h window it is (2 hops, 50).
 * 5 -> 6 at 10 h, 6 -> 7 at 9 h, 7 -> 5 at 11 h: a ring, but no start
 * gives increasing times (from 5: 10 h then 9 h; from 6: 9, 11, then 10;
 * from 7: 11 then 10), so no cycle. Total in a 24 h window: 1; in 48 h: 2. */
static void cycles_in_window(void **state)
{
	(void)state;
	struct graph_edge e[] = {
		E(0, 1, 100, 1 * H), E(1, 2, 90, 2 * H), E(2, 0, 80, 3 * H),
		E(3, 4, 70, 1 * H), E(4, 3, 50, 30 * H),
		E(5, 6, 10, 10 * H), E(6, 7, 10, 9 * H), E(7, 5, 10, 11 * H),
	};
	struct graph g;
	assert_int_equal(graph_build(&g, e, 8, 8), 0);
	struct seen s = { 0 };
	struct graph_cycle_stats st;
	graph_cycles(&g, 24 * H, 2, 6, on_cycle, &s, &st);
	assert_int_equal(s.count, 1);
	assert_int_equal(st.cycle_count, 1);
	assert_int_equal(s.c[0].hops, 3);
	assert_int_equal(s.c[0].returned_minor, 80);
	assert_int_equal(s.c[0].sent_minor, 100);
	assert_int_equal(g.edges[s.c[0].edge_index[0]].from, 0);
	s.count = 0;
	graph_cycles(&g, 48 * H, 2, 6, on_cycle, &s, &st);
	assert_int_equal(s.count, 2);
	/* hops_min 3 drops the 2-hop one; hops_max 2 drops the 3-hop one */
	graph_cycles(&g, 48 * H, 3, 6, NULL, NULL, &st);
	assert_int_equal(st.cycle_count, 1);
	graph_cycles(&g, 48 * H, 2, 2, NULL, NULL, &st);
	assert_int_equal(st.cycle_count, 1);
	graph_release(&g);
}

/* A 6-hop ring 0 -> 1 -> ... -> 5 -> 0 one hour apart is found with
 * hops_max 6, not with 5; a 7-hop ring never (beyond GRAPH_HOPS_MAX).
 * An inner revisit (0 -> 1 -> 2 -> 1 -> 0) is not a simple cycle: only
 * 1 -> 2 -> 1 (2 hops) counts from it. */
static void cycle_lengths(void **state)
{
	(void)state;
	struct graph_edge e[16];
	uint32_t n = 0;
	for (uint32_t i = 0; i < 6; i++)
		e[n++] = E(i, (i + 1) % 6, 1000, (i + 1) * H);
	struct graph g;
	assert_int_equal(graph_build(&g, e, n, 6), 0);
	struct graph_cycle_stats st;
	graph_cycles(&g, DAY, 2, 6, NULL, NULL, &st);
	assert_int_equal(st.cycle_count, 1);
	graph_cycles(&g, DAY, 2, 5, NULL, NULL, &st);
	assert_int_equal(st.cycle_count, 0);
	graph_release(&g);
	n = 0;
	for (uint32_t i = 0; i < 7; i++)
		e[n++] = E(i, (i + 1) % 7, 1000, (i + 1) * H);
	assert_int_equal(graph_build(&g, e, n, 7), 0);
	graph_cycles(&g, DAY, 2, 6, NULL, NULL, &st);
	assert_int_equal(st.cycle_count, 0);
	graph_release(&g);
	struct graph_edge r[] = { E(0, 1, 5, 1 * H), E(1, 2, 5, 2 * H), E(2, 1, 5, 3 * H), E(1, 0, 5, 4 * H) };
	assert_int_equal(graph_build(&g, r, 4, 3), 0);
	struct seen s = { 0 };
	graph_cycles(&g, DAY, 2, 6, on_cycle, &s, &st);
	/* 0->1->0 via edges 1h and 4h is a 2-hop cycle too: {0->1, 1->0}; and
	 * {1->2, 2->1}. Two in all. */
	assert_int_equal(s.count, 2);
	graph_release(&g);
}

static uint32_t pattern_count;
static struct graph_pattern last_pattern;
static void on_pattern(void *ctx, const struct graph *g, const struct graph_pattern *p)
{
	(void)ctx;
	(void)g;
	pattern_count++;
	last_pattern = *p;
}

/* Scatter-gather: 0 pays 1, 2, 3, 4 at 1 h; each pays 9 at 2 h (25 each):
 * four distinct middles, sink 9, 100 into the sink. With k = 5 nothing.
 * Gather-scatter: 10, 11, 12 pay 20 at 1 h; 20 pays 21, 22, 23 at 2 h:
 * three payers and three payees. */
static void scatter_and_gather(void **state)
{
	(void)state;
	struct graph_edge e[] = {
		E(0, 1, 25, 1 * H), E(0, 2, 25, 1 * H), E(0, 3, 25, 1 * H), E(0, 4, 25, 1 * H),
		E(1, 9, 25, 2 * H), E(2, 9, 25, 2 * H), E(3, 9, 25, 2 * H), E(4, 9, 25, 2 * H),
		E(10, 20, 30, 1 * H), E(11, 20, 30, 1 * H), E(12, 20, 30, 1 * H),
		E(20, 21, 30, 2 * H), E(20, 22, 30, 2 * H), E(20, 23, 30, 2 * H),
	};
	struct graph g;
	assert_int_equal(graph_build(&g, e, 14, 24), 0);
	pattern_count = 0;
	assert_int_equal(graph_scatter_gather(&g, DAY, 4, on_pattern, NULL), 1);
	assert_int_equal(last_pattern.source, 0);
	assert_int_equal(last_pattern.sink, 9);
	assert_int_equal(last_pattern.fan_count, 4);
	assert_int_equal(last_pattern.amount_minor, 100);
	assert_int_equal(graph_scatter_gather(&g, DAY, 5, NULL, NULL), 0);
	pattern_count = 0;
	assert_int_equal(graph_gather_scatter(&g, DAY, 3, on_pattern, NULL), 1);
	assert_int_equal(last_pattern.middle, 20);
	assert_int_equal(last_pattern.fan_count, 3);
	assert_int_equal(graph_gather_scatter(&g, DAY, 4, NULL, NULL), 0);
	graph_release(&g);
}

/* Fan-in against the baseline (count_min 5, ratio 300%, floor 2):
 * account 0, a hub, receives from 10 distinct payers on each of days 0-3:
 * day 0 has no history (baseline = floor 2, 10 >= 6: flagged); days 1-3
 * have a baseline of 10 (30 needed): not flagged. Account 1 receives from
 * 2 payers on days 0-2 (baseline 2) and from 8 on day 3: 8 >= 5 and
 * 8 >= 3 x 2 = 6: flagged. Two flags in all. */
static void fan_in_against_baseline(void **state)
{
	(void)state;
	static struct graph_edge e[128];
	uint32_t n = 0;
	for (uint32_t d = 0; d < 4; d++)
		for (uint32_t p = 0; p < 10; p++)
			e[n++] = E(10 + p + 10 * d, 0, 100, d * DAY + (p + 1) * H);
	for (uint32_t d = 0; d < 3; d++)
		for (uint32_t p = 0; p < 2; p++)
			e[n++] = E(60 + p, 1, 100, d * DAY + (p + 1) * H);
	for (uint32_t p = 0; p < 8; p++)
		e[n++] = E(70 + p, 1, 100, 3 * DAY + (p + 1) * H);
	struct graph g;
	assert_int_equal(graph_build(&g, e, n, 80), 0);
	struct graph_fan_rule rule = { .count_min = 5, .ratio_pct = 300, .baseline_floor = 2, .day_ns = DAY };
	assert_int_equal(graph_fan(&g, 1, &rule, NULL, NULL), 2);
	/* fan-out: nobody pays 5 distinct payees in a day */
	assert_int_equal(graph_fan(&g, 0, &rule, NULL, NULL), 0);
	graph_release(&g);
}

static struct graph_circle last_circle;
static void on_circle(void *ctx, const struct graph *g, const struct graph_circle *c)
{
	(void)ctx;
	(void)g;
	last_circle = *c;
}

/* Guarantees (guarantor -> borrower): A0 -> A1 -> A2 -> A0 with 500, 300,
 * 200 (a circle of 1,000), and A3 -> A4 with 1,000 (no circle). Total
 * 2,000: the circle holds 5,000 bp of it; its largest guarantee 500/1,000
 * = 5,000 bp of the circle. */
static void guarantee_circles(void **state)
{
	(void)state;
	struct graph_edge e[] = { E(0, 1, 500, 0), E(1, 2, 300, 0), E(2, 0, 200, 0), E(3, 4, 1000, 0) };
	struct graph g;
	assert_int_equal(graph_build(&g, e, 4, 5), 0);
	assert_int_equal(graph_guarantee_circles(&g, on_circle, NULL), 1);
	assert_int_equal(last_circle.hops, 3);
	assert_int_equal(last_circle.exposure_minor, 1000);
	assert_int_equal(last_circle.share_of_total_bp, 5000);
	assert_int_equal(last_circle.largest_share_bp, 5000);
	graph_release(&g);
}

static void build_refuses_bad_edges(void **state)
{
	(void)state;
	struct graph g;
	struct graph_edge self[] = { E(1, 1, 5, 0) };
	assert_int_equal(graph_build(&g, self, 1, 2), SZ_EINVAL);
	struct graph_edge out[] = { E(0, 7, 5, 0) };
	assert_int_equal(graph_build(&g, out, 1, 2), SZ_EINVAL);
	assert_int_equal(graph_build(&g, out, 1, GRAPH_ACCOUNT_COUNT_MAX + 1), SZ_ELIMIT);
	assert_int_equal(graph_build(&g, NULL, 0, 0), 0);
	graph_release(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cycles_in_window),
		cmocka_unit_test(cycle_lengths),
		cmocka_unit_test(scatter_and_gather),
		cmocka_unit_test(fan_in_against_baseline),
		cmocka_unit_test(guarantee_circles),
		cmocka_unit_test(build_refuses_bad_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
