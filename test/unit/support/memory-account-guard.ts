// An in-memory AccountGuard for unit tests. It passes the same contract as the
// Redis adapter (test/contract/account-guard.ts); it keeps no TTLs (the real
// guard forgets a streak a day after its last failure).
import type { AccountGuard } from "../../../src/ports";

export function memoryAccountGuard(): AccountGuard {
  const streaks = new Map<string, { n: number; lastAt: number }>();
  const known = new Map<string, Set<string>>();
  return {
    async reserve(account, network, nowMs, policy) {
      const streak = streaks.get(account) ?? { n: 0, lastAt: 0 };
      if (streak.n >= policy.maxFailures && !known.get(account)?.has(network)) {
        const step = Math.min(streak.n - policy.maxFailures, policy.backoffMs.length - 1);
        const retryAtMs = streak.lastAt + (policy.backoffMs[step] ?? 0);
        if (nowMs < retryAtMs) return { allowed: false, retryAtMs };
      }
      streaks.set(account, { n: streak.n + 1, lastAt: nowMs });
      return { allowed: true };
    },
    async release(account) {
      const streak = streaks.get(account);
      if (streak) streak.n -= 1;
    },
    async recordSuccess(account, network) {
      streaks.delete(account);
      known.set(account, (known.get(account) ?? new Set()).add(network));
    },
    async clearFailures(account) {
      streaks.delete(account);
    },
  };
}
