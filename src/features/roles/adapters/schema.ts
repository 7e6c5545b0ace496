import {
  bigint,
  boolean,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "../../../adapters/postgres/schema";

/** Roles and who holds them (docs/storage-schema.md). */
export const roles = pgTable("roles", {
  name: text("name").primaryKey(),
  description: text("description").notNull(),
  /** `resource:action` strings, `*` wildcards allowed (`users:*`, `*`). */
  permissions: jsonb("permissions").notNull(),
  /** Built-in roles (`admin`) cannot be deleted. */
  builtIn: boolean("built_in").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const userRoles = pgTable(
  "user_roles",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role")
      .notNull()
      .references(() => roles.name, { onDelete: "cascade" }),
    /** `admin_key`, or the granting user's id. */
    grantedBy: text("granted_by").notNull(),
    grantedAt: timestamp("granted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "user_roles_pkey", columns: [t.userId, t.role] })],
);

/**
 * How many times a user's roles have changed: the tokens' `roles_ver` claim,
 * raised by the statement that assigns or removes a role, so a consumer can
 * tell that a token's `roles` are older than another's. No row = version 0.
 */
export const roleVersions = pgTable("role_versions", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  version: bigint("version", { mode: "number" }).notNull(),
});
