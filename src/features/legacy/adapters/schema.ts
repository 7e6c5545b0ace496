import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "../../../adapters/postgres/schema";

/**
 * Tables of the carve-out from the legacy monolith (docs/migration.md,
 * docs/storage-schema.md). Kept apart from the core's: they shrink to nothing
 * as legacy sessions run out, and can then be dropped. (The salts of foreign
 * hashes live with the users, src/adapters/postgres/schema.ts: the core's lazy
 * migration reads and deletes them.)
 */

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
