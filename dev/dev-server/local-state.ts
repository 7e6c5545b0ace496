// Where `npm run dev` keeps the state that belongs to one database: the
// Durable Objects' storage (audit chain heads, refresh families, the mail
// queue) and the Redis data (revocations, rate limits). Kept beside the
// database and reset with it: audit heads from another database make
// /v1/admin/audit/verify report its chains `truncated`, and refresh families
// from another database answer for users it never had.
//
//   <DEV_DATA_DIR or .dev-data>/
//     pglite/                   PGlite's files (no DATABASE_URL)
//     pglite-state/             the state of that database
//     postgres-<hash>-state/    the state of the database at a DATABASE_URL
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

export interface LocalState {
  dir: string;
  /** `wrangler dev --persist-to`. */
  wranglerDir: string;
  /** redis-server's --dir. */
  redisDir: string;
  /** One dev server at a time per state (lock.ts). */
  lockFile: string;
}

/** PGlite's own files for a data folder. */
export const pgliteDir = (dataDir: string) => path.join(dataDir, "pglite");

/**
 * The database a URL names, without what does not change which database it is
 * (the password, connection options), so a rotated password keeps the state.
 */
export function databaseKey(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const socketHost = url.searchParams.get("host") ?? "";
  return `${decodeURIComponent(url.username)}@${url.hostname}${socketHost}:${url.port || "5432"}${url.pathname}`;
}

/** The state folder of PGlite in `dataDir` (databaseUrl null) or of the database at a URL. */
export function localStateFor(dataDir: string, databaseUrl: string | null): LocalState {
  const name =
    databaseUrl === null
      ? "pglite-state"
      : `postgres-${createHash("sha256").update(databaseKey(databaseUrl)).digest("hex").slice(0, 16)}-state`;
  const dir = path.join(dataDir, name);
  return {
    dir,
    wranglerDir: path.join(dir, "wrangler"),
    redisDir: path.join(dir, "redis"),
    lockFile: path.join(dir, "dev.lock"),
  };
}

/**
 * Which database this is: the cluster's system identifier (new at every
 * initdb) and the database's oid (new at every CREATE DATABASE). A database
 * dropped and created again at the same URL is another database.
 */
export async function databaseIdentity(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ system: string; oid: string }>(
      `SELECT (SELECT system_identifier::text FROM pg_control_system()) AS system,
              (SELECT oid::text FROM pg_database WHERE datname = current_database()) AS oid`,
    );
    return `${rows[0]?.system}/${rows[0]?.oid}`;
  } finally {
    await client.end();
  }
}

/**
 * Binds the state folder to the database it is used with. State recorded for
 * another database (the same URL after a drop and create, or PGlite files
 * wiped on their own) is deleted, so both start empty together.
 * Returns whether old state was deleted.
 */
export function bindStateToDatabase(state: LocalState, identity: string): boolean {
  const marker = path.join(state.dir, "database-identity");
  const recorded = existsSync(marker) ? readFileSync(marker, "utf8").trim() : null;
  if (recorded === identity) return false;
  const reset = recorded !== null;
  rmSync(state.wranglerDir, { recursive: true, force: true });
  rmSync(state.redisDir, { recursive: true, force: true });
  mkdirSync(state.dir, { recursive: true });
  writeFileSync(marker, `${identity}\n`);
  return reset;
}
