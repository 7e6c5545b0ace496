import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { LegacyStore, SessionImportOutcome } from "../../legacy/ports";
import type { Db } from "./client";
import { legacyPasswordSalts, legacySessions } from "./legacy-schema";
import { users } from "./schema";

/**
 * The carve-out's storage over Neon's HTTP path. Batches travel as one JSON
 * parameter (`jsonb_to_recordset`), so a chunk of rows is one statement of
 * fixed parameter count, and the data-modifying CTEs make each method atomic.
 */
export function createPostgresLegacyStore(db: Db): LegacyStore {
  return {
    async insertUsers(rows) {
      if (rows.length === 0) return new Set();
      const input = JSON.stringify(
        rows.map((r) => ({
          id: r.id,
          email: r.email,
          password_hash: r.passwordHash,
          legacy_salt: r.legacySalt,
        })),
      );
      // ON CONFLICT without a target: the id or the unique lower(email) index.
      const result = await db.execute<{ id: string }>(sql`
        with input as (
          select * from jsonb_to_recordset(${input}::jsonb)
            as t(id uuid, email text, password_hash text, legacy_salt text)
        ), created as (
          insert into ${users} (id, email, password_hash)
          select id, email, password_hash from input
          on conflict do nothing
          returning id
        ), salts as (
          insert into ${legacyPasswordSalts} (user_id, salt)
          select input.id, input.legacy_salt from input join created on created.id = input.id
          where input.legacy_salt is not null
        )
        select id from created`);
      return new Set(result.rows.map((r) => r.id));
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
      const result = await db.execute<{ key_hash: string; created: boolean }>(sql`
        with input as (
          select * from jsonb_to_recordset(${input}::jsonb)
            as t(key_hash text, email text, expires_at timestamptz)
        ), matched as (
          select input.key_hash, u.id as user_id, input.expires_at
          from input join ${users} u on lower(u.email) = lower(input.email)
        ), created as (
          insert into ${legacySessions} (key_hash, user_id, expires_at)
          select key_hash, user_id, expires_at from matched
          on conflict (key_hash) do nothing
          returning key_hash
        )
        select matched.key_hash, created.key_hash is not null as created
        from matched left join created on created.key_hash = matched.key_hash`);
      for (const row of result.rows) outcomes.set(row.key_hash, row.created ? "created" : "exists");
      return outcomes;
    },

    async consumeSession(keyHash, now) {
      const rows = await db
        .update(legacySessions)
        .set({ usedAt: now })
        .where(
          and(
            eq(legacySessions.keyHash, keyHash),
            isNull(legacySessions.usedAt),
            gt(legacySessions.expiresAt, now),
          ),
        )
        .returning({ userId: legacySessions.userId });
      return rows[0]?.userId ?? null;
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
