// Attack: a planted audit row must not displace a genuine event. Anyone with
// INSERT on audit_events (the recommended audit_writer role, or the app's own
// credential) can put a row at one of a chain's next sequence numbers before
// the head flushes there. The head then keeps its genuine row (and everything
// after it) pending, certifies nothing at or beyond that seq, reports the
// conflict (state, verify, /ready, an error log line) without failing
// readiness, and resumes by itself once the row is gone.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AuditRow } from "../../src/features/audit/chain";
import type { AuditEventInput } from "../../src/features/audit/event";
import {
  db,
  expectBroken,
  flush,
  head,
  newPrefix,
  record,
  seqs,
  userEvent,
  verify,
} from "./audit-helpers";
import { callWithEnv } from "./helpers";

/** A head's pending rows, read from its durable storage. */
async function pendingRows(chain: string): Promise<AuditRow[]> {
  const rows = await runInDurableObject(head(chain), (_i, state) =>
    state.storage.sql.exec<{ row: string }>("SELECT row FROM pending ORDER BY seq").toArray(),
  );
  return rows.map((r) => JSON.parse(r.row) as AuditRow);
}

/** The head keeps an alarm that is already set, so the test decides when it flushes. */
async function holdFlushes(chain: string): Promise<void> {
  await runInDurableObject(head(chain), (_i, state) =>
    state.storage.setAlarm(Date.now() + 3_600_000),
  );
}

const COLUMNS = [
  "chain_id",
  "seq",
  "v",
  "at_ms",
  "event_id",
  "type",
  "user_id",
  "request_id",
  "ip",
  "user_agent",
  "details",
  "key_id",
  "prev_mac",
  "mac",
] as const;

const columnsOf = (r: AuditRow) => ({
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
  details: JSON.stringify(r.details),
  key_id: r.key_id,
  prev_mac: r.prev_mac,
  mac: r.mac,
});

/** INSERT only, as the audit_writer role may: a row with exactly these columns. */
async function plant(columns: Record<(typeof COLUMNS)[number], unknown>): Promise<void> {
  await db.query(
    `INSERT INTO audit_events (${COLUMNS.join(", ")})
     VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})`,
    COLUMNS.map((c) => columns[c]),
  );
}

/** What an attacker without the key can write: plausible, but not the head's row. */
function forgery(chain: string, seq: number): Record<(typeof COLUMNS)[number], unknown> {
  return {
    chain_id: chain,
    seq,
    v: 1,
    at_ms: Date.now(),
    event_id: crypto.randomUUID(),
    type: "logout",
    user_id: null,
    request_id: null,
    ip: null,
    user_agent: null,
    details: "{}",
    key_id: "test1",
    prev_mac: "0".repeat(64),
    mac: "ab".repeat(32),
  };
}

/** A chain of `n` flushed events whose head then holds its flushes; more events go to `more`. */
async function heldChain(n: number) {
  const prefix = newPrefix();
  const chain = `${prefix}0`;
  const userId = crypto.randomUUID();
  let next = 1;
  const more = async (count: number) => {
    await record(
      Array.from({ length: count }, () => userEvent(next++, userId)),
      { prefix },
    );
  };
  if (n > 0) {
    await more(n);
    await flush(chain);
  }
  await holdFlushes(chain);
  return { chain, userId, more };
}

const checkpointsFrom = async (chain: string, seq: number) =>
  (
    await db.query(
      "SELECT seq::int AS seq FROM audit_checkpoints WHERE chain_id = $1 AND seq >= $2",
      [chain, seq],
    )
  ).map((r) => r.seq as number);

const eventIdAt = async (chain: string, seq: number) =>
  (
    await db.query("SELECT event_id FROM audit_events WHERE chain_id = $1 AND seq = $2", [
      chain,
      seq,
    ])
  )[0]?.event_id;

afterEach(() => vi.restoreAllMocks());

describe("a planted row at the chain's next seq", () => {
  // First in the file: this file's shard heads hold nothing yet, so "ok" is
  // this file's own baseline. shard-8 is a chain no other test file writes
  // (the suite configures 8 shards); AUDIT_SHARDS=9 makes it a configured one.
  it("/ready shows the conflict and stays ready (200): INSERT on the audit table cannot take the service out of rotation", async () => {
    const nine = { AUDIT_SHARDS: "9" };
    const before = await callWithEnv(nine, "/ready");
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({
      status: "ready",
      checks: { postgres: "ok", redis: "ok", audit: "ok" },
    });

    const chain = "shard-8";
    await holdFlushes(chain);
    const event: AuditEventInput = {
      id: crypto.randomUUID(),
      type: "logout",
      userId: null,
      details: {},
      requestId: "req-ready",
      ip: null,
      userAgent: null,
      at: Date.now(),
    };
    const { seq } = await head(chain).append({ chain, event });
    const planted = forgery(chain, seq);
    await plant(planted);
    vi.spyOn(console, "error").mockImplementation(() => {});
    await runDurableObjectAlarm(head(chain));

    const during = await callWithEnv(nine, "/ready");
    expect(during.status).toBe(200);
    expect(await during.json()).toEqual({
      status: "ready",
      checks: { postgres: "ok", redis: "ok", audit: "conflict" },
    });

    await db.query("DELETE FROM audit_events WHERE chain_id = $1 AND event_id = $2", [
      chain,
      planted.event_id,
    ]);
    await flush(chain);
    expect(await eventIdAt(chain, seq)).toBe(event.id);
    const after = await callWithEnv(nine, "/ready");
    expect(await after.json()).toMatchObject({ checks: { audit: "ok" } });
  });

  it("stays pending in the head, is reported, and lands once the planted row is removed", async () => {
    const { chain, userId, more } = await heldChain(2);
    const planted = forgery(chain, 3);
    await plant(planted);
    await more(1); // the genuine event the planted row is meant to displace
    const [genuine] = await pendingRows(chain);
    expect(genuine).toMatchObject({ seq: 3, user_id: userId });

    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    await runDurableObjectAlarm(head(chain));

    // Not lost: still in the head's durable buffer, and the head says why.
    expect(await pendingRows(chain)).toEqual([genuine]);
    expect(await head(chain).state(chain)).toMatchObject({
      seq: 3,
      flushedSeq: 2,
      pending: 1,
      displacedSeq: 3,
    });
    expect(await eventIdAt(chain, 3)).toBe(planted.event_id);
    // Nothing vouches for the planted row.
    expect(await checkpointsFrom(chain, 3)).toEqual([]);
    // Raised: an error line with the chain and seq, never a row's contents.
    const lines = error.mock.calls.map((c) => JSON.parse(String(c[0])) as Record<string, unknown>);
    const line = lines.find((l) => l.chain === chain);
    expect(line).toMatchObject({ level: "error", chain, seq: 3 });
    expect(line?.msg).toMatch(/displaced/);
    const text = JSON.stringify(lines);
    for (const secret of [userId, genuine?.id, genuine?.mac, planted.event_id, planted.mac]) {
      expect(text).not.toContain(secret);
    }
    await expectBroken(chain, 3, "displaced");

    // Later events queue behind it; the flush stays halted, retrying.
    await more(2);
    await runDurableObjectAlarm(head(chain));
    expect(await head(chain).state(chain)).toMatchObject({
      seq: 5,
      flushedSeq: 2,
      pending: 3,
      displacedSeq: 3,
    });
    expect(await seqs(chain)).toEqual([1, 2, 3]);

    // After forensics, the operator removes the planted row: the flush resumes.
    await db.query("DELETE FROM audit_events WHERE chain_id = $1 AND seq = 3", [chain]);
    await flush(chain);
    expect(await seqs(chain)).toEqual([1, 2, 3, 4, 5]);
    expect(await eventIdAt(chain, 3)).toBe(genuine?.id);
    expect(await head(chain).state(chain)).toMatchObject({
      flushedSeq: 5,
      pending: 0,
      failures: 0,
      displacedSeq: null,
    });
    expect(await verify(chain)).toEqual({ ok: true, chains: 1, events: 5 });
  });

  it("in the middle of a batch: the rows before it land with a checkpoint, it and the rest wait", async () => {
    const { chain, more } = await heldChain(2);
    await more(4); // seq 3…6, one batch
    await plant(forgery(chain, 5));
    vi.spyOn(console, "error").mockImplementation(() => {});
    await runDurableObjectAlarm(head(chain));

    expect(await head(chain).state(chain)).toMatchObject({
      flushedSeq: 4,
      pending: 2,
      displacedSeq: 5,
    });
    expect((await pendingRows(chain)).map((r) => r.seq)).toEqual([5, 6]);
    expect(await checkpointsFrom(chain, 3)).toEqual([4]);
    await expectBroken(chain, 5, "displaced");

    await db.query("DELETE FROM audit_events WHERE chain_id = $1 AND seq = 5", [chain]);
    await flush(chain);
    expect(await verify(chain)).toEqual({ ok: true, chains: 1, events: 6 });
  });

  it("on a chain's very first flush (seq 1)", async () => {
    const { chain, more } = await heldChain(0);
    await more(2);
    await plant(forgery(chain, 1));
    vi.spyOn(console, "error").mockImplementation(() => {});
    await runDurableObjectAlarm(head(chain));
    expect(await head(chain).state(chain)).toMatchObject({
      flushedSeq: 0,
      pending: 2,
      displacedSeq: 1,
    });
    await expectBroken(chain, 1, "displaced");
  });

  // The comparison covers every stored column: a copy of the genuine row that
  // differs in any one of them is someone else's row, not a retry of ours.
  it.each(COLUMNS.filter((c) => c !== "chain_id" && c !== "seq"))(
    "a copy of the genuine row with another %s is a conflict",
    async (column) => {
      const { chain, more } = await heldChain(1);
      await more(1);
      const [genuine] = await pendingRows(chain);
      const copy: Record<string, unknown> = columnsOf(genuine as AuditRow);
      const other: Record<string, unknown> = {
        v: 2,
        at_ms: Number(copy.at_ms) + 1,
        event_id: crypto.randomUUID(),
        type: "logout",
        user_id: "someone-else",
        request_id: "req-other",
        ip: "192.0.2.1",
        user_agent: "other/1",
        details: '{"reason":"planted"}',
        key_id: "other",
        prev_mac: "cd".repeat(32),
        mac: "ef".repeat(32),
      };
      await plant({ ...copy, [column]: other[column] } as Record<
        (typeof COLUMNS)[number],
        unknown
      >);
      vi.spyOn(console, "error").mockImplementation(() => {});
      await runDurableObjectAlarm(head(chain));
      expect(await head(chain).state(chain)).toMatchObject({ pending: 1, displacedSeq: 2 });
    },
  );

  it("a retry of the head's own earlier insert (identical row) is no conflict", async () => {
    const { chain, more } = await heldChain(1);
    await more(2);
    // As if an earlier flush committed its INSERT but the answer never came.
    for (const row of await pendingRows(chain)) await plant(columnsOf(row));
    await runDurableObjectAlarm(head(chain));
    expect(await head(chain).state(chain)).toMatchObject({
      flushedSeq: 3,
      pending: 0,
      displacedSeq: null,
    });
    expect(await checkpointsFrom(chain, 3)).toEqual([3]);
    expect(await verify(chain)).toEqual({ ok: true, chains: 1, events: 3 });
  });
});
