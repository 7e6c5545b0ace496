import { errorName, log } from "../../../log";
import { type AuditEvent, type AuditLog, type Clock, systemClock } from "../../../ports";
import { type AuditEventInput, MAX_BATCH_EVENTS } from "../event";
import { chainIdOf, DEFAULT_CHAIN_PREFIX, shardOf } from "../shard";
import type { AuditHead } from "./audit-head";

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

/** Attempts of a hand-off the runtime reports as retryable (the head was being moved or reset). */
const ATTEMPTS = 3;

type Namespace = DurableObjectNamespace<AuditHead>;

/**
 * Hands events to their chain's head, in order, in one call (one subrequest
 * per chain, however many events). Retried for failures the runtime marks
 * retryable; the head de-duplicates by event id, so a retry records each once.
 */
async function handOff(ns: Namespace, chain: string, events: AuditEventInput[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // A fresh stub per attempt: a stub that saw an exception may stay broken.
      const head = ns.get(ns.idFromName(chain));
      const [only] = events;
      if (events.length === 1 && only) await head.append({ chain, event: only });
      else await head.appendBatch({ chain, events });
      return;
    } catch (err) {
      const retryable = (err as { retryable?: unknown })?.retryable === true;
      if (!retryable || attempt >= ATTEMPTS) {
        // The reason and ids only: details may name things that belong in the trail, not in logs.
        const first = events[0];
        log("error", "audit event not recorded", {
          type: first?.type,
          chain,
          requestId: first?.requestId,
          eventId: first?.id,
          events: events.length,
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
      opts.waitUntil(handOff(ns, chain, [input]));
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
