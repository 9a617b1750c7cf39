// views.js — what each role sees, built on the API's own scoping: every view
// reads the same routes a client would, with the session cookie, so a view
// shows exactly what the caller's role and tenant may see.
// Each view names the domain it needs (GET /v1/views lists what the server
// has); the shell shows a view only when that domain is present.
import { api, anyTable, barFigure, decimalOf, h, label, lineFigure, localTime, minorUnits, prefs, rfc3339, t, table } from "/web/ui.js";

function errorBox(e) {
  return h("p", { class: "error", role: "status" }, e.status === 403 ? t("forbidden") : t("error", { detail: e.message }));
}

async function section(title, load) {
  const s = h("section", {}, h("h3", { text: title }));
  try { s.append(await load()); } catch (e) { s.append(errorBox(e)); }
  return s;
}

// A small form: labelled inputs and a submit button; onsubmit(values) fills out.
function lookupForm(id, fields, button, onsubmit) {
  const out = h("div", { class: "result", "aria-live": "polite" });
  const inputs = fields.map((f) => h("input", { id: `${id}-${f.name}`, name: f.name, value: f.value ?? "", inputmode: f.numeric ? "numeric" : undefined }));
  const form = h("form", { class: "lookup" },
    fields.map((f, i) => h("div", { class: "field" }, h("label", { for: inputs[i].id, text: f.label }), inputs[i])),
    h("button", { type: "submit", text: button }));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const values = Object.fromEntries(inputs.map((i) => [i.name, i.value.trim()]));
    out.replaceChildren();
    try { out.append(await onsubmit(values)); } catch (e) { out.append(errorBox(e)); }
  });
  return [form, out];
}

function overviewCards(s) {
  const card = (key, value) => h("div", { class: "card" }, h("div", { class: "label", text: t(key) }), h("div", { class: "value", "data-figure": key, text: String(value) }));
  return h("div", { class: "cards" }, card("overview.accounts", s.accounts), card("overview.transfers", s.transfers),
    card("overview.pending", s.pending), card("overview.commands", s.commands));
}

// Live figures: the counters follow GET /v1/events (from the head: the
// status's account and transfer counts are the stream position), refetching
// /v1/status at most once a second. Elder mode has no changing screen: a
// refresh button instead. ctx.live is closed by the shell on every view change.
async function overview(ctx) {
  const s = await api("GET", "/v1/status");
  const cards = overviewCards(s);
  const state = h("p", { class: "muted", text: t("overview.state", { sequence: s.sequence, storage: s.storage, ready: s.ready ? t("ready") : t("not.ready") }) });
  const live = h("p", { class: "muted", id: "overview-live" });
  const root = h("div", {}, cards, state, live);
  async function refresh() {
    const fresh = await api("GET", "/v1/status");
    root.querySelector(".cards").replaceWith(overviewCards(fresh));
    state.textContent = t("overview.state", { sequence: fresh.sequence, storage: fresh.storage, ready: fresh.ready ? t("ready") : t("not.ready") });
    return fresh;
  }
  if (prefs.elder) {
    root.append(h("div", { class: "pager" }, h("button", { type: "button", id: "overview-refresh", text: t("overview.refresh"),
      onclick: () => refresh().then(() => { live.textContent = t("overview.refreshed", { time: rfc3339(String(BigInt(Date.now()) * 1000000n)) }); }).catch(() => {}) })));
    return root;
  }
  live.textContent = t("overview.live.waiting");
  const source = new EventSource(`/v1/events?after=${s.accounts}.${s.transfers}`);
  let timer = null;
  const onEvent = (ev) => {
    const data = JSON.parse(ev.data);
    live.textContent = t("overview.live.last", { time: rfc3339(data.timestamp_ns) });
    if (!timer) timer = setTimeout(() => { timer = null; refresh().catch(() => {}); }, 1000);
  };
  source.addEventListener("account", onEvent);
  source.addEventListener("transfer", onEvent);
  source.addEventListener("error", () => { if (source.readyState === EventSource.CLOSED) live.textContent = t("overview.live.closed"); });
  ctx.live = { close: () => { clearTimeout(timer); source.close(); } };
  return root;
}

// Payments and limit breaches per minute (GET /v1/series/minutes, in the
// caller's scope), each as a chart with its table; amounts stay exact strings.
async function activity() {
  const doc = await api("GET", `/v1/series/minutes?minutes=${prefs.elder ? 15 : 30}`);
  const names = doc.minutes.map((m) => rfc3339(m.start_ns));
  const payments = barFigure(t("activity.payments"), names, [{ name: t("col.payments"), values: doc.minutes.map((m) => BigInt(m.payments)) }], String);
  const amounts = barFigure(t("activity.amounts", { currency: doc.currency }), names,
    [{ name: doc.currency, values: doc.minutes.map((m) => minorUnits(m.amount)) }], (v) => decimalOf(BigInt(v)));
  const breaches = barFigure(t("activity.breaches"), names, [{ name: t("col.breaches"), values: doc.minutes.map((m) => BigInt(m.limit_breaches)) }], String);
  const notes = [t("activity.since", { time: doc.breaches_since ?? t("audit.never") })];
  if (doc.truncated) notes.push(t("activity.truncated", { scanned: doc.scanned }));
  return h("div", {}, payments, amounts, breaches, ...notes.map((n) => h("p", { class: "muted", text: n })));
}

// Windows the supply view offers: [key, hours, step in seconds]; the
// server takes whole steps only (to - from a multiple of step).
const SUPPLY_WINDOWS = [["day", 24, 3600], ["week", 168, 21600], ["hour", 1, 60]];

// The window ending at the next step boundary after now, as the API's query.
function supplyQuery(hours, stepS) {
  const nowS = Math.floor(Date.now() / 1000);
  const toS = (Math.floor(nowS / stepS) + 1) * stepS;
  const utc = (sec) => new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return new URLSearchParams({ from: utc(toS - hours * 3600), to: utc(toS), step: String(stepS) });
}

// Each operator's issuance, redemption and supply over time (GET
// /v1/currency/supply-series, in the caller's scope), as charts with their
// tables, and each operator's reserve and holdings now (GET /v1/operators/{t}).
// Money stays the API's exact decimal strings (BigInt minor units between).
async function supplyFigures(key) {
  const [, hours, stepS] = SUPPLY_WINDOWS.find((w) => w[0] === key);
  const doc = await api("GET", `/v1/currency/supply-series?${supplyQuery(hours, stepS)}`);
  if (doc.operators.length === 0) return h("p", { text: t("supply.none") });
  const names = doc.operators[0].points.map((p) => rfc3339(p.start_ns));
  const opName = (o) => o.name || o.tenant_id;
  const money = (o, k) => o.points.map((p) => (p[k] === null ? null : minorUnits(p[k])));
  const exact = (v) => decimalOf(BigInt(v));
  const per = (k) => doc.operators.map((o) => ({ name: opName(o), values: money(o, k) }));
  const parts = [lineFigure(t("supply.series", { currency: doc.currency }), names, per("supply"), exact)];
  if (!prefs.elder) {
    parts.push(barFigure(t("supply.issued", { currency: doc.currency }), names, per("issued"), exact));
    parts.push(barFigure(t("supply.redeemed", { currency: doc.currency }), names, per("redeemed"), exact));
  }
  if (doc.operators.some((o) => o.truncated)) parts.push(h("p", { class: "muted", text: t("supply.truncated") }));
  const now = await Promise.all(doc.operators.map((o) => api("GET", `/v1/operators/${encodeURIComponent(o.tenant_id)}`).catch(() => null)));
  const ops = now.filter(Boolean);
  const cols = [["name", "col.name"], ["type", "col.type"], ["issued", "col.issued"], ["redeemed", "col.redeemed"],
    ["reserve", "col.reserve"], ["held_for_customers", "col.held"], ["supply", "col.supply"]]
    .map(([k, title]) => ({ key: k, title: t(title), class: () => (k === "name" || k === "type" ? undefined : "num"), render: (r) => String(r[k] ?? "") }));
  parts.push(table(t("supply.now"), cols, ops));
  return h("div", {}, ...parts);
}

async function supply() {
  const out = h("div", { class: "result", "aria-live": "polite" });
  const select = h("select", { id: "supply-window", name: "window" },
    SUPPLY_WINDOWS.map(([k]) => h("option", { value: k, text: t(`supply.window.${k}`) })));
  const form = h("form", { class: "lookup" },
    h("div", { class: "field" }, h("label", { for: select.id, text: t("supply.window") }), select),
    h("button", { type: "submit", text: t("show") }));
  async function show() {
    out.replaceChildren();
    try { out.append(await supplyFigures(select.value)); } catch (e) { out.append(errorBox(e)); }
  }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); show(); });
  await show();
  return h("div", {}, form, out);
}

// ---- the AML desk (risk analyst, compliance officer) and its oversight ----

// The explanation in the page's language (the API gives both).
function explanation(a) {
  const e = a.explanation || {};
  return (prefs.lang === "zh-CN" ? e.zh : e.en) || e.en || "";
}

function alertTable(caption, alerts) {
  const cols = [
    { key: "alert", title: t("col.alert") },
    { key: "time", title: t("col.time"), render: (a) => h("time", { datetime: a.time, text: localTime(a.time) }) },
    { key: "amount", title: t("col.amount"), class: () => "num", render: (a) => `${a.amount} ${a.currency}` },
    { key: "score", title: t("col.score"), class: () => "num" },
    { key: "explanation", title: t("col.explanation"), render: explanation },
    { key: "report", title: t("col.report"), render: (a) => (a.report === "none" ? "" : t(`report.${a.report}`)) },
  ];
  return alerts.length ? table(caption, cols, alerts) : h("p", { text: t("risk.alerts.none") });
}

function caseTable(caption, cases) {
  const cols = [
    { key: "case_id", title: t("col.case") },
    { key: "alert", title: t("col.alert") },
    { key: "status", title: t("col.status"), render: (k) => `${k.status === "closed" ? "✔" : "●"} ${t(`case.${k.status}`)}` },
    { key: "escalation_level", title: t("col.escalation"), class: () => "num" },
    { key: "due", title: t("col.due"), render: (k) => (k.due ? h("time", { datetime: k.due, text: localTime(k.due) }) : t("case.no.due")) },
    { key: "opened", title: t("col.opened"), render: (k) => h("time", { datetime: k.opened, text: localTime(k.opened) }) },
  ];
  return cases.length ? table(caption, cols, cases) : h("p", { text: t("risk.cases.none") });
}

// Large-value reports not yet filed. Roles that may export reports read
// GET /v1/risk/reports; a risk analyst (who may not) sees the same rows
// from its alerts' report fields.
async function reportsDue(ctx, alerts) {
  let rows;
  if (ctx.role === "risk_analyst") {
    rows = alerts.filter((a) => a.report === "large_value" && a.report_due)
      .map((a) => ({ alert: a.alert, transaction_time: a.time, amount: a.amount, currency: a.currency, report_due: a.report_due, status: a.overdue ? "overdue" : "due" }));
  } else {
    rows = (await api("GET", "/v1/risk/reports?kind=large_value")).rows.filter((r) => r.status !== "reported");
  }
  const cols = [
    { key: "alert", title: t("col.alert") },
    { key: "transaction_time", title: t("col.time"), render: (r) => localTime(r.transaction_time) },
    { key: "amount", title: t("col.amount"), class: () => "num", render: (r) => `${r.amount} ${r.currency}` },
    { key: "report_due", title: t("col.due"), render: (r) => h("time", { datetime: r.report_due, text: localTime(r.report_due) }) },
    { key: "status", title: t("col.status"), class: (r) => (r.status === "overdue" ? "warn" : undefined),
      render: (r) => (r.status === "overdue" ? `⚠ ${t("report.overdue")}` : t("report.due")) },
  ];
  return rows.length ? table(t("risk.reports"), cols, rows) : h("p", { text: t("risk.reports.none") });
}

// Open alerts (no closed case on them) with their explanations, cases with
// status and due date, and large-value reports due, in the caller's scope
// (the AML desk: its tenant; regulators and the central bank: all, read-only).
async function risk(ctx) {
  const limit = prefs.elder ? 10 : 50;
  const [alertDoc, caseDoc] = await Promise.all([api("GET", `/v1/risk/alerts?kind=alerts&limit=${limit}`), api("GET", "/v1/risk/cases")]);
  const closed = new Set(caseDoc.cases.filter((k) => k.status === "closed").map((k) => k.alert));
  const open = alertDoc.alerts.filter((a) => !closed.has(a.alert));
  const parts = [
    h("section", {}, h("h3", { text: t("risk.alerts") }), alertTable(t("risk.alerts"), open)),
    h("section", {}, h("h3", { text: t("risk.cases") }), caseTable(t("risk.cases"), caseDoc.cases)),
    await section(t("risk.reports"), () => reportsDue(ctx, alertDoc.alerts)),
  ];
  if (ctx.role !== "risk_analyst" && ctx.role !== "compliance_officer") parts.push(h("p", { class: "muted", text: t("risk.readonly") }));
  return h("div", {}, ...parts);
}

function defaultAccount(ctx) {
  if (ctx.role === "central_bank") return "1";
  if (ctx.role === "operator") return String(10 + Number(ctx.tenant || 1));
  return "100000";
}

// A page of a cursor-paged list: its query (fewer rows in elder mode) and
// its First / Next buttons, go(cursor) drawing the page a button names.
function pageQuery(cursor) {
  const q = new URLSearchParams({ limit: prefs.elder ? "5" : "10" });
  if (cursor) q.set("cursor", cursor);
  return q;
}

function pagerNav(cursor, next, go, id) {
  const nav = h("div", { class: "pager" });
  if (cursor) nav.append(h("button", { type: "button", id: id && `${id}-first`, text: t("history.first"), onclick: () => go(null) }));
  if (next) nav.append(h("button", { type: "button", id: id && `${id}-next`, text: t("history.next"), onclick: () => go(next) }));
  return nav;
}

// One account's transfers, newest first, paged by the API's cursor.
function history(ctx) {
  const out = h("div", { class: "result", "aria-live": "polite" });
  const input = h("input", { id: "history-account", name: "account", value: defaultAccount(ctx), inputmode: "numeric" });
  async function show(account, cursor) {
    const doc = await api("GET", `/v1/accounts/${encodeURIComponent(account)}/transfers?${pageQuery(cursor)}`);
    const incoming = (r) => r.credit_account_id === account;
    const cols = [
      { key: "timestamp_ns", title: t("col.time"), render: (r) => h("time", { datetime: rfc3339(r.timestamp_ns), text: rfc3339(r.timestamp_ns) }) },
      { key: "id", title: t("col.id") },
      { key: "dir", title: t("col.direction"), class: (r) => (incoming(r) ? "up" : "down"),
        render: (r) => (incoming(r) ? `▲ ${t("dir.in")}` : `▼ ${t("dir.out")}`) },
      { key: "amount", title: t("col.amount"), class: () => "num", render: (r) => `${r.amount} ${r.currency}` },
      { key: "other", title: t("col.counterparty"), render: (r) => (incoming(r) ? r.debit_account_id : r.credit_account_id) },
      { key: "status", title: t("col.status") },
    ];
    const nav = pagerNav(cursor, doc.next_cursor, (c) => run(account, c));
    out.replaceChildren(doc.transfers.length ? table(`${t("view.history")} ${account}`, cols, doc.transfers) : h("p", { text: t("history.none") }), nav);
  }
  function run(account, cursor) {
    show(account, cursor).catch((e) => out.replaceChildren(errorBox(e)));
  }
  const form = h("form", { class: "lookup" },
    h("div", { class: "field" }, h("label", { for: input.id, text: t("history.account") }), input),
    h("button", { type: "submit", text: t("history.show") }));
  form.addEventListener("submit", (ev) => { ev.preventDefault(); run(input.value.trim(), null); });
  run(input.value, null);
  return h("div", {}, form, out);
}

async function wallets() {
  const [form, out] = lookupForm("wallet", [{ name: "id", label: t("wallets.lookup"), value: "800001", numeric: true }], t("wallets.show"),
    async (v) => anyTable(`${t("view.wallets")} ${v.id}`, await api("GET", `/v1/wallets/${encodeURIComponent(v.id)}`)));
  return h("div", {}, await section(t("wallets.limits"), async () => anyTable(t("wallets.limits"), await api("GET", "/v1/currency/limits"))),
    h("section", {}, h("h3", { text: t("wallets.lookup") }), form, out));
}

async function contracts() {
  const [f1, o1] = lookupForm("contract", [{ name: "id", label: t("contracts.contract"), value: "841001", numeric: true }], t("show"),
    async (v) => anyTable(`${t("contracts.contract")} ${v.id}`, await api("GET", `/v1/contracts/${encodeURIComponent(v.id)}`)));
  const [f2, o2] = lookupForm("device", [{ name: "id", label: t("contracts.device"), value: "830001", numeric: true }], t("show"),
    async (v) => anyTable(`${t("contracts.device")} ${v.id}`, await api("GET", `/v1/devices/${encodeURIComponent(v.id)}`)));
  return h("div", {}, h("section", {}, h("h3", { text: t("contracts.contract") }), f1, o1), h("section", {}, h("h3", { text: t("contracts.device") }), f2, o2));
}

// Prometheus text -> {name: [{labels, value}]}.
function parseMetrics(text) {
  const out = {};
  for (const line of text.split("\n")) {
    const m = /^([a-z_]+)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    (out[m[1]] ||= []).push({ labels: m[2] || "", value: m[3] });
  }
  return out;
}

async function throughput() {
  const response = await fetch("/metrics", { cache: "no-store" });
  const m = parseMetrics(await response.text());
  const one = (k) => m[k]?.[0]?.value ?? "0";
  const count = Number(one("szfin_fsync_seconds_count"));
  const meanMs = count ? ((Number(one("szfin_fsync_seconds_sum")) / count) * 1000).toFixed(3) : "0";
  const buckets = (m.szfin_fsync_seconds_bucket || []).map((b) => ({ le: /le="([^"]+)"/.exec(b.labels)[1], cumulative: BigInt(b.value) }));
  const perBucket = buckets.map((b, i) => b.cumulative - (i ? buckets[i - 1].cumulative : 0n));
  const names = buckets.map((b) => (b.le === "+Inf" ? "+Inf" : String(Number(b.le) * 1000)));
  const figures = [
    { field: t("throughput.commands"), value: one("szfin_engine_commands_total") },
    { field: t("throughput.batches"), value: one("szfin_engine_batches_total") },
    { field: t("throughput.mean"), value: `${meanMs} ms` },
  ];
  const parts = [table(t("throughput.figures"), [{ key: "field", title: t("col.field") }, { key: "value", title: t("col.value") }], figures)];
  if (buckets.length) parts.push(barFigure(t("throughput.latency"), names, [{ name: t("col.count"), values: perBucket }], (v) => String(v)));
  parts.push(await section(t("throughput.large"), async () => anyTable(t("throughput.large"), await api("GET", "/v1/stats/CNY"))));
  return h("div", {}, ...parts);
}

// A fresh 128-bit command id as a decimal string (ids are chosen by the client).
function newId() {
  const words = crypto.getRandomValues(new Uint32Array(4));
  return words.reduce((acc, w) => (acc << 32n) | BigInt(w), 0n).toString();
}

const DEMO_USCC = "91440300MA5FC0DE2J"; // scripts/demo_data.py: uscc("91440300MA5FC0DE")

// A score decision: its figures, then its reason codes (most adverse first,
// as the server orders them), each with its text and points.
function decisionView(doc) {
  const { reasons, ...rest } = doc;
  const parts = [anyTable(t("credit.decision"), rest)];
  if (Array.isArray(reasons)) parts.push(reasons.length ? anyTable(t("credit.reasons"), reasons) : h("p", { text: t("credit.reasons.none") }));
  return h("div", {}, ...parts);
}

// What a query returned, in words: a score's grade and points, or the
// report's content hash (the log keeps the hash of what the query saw).
function returnedText(q) {
  const r = q.returned || {};
  if (r.grade) return t("query.returned.score", { grade: r.tech_grade ? `${r.grade} / ${r.tech_grade}` : r.grade, score: r.score ?? "—" });
  return t("query.returned.report", { hash: String(r.content_hash || "").slice(0, 12) });
}

// The query log across enterprises (GET /v1/credit/queries), newest first,
// paged by the API's cursor: a bank sees only its own tenant's queries, the
// central bank, regulator, auditor and admin every bank's. Returns the list's
// element and show(cursor), which (re)draws a page.
function queryLog(ctx) {
  const out = h("div", { class: "result", id: "credit-log", "aria-live": "polite" });
  const cols = [
    { key: "at", title: t("col.time"), render: (q) => h("time", { datetime: q.at, text: localTime(q.at) }) },
    { key: "enterprise", title: t("col.enterprise") },
    { key: "purpose", title: t("col.purpose"), render: (q) => t(`purpose.${q.purpose}`) },
    { key: "kind", title: t("col.query.kind"), render: (q) => t(`query.kind.${q.kind}`) },
    { key: "returned", title: t("col.returned"), render: returnedText },
  ];
  if (!prefs.elder) {
    cols.push({ key: "authorization_id", title: t("col.consent") }, { key: "id", title: t("col.query") });
    if (ctx.role !== "operator" && ctx.role !== "credit_analyst") cols.splice(1, 0, { key: "institution", title: t("col.institution") });
    else cols.push({ key: "user_token_id", title: t("col.user") });
  }
  async function show(cursor) {
    const doc = await api("GET", `/v1/credit/queries?${pageQuery(cursor)}`);
    const nav = pagerNav(cursor, doc.next_cursor, run, "credit-log");
    out.replaceChildren(doc.queries.length ? table(label("credit.log"), cols, doc.queries) : h("p", { text: t("credit.log.none") }),
      h("p", { class: "muted", text: t("credit.log.page", { count: doc.queries.length }) }), nav);
  }
  const run = (cursor) => show(cursor).catch((e) => out.replaceChildren(errorBox(e)));
  return { element: out, run };
}

// A bank's credit desk (operator or credit analyst): look an enterprise up,
// see the consents it gave this bank, draw a report or a score under one
// (each logged in the enterprise's query log), and page through the queries
// the bank made. Others see an enterprise's query log and every bank's.
async function credit(ctx) {
  const desk = ctx.role === "operator" || ctx.role === "credit_analyst";
  const log = ctx.role === "merchant" ? null : queryLog(ctx);
  const [form, out] = lookupForm("credit", [{ name: "uscc", label: t("credit.enterprise"), value: DEMO_USCC }], t("credit.show"), async (v) => {
    const code = encodeURIComponent(v.uscc);
    const parts = [anyTable(v.uscc, await api("GET", `/v1/credit/enterprises/${code}`))];
    parts.push(await section(t("credit.consents"), async () => anyTable(t("credit.consents"),
      await api("GET", `/v1/credit/enterprises/${code}/authorizations`))));
    if (!desk) {
      parts.push(await section(t("credit.queries"), async () => anyTable(t("credit.queries"),
        await api("GET", `/v1/credit/enterprises/${code}/queries`))));
      return h("div", {}, ...parts);
    }
    const result = h("div", { class: "result", "aria-live": "polite" });
    const ask = (what, render) => async () => {
      result.replaceChildren();
      try { result.append(render(await api("POST", `/v1/credit/enterprises/${code}/${what}`, { id: newId(), purpose: "loan_approval" }))); } catch (e) { result.append(errorBox(e)); }
      await log?.run(null); // the new query heads the bank's log
    };
    parts.push(h("section", {}, h("h3", { text: t("credit.ask") }), h("p", { class: "muted", text: t("credit.ask.help") }),
      h("div", { class: "pager" },
        h("button", { type: "button", id: "credit-report", text: t("credit.report"), onclick: ask("report", (d) => anyTable(t("credit.report"), d)) }),
        h("button", { type: "button", id: "credit-score", text: t("credit.score"), onclick: ask("score", decisionView) })),
      result));
    return h("div", {}, ...parts);
  });
  await log?.run(null);
  return h("div", {},
    h("section", {}, h("h3", { text: t("credit.enterprise") }), form, out),
    log ? h("section", {}, h("h3", { text: label("credit.log") }), h("p", { class: "muted", text: t(desk ? "credit.log.ours" : "credit.log.all") }), log.element) : null,
    await section(t("credit.models"), async () => anyTable(t("credit.models"), await api("GET", "/v1/credit/models"))),
    await section(t("credit.warnings"), async () => anyTable(t("credit.warnings"), await api("GET", "/v1/credit/warnings"))));
}

async function green(ctx) {
  const [f1, o1] = lookupForm("carbon", [{ name: "enterprise", label: t("green.enterprise"), value: "600001", numeric: true }, { name: "period", label: t("green.period"), value: "2023", numeric: true }],
    t("green.account"), async (v) => anyTable(`${v.enterprise} ${v.period}`,
      await api("GET", `/v1/green/accounts/${encodeURIComponent(v.enterprise)}/${encodeURIComponent(v.period)}`)));
  const [f2, o2] = lookupForm("book", [{ name: "bank", label: t("green.bank"), value: ctx.tenant && ctx.tenant !== "0" ? ctx.tenant : "1", numeric: true }],
    t("green.book"), async (v) => anyTable(t("green.book"), await api("GET", `/v1/green/books/${encodeURIComponent(v.bank)}/financed-emissions`)));
  const [f3, o3] = lookupForm("loan", [{ name: "id", label: t("green.loan"), value: "890030", numeric: true }],
    t("show"), async (v) => anyTable(t("green.loan"), (await api("GET", `/v1/green/loans/${encodeURIComponent(v.id)}`)).terms));
  const bank = ctx.tenant && ctx.tenant !== "0" ? ctx.tenant : "1";
  const banks = ["operator", "green_desk", "central_bank", "regulator", "auditor", "admin"].includes(ctx.role);
  return h("div", {},
    banks ? await section(t("green.policy"), async () => anyTable(t("green.policy"), await api("GET", `/v1/green/pricing/policies/${encodeURIComponent(bank)}`))) : null,
    banks ? await section(t("green.book"), async () => anyTable(`${t("green.book")} ${bank}`, await api("GET", `/v1/green/books/${encodeURIComponent(bank)}/financed-emissions`))) : null,
    await section(t("green.factors"), async () => anyTable(t("green.factors"), (await api("GET", "/v1/green/factors")).loaded)),
    h("section", {}, h("h3", { text: t("green.account") }), f1, o1),
    h("section", {}, h("h3", { text: t("green.loan") }), f3, o3),
    h("section", {}, h("h3", { text: t("green.book") }), f2, o2));
}

async function audit(ctx) {
  const out = h("div", { class: "result", "aria-live": "polite" });
  const note = h("p", { class: "muted", role: "status" });
  async function refresh() {
    const head = await api("GET", "/v1/audit/head");
    const rows = [
      { field: t("audit.sequence"), value: head.sequence },
      { field: t("audit.hash"), value: h("code", { class: "hash", text: head.head_hash }) },
      { field: t("audit.count"), value: head.verifications },
      { field: t("audit.last"), value: rfc3339(head.last_time_ns) },
      { field: t("audit.result"), value: head.last_time_ns === "0" ? t("audit.never") : head.last_ok ? t("audit.ok") : t("audit.bad") },
    ];
    out.replaceChildren(table(t("audit.head"), [{ key: "field", title: t("col.field") }, { key: "value", title: t("col.value"), render: (r) => r.value }], rows));
  }
  const verify = h("button", { type: "button", id: "audit-verify", text: t("audit.verify"), onclick: async () => {
    try {
      await api("POST", "/v1/audit/verify");
      note.textContent = t("audit.started");
      setTimeout(() => refresh().catch(() => {}), 1000);
    } catch (e) { note.replaceChildren(errorBox(e)); }
  } });
  const again = h("button", { type: "button", text: t("audit.refresh"), onclick: () => refresh().catch((e) => out.replaceChildren(errorBox(e))) });
  await refresh();
  const canVerify = ctx.role === "auditor" || ctx.role === "admin";
  return h("div", {}, out, h("div", { class: "pager" }, canVerify ? verify : null, again), note);
}

// Every view: its domain and renderer. Roles list their views with the most
// common tasks first (elder mode shows those first and folds the rest).
export const VIEWS = {
  overview: { domain: "platform", render: overview },
  activity: { domain: "platform", render: activity },
  history: { domain: "platform", render: history },
  supply: { domain: "currency", render: supply },
  wallets: { domain: "currency", render: wallets },
  contracts: { domain: "contract", render: contracts },
  throughput: { domain: "platform", render: throughput },
  credit: { domain: "credit", render: credit },
  green: { domain: "green", render: green },
  audit: { domain: "auth", render: audit },
  risk: { domain: "risk", render: risk },
};
export const ROLE_VIEWS = {
  central_bank: ["overview", "supply", "activity", "history", "throughput", "audit", "risk", "credit", "green"],
  operator: ["overview", "activity", "history", "wallets", "contracts", "credit", "green"],
  merchant: ["history", "overview", "wallets", "credit", "green"],
  regulator: ["overview", "throughput", "risk", "activity", "supply", "history", "credit", "green", "audit"],
  auditor: ["audit", "overview", "history", "throughput", "supply", "credit", "green"],
  admin: ["overview", "audit", "throughput", "supply", "history", "wallets", "contracts", "credit", "green"],
  credit_analyst: ["credit"],
  green_desk: ["green"],
  risk_analyst: ["risk"],
  compliance_officer: ["risk"],
};
export const ELDER_COMMON = 3;
export { label };
