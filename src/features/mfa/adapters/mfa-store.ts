import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../adapters/postgres/client";
import type { MfaStore } from "../ports";

/**
 * The second factors in Postgres (./schema.ts); each method one statement.
 * Lists travel as one JSON parameter (drizzle would spread an array into
 * separate parameters).
 */
export function createPostgresMfaStore(db: Db): MfaStore {
  /**
   * Replaces the recovery codes of the user `owner` (a query answering one
   * `user_id`, or none) selects, in the same statement: no owner, no codes
   * written. True when there was one.
   */
  async function replaceCodesOf(owner: SQL, hashes: readonly string[]): Promise<boolean> {
    const { rows } = await db.execute<{ n: number }>(sql`
      with owner as (${owner}),
      cleared as (delete from mfa_recovery_codes where user_id in (select user_id from owner)),
      inserted as (
        insert into mfa_recovery_codes (user_id, code_hash)
        select o.user_id, h from owner o, jsonb_array_elements_text(${JSON.stringify(hashes)}::jsonb) as h
        returning 1)
      select count(*)::int as n from owner`);
    return rows[0]?.n === 1;
  }

  return {
    async totp(userId) {
      const { rows } = await db.execute<{ secret: string; confirmed: boolean }>(sql`
        select secret, confirmed_at is not null as confirmed from mfa_totp where user_id = ${userId}`);
      return rows[0] ?? null;
    },

    async enabled(userId) {
      const { rows } = await db.execute(sql`
        select 1 from mfa_totp where user_id = ${userId} and confirmed_at is not null`);
      return rows.length > 0;
    },

    async begin(userId, sealedSecret) {
      const { rows } = await db.execute(sql`
        insert into mfa_totp (user_id, secret) values (${userId}, ${sealedSecret})
        on conflict (user_id) do update set secret = excluded.secret, created_at = now()
          where mfa_totp.confirmed_at is null
        returning 1`);
      return rows.length > 0;
    },

    async confirm(userId, step, hashes) {
      // The recovery codes are inserted only if this statement activated the
      // authenticator: a second, concurrent confirmation inserts nothing.
      return replaceCodesOf(
        sql`update mfa_totp set confirmed_at = now(), last_step = ${step}
            where user_id = ${userId} and confirmed_at is null
            returning user_id`,
        hashes,
      );
    },

    async acceptStep(userId, step) {
      // A concurrent submission of the same code waits for this row's lock,
      // then re-checks last_step against the committed value and matches nothing.
      const { rows } = await db.execute(sql`
        update mfa_totp set last_step = ${step}
        where user_id = ${userId} and confirmed_at is not null
          and (last_step is null or last_step < ${step})
        returning 1`);
      return rows.length > 0;
    },

    async useRecoveryCode(userId, hashes) {
      if (hashes.length === 0) return false;
      const { rows } = await db.execute(sql`
        update mfa_recovery_codes set used_at = now()
        where user_id = ${userId}
          and code_hash in (select jsonb_array_elements_text(${JSON.stringify(hashes)}::jsonb))
          and used_at is null
          and exists (select 1 from mfa_totp t where t.user_id = ${userId} and t.confirmed_at is not null)
        returning 1`);
      return rows.length > 0;
    },

    async replaceRecoveryCodes(userId, hashes) {
      return replaceCodesOf(
        sql`select user_id from mfa_totp where user_id = ${userId} and confirmed_at is not null
            for update`,
        hashes,
      );
    },

    async remainingRecoveryCodes(userId) {
      const { rows } = await db.execute<{ n: number }>(sql`
        select count(*)::int as n from mfa_recovery_codes
        where user_id = ${userId} and used_at is null`);
      return rows[0]?.n ?? 0;
    },

    async disable(userId) {
      const { rows } = await db.execute(sql`
        with codes as (delete from mfa_recovery_codes where user_id = ${userId})
        delete from mfa_totp where user_id = ${userId} returning 1`);
      return rows.length > 0;
    },
  };
}
