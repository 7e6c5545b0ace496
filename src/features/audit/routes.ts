import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../app-env";
import { authErrors } from "../../auth/errors";
import { httpErrors } from "../../errors";
import { requireAdmin } from "../../middleware/require-admin";
import { describeRoute } from "../../routes/openapi/route-doc";
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

// For the OpenAPI document: `?chain=` as requestedChains reads it, and the
// verification's answer (AuditVerifyResult, ./chain.ts).
const ChainQuery = z.object({
  chain: z
    .array(z.string().regex(CHAIN_ID))
    .max(MAX_CHAINS)
    .optional()
    .describe("repeat to narrow to these chains; none means every chain"),
});
const AuditVerifySchema = z.union([
  z.strictObject({ ok: z.literal(true), chains: z.number().int(), events: z.number().int() }),
  z.strictObject({
    ok: z.literal(false),
    chain: z.string(),
    sequence: z.number().int().describe("the first seq at which the chain breaks"),
    reason: z.enum([
      "gap",
      "duplicate",
      "unknown_key",
      "prev_mac_mismatch",
      "reordered",
      "mac_mismatch",
      "truncated",
      "displaced",
    ]),
    detail: z.string(),
  }),
]);

// requireAdmin (on /v1/admin/audit/*): off without ADMIN_API_KEY, 401 for a
// missing or wrong key, limited per client; then the `chain` parameters.
const auditRouteErrors = [
  httpErrors.specs.not_configured,
  authErrors.specs.credentials_required,
  auditErrors.specs.malformed_chain,
  auditErrors.specs.unknown_chain,
];

/**
 * The audit trail for operators and auditors (docs/audit.md), behind the admin
 * key. Verification answers 200 either way: the body says `ok` or where the
 * chain first breaks and why.
 */
export const auditRoutes = new Hono<AppEnv>()
  .use("/v1/admin/audit/*", requireAdmin)
  .get(
    "/v1/admin/audit/verify",
    describeRoute({
      tag: "audit",
      summary: "Verify the HMAC chains of the audit trail",
      description:
        "200 either way: `ok`, or the first place a chain breaks and why (docs/audit.md). A chain that exists nowhere is a 400, not an intact chain.",
      security: ["adminKey"],
      query: ChainQuery,
      responses: { 200: { description: "the outcome", schema: AuditVerifySchema } },
      errors: auditRouteErrors,
      limited: true,
    }),
    async (c) => {
      const result = await c.get("services").auditTrail.verify(await requestedChains(c));
      c.header("Cache-Control", "no-store");
      return c.json(result);
    },
  )
  .get(
    "/v1/admin/audit/export",
    describeRoute({
      tag: "audit",
      summary: "Export the audit trail for offline verification",
      description:
        'Streamed NDJSON: a header line, each chain\'s events, checkpoints and live head, then an `end` line with counts; a download without it is incomplete. Never carries a key (docs/audit.md, "Verifying offline").',
      security: ["adminKey"],
      query: ChainQuery,
      responses: {
        200: {
          description: "the export, as an attachment",
          contentType: "application/x-ndjson",
          headers: ["Content-Disposition"],
        },
      },
      errors: auditRouteErrors,
      limited: true,
    }),
    async (c) => {
      const now = new Date();
      const stream = c.get("services").auditTrail.export(await requestedChains(c), now);
      return c.body(stream, 200, {
        "Content-Type": "application/x-ndjson; charset=utf-8",
        "Cache-Control": "no-store",
        "Content-Disposition": `attachment; filename="audit-${now.toISOString().replaceAll(":", "")}.ndjson"`,
      });
    },
  );
