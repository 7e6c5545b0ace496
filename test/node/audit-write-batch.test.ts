// The heads' flush statement (src/features/audit/adapters/write-batch.ts) over the real Neon HTTP
// driver and the project's bridge, against a real PostgreSQL database migrated
// like production, with a real second session writing concurrently. The
// statement's CTEs all read the snapshot taken when it began; a row another
// session commits after that must not be mistaken for one of ours.
import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-http";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NeonBridge, neonClientSettings, startNeonBridge } from "../../dev/bridges/neon.ts";
import { applyMigrations } from "../../scripts/migrate.ts";
import type { Db } from "../../src/adapters/postgres/client.ts";
import { writeAuditBatch } from "../../src/features/audit/adapters/write-batch.ts";
import { type AuditRow, computeMac, GENESIS_MAC } from "../../src/features/audit/chain.ts";
import { createTestDatabase, type TestDatabase } from "../bridges/support/postgres.ts";

const KEY = new Uint8Array(32).fill(3);

function chainRows(chain: string, n: number): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = GENESIS_MAC;
  for (let seq = 1; seq <= n; seq++) {
    const record = {
      v: 1,
      chain,
      seq,
      at: 1_800_000_000_000 + seq,
      id: `e-${chain}-${seq}`,
      type: "login_succeeded",
      user_id: "u1",
      request_id: null,
      ip: null,
      user_agent: null,
      details: { n: seq },
      key_id: "k1",
    };
    const mac = computeMac(KEY, prev, record);
    rows.push({ ...record, prev_mac: prev, mac });
    prev = mac;
  }
  return rows;
}

let database: TestDatabase;
let bridge: NeonBridge;
let db: Db;
let other: pg.Client;
let observer: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  await applyMigrations(database.url);
  bridge = await startNeonBridge({ port: 0 });
  Object.assign(neonConfig, neonClientSettings(bridge));
  db = drizzle({ client: neon(database.url) }) as unknown as Db;
  other = new pg.Client({ connectionString: database.url });
  observer = new pg.Client({ connectionString: database.url });
  await other.connect();
  await observer.connect();
}, 60_000);

afterAll(async () => {
  await other?.end();
  await observer?.end();
  await bridge?.close();
  await database?.drop();
});

/** A foreign row at (chain, seq), inserted by the other session inside its open transaction. */
async function beginForeignInsert(chain: string, seq: number): Promise<void> {
  await other.query("BEGIN");
  await other.query(
    `INSERT INTO audit_events (chain_id, seq, v, at_ms, event_id, type, details, key_id, prev_mac, mac)
     VALUES ($1, $2, 1, 0, 'foreign', 'logout', '{}', 'k1', $3, $4)`,
    [chain, seq, "0".repeat(64), "ab".repeat(32)],
  );
}

/** Waits until a statement of this database waits on a row lock (the flush, behind the open insert). */
async function untilBlocked(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await observer.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0].n > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the flush statement never waited on the concurrent insert");
}

const checkpoints = async (chain: string) =>
  (
    await observer.query(
      "SELECT seq::int AS seq FROM audit_checkpoints WHERE chain_id = $1 ORDER BY seq",
      [chain],
    )
  ).rows.map((r) => r.seq);

describe("writeAuditBatch under a concurrent writer", () => {
  it("certifies nothing when a row committed after its snapshot takes one of its seqs; the retry sees it as displaced", async () => {
    const rows = chainRows("race-commit", 3);
    await beginForeignInsert("race-commit", 2);
    const flushing = writeAuditBatch(db, rows);
    await untilBlocked();
    await other.query("COMMIT");

    expect(await flushing).toEqual({ writtenThrough: null, inserted: 2, displacedSeq: null });
    expect(await checkpoints("race-commit")).toEqual([]);

    // The head retries: now the foreign row is in the snapshot and compared.
    expect(await writeAuditBatch(db, rows)).toEqual({
      writtenThrough: 1,
      inserted: 0,
      displacedSeq: 2,
    });
    expect(await checkpoints("race-commit")).toEqual([1]);
  });

  it("completes when the concurrent writer rolls back", async () => {
    const rows = chainRows("race-rollback", 3);
    await beginForeignInsert("race-rollback", 2);
    const flushing = writeAuditBatch(db, rows);
    await untilBlocked();
    await other.query("ROLLBACK");

    expect(await flushing).toEqual({ writtenThrough: 3, inserted: 3, displacedSeq: null });
    expect(await checkpoints("race-rollback")).toEqual([3]);
  });

  it("treats its own earlier rows as a retry, in one statement", async () => {
    const rows = chainRows("retry", 4);
    expect(await writeAuditBatch(db, rows.slice(0, 2))).toMatchObject({ writtenThrough: 2 });
    expect(await writeAuditBatch(db, rows)).toEqual({
      writtenThrough: 4,
      inserted: 2,
      displacedSeq: null,
    });
    expect(await checkpoints("retry")).toEqual([2, 4]);
  });
});
