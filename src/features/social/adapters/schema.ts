import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "../../../adapters/postgres/schema";

/**
 * Social login's table (docs/storage-schema.md): which external account
 * (provider, subject) signs in as which user. The subject is the provider's
 * stable id (OIDC `sub`, GitHub's numeric id), never the email, which can
 * change hands at the provider.
 */
export const identities = pgTable(
  "identities",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The provider's id in this deployment's configuration (`google`, `github`, `acme`). */
    provider: text("provider").notNull(),
    subject: text("subject").notNull(),
    /** The address the provider last asserted, for the user's list of identities. */
    email: text("email"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("identities_provider_subject_key").on(t.provider, t.subject),
    index("identities_user_idx").on(t.userId),
  ],
);
