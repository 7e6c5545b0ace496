import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { ConfigError, configFromEnv } from "../config";
import { errorName, log } from "../log";
import { withConfig } from "../middleware/config";
import { describeRoute } from "./openapi/route-doc";

/** Where an operator goes from a `misconfigured` readiness answer. */
const MISCONFIGURED_HINT =
  "set each listed variable (a secret with `npx wrangler secret put NAME`, anything else in " +
  "wrangler.jsonc `vars`) and redeploy; `npm run deploy:check` says what is wrong with each, " +
  "`npx wrangler tail` shows this Worker's log";

/** Each probe by name: "ok", "unavailable", or an advisory finding (e.g. `audit: "conflict"`). */
const Checks = z.record(z.string(), z.string());

/** Not ready: a dependency is down, or the configuration is invalid (variables by name only). */
const NotReadySchema = z.union([
  z.strictObject({ status: z.literal("unavailable"), checks: Checks }),
  z.strictObject({
    status: z.literal("misconfigured"),
    variables: z.array(z.string()),
    hint: z.string(),
  }),
]);

/**
 * Readiness under a bad configuration: 503 with the variables at fault, by name
 * only (never a value; names are not secrets, they are the documented ones).
 */
const reportMisconfiguration = createMiddleware<AppEnv>(async (c, next) => {
  const config = configFromEnv(c.env);
  if (!(config instanceof ConfigError)) return next();
  // configFromEnv logs once per isolate; this line comes with every probe, so a
  // `wrangler tail` opened after the first request still shows the names.
  log("error", "not ready: invalid configuration", { variables: config.variables });
  c.header("Cache-Control", "no-store");
  return c.json(
    { status: "misconfigured", variables: config.variables, hint: MISCONFIGURED_HINT },
    503,
  );
});

/**
 * Mounted ahead of the configuration middleware (src/app.ts): liveness must not
 * depend on configuration, and readiness is where a bad one is explained.
 */
export const health = new Hono<AppEnv>()
  // Liveness: no I/O and no configuration at all.
  .get(
    "/health",
    describeRoute({
      tag: "health",
      summary: "Liveness",
      description: "No I/O and no configuration: 200 whenever the Worker runs.",
      responses: {
        200: { description: "alive", schema: z.strictObject({ status: z.literal("ok") }) },
      },
      errors: [],
    }),
    (c) => c.json({ status: "ok" }),
  )
  // Readiness: one real round trip to each dependency through the production clients.
  .get(
    "/ready",
    describeRoute({
      tag: "health",
      summary: "Readiness: a round trip to each dependency",
      description:
        "503 names the failed dependency, or the misconfigured variables (names only, never values). An advisory probe (`audit`) is reported but never takes the service out of rotation.",
      responses: {
        200: {
          description: "ready",
          schema: z.strictObject({ status: z.literal("ready"), checks: Checks }),
        },
        503: { description: "not ready", schema: NotReadySchema },
      },
      errors: [],
    }),
    reportMisconfiguration,
    withConfig,
    async (c) => {
      const probes = c.get("services").probes;
      const results = await Promise.all(
        probes.map(async (p) => {
          try {
            return [p.name, (await p.check()) ?? "ok"] as const;
          } catch (err) {
            log("warn", "readiness probe failed", { probe: p.name, error: errorName(err) });
            return [p.name, "unavailable"] as const;
          }
        }),
      );
      const checks = Object.fromEntries(results);
      const ready = results.every(([, s], i) => s === "ok" || probes[i]?.advisory);
      c.header("Cache-Control", "no-store");
      return c.json({ status: ready ? "ready" : "unavailable", checks }, ready ? 200 : 503);
    },
  );
