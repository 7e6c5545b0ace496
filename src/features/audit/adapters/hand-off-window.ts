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

/**
 * A batch not sent this long after it opened is taken for dead: the request
 * that opened it owns its timer, and a request the runtime ends early (out of
 * CPU time, say) takes its timers along. Its other events then go one by one
 * from their own requests, and its chain opens a new batch. Should the batch
 * merely be late, an event arrives twice and the head records it once (it
 * de-duplicates by event id).
 */
export const HAND_OFF_FALLBACK_MS = 1_000;

interface OpenBatch {
  /** The request that opened the batch: its timer sends it. */
  opener: object;
  events: AuditEventInput[];
  openedAt: number;
  /** Set when the window closes and the batch leaves for its head. */
  sent: boolean;
  /** Takes it out of its chain's slot (if it is still there): it gathers no more events. */
  close(): void;
  /** Settles once the head holds the batch (or the hand-off was logged as failed). */
  delivered: Promise<void>;
  /**
   * Other requests' events in the batch, with what each request waits on: one
   * fallback timer per request and batch, not per event (workerd allows a
   * request 10,000 active timers).
   */
  joined: Map<object, { events: AuditEventInput[]; settled: Promise<void> }>;
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
 * `recorder` is any object unique to the recording request.
 *
 * The returned promise settles once the head holds the event, so a request
 * that passes it to `waitUntil` lives until its own event is durable, as with
 * a hand-off of its own. The batch is sent from the request that opened it;
 * the others await it across requests, which workerd supports (a promise
 * followed from another request's context continues in the follower's), and
 * send their events themselves if it never leaves (HAND_OFF_FALLBACK_MS).
 */
export function handOffWithin(
  ns: AuditHeads,
  chain: string,
  event: AuditEventInput,
  recorder: object,
): Promise<void> {
  let byChain = openBatches.get(ns);
  if (!byChain) {
    byChain = new Map();
    openBatches.set(ns, byChain);
  }
  const now = Date.now();
  let open = byChain.get(chain);
  if (open && now - open.openedAt >= HAND_OFF_FALLBACK_MS) {
    open.close();
    open = undefined;
  }
  if (!open) return openBatch(byChain, ns, chain, event, now, recorder).delivered;
  open.events.push(event);
  // A full batch takes no more; the next event opens another.
  if (open.events.length >= MAX_BATCH_EVENTS) open.close();
  if (open.opener === recorder) return open.delivered;
  let joined = open.joined.get(recorder);
  if (!joined) {
    const own: AuditEventInput[] = [];
    joined = { events: own, settled: deliveredOrOwn(open, () => handOff(ns, chain, own)) };
    open.joined.set(recorder, joined);
  }
  joined.events.push(event);
  return joined.settled;
}

function openBatch(
  byChain: Map<string, OpenBatch>,
  ns: AuditHeads,
  chain: string,
  first: AuditEventInput,
  now: number,
  opener: object,
): OpenBatch {
  const events = [first];
  const batch: OpenBatch = {
    opener,
    events,
    openedAt: now,
    sent: false,
    close: () => {
      if (byChain.get(chain) === batch) byChain.delete(chain);
    },
    joined: new Map(),
    delivered: new Promise<void>((resolve) => setTimeout(resolve, HAND_OFF_WINDOW_MS)).then(() => {
      batch.sent = true;
      // Closed before it is sent: an event recorded from now on waits for the next batch.
      batch.close();
      return handOff(ns, chain, events);
    }),
  };
  byChain.set(chain, batch);
  return batch;
}

/** The batch's delivery, or this request's own hand-off of its events if the batch never left. */
function deliveredOrOwn(batch: OpenBatch, own: () => Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fallback = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      // A batch that left is waited for (the race below); one that did not is
      // closed here, not by the clock alone: Date.now() in a Worker moves only with I/O.
      if (batch.sent) return;
      batch.close();
      resolve(own());
    }, HAND_OFF_FALLBACK_MS);
  });
  return Promise.race([batch.delivered.finally(() => clearTimeout(timer)), fallback]);
}
