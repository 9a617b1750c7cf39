// harness.mjs — the browser tests' real parts: a `szfin serve` on an
// ephemeral loopback port with a fresh data directory loaded with the demo
// data (scripts/demo_data.py through the API), and Debian's chromium driven
// by playwright-core with a fresh profile. Nothing is mocked.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = process.env.SZFIN_BIN || join(ROOT, "build/release/szfin");
export const SHOTS = join(ROOT, "build/test-artifacts/screenshots");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), "szfin-browser-"));
  const data = join(dir, "data");
  const portFile = join(dir, "port");
  const proc = spawn(BIN, ["serve", "--data-dir", data, "--listen", "127.0.0.1:0", "--port-file", portFile,
    "--web-dir", join(ROOT, "web")], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  proc.stderr.on("data", (d) => { log += d; });
  for (let i = 0; i < 400; i++) {
    if (existsSync(portFile) && readFileSync(portFile, "utf8").trim()) break;
    if (proc.exitCode !== null) throw new Error("szfin serve exited: " + log);
    await sleep(25);
  }
  const port = Number(readFileSync(portFile, "utf8").trim());
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400; i++) {
    try { if ((await fetch(url + "/readyz")).ok) break; } catch { /* not yet */ }
    await sleep(25);
  }
  execFileSync("python3", [join(ROOT, "scripts/demo_data.py"), url, data], { env: { ...process.env, SZFIN_BIN: BIN }, stdio: "pipe" });
  const token = (name) => readFileSync(join(data, "demo", name + ".token"), "utf8").trim();
  return {
    url, data, token,
    admin: readFileSync(join(data, "admin.token"), "utf8").trim(),
    async stop() {
      proc.kill("SIGTERM");
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Chromium as root: no sandbox, no GPU, no background traffic, a fresh profile.
export async function startBrowser(locale = "en-US") {
  const profile = mkdtempSync(join(tmpdir(), "szfin-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run"],
    viewport: { width: 1280, height: 900 },
    locale,
  });
  return {
    context,
    async stop() { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

export function shotPath(name) {
  mkdirSync(SHOTS, { recursive: true });
  return join(SHOTS, name + ".png");
}

// axe-core with the WCAG 2.x A/AA tags; returns the violations. enhanced:
// also the 7:1 contrast rule (WCAG 1.4.6), which elder mode promises.
export async function axe(page, enhanced = false) {
  const source = readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: source });
  return page.evaluate(async (enhancedContrast) => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
      rules: enhancedContrast ? { "color-contrast-enhanced": { enabled: true } } : {},
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")), summary: v.nodes[0]?.failureSummary }));
  }, enhanced);
}
