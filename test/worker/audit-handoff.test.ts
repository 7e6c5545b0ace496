// The hand-off of an event to its chain head (src/features/audit/adapters/audit-log.ts): retried with a
// fresh stub when the runtime says the failure is retryable, logged and dropped
// (never thrown into the request's waitUntil) when it is not.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuditLog } from "../../src/features/audit/adapters/audit-log";
import {
  HAND_OFF_FALLBACK_MS,
  HAND_OFF_WINDOW_MS,
} from "../../src/features/audit/adapters/hand-off-window";
import { MAX_BATCH_EVENTS } from "../../src/features/audit/event";
import { shardOf } from "../../src/features/audit/shard";
import { db, flush, head, newPrefix, userEvent, verify } from "./audit-helpers";

function namespace(failures: unknown[]) {
  const calls: Array<{ chain: string; type: string }> = [];
  const stubs: object[] = [];
  const ns = {
    idFromName: (name: string) => name,
    get: () => {
      const stub = {
        async append(input: { chain: string; event: { type: string } }) {
          calls.push({ chain: input.chain, type: input.event.type });
          const failure = failures.shift();
          if (failure) throw failure;
          return { seq: calls.length, duplicate: false };
        },
      };
      stubs.push(stub);
      return stub;
    },
  };
  return { ns: ns as unknown as Parameters<typeof createAuditLog>[0], calls, stubs };
}

async function recordOne(ns: Parameters<typeof createAuditLog>[0]): Promise<void> {
  const pending: Promise<unknown>[] = [];
  createAuditLog(ns, {
    waitUntil: (p) => pending.push(p),
    requestId: "req-1",
    ip: null,
    userAgent: null,
    shards: 8,
  }).record({ type: "login_succeeded", userId: "u1", details: {} });
  await Promise.all(pending);
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("audit hand-off", () => {
  it("retries a retryable failure with a fresh stub, up to 3 attempts", async () => {
    const retryable = Object.assign(new Error("moved"), { retryable: true });
    const { ns, calls, stubs } = namespace([retryable, retryable]);
    await recordOne(ns);
    expect(calls).toHaveLength(3);
    expect(new Set(stubs).size).toBe(3);
    expect(new Set(calls.map((c) => c.chain)).size).toBe(1);
  });

  it("gives up after 3 retryable failures, logging ids and the error class only", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const retryable = Object.assign(new Error("secret detail"), { retryable: true });
    const { ns, calls } = namespace([retryable, retryable, retryable]);
    await recordOne(ns);
    expect(calls).toHaveLength(3);
    const line = JSON.parse(error.mock.calls[0]?.[0] as string);
    expect(line).toMatchObject({ level: "error", msg: "audit event not recorded", error: "Error" });
    expect(JSON.stringify(line)).not.toContain("secret detail");
  });

  it("does not retry, nor reject the request's waitUntil, for any other failure", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { ns, calls } = namespace([new TypeError("bad input")]);
    await expect(recordOne(ns)).resolves.toBeUndefined();
    expect(calls).toHaveLength(1);
  });
});

// Security review: a bulk import recorded one user_imported event per created
// user, each its own Durable Object call, which could pass the Workers
// subrequest limit and lose events. recordMany hands each chain its events at once.
describe("recordMany", () => {
  it("hands 1,200 events to 8 chains in at most one call per chain, in order", async () => {
    const batches: Array<{ chain: string; ids: string[] }> = [];
    const ns = {
      idFromName: (name: string) => name,
      get: () => ({
        async appendBatch(input: { chain: string; events: Array<{ userId: string }> }) {
          batches.push({ chain: input.chain, ids: input.events.map((e) => e.userId) });
          return input.events.map((_, i) => ({ seq: i + 1, duplicate: false }));
        },
        async append() {
          throw new Error("recordMany must not append one by one");
        },
      }),
    } as unknown as Parameters<typeof createAuditLog>[0];
    const pending: Promise<unknown>[] = [];
    const users = Array.from({ length: 1200 }, (_, i) => `user-${i}`);
    createAuditLog(ns, {
      waitUntil: (p) => pending.push(p),
      requestId: "req-import",
      ip: null,
      userAgent: null,
      shards: 8,
    }).recordMany(users.map((id) => ({ type: "user_imported", userId: id, details: {} })));
    await Promise.all(pending);
    expect(batches.length).toBeLessThanOrEqual(8);
    expect(new Set(batches.map((b) => b.chain)).size).toBe(batches.length);
    const delivered = batches.flatMap((b) => b.ids);
    expect(delivered.sort()).toEqual([...users].sort());
    // Each chain gets its users in the order they were recorded.
    for (const b of batches) {
      expect(b.ids).toEqual(users.filter((u) => b.ids.includes(u)));
    }
  });
});

// Issue 22: every recorded event was its own Durable Object call. Events an
// isolate records for one chain within HAND_OFF_WINDOW_MS now share one call,
// whichever request recorded them; each request still waits for its own.
describe("hand-off window", () => {
  type Sent = { chain: string; details: unknown[] };

  /** Heads that note each call and answer when `release()` is called. */
  function gatedHeads() {
    const sent: Sent[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const answer = async (chain: string, events: Array<{ details: unknown }>) => {
      sent.push({ chain, details: events.map((e) => e.details) });
      await gate;
      return events.map((_, i) => ({ seq: i + 1, duplicate: false }));
    };
    const ns = {
      idFromName: (name: string) => name,
      get: () => ({
        append: async (input: { chain: string; event: { details: unknown } }) =>
          (await answer(input.chain, [input.event]))[0],
        appendBatch: (input: { chain: string; events: Array<{ details: unknown }> }) =>
          answer(input.chain, input.events),
      }),
    } as unknown as Parameters<typeof createAuditLog>[0];
    return { ns, sent, release: () => open() };
  }

  const event = (n: number) => ({ type: "token_refreshed" as const, userId: "u1", details: { n } });

  /** One request's audit log, with its own waitUntil. */
  function request(ns: Parameters<typeof createAuditLog>[0], id: string, shards = 1) {
    const waited: Promise<unknown>[] = [];
    const log = createAuditLog(ns, {
      waitUntil: (p) => waited.push(p),
      requestId: id,
      ip: null,
      userAgent: null,
      shards,
    });
    return { log, waited };
  }

  /** Gated heads and two requests, each recording one event (1, then 2). */
  function twoRecorded() {
    const heads = gatedHeads();
    const a = request(heads.ns, "req-a");
    const b = request(heads.ns, "req-b");
    a.log.record(event(1));
    b.log.record(event(2));
    return { ...heads, a, b, waited: () => Promise.all([...a.waited, ...b.waited]) };
  }

  it("sends the events of several requests to one chain in one call, in the order recorded", async () => {
    const { a, sent, release, waited } = twoRecorded();
    a.log.record(event(3));
    release();
    await waited();
    expect(sent).toEqual([{ chain: "shard-0", details: [{ n: 1 }, { n: 2 }, { n: 3 }] }]);
  });

  it("keeps each request's waitUntil open until the head holds its event", async () => {
    const { a, b, sent, release, waited } = twoRecorded();
    let settled = 0;
    for (const p of [...a.waited, ...b.waited]) void p.then(() => settled++);
    await vi.waitUntil(() => sent.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(0);
    release();
    await waited();
    expect(settled).toBe(2);
  });

  it("opens a new batch for an event recorded after the last one was sent", async () => {
    const { ns, sent, release } = gatedHeads();
    release();
    const a = request(ns, "req-a");
    a.log.record(event(1));
    await Promise.all(a.waited);
    const b = request(ns, "req-b");
    b.log.record(event(2));
    await Promise.all(b.waited);
    expect(sent.map((s) => s.details)).toEqual([[{ n: 1 }], [{ n: 2 }]]);
  });

  it("gives each chain its own call", async () => {
    const { ns, sent, release } = gatedHeads();
    release();
    const { log, waited } = request(ns, "req-shards", 64);
    const users = Array.from({ length: 40 }, () => crypto.randomUUID());
    for (const userId of users)
      log.record({ type: "token_refreshed", userId, details: { userId } });
    await Promise.all(waited);
    const chains = sent.map((s) => s.chain);
    expect(new Set(chains).size).toBe(chains.length);
    expect(sent.flatMap((s) => s.details)).toHaveLength(users.length);
    for (const s of sent) {
      expect(
        s.details.every(
          (d) => shardOf((d as { userId: string }).userId, 64) === Number(s.chain.slice(6)),
        ),
      ).toBe(true);
    }
  });

  // The batch leaves on a timer of the request that opened it; a request the
  // runtime ends early takes its timers along (vi.clearAllTimers stands in for that).
  /** req-b's event 2 in a batch whose request died, once req-b's fallback has run. */
  async function joinedDeadBatch() {
    const { ns, sent, release } = gatedHeads();
    release();
    request(ns, "req-dies").log.record(event(1));
    vi.clearAllTimers();
    const b = request(ns, "req-b");
    b.log.record(event(2));
    await vi.advanceTimersByTimeAsync(HAND_OFF_FALLBACK_MS);
    return { ns, sent, b };
  }

  it("does not lose the other requests' events when the batch's own request dies", async () => {
    vi.useFakeTimers();
    const { ns, sent, b } = await joinedDeadBatch();
    await Promise.all(b.waited);
    expect(sent.map((s) => s.details)).toEqual([[{ n: 2 }]]);
    // The dead batch gathers no more: the next event opens one of its own.
    const c = request(ns, "req-c");
    c.log.record(event(3));
    await vi.advanceTimersByTimeAsync(HAND_OFF_WINDOW_MS);
    await Promise.all(c.waited);
    expect(sent.map((s) => s.details)).toEqual([[{ n: 2 }], [{ n: 3 }]]);
  });

  it("sends a request's next event on its own once it gave up on a dead batch, even if the clock stood still", async () => {
    // Timers only: Date.now() stays where it was, as it can in a Worker between I/O.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { sent, b } = await joinedDeadBatch();
    b.log.record(event(3));
    await vi.advanceTimersByTimeAsync(HAND_OFF_WINDOW_MS);
    await Promise.all(b.waited);
    expect(sent.map((s) => s.details)).toEqual([[{ n: 2 }], [{ n: 3 }]]);
  });

  it("waits for a batch that left but is slow, instead of sending its events again", async () => {
    vi.useFakeTimers();
    const { sent, release, waited } = twoRecorded();
    await vi.advanceTimersByTimeAsync(HAND_OFF_WINDOW_MS + HAND_OFF_FALLBACK_MS);
    release();
    await waited();
    expect(sent.map((s) => s.details)).toEqual([[{ n: 1 }, { n: 2 }]]);
  });

  // The claim the window rests on: a request may await a batch that another
  // request's context sends. A Durable Object call is a context of its own
  // (runInDurableObject); fake timers hold the window open until both have joined.
  it("lets a request in another context join the batch and continue once it is delivered", async () => {
    vi.useFakeTimers();
    const { ns, sent, release } = gatedHeads();
    release();
    const opener = request(ns, "req-opener");
    opener.log.record(event(1));
    const joined = Promise.withResolvers<void>();
    const other = runInDurableObject(head("context-probe"), async () => {
      const follower = request(ns, "req-follower");
      follower.log.record(event(2));
      joined.resolve();
      await Promise.all(follower.waited);
      return "continued";
    });
    await joined.promise;
    await vi.advanceTimersByTimeAsync(HAND_OFF_WINDOW_MS);
    await Promise.all(opener.waited);
    expect(await other).toBe("continued");
    expect(sent.map((s) => s.details)).toEqual([[{ n: 1 }, { n: 2 }]]);
  });

  // workerd allows a request 10,000 active timers: a timer per joined event would throw.
  it("sets one fallback timer per request and batch, however many events the request adds", async () => {
    const { ns, sent, release } = gatedHeads();
    release();
    const a = request(ns, "req-a");
    a.log.record(event(-1));
    const b = request(ns, "req-b");
    for (let n = 0; n < MAX_BATCH_EVENTS; n++) b.log.record(event(n));
    await Promise.all([...a.waited, ...b.waited]);
    expect(sent.map((s) => s.details.length)).toEqual([MAX_BATCH_EVENTS, 1]);
    expect(sent[0]?.details[0]).toEqual({ n: -1 });
  });

  it("closes a batch once it holds MAX_BATCH_EVENTS", async () => {
    const { ns, sent, release } = gatedHeads();
    release();
    const a = request(ns, "req-full");
    for (let n = 0; n <= MAX_BATCH_EVENTS; n++) a.log.record(event(n));
    await Promise.all(a.waited);
    expect(sent.map((s) => s.details.length)).toEqual([MAX_BATCH_EVENTS, 1]);
  });
});

describe("hand-off window, on the real chain heads", () => {
  it("two requests' events reach the head in one call, are durable there in order, and verify", async () => {
    const prefix = newPrefix();
    const chain = `${prefix}0`;
    let calls = 0;
    // The real namespace, counting the stubs the hand-off asks for (one per call).
    const heads = {
      idFromName: (name: string) => env.AUDIT_HEAD.idFromName(name),
      get: (id: DurableObjectId) => {
        calls++;
        return env.AUDIT_HEAD.get(id);
      },
    } as unknown as typeof env.AUDIT_HEAD;
    const userId = crypto.randomUUID();
    const waited: Promise<unknown>[] = [];
    for (const requestId of ["req-a", "req-b"]) {
      createAuditLog(heads, {
        waitUntil: (p) => waited.push(p),
        requestId,
        ip: null,
        userAgent: null,
        shards: 1,
        chainPrefix: prefix,
      }).record(userEvent(waited.length + 1, userId));
    }
    await Promise.all(waited);
    expect(calls).toBe(1);
    expect(await head(chain).state(chain)).toMatchObject({ seq: 2, pending: 2 });
    await flush(chain);
    const rows = await db.query(
      "SELECT seq::int AS seq, request_id FROM audit_events WHERE chain_id = $1 ORDER BY seq",
      [chain],
    );
    expect(rows).toEqual([
      { seq: 1, request_id: "req-a" },
      { seq: 2, request_id: "req-b" },
    ]);
    expect(await verify(chain)).toMatchObject({ ok: true });
  });
});
