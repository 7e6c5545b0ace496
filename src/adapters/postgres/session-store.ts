import { and, eq, gt, isNull, ne } from "drizzle-orm";
import type { SessionRecord, SessionStore } from "../../ports";
import type { Db } from "./client";
import { refreshFamilies } from "./schema";

const columns = {
  id: refreshFamilies.id,
  userId: refreshFamilies.userId,
  createdAt: refreshFamilies.createdAt,
  expiresAt: refreshFamilies.expiresAt,
  lastUsedAt: refreshFamilies.lastUsedAt,
  userAgent: refreshFamilies.userAgent,
  ip: refreshFamilies.ip,
};

const active = (now: Date) =>
  and(isNull(refreshFamilies.revokedAt), gt(refreshFamilies.expiresAt, now));

export function createPostgresSessionStore(db: Db): SessionStore {
  return {
    async insert(session) {
      await db.insert(refreshFamilies).values(session);
    },

    async touch(id, at) {
      await db.update(refreshFamilies).set({ lastUsedAt: at }).where(eq(refreshFamilies.id, id));
    },

    async revoke(id, at, reason) {
      await db
        .update(refreshFamilies)
        .set({ revokedAt: at, revokeReason: reason })
        .where(and(eq(refreshFamilies.id, id), isNull(refreshFamilies.revokedAt)));
    },

    async revokeAllForUser(userId, at, reason, exceptId) {
      const rows = await db
        .update(refreshFamilies)
        .set({ revokedAt: at, revokeReason: reason })
        .where(
          and(
            eq(refreshFamilies.userId, userId),
            active(at),
            exceptId === undefined ? undefined : ne(refreshFamilies.id, exceptId),
          ),
        )
        .returning({ id: refreshFamilies.id });
      return rows.map((r) => r.id);
    },

    async listActive(userId, now): Promise<SessionRecord[]> {
      return db
        .select(columns)
        .from(refreshFamilies)
        .where(and(eq(refreshFamilies.userId, userId), active(now)))
        .orderBy(refreshFamilies.lastUsedAt);
    },

    async findActive(id, userId, now): Promise<SessionRecord | null> {
      const rows = await db
        .select(columns)
        .from(refreshFamilies)
        .where(and(eq(refreshFamilies.id, id), eq(refreshFamilies.userId, userId), active(now)))
        .limit(1);
      return rows[0] ?? null;
    },
  };
}
