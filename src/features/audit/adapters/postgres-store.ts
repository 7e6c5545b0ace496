import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../../../adapters/postgres/client";
import type { AuditCheckpoint, AuditRow } from "../chain";
import { auditCheckpoints, auditEvents } from "./schema";

/** A stored checkpoint as exported (with its key id and when it was written). */
export interface StoredCheckpoint extends AuditCheckpoint {
  key_id: string;
  created_at: string;
}

const fromColumns = (c: typeof auditEvents.$inferSelect): AuditRow => ({
  v: c.v,
  chain: c.chainId,
  seq: c.seq,
  at: c.atMs,
  id: c.eventId,
  type: c.type,
  user_id: c.userId,
  request_id: c.requestId,
  ip: c.ip,
  user_agent: c.userAgent,
  details: c.details,
  key_id: c.keyId,
  prev_mac: c.prevMac,
  mac: c.mac,
});

/**
 * A user's newest events across every chain, newest first (the index on
 * (user_id, at_ms) serves it): what an administrator sees of the account.
 */
export async function recentForUser(db: Db, userId: string, limit: number): Promise<AuditRow[]> {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.userId, userId))
    // Events of one millisecond (one request's, or a batch's) come newest first
    // by their place in the chain: the time alone left their order to the plan.
    .orderBy(desc(auditEvents.atMs), desc(auditEvents.seq))
    .limit(limit);
  return rows.map(fromColumns);
}

/** Up to `limit` rows of a chain after `afterSeq`, by seq (the primary key's order). */
export async function readAuditRows(
  db: Db,
  chain: string,
  afterSeq: number,
  limit: number,
): Promise<AuditRow[]> {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.chainId, chain), gt(auditEvents.seq, afterSeq)))
    .orderBy(asc(auditEvents.seq))
    .limit(limit);
  return rows.map(fromColumns);
}

const toCheckpoint = (c: typeof auditCheckpoints.$inferSelect): StoredCheckpoint => ({
  chain: c.chainId,
  seq: c.seq,
  mac: c.mac,
  key_id: c.keyId,
  created_at: c.createdAt.toISOString(),
  source: "checkpoint",
});

/** The newest stored checkpoint of a chain: it alone bounds the tail (older ones are below it). */
export async function latestCheckpoint(db: Db, chain: string): Promise<StoredCheckpoint | null> {
  const [row] = await db
    .select()
    .from(auditCheckpoints)
    .where(eq(auditCheckpoints.chainId, chain))
    .orderBy(desc(auditCheckpoints.seq))
    .limit(1);
  return row ? toCheckpoint(row) : null;
}

/** Checkpoints of a chain after `afterSeq`, ascending (for the export). */
export async function readCheckpoints(
  db: Db,
  chain: string,
  afterSeq: number,
  limit: number,
): Promise<StoredCheckpoint[]> {
  const rows = await db
    .select()
    .from(auditCheckpoints)
    .where(and(eq(auditCheckpoints.chainId, chain), gt(auditCheckpoints.seq, afterSeq)))
    .orderBy(asc(auditCheckpoints.seq))
    .limit(limit);
  return rows.map(toCheckpoint);
}

/**
 * Every chain id in either table. A loose index scan over the primary keys
 * (one index probe per chain), not a scan of every row as DISTINCT would be.
 */
export async function storedChainIds(db: Db): Promise<string[]> {
  const skipScan = (table: string) =>
    sql.raw(`WITH RECURSIVE c(id) AS (
      SELECT min(chain_id) FROM ${table}
      UNION ALL
      SELECT (SELECT min(chain_id) FROM ${table} WHERE chain_id > c.id) FROM c WHERE c.id IS NOT NULL
    ) SELECT id FROM c WHERE id IS NOT NULL`);
  const [events, checkpoints] = await db.batch([
    db.execute<{ id: string }>(skipScan("audit_events")),
    db.execute<{ id: string }>(skipScan("audit_checkpoints")),
  ]);
  return [...new Set([...events.rows, ...checkpoints.rows].map((r) => r.id))];
}
