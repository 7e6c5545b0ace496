import type { legacyAuditEvents } from "./events";

/**
 * What the carve-out needs from storage (implemented by
 * src/features/legacy/adapters/legacy-store.ts). Each method is one statement, so
 * each is atomic on its own.
 */

export interface ImportedUser {
  id: string;
  /** Trimmed, as given; uniqueness is case-insensitive. */
  email: string;
  /** The canonical stored form from ./hash-format.ts. */
  passwordHash: string;
  /** The separately kept salt, if the scheme kept one. */
  legacySalt: string | null;
  /** The monolith had verified the address (the record said `email_verified: true`). */
  emailVerified: boolean;
}

/**
 * What an imported user record met: a new account; an account an earlier
 * import created (a re-run); or an account registered here, which an import
 * must never take over (it might have been registered by someone else ahead
 * of the import, to catch the real owner's sessions).
 */
export type UserImportOutcome = "created" | "exists" | "conflict";

export interface ImportedSession {
  /** Lowercase hex SHA-256 of the monolith's session key. */
  keyHash: string;
  email: string;
  expiresAt: Date;
}

/** `conflict`: the email belongs to an account no import created (see UserImportOutcome). */
export type SessionImportOutcome = "created" | "exists" | "unknown_user" | "conflict";

/** A prefix rule for counting users per hash scheme; the first matching rule wins. */
export interface SchemeRule {
  label: string;
  prefix: string;
}

export interface LegacyStore {
  /**
   * Inserts each user unless the email (case-insensitively) or id exists,
   * with its salt row, in one statement; existing users are never touched.
   * Says per input id what happened.
   */
  insertUsers(users: readonly ImportedUser[]): Promise<Map<string, UserImportOutcome>>;
  /**
   * Inserts each session for the imported user with that email unless its key
   * hash exists, in one statement; never for an account no import created.
   * Says per key hash what happened.
   */
  insertSessions(sessions: readonly ImportedSession[]): Promise<Map<string, SessionImportOutcome>>;
  /**
   * Marks the session used and returns its user, only if it is unused, not
   * expired at `now`, and imported after the user's last credential change:
   * one `UPDATE … WHERE used_at IS NULL … RETURNING`, so of any number of
   * concurrent calls for one key at most one gets the user.
   */
  consumeSession(
    keyHash: string,
    now: Date,
  ): Promise<{ userId: string; emailVerified: boolean } | null>;
  /** Undoes `consumeSession` at `usedAt` (when no tokens could be issued). */
  releaseSession(keyHash: string, usedAt: Date): Promise<void>;
  countUsersByScheme(
    rules: readonly SchemeRule[],
    fallback: string,
  ): Promise<Record<string, number>>;
  /** Unused and exchangeable at `now`, used, and unused but past expiry or `deadline`. */
  countSessions(
    now: Date,
    deadline: Date | null,
  ): Promise<{ pending: number; exchanged: number; lapsed: number }>;
}

declare module "../../ports" {
  interface AuditEventRegistry extends Record<(typeof legacyAuditEvents)[number], true> {}
}

declare module "../../auth/sign-in" {
  interface SignInMethodRegistry {
    /** A session of the monolith, traded once for a token pair. */
    legacy_session: true;
  }
}
