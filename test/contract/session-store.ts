// The SessionStore port's contract (src/ports.ts), run against the Postgres
// adapter (test/worker/port-contracts.test.ts) and the in-memory fake the unit
// tests use (test/unit/port-contracts.test.ts), so the fake cannot drift from it.
import { describe, expect, it } from "vitest";
import type { SessionRecord, SessionStore } from "../../src/ports";

export interface SessionStoreHarness {
  store: SessionStore;
  /** A user sessions may belong to (the real store keeps sessions of existing users only). */
  newUserId(): Promise<string>;
  /** Disables the account, as an administrator does (src/auth/account-admin.ts). */
  disableUser(userId: string): Promise<void>;
  /** The account's credential epoch as a sign-in reads it (UserRecord.credentialEpoch). */
  credentialEpoch(userId: string): Promise<string | null>;
  /** Advances it, as a password change, reset or logout-all does. */
  changeCredentials(userId: string): Promise<void>;
}

/** Runs one test body against a store; the store may hold other tests' sessions. */
export type WithSessionStore = (body: (h: SessionStoreHarness) => Promise<void>) => Promise<void>;

// Far from the real clock, so nothing the tests write is ever really expired.
const T0 = 1_800_000_000_000;
const HOUR = 3_600_000;
const at = (ms: number) => new Date(T0 + ms);

const session = (userId: string, over: Partial<SessionRecord> = {}): SessionRecord => ({
  id: crypto.randomUUID(),
  userId,
  createdAt: at(0),
  expiresAt: at(HOUR),
  lastUsedAt: at(0),
  userAgent: null,
  ip: null,
  ...over,
});

const ids = (records: SessionRecord[]) => records.map((r) => r.id).sort();

export function sessionStoreContract(name: string, withStore: WithSessionStore): void {
  describe(`SessionStore contract: ${name}`, () => {
    it("finds an inserted session as it was written, for its user only", () =>
      withStore(async ({ store, newUserId }) => {
        const [user, other] = [await newUserId(), await newUserId()];
        const s = session(user, { userAgent: "ua/1", ip: "198.51.100.7" });
        await store.insert(s);
        expect(await store.findActive(s.id, user, at(1))).toEqual(s);
        expect(await store.listActive(user, at(1))).toEqual([s]);
        expect(await store.findActive(s.id, other, at(1))).toBeNull();
        expect(await store.listActive(other, at(1))).toEqual([]);
        expect(await store.findActive(crypto.randomUUID(), user, at(1))).toBeNull();
      }));

    it("lists no session for a disabled account, and says so", () =>
      withStore(async ({ store, newUserId, disableUser }) => {
        const user = await newUserId();
        const before = session(user);
        expect(await store.insert(before)).toBe("listed");
        await disableUser(user);
        const after = session(user);
        expect(await store.insert(after)).toBe("account_disabled");
        expect(ids(await store.listActive(user, at(1)))).toEqual([before.id]);
      }));

    it("lists a session only under the credential epoch its sign-in read, and says why not", () =>
      withStore(async ({ store, newUserId, credentialEpoch, changeCredentials, disableUser }) => {
        const user = await newUserId();
        const read = await credentialEpoch(user);
        const first = session(user);
        expect(await store.insert(first, { credentialEpoch: read })).toBe("listed");
        // A password change commits while a sign-in that read `read` is under way.
        await changeCredentials(user);
        const stale = session(user);
        expect(await store.insert(stale, { credentialEpoch: read })).toBe("credentials_changed");
        const now = await credentialEpoch(user);
        expect(now).not.toBe(read);
        const fresh = session(user);
        expect(await store.insert(fresh, { credentialEpoch: now })).toBe("listed");
        // Without an expectation the epoch is not asked (a sign-in by a factor no change replaces).
        const unchecked = session(user);
        expect(await store.insert(unchecked)).toBe("listed");
        expect(ids(await store.listActive(user, at(1)))).toEqual(
          [first.id, fresh.id, unchecked.id].sort(),
        );
        // A disabled account is refused as such, whatever the epoch.
        await disableUser(user);
        expect(await store.insert(session(user), { credentialEpoch: now })).toBe(
          "account_disabled",
        );
      }));

    it("refuses a second session with the same id", () =>
      withStore(async ({ store, newUserId }) => {
        const user = await newUserId();
        const s = session(user);
        await store.insert(s);
        await expect(store.insert({ ...s, userAgent: "other" })).rejects.toThrow();
        expect((await store.findActive(s.id, user, at(1)))?.userAgent).toBeNull();
      }));

    it("is active only while now is before its expiry", () =>
      withStore(async ({ store, newUserId }) => {
        const user = await newUserId();
        const s = session(user);
        await store.insert(s);
        expect(await store.findActive(s.id, user, at(HOUR - 1))).not.toBeNull();
        expect(await store.findActive(s.id, user, at(HOUR))).toBeNull();
        expect(await store.listActive(user, at(HOUR))).toEqual([]);
        expect(await store.revokeAllForUser(user, at(HOUR), "logout_all")).toEqual([]);
      }));

    it("touch moves the last use and nothing else; lists in order of last use", () =>
      withStore(async ({ store, newUserId }) => {
        const user = await newUserId();
        const a = session(user, { lastUsedAt: at(1) });
        const b = session(user, { lastUsedAt: at(2) });
        await store.insert(a);
        await store.insert(b);
        expect((await store.listActive(user, at(3))).map((s) => s.id)).toEqual([a.id, b.id]);
        await store.touch(a.id, at(10));
        expect(await store.findActive(a.id, user, at(11))).toEqual({ ...a, lastUsedAt: at(10) });
        expect((await store.listActive(user, at(11))).map((s) => s.id)).toEqual([b.id, a.id]);
        await store.touch(crypto.randomUUID(), at(10)); // unknown: no effect, no error
      }));

    it("revoke ends one session (for good), and is a no-op for an unknown one", () =>
      withStore(async ({ store, newUserId }) => {
        const user = await newUserId();
        const [a, b] = [session(user), session(user)];
        await store.insert(a);
        await store.insert(b);
        await store.revoke(a.id, at(5), "logout");
        expect(await store.findActive(a.id, user, at(6))).toBeNull();
        expect(ids(await store.listActive(user, at(6)))).toEqual([b.id]);
        await store.revoke(a.id, at(7), "again");
        await store.revoke(crypto.randomUUID(), at(7), "unknown");
        // A touch does not bring it back.
        await store.touch(a.id, at(8));
        expect(await store.findActive(a.id, user, at(9))).toBeNull();
        expect(await store.revokeAllForUser(user, at(9), "logout_all")).toEqual([b.id]);
      }));

    it("revokeAllForUser ends the user's active sessions but the excepted one, returning their ids", () =>
      withStore(async ({ store, newUserId }) => {
        const [user, other] = [await newUserId(), await newUserId()];
        const [keep, a, b] = [session(user), session(user), session(user)];
        const revoked = session(user);
        const expired = session(user, { expiresAt: at(5) });
        const bystander = session(other);
        for (const s of [keep, a, b, revoked, expired, bystander]) await store.insert(s);
        await store.revoke(revoked.id, at(1), "logout");

        const ended = await store.revokeAllForUser(user, at(10), "password_changed", keep.id);
        expect(ended.sort()).toEqual(ids([a, b]));
        expect(ids(await store.listActive(user, at(11)))).toEqual([keep.id]);
        expect(ids(await store.listActive(other, at(11)))).toEqual([bystander.id]);
        // Ended sessions are not listed again; without an exception the kept one goes too.
        expect(await store.revokeAllForUser(user, at(12), "logout_all")).toEqual([keep.id]);
        expect(await store.listActive(user, at(13))).toEqual([]);
      }));

    it("of concurrent revocations of all sessions, each session is returned by exactly one", () =>
      withStore(async ({ store, newUserId }) => {
        const user = await newUserId();
        const sessions = Array.from({ length: 6 }, () => session(user));
        await Promise.all(sessions.map((s) => store.insert(s)));
        const results = await Promise.all(
          Array.from({ length: 5 }, (_, i) => store.revokeAllForUser(user, at(10 + i), "race")),
        );
        expect(results.flat().sort()).toEqual(ids(sessions));
        expect(await store.listActive(user, at(20))).toEqual([]);
      }));
  });
}
