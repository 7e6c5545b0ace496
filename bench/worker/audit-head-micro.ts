import { round3 } from "./clock.ts";

/** The main worker's AuditHead, bound by class name (bench/workers.ts). */
interface AuditHeadStub {
  append(input: { chain: string; event: Record<string, unknown> }): Promise<unknown>;
}

export interface AuditHeadEnv {
  MAIN_AUDIT_HEAD?: DurableObjectNamespace;
}

/**
 * Appends to ONE audit chain head (a single Durable Object) with `concurrency`
 * calls in flight: the ceiling of one shard, which bounds how many audited
 * events per second AUDIT_SHARDS heads can take (docs/capacity.md). The rows
 * are flushed to Postgres by the head's alarm, as in production.
 */
export async function auditHeadMicro(env: AuditHeadEnv, n: number, concurrency: number) {
  const ns = env.MAIN_AUDIT_HEAD;
  if (!ns) return { skipped: "no AuditHead binding (the main worker does not export one)" };
  const chain = `bench-${crypto.randomUUID().slice(0, 8)}`;
  const stub = ns.get(ns.idFromName(chain)) as unknown as AuditHeadStub;
  const append = () =>
    stub.append({
      chain,
      event: {
        id: crypto.randomUUID(),
        type: "token_refreshed",
        userId: crypto.randomUUID(),
        details: { family: "AZqXb5ZT1oP6Sg9xkzVjAw" },
        requestId: crypto.randomUUID(),
        ip: "203.0.113.7",
        userAgent: "edge-auth-bench",
        at: Date.now(),
      },
    });
  for (let i = 0; i < 20; i++) await append();
  let next = 0;
  // Every append is RPC I/O, so the clock moves between reads.
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) await append();
    }),
  );
  const seconds = (Date.now() - t0) / 1000;
  return {
    chain,
    appends: n,
    concurrency,
    seconds: round3(seconds),
    appendsPerSecond: Math.round(n / seconds),
  };
}
