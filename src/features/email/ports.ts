import type { emailAuditEvents } from "./events";

/**
 * The email feature's view of the outside world beyond the core's mail ports
 * (src/mail.ts): the single-use recovery tokens, implemented in ./adapters/,
 * and the mail jobs it queues.
 */

export interface VerificationResult {
  userId: string;
  purpose: "verify" | "change";
  /** The address before this token was used (differs from the new one for "change"). */
  previousEmail: string;
}

/**
 * Single-use recovery tokens (only their SHA-256 is stored). Each consume is
 * ONE statement: of concurrent consumers of one token, exactly one gets a row.
 *
 * A credential change (password change or reset, logout-all, a completed email
 * change) ends every reset and email-change token issued before it, in the
 * same statement as the change, whatever address the token was mailed to.
 * Verification tokens for the account's current address are exempt: they can
 * only confirm the address the account already has.
 */
export interface RecoveryTokenStore {
  /** `email` is the address the token is mailed to; it works only while that is the account's. */
  insertReset(t: {
    tokenHash: string;
    userId: string;
    email: string;
    expiresAt: Date;
  }): Promise<void>;
  /** The user a usable reset token is for: a cheap look before hashing; the consume below decides. */
  usableResetOwner(tokenHash: string): Promise<string | null>;
  /**
   * Consumes the token and sets the password, atomically; the address counts
   * as verified (the link proved it), and outstanding tokens end. Null when the
   * token is unknown, used, expired, or older than the last credential change.
   */
  consumeReset(
    tokenHash: string,
    passwordHash: string,
  ): Promise<{ userId: string; email: string } | null>;
  /**
   * Stores a verification token. With `credentialEpoch` (a string or null),
   * only while the user's credential epoch is still exactly that, in the same
   * statement: false when a credential changed since, and nothing is stored.
   */
  insertVerification(t: {
    tokenHash: string;
    userId: string;
    email: string;
    purpose: "verify" | "change";
    expiresAt: Date;
    credentialEpoch?: string | null;
  }): Promise<boolean>;
  /**
   * Consumes a verification token in one statement: a "verify" token marks the
   * address verified if it is still the user's; a "change" token (unless older
   * than the last credential change) makes its address the user's, verified,
   * and ends the other outstanding tokens. null when unknown, used, expired or
   * stale; "email_taken" (token left unused) when another account took the address.
   */
  consumeVerification(tokenHash: string): Promise<VerificationResult | null | "email_taken">;
  /** Deletes tokens that expired before `before`; returns how many. */
  deleteExpired(before: Date): Promise<number>;
}

declare module "../../ports" {
  interface AuditEventRegistry extends Record<(typeof emailAuditEvents)[number], true> {}
}

declare module "../../mail" {
  interface MailJobRegistry {
    verify_email: { userId: string };
    password_reset_request: { email: string };
    /** A verification mail asked for by address (no session); the consumer looks the account up. */
    verify_email_request: { email: string };
    password_changed: { userId: string };
    /** Proves a new address: the link goes to `newEmail`, a notice to the current one. */
    email_change: {
      userId: string;
      newEmail: string;
      /**
       * The credential epoch the request was made under (UserRecord.credentialEpoch);
       * the link is minted only while it still holds. Absent in jobs queued
       * before the field existed: those mint unconditionally, as they did.
       */
      credentialEpoch?: string | null;
    };
    /** Tells the previous address that the account now uses another. */
    email_changed: { userId: string; previousEmail: string };
  }
}
