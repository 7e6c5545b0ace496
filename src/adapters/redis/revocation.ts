import type { Redis } from "@upstash/redis/cloudflare";
import { familyStartedAt } from "../../auth/refresh/refresh-token";
import type { RevocationList } from "../../ports";

/** Where a revoked session's deny entry lives. */
export const sidKey = (sid: string) => `rv:sid:${sid}`;
/** Where a user's not-before lives (see RAISE_NOT_BEFORE). */
export const nbfKey = (userId: string) => `rv:nbf:${userId}`;

/**
 * Only ever raised, atomically in one script: two racing logout-alls keep the
 * later time (a GET then SET from here could lower it). The value is
 * `<ms>` or `<ms>:<session id to spare>`; the time alone orders them, and a
 * call at the same millisecond is the later one: its exception (or none)
 * replaces the stored one, so a logout-all right after a password change in
 * the same millisecond still ends the session that change kept.
 */
const RAISE_NOT_BEFORE = `
local cur = tonumber(string.match(redis.call('GET', KEYS[1]) or '0', '^%d+') or '0')
if tonumber(ARGV[1]) >= cur then redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[2]) end
return 1`;

/** What a stored exception may look like: a refresh family id (and then some). */
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A stored value: `<ms>` or `<ms>:<session id>`, the id as SESSION_ID allows. */
const STORED = /^(\d+)(?::([A-Za-z0-9_-]{1,64}))?$/;

/** A stored not-before: Upstash's client hands a bare number back as a number. */
function parseNotBefore(value: unknown): { atMs: number; except: string | null } | null {
  if (value === null || value === undefined) return null;
  const match = STORED.exec(String(value));
  if (!match) return null;
  return { atMs: Number(match[1]), except: match[2] ?? null };
}

/** Whether a session is ended by its user's not-before. */
function endedBy(notBefore: ReturnType<typeof parseNotBefore>, sid: string): boolean {
  if (!notBefore || notBefore.except === sid) return false;
  // Sessions started at or before the user's logout-all are dead (ms precision).
  const startedAt = familyStartedAt(sid);
  return startedAt === null || startedAt <= notBefore.atMs;
}

/** A stored not-before as it applies to one session: its time, or null (none, or this session is spared). */
export function notBeforeApplying(stored: unknown, sessionId: string): number | null {
  const notBefore = parseNotBefore(stored);
  return notBefore && notBefore.except !== sessionId ? notBefore.atMs : null;
}

export function createRedisRevocationList(redis: Redis): RevocationList {
  return {
    async revokeSession(sessionId, ttlSeconds) {
      await redis.set(sidKey(sessionId), 1, { ex: ttlSeconds });
    },

    async setUserNotBefore(userId, atMs, ttlSeconds, exceptSessionId) {
      // A value that could not be read back would read as "no not-before":
      // refuse it here rather than fail open later.
      if (exceptSessionId !== undefined && !SESSION_ID.test(exceptSessionId)) {
        throw new RangeError("not a session id");
      }
      const value = exceptSessionId ? `${atMs}:${exceptSessionId}` : String(atMs);
      await redis.eval(
        RAISE_NOT_BEFORE,
        [nbfKey(userId)],
        [String(atMs), String(ttlSeconds), value],
      );
    },

    async userNotBefore(userId) {
      return parseNotBefore(await redis.get(nbfKey(userId)))?.atMs ?? null;
    },

    async notBeforeFor(userId, sessionId) {
      return notBeforeApplying(await redis.get(nbfKey(userId)), sessionId);
    },

    async isRevoked({ sid, sub }) {
      const [denied, notBefore] = await redis.mget<[number | null, unknown]>(
        sidKey(sid),
        nbfKey(sub),
      );
      if (denied !== null) return true;
      return endedBy(parseNotBefore(notBefore), sid);
    },
  };
}
