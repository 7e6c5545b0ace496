// An in-memory LegacyStore for unit tests. It passes the same contract as the
// Postgres adapter (test/contract/legacy-store.ts). Imported users go into a
// MemoryUserStore (the real store shares the users table); this fake remembers
// which of them an import created. A legacy session dies with its user's
// credential epoch: it is honoured only while the user's epoch is still the one
// it had when the session was imported (a credential change through the user
// store, or through the recovery token fake, ends it).
//
// `before` hooks run first in each call, with its arguments: a test records the
// call there, or throws to make it fail (as an unreachable database would), and
// nothing is changed.
import type {
  LegacyStore,
  SessionImportOutcome,
  UserImportOutcome,
} from "../../../src/features/legacy/ports";
import type { MemoryUserStore } from "./memory-user-store";

export type LegacyStoreHooks = {
  [K in keyof LegacyStore]?: (...args: Parameters<LegacyStore[K]>) => void;
};

interface Session {
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
  /** The user's credential epoch when the session was imported. */
  epoch: string | null;
}

export function memoryLegacyStore(
  users: MemoryUserStore,
  opts: { before?: LegacyStoreHooks } = {},
): LegacyStore {
  const hooks = opts.before ?? {};
  const imported = new Set<string>();
  const sessions = new Map<string, Session>();
  const byEmail = (email: string) =>
    users.all().find((u) => u.email.toLowerCase() === email.toLowerCase());

  return {
    async insertUsers(rows) {
      hooks.insertUsers?.(rows);
      const outcomes = new Map<string, UserImportOutcome>();
      // As the adapter's one statement: "exists" is told by the users as they
      // were before the batch.
      const importedBefore = new Set(
        users
          .all()
          .filter((u) => imported.has(u.id))
          .map((u) => u.email.toLowerCase()),
      );
      for (const r of rows) {
        const taken = users.all().some((u) => u.id === r.id) || byEmail(r.email) !== undefined;
        if (taken) {
          outcomes.set(r.id, importedBefore.has(r.email.toLowerCase()) ? "exists" : "conflict");
          continue;
        }
        users.put({
          id: r.id,
          email: r.email,
          passwordHash: r.passwordHash,
          createdAt: new Date(),
          legacySalt: r.legacySalt,
          emailVerifiedAt: r.emailVerified ? new Date() : null,
          credentialEpoch: null,
        });
        imported.add(r.id);
        outcomes.set(r.id, "created");
      }
      return outcomes;
    },

    async insertSessions(rows) {
      hooks.insertSessions?.(rows);
      const outcomes = new Map<string, SessionImportOutcome>();
      for (const r of rows) {
        const user = byEmail(r.email);
        if (!user) outcomes.set(r.keyHash, "unknown_user");
        else if (!imported.has(user.id)) outcomes.set(r.keyHash, "conflict");
        else if (sessions.has(r.keyHash)) outcomes.set(r.keyHash, "exists");
        else {
          sessions.set(r.keyHash, {
            userId: user.id,
            expiresAt: new Date(r.expiresAt),
            usedAt: null,
            epoch: user.credentialEpoch ?? null,
          });
          outcomes.set(r.keyHash, "created");
        }
      }
      return outcomes;
    },

    async consumeSession(keyHash, now) {
      hooks.consumeSession?.(keyHash, now);
      const s = sessions.get(keyHash);
      const user = s && users.all().find((u) => u.id === s.userId);
      if (!s || !user || s.usedAt !== null || s.expiresAt.getTime() <= now.getTime()) return null;
      if ((user.credentialEpoch ?? null) !== s.epoch) return null;
      s.usedAt = new Date(now);
      return { userId: user.id, emailVerified: user.emailVerifiedAt !== null };
    },

    async releaseSession(keyHash, usedAt) {
      hooks.releaseSession?.(keyHash, usedAt);
      const s = sessions.get(keyHash);
      if (s && s.usedAt?.getTime() === usedAt.getTime()) s.usedAt = null;
    },

    async countUsersByScheme(rules, fallback) {
      hooks.countUsersByScheme?.(rules, fallback);
      const counts: Record<string, number> = {};
      for (const u of users.all()) {
        const label = rules.find((r) => u.passwordHash?.startsWith(r.prefix))?.label ?? fallback;
        counts[label] = (counts[label] ?? 0) + 1;
      }
      return counts;
    },

    async countSessions(now, deadline) {
      hooks.countSessions?.(now, deadline);
      const open = deadline === null || now.getTime() < deadline.getTime();
      const counts = { pending: 0, exchanged: 0, lapsed: 0 };
      for (const s of sessions.values()) {
        if (s.usedAt !== null) counts.exchanged += 1;
        else if (open && s.expiresAt.getTime() > now.getTime()) counts.pending += 1;
        else counts.lapsed += 1;
      }
      return counts;
    },
  };
}
