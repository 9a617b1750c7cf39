// docs.test.mjs — /docs renders docs/openapi.yaml with swagger-ui: every
// operation of the file (counted from the file itself) shows on the page.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, shotPath, startBrowser, startServer } from "./harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await startBrowser(); });
after(async () => { await browser?.stop(); await server?.stop(); });

test("/docs shows every operation of docs/openapi.yaml", async () => {
  const ids = [...readFileSync(join(ROOT, "docs/openapi.yaml"), "utf8").matchAll(/^\s+operationId:\s*(\S+)/gm)].map((m) => m[1]);
  assert.ok(ids.length > 50, "the file lists its operations");
  const page = await browser.context.newPage();
  await page.goto(server.url + "/docs");
  await page.waitForSelector(".opblock", { timeout: 30000 });
  const shown = await page.$$eval(".opblock", (els) => els.map((e) => e.id));
  assert.equal(shown.length, ids.length, "one block per operation");
  const missing = ids.filter((id) => !shown.some((s) => s.endsWith("-" + id)));
  assert.deepEqual(missing, []);
  await page.screenshot({ path: shotPath("docs"), fullPage: false });
  await page.close();
});
