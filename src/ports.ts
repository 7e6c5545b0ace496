/**
 * The domain's view of the outside world: small interfaces, implemented by
 * adapters (Postgres, Redis, Durable Objects) and by fakes in unit tests.
 */

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  createdAt: Date;
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
