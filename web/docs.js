// docs.js — the API reference: docs/openapi.yaml (served as /openapi.yaml)
// rendered by swagger-ui (npm swagger-ui-dist, copied into /web/vendor/ at
// build). Operations start collapsed; "Try it out" is off, since the page
// holds no token.
/* global SwaggerUIBundle */
if (typeof SwaggerUIBundle !== "function") {
  document.getElementById("docs-state").textContent =
    "The API reference renderer is not installed (run make, which copies it from node_modules). The raw description is at /openapi.yaml.";
} else {
  SwaggerUIBundle({
    url: "/openapi.yaml",
    dom_id: "#swagger-ui",
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    supportedSubmitMethods: [],
  });
}
