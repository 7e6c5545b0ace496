import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import { requireAdmin } from "../../middleware/require-admin";
import { auditErrors } from "./errors";
import { CHAIN_ID } from "./shard";

/** At most this many `chain` parameters: each one is a Durable Object call. */
const MAX_CHAINS = 256;

/**
 * `?chain=a&chain=b` narrows to those chains; none means every chain. A chain
 * that exists nowhere is a 400, not an intact chain.
 */
async function requestedChains(c: Context<AppEnv>): Promise<string[] | undefined> {
  const values = c.req.queries("chain");
  if (!values?.length) return undefined;
  if (values.length > MAX_CHAINS || !values.every((v) => CHAIN_ID.test(v))) {
    throw auditErrors.error("malformed_chain");
  }
  const unknown = await c.get("services").auditTrail.unknownChains(values);
  if (unknown.length > 0) {
    throw auditErrors.error("unknown_chain", {
      description: `no such chain: ${unknown.join(", ")}`,
    });
  }
  return values;
}

/**
 * The audit trail for operators and auditors (docs/audit.md), behind the admin
 * key. Verification answers 200 either way: the body says `ok` or where the
 * chain first breaks and why.
 */
export const auditRoutes = new Hono<AppEnv>()
  .use("/v1/admin/audit/*", requireAdmin)
  .get("/v1/admin/audit/verify", async (c) => {
    const result = await c.get("services").auditTrail.verify(await requestedChains(c));
    c.header("Cache-Control", "no-store");
    return c.json(result);
  })
  .get("/v1/admin/audit/export", async (c) => {
    const now = new Date();
    const stream = c.get("services").auditTrail.export(await requestedChains(c), now);
    return c.body(stream, 200, {
      "Content-Type": "application/x-ndjson; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Disposition": `attachment; filename="audit-${now.toISOString().replaceAll(":", "")}.ndjson"`,
    });
  });
