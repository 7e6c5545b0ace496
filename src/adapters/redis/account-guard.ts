import type { Redis } from "@upstash/redis/cloudflare";
import type { AccountGuard } from "../../ports";

// Failures are forgotten a day after the last one; known networks after 30 days.
const FAILURE_TTL_SECONDS = 86_400;
const KNOWN_NETWORK_TTL_SECONDS = 30 * 86_400;

const failuresKey = (account: string) => `af:${account}`;
const knownKey = (account: string) => `kip:${account}`;

/**
 * The decision and the count in one script, so no concurrent attempt can slip
 * between reading the streak and adding to it. KEYS: the failure hash (n, t)
 * and the known-network set. ARGV: network, now (ms), max failures, TTL, then
 * the wait in ms for max, max+1, … failures. Returns 0 when reserved, else the
 * time (ms) the account may be tried again.
 */
const RESERVE = `
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
local max = tonumber(ARGV[3])
if n >= max and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then
  local step = math.min(n - max, #ARGV - 5)
  local retryAt = tonumber(redis.call('HGET', KEYS[1], 't') or '0') + tonumber(ARGV[5 + step])
  if tonumber(ARGV[2]) < retryAt then return retryAt end
end
redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('HSET', KEYS[1], 't', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 0`;

/** One failure fewer, unless the streak is already gone (expired or ended by a success). */
const RELEASE = `
if redis.call('HEXISTS', KEYS[1], 'n') == 1 then redis.call('HINCRBY', KEYS[1], 'n', -1) end
return 1`;

/** Account keys are hashes of the email (auth/throttle.ts), so Redis holds no addresses. */
export function createRedisAccountGuard(redis: Redis): AccountGuard {
  return {
    async reserve(account, network, nowMs, policy) {
      const retryAt = await redis.eval<string[], number>(
        RESERVE,
        [failuresKey(account), knownKey(account)],
        [
          network,
          String(nowMs),
          String(policy.maxFailures),
          String(FAILURE_TTL_SECONDS),
          ...policy.backoffMs.map(String),
        ],
      );
      return Number(retryAt) === 0
        ? { allowed: true }
        : { allowed: false, retryAtMs: Number(retryAt) };
    },

    async release(account) {
      await redis.eval(RELEASE, [failuresKey(account)], []);
    },

    async recordSuccess(account, network) {
      const p = redis.pipeline();
      p.del(failuresKey(account));
      p.sadd(knownKey(account), network);
      p.expire(knownKey(account), KNOWN_NETWORK_TTL_SECONDS);
      await p.exec();
    },

    async clearFailures(account) {
      await redis.del(failuresKey(account));
    },
  };
}
