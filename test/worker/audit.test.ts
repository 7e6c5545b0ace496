// The tamper-evident audit trail end to end: events through the real AuditLog
// and chain-head Durable Objects, flushed by their alarms into the real
// Postgres, verified by GET /v1/admin/audit/verify; tampering done with plain
// SQL, as anyone with database access could.
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createDb } from "../../src/adapters/postgres/client";
import { ConfigError, configFromEnv } from "../../src/config";
import { recentForUser } from "../../src/features/audit/adapters/postgres-store";
import { auditEvents } from "../../src/features/audit/adapters/schema";
import { chainsToCheck } from "../../src/features/audit/adapters/stored-trail";
import { computeMac } from "../../src/features/audit/chain";
import { parseKeyList } from "../../src/key-list";
import {
  db,
  expectBroken,
  flush,
  flushedChain,
  head,
  headEvent,
  newPrefix,
  record,
  recordInShard,
  seqs,
  userEvent,
  verify,
} from "./audit-helpers";
import { ADMIN, call, callWithEnv } from "./helpers";

describe("recording", () => {
  it("hands events to the chain head, which flushes them to Postgres with a checkpoint", async () => {
    const prefix = newPrefix();
    const userId = crypto.randomUUID();
    await record(
      Array.from({ length: 5 }, (_, i) => userEvent(i + 1, userId)),
      { prefix },
    );
    const chain = `${prefix}0`;
    expect(await head(chain).state(chain)).toMatchObject({ seq: 5 });
    await flush(chain);

    const rows = await db.query(
      `SELECT seq::int AS seq, type, user_id, request_id, ip, user_agent, details, key_id,
              at_ms::text AS at_ms, (extract(epoch FROM occurred_at) * 1000)::bigint::text AS occurred_ms
       FROM audit_events WHERE chain_id = $1 ORDER BY seq`,
      [chain],
    );
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]).toMatchObject({
      type: "login_succeeded",
      user_id: userId,
      ip: "198.51.100.7",
      user_agent: "audit-test/1",
      details: { method: "password", family: "f1" },
      key_id: "test1",
    });
    for (const r of rows) expect(r.occurred_ms).toBe(r.at_ms);
    const checkpoints = await db.query(
      "SELECT seq::int AS seq FROM audit_checkpoints WHERE chain_id = $1",
      [chain],
    );
    expect(checkpoints.map((c) => c.seq)).toContain(5);
    expect(await head(chain).state(chain)).toMatchObject({ flushedSeq: 5, pending: 0 });
    expect(await verify(chain)).toEqual({ ok: true, chains: 1, events: 5 });
  });

  it("records a retried hand-off (same event id) once", async () => {
    const chain = `${newPrefix()}0`;
    const event = {
      id: crypto.randomUUID(),
      type: "logout" as const,
      userId: null,
      details: {},
      requestId: "r1",
      ip: null,
      userAgent: null,
      at: Date.now(),
    };
    expect(await head(chain).append({ chain, event })).toEqual({ seq: 1, duplicate: false });
    expect(await head(chain).append({ chain, event })).toEqual({ seq: 1, duplicate: true });
    await flush(chain);
    expect(await seqs(chain)).toEqual([1]);
  });

  it("gives 200 concurrent events over 8 shards gapless, valid chains", async () => {
    const prefix = newPrefix();
    // Mostly distinct users, some anonymous (sharded by request id instead).
    const events = Array.from({ length: 200 }, (_, i) =>
      userEvent(i, i % 10 === 0 ? null : crypto.randomUUID()),
    );
    await Promise.all(
      Array.from({ length: 20 }, (_, r) =>
        record(events.slice(r * 10, r * 10 + 10), { prefix, shards: 8 }),
      ),
    );
    const chains = Array.from({ length: 8 }, (_, i) => `${prefix}${i}`);
    await Promise.all(chains.map(flush));
    let total = 0;
    let used = 0;
    for (const chain of chains) {
      const list = await seqs(chain);
      expect(list).toEqual(list.map((_, i) => i + 1));
      total += list.length;
      if (list.length > 0) used++;
    }
    expect(total).toBe(200);
    expect(used).toBeGreaterThanOrEqual(6);
    expect(await verify(...chains)).toEqual({ ok: true, chains: 8, events: 200 });
  });

  it("serializes 200 concurrent appends to one head: sequence numbers 1…200, each once", async () => {
    const chain = `${newPrefix()}0`;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => head(chain).append({ chain, event: headEvent(i) })),
    );
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    await flush(chain);
    expect(await verify(chain)).toEqual({ ok: true, chains: 1, events: 200 });
  });
});

describe("group commit", () => {
  it("writes each call of a group all or none: a failing call leaves the others and nothing of its own", async () => {
    const chain = `${newPrefix()}0`;
    expect(await head(chain).append({ chain, event: headEvent(0) })).toEqual({
      seq: 1,
      duplicate: false,
    });
    // Sent together, so they wait for the same group; the middle one names
    // another chain and fails after its first event would have been written.
    const [first, wrong, last] = await Promise.allSettled([
      head(chain).appendBatch({ chain, events: [headEvent(1), headEvent(2)] }),
      head(chain).appendBatch({ chain: `${chain}x`, events: [headEvent(3), headEvent(4)] }),
      head(chain).appendBatch({ chain, events: [headEvent(5), headEvent(6)] }),
    ]);
    expect(wrong.status).toBe("rejected");
    const written = [first, last].flatMap((r) =>
      r.status === "fulfilled" ? r.value.map((x) => x.seq) : [],
    );
    expect(written.sort((a, b) => a - b)).toEqual([2, 3, 4, 5]);
    // Durable when the calls returned: a new instance reads the same head.
    await evictDurableObject(head(chain));
    expect(await head(chain).state(chain)).toMatchObject({ seq: 5, pending: 5 });
    await flush(chain);
    expect(await seqs(chain)).toEqual([1, 2, 3, 4, 5]);
    expect(await verify(chain)).toEqual({ ok: true, chains: 1, events: 5 });
  });

  it("keeps a call's events in the order given and in one run of sequence numbers", async () => {
    const chain = `${newPrefix()}0`;
    const calls = Array.from({ length: 12 }, (_, c) =>
      Array.from({ length: 4 }, (_, i) => headEvent(c * 10 + i)),
    );
    const results = await Promise.all(
      calls.map((events) => head(chain).appendBatch({ chain, events })),
    );
    for (const r of results) {
      const first = r[0]?.seq ?? 0;
      expect(r.map((x) => x.seq)).toEqual([first, first + 1, first + 2, first + 3]);
    }
    await flush(chain);
    const rows = await db.query(
      "SELECT (details->>'i')::int AS i FROM audit_events WHERE chain_id = $1 ORDER BY seq",
      [chain],
    );
    const order = rows.map((r) => r.i as number);
    for (const events of calls) {
      const at = order.indexOf(events[0]?.details.i as number);
      expect(order.slice(at, at + 4)).toEqual(events.map((e) => e.details.i));
    }
    expect(await verify(chain)).toEqual({ ok: true, chains: 1, events: 48 });
  });
});

describe("which chains are verified", () => {
  // Regression guard: after AUDIT_SHARDS was lowered, a retired shard whose
  // rows and checkpoints were gone was never compared with its live head.
  it("without a filter: every chain stored in Postgres, plus every shard head holding events, configured or not", async () => {
    const a = await flushedChain(1);
    const b = await flushedChain(2);
    const retired = await recordInShard(200, 2); // beyond the 8 configured; nothing in Postgres
    const config = configFromEnv(env);
    if (config instanceof ConfigError) throw config;
    const { chains, heads } = await chainsToCheck(
      { db: createDb(config), heads: env.AUDIT_HEAD },
      undefined,
    );
    expect(chains).toEqual(expect.arrayContaining([a, b, retired]));
    expect(heads.get(retired)).toMatchObject({ seq: 2 });
    // A shard head that never had an event is asked, but no chain.
    expect(heads.has("shard-255")).toBe(true);
    expect(chains).not.toContain("shard-255");
    expect(chains).toEqual([...chains].sort());
  });
});

describe("an account's recent events", () => {
  it("newest first, and events of one millisecond by their place in the chain", async () => {
    const config = configFromEnv(env);
    if (config instanceof ConfigError) throw config;
    const db = createDb(config);
    const userId = crypto.randomUUID();
    const chainId = `recent-${crypto.randomUUID()}`;
    const at = Date.now();
    const row = (seq: number, atMs: number) => ({
      chainId,
      seq,
      v: 1,
      atMs,
      eventId: crypto.randomUUID(),
      type: "login_succeeded",
      userId,
      details: { seq },
      keyId: "k",
      prevMac: "p",
      mac: "m",
    });
    // Stored out of chain order, as neither the heap nor the index keeps seq:
    // with the time alone, the plan decided the order of 3, 1 and 2.
    for (const r of [row(3, at), row(1, at), row(4, at + 1), row(2, at)]) {
      await db.insert(auditEvents).values(r);
    }
    const recent = await recentForUser(db, userId, 10);
    expect(recent.map((e) => e.seq)).toEqual([4, 3, 2, 1]);
    expect((await recentForUser(db, userId, 2)).map((e) => e.seq)).toEqual([4, 3]);
  });
});

describe("tampering with audit_events is detected", () => {
  it("a deleted middle row: gap", async () => {
    const chain = await flushedChain(5);
    await db.query("DELETE FROM audit_events WHERE chain_id = $1 AND seq = 3", [chain]);
    await expectBroken(chain, 3, "gap");
  });

  it("a modified field: mac_mismatch", async () => {
    const chain = await flushedChain(5);
    await db.query(
      `UPDATE audit_events SET details = '{"reason":"nothing to see"}' WHERE chain_id = $1 AND seq = 2`,
      [chain],
    );
    await expectBroken(chain, 2, "mac_mismatch");
  });

  it("a modified user id: mac_mismatch", async () => {
    const chain = await flushedChain(4);
    await db.query(
      "UPDATE audit_events SET user_id = 'someone-else' WHERE chain_id = $1 AND seq = 4",
      [chain],
    );
    await expectBroken(chain, 4, "mac_mismatch");
  });

  it("reordered rows (sequence numbers swapped): reordered", async () => {
    const chain = await flushedChain(5);
    await db.query("UPDATE audit_events SET seq = -2 WHERE chain_id = $1 AND seq = 2", [chain]);
    await db.query("UPDATE audit_events SET seq = 2 WHERE chain_id = $1 AND seq = 4", [chain]);
    await db.query("UPDATE audit_events SET seq = 4 WHERE chain_id = $1 AND seq = -2", [chain]);
    await expectBroken(chain, 2, "reordered");
  });

  it("a forged row appended with a plausible MAC under a guessed key: mac_mismatch", async () => {
    const chain = await flushedChain(5);
    const [last] = await db.query(
      "SELECT mac, at_ms::text AS at_ms FROM audit_events WHERE chain_id = $1 AND seq = 5",
      [chain],
    );
    const forged = {
      v: 1,
      chain,
      seq: 6,
      at: Number(last?.at_ms) + 1,
      id: crypto.randomUUID(),
      type: "logout",
      user_id: null,
      request_id: null,
      ip: null,
      user_agent: null,
      details: {},
      key_id: "test1",
    };
    const mac = computeMac(new Uint8Array(32).fill(7), last?.mac as string, forged);
    await db.query(
      `INSERT INTO audit_events (chain_id, seq, v, at_ms, event_id, type, details, key_id, prev_mac, mac)
       VALUES ($1, 6, 1, $2, $3, 'logout', '{}', 'test1', $4, $5)`,
      [chain, forged.at, forged.id, last?.mac, mac],
    );
    await expectBroken(chain, 6, "mac_mismatch");
  });

  it("a row claiming a key that is not configured: unknown_key", async () => {
    const chain = await flushedChain(3);
    await db.query("UPDATE audit_events SET key_id = 'gone' WHERE chain_id = $1 AND seq = 2", [
      chain,
    ]);
    await expectBroken(chain, 2, "unknown_key");
  });

  // The stored checkpoint alone is proven by test/node/audit-verify.test.ts
  // (the Node verifier sees no heads); here both hold the chain to its length.
  it("a truncated tail: checkpoint and live head say the chain was longer", async () => {
    const chain = await flushedChain(5);
    await db.query("DELETE FROM audit_events WHERE chain_id = $1 AND seq >= 4", [chain]);
    await expectBroken(chain, 4, "truncated");
  });

  it("a truncated tail with its checkpoints deleted too: the live head says it was longer", async () => {
    const chain = await flushedChain(5);
    await db.query("DELETE FROM audit_events WHERE chain_id = $1 AND seq >= 4", [chain]);
    await db.query("DELETE FROM audit_checkpoints WHERE chain_id = $1", [chain]);
    await expectBroken(chain, 4, "truncated");
  });
});

describe("Postgres stopped while events happen", () => {
  const control = (action: "stop" | "start") =>
    fetch(`${inject("auditPostgresControlUrl")}/${action}`, { method: "POST" }).then((r) =>
      expect(r.status).toBe(204),
    );
  afterEach(() => control("start"));

  it("loses nothing: events wait in the head, survive eviction, and flush in order once it is back", async () => {
    const prefix = newPrefix();
    const chain = `${prefix}0`;
    const userId = crypto.randomUUID();
    await control("stop");

    // The request path does not touch Postgres: recording works during the outage.
    await record(
      Array.from({ length: 30 }, (_, i) => userEvent(i, userId)),
      { prefix },
    );
    await runDurableObjectAlarm(head(chain)); // a flush attempt, which must fail
    const during = await head(chain).state(chain);
    expect(during).toMatchObject({ seq: 30, pending: 30, flushedSeq: 0 });
    expect(during.failures).toBeGreaterThanOrEqual(1);
    expect(await seqs(chain)).toEqual([]);

    // The buffer is durable storage, not memory.
    await evictDurableObject(head(chain));
    await record(
      Array.from({ length: 10 }, (_, i) => userEvent(30 + i, userId)),
      { prefix },
    );
    expect(await head(chain).state(chain)).toMatchObject({ seq: 40, pending: 40 });

    await control("start");
    await flush(chain);
    expect(await seqs(chain)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await head(chain).state(chain)).toMatchObject({ flushedSeq: 40, failures: 0 });
    expect(await verify(chain)).toEqual({ ok: true, chains: 1, events: 40 });
  });
});

describe("GET /v1/admin/audit/export", () => {
  it("streams NDJSON an auditor can verify offline, without any key material", async () => {
    const a = await flushedChain(3);
    const b = await flushedChain(2);
    const res = await call(`/v1/admin/audit/export?chain=${a}&chain=${b}`, { headers: ADMIN });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const body = new TextDecoder().decode(await res.arrayBuffer());
    const lines = body
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ kind: "audit_export", format: 1, chains: [a, b].sort() });
    expect(lines.at(-1)).toEqual({ kind: "end", chains: 2, events: 5, checkpoints: 2 });
    const events = lines.filter((l) => l.kind === "event");
    expect(events).toHaveLength(5);
    for (const e of events) {
      expect(e).toMatchObject({
        key_id: "test1",
        prev_mac: expect.stringMatching(/^[0-9a-f]{64}$/),
        mac: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    }
    expect(lines.filter((l) => l.kind === "head")).toEqual([
      expect.objectContaining({ chain: [a, b].sort()[0], pending: 0 }),
      expect.objectContaining({ chain: [a, b].sort()[1], pending: 0 }),
    ]);
    // Never the keys: neither the secret's value nor any key's base64.
    const secret = env.AUDIT_HMAC_KEYS;
    expect(body).not.toContain(secret.split(":")[1] as string);

    // Offline, with the key from out of band, the same verifier says it is intact…
    const { verifyChain } = await import("../../src/features/audit/chain");
    const keys = parseKeyList(secret) ?? [];
    const rows = events.map(({ kind: _k, ...r }) => r) as never[];
    const cps = lines.filter((l) => l.kind === "checkpoint" || l.kind === "head") as never[];
    expect(verifyChain(rows, cps, keys)).toEqual({ ok: true, chains: 2, events: 5 });
    // …and an edited line is caught.
    const edited = rows.map((r: { seq: number; chain: string }) =>
      r.chain === a && r.seq === 2 ? { ...r, ip: "192.0.2.1" } : r,
    ) as never[];
    expect(verifyChain(edited, cps, keys)).toMatchObject({
      chain: a,
      sequence: 2,
      reason: "mac_mismatch",
    });
  });
});

// A new user's trial: `?chain=unknown` answered ok:true, as if an intact chain.
describe("a requested chain that exists nowhere", () => {
  it("is a 400 for verify and for export, while a real one is checked", async () => {
    const real = await flushedChain(3);
    for (const path of ["/v1/admin/audit/verify", "/v1/admin/audit/export"]) {
      const res = await call(`${path}?chain=${real}&chain=no-such-chain`, { headers: ADMIN });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: "invalid_request",
        error_description: "no such chain: no-such-chain",
      });
    }
    expect(await verify(real)).toEqual({ ok: true, chains: 1, events: 3 });
  });
});

describe("admin access", () => {
  it("requires the admin key", async () => {
    for (const path of ["/v1/admin/audit/verify", "/v1/admin/audit/export"]) {
      expect((await call(path)).status).toBe(401);
      expect(
        (await call(path, { headers: { authorization: `Bearer ${"b".repeat(48)}` } })).status,
      ).toBe(401);
    }
  });

  it("does not exist without ADMIN_API_KEY", async () => {
    const res = await callWithEnv({ ADMIN_API_KEY: "" }, "/v1/admin/audit/verify", {
      headers: ADMIN,
    });
    expect(res.status).toBe(404);
  });

  it("refuses a malformed chain filter", async () => {
    const res = await call("/v1/admin/audit/verify?chain=a%20b", { headers: ADMIN });
    expect(res.status).toBe(400);
  });
});
