// dashboard.test.mjs — the dashboard in headless chromium against a real
// `szfin serve` loaded with the demo data: login and logout, each role's
// pages, the language switch, elder mode, and axe-core (WCAG 2.x A/AA) on
// every page in both modes and both languages. Expected values come from
// the demo script's inputs (scripts/demo_data.py: each operator is issued
// 2000000.00 CNY; the names of the three operators) and from the WCAG / MIIT
// numbers (24 px text, 1.5 line height, 48 px targets), not from our output.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { axe, ROOT, shotPath, startBrowser, startServer } from "./harness.mjs";

let server;
let browser;
const axeCounts = {};

before(async () => {
  server = await startServer();
  browser = await startBrowser("en-US");
});
after(async () => {
  writeFileSync(join(ROOT, "build/test-artifacts/axe-counts.json"), JSON.stringify(axeCounts, null, 2) + "\n");
  await browser?.stop();
  await server?.stop();
});

async function login(page, name) {
  // A test that failed before its logout leaves a session: start from none.
  await browser.context.clearCookies();
  await page.goto(server.url + "/");
  await page.waitForSelector("#token");
  await page.fill("#token", server.token(name));
  await page.click("#login-submit");
  await page.waitForSelector("#view-title");
}

async function logout(page) {
  await page.click("#logout");
  await page.waitForSelector("#login:not([hidden])");
}

async function setPrefs(page, lang, elder) {
  await page.evaluate(([l, e]) => { localStorage.setItem("szfin.lang", l); localStorage.setItem("szfin.elder", e ? "1" : "0"); }, [lang, elder]);
}

// A live view (the overview outside elder mode) keeps its event stream
// open, so the network never goes idle there: wait for the shell's mark.
async function openView(page, view) {
  const target = `${server.url}/#${view}`;
  if (page.url() === target) await page.reload(); // the same hash alone would not render again
  else await page.goto(target);
  await page.waitForSelector(`#view[data-ready="${view}"]`);
  const live = view === "overview" && !(await page.evaluate(() => document.documentElement.classList.contains("elder")));
  if (!live) await page.waitForLoadState("networkidle");
}

// A transfer through the API with a demo token (not through the page).
async function transfer(name, body) {
  const r = await fetch(server.url + "/v1/transfers", {
    method: "POST", headers: { Authorization: "Bearer " + server.token(name), "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 201, await r.text());
}


async function navViews(page) {
  return page.$$eval("#nav a[data-view]", (as) => as.map((a) => a.dataset.view));
}

test("a wrong token is refused with a message and no session", async () => {
  const page = await browser.context.newPage();
  await page.goto(server.url + "/");
  await page.fill("#token", "szfin_" + "0".repeat(64));
  await page.click("#login-submit");
  await page.waitForFunction(() => document.getElementById("login-error").textContent.length > 0);
  assert.equal(await page.isVisible("#view"), false);
  assert.equal((await browser.context.cookies()).filter((c) => c.name === "szfin_session").length, 0);
  await page.close();
});

test("login sets an HttpOnly SameSite=Strict cookie, the page keeps no token, logout ends the session", async () => {
  const page = await browser.context.newPage();
  await login(page, "central-bank");
  assert.match(await page.textContent("#whoami"), /central bank/);
  const cookie = (await browser.context.cookies()).find((c) => c.name === "szfin_session");
  assert.ok(cookie, "session cookie set");
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, "Strict");
  assert.ok(cookie.expires > Date.now() / 1000, "the cookie has an expiry");
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
  assert.equal(stored.includes(server.token("central-bank")), false, "the raw token is stored nowhere");
  assert.equal(stored.includes("szfin_session"), false, "JavaScript cannot read the cookie");
  assert.equal(await page.inputValue("#token"), "");
  await logout(page);
  const after = await fetch(server.url + "/v1/views", { headers: { Cookie: `szfin_session=${cookie.value}` } });
  assert.equal(after.status, 401, "the old cookie is refused after logout");
  await page.close();
});

test("a cookie-authenticated change without the CSRF marker is refused", async () => {
  const page = await browser.context.newPage();
  await login(page, "auditor");
  const status = await page.evaluate(async () => (await fetch("/v1/audit/verify", { method: "POST" })).status);
  assert.equal(status, 403);
  const marked = await page.evaluate(async () => (await fetch("/v1/audit/verify", { method: "POST", headers: { "X-Szfin-Request": "1" } })).status);
  assert.ok(marked === 202 || marked === 409, `marked request accepted (${marked})`);
  await logout(page);
  await page.close();
});

test("central bank: supply per operator from the demo's issuance, as chart and table", async () => {
  const page = await browser.context.newPage();
  await login(page, "central-bank");
  assert.deepEqual((await navViews(page)).slice(0, 2), ["overview", "supply"]);
  await openView(page, "supply");
  const text = await page.textContent("#view");
  for (const name of ["Pengcheng Bank", "Qianhai Digital Bank", "Nanshan Payments"]) assert.ok(text.includes(name), name);
  assert.ok(text.includes("2000000.00"), "the exact decimal string of the issuance");
  assert.ok(await page.$("#view figure .chart svg"), "the chart is drawn");
  assert.ok(await page.$("#view figure table"), "the chart has its table");
  await logout(page);
  await page.close();
});

// Expected from the demo script's inputs: the data directory is fresh, and
// each of the three operators is issued 2,000,000.00 once and redeems
// nothing, so over the last 24 hours each operator's supply is 0.00 at the
// first hour's end (before the demo ran) and 2,000,000.00 at the last, and
// the issued column sums to 2,000,000.00 with nothing redeemed.
async function figureColumn(page, captionPart, column) {
  return page.$$eval("#view figure table", (tables, [c, col]) => {
    const tb = tables.find((x) => x.querySelector("caption").textContent.includes(c));
    const index = [...tb.querySelectorAll("thead th")].findIndex((th) => th.textContent === col);
    return [...tb.querySelectorAll("tbody tr")].map((r) => r.cells[index].textContent);
  }, [captionPart, column]);
}

for (const lang of ["en", "zh-CN"]) {
  test(`central bank: supply per operator over time, ${lang}, from /v1/currency/supply-series`, async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url + "/");
    await setPrefs(page, lang, false);
    await login(page, "central-bank");
    await openView(page, "supply");
    const caption = lang === "en" ? "Supply per operator over time" : "各运营机构发行量走势";
    const issuedCaption = lang === "en" ? "Issued per step" : "每段时间发行";
    for (const name of ["Pengcheng Bank", "Qianhai Digital Bank", "Nanshan Payments"]) {
      const supply = await figureColumn(page, caption, name);
      assert.equal(supply.length, 24, "24 hourly steps");
      assert.equal(supply[0], "0.00", `${name}: nothing issued 24 hours ago`);
      assert.equal(supply[23], "2000000.00", `${name}: the demo's issuance, as an exact decimal`);
      const issued = await figureColumn(page, issuedCaption, name);
      assert.deepEqual(issued.filter((v) => v !== "0.00"), ["2000000.00"], `${name}: one issuance of 2000000.00`);
    }
    assert.equal(await page.$$eval("#view figure .chart svg", (x) => x.length), 3, "supply, issued and redeemed charts drawn");
    await page.screenshot({ path: shotPath(`central-bank-supply-series-${lang}-normal`), fullPage: true });
    for (const v of await axe(page)) assert.fail(`axe: ${v.id} ${JSON.stringify(v.targets)}`);
    await page.click("#elder-toggle");
    await page.waitForSelector('#view[data-ready="supply"] figure');
    assert.equal(await page.$$eval("#view figure .chart svg", (x) => x.length), 1, "elder mode: the supply chart alone");
    assert.equal((await figureColumn(page, caption, "Nanshan Payments"))[23], "2000000.00");
    await page.screenshot({ path: shotPath(`central-bank-supply-series-${lang}-elder`), fullPage: true });
    for (const v of await axe(page, true)) assert.fail(`axe (elder): ${v.id} ${JSON.stringify(v.targets)}`);
    await page.click("#elder-toggle");
    await logout(page);
    await page.close();
  });
}

// An API read with a demo token (the expected texts come from the API, not the page).
async function apiGet(name, path) {
  const r = await fetch(server.url + path, { headers: { Authorization: "Bearer " + server.token(name) } });
  const body = await r.text();
  assert.equal(r.status, 200, body);
  return JSON.parse(body);
}

// Expected from the demo script: bank 1's structuring run raised alerts,
// case 950001 was opened on one and escalated, and the 2,000,000.00 transfer
// (300003 -> 300004) is a large-value report due within 5 working days.
for (const [role, lang] of [["risk-analyst-1", "en"], ["compliance-officer-1", "zh-CN"], ["regulator", "en"]]) {
  test(`${role}: the risk view in ${lang}: open alerts with explanations, cases, large-value reports due`, async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url + "/");
    await setPrefs(page, lang, false);
    await login(page, role);
    if (role !== "regulator") assert.deepEqual(await navViews(page), ["risk"]);
    await openView(page, "risk");
    const text = await page.textContent("#view");
    const alerts = (await apiGet(role, "/v1/risk/alerts?kind=alerts&limit=50")).alerts;
    assert.ok(alerts.length > 0, "the demo's alerts are visible to this role");
    const key = lang === "zh-CN" ? "zh" : "en";
    assert.ok(text.includes(alerts[0].explanation[key]), `the newest alert's ${key} explanation is shown`);
    const cases = await page.$$eval("#view table", (tables) => tables.map((x) => x.querySelector("caption").textContent));
    assert.ok(cases.length >= 3, `alerts, cases and reports tables (${cases})`);
    assert.ok(text.includes("950001"), "case 950001 is listed");
    assert.ok(text.includes(lang === "zh-CN" ? "已升级" : "escalated"), "with its status");
    assert.ok(text.includes("2000000.00 CNY"), "the large-value report due");
    assert.equal(text.includes(lang === "zh-CN" ? "只读" : "Read only"), role === "regulator", "read-only note for oversight");
    await page.screenshot({ path: shotPath(`${role}-risk-detail-${lang}-normal`), fullPage: true });
    for (const v of await axe(page)) assert.fail(`axe: ${v.id} ${JSON.stringify(v.targets)}`);
    await logout(page);
    await page.close();
  });
}

test("operator: its reserve account's history pages by cursor, times in RFC 3339", async () => {
  const page = await browser.context.newPage();
  await login(page, "operator-1");
  await openView(page, "history");
  await page.waitForSelector("#view table");
  const first = await page.$$eval("#view tbody tr", (rows) => rows.map((r) => r.cells[1].textContent));
  assert.equal(first.length, 10);
  const time = await page.textContent("#view tbody tr td time");
  assert.match(time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/);
  await page.click("text=Next page");
  await page.waitForFunction((old) => document.querySelector("#view tbody tr td:nth-child(2)")?.textContent !== old, first[0]);
  const second = await page.$$eval("#view tbody tr", (rows) => rows.map((r) => r.cells[1].textContent));
  assert.equal(second.filter((id) => first.includes(id)).length, 0, "the next page has other transfers");
  await logout(page);
  await page.close();
});

// Expected: the test's own transfer adds one payment, and its 2,500.00
// payment from class-4 wallet 800004 (demo limit 2,000.00 per payment) one
// limit breach, to the figures' tables.
test("operator: payments and limit breaches per minute, as charts with tables", async () => {
  const page = await browser.context.newPage();
  await login(page, "operator-1");
  const total = async (caption) => page.$$eval("#view figure table", (tables, c) => {
    const tb = tables.find((x) => x.querySelector("caption").textContent.includes(c));
    return [...tb.querySelectorAll("tbody tr")].reduce((a, r) => a + Number(r.cells[1].textContent), 0);
  }, caption);
  await openView(page, "activity");
  assert.equal(await page.$$eval("#view figure .chart svg", (x) => x.length), 3, "three charts drawn");
  const before = [await total("Payments per minute"), await total("Limit breaches")];
  await transfer("operator-1", { id: "990301", debit_account_id: "11", credit_account_id: "870001", amount: "1.00", currency: "CNY" });
  const r = await fetch(server.url + "/v1/wallets/800004/payments", { method: "POST",
    headers: { Authorization: "Bearer " + server.token("operator-1"), "Content-Type": "application/json" },
    body: JSON.stringify({ id: "990302", payee_id: "800003", amount: "2500.00" }) });
  assert.equal((await r.json()).code, "per_payment_limit_exceeded");
  await openView(page, "activity");
  assert.deepEqual([await total("Payments per minute"), await total("Limit breaches")], [before[0] + 1, before[1] + 1]);
  await logout(page);
  await page.close();
});

// Expected values from the demo script's inputs: merchant 200002's enterprise
// (91440300MA5FC0DE2J) consented to bank 1 for loan approval and was filed
// twelve months of tax, and a model is active; bank 1's policy has base score 60 and a 15 bp cap;
// its PCAF position is 10m of 40m + 60m on 5,000 t: 10/100 x 5,000 = 500.00 t.
test("credit analyst: only the credit view; consents, a report under the consent, a score answer", async () => {
  const page = await browser.context.newPage();
  await login(page, "credit-analyst-1");
  assert.deepEqual(await navViews(page), ["credit"]);
  await openView(page, "credit");
  await page.click("#view form.lookup button[type=submit]");
  await page.waitForSelector("#credit-report");
  const consents = await page.textContent("#view");
  assert.ok(consents.includes("loan_approval"), "the consent's purpose is shown");
  await page.click("#credit-report");
  await page.waitForFunction(() => [...document.querySelectorAll("#view caption")].some((c) => c.textContent === "Credit report"));
  const report = await page.$$eval("#view td", (tds) => tds.map((td) => td.textContent));
  assert.ok(report.includes("tax"), "the report has its tax section");
  await page.screenshot({ path: shotPath("credit-analyst-1-credit-report-en-normal"), fullPage: true });
  // The demo activates a model trained on the shipped tech-enterprise set: the
  // score answers with its decision and reason codes (or says it has none).
  await page.click("#credit-score");
  await page.waitForFunction(() => [...document.querySelectorAll("#view caption")].some((c) => c.textContent === "Score decision"));
  const decision = await page.textContent("#view");
  assert.ok(/Reason codes|No reason codes\./.test(decision), "the decision shows its reason codes");
  for (const v of await axe(page)) assert.fail(`axe: ${v.id}`);
  await logout(page);
  await page.close();
});

// The query log: the demo's bank 1 drew a score on each enterprise
// (891901, 891911, operator-1) and a report on the first (891990, its credit
// analyst); this test adds ten reports 990401..990410 by the analyst under
// the same consent. Newest first by ten: page 1 is 990410 down to 990401,
// the last page ends with the demo's 891990, 891911, 891901. Bank 2 made none.
async function report(name, id) {
  const r = await fetch(`${server.url}/v1/credit/enterprises/${DEMO_USCC}/report`, {
    method: "POST", headers: { Authorization: "Bearer " + server.token(name), "Content-Type": "application/json" },
    body: JSON.stringify({ id, purpose: "loan_approval" }),
  });
  assert.equal(r.status, 201, await r.text());
}
const DEMO_USCC = "91440300MA5FC0DE2J"; // scripts/demo_data.py: uscc("91440300MA5FC0DE"), GB 32100 check characters
const logColumn = (page, n) => page.$$eval(`#credit-log tbody tr td:nth-child(${n})`, (tds) => tds.map((td) => td.textContent));
const logHeads = (page) => page.$$eval("#credit-log thead th", (ths) => ths.map((th) => th.textContent));

test("credit analyst: the bank's query log, paged by cursor, in both languages and elder mode", async () => {
  for (let k = 1; k <= 10; k++) await report("credit-analyst-1", String(990400 + k));
  const page = await browser.context.newPage();
  await page.goto(server.url + "/");
  await setPrefs(page, "en", false);
  await login(page, "credit-analyst-1");
  await openView(page, "credit");
  await page.waitForSelector("#credit-log table");
  const heads = await logHeads(page);
  assert.deepEqual(heads, ["time", "enterprise", "purpose", "product", "what was returned", "consent", "query", "user token"]);
  assert.deepEqual(await logColumn(page, 7), ["990410", "990409", "990408", "990407", "990406", "990405", "990404", "990403", "990402", "990401"],
    "page 1: the ten newest, newest first");
  assert.ok((await logColumn(page, 2)).every((e) => e === DEMO_USCC), "all on the demo enterprise");
  assert.ok((await logColumn(page, 3)).every((p) => p === "loan approval"), "the purpose in words");
  const times = await page.$$eval("#credit-log tbody time", (ts) => ts.map((x) => [x.getAttribute("datetime"), x.textContent]));
  assert.ok(times.every(([utc, local]) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/.test(utc) &&
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/.test(local) && Date.parse(utc) - Date.parse(local) < 1000),
    `times in RFC 3339, shown in the browser's zone: ${JSON.stringify(times[0])}`);
  await page.screenshot({ path: shotPath("credit-analyst-1-credit-log-en-normal"), fullPage: true });
  for (const v of await axe(page)) assert.fail(`axe: ${v.id} ${JSON.stringify(v.targets)}`);
  // Through the pages to the last: it ends with the demo's three queries.
  let last = [];
  for (let guard = 0; guard < 10 && (await page.$("#credit-log-next")); guard++) {
    await page.click("#credit-log-next");
    await page.waitForSelector("#credit-log-first");
    last = await logColumn(page, 7);
  }
  assert.deepEqual(last.slice(-3), ["891990", "891911", "891901"], "the last page ends with the demo's queries, oldest last");
  const kinds = (await logColumn(page, 4)).slice(-3);
  assert.deepEqual(kinds, ["credit report", "score", "score"], "the product of each");
  assert.ok((await logColumn(page, 5)).slice(-1)[0].startsWith("grade "), "a score's grade is what was returned");
  assert.ok(!(await logColumn(page, 7)).includes("990410"), "page 2 holds none of page 1's rows");
  await page.click("#credit-log-first");
  await page.waitForFunction(() => !document.getElementById("credit-log-first"));
  assert.equal((await logColumn(page, 7))[0], "990410", "back to the first page");
  // zh-CN, elder mode: five a page, fewer columns, plain labels.
  await setPrefs(page, "zh-CN", true);
  await openView(page, "credit");
  await page.waitForSelector("#credit-log table");
  assert.deepEqual(await logHeads(page), ["时间", "企业", "用途", "产品", "返回内容"]);
  assert.equal((await logColumn(page, 3)).length, 5, "elder mode: five rows a page");
  assert.ok((await logColumn(page, 3)).every((p) => p === "贷款审批"));
  assert.ok(await page.$eval("#view", (v) => v.textContent.includes("我们查过谁")), "the plain-language heading");
  await page.screenshot({ path: shotPath("credit-analyst-1-credit-log-zh-CN-elder"), fullPage: true });
  for (const v of await axe(page, true)) assert.fail(`axe (elder): ${v.id} ${JSON.stringify(v.targets)}`);
  await setPrefs(page, "en", false);
  await logout(page);
  // Bank 2 sees none of bank 1's queries.
  await login(page, "operator-2");
  await openView(page, "credit");
  await page.waitForSelector("#credit-log p");
  assert.ok(await page.$eval("#credit-log", (e) => e.textContent.includes("No queries yet.")), "bank 2: an empty log");
  assert.equal(await page.$("#credit-log table"), null);
  await logout(page);
  await page.close();
});

test("green desk: only the green view; its bank's pricing policy and financed emissions", async () => {
  const page = await browser.context.newPage();
  await login(page, "green-desk-1");
  assert.deepEqual(await navViews(page), ["green"]);
  await openView(page, "green");
  const cells = await page.$$eval("#view td", (tds) => tds.map((td) => td.textContent.trim()));
  assert.ok(cells.includes("500.00"), "financed emissions 500.00 t");
  assert.ok(cells.includes("60") && cells.includes("15.00"), "the policy's base score 60 and 15 bp cap");
  await logout(page);
  await page.close();
});

// Expected: one more transfer record than the card showed before (the
// transfer is made here), arriving without a reload; in elder mode the
// figure stays put until the refresh button is pressed.
test("overview: live figures from /v1/events; elder mode waits for the refresh button", async () => {
  const page = await browser.context.newPage();
  await login(page, "operator-1");
  await openView(page, "overview");
  const figure = () => page.textContent('[data-figure="overview.transfers"]');
  const before = Number(await figure());
  await page.waitForFunction(() => /Live/.test(document.getElementById("overview-live")?.textContent || ""));
  await transfer("operator-1", { id: "990001", debit_account_id: "11", credit_account_id: "870001", amount: "1.00", currency: "CNY" });
  await page.waitForFunction((n) => document.querySelector('[data-figure="overview.transfers"]')?.textContent === String(n),
    before + 1, { timeout: 15000 });
  assert.match(await page.textContent("#overview-live"), /last change committed at \d{4}-\d{2}-\d{2}T/);
  await page.screenshot({ path: shotPath("operator-1-overview-live-en-normal"), fullPage: true });
  await page.click("#elder-toggle");
  await page.waitForSelector('#view[data-ready="overview"] #overview-refresh');
  const still = Number(await figure());
  await transfer("operator-1", { id: "990002", debit_account_id: "11", credit_account_id: "870001", amount: "1.00", currency: "CNY" });
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(Number(await figure()), still, "elder mode: no figure changes by itself");
  await page.click("#overview-refresh");
  await page.waitForFunction((n) => document.querySelector('[data-figure="overview.transfers"]')?.textContent === String(n), still + 1);
  await page.click("#elder-toggle");
  await logout(page);
  await page.close();
});

test("regulator: throughput and commit latency from /metrics; auditor: verification runs", async () => {
  const page = await browser.context.newPage();
  await login(page, "regulator");
  await openView(page, "throughput");
  assert.ok((await page.textContent("#view")).includes("mean commit latency"));
  await logout(page);
  await login(page, "auditor");
  await openView(page, "audit");
  assert.match(await page.textContent("#view code.hash"), /^[0-9a-f]{64}$/);
  await page.click("#audit-verify");
  await page.waitForFunction(() => /intact|damage/.test(document.getElementById("view").textContent), null, { timeout: 15000 });
  assert.ok((await page.textContent("#view")).includes("✔ intact"));
  await logout(page);
  await page.close();
});

test("language: default from the browser, switch, remembered; red is up in zh-CN", async () => {
  const zh = await startBrowser("zh-CN");
  try {
    const page = await zh.context.newPage();
    await page.goto(server.url + "/");
    await page.waitForSelector("#login-title");
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    assert.equal(await page.textContent("#login-title"), "登录");
    await page.fill("#token", server.token("operator-1"));
    await page.click("#login-submit");
    await openView(page, "history");
    const color = (sel) => page.$eval(sel, (el) => getComputedStyle(el).color.match(/\d+/g).map(Number));
    const showWallet = async () => { // wallet 100000 is topped up by its bank in the demo: money in
      await page.fill("#history-account", "100000");
      await page.click("#view form button");
      await page.waitForSelector("#view td.up");
    };
    await showWallet();
    const [r, g] = await color("#view td.up");
    assert.ok(r > g, `up is red in zh-CN (rgb ${r},${g})`);
    assert.match(await page.textContent("#view td.up"), /▲/, "and carries an arrow, not colour alone");
    await page.click("#lang-toggle");
    await page.waitForFunction(() => document.documentElement.lang === "en");
    assert.equal(await page.textContent("#login-title"), "Log in");
    await showWallet();
    const [r2, g2] = await color("#view td.up");
    assert.ok(g2 > r2, `up is green in en (rgb ${r2},${g2})`);
    await page.reload();
    await page.waitForSelector("#view-title");
    assert.equal(await page.getAttribute("html", "lang"), "en", "the choice is remembered");
    await page.click("#lang-toggle");
    await page.waitForFunction(() => document.documentElement.lang === "zh-CN");
    await page.click("#logout");
  } finally {
    await zh.stop();
  }
});

test("elder mode: aria-pressed, 24 px text, line height 1.5, 48 px targets, remembered, and off again", async () => {
  const page = await browser.context.newPage();
  await login(page, "operator-1");
  await setPrefs(page, "en", false);
  await page.reload();
  await page.waitForSelector("#view-title");
  assert.equal(await page.getAttribute("#elder-toggle", "aria-pressed"), "false");
  await page.click("#elder-toggle");
  assert.equal(await page.getAttribute("#elder-toggle", "aria-pressed"), "true");
  await page.reload();
  await page.waitForSelector("#view-title");
  assert.equal(await page.getAttribute("#elder-toggle", "aria-pressed"), "true", "remembered");
  const m = await page.evaluate(() => {
    const s = getComputedStyle(document.body);
    const heights = [...document.querySelectorAll("button:not([hidden]), #nav a, #nav summary, input")]
      .filter((e) => e.offsetParent !== null).map((e) => e.getBoundingClientRect().height);
    return { font: parseFloat(s.fontSize), line: parseFloat(s.lineHeight), minTarget: Math.min(...heights) };
  });
  assert.ok(m.font >= 24, `body text ${m.font}px`);
  assert.ok(m.line / m.font >= 1.5, `line height ${m.line / m.font}`);
  assert.ok(m.minTarget >= 48, `smallest target ${m.minTarget}px`);
  assert.equal(await page.textContent('#nav a[data-view="history"]'), "My payments", "plain-language labels");
  await page.click("#elder-toggle");
  assert.equal(await page.getAttribute("#elder-toggle", "aria-pressed"), "false");
  assert.equal(await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize)), 16);
  await logout(page);
  await page.close();
});

// Every role's pages in both languages and both modes: a screenshot each and
// zero axe-core violations (in elder mode also of the 7:1 contrast rule).
const ROLES = ["central-bank", "operator-1", "merchant-200001", "regulator", "auditor", "credit-analyst-1", "green-desk-1",
  "risk-analyst-1", "compliance-officer-1"];
for (const lang of ["en", "zh-CN"]) {
  for (const elder of [false, true]) {
    const mode = elder ? "elder" : "normal";
    test(`every role's pages, ${lang} ${mode}: screenshots and zero axe-core violations`, async () => {
      const page = await browser.context.newPage();
      const found = [];
      let pages = 0;
      await page.goto(server.url + "/");
      await setPrefs(page, lang, elder);
      await page.reload();
      await page.waitForSelector("#login:not([hidden])");
      await page.screenshot({ path: shotPath(`login-${lang}-${mode}`), fullPage: true });
      for (const v of await axe(page, elder)) found.push({ page: "login", ...v });
      for (const role of ROLES) {
        await login(page, role);
        for (const view of await navViews(page)) {
          await openView(page, view);
          await page.screenshot({ path: shotPath(`${role}-${view}-${lang}-${mode}`), fullPage: true });
          for (const v of await axe(page, elder)) found.push({ page: `${role}/${view}`, ...v });
          pages++;
        }
        await logout(page);
      }
      axeCounts[`${lang} ${mode}`] = { pages: pages + 1, violations: found.length };
      console.log(`# axe ${lang} ${mode}: ${pages + 1} pages, ${found.length} violations`);
      assert.deepEqual(found, []);
      await page.close();
    });
  }
}
