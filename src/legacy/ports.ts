/**
 * What the carve-out needs from storage (implemented by
 * src/adapters/postgres/legacy-store.ts). Each method is one statement, so
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
}

export interface ImportedSession {
  /** Lowercase hex SHA-256 of the monolith's session key. */
  keyHash: string;
  email: string;
  expiresAt: Date;
}

export type SessionImportOutcome = "created" | "exists" | "unknown_user";

/** A prefix rule for counting users per hash scheme; the first matching rule wins. */
export interface SchemeRule {
  label: string;
  prefix: string;
}

export interface LegacyStore {
  /**
   * Inserts each user unless the email (case-insensitively) or id exists,
   * with its salt row, in one statement; existing users are never touched.
   * Returns the ids that were inserted.
   */
  insertUsers(users: readonly ImportedUser[]): Promise<Set<string>>;
  /**
   * Inserts each session for the user with that email unless its key hash
   * exists, in one statement. Says per key hash what happened.
   */
  insertSessions(sessions: readonly ImportedSession[]): Promise<Map<string, SessionImportOutcome>>;
  /**
   * Marks the session used and returns its user, only if it is unused and not
   * expired at `now`: one `UPDATE … WHERE used_at IS NULL … RETURNING`, so of
   * any number of concurrent calls for one key at most one gets the user.
   */
  consumeSession(keyHash: string, now: Date): Promise<string | null>;
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
