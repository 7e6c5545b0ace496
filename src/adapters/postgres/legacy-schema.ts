import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./schema";

/**
 * Tables of the carve-out from the legacy monolith (docs/migration.md,
 * docs/storage-schema.md). Kept apart from schema.ts: they shrink to nothing
 * as users log in and legacy sessions run out, and can then be dropped.
 */

/**
 * The salt of a legacy hash whose scheme kept it in its own column (imported
 * `pbkdf2_sha256$<iterations>$$<hash>` records with `password_salt`). Deleted
 * in the same statement that upgrades the user's hash.
 */
export const legacyPasswordSalts = pgTable("legacy_password_salts", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  salt: text("salt").notNull(),
});

/**
 * Sessions of the monolith that may be traded once for a token pair. Only
 * SHA-256 of the session key is stored (hex, as the importer sends it).
 */
export const legacySessions = pgTable(
  "legacy_sessions",
  {
    keyHash: text("key_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** Set once, by the exchange that consumed the session. */
    usedAt: timestamp("used_at", { withTimezone: true }),
    importedAt: timestamp("imported_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // For the cascade when a user is deleted.
  (t) => [index("legacy_sessions_user_idx").on(t.userId)],
);
