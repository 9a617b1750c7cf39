// app.js — live figures on the front page from GET /v1/status (public,
// aggregate only), refreshed every second; throughput is the difference of
// the engine's applied-command counter between two samples.
const fmt = new Intl.NumberFormat("en-US");
let last = null;

function show(id, value) {
  document.getElementById(id).textContent = value;
}

async function refresh() {
  try {
    const response = await fetch("/v1/status", { cache: "no-store" });
    const s = await response.json();
    show("accounts", fmt.format(s.accounts));
    show("transfers", fmt.format(s.transfers));
    show("pending", fmt.format(s.pending));
    const now = performance.now();
    if (last) {
      const rate = (s.commands - last.commands) / ((now - last.at) / 1000);
      show("throughput", fmt.format(Math.max(0, Math.round(rate))));
    }
    last = { commands: s.commands, at: now };
    show("state", `up ${Math.round(s.uptime_s)} s · batch ${fmt.format(s.sequence)} · ${s.storage} · ${s.ready ? "ready" : "not ready"}`);
  } catch (e) {
    show("state", "server unreachable: " + e.message);
  }
}

refresh();
setInterval(refresh, 1000);
