import { sql } from "drizzle-orm";
import { base64url, fromBase64url } from "../../auth/secrets";
import type { UserDirectory, UserSearch, UserSummary } from "../../ports";
import { fromStrictUtf8, utf8 } from "../../utf8";
import type { Db } from "./client";
import { users } from "./schema";

type Row = {
  id: string;
  email: string;
  created_at: string;
  email_verified_at: string | null;
  disabled_at: string | null;
  sort_key: string;
};

/** `%`, `_` and `\` typed into a prefix are matched as themselves (LIKE's default escape). */
const likePrefix = (prefix: string) => `${prefix.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`;

/**
 * The page cursor: the last row's sort key and id, opaque to clients. Through
 * UTF-8, since an address (the sort key of a prefix search) need not be ASCII.
 */
function encodeCursor(sortKey: string, id: string): string {
  return base64url(utf8(JSON.stringify([sortKey, id])));
}

function decodeCursor(cursor: string): [string, string] | null {
  try {
    const value: unknown = JSON.parse(fromStrictUtf8(fromBase64url(cursor)));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === "string" &&
      typeof value[1] === "string"
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // Not ours: the caller answers a bad cursor as the error it is.
  }
  return null;
}

/** An `after` this directory cannot have made (answered as 400 by the route). */
export class BadCursorError extends RangeError {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The admin's statement for one page. Two orders, each served by an index so
 * a page reads only its rows (EXPLAIN: test/worker/admin-users.test.ts):
 * by address prefix, `users_email_prefix_idx` (lower(email) text_pattern_ops,
 * id); otherwise newest first, `users_created_idx` (created_at, id). The
 * cursor continues after the last row of the previous page (keyset), never
 * with an OFFSET.
 */
export function userSearchStatement(q: UserSearch) {
  const after = q.after === undefined ? null : decodeCursor(q.after);
  if (q.after !== undefined && (after === null || !UUID.test(after[1]))) {
    throw new BadCursorError();
  }
  const conditions = [sql`true`];
  if (q.id !== undefined) conditions.push(sql`u.id = ${q.id}`);
  if (q.createdFrom) conditions.push(sql`u.created_at >= ${q.createdFrom.toISOString()}`);
  if (q.createdTo) conditions.push(sql`u.created_at < ${q.createdTo.toISOString()}`);
  const byEmail = q.emailPrefix !== undefined;
  if (byEmail) {
    conditions.push(sql`lower(u.email) like ${likePrefix(q.emailPrefix ?? "")}`);
    if (after) conditions.push(sql`(lower(u.email), u.id) > (${after[0]}, ${after[1]}::uuid)`);
  } else if (after) {
    conditions.push(sql`(u.created_at, u.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  }
  const order = byEmail
    ? sql`order by lower(u.email), u.id`
    : sql`order by u.created_at desc, u.id desc`;
  const sortKey = byEmail ? sql`lower(u.email)` : sql`u.created_at::text`;
  return sql`
    select u.id, u.email, u.created_at::text as created_at,
      u.email_verified_at::text as email_verified_at, u.disabled_at::text as disabled_at,
      ${sortKey} as sort_key
    from ${users} u
    where ${sql.join(conditions, sql` and `)}
    ${order}
    limit ${q.limit + 1}`;
}

const toSummary = (r: Row): UserSummary => ({
  id: r.id,
  email: r.email,
  createdAt: new Date(r.created_at),
  emailVerified: r.email_verified_at !== null,
  disabledAt: r.disabled_at === null ? null : new Date(r.disabled_at),
});

export function createPostgresUserDirectory(db: Db): UserDirectory {
  return {
    async search(q) {
      const { rows } = await db.execute<Row>(userSearchStatement(q));
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        users: page.map(toSummary),
        next: rows.length > q.limit && last ? encodeCursor(last.sort_key, last.id) : null,
      };
    },

    async setDisabled(userId, disabled) {
      // Disabling also advances the credential epoch, so a reset or
      // email-change link mailed before it cannot be used after an enable.
      const { rows } = await db.execute(
        disabled
          ? sql`update ${users} set disabled_at = coalesce(disabled_at, now()),
              credentials_changed_at = now(), updated_at = now()
              where id = ${userId} returning 1`
          : sql`update ${users} set disabled_at = null, updated_at = now()
              where id = ${userId} returning 1`,
      );
      return rows.length === 1;
    },

    async requirePasswordReset(userId) {
      const { rows } = await db.execute(sql`
        update ${users} set password_reset_required_at = now(),
          credentials_changed_at = now(), updated_at = now()
        where id = ${userId} returning 1`);
      return rows.length === 1;
    },

    async erase(userId) {
      // Every table that names the account references users.id on delete
      // cascade (docs/storage-schema.md); the audit trail has no foreign key.
      const { rows } = await db.execute(sql`delete from ${users} where id = ${userId} returning 1`);
      return rows.length === 1;
    },
  };
}
