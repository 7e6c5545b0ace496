// The mail queue's consumer runs every feature's mail jobs by kind
// (src/features/email/consumer.ts, Feature.mailJobs): a body of no registered
// kind, or one its handler's schema refuses, is dropped and never retried; a
// valid one runs its handler with the kind restored; a refused send is retried.
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Config } from "../../src/core-config";
import { consumeMailBatch } from "../../src/features/email/consumer";
import type { MailJobHandler } from "../../src/mail";
import type { Services } from "../../src/services";

function message(body: unknown, attempts = 1) {
  return { id: crypto.randomUUID(), body, attempts, ack: vi.fn(), retry: vi.fn() };
}

function setup(run: MailJobHandler["run"]) {
  const handler = {
    kind: "verify_email",
    payload: z.object({ userId: z.uuid() }),
    run: vi.fn(run),
  } as unknown as MailJobHandler;
  const config = { email: { appBaseUrl: "https://app.test", retryBaseSeconds: 30 } } as Config;
  const services = {
    mailJobHandlers: new Map([["verify_email", handler]]),
    mailer: { send: async () => {} },
  } as unknown as Services;
  const consume = (...messages: ReturnType<typeof message>[]) =>
    consumeMailBatch({ queue: "edge-auth-mail", messages } as unknown as MessageBatch<unknown>, {
      config,
      services: () => services,
    });
  return { handler, consume };
}

describe("consumeMailBatch", () => {
  it("drops a body of no registered kind, or one its schema refuses, without running anything", async () => {
    const { handler, consume } = setup(async () => "sent");
    const unknown = message({ kind: "no_such_kind", userId: crypto.randomUUID() });
    const malformed = message({ kind: "verify_email", userId: "not-a-uuid" });
    const notAnObject = message("verify_email");
    await consume(unknown, malformed, notAnObject);
    for (const m of [unknown, malformed, notAnObject]) {
      expect(m.ack).toHaveBeenCalledOnce();
      expect(m.retry).not.toHaveBeenCalled();
    }
    expect(handler.run).not.toHaveBeenCalled();
  });

  it("runs a valid job's handler with its kind and payload, then acks it", async () => {
    const { handler, consume } = setup(async () => "sent");
    const userId = crypto.randomUUID();
    const m = message({ kind: "verify_email", userId });
    await consume(m);
    expect(handler.run).toHaveBeenCalledWith(
      expect.objectContaining({ appBaseUrl: "https://app.test" }),
      { kind: "verify_email", userId },
      { idempotencyKey: m.id, attempt: 1 },
    );
    expect(m.ack).toHaveBeenCalledOnce();
  });

  it("retries a job whose handler throws, later with each attempt", async () => {
    const { consume } = setup(async () => {
      throw new Error("provider refused");
    });
    const first = message({ kind: "verify_email", userId: crypto.randomUUID() }, 1);
    const third = message({ kind: "verify_email", userId: crypto.randomUUID() }, 3);
    await consume(first, third);
    expect(first.retry).toHaveBeenCalledWith({ delaySeconds: 30 });
    expect(third.retry).toHaveBeenCalledWith({ delaySeconds: 120 });
    expect(first.ack).not.toHaveBeenCalled();
  });
});
