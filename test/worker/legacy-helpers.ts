// Shared by the legacy carve-out tests: admin imports over HTTP, direct SQL on
// the test database (as an operator with database access would have), and
// the real Postgres adapters.
import { env } from "cloudflare:workers";
import { neon } from "@neondatabase/serverless";
import { createDb, registerLocalBridge } from "../../src/adapters/postgres/client";
import { type Config, configFromEnv } from "../../src/config";
import type { ImportReport } from "../../src/features/legacy/import-report";
import users from "../fixtures/legacy/users.json";
import { ADMIN, call, uniqueEmail } from "./helpers";

registerLocalBridge(env.DATABASE_URL, env.NEON_FETCH_ENDPOINT);
export const sql = neon(env.DATABASE_URL);

export function testConfig(): Config {
  const config = configFromEnv(env);
  if (config instanceof Error) throw config;
  return config;
}

/** The Worker's own drizzle client for the test database. */
export const testDb = () => createDb(testConfig());

export function ndjson(records: readonly unknown[]): string {
  return records.map((r) => JSON.stringify(r)).join("\n");
}

export function postImport(
  path: "/v1/admin/users/import" | "/v1/admin/legacy-sessions/import",
  records: readonly unknown[],
  format: "ndjson" | "json" = "ndjson",
): Promise<Response> {
  return call(path, {
    method: "POST",
    headers: {
      ...ADMIN,
      "content-type": format === "ndjson" ? "application/x-ndjson" : "application/json",
    },
    body: format === "ndjson" ? ndjson(records) : JSON.stringify(records),
  });
}

export async function importRecords(
  path: "/v1/admin/users/import" | "/v1/admin/legacy-sessions/import",
  records: readonly unknown[],
): Promise<ImportReport> {
  const res = await postImport(path, records);
  if (res.status !== 200) throw new Error(`import failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as ImportReport;
}

/** The stored credential of a user, read directly. */
export async function stored(
  email: string,
): Promise<{ id: string; password_hash: string; salt: string | null }> {
  const rows = await sql`
    select u.id, u.password_hash, s.salt from users u
    left join legacy_password_salts s on s.user_id = u.id
    where lower(u.email) = lower(${email})`;
  const row = rows[0];
  if (!row) throw new Error(`no user ${email}`);
  return row as { id: string; password_hash: string; salt: string | null };
}

/** Our hash under the flow tests' parameters (test/setup/global-setup.ts), any pepper. */
export const CURRENT_ARGON2 = new RegExp(
  `^\\$argon2id\\$v=19\\$m=${env.ARGON2_MEMORY_KIB},t=${env.ARGON2_ITERATIONS},p=${env.ARGON2_PARALLELISM}(,keyid=[\\w-]+)?\\$`,
);

/** A cheap bcrypt fixture (cost 4) and its password, for accounts an import creates. */
const cheap = users.find((u) => u.password_hash.startsWith("$2a$04$")) as (typeof users)[number];
export const IMPORTED_PASSWORD = cheap.password;
export const IMPORTED_HASH = cheap.password_hash;

/**
 * An account created by a user import, as legacy sessions need: an import binds
 * sessions only to accounts an import created, never to one registered here.
 */
export async function newImportedUser(
  tag = "imported",
  extra: Record<string, unknown> = {},
): Promise<{ email: string; id: string }> {
  const email = uniqueEmail(tag);
  const report = await importRecords("/v1/admin/users/import", [
    { email, password_hash: IMPORTED_HASH, ...extra },
  ]);
  if (report.results[0]?.status !== "created") throw new Error("import did not create the user");
  return { email, id: (await stored(email)).id };
}
