import type { CpuPerRequest } from "./cpu.ts";

/** Summary statistics over latency samples (ms). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export const round = (x: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function median(xs: readonly number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

/** The common shape of every throughput scenario's result. */
export interface LoadResult {
  tool: string;
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses with a status other than the expected one, and transport errors. */
  errors: number;
  statuses?: Record<string, number>;
  cpu?: CpuPerRequest;
  /** An open loop's arrivals per second (open-loop.ts); a closed loop has none. */
  offeredRps?: number;
  /** Run in interleaved segments (rounds of A B B A): each segment's req/s, in run order. */
  segmentsRps?: number[];
  /** The same, from results recorded when a run had exactly two halves. */
  halvesRps?: [number, number];
  /**
   * Every request's latency (ms), from the bench's own loops, so that segments
   * of one scenario give percentiles over all their requests; wrk reports
   * percentiles only. Never written to a results file (resultsJson).
   */
  samplesMs?: number[];
}

/**
 * Percentiles of several segments of one scenario: over all their requests
 * when every segment kept its samples, else the mean of the segments' own.
 */
export function pooledPercentiles(parts: readonly LoadResult[]): {
  p50Ms: number;
  p99Ms: number;
  samplesMs?: number[];
} {
  if (parts.length > 0 && parts.every((x) => x.samplesMs)) {
    const samplesMs = parts.flatMap((x) => x.samplesMs as number[]);
    const sorted = [...samplesMs].sort((a, b) => a - b);
    return {
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      samplesMs,
    };
  }
  const mean = (f: (x: LoadResult) => number) =>
    round(parts.reduce((a, x) => a + f(x), 0) / Math.max(1, parts.length));
  return { p50Ms: mean((x) => x.p50Ms), p99Ms: mean((x) => x.p99Ms) };
}

/** A results file's JSON: the raw samples stay out (the percentiles are in). */
export const resultsJson = (value: unknown): string =>
  `${JSON.stringify(value, (key, v) => (key === "samplesMs" ? undefined : v), 2)}\n`;

/**
 * A load loop's result: percentiles over every request it timed (`latencies`),
 * throughput over the successes only; failures are reported as errors.
 */
export function summarize(
  tool: string,
  connections: number,
  seconds: number,
  latencies: number[],
  errors: number,
  statuses: Record<string, number>,
): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const successes = latencies.length - errors;
  return {
    tool,
    connections,
    seconds: round(seconds),
    requests: successes,
    rps: round(successes / Math.max(seconds, 1e-3), 1),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    errors,
    statuses,
    samplesMs: latencies,
  };
}
