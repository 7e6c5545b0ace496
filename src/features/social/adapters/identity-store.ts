import { sql } from "drizzle-orm";
import type { Db } from "../../../adapters/postgres/client";
import { isUniqueViolation } from "../../../adapters/postgres/unique-violation";
import type { IdentityOwner, IdentityStore } from "../ports";

/**
 * The identities table (./schema.ts) in Postgres. Every method is one
 * statement; the ones that write decide and write together, so concurrent
 * callers cannot both pass a check that only one of them should.
 */
export function createPostgresIdentityStore(db: Db): IdentityStore {
  const owner = (row: { user_id: string; email_verified: boolean } | undefined) =>
    row
      ? ({ userId: row.user_id, emailVerified: row.email_verified } satisfies IdentityOwner)
      : null;

  return {
    async signIn(provider, subject, email) {
      const { rows } = await db.execute<{ user_id: string; email_verified: boolean }>(sql`
        with used as (
          update identities set last_used_at = now(), email = coalesce(${email}, email)
          where provider = ${provider} and subject = ${subject}
          returning user_id)
        select u.id as user_id, u.email_verified_at is not null as email_verified
        from used join users u on u.id = used.user_id`);
      return owner(rows[0]);
    },

    async createAccount(input) {
      // The user row and its identity commit together or not at all: if the
      // address is taken (a registration, an import) the user insert yields
      // no row and so does the identity insert; if the identity exists (a
      // concurrent first sign-in), the identity insert fails the statement
      // and the user row goes with it.
      try {
        const { rows } = await db.execute<{ user_id: string }>(sql`
          with created as (
            insert into users (id, email, password_hash, email_verified_at)
            values (${input.userId}, ${input.email}, null, now())
            on conflict do nothing
            returning id)
          insert into identities (id, user_id, provider, subject, email)
          select ${input.identityId}, id, ${input.provider}, ${input.subject}, ${input.email}
          from created
          returning user_id`);
        return rows[0] ? { userId: rows[0].user_id, emailVerified: true } : null;
      } catch (err) {
        if (isUniqueViolation(err)) return null;
        throw err;
      }
    },

    async linkToVerifiedAccount(input) {
      const { rows } = await db.execute<{ user_id: string }>(sql`
        insert into identities (id, user_id, provider, subject, email)
        select ${input.identityId}, u.id, ${input.provider}, ${input.subject}, ${input.email}
        from users u
        where lower(u.email) = lower(${input.email}) and u.email_verified_at is not null
        on conflict (provider, subject) do nothing
        returning user_id`);
      return rows[0] ? { userId: rows[0].user_id, emailVerified: true } : null;
    },

    async link(input) {
      const { rows } = await db.execute<{ user_id: string; inserted: boolean }>(sql`
        with attempt as (
          insert into identities (id, user_id, provider, subject, email)
          values (${input.identityId}, ${input.userId}, ${input.provider}, ${input.subject},
                  ${input.email})
          on conflict (provider, subject) do nothing
          returning user_id)
        select user_id, true as inserted from attempt
        union all
        select user_id, false from identities
        where provider = ${input.provider} and subject = ${input.subject}
          and not exists (select 1 from attempt)`);
      const row = rows[0];
      if (!row) return "taken"; // conflicted with a row deleted meanwhile: let the user retry
      if (row.inserted) return "linked";
      return row.user_id === input.userId ? "already_linked" : "taken";
    },

    async list(userId) {
      const { rows } = await db.execute<{
        id: string;
        provider: string;
        email: string | null;
        created_at: string | Date;
        last_used_at: string | Date;
      }>(sql`
        select id, provider, email, created_at, last_used_at from identities
        where user_id = ${userId} order by created_at, id`);
      return rows.map((r) => ({
        id: r.id,
        provider: r.provider,
        email: r.email,
        createdAt: new Date(r.created_at),
        lastUsedAt: new Date(r.last_used_at),
      }));
    },

    async unlink(userId, identityId) {
      // "Another way to sign in" is a password or another identity. All of the
      // account's identities are locked first, in id order (so two unlinks
      // cannot deadlock), and the check counts the rows as locked, which are
      // their latest versions: of two unlinks racing on an account's last two
      // identities, the second waits for the first, then no longer sees the
      // identity it would have relied on, and deletes nothing.
      const { rows } = await db.execute<{ provider: string | null; deleted: boolean }>(sql`
        with locked as (
          select id, provider from identities where user_id = ${userId} order by id for update),
        decision as (
          select (select provider from locked where id = ${identityId}) as provider,
                 exists (select 1 from users where id = ${userId} and password_hash is not null)
                   or (select count(*) from locked where id <> ${identityId}) > 0 as allowed),
        gone as (
          delete from identities
          where id = ${identityId} and user_id = ${userId}
            and (select allowed and provider is not null from decision)
          returning provider)
        select d.provider, exists (select 1 from gone) as deleted from decision d`);
      const row = rows[0];
      if (!row || row.provider === null) return { outcome: "not_found" };
      return row.deleted
        ? { outcome: "unlinked", provider: row.provider }
        : { outcome: "last_method", provider: row.provider };
    },
  };
}

/** SQLSTATE 23505, however the driver wraps it. */
