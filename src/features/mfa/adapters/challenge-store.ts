import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";
import { parseStored } from "../../../adapters/redis/json-value";
import type { MfaChallengeStore, PendingSecondFactor } from "../ports";

/**
 * `mfa_token`s in Redis under the SHA-256 of the token, with a try counter
 * beside each. `take` is one GETDEL; the counter is one INCR.
 */
const Pending = z.object({
  userId: z.string(),
  emailVerified: z.boolean(),
  credentialEpoch: z.string().max(64).nullable().optional(),
  how: z.object({
    method: z.string(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    transport: z.enum(["body", "cookie"]).optional(),
    successEvent: z.string().optional(),
    amr: z.array(z.string()).optional(),
    details: z.record(z.string(), z.string()).optional(),
  }),
});

const key = (hash: string) => `mfa:tok:${hash}`;
const triesKey = (hash: string) => `mfa:tries:${hash}`;

export function createRedisMfaChallengeStore(redis: Redis): MfaChallengeStore {
  const parse = (raw: unknown) => parseStored(raw, Pending) as PendingSecondFactor | null;
  return {
    async save(tokenHash, pending, ttlSeconds) {
      await redis.set(key(tokenHash), JSON.stringify(pending), { ex: ttlSeconds });
    },
    peek: async (tokenHash) => parse(await redis.get(key(tokenHash))),
    async countAttempt(tokenHash, ttlSeconds) {
      const [count] = await redis
        .pipeline()
        .incr(triesKey(tokenHash))
        .expire(triesKey(tokenHash), ttlSeconds)
        .exec<[number, number]>();
      return count;
    },
    take: async (tokenHash) => parse(await redis.getdel(key(tokenHash))),
  };
}
