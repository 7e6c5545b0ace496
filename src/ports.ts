/**
 * The domain's view of the outside world: small interfaces, implemented by
 * adapters (Postgres, Redis, Durable Objects) and by fakes in unit tests.
 */

export interface UserRecord {
  id: string;
  email: string;
  /** Null for an account that signs in only through a provider (no password set). */
  passwordHash: string | null;
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
  /** When an administrator disabled the account; null or absent = enabled. */
  disabledAt?: Date | null;
  /** When an administrator required a new password; null or absent = none required. */
  passwordResetRequiredAt?: Date | null;
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

/**
 * One data point for the operators' dashboards (docs/operations.md): what
 * happened (`event`: an audit event type, `rate_limited`, `unavailable`), how
 * (`method`: a sign-in method, provider, bucket or route) and why (`reason`:
 * a refusal's code). Never an identifier of a person, a token or an address.
 */
export interface MetricPoint {
  event: string;
  method?: string;
  reason?: string;
}

/** Where data points go (Workers Analytics Engine in production); never blocks a request. */
export interface Metrics {
  record(point: MetricPoint): void;
}

/** What a user may do: the roles they hold now and the union of those roles' grants. */
export interface GrantSource {
  grantsOf(userId: string): Promise<{ roles: string[]; permissions: string[] }>;
}

/** One account as the admin search lists it. */
export interface UserSummary {
  id: string;
  email: string;
  createdAt: Date;
  emailVerified: boolean;
  disabledAt: Date | null;
}

/**
 * An admin search: by id, by address prefix (ordered by address), or all
 * (newest first), optionally within a creation range; keyset-paginated by
 * the opaque `after` of the previous page, so no page scans the table.
 */
export interface UserSearch {
  id?: string;
  emailPrefix?: string;
  createdFrom?: Date;
  createdTo?: Date;
  limit: number;
  after?: string;
}

export interface UserPage {
  users: UserSummary[];
  /** Pass as `after` for the next page; null on the last. */
  next: string | null;
}

/**
 * What administrators read and change about accounts (Postgres,
 * src/adapters/postgres/user-directory.ts), each method one statement.
 */
export interface UserDirectory {
  /** Rejects with a RangeError for an `after` it did not give out. */
  search(query: UserSearch): Promise<UserPage>;
  /**
   * Disables or enables the account (disabling also advances the credential
   * epoch, ending every outstanding reset and email-change link); false when
   * there is no such account.
   */
  setDisabled(userId: string, disabled: boolean): Promise<boolean>;
  /**
   * A correct password no longer signs in until a new one is set (a reset
   * clears it); advances the credential epoch. False when there is no such account.
   */
  requirePasswordReset(userId: string): Promise<boolean>;
  /**
   * Deletes the account; every table that names it by foreign key (sessions,
   * identities, second factors, passkeys, roles, recovery tokens) goes with
   * it. The audit trail keeps its events, which hold no address or hash.
   * False when there was none.
   */
  erase(userId: string): Promise<boolean>;
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

/** What listing a new session came to: listed, or refused and why. */
export type SessionInsertOutcome = "listed" | "account_disabled" | "credentials_changed";

/** The durable, listable copy of refresh families; the Durable Object stays the authority. */
export interface SessionStore {
  /**
   * Lists a new session, only while its account exists and is not disabled:
   * one statement that holds the account's row under a share lock, so a
   * disable (an UPDATE of that row) either waits for this insert, and then
   * finds the session to end, or commits first, and then this inserts
   * nothing. With `credentialEpoch` (UserRecord.credentialEpoch, as the sign-in
   * read it before checking the credential), the same statement also requires
   * that no credential changed since: a password change or reset, or a
   * logout-all, that commits while a sign-in with the old password is under
   * way ends it here, however long its hashing took. Answers what happened.
   */
  insert(
    session: SessionRecord,
    expect?: { credentialEpoch?: string | null },
  ): Promise<SessionInsertOutcome>;
  touch(id: string, at: Date): Promise<void>;
  revoke(id: string, at: Date, reason: string): Promise<void>;
  /** Marks the user's active sessions revoked (all but `exceptId`); returns their ids. */
  revokeAllForUser(userId: string, at: Date, reason: string, exceptId?: string): Promise<string[]>;
  listActive(userId: string, now: Date): Promise<SessionRecord[]>;
  findActive(id: string, userId: string, now: Date): Promise<SessionRecord | null>;
}

/**
 * Every auth event the audit trail records (docs/security.md), as a registry:
 * the core's events are here, and each feature adds its own (declaration
 * merging, in the feature's events.ts) and lists them in its Feature.
 */
export interface AuditEventRegistry {
  register: true;
  login_succeeded: true;
  login_failed: true;
  token_issued: true;
  token_refreshed: true;
  refresh_grace_retry: true;
  refresh_reuse_detected: true;
  family_revoked: true;
  logout: true;
  logout_all: true;
  hash_upgraded: true;
  admin_key_used: true;
  account_disabled: true;
  account_enabled: true;
  password_reset_forced: true;
  account_deleted: true;
  accounts_searched: true;
  account_viewed: true;
}

export type AuditEventType = keyof AuditEventRegistry;

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

/**
 * The rate-limit buckets, each a sliding window per key (docs/security.md), as
 * a registry: the core's are here, a feature adds its own (declaration
 * merging, in its config.ts) together with the variable that sets each.
 */
export interface LimitBucketRegistry {
  login_ip: true;
  login_failures: true;
  register_ip: true;
  token_ip: true;
  introspect_ip: true;
  admin_ip: true;
}

export type LimitBucket = keyof LimitBucketRegistry;

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

/**
 * What a refresh asks Redis before its family's object is called, in one
 * round trip: the client's `token_ip` limit and, when the token names its
 * user, that user's not-before as it applies to the session (the object
 * checks the user is the family's). `notBefore` is absent without a session.
 */
export interface RefreshAdmission {
  admit(
    clientNetwork: string,
    session: { userId: string; familyId: string } | null,
  ): Promise<{ limit: LimitResult; notBefore?: number | null }>;
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
