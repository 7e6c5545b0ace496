import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../adapters/postgres/client";
import { isUniqueViolation } from "../../../adapters/postgres/unique-violation";
import type { RecoveryTokenStore } from "../ports";
import { emailVerificationTokens, passwordResetTokens } from "./schema";

/**
 * Reset and verification tokens in Postgres. Every consume is one statement
 * (data-modifying CTEs run in one snapshot and commit together): a concurrent
 * second consumer blocks on the token's row lock, re-checks `used_at IS NULL`
 * after the first commits, and gets no row.
 *
 * One rule ends outstanding tokens, in one place: a credential change sets
 * `users.credentials_changed_at` in the same statement that changes the
 * credential, and every consume of a reset or email-change token requires the
 * token to be newer than it (`issuedSince` below). A reset token is also
 * honoured only while the address it was mailed to is still the account's.
 */
const issuedSince = (createdAt: SQL, user: SQL) =>
  sql`(${user}.credentials_changed_at is null or ${createdAt} > ${user}.credentials_changed_at)`;

export function createPostgresRecoveryStore(db: Db): RecoveryTokenStore {
  return {
    async insertReset(t) {
      await db.insert(passwordResetTokens).values(t);
    },

    async usableResetOwner(tokenHash) {
      const { rows } = await db.execute<{ user_id: string }>(sql`
        select t.user_id from password_reset_tokens t join users u on u.id = t.user_id
        where t.token_hash = ${tokenHash} and t.used_at is null and t.expires_at > now()
          and lower(t.email) = lower(u.email) and ${issuedSince(sql`t.created_at`, sql`u`)}`);
      return rows[0]?.user_id ?? null;
    },

    async consumeReset(tokenHash, passwordHash) {
      // Following the link proves control of the address it went to, so the
      // address counts as verified (a user whose verification mail was lost is
      // not locked out by REQUIRE_EMAIL_VERIFICATION).
      const { rows } = await db.execute<{ id: string; email: string }>(sql`
        with consumed as (
          update password_reset_tokens t set used_at = now()
          from users u
          where t.token_hash = ${tokenHash} and t.used_at is null and t.expires_at > now()
            and u.id = t.user_id and lower(t.email) = lower(u.email)
            and ${issuedSince(sql`t.created_at`, sql`u`)}
          returning t.user_id
        ), changed as (
          update users u set password_hash = ${passwordHash}, password_reset_required_at = null,
            email_verified_at = coalesce(u.email_verified_at, now()),
            credentials_changed_at = now(), updated_at = now()
          from consumed where u.id = consumed.user_id
          returning u.id, u.email
        ), dropped_salt as (
          -- A foreign hash's salt goes with the hash it belonged to.
          delete from legacy_password_salts where user_id in (select id from changed)
        )
        select id, email from changed`);
      const row = rows[0];
      return row ? { userId: row.id, email: row.email } : null;
    },

    async insertVerification({ credentialEpoch, ...t }) {
      if (credentialEpoch === undefined) {
        await db.insert(emailVerificationTokens).values(t);
        return true;
      }
      // One statement: the epoch is compared and the token stored together, so a
      // credential change committed before this insert leaves no token behind, and
      // one committed after it is newer than the token (issuedSince refuses it).
      const { rows } = await db.execute<{ token_hash: string }>(sql`
        insert into email_verification_tokens (token_hash, user_id, email, purpose, expires_at)
        select ${t.tokenHash}, u.id, ${t.email}, ${t.purpose}, ${t.expiresAt.toISOString()}
        from users u
        where u.id = ${t.userId}
          and u.credentials_changed_at is not distinct from ${credentialEpoch}::timestamptz
        returning token_hash`);
      return rows.length === 1;
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
            update email_verification_tokens t set used_at = now()
            from users u
            where t.token_hash = ${tokenHash} and t.used_at is null and t.expires_at > now()
              and u.id = t.user_id
              and (t.purpose = 'verify' or ${issuedSince(sql`t.created_at`, sql`u`)})
            returning t.user_id, t.email, t.purpose
          ), previous as (
            select u.id, u.email from users u join consumed c on u.id = c.user_id
          )
          update users u set
            email = case when c.purpose = 'change' then c.email else u.email end,
            email_verified_at = case when c.purpose = 'change' then now()
                                     else coalesce(u.email_verified_at, now()) end,
            credentials_changed_at = case when c.purpose = 'change' then now()
                                          else u.credentials_changed_at end,
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
