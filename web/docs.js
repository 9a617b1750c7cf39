// docs.js — renders /openapi.yaml as the API reference page, in the
// browser, with no dependencies: operations grouped by tag, each with its
// roles, parameters, request body and responses; then the schemas.
import { parseYaml } from "/web/yaml.js";

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

// Minimal Markdown for descriptions: paragraphs, tables, **bold**, `code`.
function markdown(text) {
  if (!text) return "";
  const inline = (s) => esc(s).replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>").replace(/`([^`]+)`/g, "<code>$1</code>");
  return text.trim().split(/\n\s*\n/).map((block) => {
    const rows = block.split("\n");
    if (rows.every((r) => r.trim().startsWith("|"))) {
      const cells = (r) => r.trim().replace(/^\||\|$/g, "").split(/(?<!\\)\|/).map((c) => inline(c.trim().replace(/\\\|/g, "|")));
      const body = rows.filter((r) => !/^\s*\|[-\s|]+\|\s*$/.test(r));
      return "<table>" + body.map((r, i) => "<tr>" + cells(r).map((c) => (i ? `<td>${c}</td>` : `<th>${c}</th>`)).join("") + "</tr>").join("") + "</table>";
    }
    return `<p>${inline(block)}</p>`;
  }).join("");
}

function refName(ref) {
  return ref.split("/").pop();
}

function schemaText(schema, depth = 0) {
  if (!schema) return "";
  if (schema.$ref) return `<a href="#schema-${esc(refName(schema.$ref))}">${esc(refName(schema.$ref))}</a>`;
  if (schema.allOf) return schema.allOf.map((s) => schemaText(s, depth)).join(" + ");
  if (schema.type === "array") return `array of ${schemaText(schema.items, depth)}`;
  if (schema.type === "object" && schema.properties && depth < 3) {
    const req = new Set(schema.required || []);
    return "<table>" + Object.entries(schema.properties).map(([k, v]) =>
      `<tr><td><code>${esc(k)}</code>${req.has(k) ? " *" : ""}</td><td>${schemaText(v, depth + 1)}${v.description ? ` <span class="muted">${esc(v.description)}</span>` : ""}</td></tr>`).join("") + "</table>";
  }
  let t = esc(Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type || "any");
  if (schema.enum) t += ": " + schema.enum.map((e) => `<code>${esc(e)}</code>`).join(", ");
  if (schema.pattern) t += ` <span class="muted">/${esc(schema.pattern)}/</span>`;
  return t;
}

function resolve(spec, obj) {
  if (obj && obj.$ref && obj.$ref.startsWith("#/components/")) {
    const [, , kind, name] = obj.$ref.split("/");
    return spec.components[kind][name];
  }
  return obj;
}

function operation(spec, path, method, op) {
  const roles = op["x-szfin-roles"] || [];
  const params = (op.parameters || []).map((p) => resolve(spec, p));
  const body = op.requestBody && Object.entries(op.requestBody.content || {})[0];
  const responses = Object.entries(op.responses || {}).map(([code, r]) => {
    r = resolve(spec, r);
    const content = r.content && Object.entries(r.content)[0];
    return `<tr><td>${esc(code)}</td><td>${esc(r.description || "")}</td><td>${content ? `<code>${esc(content[0])}</code> ${schemaText(content[1].schema)}` : ""}</td></tr>`;
  }).join("");
  return `<details class="op" id="${esc(op.operationId || method + path)}">
    <summary><span class="method ${method.toUpperCase()}">${method.toUpperCase()}</span><code>${esc(path)}</code><span>${esc(op.summary || "")}</span></summary>
    <div class="body">
      <p class="roles">Roles: ${roles.length ? roles.map((r) => `<span>${esc(r)}</span>`).join("") : "<span>public</span>"}</p>
      ${op.description ? markdown(op.description) : ""}
      ${params.length ? "<h4>Parameters</h4><table>" + params.map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}${p.required ? ", required" : ""}</td><td>${schemaText(p.schema)} ${esc(p.description || "")}</td></tr>`).join("") + "</table>" : ""}
      ${body ? `<h4>Request body</h4><p><code>${esc(body[0])}</code></p>${schemaText(body[1].schema)}` : ""}
      <h4>Responses</h4><table>${responses}</table>
    </div></details>`;
}

async function main() {
  const root = document.getElementById("doc");
  try {
    const text = await (await fetch("/openapi.yaml")).text();
    const spec = parseYaml(text);
    const byTag = new Map();
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const tag = (op.tags || ["other"])[0];
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push(operation(spec, path, method, op));
      }
    }
    const schemas = Object.entries(spec.components.schemas).map(([name, s]) =>
      `<h3 id="schema-${esc(name)}">${esc(name)}</h3>${s.description ? markdown(s.description) : ""}${schemaText(s)}${s.properties && s.properties.code && s.properties.code.description ? markdown(s.properties.code.description) : ""}`).join("");
    root.innerHTML = `<h2>${esc(spec.info.title)} <span class="muted">${esc(spec.info.version)}</span></h2>
      ${markdown(spec.info.description)}
      ${[...byTag].map(([tag, ops]) => `<h2>${esc(tag)}</h2>${ops.join("")}`).join("")}
      <h2>Schemas</h2>${schemas}`;
  } catch (e) {
    root.innerHTML = `<p>Cannot render the API description: ${esc(e.message)}. The raw file is at <a href="/openapi.yaml">/openapi.yaml</a>.</p>`;
  }
}

main();
