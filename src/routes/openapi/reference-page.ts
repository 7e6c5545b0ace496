/**
 * The API reference page (GET /docs): a small page written for this service
 * that renders /openapi.json in the browser. No third-party script and no CDN:
 * the page, its script and its style are served from here, under a CSP that
 * allows only this origin, and the script builds the DOM with textContent
 * (the document's strings are never parsed as HTML).
 */
export const REFERENCE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>edge-auth API reference</title>
<link rel="stylesheet" href="/docs/reference.css">
<script src="/docs/reference.js" defer></script>
</head>
<body>
<header><h1>edge-auth API</h1><p>Generated from <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<input id="filter" type="search" placeholder="Filter by path or summary" aria-label="Filter"></header>
<main id="reference"><p>Loading…</p></main>
</body>
</html>`;

export const REFERENCE_CSS = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d2330; background: #fafbfc; }
header { padding: 1rem 2rem; background: #fff; border-bottom: 1px solid #dde2ea; position: sticky; top: 0; }
header h1 { margin: 0; font-size: 1.4rem; }
#filter { width: 100%; max-width: 32rem; padding: .4rem .6rem; margin-top: .5rem; }
main { padding: 1rem 2rem; max-width: 64rem; }
h2 { margin-top: 2rem; text-transform: capitalize; }
details { background: #fff; border: 1px solid #dde2ea; border-radius: 6px; margin: .5rem 0; }
summary { cursor: pointer; padding: .5rem .75rem; }
.method { display: inline-block; min-width: 4.2rem; font-weight: 600; font-family: ui-monospace, monospace; }
.get { color: #1769aa; } .post { color: #1b7f3b; } .put, .patch { color: #9a6700; } .delete { color: #b42318; }
.path { font-family: ui-monospace, monospace; }
.body { padding: 0 .75rem .75rem; }
pre { background: #f3f5f8; padding: .5rem; overflow: auto; font-size: 13px; }
.status { font-family: ui-monospace, monospace; font-weight: 600; }
.security { color: #5b6473; font-size: 13px; }
`;

export const REFERENCE_JS = `"use strict";
(() => {
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const schemaBlock = (schema) => el("pre", "", JSON.stringify(schema, null, 2));
  const render = (doc) => {
    const root = document.getElementById("reference");
    root.replaceChildren();
    const byTag = new Map();
    for (const [path, item] of Object.entries(doc.paths || {})) {
      for (const [method, op] of Object.entries(item)) {
        const tag = (op.tags && op.tags[0]) || "other";
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push({ path, method, op });
      }
    }
    for (const [tag, ops] of [...byTag].sort(([a], [b]) => a.localeCompare(b))) {
      const section = el("section");
      section.append(el("h2", "", tag));
      for (const { path, method, op } of ops) {
        const details = el("details");
        details.dataset.search = (path + " " + (op.summary || "")).toLowerCase();
        const summary = el("summary");
        summary.append(el("span", "method " + method, method.toUpperCase()), el("span", "path", path), document.createTextNode(" — " + (op.summary || "")));
        details.append(summary);
        const body = el("div", "body");
        if (op.description) body.append(el("p", "", op.description));
        const schemes = (op.security || []).flatMap((s) => Object.keys(s));
        body.append(el("p", "security", schemes.length ? "Credentials: " + schemes.join(" or ") : "No credentials"));
        if (op.parameters && op.parameters.length) {
          body.append(el("h4", "", "Parameters"));
          for (const p of op.parameters) body.append(el("div", "", p.in + " " + p.name + (p.required ? " (required)" : "")), schemaBlock(p.schema));
        }
        if (op.requestBody) {
          body.append(el("h4", "", "Request body"));
          for (const [type, media] of Object.entries(op.requestBody.content || {})) body.append(el("div", "", type), schemaBlock(media.schema));
        }
        body.append(el("h4", "", "Responses"));
        for (const [status, response] of Object.entries(op.responses || {})) {
          const row = el("div");
          row.append(el("span", "status", status + " "), document.createTextNode(response.description || ""));
          body.append(row);
          for (const media of Object.values(response.content || {})) if (media.schema) body.append(schemaBlock(media.schema));
        }
        details.append(body);
        section.append(details);
      }
      root.append(section);
    }
  };
  document.getElementById("filter").addEventListener("input", (event) => {
    const q = event.target.value.trim().toLowerCase();
    for (const d of document.querySelectorAll("details")) d.hidden = q !== "" && !d.dataset.search.includes(q);
  });
  fetch("/openapi.json").then((r) => r.json()).then(render, () => {
    document.getElementById("reference").textContent = "Could not load /openapi.json.";
  });
})();
`;
