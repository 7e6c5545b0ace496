/**
 * The domain's view of the outside world: small interfaces, implemented by
 * adapters (Postgres, Redis, Durable Objects) and by fakes in unit tests.
 */

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  createdAt: Date;
  /** The separately kept salt of an imported legacy hash, if any (docs/migration.md). */
  legacySalt?: string | null;
  /** When the current address was verified; null = never. */
  emailVerifiedAt: Date | null;
  /**
   * The account's credential epoch: when a credential last changed, exactly as
   * the store keeps it (text, full precision), null = never. A request that
   * proved the password carries it to later work (the email-change mail), which
   * then acts only if no credential changed in between. Optional for fakes.
   */
  credentialEpoch?: string | null;
}

export interface UserStore {
  /**
   * Inserts the user unless the email (compared case-insensitively) exists.
   * Atomic in one statement: of two concurrent registrations for one email,
   * exactly one gets the record and the other gets `null`.
   */
  create(user: { id: string; email: string; passwordHash: string }): Promise<UserRecord | null>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
  /**
   * Compare-and-swap of the password hash in one statement: sets `next` (and
   * drops any legacy salt) only while the stored hash is still `expected`, so a
   * concurrent password change is never overwritten. True if this call replaced
   * it. Optional so that stores without lazy migration (unit-test fakes) still
   * fit the port; without it, hashes are simply never upgraded.
   */
  replacePasswordHash?(userId: string, expected: string, next: string): Promise<boolean>;
  /**
   * Sets a new password (a change with the current one) and advances the
   * credential epoch in the same statement: every reset and email-change token
   * and every unexchanged legacy session issued before it ends with it.
   */
  setPassword(userId: string, passwordHash: string): Promise<void>;
  /** Advances the credential epoch without changing a credential (logout-all). */
  advanceCredentialEpoch(userId: string): Promise<void>;
}

/** A dependency that `/ready` checks with one real round trip. */
export interface HealthProbe {
  name: string;
  /** Resolves when healthy, or to a finding other than "ok" (e.g. "conflict"); rejects when unreachable. */
  check(): Promise<string | undefined>;
  /** Reported in `checks` only: its result never takes the service out of rotation. */
  advisory?: boolean;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Online revocation state (Redis). Session denylist entries live as long as an
 * access token can; the per-user not-before lives as long as a refresh family.
 */
export interface RevocationList {
  /** Every access token of this session (refresh family) is dead from now on. */
  revokeSession(sessionId: string, ttlSeconds: number): Promise<void>;
  /**
   * Every session (family) of this user started at or before `atMs` is dead,
   * with its tokens, except `exceptSessionId` (the session a password change
   * keeps: a family id, `[A-Za-z0-9_-]{1,64}`, else it throws). Only ever
   * raised; a later call, even in the same millisecond, replaces the exception.
   */
  setUserNotBefore(
    userId: string,
    atMs: number,
    ttlSeconds: number,
    exceptSessionId?: string,
  ): Promise<void>;
  userNotBefore(userId: string): Promise<number | null>;
  /** The not-before that applies to this session: null when there is none or it spares the session. */
  notBeforeFor(userId: string, sessionId: string): Promise<number | null>;
  /** One round trip: is this access token's session denied, or its user logged out since it began? */
  isRevoked(claims: { sid: string; sub: string }): Promise<boolean>;
}

/** A session as listed to its user (the durable copy in Postgres). */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** The durable, listable copy of refresh families; the Durable Object stays the authority. */
export interface SessionStore {
  insert(session: SessionRecord): Promise<void>;
  touch(id: string, at: Date): Promise<void>;
  revoke(id: string, at: Date, reason: string): Promise<void>;
  /** Marks the user's active sessions revoked (all but `exceptId`); returns their ids. */
  revokeAllForUser(userId: string, at: Date, reason: string, exceptId?: string): Promise<string[]>;
  listActive(userId: string, now: Date): Promise<SessionRecord[]>;
  findActive(id: string, userId: string, now: Date): Promise<SessionRecord | null>;
}

/** Every auth event the audit trail records (docs/security.md). */
export type AuditEventType =
  | "register"
  | "login_succeeded"
  | "login_failed"
  | "token_issued"
  | "token_refreshed"
  | "refresh_grace_retry"
  | "refresh_reuse_detected"
  | "family_revoked"
  | "logout"
  | "logout_all"
  | "hash_upgraded"
  | "user_imported"
  | "legacy_session_exchanged"
  | "admin_key_used"
  | "password_reset"
  | "password_changed"
  | "email_change_requested"
  | "email_changed"
  | "email_verified";

export interface AuditEvent {
  type: AuditEventType;
  userId: string | null;
  /** Never a secret: no token, password, hash or key. Reason codes, ids, counts. */
  details: Record<string, string | number | boolean | null>;
}

/**
 * The tamper-evident audit trail. `record` hands the event to its chain head and
 * returns without a database round trip on the request path.
 */
export interface AuditLog {
  record(event: AuditEvent): void;
  /**
   * Many events at once, in order: one hand-off per chain, not per event, so
   * a request that records thousands (a user import) stays far below the
   * Workers subrequest limit.
   */
  recordMany(events: readonly AuditEvent[]): void;
}

/** The rate-limit buckets, each a sliding window per key (docs/security.md). */
export type LimitBucket =
  | "login_ip"
  | "login_failures"
  | "register_ip"
  | "token_ip"
  | "introspect_ip"
  | "admin_ip"
  | "email_ip"
  | "email_address";

export interface LimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the window has room again. */
  resetAt: number;
  /** Redis did not answer in time; the caller decides to fail open or closed. */
  timedOut: boolean;
}

/** Atomic sliding-window limits in Redis (one Lua script per check). */
export interface RateLimiter {
  /** Counts one hit and says whether it was within the limit (a refused hit is not counted). */
  consume(bucket: LimitBucket, key: string): Promise<LimitResult>;
  /** Gives back one hit that `consume` counted (a reservation that did not happen). */
  refund(bucket: LimitBucket, key: string): Promise<void>;
}

/** The account backoff: after `maxFailures` failures, wait `backoffMs[min(n - max, last)]` after the last one. */
export interface BackoffPolicy {
  maxFailures: number;
  backoffMs: readonly number[];
}

/**
 * Consecutive failed password checks per account (NIST SP 800-63B rev 4
 * §3.2.2), and the client networks the account has signed in from before (so
 * throttling an account does not lock its owner out from a known place).
 */
export interface AccountGuard {
  /**
   * Reserves one password attempt, atomically (one Redis script): refused while
   * the account's backoff runs, unless `network` is one it signed in from;
   * otherwise counted as a failure at once, so a concurrent attempt already sees
   * it. Of N concurrent reservations on a throttled account, at most one passes.
   */
  reserve(
    account: string,
    network: string,
    nowMs: number,
    policy: BackoffPolicy,
  ): Promise<{ allowed: true } | { allowed: false; retryAtMs: number }>;
  /** Gives back one reservation whose check never ran to a verdict. */
  release(account: string): Promise<void>;
  /** The check passed: the streak ends and the network becomes a known one. */
  recordSuccess(account: string, network: string): Promise<void>;
  /** Forgets the account's consecutive failures (after a password reset). */
  clearFailures(account: string): Promise<void>;
}

/** A breached-password corpus (k-anonymity range API). Throws when unreachable. */
export interface BreachedPasswordCheck {
  isBreached(password: string): Promise<boolean>;
}

/** A bot challenge (Cloudflare Turnstile) that can relax throttling for a human. */
export interface BotChallenge {
  passed(token: string, ip: string): Promise<boolean>;
}

/** One rendered mail. */
export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** An email provider. Throws when the provider did not accept the mail. */
export interface Mailer {
  /**
   * Sends one mail. `idempotencyKey` lets a retry of an ambiguous failure be
   * answered from the provider's memory instead of sending twice.
   */
  send(mail: OutgoingMail, idempotencyKey?: string): Promise<void>;
}

/** Mail work handed from the request path to the queue consumer. Never a secret. */
export type MailJob =
  | { kind: "verify_email"; userId: string }
  | { kind: "password_reset_request"; email: string }
  /** A verification mail asked for by address (no session); the consumer looks the account up. */
  | { kind: "verify_email_request"; email: string }
  | { kind: "password_changed"; userId: string }
  /** Proves a new address: the link goes to `newEmail`, a notice to the current one. */
  | {
      kind: "email_change";
      userId: string;
      newEmail: string;
      /**
       * The credential epoch the request was made under (UserRecord.credentialEpoch);
       * the link is minted only while it still holds. Absent in jobs queued
       * before the field existed: those mint unconditionally, as they did.
       */
      credentialEpoch?: string | null;
    }
  /** Tells the previous address that the account now uses another. */
  | { kind: "email_changed"; userId: string; previousEmail: string };

export interface MailJobs {
  enqueue(job: MailJob): Promise<void>;
}

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
