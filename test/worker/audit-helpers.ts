// Shared by the audit tests: events recorded through the real AuditLog and
// chain heads, flushed by the heads' own alarms, read and tampered with in the
// real Postgres. Every test uses chains of its own (a fresh prefix): Durable
// Object storage is per test file, the test database is shared.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { neon } from "@neondatabase/serverless";
import { expect } from "vitest";
import { registerLocalBridge } from "../../src/adapters/postgres/client";
import { createAuditLog } from "../../src/features/audit/adapters/audit-log";
import type { AuditFailure, AuditVerifyResult } from "../../src/features/audit/chain";
import { DEFAULT_CHAIN_PREFIX, shardOf } from "../../src/features/audit/shard";
import type { AuditEvent } from "../../src/ports";
import { ADMIN, call } from "./helpers";

registerLocalBridge(env.DATABASE_URL, env.NEON_FETCH_ENDPOINT);
/** Direct SQL on the test database, as someone with database access would have. */
export const db = neon(env.DATABASE_URL);

export const newPrefix = () => `t${crypto.randomUUID().slice(0, 8)}-`;

export const head = (chain: string) => env.AUDIT_HEAD.get(env.AUDIT_HEAD.idFromName(chain));

/** An event as the hand-off gives it to a head (`append`/`appendBatch`), numbered `i` in its details. */
export const headEvent = (i: number) => ({
  id: crypto.randomUUID(),
  type: "token_refreshed" as const,
  userId: "u1",
  details: { i },
  requestId: null,
  ip: null,
  userAgent: null,
  at: Date.now(),
});

export const userEvent = (i: number, userId: string | null = crypto.randomUUID()): AuditEvent =>
  i % 3 === 0
    ? { type: "login_failed", userId, details: { reason: "invalid_credentials", attempt: i } }
    : { type: "login_succeeded", userId, details: { method: "password", family: `f${i}` } };

/**
 * Records events as a request would (record() returns at once, the hand-off
 * runs in waitUntil) and waits for the hand-offs, not for Postgres.
 */
export async function record(
  events: AuditEvent[],
  opts: { prefix: string; shards?: number },
): Promise<void> {
  const handOffs: Promise<unknown>[] = [];
  const log = createAuditLog(env.AUDIT_HEAD, {
    waitUntil: (p) => handOffs.push(p),
    requestId: `req-${crypto.randomUUID()}`,
    ip: "198.51.100.7",
    userAgent: "audit-test/1",
    shards: opts.shards ?? 1,
    chainPrefix: opts.prefix,
  });
  for (const e of events) expect(log.record(e)).toBeUndefined();
  await Promise.all(handOffs);
}

/** Runs the head's alarm until its buffer is empty (the alarm is what flushes). */
export async function flush(chain: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    if ((await head(chain).state(chain)).pending === 0) return;
    await runDurableObjectAlarm(head(chain));
  }
  throw new Error(`chain ${chain} did not flush`);
}

/** A chain of `n` events, flushed to Postgres. */
export async function flushedChain(n: number): Promise<string> {
  const prefix = newPrefix();
  const userId = crypto.randomUUID();
  await record(
    Array.from({ length: n }, (_, i) => userEvent(i + 1, userId)),
    { prefix },
  );
  const chain = `${prefix}0`;
  await flush(chain);
  return chain;
}

export async function verify(...chains: string[]): Promise<AuditVerifyResult> {
  const query = chains.map((c) => `chain=${encodeURIComponent(c)}`).join("&");
  const res = await call(`/v1/admin/audit/verify?${query}`, { headers: ADMIN });
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toBe("no-store");
  return (await res.json()) as AuditVerifyResult;
}

export async function expectBroken(
  chain: string,
  sequence: number,
  reason: AuditFailure["reason"],
): Promise<void> {
  expect(await verify(chain)).toEqual({
    ok: false,
    chain,
    sequence,
    reason,
    detail: expect.any(String),
  });
}

export async function seqs(chain: string): Promise<number[]> {
  const rows = await db.query(
    "SELECT seq::int AS seq FROM audit_events WHERE chain_id = $1 ORDER BY seq",
    [chain],
  );
  return rows.map((r) => r.seq as number);
}

/**
 * Records `n` events of one user in production shard chain `shard-<shard>`, as
 * a Worker configured with AUDIT_SHARDS=256 would. Each test file uses shard
 * numbers of its own: Durable Object storage is per file, the database shared.
 */
export async function recordInShard(shard: number, n: number): Promise<string> {
  // 256: the most shards AUDIT_SHARDS allows (config.ts).
  const shards = 256;
  let userId = crypto.randomUUID();
  for (let i = 0; shardOf(userId, shards) !== shard; i++) {
    if (i > 100_000) throw new Error(`no user id maps to shard ${shard}`);
    userId = crypto.randomUUID();
  }
  await record(
    Array.from({ length: n }, (_, i) => userEvent(i + 1, userId)),
    { prefix: DEFAULT_CHAIN_PREFIX, shards },
  );
  return `${DEFAULT_CHAIN_PREFIX}${shard}`;
}
