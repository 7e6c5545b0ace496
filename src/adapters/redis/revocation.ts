import type { Redis } from "@upstash/redis/cloudflare";
import { familyStartedAt } from "../../auth/refresh/refresh-token";
import type { RevocationList } from "../../ports";

const sidKey = (sid: string) => `rv:sid:${sid}`;
const nbfKey = (userId: string) => `rv:nbf:${userId}`;

export function createRedisRevocationList(redis: Redis): RevocationList {
  return {
    async revokeSession(sessionId, ttlSeconds) {
      await redis.set(sidKey(sessionId), 1, { ex: ttlSeconds });
    },

    async setUserNotBefore(userId, atMs, ttlSeconds) {
      // Only ever raised, atomically in one script: two racing logout-alls keep
      // the later time (a GET then SET from here could lower it).
      await redis.eval(
        "local cur = tonumber(redis.call('GET', KEYS[1]) or '0') if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end return 1",
        [nbfKey(userId)],
        [String(atMs), String(ttlSeconds)],
      );
    },

    async userNotBefore(userId) {
      const value = await redis.get<number | string>(nbfKey(userId));
      return value === null ? null : Number(value);
    },

    async isRevoked({ sid, sub }) {
      const [denied, notBefore] = await redis.mget<[number | null, number | string | null]>(
        sidKey(sid),
        nbfKey(sub),
      );
      if (denied !== null) return true;
      if (notBefore === null) return false;
      // Sessions started at or before the user's logout-all are dead (ms precision).
      const startedAt = familyStartedAt(sid);
      return startedAt === null || startedAt <= Number(notBefore);
    },
  };
}
