import { errorName, log } from "../../../log";
import type { AuditEventInput } from "../event";
import type { AuditHead } from "./audit-head";

/** The chain heads: one `AuditHead` Durable Object per chain, named after it. */
export type AuditHeads = DurableObjectNamespace<AuditHead>;

/** Attempts of a hand-off the runtime reports as retryable (the head was being moved or reset). */
const ATTEMPTS = 3;

/**
 * Hands events to their chain's head, in order, in one call (one subrequest
 * per chain, however many events). Retried for failures the runtime marks
 * retryable; the head de-duplicates by event id, so a retry records each once.
 * Never rejects: a hand-off that finally fails is logged, not thrown into the
 * waitUntil of the requests it carries.
 */
export async function handOff(
  ns: AuditHeads,
  chain: string,
  events: AuditEventInput[],
): Promise<void> {
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
