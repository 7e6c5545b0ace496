import { sql } from "drizzle-orm";
import type { Db } from "../../../adapters/postgres/client";
import type { AuditRow } from "../chain";

/** What one flush statement achieved (docs/audit.md, "Chains, sharding and heads"). */
export interface BatchOutcome {
  /**
   * Every row up to this seq is now in Postgres exactly as the head wrote it
   * (inserted now, or by an earlier attempt whose answer was lost), and the
   * checkpoint at it is stored. Null when nothing of the batch is certain.
   */
  writtenThrough: number | null;
  /** Rows this statement inserted; fewer than `writtenThrough` covers means a retry. */
  inserted: number;
  /**
   * The first seq at which Postgres already holds a row that differs from the
   * head's (a planted row): neither it nor anything after it was written, and
   * no checkpoint covers it. Null when there is none.
   */
  displacedSeq: number | null;
}

/** The stored columns of audit_events that a head writes (all but the generated occurred_at). */
const COLUMNS =
  "chain_id, seq, v, at_ms, event_id, type, user_id, request_id, ip, user_agent, details, key_id, prev_mac, mac";

const toJson = (r: AuditRow) => ({
  chain_id: r.chain,
  seq: r.seq,
  v: r.v,
  at_ms: r.at,
  event_id: r.id,
  type: r.type,
  user_id: r.user_id,
  request_id: r.request_id,
  ip: r.ip,
  user_agent: r.user_agent,
  details: r.details,
  key_id: r.key_id,
  prev_mac: r.prev_mac,
  mac: r.mac,
});

/**
 * One statement, so one round trip over Neon's HTTP path and atomic without a
 * transaction. Every CTE reads the snapshot taken when the statement began:
 *
 * - `stored` compares each row already at one of the batch's (chain, seq) with
 *   the head's row, column by column (a retry of our own insert is identical);
 * - rows before the first mismatch are inserted; a row that a concurrent
 *   writer committed after the snapshot is skipped by ON CONFLICT and then
 *   counts as neither inserted nor identical, so nothing is certified;
 * - the checkpoint is written only when every wanted row is accounted for, and
 *   never at or beyond a mismatch: no checkpoint vouches for a planted row.
 */
const statement = (rows: AuditRow[]) => sql`
  WITH input AS (
    SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows.map(toJson))}::jsonb) AS t(
      chain_id text, seq bigint, v smallint, at_ms bigint, event_id text, type text,
      user_id text, request_id text, ip text, user_agent text, details jsonb, key_id text,
      prev_mac text, mac text)
  ),
  stored AS (
    SELECT i.seq,
      (e.v, e.at_ms, e.event_id, e.type, e.user_id, e.request_id, e.ip, e.user_agent,
       e.details, e.key_id, e.prev_mac, e.mac)
      IS NOT DISTINCT FROM
      (i.v, i.at_ms, i.event_id, i.type, i.user_id, i.request_id, i.ip, i.user_agent,
       i.details, i.key_id, i.prev_mac, i.mac) AS same
    FROM input i JOIN audit_events e ON e.chain_id = i.chain_id AND e.seq = i.seq
  ),
  displaced AS (SELECT min(seq) AS seq FROM stored WHERE NOT same),
  wanted AS (
    SELECT * FROM input
    WHERE NOT EXISTS (SELECT 1 FROM displaced d WHERE input.seq >= d.seq)
  ),
  inserted AS (
    INSERT INTO audit_events (${sql.raw(COLUMNS)})
    SELECT ${sql.raw(COLUMNS)} FROM wanted ORDER BY seq
    ON CONFLICT (chain_id, seq) DO NOTHING
    RETURNING seq
  ),
  landed AS (
    SELECT seq FROM inserted
    UNION ALL
    SELECT s.seq FROM stored s JOIN wanted w ON w.seq = s.seq WHERE s.same
  ),
  complete AS (
    SELECT (SELECT count(*) FROM landed) = (SELECT count(*) FROM wanted) AS ok
  ),
  checkpoint AS (
    INSERT INTO audit_checkpoints (chain_id, seq, mac, key_id)
    SELECT chain_id, seq, mac, key_id FROM wanted
    WHERE (SELECT ok FROM complete)
    ORDER BY seq DESC LIMIT 1
    ON CONFLICT (chain_id, seq) DO NOTHING
  )
  SELECT
    (SELECT count(*) FROM inserted)::int AS inserted,
    CASE WHEN (SELECT ok FROM complete) THEN (SELECT max(seq) FROM wanted)::text END AS written_through,
    (SELECT seq FROM displaced)::text AS displaced_seq`;

/**
 * Writes a head's next rows (consecutive, ascending, one chain) and a
 * checkpoint at the last of them, without ever keeping a foreign row in place
 * of one of them unnoticed: `ON CONFLICT DO NOTHING` alone would let anyone
 * with INSERT on audit_events (the `audit_writer` role included) plant a row
 * at a future seq, after which the head would drop its genuine row as flushed.
 */
export async function writeAuditBatch(db: Db, rows: AuditRow[]): Promise<BatchOutcome> {
  if (rows.length === 0) return { writtenThrough: null, inserted: 0, displacedSeq: null };
  const result = await db.execute<{
    inserted: number;
    written_through: string | null;
    displaced_seq: string | null;
  }>(statement(rows));
  const row = result.rows[0];
  if (!row) throw new Error("the audit batch statement returned no row");
  return {
    inserted: Number(row.inserted),
    writtenThrough: row.written_through === null ? null : Number(row.written_through),
    displacedSeq: row.displaced_seq === null ? null : Number(row.displaced_seq),
  };
}
