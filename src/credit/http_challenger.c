/*
 * http_challenger.c — decision outcomes and the champion/challenger report.
 *
 * Owns: POST /v1/credit/decisions/{id}/outcome {id, outcome: good|bad} (the
 * bank that made the decision, or the platform operator, records whether
 * the loan performed), and GET /v1/credit/challenger[?model=VERSION] (the
 * active model by default): over the model's decisions that carry a shadow
 * challenger score, the champion scorecard and the challenger compared on
 * the decisions with outcomes — AUC, KS, approval rate (grade BBB or
 * better: investment grade) and the bad rate among the approved — and, on
 * every decision, how often the two approve alike and the mean score
 * difference. Read only; runs on the API thread (an adapter file: floating
 * point is allowed here, never in apply).
 */
#include "credit/http_internal.h"

#include "api/api.h"
#include "api/codec.h"
#include "core/assert.h"
#include "credit/validate.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct credit_outcome_in {
	sz_id id;
	uint16_t outcome;
};

static const char *const decision_outcome_names[] = { "good", "bad", NULL }; /* from CREDIT_DECISION_GOOD */

static const struct api_field outcome_fields[] = {
	{ CREDIT_F_ID("id", struct credit_outcome_in, id, API_F_REQUIRED) },
	{ CREDIT_F_ENUM("outcome", struct credit_outcome_in, outcome, API_F_REQUIRED, decision_outcome_names,
			CREDIT_DECISION_GOOD, 0), .invalid = "'%s' must be good or bad" },
};
const struct api_schema credit_outcome_schema = API_SCHEMA("credit_outcome", outcome_fields, struct credit_outcome_in);

static void outcome_done(struct api_request *r, const uint32_t *results, uint32_t count)
{
	if (!credit_http_done_ok(r, results, count))
		return;
	const struct credit_outcome_cmd *o = api_submitted_body(r);
	api_reply_json(r, api_result_status(results[0]),
		       json_pack("{s:o, s:o, s:s}", "id", credit_json_id(o->id), "decision", credit_json_id(o->decision_id),
				 "outcome", decision_outcome_names[o->outcome - CREDIT_DECISION_GOOD]));
}

void credit_handle_decision_outcome(struct api_request *r)
{
	sz_id decision;
	const char *text = api_param(r, 0);
	if (sz_id_parse(text, strlen(text), &decision, 0)) {
		api_problem(r, "id_invalid", "'%s' is not a 128-bit id", text);
		return;
	}
	const struct credit_outcome_in *in = r->in;
	struct credit_outcome_cmd c;
	memset(&c, 0, sizeof c);
	c.id = in->id;
	c.decision_id = decision;
	c.outcome = in->outcome;
	c.tenant_id = r->principal.role == API_ROLE_OPERATOR ? r->principal.tenant_id : 0;
	api_submit_one(r, CREDIT_CMD_DECISION_OUTCOME, &c, sizeof c, outcome_done);
}

/* Investment grade (AAA-BBB) is approved. */
static bool approved(uint32_t grade) { return grade <= (uint32_t)SCORECARD_GRADE_BBB; }

struct side {
	double *scores;         /* decisions with outcomes */
	uint32_t approved, approved_bad;
};

struct report {
	uint8_t *is_good;
	uint32_t with_outcome, goods, decisions, agree;
	double score_difference_sum;
	struct side side[2];    /* champion, challenger */
};

static json_t *side_json(const struct report *rep, const struct side *s)
{
	scorecard_metrics m;
	bool both = rep->goods > 0 && rep->goods < rep->with_outcome;
	json_t *o = json_object();
	if (both && scorecard_metrics_compute(s->scores, NULL, rep->is_good, rep->with_outcome, &m) == SZ_OK) {
		json_object_set_new(o, "auc", credit_json_number(m.auc));
		json_object_set_new(o, "ks", credit_json_number(m.ks));
	} else {
		json_object_set_new(o, "auc", json_null());
		json_object_set_new(o, "ks", json_null());
	}
	json_object_set_new(o, "approval_rate", rep->with_outcome > 0 ? credit_json_number((double)s->approved / rep->with_outcome)
								    : json_null());
	json_object_set_new(o, "bad_rate_approved",
			    s->approved > 0 ? credit_json_number((double)s->approved_bad / s->approved) : json_null());
	return o;
}

static void report_count(const struct credit_domain_state *c, uint32_t model, struct report *rep)
{
	for (uint32_t i = 0; i < credit_query_count(c); i++) {
		const struct credit_query *q = credit_query_at(c, i);
		if (q->decision == 0)
			continue;
		const struct credit_decision *d = credit_decision_at(c, q->decision - 1);
		if (d->model != model || !d->challenger.present)
			continue;
		rep->decisions++;
		rep->agree += approved(d->grade) == approved(d->challenger.grade);
		rep->score_difference_sum += (double)(d->challenger.score_milli - d->score_milli) / SCORECARD_POINTS_SCALE;
		if (d->outcome == 0)
			continue;
		uint32_t k = rep->with_outcome++;
		bool good = d->outcome == CREDIT_DECISION_GOOD;
		rep->is_good[k] = good;
		rep->goods += good;
		int64_t score[2] = { d->score_milli, d->challenger.score_milli };
		uint32_t grade[2] = { d->grade, d->challenger.grade };
		for (int s = 0; s < 2; s++) {
			rep->side[s].scores[k] = (double)score[s] / SCORECARD_POINTS_SCALE;
			if (approved(grade[s])) {
				rep->side[s].approved++;
				rep->side[s].approved_bad += !good;
			}
		}
	}
}

static json_t *difference_json(json_t *champion, json_t *challenger, const char *key)
{
	json_t *a = json_object_get(champion, key), *b = json_object_get(challenger, key);
	if (!json_is_number(a) || !json_is_number(b))
		return json_null();
	return credit_json_number(json_number_value(b) - json_number_value(a));
}

void credit_handle_challenger_report(struct api_request *r)
{
	const struct credit_domain_state *c = credit_http_state(r);
	const char *version = api_query(r, "model");
	int64_t model = version != NULL ? credit_model_find(c, version) : credit_model_active(c);
	const struct credit_model *cm = model >= 0 ? credit_model_at(c, (uint32_t)model) : NULL;
	if (cm == NULL || cm->feature_of == NULL || cm->parsed.challenger == NULL) {
		api_problem(r, "not_found", "%s%s has no challenger", version != NULL ? "model " : "the active model",
			    version != NULL ? version : "");
		return;
	}
	struct report rep;
	memset(&rep, 0, sizeof rep);
	size_t n = credit_query_count(c) > 0 ? credit_query_count(c) : 1u;
	rep.is_good = malloc(n);
	rep.side[0].scores = malloc(n * sizeof(double));
	rep.side[1].scores = malloc(n * sizeof(double));
	if (rep.is_good == NULL || rep.side[0].scores == NULL || rep.side[1].scores == NULL) {
		free(rep.is_good);
		free(rep.side[0].scores);
		free(rep.side[1].scores);
		api_problem(r, "internal", "out of memory comparing the decisions");
		return;
	}
	report_count(c, (uint32_t)model, &rep);
	json_t *champion = side_json(&rep, &rep.side[0]);
	json_t *challenger = side_json(&rep, &rep.side[1]);
	json_t *diff = json_object();
	json_object_set_new(diff, "auc", difference_json(champion, challenger, "auc"));
	json_object_set_new(diff, "ks", difference_json(champion, challenger, "ks"));
	json_object_set_new(diff, "approval_rate", difference_json(champion, challenger, "approval_rate"));
	json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i}", "model", cm->info.version, "approval",
			      "grade BBB or better", "decisions", (json_int_t)rep.decisions, "with_outcome",
			      (json_int_t)rep.with_outcome, "goods", (json_int_t)rep.goods, "bads",
			      (json_int_t)(rep.with_outcome - rep.goods));
	json_object_set_new(o, "champion", champion);
	json_object_set_new(o, "challenger", challenger);
	json_object_set_new(o, "difference", diff);
	json_object_set_new(o, "agreement", rep.decisions > 0 ? credit_json_number((double)rep.agree / rep.decisions) : json_null());
	json_object_set_new(o, "mean_score_difference",
			    rep.decisions > 0 ? credit_json_number(rep.score_difference_sum / rep.decisions) : json_null());
	free(rep.is_good);
	free(rep.side[0].scores);
	free(rep.side[1].scores);
	api_reply_json(r, 200, o);
}
