import { sql } from "drizzle-orm";
import type { RecoveryTokenStore } from "../../ports";
import type { Db } from "./client";
import { emailVerificationTokens, passwordResetTokens } from "./schema";

/**
 * Reset and verification tokens in Postgres. Every consume is one statement
 * (data-modifying CTEs run in one snapshot and commit together): a concurrent
 * second consumer blocks on the token's row lock, re-checks `used_at IS NULL`
 * after the first commits, and gets no row.
 */
export function createPostgresRecoveryStore(db: Db): RecoveryTokenStore {
  return {
    async insertReset(t) {
      await db.insert(passwordResetTokens).values(t);
    },

    async isResetUsable(tokenHash) {
      const { rows } = await db.execute(sql`
        select 1 from password_reset_tokens
        where token_hash = ${tokenHash} and used_at is null and expires_at > now()`);
      return rows.length > 0;
    },

    async consumeReset(tokenHash, passwordHash) {
      // `others` skips the consumed row: one statement must not update a row twice.
      const { rows } = await db.execute<{ id: string; email: string }>(sql`
        with consumed as (
          update password_reset_tokens set used_at = now()
          where token_hash = ${tokenHash} and used_at is null and expires_at > now()
          returning user_id
        ), others as (
          update password_reset_tokens t set used_at = now()
          from consumed
          where t.user_id = consumed.user_id and t.used_at is null and t.token_hash <> ${tokenHash}
        )
        update users u set password_hash = ${passwordHash}, updated_at = now()
        from consumed where u.id = consumed.user_id
        returning u.id, u.email`);
      const row = rows[0];
      return row ? { userId: row.id, email: row.email } : null;
    },

    async insertVerification(t) {
      await db.insert(emailVerificationTokens).values(t);
    },

    async setPassword(userId, passwordHash) {
      await db.execute(sql`
        with outstanding as (
          update password_reset_tokens set used_at = now()
          where user_id = ${userId} and used_at is null
        )
        update users set password_hash = ${passwordHash}, updated_at = now()
        where id = ${userId}`);
    },

    async consumeVerification(tokenHash) {
      // A "verify" token proves one address: if the user's address changed since,
      // it verifies nothing. `previous` reads the row as it was before this statement.
      try {
        const { rows } = await db.execute<{
          id: string;
          purpose: "verify" | "change";
          previous_email: string;
        }>(sql`
          with consumed as (
            update email_verification_tokens set used_at = now()
            where token_hash = ${tokenHash} and used_at is null and expires_at > now()
            returning user_id, email, purpose
          ), previous as (
            select u.id, u.email from users u join consumed c on u.id = c.user_id
          )
          update users u set
            email = case when c.purpose = 'change' then c.email else u.email end,
            email_verified_at = case when c.purpose = 'change' then now()
                                     else coalesce(u.email_verified_at, now()) end,
            updated_at = now()
          from consumed c, previous p
          where u.id = c.user_id and p.id = u.id
            and (c.purpose = 'change' or lower(u.email) = lower(c.email))
          returning u.id, c.purpose, p.email as previous_email`);
        const row = rows[0];
        return row
          ? { userId: row.id, purpose: row.purpose, previousEmail: row.previous_email }
          : null;
      } catch (err) {
        // The unique index on lower(email): someone else took the address meanwhile.
        if (isUniqueViolation(err)) return "email_taken";
        throw err;
      }
    },

    async deleteExpired(before) {
      const at = before.toISOString();
      const [resets, verifications] = await db.batch([
        db.execute(sql`delete from password_reset_tokens where expires_at < ${at}`),
        db.execute(sql`delete from email_verification_tokens where expires_at < ${at}`),
      ]);
      return (resets.rowCount ?? 0) + (verifications.rowCount ?? 0);
    },
  };
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if ((e as { code?: unknown }).code === "23505") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
