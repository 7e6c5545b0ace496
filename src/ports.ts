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
  check(): Promise<void>;
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
  | "admin_key_used";

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
  | "admin_ip";

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
}

/** A breached-password corpus (k-anonymity range API). Throws when unreachable. */
export interface BreachedPasswordCheck {
  isBreached(password: string): Promise<boolean>;
}

/** A bot challenge (Cloudflare Turnstile) that can relax throttling for a human. */
export interface BotChallenge {
  passed(token: string, ip: string): Promise<boolean>;
}
