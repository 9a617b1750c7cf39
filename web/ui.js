// ui.js — the dashboard's shared pieces: messages, the API client, tables,
// charts (each with its table), times and money.
// Money stays the API's exact decimal string everywhere it is shown; a chart
// plots integer minor units parsed from the digits (never float arithmetic
// on money) and labels its axis with the exact string again.

export const prefs = {
  lang: "en",
  elder: false,
};
let messages = {};

export async function loadMessages(lang) {
  const response = await fetch(`/web/messages-${lang}.json`);
  messages = await response.json();
  prefs.lang = lang;
  document.documentElement.lang = lang;
}

// The message for key with {name} placeholders filled from vars.
export function t(key, vars = {}) {
  const text = messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));
}

// A label: the plain-language one in elder mode when the files have it.
export function label(key) {
  return prefs.elder && messages["elder." + key] ? messages["elder." + key] : t(key);
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
  }
}

// One API call with the session cookie. Changes carry the CSRF marker the
// server requires of cookie-authenticated requests (session.h).
export async function api(method, path, body) {
  const headers = { "X-Szfin-Request": "1" };
  const init = { method, headers, credentials: "same-origin", cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let doc = null;
  try { doc = text ? JSON.parse(text) : null; } catch { doc = text; }
  if (!response.ok) throw new ApiError(response.status, doc);
  return doc;
}

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c);
  return el;
}

// "1796216649126148351" (ns since 1970, a string) -> RFC 3339 in the
// browser's zone, e.g. 2026-12-02T21:04:09+08:00.
export function rfc3339(nsText) {
  if (nsText === undefined || nsText === null || nsText === "0") return t("audit.never");
  const ms = Number(BigInt(nsText) / 1000000n);
  const d = new Date(ms);
  const pad = (n, w = 2) => String(Math.abs(n)).padStart(w, "0");
  const offset = -d.getTimezoneOffset();
  const zone = offset === 0 ? "Z" : `${offset > 0 ? "+" : "-"}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

// "1234.5" -> 123450n minor units at exponent 2 (digits only, no floats).
export function minorUnits(decimal, exponent = 2) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(decimal));
  if (!m) return 0n;
  const fraction = (m[3] || "").padEnd(exponent, "0").slice(0, exponent);
  const v = BigInt(m[2] + fraction);
  return m[1] ? -v : v;
}

export function decimalOf(minor, exponent = 2) {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, "0");
  const text = exponent ? `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` : digits;
  return negative ? "-" + text : text;
}

function cell(key, value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  if (key.endsWith("_ns") && /^\d+$/.test(String(value))) return rfc3339(String(value));
  return String(value);
}

// A table of rows (objects) with the given columns [{key, title}].
export function table(caption, columns, rows) {
  // A region that may scroll sideways: focusable, so a keyboard can scroll it.
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    h("table", {},
      h("caption", { text: caption }),
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", text: c.title ?? c.key })))),
      h("tbody", {}, rows.map((r) => h("tr", {}, columns.map((c) => {
        const v = c.render ? c.render(r) : cell(c.key, r[c.key]);
        return h("td", { class: c.class?.(r) }, v);
      }))))));
}

// A table of any JSON value: an array of objects by its keys, an object as
// field/value pairs, an object holding one array as that array.
export function anyTable(caption, doc) {
  if (doc && !Array.isArray(doc) && typeof doc === "object") {
    const arrays = Object.entries(doc).filter(([, v]) => Array.isArray(v));
    if (arrays.length === 1 && Object.keys(doc).length <= 2) doc = arrays[0][1];
  }
  if (Array.isArray(doc)) {
    if (doc.length === 0) return h("p", { text: t("empty") });
    const keys = [...new Set(doc.flatMap((r) => (r && typeof r === "object" ? Object.keys(r) : ["value"])))];
    const rows = doc.map((r) => (r && typeof r === "object" ? r : { value: r }));
    return table(caption, keys.map((k) => ({ key: k })), rows);
  }
  const rows = Object.entries(doc || {}).map(([k, v]) => ({ field: k, value: cell(k, v) }));
  return table(caption, [{ key: "field", title: t("col.field") }, { key: "value", title: t("col.value") }], rows);
}

// A figure: an ECharts bar chart and, next to it, the same figures as a table.
// series: [{name, values: [minor units or counts]}], categories: x labels,
// format: value -> exact label text.
export function barFigure(title, categories, series, format = String, kind = "bar") {
  const chart = h("div", { class: "chart", role: "img", "aria-label": title });
  const columns = [{ key: "category", title: "" }, ...series.map((s, i) => ({ key: "s" + i, title: s.name }))];
  const rows = categories.map((c, j) => {
    const row = { category: c };
    series.forEach((s, i) => { row["s" + i] = s.values[j] === null ? "—" : format(s.values[j]); });
    return row;
  });
  const fig = h("figure", {}, h("figcaption", { text: title }), chart, table(t("table.of", { name: title }), columns, rows));
  whenConnected(chart, () => drawBars(chart, categories, series, format, kind));
  return fig;
}

// Run draw once el is in the document (views build their DOM before the
// shell attaches it); give up after about a second.
function whenConnected(el, draw, frames = 60) {
  if (el.isConnected) draw();
  else if (frames > 0) requestAnimationFrame(() => whenConnected(el, draw, frames - 1));
}

// A line figure (kind "line"): the same as barFigure, drawn as lines; a null
// value (a figure the server could not establish) is a gap, never a zero.
export function lineFigure(title, categories, series, format = String) {
  return barFigure(title, categories, series, format, "line");
}

// "2026-12-02T08:00:00Z" (a UTC RFC 3339 time from the API) -> RFC 3339 in
// the browser's zone; null -> "".
export function localTime(utcText) {
  if (!utcText) return "";
  const ms = Date.parse(utcText);
  return Number.isNaN(ms) ? String(utcText) : rfc3339(String(BigInt(ms) * 1000000n));
}

function drawBars(el, categories, series, format, kind = "bar") {
  if (typeof echarts === "undefined") return; // the table alone still says it all
  const font = prefs.elder ? 22 : 13;
  const chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: !prefs.elder && !matchMedia("(prefers-reduced-motion: reduce)").matches,
    textStyle: { fontSize: font },
    aria: { enabled: true },
    color: ["#0b4f8a", "#6b3fa0", "#7a4b00", "#1f5f3f"],
    tooltip: { show: !prefs.elder, valueFormatter: (v) => format(BigInt(Math.round(v))) },
    legend: { top: 0, textStyle: { fontSize: font } },
    grid: { top: prefs.elder ? 60 : 40, left: prefs.elder ? 160 : 100, right: 20, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: categories, axisLabel: { fontSize: font } },
    yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: font, formatter: (v) => format(BigInt(Math.round(v))) } },
    series: series.map((s) => ({ name: s.name, type: kind, data: s.values.map((v) => (v === null ? null : Number(v))) })),
  });
}
