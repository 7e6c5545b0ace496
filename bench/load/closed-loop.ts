import { type LoadResult, summarize } from "./stats.ts";

export interface Step {
  /** Whether the response was the expected success. */
  ok: boolean;
  status: number;
  /** Stop this worker (e.g. its refresh token is dead and cannot be replaced). */
  stop?: boolean;
}

/** Called as the measured window opens and closes: CPU read there covers the same requests. */
export interface Window {
  open(): void;
  close(): void;
}

/**
 * N concurrent workers, each looping "send, wait for the answer, send again".
 * An unmeasured warm-up comes first: a time, or a number of completed requests
 * (for a finite pool of prepared requests, which a timed warm-up could use up).
 * The measured window then lasts `seconds`, or ends sooner once every worker
 * has stopped (`step` answered null: its pool ran dry). Requests that complete
 * inside the window count, and throughput is over the window's real length.
 */
export async function closedLoop(opts: {
  tool: string;
  workers: number;
  seconds: number;
  warmup: { seconds: number } | { requests: number };
  /** One request; null when there is nothing left to send (nothing is counted). */
  step: (worker: number) => Promise<Step | null>;
  window?: Window;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let warmed = 0;
  let openedAt: number | null = null;
  let closedAt: number | null = null;
  let closeTimer: NodeJS.Timeout | undefined;
  const close = () => {
    if (openedAt === null || closedAt !== null) return;
    closedAt = performance.now();
    clearTimeout(closeTimer);
    opts.window?.close();
  };
  const open = () => {
    if (openedAt !== null) return;
    openedAt = performance.now();
    opts.window?.open();
    closeTimer = setTimeout(close, opts.seconds * 1000);
  };
  const warmup = opts.warmup;
  const openTimer = "seconds" in warmup ? setTimeout(open, warmup.seconds * 1000) : undefined;
  if ("requests" in warmup && warmup.requests <= 0) open();

  await Promise.all(
    Array.from({ length: opts.workers }, async (_, worker) => {
      while (closedAt === null) {
        const t0 = performance.now();
        let step: Step | null;
        try {
          step = await opts.step(worker);
        } catch {
          step = { ok: false, status: 0 };
        }
        if (step === null) return;
        const t1 = performance.now();
        // Completions inside the window count (throughput = completions per second).
        if (openedAt !== null && closedAt === null) {
          latencies.push(t1 - t0);
          statuses[step.status] = (statuses[step.status] ?? 0) + 1;
          if (!step.ok) errors++;
        } else if (openedAt === null && "requests" in warmup && ++warmed >= warmup.requests) {
          open();
        }
        if (step.stop) return;
      }
    }),
  );
  clearTimeout(openTimer);
  if (openedAt === null) {
    throw new Error(`${opts.tool}: every worker stopped during the warm-up (pool too small?)`);
  }
  close();
  const seconds = ((closedAt ?? openedAt) - openedAt) / 1000;
  return summarize(opts.tool, opts.workers, seconds, latencies, errors, statuses);
}
