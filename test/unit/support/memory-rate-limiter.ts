// An in-memory RateLimiter for unit tests: a sliding log of hits per bucket and
// key. It passes the same contract as the Upstash adapter on real Redis
// (test/contract/rate-limiter.ts), made with the same per-bucket limits.
import type { LimitBucket, LimitResult, RateLimiter } from "../../../src/ports";

export type RateLimits = Record<LimitBucket, { limit: number; windowSeconds: number }>;

export function memoryRateLimiter(
  limits: RateLimits,
  opts: { now?: () => number } = {},
): RateLimiter {
  const now = opts.now ?? Date.now;
  const hits = new Map<string, number[]>(); // `${bucket} ${key}` -> hit times, oldest first
  const live = (bucket: LimitBucket, key: string) => {
    const id = `${bucket} ${key}`;
    const windowMs = limits[bucket].windowSeconds * 1000;
    const kept = (hits.get(id) ?? []).filter((t) => t > now() - windowMs);
    hits.set(id, kept);
    return kept;
  };
  return {
    async consume(bucket, key): Promise<LimitResult> {
      const { limit, windowSeconds } = limits[bucket];
      const log = live(bucket, key);
      const allowed = log.length < limit;
      if (allowed) log.push(now());
      return {
        allowed,
        limit,
        remaining: limit - log.length,
        resetAt: (log[0] ?? now()) + windowSeconds * 1000,
        timedOut: false,
      };
    },
    async refund(bucket, key) {
      live(bucket, key).pop();
    },
  };
}
