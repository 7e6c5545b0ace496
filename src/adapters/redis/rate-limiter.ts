import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis/cloudflare";
import type { LimitBucket, LimitResult, RateLimiter } from "../../ports";

/** One bucket's sliding window over `redis`: one atomic Lua script per check. */
export function slidingWindow(
  redis: Redis,
  bucket: LimitBucket,
  rule: { limit: number; windowSeconds: number },
  timeoutMs: number,
): Ratelimit {
  return new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(rule.limit, `${rule.windowSeconds} s`),
    prefix: `rl:${bucket}`,
    ephemeralCache: false,
    analytics: false,
    // The library's telemetry only tags the client (ours sends none), but
    // checking whether it may reads process.env on every limiter built: 33 µs
    // a refresh, 1.7 % of the isolate's busy time (npm run bench:profile -- refresh).
    enableTelemetry: false,
    // After this the library lets the request through with reason "timeout";
    // callers decide per endpoint whether that means open or closed.
    timeout: timeoutMs,
  });
}

/** The port's view of the library's answer. */
export function limitResultOf(r: Awaited<ReturnType<Ratelimit["limit"]>>): LimitResult {
  return {
    allowed: r.success,
    limit: r.limit,
    remaining: r.remaining,
    resetAt: r.reset,
    timedOut: r.reason === "timeout",
  };
}

/**
 * The RateLimiter port over @upstash/ratelimit's sliding windows: each check is
 * one atomic Lua script in Redis, shared by every isolate (no in-memory limiter).
 * The library's in-isolate "ephemeral cache" is off, so every decision is Redis's.
 */
export function createUpstashRateLimiter(
  redis: Redis,
  limits: Record<LimitBucket, { limit: number; windowSeconds: number }>,
  timeoutMs: number,
): RateLimiter {
  const limiters = new Map<LimitBucket, Ratelimit>();
  const limiter = (bucket: LimitBucket): Ratelimit => {
    let rl = limiters.get(bucket);
    if (!rl) {
      rl = slidingWindow(redis, bucket, limits[bucket], timeoutMs);
      limiters.set(bucket, rl);
    }
    return rl;
  };

  return {
    async consume(bucket, key): Promise<LimitResult> {
      return limitResultOf(await limiter(bucket).limit(key));
    },

    async refund(bucket, key) {
      // @upstash/ratelimit's scripts take a negative rate as a refund: the
      // current window's count goes down by one, with no limit check.
      await limiter(bucket).limit(key, { rate: -1 });
    },
  };
}
