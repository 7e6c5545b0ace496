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
}

export function summarize(
  tool: string,
  connections: number,
  seconds: number,
  latencies: number[],
  errors: number,
  statuses: Record<string, number>,
): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    tool,
    connections,
    seconds: round(seconds),
    requests: latencies.length,
    rps: round(latencies.length / seconds, 1),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    errors,
    statuses,
  };
}
