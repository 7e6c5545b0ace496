// An in-memory UserStore for unit tests. It passes the same contract as the
// Postgres adapter (test/contract/user-store.ts); `beforeSwap` lets a test act
// inside a compare-and-swap, before its compare, as a concurrent writer would.
import type { UserRecord, UserStore } from "../../../src/ports";

export interface MemoryUserStore extends UserStore {
  /** Inserts a record as it is (a fixture), bypassing create's defaults. */
  put(record: UserRecord): void;
  /** The stored record itself (not a copy), for a test that plays a concurrent writer. */
  live(id: string): UserRecord;
  /** Runs inside every replacePasswordHash, before its compare. */
  beforeSwap?: () => void;
  /** Every replacePasswordHash call, in order. */
  readonly swaps: Array<{ expected: string; next: string }>;
  /** The stored records themselves (not copies), for fakes of other ports that share these users. */
  all(): UserRecord[];
  /**
   * Applies `edit` to the stored record and advances its credential epoch in
   * one step, as one statement would (the feature fakes' credential changes).
   * False when there is no such user.
   */
  changeCredential(id: string, edit?: (user: UserRecord) => void): boolean;
}

export function memoryUserStore(records: UserRecord[] = []): MemoryUserStore {
  const byId = new Map<string, UserRecord>();
  let epochs = 0;
  const nextEpoch = () => new Date(Date.UTC(2026, 0, 1) + ++epochs).toISOString();
  const byEmail = (email: string) =>
    [...byId.values()].find((u) => u.email.toLowerCase() === email.toLowerCase());
  const copy = (u: UserRecord | undefined) => (u ? { ...u } : null);
  const store: MemoryUserStore = {
    swaps: [],
    put(record) {
      byId.set(record.id, { ...record });
    },
    live(id) {
      const user = byId.get(id);
      if (!user) throw new Error(`no user ${id}`);
      return user;
    },
    all() {
      return [...byId.values()];
    },
    changeCredential(id, edit) {
      const user = byId.get(id);
      if (!user) return false;
      edit?.(user);
      user.credentialEpoch = nextEpoch();
      return true;
    },
    async create(input) {
      if (byEmail(input.email)) return null;
      const record: UserRecord = {
        ...input,
        createdAt: new Date(),
        emailVerifiedAt: null,
        legacySalt: null,
        credentialEpoch: null,
      };
      byId.set(input.id, record);
      return { ...record };
    },
    async findByEmail(email) {
      return copy(byEmail(email));
    },
    async findById(id) {
      return copy(byId.get(id));
    },
    async replacePasswordHash(userId, expected, next) {
      store.beforeSwap?.();
      store.swaps.push({ expected, next });
      const user = byId.get(userId);
      if (!user || user.passwordHash !== expected) return false;
      user.passwordHash = next;
      user.legacySalt = null;
      return true;
    },
    async setPassword(userId, passwordHash) {
      store.changeCredential(userId, (user) => {
        user.passwordHash = passwordHash;
      });
    },
    async advanceCredentialEpoch(userId) {
      store.changeCredential(userId);
    },
  };
  for (const r of records) store.put(r);
  return store;
}
