import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../../app-env";
import { httpErrors, invalidRequest } from "../../../errors";
import { requireAdmin } from "../../../middleware/require-admin";
import { readBounded, tooLarge } from "../../../routes/read-body";
import { importLegacySessions } from "../import-sessions";
import { importUsers } from "../import-users";
import { importLimits } from "../limits";
import { type ImportItem, importFormatOf, MAX_IMPORT_BYTES, parseImportBody } from "../records";
import { migrationStats } from "../stats";

const legacyStore = (c: Context<AppEnv>) => c.get("services").legacy;

/**
 * The carve-out's operator endpoints (docs/migration.md), behind the admin key.
 * Imports answer 200 with one result per record, in input order, whatever
 * happened to each record; only a request-level problem is an error status.
 */
export const adminImportRoutes = new Hono<AppEnv>()
  .post("/v1/admin/users/import", requireAdmin, async (c) => {
    const items = await readImportItems(c);
    const report = await importUsers(
      {
        store: legacyStore(c),
        limits: importLimits(c.get("config").password.argon2.memoryKiB),
        audit: c.get("services").audit,
      },
      items,
    );
    c.header("Cache-Control", "no-store");
    return c.json(report);
  })
  .post("/v1/admin/legacy-sessions/import", requireAdmin, async (c) => {
    const items = await readImportItems(c);
    const report = await importLegacySessions(
      { store: legacyStore(c), clock: c.get("services").clock },
      items,
    );
    c.header("Cache-Control", "no-store");
    return c.json(report);
  })
  .get("/v1/admin/stats", requireAdmin, async (c) => {
    const config = c.get("config");
    const stats = await migrationStats({
      store: legacyStore(c),
      clock: c.get("services").clock,
      current: { ...config.password.argon2, pepperId: config.password.peppers[0]?.id },
      deadlineMs: config.legacy.sessionDeadlineMs,
    });
    c.header("Cache-Control", "no-store");
    return c.json(stats);
  });

/**
 * An import body: NDJSON (`application/x-ndjson`) or a JSON array
 * (`application/json`), at most 5 MiB, read with a running count so an
 * undeclared or lying length is cut off as soon as it passes the bound.
 */
async function readImportItems(c: Context<AppEnv>): Promise<ImportItem[]> {
  const format = importFormatOf(c.req.header("content-type") ?? "");
  if (!format) {
    throw httpErrors.error("unsupported_media_type", {
      description: "expected application/x-ndjson or application/json",
    });
  }
  if (Number(c.req.header("content-length") ?? "0") > MAX_IMPORT_BYTES)
    throw tooLarge(MAX_IMPORT_BYTES);
  const bytes = await readBounded(c.req.raw.body, MAX_IMPORT_BYTES);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw invalidRequest("body is not valid UTF-8");
  }
  return parseImportBody(text, format);
}
