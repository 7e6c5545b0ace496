import { and, eq, gt, isNull, ne, sql } from "drizzle-orm";
import type { SessionRecord, SessionStore } from "../../ports";
import type { Db } from "./client";
import { refreshFamilies, users } from "./schema";

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
    async insert(s, expect = {}) {
      // The account's row is read under FOR SHARE: an admin's disable (an
      // UPDATE) or deletion of it waits until this commits and then finds the
      // session, or it commits first and this re-reads the row, sees it
      // disabled or gone, and inserts nothing (src/auth/account-admin.ts). A
      // credential change (an UPDATE of credentials_changed_at) is decided
      // the same way.
      const epoch = expect.credentialEpoch;
      const current =
        epoch === undefined
          ? sql``
          : sql`and u.credentials_changed_at is not distinct from ${epoch}::timestamptz`;
      const { rows } = await db.execute(sql`
        insert into ${refreshFamilies}
          (id, user_id, created_at, expires_at, last_used_at, user_agent, ip)
        select ${s.id}, u.id, ${s.createdAt.toISOString()}::timestamptz,
          ${s.expiresAt.toISOString()}::timestamptz, ${s.lastUsedAt.toISOString()}::timestamptz,
          ${s.userAgent}, ${s.ip}
        from ${users} u where u.id = ${s.userId} and u.disabled_at is null ${current}
        for share
        returning 1`);
      if (rows.length === 1) return "listed";
      // Refused: only which answer to give is read here, never whether to list.
      const [account] = await db
        .select({ disabledAt: users.disabledAt })
        .from(users)
        .where(eq(users.id, s.userId));
      return account && account.disabledAt === null && epoch !== undefined
        ? "credentials_changed"
        : "account_disabled";
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
