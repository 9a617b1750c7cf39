/*
 * graph.c — the transaction graph and its searches (see graph.h).
 *
 * Build: edges are copied and sorted by time (stable merge sort), then
 * counted into out- and in-adjacency offsets (CSR), so that each account's
 * edges are in time order and "edges after t" is a binary search.
 * Cycle search: a depth-first walk from each start edge along strictly
 * later edges inside the window; a cycle is found from its earliest edge
 * only, so each is reported once.
 */
#include "risk/graph.h"
#include "core/assert.h"
#include "core/errors.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- build ------------------------------------------------------------------ */

static void merge_sort(struct graph_edge *a, struct graph_edge *tmp, uint32_t n)
{
	for (uint32_t width = 1; width < n; width *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * width) {
			uint32_t mid = lo + width < n ? lo + width : n;
			uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			uint32_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = a[j].time_ns < a[i].time_ns ? a[j++] : a[i++];
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, (size_t)n * sizeof *a);
	}
}

/* Amounts summed over many edges saturate rather than wrap. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static void csr_fill(const struct graph *g, uint32_t *start, uint32_t *list, uint32_t *fill, int by_to)
{
	for (uint32_t e = 0; e < g->edge_count; e++)
		start[(by_to ? g->edges[e].to : g->edges[e].from) + 1]++;
	for (uint32_t a = 0; a < g->account_count; a++)
		start[a + 1] += start[a];
	SZ_ASSERT(start[g->account_count] == g->edge_count);
	memset(fill, 0, ((size_t)g->account_count + 1) * sizeof *fill);
	for (uint32_t e = 0; e < g->edge_count; e++) { /* time order is kept: edges are sorted */
		uint32_t a = by_to ? g->edges[e].to : g->edges[e].from;
		list[start[a] + fill[a]++] = e;
	}
}

int graph_build(struct graph *g, const struct graph_edge *edges, uint32_t edge_count, uint32_t account_count)
{
	SZ_ASSERT(g != NULL);
	SZ_ASSERT(edges != NULL || edge_count == 0);
	memset(g, 0, sizeof *g);
	if (edge_count > GRAPH_EDGE_COUNT_MAX || account_count > GRAPH_ACCOUNT_COUNT_MAX)
		return SZ_ELIMIT;
	for (uint32_t e = 0; e < edge_count; e++)
		if (edges[e].from >= account_count || edges[e].to >= account_count || edges[e].from == edges[e].to)
			return SZ_EINVAL;
	g->account_count = account_count;
	g->edge_count = edge_count;
	g->edges = malloc((size_t)(edge_count ? edge_count : 1) * sizeof *g->edges);
	struct graph_edge *tmp = malloc((size_t)(edge_count ? edge_count : 1) * sizeof *tmp);
	g->out_start = calloc((size_t)account_count + 1, sizeof *g->out_start);
	g->in_start = calloc((size_t)account_count + 1, sizeof *g->in_start);
	g->out_edge = malloc((size_t)(edge_count ? edge_count : 1) * sizeof *g->out_edge);
	g->in_edge = malloc((size_t)(edge_count ? edge_count : 1) * sizeof *g->in_edge);
	uint32_t *fill = calloc((size_t)account_count + 1, sizeof *fill);
	if (!g->edges || !tmp || !fill || !g->out_start || !g->in_start || !g->out_edge || !g->in_edge) {
		free(tmp);
		free(fill);
		graph_release(g);
		return SZ_ENOMEM;
	}
	if (edge_count > 0)
		memcpy(g->edges, edges, (size_t)edge_count * sizeof *edges);
	merge_sort(g->edges, tmp, edge_count);
	free(tmp);
	csr_fill(g, g->out_start, g->out_edge, fill, 0);
	csr_fill(g, g->in_start, g->in_edge, fill, 1);
	free(fill);
	return 0;
}

void graph_release(struct graph *g)
{
	if (g == NULL)
		return;
	free(g->edges);
	free(g->out_start);
	free(g->out_edge);
	free(g->in_start);
	free(g->in_edge);
	memset(g, 0, sizeof *g);
}

/* The first position in account a's out-list whose edge is later than t. */
static uint32_t out_after(const struct graph *g, uint32_t a, uint64_t t)
{
	uint32_t lo = g->out_start[a], hi = g->out_start[a + 1];
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (g->edges[g->out_edge[mid]].time_ns <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- cycles --------------------------------------------------------------- */

struct cycle_walk {
	const struct graph *g;
	uint64_t deadline_ns;
	uint32_t hops_min, hops_max;
	uint32_t origin;
	uint32_t steps_left;
	struct graph_cycle path;
	graph_cycle_fn fn;
	void *ctx;
	struct graph_cycle_stats *stats;
};

static bool on_path(const struct cycle_walk *w, uint32_t account)
{
	for (uint32_t i = 0; i < w->path.hops; i++)
		if (w->g->edges[w->path.edge_index[i]].from == account)
			return true;
	return false;
}

static void cycle_report(struct cycle_walk *w)
{
	uint64_t low = UINT64_MAX;
	for (uint32_t i = 0; i < w->path.hops; i++)
		if (w->g->edges[w->path.edge_index[i]].amount_minor < low)
			low = w->g->edges[w->path.edge_index[i]].amount_minor;
	w->path.returned_minor = low;
	w->path.sent_minor = w->g->edges[w->path.edge_index[0]].amount_minor;
	w->stats->cycle_count++;
	if (w->fn)
		w->fn(w->ctx, w->g, &w->path);
}

/* Extend the path from the account its last edge reached. */
static void cycle_extend(struct cycle_walk *w)
{
	const struct graph *g = w->g;
	const struct graph_edge *last = &g->edges[w->path.edge_index[w->path.hops - 1]];
	uint32_t at = last->to;
	uint32_t end = g->out_start[at + 1];
	for (uint32_t p = out_after(g, at, last->time_ns); p < end; p++) {
		const struct graph_edge *e = &g->edges[g->out_edge[p]];
		if (e->time_ns > w->deadline_ns)
			break;
		if (w->steps_left == 0) {
			w->stats->truncated_count++;
			return;
		}
		w->steps_left--;
		w->stats->step_count++;
		w->path.edge_index[w->path.hops++] = g->out_edge[p];
		if (e->to == w->origin) {
			if (w->path.hops >= w->hops_min)
				cycle_report(w);
		} else if (w->path.hops < w->hops_max && !on_path(w, e->to)) {
			cycle_extend(w);
		}
		w->path.hops--;
	}
}

void graph_cycles(const struct graph *g, uint64_t window_ns, uint32_t hops_min, uint32_t hops_max,
		  graph_cycle_fn fn, void *ctx, struct graph_cycle_stats *stats)
{
	SZ_ASSERT(g != NULL && stats != NULL);
	SZ_ASSERT(hops_min >= GRAPH_HOPS_MIN && hops_max <= GRAPH_HOPS_MAX && hops_min <= hops_max);
	memset(stats, 0, sizeof *stats);
	struct cycle_walk w = { .g = g, .hops_min = hops_min, .hops_max = hops_max, .fn = fn, .ctx = ctx,
				.stats = stats };
	for (uint32_t e = 0; e < g->edge_count; e++) {
		w.origin = g->edges[e].from;
		w.deadline_ns = g->edges[e].time_ns + window_ns;
		w.steps_left = GRAPH_STEPS_PER_START_MAX;
		w.path.hops = 1;
		w.path.edge_index[0] = e;
		stats->step_count++;
		cycle_extend(&w);
	}
}

/* ---- scatter-gather, gather-scatter ------------------------------------------ */

struct pair {
	uint32_t sink, middle;
	uint64_t amount_minor;
};

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->sink != y->sink)
		return x->sink < y->sink ? -1 : 1;
	return x->middle < y->middle ? -1 : x->middle > y->middle;
}

/* Source s, from its out-edge q: the (sink, middle) pairs reached in time. */
static uint32_t two_hop_pairs(const struct graph *g, uint32_t s, uint32_t q, uint64_t window_ns, struct pair *buf,
			      uint32_t cap)
{
	uint64_t t0 = g->edges[g->out_edge[q]].time_ns, deadline = t0 + window_ns;
	uint32_t n = 0;
	for (uint32_t p = q; p < g->out_start[s + 1] && n < cap; p++) {
		const struct graph_edge *e1 = &g->edges[g->out_edge[p]];
		if (e1->time_ns > deadline)
			break;
		for (uint32_t r = out_after(g, e1->to, e1->time_ns); r < g->out_start[e1->to + 1] && n < cap; r++) {
			const struct graph_edge *e2 = &g->edges[g->out_edge[r]];
			if (e2->time_ns > deadline)
				break;
			if (e2->to != s)
				buf[n++] = (struct pair){ e2->to, e1->to, e2->amount_minor };
		}
	}
	return n;
}

#define GRAPH_PAIRS_MAX 65536u

uint64_t graph_scatter_gather(const struct graph *g, uint64_t window_ns, uint32_t k, graph_pattern_fn fn, void *ctx)
{
	SZ_ASSERT(g != NULL && k >= 2);
	struct pair *buf = malloc(GRAPH_PAIRS_MAX * sizeof *buf);
	if (buf == NULL)
		return 0;
	uint64_t found = 0;
	for (uint32_t s = 0; s < g->account_count; s++) {
		uint32_t last_sink = UINT32_MAX;
		for (uint32_t q = g->out_start[s]; q < g->out_start[s + 1]; q++) {
			uint32_t n = two_hop_pairs(g, s, q, window_ns, buf, GRAPH_PAIRS_MAX);
			qsort(buf, n, sizeof *buf, pair_cmp);
			for (uint32_t i = 0; i < n;) {
				uint32_t j = i, middles = 0;
				uint64_t sum = 0;
				for (; j < n && buf[j].sink == buf[i].sink; j++) {
					middles += j == i || buf[j].middle != buf[j - 1].middle;
					sum = sat_add(sum, buf[j].amount_minor);
				}
				if (middles >= k && buf[i].sink != last_sink) { /* once per source and sink */
					struct graph_pattern pat = { s, UINT32_MAX, buf[i].sink, middles,
								     g->edges[g->out_edge[q]].time_ns, sum };
					found++;
					last_sink = buf[i].sink;
					if (fn)
						fn(ctx, g, &pat);
				}
				i = j;
			}
			if (last_sink != UINT32_MAX)
				break; /* one report per source: its earliest window */
		}
	}
	free(buf);
	return found;
}

/* Distinct accounts among the other ends of a time-ordered list slice. */
static uint32_t distinct_ends(const struct graph *g, const uint32_t *list, uint32_t lo, uint32_t hi, uint64_t t0,
			      uint64_t t1, int by_from, uint64_t *sum)
{
	uint32_t seen[64], n = 0;
	for (uint32_t p = lo; p < hi; p++) {
		const struct graph_edge *e = &g->edges[list[p]];
		if (e->time_ns < t0)
			continue;
		if (e->time_ns > t1)
			break;
		uint32_t who = by_from ? e->from : e->to;
		bool dup = false;
		for (uint32_t i = 0; i < n && !dup; i++)
			dup = seen[i] == who;
		if (!dup && n < 64)
			seen[n++] = who;
		*sum = sat_add(*sum, e->amount_minor);
	}
	return n;
}

uint64_t graph_gather_scatter(const struct graph *g, uint64_t window_ns, uint32_t k, graph_pattern_fn fn, void *ctx)
{
	SZ_ASSERT(g != NULL && k >= 2);
	uint64_t found = 0;
	for (uint32_t m = 0; m < g->account_count; m++) {
		for (uint32_t p = g->in_start[m]; p < g->in_start[m + 1]; p++) {
			uint64_t t0 = g->edges[g->in_edge[p]].time_ns, in_sum = 0, out_sum = 0;
			uint32_t payers = distinct_ends(g, g->in_edge, p, g->in_start[m + 1], t0, t0 + window_ns, 1, &in_sum);
			if (payers < k)
				continue;
			uint32_t payees = distinct_ends(g, g->out_edge, g->out_start[m], g->out_start[m + 1], t0,
							t0 + window_ns, 0, &out_sum);
			if (payees < k)
				continue;
			struct graph_pattern pat = { UINT32_MAX, m, UINT32_MAX, payers < payees ? payers : payees, t0,
						     out_sum };
			found++;
			if (fn)
				fn(ctx, g, &pat);
			break; /* one report per middle */
		}
	}
	return found;
}

/* ---- fan-in / fan-out against the account's baseline --------------------------- */

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* One account's days: distinct peers per day against the mean of the
 * earlier active days. */
static uint64_t fan_account(const struct graph *g, uint32_t a, int in, const struct graph_fan_rule *rule,
			    uint32_t *peers, graph_fan_fn fn, void *ctx)
{
	const uint32_t *list = in ? g->in_edge : g->out_edge;
	uint32_t lo = in ? g->in_start[a] : g->out_start[a], hi = in ? g->in_start[a + 1] : g->out_start[a + 1];
	uint64_t found = 0, hist_peer_sum = 0, hist_days = 0;
	for (uint32_t p = lo; p < hi;) {
		int64_t day = (int64_t)(g->edges[list[p]].time_ns / rule->day_ns);
		uint32_t n = 0;
		uint64_t sum = 0;
		for (; p < hi && (int64_t)(g->edges[list[p]].time_ns / rule->day_ns) == day; p++) {
			const struct graph_edge *e = &g->edges[list[p]];
			if (n < GRAPH_PEERS_PER_DAY_MAX)
				peers[n++] = in ? e->from : e->to;
			sum = sat_add(sum, e->amount_minor);
		}
		qsort(peers, n, sizeof *peers, u32_cmp);
		uint32_t distinct = 0;
		for (uint32_t i = 0; i < n; i++)
			distinct += i == 0 || peers[i] != peers[i - 1];
		uint64_t base_x100 = hist_days ? hist_peer_sum * 100 / hist_days : (uint64_t)rule->baseline_floor * 100;
		if (base_x100 < (uint64_t)rule->baseline_floor * 100)
			base_x100 = (uint64_t)rule->baseline_floor * 100;
		if (distinct >= rule->count_min && (uint64_t)distinct * 100 * 100 >= (uint64_t)rule->ratio_pct * base_x100) {
			struct graph_fan f = { a, day, distinct, (uint32_t)(base_x100 > UINT32_MAX ? UINT32_MAX : base_x100),
					       sum };
			found++;
			if (fn)
				fn(ctx, g, &f);
		}
		hist_peer_sum += distinct;
		hist_days++;
	}
	return found;
}

uint64_t graph_fan(const struct graph *g, int in, const struct graph_fan_rule *rule, graph_fan_fn fn, void *ctx)
{
	SZ_ASSERT(g != NULL && rule != NULL);
	SZ_ASSERT(rule->day_ns > 0 && rule->count_min > 0);
	uint32_t *peers = malloc(GRAPH_PEERS_PER_DAY_MAX * sizeof *peers);
	if (peers == NULL)
		return 0;
	uint64_t found = 0;
	for (uint32_t a = 0; a < g->account_count; a++)
		found += fan_account(g, a, in, rule, peers, fn, ctx);
	free(peers);
	return found;
}

/* ---- guarantee circles ------------------------------------------------------- */

struct circle_walk {
	const struct graph *g;
	uint32_t origin;
	uint64_t total_minor;
	struct graph_circle path;
	graph_circle_fn fn;
	void *ctx;
	uint64_t found;
};

static bool circle_on_path(const struct circle_walk *w, uint32_t account)
{
	for (uint32_t i = 0; i < w->path.hops; i++)
		if (w->g->edges[w->path.edge_index[i]].from == account)
			return true;
	return false;
}

static void circle_report(struct circle_walk *w)
{
	uint64_t sum = 0, largest = 0;
	for (uint32_t i = 0; i < w->path.hops; i++) {
		uint64_t a = w->g->edges[w->path.edge_index[i]].amount_minor;
		sum = sat_add(sum, a);
		largest = a > largest ? a : largest;
	}
	w->path.exposure_minor = sum;
	w->path.share_of_total_bp = w->total_minor ? (uint32_t)((unsigned __int128)sum * 10000 / w->total_minor) : 0;
	w->path.largest_share_bp = sum ? (uint32_t)((unsigned __int128)largest * 10000 / sum) : 0;
	w->found++;
	if (w->fn)
		w->fn(w->ctx, w->g, &w->path);
}

static void circle_extend(struct circle_walk *w, uint32_t at)
{
	const struct graph *g = w->g;
	for (uint32_t p = g->out_start[at]; p < g->out_start[at + 1]; p++) {
		const struct graph_edge *e = &g->edges[g->out_edge[p]];
		if (e->to < w->origin) /* each circle once: from its smallest account */
			continue;
		w->path.edge_index[w->path.hops++] = g->out_edge[p];
		if (e->to == w->origin)
			circle_report(w);
		else if (w->path.hops < GRAPH_HOPS_MAX && !circle_on_path(w, e->to))
			circle_extend(w, e->to);
		w->path.hops--;
	}
}

uint64_t graph_guarantee_circles(const struct graph *g, graph_circle_fn fn, void *ctx)
{
	SZ_ASSERT(g != NULL);
	struct circle_walk w = { .g = g, .fn = fn, .ctx = ctx };
	for (uint32_t e = 0; e < g->edge_count; e++)
		w.total_minor = sat_add(w.total_minor, g->edges[e].amount_minor);
	SZ_ASSERT(g->edge_count == 0 || w.total_minor > 0 || g->edges[0].amount_minor == 0);
	for (w.origin = 0; w.origin < g->account_count; w.origin++) {
		w.path.hops = 0;
		circle_extend(&w, w.origin);
	}
	return w.found;
}
