import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../../adapters/postgres/client";
import { legacyPasswordSalts, users } from "../../../adapters/postgres/schema";
import type { LegacyStore, SessionImportOutcome, UserImportOutcome } from "../ports";
import { legacySessions } from "./schema";

/**
 * The carve-out's storage over Neon's HTTP path. Batches travel as one JSON
 * parameter (`jsonb_to_recordset`), so a chunk of rows is one statement of
 * fixed parameter count, and the data-modifying CTEs make each method atomic.
 */
export function createPostgresLegacyStore(db: Db): LegacyStore {
  return {
    async insertUsers(rows) {
      const outcomes = new Map<string, UserImportOutcome>();
      if (rows.length === 0) return outcomes;
      const input = JSON.stringify(
        rows.map((r) => ({
          id: r.id,
          email: r.email,
          password_hash: r.passwordHash,
          legacy_salt: r.legacySalt,
          email_verified: r.emailVerified,
        })),
      );
      // ON CONFLICT without a target: the id or the unique lower(email) index.
      // The final SELECT sees the table as it was before this statement, so an
      // existing account is told apart by whether an import created it.
      const result = await db.execute<{ id: string; outcome: UserImportOutcome }>(sql`
        with input as (
          select * from jsonb_to_recordset(${input}::jsonb)
            as t(id uuid, email text, password_hash text, legacy_salt text, email_verified boolean)
        ), created as (
          insert into ${users} (id, email, password_hash, imported_at, email_verified_at)
          select id, email, password_hash, now(), case when email_verified then now() end from input
          on conflict do nothing
          returning id
        ), salts as (
          insert into ${legacyPasswordSalts} (user_id, salt)
          select input.id, input.legacy_salt from input join created on created.id = input.id
          where input.legacy_salt is not null
        )
        select input.id,
          case when created.id is not null then 'created'
               when exists (select 1 from ${users} u
                            where lower(u.email) = lower(input.email) and u.imported_at is not null)
                 then 'exists'
               else 'conflict' end as outcome
        from input left join created on created.id = input.id`);
      for (const row of result.rows) outcomes.set(row.id, row.outcome);
      return outcomes;
    },

    async insertSessions(rows) {
      const outcomes = new Map<string, SessionImportOutcome>();
      if (rows.length === 0) return outcomes;
      const input = JSON.stringify(
        rows.map((r) => ({
          key_hash: r.keyHash,
          email: r.email,
          expires_at: r.expiresAt.toISOString(),
        })),
      );
      const result = await db.execute<{ key_hash: string; outcome: SessionImportOutcome }>(sql`
        with input as (
          select * from jsonb_to_recordset(${input}::jsonb)
            as t(key_hash text, email text, expires_at timestamptz)
        ), matched as (
          select input.key_hash, u.id as user_id, input.expires_at, u.imported_at is not null as imported
          from input join ${users} u on lower(u.email) = lower(input.email)
        ), created as (
          insert into ${legacySessions} (key_hash, user_id, expires_at)
          select key_hash, user_id, expires_at from matched where imported
          on conflict (key_hash) do nothing
          returning key_hash
        )
        select input.key_hash,
          case when matched.key_hash is null then 'unknown_user'
               when not matched.imported then 'conflict'
               when created.key_hash is not null then 'created'
               else 'exists' end as outcome
        from input
          left join matched on matched.key_hash = input.key_hash
          left join created on created.key_hash = input.key_hash`);
      for (const row of result.rows) outcomes.set(row.key_hash, row.outcome);
      return outcomes;
    },

    async consumeSession(keyHash, now) {
      const result = await db.execute<{ user_id: string; email_verified: boolean }>(sql`
        update ${legacySessions} s set used_at = ${now.toISOString()}::timestamptz
        from ${users} u
        where s.key_hash = ${keyHash} and s.used_at is null
          and s.expires_at > ${now.toISOString()}::timestamptz
          and u.id = s.user_id
          and (u.credentials_changed_at is null or s.imported_at > u.credentials_changed_at)
        returning s.user_id, u.email_verified_at is not null as email_verified`);
      const row = result.rows[0];
      return row ? { userId: row.user_id, emailVerified: row.email_verified } : null;
    },

    async releaseSession(keyHash, usedAt) {
      await db
        .update(legacySessions)
        .set({ usedAt: null })
        .where(and(eq(legacySessions.keyHash, keyHash), eq(legacySessions.usedAt, usedAt)));
    },

    async countUsersByScheme(rules, fallback) {
      const cases = sql.join(
        rules.map((r) => sql`when starts_with(${users.passwordHash}, ${r.prefix}) then ${r.label}`),
        sql` `,
      );
      const result = await db.execute<{ scheme: string; n: number }>(sql`
        select case ${cases} else ${fallback} end as scheme, count(*)::int as n
        from ${users} group by 1`);
      return Object.fromEntries(result.rows.map((r) => [r.scheme, Number(r.n)]));
    },

    async countSessions(now, deadline) {
      const open = deadline === null || now < deadline;
      const nowIso = now.toISOString();
      const result = await db.execute<{ pending: number; exchanged: number; lapsed: number }>(sql`
        select
          count(*) filter (where used_at is null and expires_at > ${nowIso}::timestamptz and ${open})::int as pending,
          count(*) filter (where used_at is not null)::int as exchanged,
          count(*) filter (where used_at is null and not (expires_at > ${nowIso}::timestamptz and ${open}))::int as lapsed
        from ${legacySessions}`);
      const row = result.rows[0];
      return {
        pending: Number(row?.pending ?? 0),
        exchanged: Number(row?.exchanged ?? 0),
        lapsed: Number(row?.lapsed ?? 0),
      };
    },
  };
}
