import type { Context } from "hono";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

/** The response headers a browser script from an allowed origin may read. */
const EXPOSED = [
  "Retry-After",
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "RateLimit-Reset",
  "X-Request-Id",
];

/** The origin when the configuration lists it, else null: the one rule for both kinds of request. */
const allowedOrigin = (origin: string | undefined, c: Context<AppEnv>): string | null =>
  origin && c.get("config").allowedOrigins.includes(origin) ? origin : null;

/** Preflights (Fetch standard, "CORS-preflight request"): hono's middleware answers them. */
const preflight = cors({
  origin: allowedOrigin,
  credentials: true,
  allowMethods: ["GET", "POST", "PATCH", "DELETE"],
  allowHeaders: ["Content-Type", "Authorization"],
  exposeHeaders: EXPOSED,
  maxAge: 600,
});

const EXPOSED_VALUE = EXPOSED.join(",");

/**
 * CORS for the configured origins only (the same list that may use cookie mode).
 *
 * A preflight goes to hono's middleware. An actual request gets its grant after
 * the handler, on the handler's own response: hono's middleware would set it
 * before, on a placeholder response that hono then copies into the handler's,
 * two Response and two Headers objects more per request that the runtime frees
 * only in its full garbage collections' pauses (bench/README.md, "Where a full
 * GC's pause goes"). The grant is the same: `Access-Control-Allow-Origin` (the
 * origin itself, since credentials are allowed; Fetch standard, "CORS check"),
 * `-Allow-Credentials`, `-Expose-Headers`, and `Vary: Origin` on every answer so a
 * cache never hands one origin's grant to another.
 */
export const corsForAllowedOrigins = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === "OPTIONS") return preflight(c, next);
  await next();
  const origin = allowedOrigin(c.req.header("origin"), c);
  const headers = c.res.headers;
  if (origin) {
    headers.set("Access-Control-Allow-Origin", origin);
    headers.set("Access-Control-Allow-Credentials", "true");
    headers.set("Access-Control-Expose-Headers", EXPOSED_VALUE);
  }
  headers.append("Vary", "Origin");
});
