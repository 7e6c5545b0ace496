// The hand-off of an event to its chain head (src/features/audit/adapters/audit-log.ts): retried with a
// fresh stub when the runtime says the failure is retryable, logged and dropped
// (never thrown into the request's waitUntil) when it is not.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuditLog } from "../../src/features/audit/adapters/audit-log";

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

afterEach(() => vi.restoreAllMocks());

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
