/*
 * boost_dump.c — the challenger's features of a table row, and an XGBoost
 * JSON model dump turned into the integer trees of boost.h.
 *
 * lint-float: offline — quantising a trained model and reading CSV tables are the trainer's and the tests' work, never apply's.
 *
 * The dump is read with jansson, node by node, trusting nothing: ids, child
 * references, the feature names "fJ", covers and values are all checked
 * (fuzz/fuzz_credit_boost_dump.c).
 */
#include "credit/boost_train.h"

#include "core/assert.h"
#include "core/errors.h"
#include "core/limits.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void boost_train_options_default(boost_train_options *o)
{
	SZ_ASSERT(o != NULL);
	o->rounds = 400;
	o->depth_max = 4;
	o->eta = 0.02;
	o->min_child_weight = 20.0;
	o->subsample = 0.7;
	o->colsample = 0.8;
	o->lambda = 5.0;
	o->seed = 20240601u;
	o->monotone = true;
}

int boost_train_options_check(const boost_train_options *o, scorecard_error *error)
{
	const char *why = NULL;
	if (o->rounds == 0 || o->rounds > BOOST_TREE_COUNT_MAX)
		why = "--rounds must be 1 to 2000";
	else if (o->depth_max == 0 || o->depth_max > 7)
		why = "--depth must be 1 to 7";
	else if (!(o->eta > 0.0 && o->eta <= 1.0))
		why = "--eta must be in (0, 1]";
	else if (!(o->min_child_weight >= 0.0 && o->min_child_weight <= 1e6))
		why = "--min-child-weight must be 0 to 1e6";
	else if (!(o->subsample > 0.0 && o->subsample <= 1.0))
		why = "--subsample must be in (0, 1]";
	else if (!(o->colsample > 0.0 && o->colsample <= 1.0))
		why = "--colsample must be in (0, 1]";
	else if (!(o->lambda >= 0.0 && o->lambda <= 1e6))
		why = "--boost-lambda must be 0 to 1e6";
	if (why == NULL)
		return SZ_OK;
	if (error != NULL)
		snprintf(error->message, sizeof(error->message), "%s", why);
	return SZ_EINVAL;
}

int boost_monotone_sign(const scorecard_characteristic *c)
{
	SZ_ASSERT(c != NULL);
	if (c->kind == CREDIT_CSV_CATEGORICAL)
		return 1;
	/* Row-weighted slope of WoE against the range bins' order. */
	double n = 0, sx = 0, sy = 0, sxy = 0, sxx = 0;
	for (uint32_t b = 0; b < c->bin_count; b++) {
		if (c->bins[b].kind != SCORECARD_BIN_RANGE)
			continue;
		double w = (double)c->bins[b].good_count + (double)c->bins[b].bad_count;
		double y = (double)c->bins[b].woe_nano;
		n += w;
		sx += w * b;
		sy += w * y;
		sxy += w * b * y;
		sxx += w * b * (double)b;
	}
	if (n <= 0)
		return 0;
	double slope = (n * sxy - sx * sy);
	double var = (n * sxx - sx * sx);
	if (var <= 0 || slope == 0)
		return 0;
	return slope > 0 ? 1 : -1;
}

void boost_features_of_row(const scorecard_model *model, const scorecard_binding *binding,
			   const credit_csv_table *table, uint32_t row, int64_t *features)
{
	SZ_ASSERT(model != NULL && binding != NULL && table != NULL && features != NULL);
	SZ_ASSERT(row < table->row_count);
	for (uint32_t i = 0; i < model->characteristic_count; i++) {
		const scorecard_characteristic *c = &model->characteristics[i];
		features[i] = SCORECARD_VALUE_MISSING;
		if (!c->selected)
			continue;
		if (c->kind == CREDIT_CSV_NUMERIC) {
			int32_t column = binding->columns[i];
			SZ_ASSERT(column >= 0 && (uint32_t)column < table->column_count);
			features[i] = table->columns[column].kind == CREDIT_CSV_NUMERIC
					      ? scorecard_value_e4_of(table->columns[column].numbers[row])
					      : SCORECARD_VALUE_MISSING;
			continue;
		}
		uint32_t bin = scorecard_bin_of_row(model, binding, table, i, row);
		if (bin != c->missing_bin)
			features[i] = c->bins[bin].woe_nano;
	}
}

int64_t boost_threshold_of(float t)
{
	const int64_t bound = SCORECARD_VALUE_E4_MAX - 1;
	if (isnan(t) || t >= (float)bound)
		return bound;
	if (t <= (float)-bound)
		return -bound;
	int64_t hi = (int64_t)ceil((double)t); /* (float)hi >= t */
	float ulp = nextafterf(t, INFINITY) - t;
	int64_t span = (int64_t)ulp + 2;
	int64_t lo = hi - span;
	while ((float)lo >= t)
		lo -= span;
	while (hi - lo > 1) { /* (float)lo < t <= (float)hi */
		int64_t mid = lo + (hi - lo) / 2;
		if ((float)mid >= t)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* ---- the dump ------------------------------------------------------------ */

struct dump {
	const scorecard_model *model;
	const uint32_t *feature_characteristics;
	uint32_t feature_count;
	double factor;            /* milli-points per unit of margin */
	uint32_t tree;
	boost_node *nodes;        /* of this tree, preorder */
	uint32_t node_count;
	scorecard_error *error;
};

static int dump_fail(struct dump *d, const char *why, json_int_t node)
{
	if (d->error != NULL)
		snprintf(d->error->message, sizeof(d->error->message),
			 "model dump tree %u node %lld: %s", d->tree, (long long)node, why);
	return SZ_EINVAL;
}

static int64_t milli_of(double points_milli)
{
	return (int64_t)llround(points_milli);
}

/* The child of node whose "nodeid" is id. */
static json_t *child_find(json_t *children, json_int_t id)
{
	size_t i;
	json_t *child;
	json_array_foreach(children, i, child) {
		json_t *nid = json_object_get(child, "nodeid");
		if (json_is_integer(nid) && json_integer_value(nid) == id)
			return child;
	}
	return NULL;
}

static int node_feature(struct dump *d, json_t *node, json_int_t id, uint32_t *characteristic)
{
	const char *split = json_string_value(json_object_get(node, "split"));
	if (split == NULL || split[0] != 'f' || split[1] < '0' || split[1] > '9' ||
	    strlen(split) > 6)
		return dump_fail(d, "split is not a feature name fJ", id);
	uint32_t j = 0;
	for (const char *p = split + 1; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return dump_fail(d, "split is not a feature name fJ", id);
		j = j * 10u + (uint32_t)(*p - '0');
	}
	if (j >= d->feature_count)
		return dump_fail(d, "split names an unknown feature", id);
	*characteristic = d->feature_characteristics[j];
	return SZ_OK;
}

/* Lays the subtree of node out in preorder from d->node_count; *value and
 * *cover receive its margin (cover-weighted mean of its leaves) and cover. */
static int dump_node(struct dump *d, json_t *node, uint32_t depth, double *value, double *cover)
{
	json_t *nid = json_object_get(node, "nodeid");
	json_int_t id = json_is_integer(nid) ? json_integer_value(nid) : -1;
	if (!json_is_object(node) || id < 0)
		return dump_fail(d, "node without a nodeid", id);
	if (d->node_count == BOOST_TREE_NODE_COUNT_MAX || depth > 7)
		return dump_fail(d, "tree larger than 255 nodes or deeper than 7", id);
	json_t *c = json_object_get(node, "cover");
	if (!json_is_number(c) || !(json_number_value(c) > 0) || !isfinite(json_number_value(c)))
		return dump_fail(d, "cover missing or not positive", id);
	*cover = json_number_value(c);
	uint32_t k = d->node_count++;
	boost_node *n = &d->nodes[k];
	json_t *leaf = json_object_get(node, "leaf");
	if (leaf != NULL) {
		double v = json_number_value(leaf);
		if (!json_is_number(leaf) || !isfinite(v) || fabs(v * d->factor) > BOOST_VALUE_MILLI_MAX)
			return dump_fail(d, "leaf value missing or out of range", id);
		n->characteristic = BOOST_LEAF;
		n->value_milli = milli_of(v * d->factor);
		*value = v;
		return SZ_OK;
	}
	int rc = node_feature(d, node, id, &n->characteristic);
	if (rc != SZ_OK)
		return rc;
	json_t *cond = json_object_get(node, "split_condition");
	json_t *yes = json_object_get(node, "yes");
	json_t *no = json_object_get(node, "no");
	json_t *missing = json_object_get(node, "missing");
	json_t *children = json_object_get(node, "children");
	if (!json_is_number(cond) || !isfinite(json_number_value(cond)) || !json_is_integer(yes) ||
	    !json_is_integer(no) || !json_is_integer(missing) || !json_is_array(children) ||
	    json_array_size(children) != 2)
		return dump_fail(d, "split without split_condition, yes, no, missing or two children", id);
	json_int_t yes_id = json_integer_value(yes), no_id = json_integer_value(no);
	json_int_t missing_id = json_integer_value(missing);
	json_t *yes_node = child_find(children, yes_id);
	json_t *no_node = child_find(children, no_id);
	if (yes_id == no_id || yes_node == NULL || no_node == NULL ||
	    (missing_id != yes_id && missing_id != no_id))
		return dump_fail(d, "yes, no and missing must name its two children", id);
	n->threshold = boost_threshold_of((float)json_number_value(cond));
	n->missing_yes = missing_id == yes_id;
	double yes_value, yes_cover, no_value, no_cover;
	n->yes = (uint16_t)d->node_count;
	if ((rc = dump_node(d, yes_node, depth + 1, &yes_value, &yes_cover)) != SZ_OK)
		return rc;
	n->no = (uint16_t)d->node_count;
	if ((rc = dump_node(d, no_node, depth + 1, &no_value, &no_cover)) != SZ_OK)
		return rc;
	*value = (yes_value * yes_cover + no_value * no_cover) / (yes_cover + no_cover);
	n->value_milli = milli_of(*value * d->factor);
	return SZ_OK;
}

static int dump_tree(struct dump *d, const char *text, boost_model *out)
{
	json_error_t json_error;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &json_error);
	if (root == NULL)
		return dump_fail(d, "not JSON", 0);
	d->node_count = 0;
	d->nodes = out->nodes + out->node_count;
	double value, cover;
	int rc = dump_node(d, root, 0, &value, &cover);
	json_decref(root);
	if (rc != SZ_OK)
		return rc;
	out->tree_first[d->tree] = out->node_count;
	out->tree_node_count[d->tree] = d->node_count;
	out->node_count += d->node_count;
	return SZ_OK;
}

int boost_from_dump(boost_model *out, const scorecard_model *model,
		    const uint32_t *feature_characteristics, uint32_t feature_count,
		    const char *const *trees, uint32_t tree_count, double base_score,
		    const boost_train_options *options, scorecard_error *error)
{
	SZ_ASSERT(out != NULL && model != NULL && trees != NULL);
	SZ_ASSERT(feature_count == 0 || feature_characteristics != NULL);
	memset(out, 0, sizeof(*out));
	if (tree_count == 0 || tree_count > BOOST_TREE_COUNT_MAX || !(base_score > 0.0) ||
	    !(base_score < 1.0)) {
		if (error != NULL)
			snprintf(error->message, sizeof(error->message),
				 "model dump: 1 to %u trees and a base score in (0, 1) needed",
				 BOOST_TREE_COUNT_MAX);
		return SZ_ELIMIT;
	}
	scorecard_scaling scaling = {
		scorecard_double_of(model->options.base_points_ppm, SCORECARD_PPM),
		scorecard_double_of(model->options.base_odds_ppm, SCORECARD_PPM),
		scorecard_double_of(model->options.pdo_points_ppm, SCORECARD_PPM),
	};
	double factor = scorecard_scaling_factor(&scaling);
	double base = scorecard_scaling_offset(&scaling) + factor * log(base_score / (1.0 - base_score));
	out->tree_first = calloc(tree_count, sizeof(uint32_t));
	out->tree_node_count = calloc(tree_count, sizeof(uint32_t));
	out->nodes = calloc((size_t)tree_count * BOOST_TREE_NODE_COUNT_MAX, sizeof(boost_node));
	if (out->tree_first == NULL || out->tree_node_count == NULL || out->nodes == NULL) {
		boost_model_release(out);
		return SZ_ENOMEM;
	}
	out->tree_count = tree_count;
	out->base_milli = milli_of(base * SCORECARD_POINTS_SCALE);
	out->depth_max = options != NULL ? options->depth_max : 0;
	out->eta_ppm = options != NULL ? (uint32_t)llround(options->eta * SCORECARD_PPM) : 0;
	struct dump d = { model, feature_characteristics, feature_count,
			  factor * SCORECARD_POINTS_SCALE, 0, NULL, 0, error };
	for (uint32_t t = 0; t < tree_count; t++) {
		d.tree = t;
		int rc = dump_tree(&d, trees[t], out);
		if (rc == SZ_OK && out->node_count > BOOST_NODE_COUNT_MAX)
			rc = dump_fail(&d, "more nodes than a challenger may have", 0);
		if (rc != SZ_OK) {
			boost_model_release(out);
			return rc;
		}
	}
	char why[160];
	if (boost_model_check(out, model, why, sizeof why) != SZ_OK) {
		if (error != NULL)
			snprintf(error->message, sizeof(error->message), "model dump: %s", why);
		boost_model_release(out);
		return SZ_EINVAL;
	}
	return SZ_OK;
}
