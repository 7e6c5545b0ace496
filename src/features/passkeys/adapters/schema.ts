import { bigint, boolean, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "../../../adapters/postgres/schema";

/** Registered passkeys (docs/storage-schema.md); rows go with their user. */
export const passkeys = pgTable(
  "passkeys",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** base64url, unique across all users: one authenticator credential, one account. */
    credentialId: text("credential_id").notNull().unique(),
    /** COSE_Key, base64url. */
    publicKey: text("public_key").notNull(),
    /** The last signature counter seen; 0 for authenticators that do not count. */
    counter: bigint("counter", { mode: "number" }).notNull(),
    transports: jsonb("transports").notNull(),
    deviceType: text("device_type").notNull(),
    backedUp: boolean("backed_up").notNull(),
    name: text("name").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [index("passkeys_user_idx").on(t.userId)],
);
