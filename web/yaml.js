// yaml.js — a small YAML reader for the subset docs/openapi.yaml uses:
// block mappings and sequences by indentation, flow mappings and sequences
// ({ a: b }, [a, b]), single and double quoted scalars, literal block
// scalars (|), numbers, true/false/null. No anchors, tags or multi-docs.
// Throws an Error naming the line on anything else.

function scalar(text) {
  const t = text.trim();
  if (t === "" || t === "~" || t === "null") return t === "" ? "" : null;
  if (t === "true") return true;
  if (t === "false") return false;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  if (t.startsWith('"') && t.endsWith('"')) return JSON.parse(t);
  return t;
}

// Flow collections: a tiny recursive-descent parser over one string.
function parseFlow(text) {
  let i = 0;
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  function plain(stops) {
    const start = i;
    if (text[i] === "'" || text[i] === '"') {
      const q = text[i++];
      while (i < text.length && !(text[i] === q && text[i + 1] !== q)) i += text[i] === q ? 2 : 1;
      i++;
      return scalar(text.slice(start, i));
    }
    while (i < text.length && !stops.includes(text[i]) && !(text[i] === ":" && /[\s]/.test(text[i + 1] || " "))) i++;
    return scalar(text.slice(start, i));
  }
  function value() {
    ws();
    if (text[i] === "{") {
      i++;
      const o = {};
      for (;;) {
        ws();
        if (text[i] === "}") { i++; return o; }
        const k = String(plain(",}"));
        ws();
        if (text[i] !== ":") throw new Error("flow mapping: ':' expected in " + text);
        i++;
        o[k] = value();
        ws();
        if (text[i] === ",") i++;
      }
    }
    if (text[i] === "[") {
      i++;
      const a = [];
      for (;;) {
        ws();
        if (text[i] === "]") { i++; return a; }
        a.push(value());
        ws();
        if (text[i] === ",") i++;
      }
    }
    return plain(",]}");
  }
  const v = value();
  return v;
}

function inlineValue(text) {
  const t = text.trim();
  return t.startsWith("{") || t.startsWith("[") ? parseFlow(t) : scalar(t);
}

export function parseYaml(source) {
  const lines = source.split("\n").map((raw, n) => ({ raw, n: n + 1, indent: raw.search(/\S/) }));
  let pos = 0;
  const skip = () => { while (pos < lines.length && (lines[pos].indent < 0 || lines[pos].raw.trim().startsWith("#"))) pos++; };

  function blockScalar(indent) {
    const out = [];
    let base = -1;
    while (pos < lines.length && (lines[pos].indent < 0 || lines[pos].indent > indent)) {
      const l = lines[pos++];
      if (l.indent < 0) { out.push(""); continue; }
      if (base < 0) base = l.indent;
      out.push(l.raw.slice(base));
    }
    return out.join("\n").replace(/\n+$/, "") + "\n";
  }

  function entry(text, indent, target) {
    const m = /^('[^']*'|"[^"]*"|[^:]+?):(\s+(.*))?$/.exec(text);
    if (!m) throw new Error(`yaml: line ${lines[pos - 1].n}: cannot read "${text}"`);
    const key = String(scalar(m[1]));
    const rest = (m[3] || "").trim();
    if (rest === "|") target[key] = blockScalar(indent);
    else if (rest !== "") target[key] = inlineValue(rest);
    else { skip(); target[key] = pos < lines.length && lines[pos].indent > indent ? block(lines[pos].indent) : null; }
  }

  function block(indent) {
    skip();
    if (pos >= lines.length) return null;
    if (lines[pos].raw.trim().startsWith("- ")) {
      const a = [];
      while (pos < lines.length) {
        skip();
        if (pos >= lines.length || lines[pos].indent !== indent || !lines[pos].raw.trim().startsWith("- ")) break;
        const text = lines[pos].raw.trim().slice(2);
        pos++;
        if (/^[^{\['"][^:]*:(\s|$)/.test(text)) {
          const o = {};
          entry(text, indent + 2, o);
          skip();
          while (pos < lines.length && lines[pos].indent === indent + 2) {
            const l = lines[pos++];
            entry(l.raw.trim(), indent + 2, o);
            skip();
          }
          a.push(o);
        } else {
          a.push(inlineValue(text));
        }
      }
      return a;
    }
    const o = {};
    while (pos < lines.length) {
      skip();
      if (pos >= lines.length || lines[pos].indent !== indent) break;
      const l = lines[pos++];
      entry(l.raw.trim(), indent, o);
    }
    return o;
  }

  return block(0);
}
