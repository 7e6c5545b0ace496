import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";

// configFromEnv() and loadSigningKeys() cache per env object identity. This
// counts the distinct env objects an isolate sees from its fetch handler, from
// RPC calls to an entrypoint, and from Durable Object instances, so the bench
// can tell whether those caches hit in each position.
const seen = new WeakSet<object>();
let distinct = 0;

export function noteEnv(env: object): number {
  if (!seen.has(env)) {
    seen.add(env);
    distinct++;
  }
  return distinct;
}

export class ProbeEntrypoint extends WorkerEntrypoint<Env> {
  envs(): number {
    return noteEnv(this.env);
  }
}

export class ProbeObject extends DurableObject<Env> {
  envs(): number {
    return noteEnv(this.env);
  }

  /**
   * SQLite rows written (what Durable Object storage bills) by the successor
   * wipe that RefreshFamily.rotate runs on every rotation, for a family of
   * `generations` tokens: unguarded, as src/adapters/durable-objects/
   * refresh-family.ts had it before proposal 07, and guarded (rows that still
   * hold a box), as it has it now. The table mirrors that file's `tokens` table.
   */
  wipeRowsWritten(generations: number): {
    generations: number;
    asIs: number;
    guarded: number;
    rowsRead: { guarded: number; indexed: number };
  } {
    const sql = this.ctx.storage.sql;
    sql.exec("DROP TABLE IF EXISTS tokens");
    sql.exec(`CREATE TABLE tokens (
      generation INTEGER PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE,
      issued_at INTEGER NOT NULL, rotated_at INTEGER, successor_box TEXT,
      retries INTEGER NOT NULL DEFAULT 0)`);
    for (let g = 1; g <= generations; g++) {
      sql.exec(
        "INSERT INTO tokens (generation, secret_hash, issued_at, rotated_at) VALUES (?, ?, ?, ?)",
        g,
        `hash-${g}`,
        g,
        g < generations ? g : null,
      );
    }
    // The previous rotation's box is still inside the grace window: one live box.
    sql.exec("UPDATE tokens SET successor_box = 'box' WHERE generation = ?", generations - 1);
    const cutoff = generations - 1;
    const asIs = sql.exec(
      "UPDATE tokens SET successor_box = NULL WHERE rotated_at < ?",
      cutoff,
    ).rowsWritten;
    const wipe =
      "UPDATE tokens SET successor_box = NULL WHERE rotated_at < ? AND successor_box IS NOT NULL";
    const guardedRun = sql.exec(wipe, cutoff);
    const guarded = guardedRun.rowsWritten;
    // Rows read (also billed) by the same wipe, the box put back: a scan of
    // every spent token, then through the partial index family-storage.ts adds.
    sql.exec("UPDATE tokens SET successor_box = 'box' WHERE generation = ?", generations - 1);
    const scanned = sql.exec(wipe, cutoff).rowsRead;
    sql.exec("UPDATE tokens SET successor_box = 'box' WHERE generation = ?", generations - 1);
    sql.exec("CREATE INDEX tokens_boxed ON tokens (rotated_at) WHERE successor_box IS NOT NULL");
    const indexed = sql.exec(wipe, cutoff).rowsRead;
    sql.exec("DROP TABLE tokens");
    return { generations, asIs, guarded, rowsRead: { guarded: scanned, indexed } };
  }
}

export interface ProbeEnv {
  PROBE_SELF: Service<ProbeEntrypoint>;
  PROBE_OBJECT: DurableObjectNamespace<ProbeObject>;
}

/** Rows written by the refresh family's successor wipe at several family ages. */
export async function probeWipe(env: Env & ProbeEnv) {
  const stub = env.PROBE_OBJECT.get(env.PROBE_OBJECT.idFromName("wipe"));
  const out = [];
  // A day, a week and 30 days of refreshes every 15 minutes.
  for (const generations of [2, 96, 672, 2880]) out.push(await stub.wipeRowsWritten(generations));
  return out;
}

/** Distinct env objects after each stage: fetch, 3 RPC calls, 3 objects called twice. */
export async function probeEnvIdentity(env: Env & ProbeEnv) {
  const fetchStage = noteEnv(env);
  let rpcStage = 0;
  for (let i = 0; i < 3; i++) rpcStage = await env.PROBE_SELF.envs();
  let objectStage = 0;
  for (let i = 0; i < 6; i++) {
    const stub = env.PROBE_OBJECT.get(env.PROBE_OBJECT.idFromName(`probe-${i % 3}`));
    objectStage = await stub.envs();
  }
  return {
    afterFetch: fetchStage,
    afterThreeRpcCalls: rpcStage,
    afterThreeObjectsTwice: objectStage,
  };
}
