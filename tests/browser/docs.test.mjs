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
  // swagger-ui keeps only the tag sections near the viewport in the page
  // when the description is long: collect operation blocks while scrolling
  // from the top to the end, one viewport at a time.
  const seen = new Set();
  for (let y = 0, round = 0; round < 400; round++) {
    for (const id of await page.$$eval(".opblock", (els) => els.map((e) => e.id))) seen.add(id);
    const end = await page.evaluate((to) => { window.scrollTo(0, to); return document.body.scrollHeight; }, y);
    await page.waitForTimeout(150);
    if (y > end) break;
    y += 400;
  }
  const shown = [...seen];
  assert.equal(shown.length, ids.length, "one block per operation");
  const missing = ids.filter((id) => !shown.some((s) => s.endsWith("-" + id)));
  assert.deepEqual(missing, []);
  await page.screenshot({ path: shotPath("docs"), fullPage: false });
  await page.close();
});
