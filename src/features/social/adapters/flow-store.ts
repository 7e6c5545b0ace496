import type { Redis } from "@upstash/redis/cloudflare";
import { z } from "zod";
import { parseStored } from "../../../adapters/redis/json-value";
import type {
  AppCodeGrant,
  LinkTicket,
  OAuthFlowStore,
  PendingAuthorization,
  PendingLink,
} from "../ports";

/**
 * Started authorizations and app codes in Redis, keyed by the SHA-256 of the
 * state or code (a leaked key set reveals nothing usable). `take` is one
 * GETDEL: of any number of concurrent callbacks with one state, exactly one
 * gets the flow. Values are read back through a schema, so a malformed entry
 * is treated as absent rather than trusted.
 */
const Flow = z.object({
  provider: z.string(),
  redirectUri: z.string(),
  appState: z.string().nullable(),
  codeChallenge: z.string().nullable(),
  codeVerifier: z.string(),
  nonce: z.string().nullable(),
  linkUserId: z.string().nullable(),
  browserBinding: z.string(),
});

const Ticket = z.object({
  provider: z.string(),
  redirectUri: z.string(),
  appState: z.string().nullable(),
  userId: z.string(),
  codeChallenge: z.string(),
});

const Link = z.object({
  userId: z.string(),
  provider: z.string(),
  subject: z.string(),
  email: z.string().nullable(),
  codeChallenge: z.string(),
});

const Code = z.object({
  userId: z.string(),
  emailVerified: z.boolean(),
  provider: z.string(),
  codeChallenge: z.string(),
});

const flowKey = (hash: string) => `oauth:flow:${hash}`;
const codeKey = (hash: string) => `oauth:code:${hash}`;
const ticketKey = (hash: string) => `oauth:link:${hash}`;
const linkCodeKey = (hash: string) => `oauth:link-code:${hash}`;

export function createRedisFlowStore(redis: Redis): OAuthFlowStore {
  const take = async <T>(key: string, schema: z.ZodType<T>): Promise<T | null> =>
    parseStored(await redis.getdel<unknown>(key), schema);
  return {
    async save(stateHash, flow: PendingAuthorization, ttlSeconds) {
      await redis.set(flowKey(stateHash), JSON.stringify(flow), { ex: ttlSeconds });
    },
    take: (stateHash) => take(flowKey(stateHash), Flow),
    async saveCode(codeHash, grant: AppCodeGrant, ttlSeconds) {
      await redis.set(codeKey(codeHash), JSON.stringify(grant), { ex: ttlSeconds });
    },
    takeCode: (codeHash) => take(codeKey(codeHash), Code),
    async saveLinkTicket(ticketHash, ticket: LinkTicket, ttlSeconds) {
      await redis.set(ticketKey(ticketHash), JSON.stringify(ticket), { ex: ttlSeconds });
    },
    takeLinkTicket: (ticketHash) => take(ticketKey(ticketHash), Ticket),
    async saveLinkCode(codeHash, link: PendingLink, ttlSeconds) {
      await redis.set(linkCodeKey(codeHash), JSON.stringify(link), { ex: ttlSeconds });
    },
    takeLinkCode: (codeHash) => take(linkCodeKey(codeHash), Link),
  };
}
