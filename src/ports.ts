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
  /** Every session (family) of this user started at or before `atMs` is dead, with its tokens. */
  setUserNotBefore(userId: string, atMs: number, ttlSeconds: number): Promise<void>;
  userNotBefore(userId: string): Promise<number | null>;
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
  revokeAllForUser(userId: string, at: Date, reason: string): Promise<string[]>;
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
  /** Counts one hit and says whether it was within the limit. */
  consume(bucket: LimitBucket, key: string): Promise<LimitResult>;
  /** Says whether a hit would be within the limit, without counting one. */
  peek(bucket: LimitBucket, key: string): Promise<LimitResult>;
}

/**
 * Consecutive failed logins per account (NIST SP 800-63B rev 4 §3.2.2), and the
 * client IPs the account has logged in from before (so throttling an account
 * does not lock its owner out from a known place).
 */
export interface AccountGuard {
  state(
    account: string,
    ip: string,
  ): Promise<{ failures: number; lastFailureAt: number; knownIp: boolean }>;
  recordFailure(account: string, atMs: number): Promise<void>;
  recordSuccess(account: string, ip: string): Promise<void>;
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
  | { kind: "password_changed"; userId: string }
  /** Proves a new address: the link goes to `newEmail`, a notice to the current one. */
  | { kind: "email_change"; userId: string; newEmail: string }
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
 */
export interface RecoveryTokenStore {
  insertReset(t: { tokenHash: string; userId: string; expiresAt: Date }): Promise<void>;
  /** A cheap look before hashing a new password; the consume below decides. */
  isResetUsable(tokenHash: string): Promise<boolean>;
  /**
   * Consumes the token, invalidates the user's other reset tokens and sets the
   * password, atomically; null when the token is unknown, used or expired.
   */
  consumeReset(
    tokenHash: string,
    passwordHash: string,
  ): Promise<{ userId: string; email: string } | null>;
  insertVerification(t: {
    tokenHash: string;
    userId: string;
    email: string;
    purpose: "verify" | "change";
    expiresAt: Date;
  }): Promise<void>;
  /** Sets a password (change with the current one) and kills outstanding reset tokens, atomically. */
  setPassword(userId: string, passwordHash: string): Promise<void>;
  /**
   * Consumes a verification token in one statement: a "verify" token marks the
   * address verified if it is still the user's; a "change" token makes its
   * address the user's, verified. null when unknown, used, expired or stale;
   * "email_taken" (token left unused) when another account took the address.
   */
  consumeVerification(tokenHash: string): Promise<VerificationResult | null | "email_taken">;
  /** Deletes tokens that expired before `before`; returns how many. */
  deleteExpired(before: Date): Promise<number>;
}
