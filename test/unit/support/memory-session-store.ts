// An in-memory SessionStore for unit tests. It passes the same contract as the
// Postgres adapter (test/contract/session-store.ts). `before` hooks run first
// in each call, with its arguments: a test records the call there, or throws
// to make it fail (as an unreachable database would), and nothing is changed.
import type { SessionRecord, SessionStore } from "../../../src/ports";

export type SessionStoreHooks = {
  [K in keyof SessionStore]?: (...args: Parameters<SessionStore[K]>) => void;
};

interface Row extends SessionRecord {
  revokedAt: Date | null;
  revokeReason: string | null;
}

export function memorySessionStore(
  opts: {
    sessions?: SessionRecord[];
    before?: SessionStoreHooks;
    /** Whether an account may get a session now (exists and is not disabled); all may by default. */
    accountOpen?: (userId: string) => boolean;
    /** The account's credential epoch now (UserRecord.credentialEpoch); null for all by default. */
    credentialEpochOf?: (userId: string) => string | null;
  } = {},
): SessionStore {
  const rows = new Map<string, Row>();
  const hooks = opts.before ?? {};
  const isActive = (r: Row, now: Date) => r.revokedAt === null && r.expiresAt > now;
  // Copies in and out, as a database would: a caller's Date is never shared.
  const copy = (s: SessionRecord): SessionRecord => ({
    id: s.id,
    userId: s.userId,
    createdAt: new Date(s.createdAt),
    expiresAt: new Date(s.expiresAt),
    lastUsedAt: new Date(s.lastUsedAt),
    userAgent: s.userAgent,
    ip: s.ip,
  });
  const insert = (session: SessionRecord) => {
    if (rows.has(session.id)) throw new Error(`duplicate key: session ${session.id}`);
    rows.set(session.id, { ...copy(session), revokedAt: null, revokeReason: null });
  };
  for (const s of opts.sessions ?? []) insert(s);

  return {
    async insert(session, expect = {}) {
      hooks.insert?.(session, expect);
      if (opts.accountOpen && !opts.accountOpen(session.userId)) return "account_disabled";
      const epoch = opts.credentialEpochOf?.(session.userId) ?? null;
      if (expect.credentialEpoch !== undefined && expect.credentialEpoch !== epoch) {
        return "credentials_changed";
      }
      insert(session);
      return "listed";
    },
    async touch(id, at) {
      hooks.touch?.(id, at);
      const r = rows.get(id);
      if (r) r.lastUsedAt = new Date(at);
    },
    async revoke(id, at, reason) {
      hooks.revoke?.(id, at, reason);
      const r = rows.get(id);
      if (r && r.revokedAt === null)
        Object.assign(r, { revokedAt: new Date(at), revokeReason: reason });
    },
    async revokeAllForUser(userId, at, reason, exceptId) {
      hooks.revokeAllForUser?.(userId, at, reason, exceptId);
      const ended = [...rows.values()].filter(
        (r) => r.userId === userId && isActive(r, at) && r.id !== exceptId,
      );
      for (const r of ended) Object.assign(r, { revokedAt: new Date(at), revokeReason: reason });
      return ended.map((r) => r.id);
    },
    async listActive(userId, now) {
      hooks.listActive?.(userId, now);
      return [...rows.values()]
        .filter((r) => r.userId === userId && isActive(r, now))
        .sort((a, b) => a.lastUsedAt.getTime() - b.lastUsedAt.getTime())
        .map(copy);
    },
    async findActive(id, userId, now) {
      hooks.findActive?.(id, userId, now);
      const r = rows.get(id);
      return r && r.userId === userId && isActive(r, now) ? copy(r) : null;
    },
  };
}
