// workerd freezes Date.now() and performance.now() while JavaScript runs (a
// Spectre mitigation, as on Cloudflare): the clock moves only across I/O. A
// zero-delay timer is enough I/O to read it, so every timed batch is bracketed
// by one, and callers subtract an empty batch measured the same way.
export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Wall time (ms) of `n` sequential awaited calls of `op`, bracketed by ticks. */
export async function timeBatch(n: number, op: () => unknown): Promise<number> {
  await tick();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await op();
  await tick();
  return performance.now() - t0;
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
