import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

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
    /**
     * PHC string (argon2id) or, for imported users, a legacy hash; null for an
     * account that signs in only through a provider (social login) and has
     * never set a password.
     */
    passwordHash: text("password_hash"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** When the current address was proven by a verification mail; null = unverified. */
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
    /**
     * The last credential change (password change or reset, logout-all, email
     * change). Reset and email-change tokens, and legacy sessions, made before
     * it are dead: every statement that consumes one compares with it.
     */
    credentialsChangedAt: timestamp("credentials_changed_at", { withTimezone: true }),
    /** When a user import created this account; null for accounts registered here. */
    importedAt: timestamp("imported_at", { withTimezone: true }),
    /**
     * When an administrator disabled the account; null = enabled. A disabled
     * account cannot sign in, and no session can be listed for it: the
     * session insert reads this column under a share lock (session-store.ts).
     */
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /**
     * When an administrator required a new password; null = none required.
     * A correct password then answers `password_reset_required` until a
     * reset (or any new password) clears it.
     */
    passwordResetRequiredAt: timestamp("password_reset_required_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
    // The admin search by address prefix (`lower(email) like 'ab%'`): a pattern
    // operator class, so the index serves LIKE whatever the database collation.
    index("users_email_prefix_idx").on(sql`lower(${t.email}) text_pattern_ops`, t.id),
    // The admin listing by creation time, newest first, keyset-paginated.
    index("users_created_idx").on(t.createdAt, t.id),
  ],
);

/**
 * The durable, listable copy of refresh-token families (sessions). The family's
 * Durable Object is the authority on rotation; this table serves GET
 * /v1/sessions and the logout-all fan-out, and holds no token material.
 */
export const refreshFamilies = pgTable(
  "refresh_families",
  {
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokeReason: text("revoke_reason"),
    userAgent: text("user_agent"),
    ip: text("ip"),
  },
  (t) => [index("refresh_families_user_active_idx").on(t.userId, t.expiresAt)],
);

/**
 * The salt of a foreign hash whose scheme kept it in its own column (imported
 * `pbkdf2_sha256$<iterations>$$<hash>` records with `password_salt`). Deleted
 * in the same statement that upgrades the user's hash.
 */
export const legacyPasswordSalts = pgTable("legacy_password_salts", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  salt: text("salt").notNull(),
});
