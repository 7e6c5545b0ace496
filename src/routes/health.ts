import { Hono } from "hono";
import type { AppEnv } from "../app-env";

export const health = new Hono<AppEnv>()
  // Liveness: no I/O at all.
  .get("/health", (c) => c.json({ status: "ok" }))
  // Readiness: one real round trip to each dependency through the production clients.
  .get("/ready", async (c) => {
    const probes = c.get("services").probes;
    const results = await Promise.all(
      probes.map(async (p) => {
        try {
          await p.check();
          return [p.name, "ok"] as const;
        } catch (err) {
          console.error(
            JSON.stringify({
              level: "warn",
              msg: "readiness probe failed",
              probe: p.name,
              error: String((err as Error)?.name),
            }),
          );
          return [p.name, "unavailable"] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, s]) => s === "ok");
    c.header("Cache-Control", "no-store");
    return c.json({ status: ready ? "ready" : "unavailable", checks }, ready ? 200 : 503);
  });
