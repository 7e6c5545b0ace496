import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";
import { parseStored } from "../../../adapters/redis/json-value";
import type { PasskeyFlow, PasskeyFlowStore } from "../ports";

/** Ceremonies in Redis under the SHA-256 of their flow id; taken with one GETDEL. */
const Flow = z.object({
  purpose: z.enum(["register", "login"]),
  challenge: z.string(),
  userId: z.string().nullable(),
});

const key = (hash: string) => `pk:flow:${hash}`;

export function createRedisPasskeyFlowStore(redis: Redis): PasskeyFlowStore {
  return {
    async save(flowHash, flow: PasskeyFlow, ttlSeconds) {
      await redis.set(key(flowHash), JSON.stringify(flow), { ex: ttlSeconds });
    },
    take: async (flowHash) => parseStored(await redis.getdel<unknown>(key(flowHash)), Flow),
  };
}
