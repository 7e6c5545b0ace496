import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";
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
    async take(flowHash) {
      const raw = await redis.getdel<unknown>(key(flowHash));
      if (raw === null || raw === undefined) return null;
      let value = raw;
      if (typeof raw === "string") {
        try {
          value = JSON.parse(raw);
        } catch {
          return null;
        }
      }
      const parsed = Flow.safeParse(value);
      return parsed.success ? parsed.data : null;
    },
  };
}
