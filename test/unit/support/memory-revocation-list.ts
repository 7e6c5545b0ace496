// An in-memory RevocationList for unit tests. It passes the same contract as the
// Redis adapter (test/contract/revocation-list.ts). `before` hooks run first in
// each call, with its arguments: a test records the call there, or throws to
// make it fail (as an unreachable Redis would), and nothing is changed.
import { familyStartedAt } from "../../../src/auth/refresh/refresh-token";
import type { RevocationList } from "../../../src/ports";

export type RevocationListHooks = {
  [K in keyof RevocationList]?: (...args: Parameters<RevocationList[K]>) => void;
};

interface NotBefore {
  atMs: number;
  except: string | null;
  expiresAt: number;
}

export function memoryRevocationList(
  opts: { before?: RevocationListHooks; now?: () => number } = {},
): RevocationList {
  const hooks = opts.before ?? {};
  const now = opts.now ?? Date.now;
  const denied = new Map<string, number>(); // session id -> expiry (ms)
  const notBefores = new Map<string, NotBefore>();
  const isDenied = (sid: string) => (denied.get(sid) ?? 0) > now();
  const notBeforeOf = (userId: string) => {
    const nb = notBefores.get(userId);
    return nb && nb.expiresAt > now() ? nb : null;
  };
  const appliesTo = (nb: NotBefore | null, sid: string) =>
    nb !== null && nb.except !== sid ? nb.atMs : null;

  return {
    async revokeSession(sessionId, ttlSeconds) {
      hooks.revokeSession?.(sessionId, ttlSeconds);
      denied.set(sessionId, now() + ttlSeconds * 1000);
    },
    async setUserNotBefore(userId, atMs, ttlSeconds, exceptSessionId) {
      hooks.setUserNotBefore?.(userId, atMs, ttlSeconds, exceptSessionId);
      const current = notBeforeOf(userId);
      if (exceptSessionId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(exceptSessionId)) {
        throw new RangeError("not a session id");
      }
      if (current && atMs < current.atMs) return;
      notBefores.set(userId, {
        atMs,
        except: exceptSessionId || null,
        expiresAt: now() + ttlSeconds * 1000,
      });
    },
    async userNotBefore(userId) {
      hooks.userNotBefore?.(userId);
      return notBeforeOf(userId)?.atMs ?? null;
    },
    async notBeforeFor(userId, sessionId) {
      hooks.notBeforeFor?.(userId, sessionId);
      return appliesTo(notBeforeOf(userId), sessionId);
    },
    async isRevoked(claims) {
      hooks.isRevoked?.(claims);
      if (isDenied(claims.sid)) return true;
      const atMs = appliesTo(notBeforeOf(claims.sub), claims.sid);
      if (atMs === null) return false;
      // Started at or before the not-before (an id without a start time: dead).
      const startedAt = familyStartedAt(claims.sid);
      return startedAt === null || startedAt <= atMs;
    },
  };
}
