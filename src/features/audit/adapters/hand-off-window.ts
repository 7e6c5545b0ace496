import { type AuditEventInput, MAX_BATCH_EVENTS } from "../event";
import { type AuditHeads, handOff } from "./hand-off";

/**
 * How long the first event of a batch waits for more events to its chain.
 * Off the response path (the hand-off runs in waitUntil), so it delays only
 * the event's arrival at its head. 5 ms gathered more than one turn of the
 * event loop (0 ms) on the refresh bench: 1.24x against 1.17x req/s
 * (bench/README.md, issue 22).
 */
export const HAND_OFF_WINDOW_MS = 5;

interface OpenBatch {
  events: AuditEventInput[];
  /** Settles once the head holds the batch (or the hand-off was logged as failed). */
  delivered: Promise<void>;
}

/**
 * Batches still gathering events, by namespace and chain, in this isolate.
 * A saving, not a lock: every event reaches its head with or without it, in
 * one call per batch; batching only spares Durable Object calls when one
 * isolate serves many requests at once, as a busy one does. Order and
 * de-duplication stay the head's: it serializes its chain.
 */
const openBatches = new WeakMap<AuditHeads, Map<string, OpenBatch>>();

/**
 * Hands `event` to its chain's head together with the other events this
 * isolate records for that chain within HAND_OFF_WINDOW_MS, whichever request
 * recorded them: one `appendBatch` call instead of one call per event.
 *
 * The returned promise settles once the head holds the event, so a request
 * that passes it to `waitUntil` lives until its own event is durable, as with
 * a hand-off of its own. The batch is sent from the first recorder's request;
 * the others await it across requests, which workerd supports (a promise
 * followed from another request's context continues in the follower's).
 */
export function handOffWithin(
  ns: AuditHeads,
  chain: string,
  event: AuditEventInput,
): Promise<void> {
  let byChain = openBatches.get(ns);
  if (!byChain) {
    byChain = new Map();
    openBatches.set(ns, byChain);
  }
  const open = byChain.get(chain) ?? openBatch(byChain, ns, chain);
  open.events.push(event);
  // A full batch takes no more; the next event opens another.
  if (open.events.length >= MAX_BATCH_EVENTS) byChain.delete(chain);
  return open.delivered;
}

function openBatch(byChain: Map<string, OpenBatch>, ns: AuditHeads, chain: string): OpenBatch {
  const events: AuditEventInput[] = [];
  const batch: OpenBatch = {
    events,
    delivered: new Promise<void>((resolve) => setTimeout(resolve, HAND_OFF_WINDOW_MS)).then(() => {
      // Closed before it is sent: an event recorded from now on waits for the next batch.
      if (byChain.get(chain) === batch) byChain.delete(chain);
      return handOff(ns, chain, events);
    }),
  };
  byChain.set(chain, batch);
  return batch;
}
