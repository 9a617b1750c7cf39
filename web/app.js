// app.js — the dashboard shell: language and elder mode (remembered in
// localStorage; the token never is), login and logout through the session
// routes (the token is sent once and the page keeps only the HttpOnly cookie
// the server set, which JavaScript cannot read), and navigation built from
// GET /v1/views and the caller's role.
import { api, h, label, loadMessages, prefs, t } from "/web/ui.js";
import { ELDER_COMMON, ROLE_VIEWS, VIEWS } from "/web/views.js";

const $ = (id) => document.getElementById(id);
const ctx = { role: null, tenant: null, domains: [], reachable: [], view: null, live: null };

function defaultLang() {
  const saved = localStorage.getItem("szfin.lang");
  if (saved === "en" || saved === "zh-CN") return saved;
  return (navigator.languages || [navigator.language]).some((l) => /^zh/i.test(l)) ? "zh-CN" : "en";
}

function applyTexts() {
  document.title = t("title");
  $("app-title").textContent = t("title");
  $("tagline").textContent = t("tagline");
  $("skip").textContent = t("skip");
  $("lang-toggle").textContent = t("lang.switch");
  $("lang-toggle").setAttribute("aria-label", t("lang.switch.label"));
  $("lang-toggle").setAttribute("lang", prefs.lang === "en" ? "zh-CN" : "en");
  $("elder-toggle").textContent = t("elder");
  $("elder-toggle").setAttribute("aria-pressed", String(prefs.elder));
  $("logout").textContent = t("logout");
  $("login-title").textContent = t("login.title");
  $("login-help").textContent = t("login.help");
  $("token-label").textContent = t("login.token");
  $("login-submit").textContent = t("login.submit");
  $("link-docs").textContent = t("links");
  $("link-metrics").textContent = t("metrics");
  $("nav").setAttribute("aria-label", t("nav.label"));
  document.documentElement.classList.toggle("elder", prefs.elder);
  document.documentElement.classList.toggle("zh", prefs.lang === "zh-CN");
}

// The role's views whose domain this server has and the caller can reach
// (GET /v1/views: desk roles reach one domain each).
function views() {
  const reach = (d) => d === "platform" || ctx.reachable.includes(d);
  return (ROLE_VIEWS[ctx.role] || ["overview"]).filter((v) => ctx.domains.includes(VIEWS[v].domain) && reach(VIEWS[v].domain));
}

function navButton(name) {
  return h("a", { href: `#${name}`, "aria-current": ctx.view === name ? "page" : undefined, "data-view": name, text: label(`view.${name}`) });
}

function renderNav() {
  const list = views();
  const nav = $("nav");
  nav.replaceChildren();
  if (prefs.elder && list.length > ELDER_COMMON) {
    nav.append(h("div", { class: "common" }, list.slice(0, ELDER_COMMON).map(navButton)),
      h("details", {}, h("summary", { text: t("nav.more") }), list.slice(ELDER_COMMON).map(navButton)));
  } else {
    nav.append(h("div", { class: "common" }, list.map(navButton)));
  }
  nav.hidden = false;
}

function stopLive() {
  ctx.live?.close();
  ctx.live = null;
}

async function renderView() {
  stopLive();
  const list = views();
  const wanted = location.hash.slice(1);
  ctx.view = list.includes(wanted) ? wanted : list[0];
  renderNav();
  const el = $("view");
  el.hidden = false;
  delete el.dataset.ready;
  el.replaceChildren(h("h2", { id: "view-title", text: label(`view.${ctx.view}`) }));
  try {
    el.append(await VIEWS[ctx.view].render(ctx));
  } catch (e) {
    el.append(h("p", { class: "error", role: "status", text: e.status === 403 ? t("forbidden") : t("error", { detail: e.message }) }));
  }
  el.dataset.ready = ctx.view; // tests wait for this: a live view never lets the network go idle
}

function showLogin() {
  stopLive();
  ctx.role = null;
  $("login").hidden = false;
  $("view").hidden = true;
  $("nav").hidden = true;
  $("logout").hidden = true;
  $("whoami").textContent = "";
}

async function start() {
  try {
    const v = await api("GET", "/v1/views");
    const me = await api("GET", "/v1/whoami");
    ctx.role = v.role;
    ctx.domains = v.domains;
    ctx.reachable = v.reachable || v.domains;
    ctx.tenant = me.tenant_id;
  } catch (e) {
    if (e.status === 401) return showLogin();
    throw e;
  }
  $("login").hidden = true;
  $("logout").hidden = false;
  const who = t("logged.as", { role: t(`role.${ctx.role}`) }) + (ctx.tenant && ctx.tenant !== "0" ? ` · ${t("logged.tenant", { tenant: ctx.tenant })}` : "");
  $("whoami").textContent = who;
  await renderView();
}

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const input = $("token");
  const token = input.value.trim();
  input.value = ""; // the page keeps no copy of the token
  $("login-error").textContent = "";
  try {
    await api("POST", "/v1/session", { token });
    await start();
  } catch (e) {
    $("login-error").textContent = t("login.failed", { detail: e.message });
  }
});

$("logout").addEventListener("click", async () => {
  await api("DELETE", "/v1/session").catch(() => {});
  showLogin();
});

$("lang-toggle").addEventListener("click", async () => {
  const next = prefs.lang === "en" ? "zh-CN" : "en";
  localStorage.setItem("szfin.lang", next);
  await loadMessages(next);
  applyTexts();
  if (ctx.role) await renderView();
});

$("elder-toggle").addEventListener("click", async () => {
  prefs.elder = !prefs.elder;
  localStorage.setItem("szfin.elder", prefs.elder ? "1" : "0");
  applyTexts();
  if (ctx.role) await renderView();
});

window.addEventListener("hashchange", () => { if (ctx.role) renderView(); });

prefs.elder = localStorage.getItem("szfin.elder") === "1";
await loadMessages(defaultLang());
applyTexts();
await start();
