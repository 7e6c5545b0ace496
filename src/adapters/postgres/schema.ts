import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

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
  },
  (t) => [uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`)],
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
 * Single-use password reset tokens. Only the SHA-256 of the token is stored;
 * a row is consumed by one conditional UPDATE (used_at IS NULL, not expired).
 */
export const passwordResetTokens = pgTable(
  "password_reset_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The address the token was mailed to: it is honoured only while that is still the user's. */
    email: text("email").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [
    index("password_reset_tokens_user_idx").on(t.userId),
    index("password_reset_tokens_expires_idx").on(t.expiresAt),
  ],
);

/**
 * Single-use email verification tokens, for the registered address ("verify")
 * or a new one ("change"). `email` is the address the token proves.
 */
export const emailVerificationTokens = pgTable(
  "email_verification_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose").notNull(),
    email: text("email").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [
    index("email_verification_tokens_user_idx").on(t.userId),
    index("email_verification_tokens_expires_idx").on(t.expiresAt),
    check("email_verification_tokens_purpose_check", sql`${t.purpose} in ('verify', 'change')`),
  ],
);
