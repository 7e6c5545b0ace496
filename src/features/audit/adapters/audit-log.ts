import { type AuditEvent, type AuditLog, type Clock, systemClock } from "../../../ports";
import { type AuditEventInput, MAX_BATCH_EVENTS } from "../event";
import { chainIdOf, DEFAULT_CHAIN_PREFIX, shardOf } from "../shard";
import { type AuditHeads, handOff } from "./hand-off";
import { handOffWithin } from "./hand-off-window";

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
  /** Told of every event `record` takes (the dashboards' data points); not of `recordMany`'s bulk. */
  observe?(event: AuditEvent): void;
}

/**
 * The AuditLog port over the sharded chain heads. `record` returns at once:
 * the event goes to its head inside `waitUntil`, never adding a round trip
 * (to the head or to Postgres) to the response, and in one call with the
 * other events this isolate records for its chain meanwhile (hand-off-window.ts).
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
export function createAuditLog(ns: AuditHeads, opts: AuditLogOptions): AuditLog {
  const clock = opts.clock ?? systemClock;
  const prefix = opts.chainPrefix ?? DEFAULT_CHAIN_PREFIX;
  // This log's own identity among the requests whose events share a hand-off.
  const recorder = {};
  const prepare = (event: AuditEvent): { chain: string; input: AuditEventInput } => {
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
    const key = event.userId ?? opts.requestId ?? input.id;
    return { chain: chainIdOf(shardOf(key, opts.shards), prefix), input };
  };
  return {
    record(event: AuditEvent): void {
      opts.observe?.(event);
      const { chain, input } = prepare(event);
      opts.waitUntil(handOffWithin(ns, chain, input, recorder));
    },

    recordMany(events: readonly AuditEvent[]): void {
      const byChain = new Map<string, AuditEventInput[]>();
      for (const event of events) {
        const { chain, input } = prepare(event);
        const list = byChain.get(chain) ?? [];
        list.push(input);
        byChain.set(chain, list);
      }
      for (const [chain, list] of byChain) {
        for (let i = 0; i < list.length; i += MAX_BATCH_EVENTS) {
          opts.waitUntil(handOff(ns, chain, list.slice(i, i + MAX_BATCH_EVENTS)));
        }
      }
    },
  };
}
