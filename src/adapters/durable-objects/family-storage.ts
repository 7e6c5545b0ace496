import type { FamilyRecord, FamilyStorage, TokenRecord } from "../../auth/refresh/family";
import type { SessionClaims } from "../../auth/refresh/types";

interface FamilyRow extends Record<string, SqlStorageValue> {
  user_id: string;
  created_at: number;
  expires_at: number;
  last_used_at: number;
  revoked_at: number | null;
  current_generation: number;
  claims: string;
}

interface TokenRow extends Record<string, SqlStorageValue> {
  generation: number;
  rotated_at: number | null;
  successor_box: string | null;
}

/**
 * Creates the family's tables, or brings an older object's tables up to date.
 * Families created before the claims snapshot existed have an `email_verified`
 * column instead: its value moves into `claims` once, when the object starts.
 */
export function migrateFamilySchema(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS family (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL, last_used_at INTEGER NOT NULL,
    revoked_at INTEGER, revoke_reason TEXT, current_generation INTEGER NOT NULL,
    claims TEXT NOT NULL DEFAULT '{"email_verified":false}')`);
  sql.exec(`CREATE TABLE IF NOT EXISTS tokens (
    generation INTEGER PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE,
    issued_at INTEGER NOT NULL, rotated_at INTEGER, successor_box TEXT,
    retries INTEGER NOT NULL DEFAULT 0)`);
  // The successor wipe runs on every rotation and alarm. Without this index it
  // reads every token the family ever had (kept for reuse detection): 2,880
  // rows per rotation in a 30-day family at a 15-minute cadence, and rows read
  // are billed. With it, only the few rows that still hold a box.
  sql.exec(
    "CREATE INDEX IF NOT EXISTS tokens_boxed ON tokens (rotated_at) WHERE successor_box IS NOT NULL",
  );
  const columns = sql.exec<{ name: string }>("PRAGMA table_info(family)").toArray();
  if (!columns.some((c) => c.name === "claims")) {
    sql.exec(
      `ALTER TABLE family ADD COLUMN claims TEXT NOT NULL DEFAULT '{"email_verified":false}'`,
    );
    if (columns.some((c) => c.name === "email_verified")) {
      sql.exec(
        "UPDATE family SET claims = json_object('email_verified', json(CASE email_verified WHEN 1 THEN 'true' ELSE 'false' END))",
      );
    }
  }
}

/** The FamilyStorage port over one Durable Object's SQLite storage. */
export function createFamilyStorage(storage: DurableObjectStorage): FamilyStorage {
  const sql = storage.sql;
  // Set once deleteAll() has dropped the tables: the live object may still be
  // asked about the family, and then answers as for an unknown one.
  let deleted = false;
  return {
    transaction: (fn) => storage.transactionSync(fn),

    family(): FamilyRecord | null {
      if (deleted) return null;
      const row = sql.exec<FamilyRow>("SELECT * FROM family LIMIT 1").toArray()[0];
      if (!row) return null;
      return {
        userId: row.user_id,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        lastUsedAt: row.last_used_at,
        revokedAt: row.revoked_at,
        currentGeneration: row.current_generation,
        claims: JSON.parse(row.claims) as SessionClaims,
      };
    },

    token(secretHash): TokenRecord | null {
      if (deleted) return null;
      const row = sql
        .exec<TokenRow>(
          "SELECT generation, rotated_at, successor_box FROM tokens WHERE secret_hash = ?",
          secretHash,
        )
        .toArray()[0];
      return row
        ? { generation: row.generation, rotatedAt: row.rotated_at, successorBox: row.successor_box }
        : null;
    },

    create(family, firstSecretHash) {
      sql.exec(
        "INSERT INTO family (id, user_id, created_at, expires_at, last_used_at, current_generation, claims) VALUES (?, ?, ?, ?, ?, 1, ?)",
        family.id,
        family.userId,
        family.createdAt,
        family.expiresAt,
        family.lastUsedAt,
        JSON.stringify(family.claims),
      );
      sql.exec(
        "INSERT INTO tokens (generation, secret_hash, issued_at) VALUES (1, ?, ?)",
        firstSecretHash,
        family.createdAt,
      );
    },

    rotate(generation, at, successorBox, nextSecretHash) {
      sql.exec(
        "UPDATE tokens SET rotated_at = ?, successor_box = ? WHERE generation = ?",
        at,
        successorBox,
        generation,
      );
      sql.exec(
        "INSERT INTO tokens (generation, secret_hash, issued_at) VALUES (?, ?, ?)",
        generation + 1,
        nextSecretHash,
        at,
      );
      sql.exec("UPDATE family SET current_generation = ?, last_used_at = ?", generation + 1, at);
    },

    countRetry(generation) {
      sql.exec("UPDATE tokens SET retries = retries + 1 WHERE generation = ?", generation);
    },

    revoke(at, reason) {
      sql.exec(
        "UPDATE family SET revoked_at = ?, revoke_reason = ? WHERE revoked_at IS NULL",
        at,
        reason,
      );
      sql.exec("UPDATE tokens SET successor_box = NULL WHERE successor_box IS NOT NULL");
    },

    wipeSuccessorsRotatedBefore(cutoff) {
      // Only rows that still hold a box: spent tokens are kept for reuse
      // detection, and rewriting them all would cost O(generations) rows per visit.
      sql.exec(
        "UPDATE tokens SET successor_box = NULL WHERE rotated_at < ? AND successor_box IS NOT NULL",
        cutoff,
      );
    },

    setClaims(claims) {
      sql.exec("UPDATE family SET claims = ?", JSON.stringify(claims));
    },

    async deleteAll() {
      await storage.deleteAll();
      deleted = true;
    },

    alarm: () => storage.getAlarm(),
    setAlarm: (at) => storage.setAlarm(at),
  };
}
