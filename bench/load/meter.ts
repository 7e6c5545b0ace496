// CPU per request around a measured load, for both kinds of load generator:
// wrk/autocannon runs (their warm-up is a separate, unmeasured run) and closed
// loops (their warm-up runs inside the loop, so the snapshots are taken where
// the loop's measured window opens and closes, not around the whole call).
import type { Window } from "./closed-loop.ts";
import { type CpuSnapshot, cpuPerRequest, cpuSnapshot } from "./cpu.ts";
import type { LoadResult } from "./stats.ts";

export interface Meter {
  /** A run whose whole duration is measured. */
  around(run: () => Promise<LoadResult>): Promise<LoadResult>;
  /** A closed loop: CPU over its measured window only. */
  window(run: (window: Window) => Promise<LoadResult>): Promise<LoadResult>;
}

export function createMeter(pids: {
  workerd: number;
  databases: readonly string[];
  /** The bench's OIDC provider process, counted apart from the stack's Node process. */
  provider?: number;
}): Meter {
  const snapshot = () => cpuSnapshot(pids.workerd, pids.databases, pids.provider);
  return {
    async around(run) {
      const before = snapshot();
      const result = await run();
      return { ...result, cpu: cpuPerRequest(before, snapshot(), result.requests) };
    },
    async window(run) {
      let before: CpuSnapshot | undefined;
      let after: CpuSnapshot | undefined;
      const result = await run({
        open: () => {
          before = snapshot();
        },
        close: () => {
          after = snapshot();
        },
      });
      if (!before || !after) throw new Error(`${result.tool}: the measured window never closed`);
      return { ...result, cpu: cpuPerRequest(before, after, result.requests) };
    },
  };
}
