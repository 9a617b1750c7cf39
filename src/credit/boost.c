/*
 * boost.c — scoring with the integer-quantised boosted challenger (boost.h).
 *
 * Integer-only and allocation-free: apply scores decisions with it.
 */
#include "credit/boost.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void boost_model_release(boost_model *model)
{
	if (model == NULL)
		return;
	free(model->tree_first);
	free(model->tree_node_count);
	free(model->nodes);
	memset(model, 0, sizeof(*model));
}

static int check_fail(char *message, size_t size, uint32_t tree, uint32_t node, const char *why)
{
	if (message != NULL && size > 0)
		snprintf(message, size, "challenger tree %u node %u: %s", tree, node, why);
	return SZ_ECORRUPT;
}

/* One tree: children after their parent, inside the tree, each node but
 * the root reached exactly once (so the tree is a tree and a walk ends). */
static int check_tree(const boost_model *boost, const scorecard_model *model, uint32_t t,
		      char *message, size_t size)
{
	uint32_t first = boost->tree_first[t];
	uint32_t count = boost->tree_node_count[t];
	SZ_ASSERT(first + count <= boost->node_count);
	uint8_t reached[BOOST_TREE_NODE_COUNT_MAX] = { 0 };
	for (uint32_t k = 0; k < count; k++) {
		const boost_node *n = &boost->nodes[first + k];
		if (n->value_milli < -BOOST_VALUE_MILLI_MAX || n->value_milli > BOOST_VALUE_MILLI_MAX)
			return check_fail(message, size, t, k, "value out of range");
		if (k > 0 && reached[k] != 1)
			return check_fail(message, size, t, k, "not reached exactly once");
		if (n->characteristic == BOOST_LEAF)
			continue;
		if (n->characteristic >= model->characteristic_count ||
		    !model->characteristics[n->characteristic].selected)
			return check_fail(message, size, t, k, "splits on a characteristic not selected");
		if (n->yes <= k || n->no <= k || n->yes >= count || n->no >= count || n->yes == n->no)
			return check_fail(message, size, t, k, "children must follow within the tree");
		reached[n->yes]++;
		reached[n->no]++;
	}
	return SZ_OK;
}

int boost_model_check(const boost_model *boost, const scorecard_model *model, char *message,
		      size_t message_size)
{
	SZ_ASSERT(boost != NULL && model != NULL);
	SZ_ASSERT(boost->tree_count <= BOOST_TREE_COUNT_MAX);
	uint32_t expected_first = 0;
	for (uint32_t t = 0; t < boost->tree_count; t++) {
		if (boost->tree_first[t] != expected_first || boost->tree_node_count[t] == 0 ||
		    boost->tree_node_count[t] > BOOST_TREE_NODE_COUNT_MAX)
			return check_fail(message, message_size, t, 0, "bad node count");
		expected_first += boost->tree_node_count[t];
		if (expected_first > boost->node_count)
			return check_fail(message, message_size, t, 0, "more nodes than the model has");
		int rc = check_tree(boost, model, t, message, message_size);
		if (rc != SZ_OK)
			return rc;
	}
	if (expected_first != boost->node_count)
		return check_fail(message, message_size, boost->tree_count, 0, "node count mismatch");
	if (boost->base_milli < -BOOST_VALUE_MILLI_MAX || boost->base_milli > BOOST_VALUE_MILLI_MAX)
		return check_fail(message, message_size, 0, 0, "base out of range");
	return SZ_OK;
}

int64_t boost_feature_of(const scorecard_characteristic *c, const scorecard_value *value)
{
	SZ_ASSERT(c != NULL && value != NULL);
	if (c->kind == CREDIT_CSV_NUMERIC)
		return value->number_e4;
	uint32_t bin = scorecard_bin_of_label(c, value->label);
	SZ_ASSERT(bin < c->bin_count);
	if (bin == c->missing_bin)
		return SCORECARD_VALUE_MISSING;
	return c->bins[bin].woe_nano;
}

/* Keeps the SCORECARD_REASON_COUNT largest points lost, most first; ties
 * keep the lower characteristic index first (it is inserted first). */
static void reason_insert(scorecard_result *r, uint32_t characteristic, int64_t lost)
{
	uint32_t n = r->reason_count;
	if (n == SCORECARD_REASON_COUNT && lost <= r->reasons[n - 1].points_lost_milli)
		return;
	uint32_t pos = n < SCORECARD_REASON_COUNT ? n : SCORECARD_REASON_COUNT - 1u;
	while (pos > 0 && r->reasons[pos - 1].points_lost_milli < lost) {
		r->reasons[pos] = r->reasons[pos - 1];
		pos--;
	}
	r->reasons[pos].characteristic = characteristic;
	r->reasons[pos].points_lost_milli = lost;
	if (n < SCORECARD_REASON_COUNT)
		r->reason_count = n + 1;
}

void boost_score_features(const boost_model *boost, const scorecard_model *model,
			  const int64_t *features, scorecard_result *result,
			  int64_t *contributions_milli, int64_t *bias_milli)
{
	SZ_ASSERT(boost != NULL && model != NULL && features != NULL && result != NULL);
	SZ_ASSERT(model->characteristic_count <= SZ_CREDIT_CSV_COLUMN_COUNT_MAX);
	int64_t contribution[SZ_CREDIT_CSV_COLUMN_COUNT_MAX];
	memset(contribution, 0, sizeof(int64_t) * model->characteristic_count);
	memset(result, 0, sizeof(*result));
	int64_t bias = boost->base_milli;
	int64_t score = boost->base_milli;
	for (uint32_t t = 0; t < boost->tree_count; t++) {
		const boost_node *tree = &boost->nodes[boost->tree_first[t]];
		uint32_t k = 0;
		bias += tree[0].value_milli;
		while (tree[k].characteristic != BOOST_LEAF) {
			const boost_node *n = &tree[k];
			int64_t x = features[n->characteristic];
			bool yes = x == SCORECARD_VALUE_MISSING ? n->missing_yes : x < n->threshold;
			uint32_t next = yes ? n->yes : n->no;
			SZ_ASSERT(next > k); /* checked at load: every walk ends */
			contribution[n->characteristic] += tree[next].value_milli - n->value_milli;
			k = next;
		}
		score += tree[k].value_milli;
	}
	result->score_milli = score;
	for (uint32_t i = 0; i < model->characteristic_count; i++)
		if (contribution[i] < 0)
			reason_insert(result, i, -contribution[i]);
	scorecard_score_finish(model, result);
	if (contributions_milli != NULL)
		memcpy(contributions_milli, contribution, sizeof(int64_t) * model->characteristic_count);
	if (bias_milli != NULL)
		*bias_milli = bias;
}

void boost_score_values(const boost_model *boost, const scorecard_model *model,
			const scorecard_value *values, scorecard_result *result)
{
	SZ_ASSERT(model != NULL && values != NULL);
	SZ_ASSERT(model->characteristic_count <= SZ_CREDIT_CSV_COLUMN_COUNT_MAX);
	int64_t features[SZ_CREDIT_CSV_COLUMN_COUNT_MAX];
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		const scorecard_characteristic *c = &model->characteristics[i];
		features[i] = c->selected ? boost_feature_of(c, &values[i]) : SCORECARD_VALUE_MISSING;
	}
	boost_score_features(boost, model, features, result, NULL, NULL);
}
