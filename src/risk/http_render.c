/*
 * http_render.c — the risk domain's answers: alerts as JSON with their
 * explanation in English and Chinese (rendered from the stored integers and
 * the rule-set version that judged them), cases, and the report rows of
 * large-value and suspicious transaction reports (JSON and CSV; the field
 * mapping to the PBoC forms is in docs/risk.md).
 */
#include "risk/http_internal.h"
#include "risk/ext.h"
#include "api/api.h"
#include "api/codec.h"
#include "core/assert.h"

#include <stdio.h>
#include <string.h>

/* "YYYY-MM-DDTHH:MM:SSZ" of a time (UTC). */
void risk_time_text(uint64_t time_ns, char out[32])
{
	int64_t secs = (int64_t)(time_ns / 1000000000u);
	int64_t z = secs / 86400 + 719468, sod = secs % 86400;
	int64_t era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
	snprintf(out, 32, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)y, (long long)m, (long long)d,
		 (long long)(sod / 3600), (long long)(sod / 60 % 60), (long long)(sod % 60));
}

/* "49,800.00": the amount with thousands separators. */
void risk_money_text(uint64_t minor, uint32_t currency, char out[40])
{
	char plain[SZ_AMOUNT_TEXT_SIZE];
	size_t n = sz_amount_format(minor, sz_currency_exponent(currency), plain);
	const char *dot = memchr(plain, '.', n);
	size_t whole = dot ? (size_t)(dot - plain) : n, o = 0;
	for (size_t i = 0; i < whole; i++) {
		if (i > 0 && (whole - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = plain[i];
	}
	memcpy(out + o, plain + whole, n - whole);
	out[o + n - whole] = '\0';
}

static const char *ordinal_suffix(uint64_t n)
{
	if (n % 100 >= 11 && n % 100 <= 13)
		return "th";
	return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

static void window_text(const struct risk_rule *r, char *en, size_t en_size, char *zh, size_t zh_size)
{
	if (r->window_h == 0) {
		snprintf(en, en_size, "same-day");
		snprintf(zh, zh_size, "当日");
	} else {
		snprintf(en, en_size, "%u-hour", r->window_h);
		snprintf(zh, zh_size, "%u小时内", r->window_h);
	}
}

static void range_text(const struct risk_rule *r, uint32_t cur, char *en, size_t en_size, char *zh, size_t zh_size)
{
	char lo[40], hi[40];
	risk_money_text(r->amount_min_minor, cur, lo);
	risk_money_text(r->amount_max_minor, cur, hi);
	if (r->amount_max_minor != 0) {
		snprintf(en, en_size, " between %s and %s %.3s", lo, hi, (const char *)&cur);
		snprintf(zh, zh_size, "%s至%s元之间的", lo, hi);
	} else if (r->amount_min_minor != 0) {
		snprintf(en, en_size, " of at least %s %.3s", lo, (const char *)&cur);
		snprintf(zh, zh_size, "不低于%s元的", lo);
	} else {
		en[0] = zh[0] = '\0';
	}
}

/* The sentences of the features on ext.h's counters. */
static void explain_ext(const struct risk_rule *r, const struct risk_contribution *c, char *en, size_t en_size,
			char *zh, size_t zh_size)
{
	const char *who_en = r->side == RISK_SIDE_PAYER ? "this account" : "the receiving account";
	const char *who_zh = r->side == RISK_SIDE_PAYER ? "本账户" : "收款账户";
	bool out = r->flow == RISK_FLOW_OUT;
	unsigned long long v = (unsigned long long)c->value;
	if (r->feature == RISK_F_BENFORD_MAD) {
		snprintf(en, en_size, "the first digits of the %s amounts of %s deviate from Benford's law by a mean "
			 "absolute deviation of %llu.%06llu (over at least %u transfers)", out ? "outgoing" : "incoming",
			 who_en, v / 1000000, v % 1000000, r->param);
		snprintf(zh, zh_size, "%s%s金额的首位数字分布偏离本福特定律，平均绝对偏差%llu.%06llu（至少%u笔）", who_zh,
			 out ? "转出" : "转入", v / 1000000, v % 1000000, r->param);
	} else if (r->feature == RISK_F_XBORDER_DECLARED_BP) {
		snprintf(en, en_size, "this month's cross-border %s of %s is %llu.%02llu%% of its declared monthly "
			 "cross-border volume", out ? "outflow" : "inflow", who_en, v / 100, v % 100);
		snprintf(zh, zh_size, "%s本月跨境%s为其申报月度跨境业务量的%llu.%02llu%%", who_zh, out ? "转出" : "转入",
			 v / 100, v % 100);
	} else {
		char win_en[16], win_zh[16];
		window_text(r, win_en, sizeof win_en, win_zh, sizeof win_zh);
		snprintf(en, en_size, "%llu distinct remitters sent cross-border transfers to %s in the %s window", v,
			 who_en, win_en);
		snprintf(zh, zh_size, "%s%s有%llu个不同汇款人向其跨境汇款", who_zh, win_zh, v);
	}
}

/* One sentence per scoring rule, in both languages. */
static void explain_rule(const struct risk_alert *a, const struct risk_rule *r, const struct risk_contribution *c,
			 char *en, size_t en_size, char *zh, size_t zh_size)
{
	char amount[40], value[40], win_en[16], win_zh[16], rng_en[96], rng_zh[96];
	uint32_t cur = a->currency;
	const char *who_en = r->side == RISK_SIDE_PAYER ? "this account" : "the receiving account";
	const char *who_zh = r->side == RISK_SIDE_PAYER ? "本账户" : "收款账户";
	bool out = r->flow == RISK_FLOW_OUT;
	risk_money_text(a->amount_minor, cur, amount);
	window_text(r, win_en, sizeof win_en, win_zh, sizeof win_zh);
	range_text(r, cur, rng_en, sizeof rng_en, rng_zh, sizeof rng_zh);
	switch (r->feature) {
	case RISK_F_AMOUNT:
		risk_money_text(r->band_min[0], cur, value);
		snprintf(en, en_size, "transfer of %s %.3s is at or above %s %.3s", amount, (const char *)&cur, value,
			 (const char *)&cur);
		snprintf(zh, zh_size, "单笔交易%s元，达到或超过%s元", amount, value);
		if (r->code_max != 0) { /* a listed code range: high-risk jurisdictions in the default set */
			size_t ne = strlen(en), nz = strlen(zh);
			snprintf(en + ne, en_size - ne, ", with transfer code %u in the listed range %u-%u", a->code,
				 r->code_min, r->code_max);
			snprintf(zh + nz, zh_size - nz, "，交易代码%u属于所列范围%u-%u", a->code, r->code_min, r->code_max);
		}
		return;
	case RISK_F_COUNT:
		snprintf(en, en_size, "transfer of %s %.3s is the %llu%s %s transfer%s %s %s", amount, (const char *)&cur,
			 (unsigned long long)c->value, ordinal_suffix(c->value), win_en, rng_en, out ? "from" : "to", who_en);
		snprintf(zh, zh_size, "该笔%s元交易是%s%s第%llu笔%s%s交易", amount, who_zh, win_zh,
			 (unsigned long long)c->value, rng_zh, out ? "转出" : "转入");
		return;
	case RISK_F_SUM:
		risk_money_text(c->value, cur, value);
		snprintf(en, en_size, "%s %s %s %s%s%s totals %s %.3s with this transfer", win_en, out ? "outflow" : "inflow",
			 out ? "from" : "into", who_en, rng_en[0] ? " in transfers" : "", rng_en, value, (const char *)&cur);
		snprintf(zh, zh_size, "%s%s%s%s累计%s元（含本笔）", who_zh, win_zh, rng_zh, out ? "转出" : "转入", value);
		return;
	case RISK_F_SHARE_BP:
		snprintf(en, en_size, "%s outflow of %s is %llu.%02llu%% of its inflow", win_en, who_en,
			 (unsigned long long)(c->value / 100), (unsigned long long)(c->value % 100));
		snprintf(zh, zh_size, "%s%s转出为转入的%llu.%02llu%%", who_zh, win_zh, (unsigned long long)(c->value / 100),
			 (unsigned long long)(c->value % 100));
		return;
	case RISK_F_HISTORY_BP:
		snprintf(en, en_size, "same-day outflow of %s is %llu.%02llu times its daily average over %u days", who_en,
			 (unsigned long long)(c->value / 10000), (unsigned long long)(c->value / 100 % 100),
			 a->base_hist_day_count);
		snprintf(zh, zh_size, "%s当日转出为其%u日日均的%llu.%02llu倍", who_zh, a->base_hist_day_count,
			 (unsigned long long)(c->value / 10000), (unsigned long long)(c->value / 100 % 100));
		return;
	case RISK_F_DORMANT_DAYS:
		snprintf(en, en_size, "%s was inactive for %llu days before this transfer", who_en, (unsigned long long)c->value);
		snprintf(zh, zh_size, "%s在本笔交易前已%llu天无交易", who_zh, (unsigned long long)c->value);
		return;
	case RISK_F_NEW_PEERS:
		snprintf(en, en_size, "%llu first-time %s %s %s in the %s window", (unsigned long long)c->value,
			 out ? "payees" : "payers", out ? "of" : "into", who_en, win_en);
		snprintf(zh, zh_size, "%s%s有%llu个首次%s", who_zh, win_zh, (unsigned long long)c->value,
			 out ? "收款方" : "付款方");
		return;
	case RISK_F_ROUND: {
		uint64_t unit = 1;
		for (uint16_t k = 0; k < r->param && k < 19; k++)
			unit *= 10u;
		risk_money_text(unit, cur, value);
		snprintf(en, en_size, "transfer of %s %.3s is a multiple of %s %.3s", amount, (const char *)&cur, value,
			 (const char *)&cur);
		snprintf(zh, zh_size, "交易金额%s元为%s元的整数倍", amount, value);
		return;
	}
	}
	snprintf(en, en_size, "rule %u scored %u", r->rule_id, c->rule_score);
	snprintf(zh, zh_size, "规则%u得分%u", r->rule_id, c->rule_score);
}

const struct risk_ruleset *risk_version_find(const struct risk_state *st, uint32_t version)
{
	for (uint32_t i = 0; i < risk_version_count(st); i++)
		if (risk_version_at(st, i)->version == version)
			return risk_version_at(st, i);
	return NULL;
}

/* Both explanations: each scoring rule's sentence, joined with "; ". */
/* A screening alert's sentence (risk.h, RISK_TYPOLOGY_SCREENING). */
static json_t *screening_explanation_json(const struct risk_alert *a)
{
	char list[33] = "", entry[33] = "", en[320], zh[320];
	memcpy(list, &a->evidence_transfer_id[0], 32);
	memcpy(entry, &a->evidence_transfer_id[2], 32);
	const struct risk_contribution *c = &a->contributions[0];
	snprintf(en, sizeof en, "name screening: the holder's name scored %u per mille against entry %s of watch list %s "
		 "version %llu (threshold %u)", a->score, entry, list, (unsigned long long)c->value, c->contribution);
	snprintf(zh, sizeof zh, "名单筛查：持有人姓名与名单%s（版本%llu）条目%s的相似度为%u‰（阈值%u‰）", list,
		 (unsigned long long)c->value, entry, a->score, c->contribution);
	return json_pack("{s:s, s:s}", "en", en, "zh", zh);
}

/* An overdue-report alert's sentence (risk.h, RISK_TYPOLOGY_OVERDUE). */
static json_t *overdue_explanation_json(const struct risk_state *st, const struct risk_alert *a)
{
	uint64_t late_no = a->contributions[0].value;
	const struct risk_alert *late = risk_alert_find(st, late_no);
	char due[32] = "?", en[256], zh[256];
	if (late != NULL)
		risk_time_text(late->report_due_ns, due);
	snprintf(en, sizeof en, "the large-value report of alert %llu was due by %s and has not been filed (no case on it "
		 "closed as reported)", (unsigned long long)late_no, due);
	snprintf(zh, sizeof zh, "预警%llu的大额交易报告应于%s前报送，至今未报送", (unsigned long long)late_no, due);
	return json_pack("{s:s, s:s}", "en", en, "zh", zh);
}

static json_t *explanation_json(const struct risk_state *st, const struct risk_alert *a)
{
	if (a->typology_id == RISK_TYPOLOGY_SCREENING && a->ruleset_version == 0)
		return screening_explanation_json(a);
	if (a->typology_id == RISK_TYPOLOGY_OVERDUE && a->ruleset_version == 0)
		return overdue_explanation_json(st, a);
	char en[1024] = "", zh[1024] = "", s_en[256], s_zh[256];
	const struct risk_ruleset *rs = risk_version_find(st, a->ruleset_version);
	for (uint32_t k = 0; rs != NULL && k < a->contribution_count; k++) {
		const struct risk_contribution *c = &a->contributions[k];
		const struct risk_rule *r = risk_ruleset_rule(rs, c->rule_id);
		if (r == NULL || c->rule_score == 0)
			continue;
		if (risk_feature_reads_ext(r->feature))
			explain_ext(r, c, s_en, sizeof s_en, s_zh, sizeof s_zh);
		else
			explain_rule(a, r, c, s_en, sizeof s_en, s_zh, sizeof s_zh);
		size_t ne = strlen(en), nz = strlen(zh);
		snprintf(en + ne, sizeof en - ne, "%s%s", ne ? "; " : "", s_en);
		snprintf(zh + nz, sizeof zh - nz, "%s%s", nz ? "；" : "", s_zh);
	}
	return json_pack("{s:s, s:s}", "en", en, "zh", zh);
}

static json_t *time_json(uint64_t ns)
{
	char text[32];
	if (ns == 0)
		return json_null();
	risk_time_text(ns, text);
	return json_string(text);
}

static json_t *contributions_json(const struct risk_state *st, const struct risk_alert *a)
{
	const struct risk_ruleset *rs = risk_version_find(st, a->ruleset_version);
	json_t *list = json_array();
	for (uint32_t k = 0; k < a->contribution_count; k++) {
		const struct risk_contribution *c = &a->contributions[k];
		const struct risk_rule *r = rs ? risk_ruleset_rule(rs, c->rule_id) : NULL;
		json_array_append_new(list, json_pack("{s:i, s:s, s:o, s:i, s:i}", "rule", c->rule_id, "feature",
						      r ? risk_feature_name(r->feature)
						      : a->ruleset_version != 0		       ? "unknown"
						      : a->typology_id == RISK_TYPOLOGY_OVERDUE ? "overdue_report"
											  : "screening", "value",
						      api_json_string_u64(c->value), "rule_score", c->rule_score,
						      "contribution", (json_int_t)c->contribution));
	}
	return list;
}

static json_t *baseline_json(const struct risk_alert *a)
{
	json_t *o = json_object();
	json_object_set_new(o, "same_day_outflow", api_json_amount_string(a->base_day_out_sum_minor, a->currency));
	json_object_set_new(o, "same_day_out_count", json_integer(a->base_day_out_count));
	json_object_set_new(o, "history_days", json_integer(a->base_hist_day_count));
	json_object_set_new(o, "history_outflow", api_json_amount_string(a->base_hist_out_sum_minor, a->currency));
	json_object_set_new(o, "last_activity", time_json(a->base_last_activity_ns));
	return o;
}

static json_t *evidence_json(const struct risk_alert *a)
{
	if (a->typology_id == RISK_TYPOLOGY_SCREENING && a->ruleset_version == 0) {
		char list[33] = "", entry[33] = "";
		memcpy(list, &a->evidence_transfer_id[0], 32);
		memcpy(entry, &a->evidence_transfer_id[2], 32);
		return json_pack("{s:[o], s:[o], s:s, s:s}", "transfers", api_json_string_id(a->transfer_id), "accounts",
				 api_json_string_id(a->payer_id), "watch_list", list, "entry", entry);
	}
	json_t *transfers = json_array();
	json_array_append_new(transfers, api_json_string_id(a->transfer_id));
	for (uint32_t k = 0; k < RISK_RECENT_COUNT; k++)
		if (!sz_id_is_zero(a->evidence_transfer_id[k]))
			json_array_append_new(transfers, api_json_string_id(a->evidence_transfer_id[k]));
	json_t *accounts = json_array();
	json_array_append_new(accounts, api_json_string_id(a->payer_id));
	json_array_append_new(accounts, api_json_string_id(a->payee_id));
	return json_pack("{s:o, s:o}", "transfers", transfers, "accounts", accounts);
}

json_t *risk_alert_json(const struct risk_state *st, const struct risk_alert *a, uint64_t now_ns)
{
	SZ_ASSERT(st != NULL && a != NULL);
	char cur[4];
	sz_currency_format(a->currency, cur);
	json_t *o = json_object();
	json_object_set_new(o, "alert", api_json_string_u64(a->alert_no));
	json_object_set_new(o, "time", time_json(a->time_ns));
	json_object_set_new(o, "transfer_id", api_json_string_id(a->transfer_id));
	json_object_set_new(o, "payer", api_json_string_id(a->payer_id));
	json_object_set_new(o, "payee", api_json_string_id(a->payee_id));
	json_object_set_new(o, "amount", api_json_amount_string(a->amount_minor, a->currency));
	json_object_set_new(o, "currency", json_string(cur));
	json_object_set_new(o, "tenant_id", api_json_string_u64(a->tenant_id));
	json_object_set_new(o, "ruleset_version", json_integer(a->ruleset_version));
	json_object_set_new(o, "typology", json_integer(a->typology_id));
	json_object_set_new(o, "score", json_integer(a->score));
	json_object_set_new(o, "interdicted", json_boolean(a->interdicted));
	json_object_set_new(o, "report", json_string(risk_report_name(a->report)));
	json_object_set_new(o, "report_due", time_json(a->report_due_ns));
	json_object_set_new(o, "overdue", json_boolean(a->report_due_ns != 0 && now_ns > a->report_due_ns &&
						      !risk_alert_reported(st, a->alert_no)));
	json_object_set_new(o, "contributions", contributions_json(st, a));
	json_object_set_new(o, "baseline", baseline_json(a));
	json_object_set_new(o, "evidence", evidence_json(a));
	json_object_set_new(o, "explanation", explanation_json(st, a));
	return o;
}

bool risk_alert_reported(const struct risk_state *st, uint64_t alert_no)
{
	for (uint32_t i = 0; i < risk_case_count(st); i++) {
		const struct risk_case *k = risk_case_at(st, i);
		if (k->alert_no == alert_no && k->status == RISK_CASE_S_CLOSED &&
		    (k->disposition == RISK_DISP_REPORTED || k->disposition == RISK_DISP_FROZEN))
			return true;
	}
	return false;
}

static const char *const status_names[] = { "", "open", "escalated", "closed" };
static const char *const disposition_names[] = { "", "false_positive", "reported", "frozen" };
const char *const risk_action_names[] = { "open", "assign", "comment", "escalate", "close", NULL };

json_t *risk_case_json(const struct risk_state *st, const struct risk_case *k)
{
	json_t *o = json_object(), *history = json_array();
	json_object_set_new(o, "case_id", api_json_string_id(k->case_id));
	json_object_set_new(o, "alert", api_json_string_u64(k->alert_no));
	json_object_set_new(o, "tenant_id", api_json_string_u64(k->tenant_id));
	json_object_set_new(o, "status", json_string(status_names[k->status]));
	json_object_set_new(o, "disposition", k->disposition ? json_string(disposition_names[k->disposition]) : json_null());
	json_object_set_new(o, "assignee", sz_id_is_zero(k->assignee_id) ? json_null() : api_json_string_id(k->assignee_id));
	json_object_set_new(o, "escalation_level", json_integer(k->escalation_level));
	json_object_set_new(o, "opened", time_json(k->opened_ns));
	json_object_set_new(o, "due", time_json(k->due_ns));
	json_object_set_new(o, "closed", time_json(k->closed_ns));
	uint32_t index = (uint32_t)(k - risk_case_at(st, 0));
	for (uint32_t i = k->first_event; i < risk_case_event_count(st); i++) {
		const struct risk_case_event *e = risk_case_event_at(st, i);
		if (e->case_index != index)
			continue;
		json_t *h = json_pack("{s:o, s:s, s:o}", "time", time_json(e->time_ns), "action",
				      risk_action_names[e->cmd.action - 1], "actor", api_json_string_id(e->cmd.actor_id));
		if (e->cmd.text[0])
			json_object_set_new(h, "text", json_string(e->cmd.text));
		if (e->cmd.action == RISK_CASE_CLOSE)
			json_object_set_new(h, "disposition", json_string(disposition_names[e->cmd.disposition]));
		json_array_append_new(history, h);
	}
	json_object_set_new(o, "history", history);
	return o;
}
