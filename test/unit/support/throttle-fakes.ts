// In-memory stand-ins for the throttle's ports, for unit tests of code that
// checks passwords. They record what they were asked; the real decisions are
// Redis scripts, tested against real Redis in test/worker/rate-limits.test.ts.
import type { AttemptSource } from "../../../src/auth/password-check";
import type { LoginThrottleDeps } from "../../../src/auth/throttle";
import type { AccountGuard, LimitBucket, LimitResult, RateLimiter } from "../../../src/ports";

export const NOW = 1_800_000_000_000;

export const SOURCE: AttemptSource = { ip: "198.51.100.1", network: "198.51.100.1" };

export interface ThrottleOptions {
  ipAllowed?: boolean;
  pairAllowed?: boolean;
  timedOut?: boolean;
  /** The account guard refuses (its backoff runs). */
  accountThrottled?: boolean;
}

export function throttleFakes(opts: ThrottleOptions = {}) {
  const calls: string[] = [];
  const result = (allowed: boolean): LimitResult => ({
    allowed,
    limit: 10,
    remaining: allowed ? 5 : 0,
    resetAt: NOW + 60_000,
    timedOut: opts.timedOut ?? false,
  });
  const allowedFor: Record<string, boolean> = {
    login_ip: opts.ipAllowed ?? true,
    login_failures: opts.pairAllowed ?? true,
  };
  const limiter: RateLimiter = {
    consume: async (bucket: LimitBucket) => {
      calls.push(`consume:${bucket}`);
      return result(allowedFor[bucket] ?? true);
    },
    refund: async (bucket: LimitBucket) => {
      calls.push(`refund:${bucket}`);
    },
  };
  const guard: AccountGuard = {
    reserve: async () => {
      calls.push("reserve");
      return opts.accountThrottled
        ? { allowed: false, retryAtMs: NOW + 120_000 }
        : { allowed: true };
    },
    release: async () => {
      calls.push("release");
    },
    recordSuccess: async () => {
      calls.push("success");
    },
    clearFailures: async () => {},
  };
  const deps: LoginThrottleDeps = { limiter, guard, clock: { now: () => NOW }, maxFailures: 100 };
  return { deps, calls };
}
