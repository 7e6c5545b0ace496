import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { errorName, log } from "../log";

export const health = new Hono<AppEnv>()
  // Liveness: no I/O at all.
  .get("/health", (c) => c.json({ status: "ok" }))
  // Readiness: one real round trip to each dependency through the production clients.
  .get("/ready", async (c) => {
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
  });
