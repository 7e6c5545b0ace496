import type { Step, Window } from "./closed-loop.ts";
import { type LoadResult, summarize } from "./stats.ts";

/**
 * Requests arrive at a fixed rate whatever the server does: an open loop, the
 * way independent users arrive. A closed loop of N workers at saturation only
 * measures its own queue (Little's law: N / throughput on average), and when
 * the server stalls it stops sending, so the stall is counted once instead of
 * in every request that would have arrived during it ("coordinated omission").
 * Here each request's latency runs from its scheduled arrival, so a client-side
 * wait counts too.
 *
 * Each arrival takes an idle worker (for a rotation, a session: one request in
 * flight per session); with none idle it queues, in arrival order. Arrivals
 * during the warm-up are sent but not counted; those scheduled in the measured
 * `seconds` are counted when they complete, and the window closes once the
 * last of them has. If the server cannot keep up, the queue grows and so do
 * the latencies: `offeredRps` above `rps` says so.
 */
export async function openLoop(opts: {
  tool: string;
  workers: number;
  /** Arrivals per second. */
  rps: number;
  seconds: number;
  warmupSeconds: number;
  step: (worker: number) => Promise<Step | null>;
  window?: Window;
}): Promise<LoadResult> {
  if (!(opts.rps > 0)) throw new Error(`${opts.tool}: the arrival rate must be positive`);
  const start = performance.now();
  const measuredFrom = start + opts.warmupSeconds * 1000;
  const end = measuredFrom + opts.seconds * 1000;
  const interval = 1000 / opts.rps;

  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let opened = false;
  const idle = Array.from({ length: opts.workers }, (_, w) => opts.workers - 1 - w);
  let stopped = 0;
  /** Scheduled arrival times not yet sent, oldest first from `head`. */
  const queue: number[] = [];
  let head = 0;
  let scheduled = 0;
  let inFlight = 0;
  let allScheduled = false;
  let failed = false;

  await new Promise<void>((resolve, reject) => {
    // Over once every arrival is scheduled and answered (warm-up ones too, so
    // no request of this run is still in flight when the next run starts).
    const settle = () => {
      const pending = head < queue.length || !allScheduled;
      if (stopped === opts.workers && pending) {
        failed = true;
        reject(new Error(`${opts.tool}: every worker stopped with arrivals still to send`));
      } else if (allScheduled && head === queue.length && inFlight === 0) {
        resolve();
      }
    };
    const send = (worker: number, arrival: number) => {
      const counted = arrival >= measuredFrom;
      inFlight++;
      void opts
        .step(worker)
        .catch((): Step => ({ ok: false, status: 0 }))
        .then((step) => {
          inFlight--;
          if (counted) {
            latencies.push(performance.now() - arrival);
            if (step) statuses[step.status] = (statuses[step.status] ?? 0) + 1;
            if (!step?.ok) errors++;
          }
          if (step === null || step.stop) stopped++;
          else idle.push(worker);
          dispatch();
          settle();
        });
    };
    const dispatch = () => {
      while (head < queue.length && idle.length > 0) {
        send(idle.pop() as number, queue[head++] as number);
      }
    };
    // Node's timers fire at best every millisecond: each tick enqueues every
    // arrival that has come due since the last, stamped with its own time.
    const tick = () => {
      const now = performance.now();
      if (!opened && now >= measuredFrom) {
        opened = true;
        opts.window?.open();
      }
      for (let at = start + scheduled * interval; at <= now && at < end; ) {
        queue.push(at);
        scheduled++;
        at = start + scheduled * interval;
      }
      allScheduled = start + scheduled * interval >= end;
      dispatch();
      settle();
      if (!allScheduled && !failed) setTimeout(tick, 1);
    };
    tick();
  });
  const closedAt = performance.now();
  opts.window?.close();
  // Throughput over the time from the window's opening to the last counted answer.
  const seconds = (closedAt - measuredFrom) / 1000;
  return {
    ...summarize(opts.tool, opts.workers, seconds, latencies, errors, statuses),
    offeredRps: opts.rps,
  };
}
