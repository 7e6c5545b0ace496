// The LegacyStore port's contract (src/features/legacy/ports.ts), run against
// the Postgres adapter (test/worker/port-contracts.test.ts) and the in-memory
// fake the unit tests use (test/unit/port-contracts.test.ts), so the fake
// cannot drift from the store.
import { describe, expect, it } from "vitest";
import type { ImportedSession, ImportedUser, LegacyStore } from "../../src/features/legacy/ports";
import type { UserStore } from "../../src/ports";

export interface LegacyStoreHarness {
  store: LegacyStore;
  /** The users imports create and registrations compete with (one users table). */
  users: UserStore;
}

/**
 * Runs one test body against a store; the store may hold other tests' users and
 * sessions, but no other test writes while a body runs (the counts are compared
 * before and after).
 */
export type WithLegacyStore = (body: (h: LegacyStoreHarness) => Promise<void>) => Promise<void>;

// consumeSession and countSessions judge expiry by the `now` they are given.
const T0 = 1_800_000_000_000;
const HOUR = 3_600_000;
const at = (ms: number) => new Date(T0 + ms);
const email = (tag: string) => `${tag}-${crypto.randomUUID()}@contract.test`;
const keyHash = () => crypto.randomUUID().replaceAll("-", "").repeat(2);

const imported = (tag: string, over: Partial<ImportedUser> = {}): ImportedUser => ({
  id: crypto.randomUUID(),
  email: email(tag),
  passwordHash: `bcrypt$$2b$10$${tag}`,
  legacySalt: null,
  emailVerified: false,
  ...over,
});

const session = (userEmail: string, over: Partial<ImportedSession> = {}): ImportedSession => ({
  keyHash: keyHash(),
  email: userEmail,
  expiresAt: at(HOUR),
  ...over,
});

export function legacyStoreContract(name: string, withStore: WithLegacyStore): void {
  describe(`LegacyStore contract: ${name}`, () => {
    /** An imported user with one imported session; returns both. */
    const importedSession = async (
      store: LegacyStore,
      over: Partial<ImportedUser> = {},
      expiresAt = at(HOUR),
    ) => {
      const user = imported("session-owner", over);
      expect((await store.insertUsers([user])).get(user.id)).toBe("created");
      const s = session(user.email, { expiresAt });
      expect(await store.insertSessions([s])).toEqual(new Map([[s.keyHash, "created"]]));
      return { user, key: s.keyHash };
    };

    it("imports new users as given, with their salts and verification, and says so per id", () =>
      withStore(async ({ store, users }) => {
        const plain = imported("plain");
        const salted = imported("salted", { legacySalt: "s4lt", emailVerified: true });
        const outcomes = await store.insertUsers([plain, salted]);
        expect(outcomes).toEqual(
          new Map([
            [plain.id, "created"],
            [salted.id, "created"],
          ]),
        );
        expect(await users.findByEmail(plain.email)).toMatchObject({
          id: plain.id,
          passwordHash: plain.passwordHash,
          emailVerifiedAt: null,
        });
        expect((await users.findByEmail(plain.email))?.legacySalt ?? null).toBeNull();
        const found = await users.findByEmail(salted.email.toUpperCase());
        expect(found).toMatchObject({
          id: salted.id,
          passwordHash: salted.passwordHash,
          legacySalt: "s4lt",
        });
        expect(found?.emailVerifiedAt).toBeInstanceOf(Date);
        // By id too: re-authentication reads the user by id.
        expect((await users.findById(salted.id))?.legacySalt).toBe("s4lt");
        expect(await store.insertUsers([])).toEqual(new Map());
      }));

    it("answers exists for an email (in any case) an earlier import created, and changes nothing", () =>
      withStore(async ({ store, users }) => {
        const first = imported("rerun");
        await store.insertUsers([first]);
        const again = { ...first, id: crypto.randomUUID(), passwordHash: "pbkdf2_sha256$other" };
        const sameId = { ...first, email: first.email.toUpperCase(), legacySalt: "new-salt" };
        expect(await store.insertUsers([again])).toEqual(new Map([[again.id, "exists"]]));
        expect(await store.insertUsers([sameId])).toEqual(new Map([[first.id, "exists"]]));
        expect(await users.findById(again.id)).toBeNull();
        const kept = await users.findByEmail(first.email);
        expect(kept).toMatchObject({
          id: first.id,
          email: first.email,
          passwordHash: first.passwordHash,
        });
        expect(kept?.legacySalt ?? null).toBeNull();
      }));

    it("never takes over an account registered here (conflict), whatever the case, beside others that are created", () =>
      withStore(async ({ store, users }) => {
        const registered = await users.create({
          id: crypto.randomUUID(),
          email: email("registered"),
          passwordHash: "$argon2id$mine",
        });
        if (!registered) throw new Error("no user");
        const squatted = imported("squat", {
          email: registered.email.toUpperCase(),
          legacySalt: "s",
          emailVerified: true,
        });
        const fresh = imported("fresh");
        expect(await store.insertUsers([squatted, fresh])).toEqual(
          new Map([
            [squatted.id, "conflict"],
            [fresh.id, "created"],
          ]),
        );
        expect(await users.findById(squatted.id)).toBeNull();
        const kept = await users.findByEmail(registered.email);
        expect(kept).toMatchObject({
          id: registered.id,
          email: registered.email,
          passwordHash: "$argon2id$mine",
          emailVerifiedAt: null,
        });
        expect(kept?.legacySalt ?? null).toBeNull();
      }));

    it("imports sessions of imported users (email in any case) once, never of a registered account", () =>
      withStore(async ({ store, users }) => {
        const user = imported("sessions");
        await store.insertUsers([user]);
        const registered = await users.create({
          id: crypto.randomUUID(),
          email: email("registered"),
          passwordHash: "h",
        });
        if (!registered) throw new Error("no user");
        const mine = session(user.email.toUpperCase());
        const theirs = session(registered.email);
        const nobodys = session(email("nobody"));
        const outcomes = await store.insertSessions([mine, theirs, nobodys]);
        expect(outcomes.get(mine.keyHash)).toBe("created");
        expect(outcomes.get(theirs.keyHash)).toBe("conflict");
        expect(outcomes.get(nobodys.keyHash)).toBe("unknown_user");
        expect(await store.insertSessions([mine])).toEqual(new Map([[mine.keyHash, "exists"]]));
        expect(await store.consumeSession(theirs.keyHash, at(0))).toBeNull();
        expect(await store.consumeSession(nobodys.keyHash, at(0))).toBeNull();
        expect(await store.consumeSession(mine.keyHash, at(0))).toEqual({
          userId: user.id,
          emailVerified: false,
        });
        expect(await store.insertSessions([])).toEqual(new Map());
      }));

    it("consumes a session once, before its expiry, with its user's verification", () =>
      withStore(async ({ store }) => {
        const { user, key } = await importedSession(store, { emailVerified: true }, at(HOUR));
        expect(await store.consumeSession(key, at(HOUR))).toBeNull(); // expired at its expiry
        expect(await store.consumeSession(keyHash(), at(0))).toBeNull();
        expect(await store.consumeSession(key, at(HOUR - 1))).toEqual({
          userId: user.id,
          emailVerified: true,
        });
        expect(await store.consumeSession(key, at(0))).toBeNull();
      }));

    it("of concurrent consumers of one session, exactly one gets the user", () =>
      withStore(async ({ store }) => {
        const { user, key } = await importedSession(store);
        const results = await Promise.all(
          [1, 2, 3, 4, 5].map((i) => store.consumeSession(key, at(i))),
        );
        expect(results.filter((r) => r !== null)).toEqual([
          { userId: user.id, emailVerified: false },
        ]);
      }));

    it("releases the consume made at usedAt, and only that one", () =>
      withStore(async ({ store }) => {
        const { user, key } = await importedSession(store);
        expect(await store.consumeSession(key, at(1))).not.toBeNull();
        await store.releaseSession(key, at(2));
        expect(await store.consumeSession(key, at(3))).toBeNull();
        await store.releaseSession(key, at(1));
        expect(await store.consumeSession(key, at(3))).toMatchObject({ userId: user.id });
        expect(await store.consumeSession(key, at(4))).toBeNull();
      }));

    it.each([
      ["a password change", (u: UserStore, id: string) => u.setPassword(id, "$argon2id$new")],
      ["a logout-all", (u: UserStore, id: string) => u.advanceCredentialEpoch(id)],
    ])("ends the sessions imported before %s; later imports work", (_change, change) =>
      withStore(async ({ store, users }) => {
        const { user, key } = await importedSession(store);
        await change(users, user.id);
        expect(await store.consumeSession(key, at(0))).toBeNull();
        const later = session(user.email);
        expect(await store.insertSessions([later])).toEqual(new Map([[later.keyHash, "created"]]));
        expect(await store.consumeSession(later.keyHash, at(0))).toMatchObject({ userId: user.id });
      }),
    );

    it("counts every user by the first rule whose prefix its hash has, the rest under the fallback", () =>
      withStore(async ({ store, users }) => {
        const tag = `ctr${crypto.randomUUID().slice(0, 8)}$`;
        const rules = [
          { label: `${tag}specific`, prefix: `${tag}a$` },
          { label: `${tag}general`, prefix: tag },
          { label: `${tag}twice`, prefix: `x${tag}` },
          { label: `${tag}twice`, prefix: `y${tag}` },
          { label: `${tag}unused`, prefix: `${tag}none-` },
        ];
        const fallback = `${tag}other`;
        const before = await store.countUsersByScheme(rules, fallback);
        expect(before[rules[0]?.label as string] ?? 0).toBe(0);
        const hashes = [`${tag}a$1`, `${tag}a$2`, `${tag}b$1`, `x${tag}`, `y${tag}1`, "$unmatched"];
        await store.insertUsers(
          hashes.slice(0, 3).map((h) => imported("scheme", { passwordHash: h })),
        );
        for (const h of hashes.slice(3)) {
          await users.create({ id: crypto.randomUUID(), email: email("scheme"), passwordHash: h });
        }
        const after = await store.countUsersByScheme(rules, fallback);
        const n = (counts: Record<string, number>, label: string) => counts[label] ?? 0;
        expect(n(after, `${tag}specific`)).toBe(2);
        expect(n(after, `${tag}general`)).toBe(1);
        expect(n(after, `${tag}twice`)).toBe(2);
        expect(n(after, `${tag}unused`)).toBe(0);
        expect(n(after, fallback) - n(before, fallback)).toBe(1);
      }));

    it("counts sessions pending (exchangeable at now), exchanged, and lapsed (past expiry or the deadline)", () =>
      withStore(async ({ store }) => {
        const counts = () =>
          Promise.all([
            store.countSessions(at(0), null),
            store.countSessions(at(0), at(HOUR)),
            store.countSessions(at(0), at(0)),
          ]);
        const before = await counts();
        await importedSession(store, {}, at(2 * HOUR)); // pending
        await importedSession(store, {}, at(0)); // past expiry at now
        const used = await importedSession(store, {}, at(-HOUR)); // exchanged, though expired since
        expect(await store.consumeSession(used.key, at(-2 * HOUR))).not.toBeNull();
        const after = await counts();
        const delta = after.map((a, i) => ({
          pending: a.pending - (before[i]?.pending ?? 0),
          exchanged: a.exchanged - (before[i]?.exchanged ?? 0),
          lapsed: a.lapsed - (before[i]?.lapsed ?? 0),
        }));
        expect(delta).toEqual([
          { pending: 1, exchanged: 1, lapsed: 1 },
          { pending: 1, exchanged: 1, lapsed: 1 },
          { pending: 0, exchanged: 1, lapsed: 2 },
        ]);
      }));
  });
}
