import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { type ErrorCatalog, httpErrors, notConfigured } from "../../errors";
import { buildOpenApiDocument, type ListedRoute } from "./document";
import { REFERENCE_CSS, REFERENCE_HTML, REFERENCE_JS } from "./reference-page";
import { describeRoute } from "./route-doc";

/** Bumped when a route changes incompatibly; the document's `info.version`. */
export const API_VERSION = "1.0.0";

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The page and its assets answer only with DOCS_ENABLED (off in production by default). */
const docsEnabled = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("config").docsEnabled) throw notConfigured("the API reference page", "DOCS_ENABLED");
  await next();
});

/**
 * GET /openapi.json (always) and the reference page at /docs (only with
 * DOCS_ENABLED). `routesOf` gives the app's routes: the document is built from
 * them once per isolate, on first request (a pure function of the code and
 * the issuer).
 */
export function apiReference(
  routesOf: () => readonly ListedRoute[],
  catalogs: readonly ErrorCatalog[],
): Hono<AppEnv> {
  let built: { issuer: string; doc: unknown } | undefined;
  const page = describeRoute({
    tag: "meta",
    summary: "The API reference page (and its script and style)",
    responses: { 200: { description: "the page", contentType: "text/html" } },
    errors: [httpErrors.specs.not_configured],
  });
  return new Hono<AppEnv>()
    .get(
      "/openapi.json",
      describeRoute({
        tag: "meta",
        summary: "This document: OpenAPI 3.1 for every route",
        responses: {
          200: {
            description: "the OpenAPI document",
            schema: z.looseObject({
              openapi: z.literal("3.1.0"),
              paths: z.record(z.string(), z.unknown()),
            }),
          },
        },
        errors: [],
      }),
      (c) => {
        const issuer = c.get("config").issuer;
        if (built?.issuer !== issuer) {
          built = {
            issuer,
            doc: buildOpenApiDocument(
              routesOf(),
              {
                title: "edge-auth",
                version: API_VERSION,
                serverUrl: issuer,
              },
              catalogs,
            ),
          };
        }
        c.header("Cache-Control", "public, max-age=300");
        return c.json(built.doc);
      },
    )
    .get("/docs", page, docsEnabled, (c) => {
      c.header("Content-Security-Policy", PAGE_CSP);
      return c.html(REFERENCE_HTML);
    })
    .get("/docs/reference.js", page, docsEnabled, (c) => {
      return c.body(REFERENCE_JS, 200, { "Content-Type": "text/javascript; charset=utf-8" });
    })
    .get("/docs/reference.css", page, docsEnabled, (c) => {
      return c.body(REFERENCE_CSS, 200, { "Content-Type": "text/css; charset=utf-8" });
    });
}
