import { eq, sql } from "drizzle-orm";
import type { UserRecord, UserStore } from "../../ports";
import type { Db } from "./client";
import { users } from "./schema";

const columns = {
  id: users.id,
  email: users.email,
  passwordHash: users.passwordHash,
  createdAt: users.createdAt,
  emailVerifiedAt: users.emailVerifiedAt,
};

export function createPostgresUserStore(db: Db): UserStore {
  return {
    async create(user): Promise<UserRecord | null> {
      // One statement: the unique index on lower(email) arbitrates concurrent
      // registrations, so there is no check-then-insert race.
      const rows = await db.insert(users).values(user).onConflictDoNothing().returning(columns);
      return rows[0] ?? null;
    },

    async findByEmail(email): Promise<UserRecord | null> {
      const rows = await db
        .select(columns)
        .from(users)
        .where(sql`lower(${users.email}) = lower(${email})`)
        .limit(1);
      return rows[0] ?? null;
    },

    async findById(id): Promise<UserRecord | null> {
      const rows = await db.select(columns).from(users).where(eq(users.id, id)).limit(1);
      return rows[0] ?? null;
    },
  };
}
