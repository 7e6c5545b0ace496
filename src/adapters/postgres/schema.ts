import { sql } from "drizzle-orm";
import { pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/**
 * Postgres schema. drizzle-kit generates migrations/ from this file; an applied
 * migration is never edited. Every table is described in docs/storage-schema.md.
 */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey(),
    /** As the user typed it, trimmed. Uniqueness is on lower(email). */
    email: text("email").notNull(),
    /** PHC string (argon2id) or, for imported users, a legacy hash. */
    passwordHash: text("password_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`)],
);
