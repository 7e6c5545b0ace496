import type { AuditHead } from "../adapters/durable-objects/audit-head";
import { errorName, log } from "../log";
import { type AuditEvent, type AuditLog, type Clock, systemClock } from "../ports";
import type { AuditEventInput } from "./event";
import { chainIdOf, DEFAULT_CHAIN_PREFIX, shardOf } from "./shard";

export interface AuditLogOptions {
  /** The request's `ctx.waitUntil`: the hand-off to the chain head runs after the response. */
  waitUntil(promise: Promise<unknown>): void;
  requestId: string | null;
  /** `cf-connecting-ip`. */
  ip: string | null;
  userAgent: string | null;
  /** `config.audit.shards`. */
  shards: number;
  clock?: Clock;
  /**
   * Chain ids are `<prefix><shard>`; production keeps the default `shard-`.
   * Tests use their own prefix: Durable Object storage is isolated per test
   * file while the test database is shared, so each file needs its own chains.
   */
  chainPrefix?: string;
}

/** Attempts of a hand-off the runtime reports as retryable (the head was being moved or reset). */
const ATTEMPTS = 3;

type Namespace = DurableObjectNamespace<AuditHead>;

async function handOff(ns: Namespace, chain: string, event: AuditEventInput): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // A fresh stub per attempt: a stub that saw an exception may stay broken.
      await ns.get(ns.idFromName(chain)).append({ chain, event });
      return;
    } catch (err) {
      const retryable = (err as { retryable?: unknown })?.retryable === true;
      if (!retryable || attempt >= ATTEMPTS) {
        // The reason and ids only: details may name things that belong in the trail, not in logs.
        log("error", "audit event not recorded", {
          type: event.type,
          chain,
          requestId: event.requestId,
          eventId: event.id,
          error: errorName(err),
        });
        return;
      }
      await new Promise((r) => setTimeout(r, 25 * 4 ** attempt));
    }
  }
}

/**
 * The AuditLog port over the sharded chain heads. `record` returns at once:
 * the event goes to its head inside `waitUntil`, never adding a round trip
 * (to the head or to Postgres) to the response.
 *
 * A user's events share one chain (shard = FNV-1a(user id) mod shards); an
 * event without a user goes by the request id, else by its own id.
 *
 * @example
 * const audit = createAuditLog(env.AUDIT_HEAD, {
 *   waitUntil: (p) => ctx.waitUntil(p), requestId, ip, userAgent, shards: config.audit.shards,
 * });
 * audit.record({ type: "login_failed", userId: null, details: { reason: "invalid_credentials" } });
 */
export function createAuditLog(ns: Namespace, opts: AuditLogOptions): AuditLog {
  const clock = opts.clock ?? systemClock;
  const prefix = opts.chainPrefix ?? DEFAULT_CHAIN_PREFIX;
  return {
    record(event: AuditEvent): void {
      const input: AuditEventInput = {
        id: crypto.randomUUID(),
        type: event.type,
        userId: event.userId,
        details: { ...event.details },
        requestId: opts.requestId,
        ip: opts.ip,
        userAgent: opts.userAgent,
        at: Math.trunc(clock.now()),
      };
      const chain = chainIdOf(
        shardOf(event.userId ?? opts.requestId ?? input.id, opts.shards),
        prefix,
      );
      opts.waitUntil(handOff(ns, chain, input));
    },
  };
}
