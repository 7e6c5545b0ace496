// The hand-off of an event to its chain head (src/audit/log.ts): retried with a
// fresh stub when the runtime says the failure is retryable, logged and dropped
// (never thrown into the request's waitUntil) when it is not.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuditLog } from "../../src/audit/log";

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
