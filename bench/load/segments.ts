import type { CpuGroups, CpuPerRequest } from "./cpu.ts";
import { type LoadResult, pooledPercentiles, round } from "./stats.ts";

/**
 * One result of several segments of the same scenario (the A B B A rounds of
 * `npm run bench`, the halves of `bench:ab`): throughput over all of them,
 * percentiles over all their requests where the samples were kept, errors and
 * statuses summed, CPU per request weighted by each segment's requests.
 */
export function mergeSegments(parts: readonly LoadResult[]): LoadResult {
  const [first] = parts;
  if (!first) throw new Error("no segments");
  const sum = (f: (x: LoadResult) => number) => parts.reduce((a, x) => a + f(x), 0);
  const requests = sum((x) => x.requests);
  const seconds = sum((x) => x.seconds);
  const withCpu = parts.every((x) => x.cpu) && requests > 0;
  return {
    ...first,
    seconds,
    requests,
    rps: round(requests / seconds, 1),
    ...pooledPercentiles(parts),
    errors: sum((x) => x.errors),
    statuses: sumCounts(parts.map((x) => x.statuses ?? {})),
    cpu: withCpu ? mergedCpu(parts, requests) : undefined,
    segmentsRps: parts.map((x) => x.rps),
  };
}

function sumCounts(counts: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const c of counts) for (const [k, n] of Object.entries(c)) sum[k] = (sum[k] ?? 0) + n;
  return sum;
}

/** CPU per request over the segments, weighted by their request counts. */
function mergedCpu(parts: readonly LoadResult[], requests: number): CpuPerRequest {
  const cpus = parts.map((x) => x.cpu as CpuPerRequest);
  const keys = Object.keys(cpus[0]?.microsecondsPerRequest ?? {}) as Array<keyof CpuGroups>;
  const weighted = (k: keyof CpuGroups) =>
    round(
      parts.reduce((a, x, i) => a + (cpus[i]?.microsecondsPerRequest[k] ?? 0) * x.requests, 0) /
        requests,
      0,
    );
  return {
    microsecondsPerRequest: Object.fromEntries(
      keys.map((k) => [k, weighted(k)]),
    ) as unknown as CpuGroups,
    machineBusy: round(cpus.reduce((a, c) => a + c.machineBusy, 0) / cpus.length),
  };
}
