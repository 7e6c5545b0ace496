import { type LoadResult, summarize } from "./stats.ts";

export interface Step {
  /** Whether the response was the expected success. */
  ok: boolean;
  status: number;
  /** Stop this worker (e.g. its refresh token is dead and cannot be replaced). */
  stop?: boolean;
}

/**
 * N concurrent workers, each looping "send, wait for the answer, send again"
 * for a bounded time. Requests that complete inside the measured window count.
 */
export async function closedLoop(opts: {
  tool: string;
  workers: number;
  seconds: number;
  warmupSeconds: number;
  step: (worker: number) => Promise<Step>;
}): Promise<LoadResult> {
  const start = performance.now();
  const measureFrom = start + opts.warmupSeconds * 1000;
  const deadline = measureFrom + opts.seconds * 1000;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  await Promise.all(
    Array.from({ length: opts.workers }, async (_, worker) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        if (t0 >= deadline) return;
        let step: Step;
        try {
          step = await opts.step(worker);
        } catch {
          step = { ok: false, status: 0 };
        }
        const t1 = performance.now();
        // Completions inside the window count (throughput = completions per second).
        if (t1 >= measureFrom && t1 <= deadline) {
          latencies.push(t1 - t0);
          statuses[step.status] = (statuses[step.status] ?? 0) + 1;
          if (!step.ok) errors++;
        }
        if (step.stop) return;
      }
    }),
  );
  // Only successes count as throughput; failures are reported as errors.
  const successes = latencies.length - errors;
  const result = summarize(opts.tool, opts.workers, opts.seconds, latencies, errors, statuses);
  return { ...result, requests: successes, rps: Math.round((successes / opts.seconds) * 10) / 10 };
}
