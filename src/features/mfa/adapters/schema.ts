import { bigint, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "../../../adapters/postgres/schema";

/**
 * Multi-factor authentication's tables (docs/storage-schema.md). Rows go with
 * their user (`on delete cascade`).
 */

/** One TOTP authenticator per user: pending until confirmed with a code. */
export const mfaTotp = pgTable("mfa_totp", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  /** AES-256-GCM of the base32 secret: `v1.<key id>.<iv>.<ciphertext>` (base64url), AAD = user id. */
  secret: text("secret").notNull(),
  /** Null while pending: a pending authenticator signs nobody in. */
  confirmedAt: timestamp("confirmed_at", { withTimezone: true }),
  /**
   * The last RFC 6238 time step a code was accepted for: a code for this or an
   * earlier step is refused (replay), by the same statement that accepts one.
   */
  lastStep: bigint("last_step", { mode: "number" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Single-use recovery codes: only a keyed hash of each. */
export const mfaRecoveryCodes = pgTable(
  "mfa_recovery_codes",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** `<key id>:<HMAC-SHA-256 of the code, base64url>`. */
    codeHash: text("code_hash").notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // The key's leading user_id serves the per-user lookups.
  (t) => [primaryKey({ name: "mfa_recovery_codes_pkey", columns: [t.userId, t.codeHash] })],
);
