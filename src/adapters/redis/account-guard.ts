import type { Redis } from "@upstash/redis/cloudflare";
import type { AccountGuard } from "../../ports";

// Failures are forgotten a day after the last one; known IPs after 30 days.
const FAILURE_TTL_SECONDS = 86_400;
const KNOWN_IP_TTL_SECONDS = 30 * 86_400;

const failuresKey = (account: string) => `af:${account}`;
const knownKey = (account: string) => `kip:${account}`;

/** Account keys are hashes of the email (auth/throttle.ts), so Redis holds no addresses. */
export function createRedisAccountGuard(redis: Redis): AccountGuard {
  return {
    async state(account, ip) {
      const p = redis.pipeline();
      p.hmget<{ n: string | null; t: string | null }>(failuresKey(account), "n", "t");
      p.sismember(knownKey(account), ip);
      const [failures, known] =
        await p.exec<[{ n: string | null; t: string | null } | null, number]>();
      return {
        failures: Number(failures?.n ?? 0),
        lastFailureAt: Number(failures?.t ?? 0),
        knownIp: known === 1,
      };
    },

    async recordFailure(account, atMs) {
      const p = redis.pipeline();
      p.hincrby(failuresKey(account), "n", 1);
      p.hset(failuresKey(account), { t: atMs });
      p.expire(failuresKey(account), FAILURE_TTL_SECONDS);
      await p.exec();
    },

    async recordSuccess(account, ip) {
      const p = redis.pipeline();
      p.del(failuresKey(account));
      p.sadd(knownKey(account), ip);
      p.expire(knownKey(account), KNOWN_IP_TTL_SECONDS);
      await p.exec();
    },

    async clearFailures(account) {
      await redis.del(failuresKey(account));
    },
  };
}
