import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { authErrors } from "../../../auth/errors";
import { httpErrors, invalidRequest } from "../../../errors";
import { requireAdmin } from "../../../middleware/require-admin";
import { describeRoute } from "../../../routes/openapi/route-doc";
import { readBounded, tooLarge } from "../../../routes/read-body";
import { fromStrictUtf8 } from "../../../utf8";
import { importLegacySessions } from "../import-sessions";
import { importUsers } from "../import-users";
import { importLimits } from "../limits";
import { type ImportItem, importFormatOf, MAX_IMPORT_BYTES, parseImportBody } from "../records";
import { migrationStats } from "../stats";

const legacyStore = (c: Context<AppEnv>) => c.get("services").legacy;

// For the OpenAPI document: the shapes of an import record (./import-users.ts,
// ./import-sessions.ts check them per record, so a bad one is a `rejected`
// result, not a 400) and of the answers (./import-report.ts, ../stats.ts).
const UserRecordSchema = z.object({
  email: z.email(),
  password_hash: z.string().describe("bcrypt, Django bcrypt_sha256 / pbkdf2_sha256, argon2id"),
  password_salt: z.string().nullish(),
  email_verified: z.boolean().optional(),
});
const SessionRecordSchema = z.object({
  session_key_sha256: z.string().regex(/^[0-9a-fA-F]{64}$/),
  email: z.email(),
  expires_at: z.iso.datetime({ offset: true }),
});
const ImportReportSchema = z.strictObject({
  summary: z.strictObject({
    created: z.number().int(),
    exists: z.number().int(),
    conflict: z.number().int(),
    rejected: z.number().int(),
  }),
  results: z.array(
    z.strictObject({
      line: z.number().int(),
      email: z.string().nullable(),
      status: z.enum(["created", "exists", "conflict", "rejected"]),
      reason: z.string().optional(),
      detail: z.string().optional(),
    }),
  ),
});
const count = z.number().int();
const MigrationStatsSchema = z.strictObject({
  users: z.strictObject({
    total: count,
    legacy: count,
    by_scheme: z.strictObject({
      argon2id_current: count,
      argon2id_outdated: count,
      argon2id_imported: count,
      bcrypt: count,
      bcrypt_sha256: count,
      pbkdf2_sha256: count,
      other: count,
    }),
  }),
  legacy_sessions: z.strictObject({ pending: count, exchanged: count, lapsed: count }),
});

const IMPORT_DESCRIPTION =
  "NDJSON, one record a line, or a JSON array of records (`application/json`), at most 5 MiB and 10,000 records. Answers 200 with one result per record, in input order, whatever happened to each; idempotent (docs/migration.md).";
// requireAdmin: off without ADMIN_API_KEY, 401 for a missing or wrong key, limited per client.
const adminKeyErrors = [httpErrors.specs.not_configured, authErrors.specs.credentials_required];

/**
 * The carve-out's operator endpoints (docs/migration.md), behind the admin key.
 * Imports answer 200 with one result per record, in input order, whatever
 * happened to each record; only a request-level problem is an error status.
 */
export const adminImportRoutes = new Hono<AppEnv>()
  .post(
    "/v1/admin/users/import",
    describeRoute({
      tag: "legacy",
      summary: "Import users with their legacy password hashes",
      description: IMPORT_DESCRIPTION,
      security: ["adminKey"],
      body: { schema: UserRecordSchema, contentType: "application/x-ndjson" },
      responses: { 200: { description: "one result per record", schema: ImportReportSchema } },
      errors: adminKeyErrors,
      limited: true,
    }),
    requireAdmin,
    async (c) => {
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
    },
  )
  .post(
    "/v1/admin/legacy-sessions/import",
    describeRoute({
      tag: "legacy",
      summary: "Import the monolith's sessions, each exchangeable once",
      description: `${IMPORT_DESCRIPTION} Only the SHA-256 of a session key is ever sent.`,
      security: ["adminKey"],
      body: { schema: SessionRecordSchema, contentType: "application/x-ndjson" },
      responses: { 200: { description: "one result per record", schema: ImportReportSchema } },
      errors: adminKeyErrors,
      limited: true,
    }),
    requireAdmin,
    async (c) => {
      const items = await readImportItems(c);
      const report = await importLegacySessions(
        { store: legacyStore(c), clock: c.get("services").clock },
        items,
      );
      c.header("Cache-Control", "no-store");
      return c.json(report);
    },
  )
  .get(
    "/v1/admin/stats",
    describeRoute({
      tag: "legacy",
      summary: "How far the migration from the monolith has come",
      description:
        "Users per stored hash scheme (legacy hashes upgrade at the next login) and legacy sessions per state.",
      security: ["adminKey"],
      responses: { 200: { description: "the counts", schema: MigrationStatsSchema } },
      errors: adminKeyErrors,
      limited: true,
    }),
    requireAdmin,
    async (c) => {
      const config = c.get("config");
      const stats = await migrationStats({
        store: legacyStore(c),
        clock: c.get("services").clock,
        current: { ...config.password.argon2, pepperId: config.password.peppers[0]?.id },
        deadlineMs: config.legacy.sessionDeadlineMs,
      });
      c.header("Cache-Control", "no-store");
      return c.json(stats);
    },
  );

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
    text = fromStrictUtf8(bytes);
  } catch {
    throw invalidRequest("body is not valid UTF-8");
  }
  return parseImportBody(text, format);
}
