/*
 * graph.h — transaction-graph analytics over an edge list: time-respecting
 * cycles of 2..6 hops with the amount that returned, scatter-gather and
 * gather-scatter, fan-in / fan-out against each account's own baseline,
 * and guarantee circles (担保圈) with their exposure concentration.
 *
 * Owns: the read-only graph built from a caller's edges (struct graph:
 * edges sorted by time, out- and in-adjacency in time order) and the
 * searches over it. Accounts are dense indexes 0..account_count-1 (the
 * caller maps its ids); the graph is bounded by GRAPH_EDGE_COUNT_MAX and
 * GRAPH_ACCOUNT_COUNT_MAX, and every search by a window and a step budget.
 *
 * Runs OFF the engine thread on a consistent copy (a backtest's transfers,
 * a read view's window): it allocates at build and never during a search.
 * Integer-only. Never: touch engine state, or run inside apply.
 */
#ifndef SZ_RISK_GRAPH_H
#define SZ_RISK_GRAPH_H

#include "szfin/szfin.h"

#include <stdint.h>

/* A rolling window of a busy operator: 16 M transfers among 4 M accounts. */
#define GRAPH_EDGE_COUNT_MAX (1u << 24)
#define GRAPH_ACCOUNT_COUNT_MAX (1u << 22)
#define GRAPH_HOPS_MIN 2u
#define GRAPH_HOPS_MAX 6u
/* Search steps from one start edge: a dense neighbourhood cannot make the
 * cycle search exponential; searches cut short are counted. */
#define GRAPH_STEPS_PER_START_MAX 4096u
/* Distinct counterparties tracked per account and day for fan-in/out. */
#define GRAPH_PEERS_PER_DAY_MAX 4096u

struct graph_edge {
	uint32_t from, to;             /* account indexes */
	uint64_t amount_minor;
	uint64_t time_ns;
	sz_id transfer_id;
};

struct graph {
	uint32_t account_count;
	uint32_t edge_count;
	struct graph_edge *edges;      /* sorted by time (stable) */
	uint32_t *out_start;           /* account_count + 1 offsets into out_edge */
	uint32_t *out_edge;            /* edge indexes, per account in time order */
	uint32_t *in_start;
	uint32_t *in_edge;
};

/* Copy and index the edges. 0, SZ_ELIMIT (over a bound), SZ_EINVAL (an
 * account index out of range or a self-loop) or SZ_ENOMEM. */
int graph_build(struct graph *g, const struct graph_edge *edges, uint32_t edge_count, uint32_t account_count);
void graph_release(struct graph *g);

/* One cycle: edges e[0..hops-1] with strictly increasing times, all within
 * window_ns of the first, each leaving where the last arrived, back to the
 * start account, visiting no account twice. returned_minor is the smallest
 * amount along it (what can have gone round). */
struct graph_cycle {
	uint32_t hops;
	uint32_t edge_index[GRAPH_HOPS_MAX];
	uint64_t returned_minor;
	uint64_t sent_minor;           /* the first edge's amount */
};
typedef void (*graph_cycle_fn)(void *ctx, const struct graph *g, const struct graph_cycle *c);
struct graph_cycle_stats {
	uint64_t cycle_count;
	uint64_t step_count;           /* edges examined */
	uint64_t truncated_count;      /* start edges whose budget ran out */
};
/* Every cycle of hops_min..hops_max (within GRAPH_HOPS_MIN..MAX) once, from
 * its earliest edge. fn may be NULL (count only). */
void graph_cycles(const struct graph *g, uint64_t window_ns, uint32_t hops_min, uint32_t hops_max,
		  graph_cycle_fn fn, void *ctx, struct graph_cycle_stats *stats);

/* Scatter-gather: source -> >= k distinct middles -> sink within the window
 * (sink != source). Gather-scatter: >= k distinct payers into a middle and
 * >= k distinct payees out of it within one window. */
struct graph_pattern {
	uint32_t source, middle, sink; /* middle for gather-scatter; source/sink for scatter-gather */
	uint32_t fan_count;            /* distinct middles (or min of payers, payees) */
	uint64_t first_time_ns;
	uint64_t amount_minor;         /* total into the sink (or through the middle) */
};
typedef void (*graph_pattern_fn)(void *ctx, const struct graph *g, const struct graph_pattern *p);
uint64_t graph_scatter_gather(const struct graph *g, uint64_t window_ns, uint32_t k, graph_pattern_fn fn, void *ctx);
uint64_t graph_gather_scatter(const struct graph *g, uint64_t window_ns, uint32_t k, graph_pattern_fn fn, void *ctx);

/* Fan-in (in = 1) or fan-out (in = 0) against the account's own baseline:
 * an account-day is flagged when its distinct counterparties reach
 * count_min and ratio_pct percent of the mean of its earlier active days
 * (days without history count as baseline_floor). Hubs, whose every day
 * is wide, are not flagged. */
struct graph_fan_rule {
	uint32_t count_min;
	uint32_t ratio_pct;
	uint32_t baseline_floor;
	uint64_t day_ns;               /* the day's length (and offset 0) */
};
struct graph_fan {
	uint32_t account;
	int64_t day;                   /* time_ns / day_ns */
	uint32_t peer_count;
	uint32_t baseline_x100;        /* the mean of earlier days, times 100 */
	uint64_t amount_minor;
};
typedef void (*graph_fan_fn)(void *ctx, const struct graph *g, const struct graph_fan *f);
uint64_t graph_fan(const struct graph *g, int in, const struct graph_fan_rule *rule, graph_fan_fn fn, void *ctx);

/* Guarantee circles: edges are guarantees (guarantor -> borrower, amount
 * guaranteed; time ignored). Each simple cycle of 2..GRAPH_HOPS_MAX is
 * reported once (from its smallest account) with its exposure: the sum
 * guaranteed around it, its share of all guarantees (bp) and the largest
 * single guarantee's share of the circle (bp). */
struct graph_circle {
	uint32_t hops;
	uint32_t edge_index[GRAPH_HOPS_MAX];
	uint64_t exposure_minor;
	uint32_t share_of_total_bp;
	uint32_t largest_share_bp;
};
typedef void (*graph_circle_fn)(void *ctx, const struct graph *g, const struct graph_circle *c);
uint64_t graph_guarantee_circles(const struct graph *g, graph_circle_fn fn, void *ctx);

#endif
