import { eq, sql } from "drizzle-orm";
import type { UserRecord, UserStore } from "../../ports";
import type { Db } from "./client";
import { legacyPasswordSalts, users } from "./schema";

const columns = {
  id: users.id,
  email: users.email,
  passwordHash: users.passwordHash,
  createdAt: users.createdAt,
  emailVerifiedAt: users.emailVerifiedAt,
  // As text: a Date keeps milliseconds, Postgres microseconds, and the epoch is
  // compared for equality later (recovery-store.ts insertVerification).
  credentialEpoch: sql<string | null>`${users.credentialsChangedAt}::text`,
  disabledAt: users.disabledAt,
  passwordResetRequiredAt: users.passwordResetRequiredAt,
};

/**
 * The account by id, with its legacy salt: re-authentication reads the user by
 * id, and a foreign hash whose salt sits apart cannot be checked without it.
 * Built once per database (every bearer request's `/v1/me`-style read), since
 * building a query costs more CPU here than the round trip's own work.
 */
function userByIdQuery(db: Db) {
  return db
    .select({ ...columns, legacySalt: legacyPasswordSalts.salt })
    .from(users)
    .leftJoin(legacyPasswordSalts, eq(legacyPasswordSalts.userId, users.id))
    .where(eq(users.id, sql.placeholder("id")))
    .limit(1)
    .prepare("user_by_id");
}

const userByIdQueries = new WeakMap<Db, ReturnType<typeof userByIdQuery>>();

export function createPostgresUserStore(db: Db): UserStore {
  return {
    async create(user): Promise<UserRecord | null> {
      // One statement: the unique index on lower(email) arbitrates concurrent
      // registrations, so there is no check-then-insert race.
      const rows = await db.insert(users).values(user).onConflictDoNothing().returning(columns);
      return rows[0] ?? null;
    },

    async findByEmail(email): Promise<UserRecord | null> {
      // The legacy salt comes along in the same round trip (a primary-key
      // join), so a login costs the same number of queries for every account.
      const rows = await db
        .select({ ...columns, legacySalt: legacyPasswordSalts.salt })
        .from(users)
        .leftJoin(legacyPasswordSalts, eq(legacyPasswordSalts.userId, users.id))
        .where(sql`lower(${users.email}) = lower(${email})`)
        .limit(1);
      return rows[0] ?? null;
    },

    async replacePasswordHash(userId, expected, next): Promise<boolean> {
      // One statement, so the compare and the swap cannot be split: a password
      // changed since `expected` was read is left alone. The salt row goes with it.
      const result = await db.execute(sql`
        with replaced as (
          update ${users} set password_hash = ${next}, updated_at = now()
          where id = ${userId} and password_hash = ${expected}
          returning id
        ), dropped_salt as (
          delete from ${legacyPasswordSalts} where user_id in (select id from replaced)
        )
        select id from replaced`);
      return result.rows.length === 1;
    },

    async setPassword(userId, passwordHash) {
      // credentials_changed_at is the epoch every reset and email-change token and
      // every unexchanged legacy session is compared with (recovery-store.ts).
      // A foreign hash's salt goes with the hash it belonged to. A new
      // password is what an administrator's forced reset waited for.
      await db.execute(sql`
        with changed as (
          update ${users} set password_hash = ${passwordHash}, password_reset_required_at = null,
            credentials_changed_at = now(), updated_at = now()
          where id = ${userId}
          returning id
        )
        delete from ${legacyPasswordSalts} where user_id in (select id from changed)`);
    },

    async advanceCredentialEpoch(userId) {
      await db.execute(sql`
        update ${users} set credentials_changed_at = now(), updated_at = now()
        where id = ${userId}`);
    },

    async findById(id): Promise<UserRecord | null> {
      let query = userByIdQueries.get(db);
      if (!query) {
        query = userByIdQuery(db);
        userByIdQueries.set(db, query);
      }
      const rows = await query.execute({ id });
      return rows[0] ?? null;
    },
  };
}
