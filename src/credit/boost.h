/*
 * boost.h — the boosted challenger: integer-quantised trees and their score.
 *
 * Owns: the challenger model a scorecard model file may carry (model format
 * 4, model_io.c), scoring one row with it and the per-characteristic path
 * contributions that give its reason codes. Training is offline
 * (boost_train.h, libxgboost) and the model dump is read by boost_dump.c;
 * what the server keeps and scores with is only this integer model.
 *
 * Features are the champion scorecard's fixed-point inputs, one per
 * selected characteristic:
 *   numeric       the value in 1/10,000 of its unit (SCORECARD_VALUE_SCALE),
 *                 as scorecard_value.number_e4;
 *   categorical   the WoE (1e-9, SCORECARD_NANO) of the scorecard bin its
 *                 label falls in (labels unseen in training: the other bin);
 *   missing       a numeric SCORECARD_VALUE_MISSING, a label in the missing
 *                 bin: the node's missing branch.
 * A split sends a row to `yes` when feature < threshold (threshold in the
 * feature's unit), to `no` otherwise, and a missing feature to its missing
 * branch. Every node carries a value in 1/1,000 point (SCORECARD_POINTS_SCALE):
 * a leaf its points, a split the cover-weighted mean of its leaves as
 * trained, rounded once. The score is
 *   base_milli + sum over trees of the leaf the row reaches,
 * on the champion's scale (points = offset + factor * ln(good:bad odds)),
 * so the champion's bad-probability table and grade bands apply to it.
 * The contribution of a characteristic is the sum, over the splits on it
 * along the row's paths, of value(child taken) - value(split node); with
 * the bias base_milli + sum of the roots' values they add up to the score
 * exactly (integer telescoping sums: reproducible reason codes).
 * Never: floating point, allocation, a clock or random state (apply scores
 * with it; scripts/lint-float.sh).
 */
#ifndef SZ_CREDIT_BOOST_H
#define SZ_CREDIT_BOOST_H

#include "credit/scorecard.h"

#include <stdbool.h>
#include <stdint.h>

/* Bounds: a model of 1,000 trees of depth 6 (127 nodes) is ~5 MB of text,
 * over the 1 MiB model bound; these keep a parse bounded before that. */
#define BOOST_TREE_COUNT_MAX 2000u
#define BOOST_TREE_NODE_COUNT_MAX 255u   /* depth 7 */
#define BOOST_NODE_COUNT_MAX 65536u
/* A node value is at most 10^6 points: a sum over BOOST_TREE_COUNT_MAX
 * trees stays far from overflow. */
#define BOOST_VALUE_MILLI_MAX 1000000000ll
/* Marks a leaf in boost_node.characteristic. */
#define BOOST_LEAF UINT32_MAX

typedef struct boost_node {
	uint32_t characteristic;   /* index in the scorecard model; BOOST_LEAF */
	uint16_t yes;              /* splits: child indexes within the tree, after this node */
	uint16_t no;
	bool missing_yes;          /* a missing feature goes to yes (else no) */
	int64_t threshold;         /* feature < threshold goes to yes */
	int64_t value_milli;
} boost_node;

typedef struct boost_model { /* struct tag named in scorecard.h */
	int64_t base_milli;         /* the score of a model without trees */
	uint32_t tree_count;
	uint32_t node_count;        /* all trees */
	uint32_t *tree_first;       /* tree_count: index of each tree's root in nodes */
	uint32_t *tree_node_count;  /* tree_count */
	boost_node *nodes;
	/* How it was trained, for the record (never read by scoring). */
	uint32_t depth_max;
	uint32_t eta_ppm;
} boost_model;

/* Frees what the model owns and zeroes it. */
void boost_model_release(boost_model *model);

/* Checks a model's trees against the scorecard they go with: child indexes
 * point forward within the tree, every split's characteristic is selected,
 * every node is reached once, values bounded. Fills a message and returns
 * SZ_ECORRUPT on the first problem. */
int boost_model_check(const boost_model *boost, const scorecard_model *model,
		      char *message, size_t message_size);

/* The feature of one raw value of characteristic c (see above);
 * SCORECARD_VALUE_MISSING when missing. */
int64_t boost_feature_of(const scorecard_characteristic *c, const scorecard_value *value);

/* Scores features (one per characteristic of the scorecard model, from
 * boost_feature_of): the score, bad probability and grade by the champion's
 * table and bands, reason codes = the characteristics with the most negative
 * contributions (points lost = -contribution), most first, ties by index.
 * contributions_milli (model->characteristic_count entries, may be NULL)
 * receives every characteristic's contribution; *bias_milli (may be NULL)
 * the bias. Completeness fields of result are left zero. */
void boost_score_features(const boost_model *boost, const scorecard_model *model,
			  const int64_t *features, scorecard_result *result,
			  int64_t *contributions_milli, int64_t *bias_milli);

/* boost_feature_of for every characteristic, then boost_score_features. */
void boost_score_values(const boost_model *boost, const scorecard_model *model,
			const scorecard_value *values, scorecard_result *result);

#endif
