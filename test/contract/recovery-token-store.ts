// The RecoveryTokenStore port's contract (src/features/email/ports.ts), run
// against the Postgres adapter (test/worker/port-contracts.test.ts) and the
// in-memory fake the unit tests use (test/unit/port-contracts.test.ts), so the
// fake cannot drift from the store.
import { describe, expect, it } from "vitest";
import type { RecoveryTokenStore } from "../../src/features/email/ports";
import type { UserStore } from "../../src/ports";

export interface RecoveryTokenStoreHarness {
  tokens: RecoveryTokenStore;
  /** The users the tokens belong to (the same accounts the token store changes). */
  users: UserStore;
}

/** Runs one test body against a store; the store may hold other tests' tokens and users. */
export type WithRecoveryTokenStore = (
  body: (h: RecoveryTokenStoreHarness) => Promise<void>,
) => Promise<void>;

const HOUR = 3_600_000;
// Expiry is judged by the store's clock (Postgres' now() for the real one): an
// hour either side of ours is unambiguous.
const later = () => new Date(Date.now() + HOUR);
const earlier = () => new Date(Date.now() - HOUR);
const email = (tag: string) => `${tag}-${crypto.randomUUID()}@contract.test`;
const hash = (tag: string) => `${tag}-${crypto.randomUUID()}`;

async function newUser(users: UserStore, tag: string) {
  const input = { id: crypto.randomUUID(), email: email(tag), passwordHash: "old-hash" };
  const created = await users.create(input);
  if (!created) throw new Error("the contract's user could not be created");
  return created;
}

export function recoveryTokenStoreContract(name: string, withStore: WithRecoveryTokenStore): void {
  describe(`RecoveryTokenStore contract: ${name}`, () => {
    const reset = (
      tokens: RecoveryTokenStore,
      user: { id: string; email: string },
      mailTo?: string,
    ) => {
      const tokenHash = hash("reset");
      return tokens
        .insertReset({
          tokenHash,
          userId: user.id,
          email: mailTo ?? user.email,
          expiresAt: later(),
        })
        .then(() => tokenHash);
    };
    const verification = async (
      tokens: RecoveryTokenStore,
      userId: string,
      address: string,
      purpose: "verify" | "change",
      expiresAt = later(),
    ) => {
      const tokenHash = hash(purpose);
      expect(
        await tokens.insertVerification({ tokenHash, userId, email: address, purpose, expiresAt }),
      ).toBe(true);
      return tokenHash;
    };

    it("a reset token names its owner; consuming it sets the password, verifies the address and advances the epoch, once", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "reset");
        const token = await reset(tokens, user);
        expect(await tokens.usableResetOwner(token)).toBe(user.id);
        expect(await tokens.consumeReset(token, "new-hash")).toEqual({
          userId: user.id,
          email: user.email,
        });
        const after = await users.findById(user.id);
        expect(after?.passwordHash).toBe("new-hash");
        expect(after?.emailVerifiedAt).toBeInstanceOf(Date);
        expect(after?.credentialEpoch).toEqual(expect.any(String));
        expect(await tokens.usableResetOwner(token)).toBeNull();
        expect(await tokens.consumeReset(token, "newer-hash")).toBeNull();
        expect((await users.findById(user.id))?.passwordHash).toBe("new-hash");
      }));

    it("refuses unknown and expired reset tokens, changing nothing", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "reset-expired");
        const expired = hash("expired");
        await tokens.insertReset({
          tokenHash: expired,
          userId: user.id,
          email: user.email,
          expiresAt: earlier(),
        });
        for (const token of [expired, hash("unknown")]) {
          expect(await tokens.usableResetOwner(token)).toBeNull();
          expect(await tokens.consumeReset(token, "new-hash")).toBeNull();
        }
        const after = await users.findById(user.id);
        expect(after?.passwordHash).toBe("old-hash");
        expect(after?.emailVerifiedAt).toBeNull();
        expect(after?.credentialEpoch ?? null).toBeNull();
      }));

    it("of concurrent consumers of one reset token, exactly one wins", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "reset-race");
        const token = await reset(tokens, user);
        const passwords = ["a", "b", "c", "d", "e"];
        const results = await Promise.all(passwords.map((p) => tokens.consumeReset(token, p)));
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        const winner = passwords[results.findIndex((r) => r !== null)];
        expect((await users.findById(user.id))?.passwordHash).toBe(winner);
      }));

    it("honours a reset token only while the address it was mailed to is the account's (in any case)", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "reset-address");
        const elsewhere = await reset(tokens, user, email("elsewhere"));
        expect(await tokens.usableResetOwner(elsewhere)).toBeNull();
        expect(await tokens.consumeReset(elsewhere, "new-hash")).toBeNull();
        expect((await users.findById(user.id))?.passwordHash).toBe("old-hash");
        const upper = await reset(tokens, user, user.email.toUpperCase());
        expect(await tokens.usableResetOwner(upper)).toBe(user.id);
        expect(await tokens.consumeReset(upper, "new-hash")).toMatchObject({ userId: user.id });
      }));

    it.each([
      ["a password change", (u: UserStore, id: string) => u.setPassword(id, "changed-hash")],
      ["a logout-all", (u: UserStore, id: string) => u.advanceCredentialEpoch(id)],
    ])("ends reset and email-change tokens issued before %s; later ones work", (_change, change) =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "epoch");
        const before = await reset(tokens, user);
        const changeBefore = await verification(tokens, user.id, email("new"), "change");
        await change(users, user.id);
        expect(await tokens.usableResetOwner(before)).toBeNull();
        expect(await tokens.consumeReset(before, "new-hash")).toBeNull();
        expect(await tokens.consumeVerification(changeBefore)).toBeNull();
        expect((await users.findById(user.id))?.email).toBe(user.email);

        const after = await reset(tokens, user);
        expect(await tokens.usableResetOwner(after)).toBe(user.id);
        const changeAfter = await verification(tokens, user.id, email("newer"), "change");
        expect(await tokens.consumeVerification(changeAfter)).toMatchObject({ purpose: "change" });
      }),
    );

    it("a consumed reset token ends the other reset tokens issued before it", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "reset-ends");
        const [first, second] = [await reset(tokens, user), await reset(tokens, user)];
        expect(await tokens.consumeReset(first, "new-hash")).not.toBeNull();
        expect(await tokens.usableResetOwner(second)).toBeNull();
        expect(await tokens.consumeReset(second, "other-hash")).toBeNull();
        expect((await users.findById(user.id))?.passwordHash).toBe("new-hash");
      }));

    it("a verify token verifies the account's address once, changing no credential, even after a credential change", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "verify");
        const token = await verification(tokens, user.id, user.email, "verify");
        await users.setPassword(user.id, "changed-hash");
        const epoch = (await users.findById(user.id))?.credentialEpoch;
        expect(await tokens.consumeVerification(token)).toEqual({
          userId: user.id,
          purpose: "verify",
          previousEmail: user.email,
        });
        const after = await users.findById(user.id);
        expect(after?.email).toBe(user.email);
        expect(after?.emailVerifiedAt).toBeInstanceOf(Date);
        expect(after?.credentialEpoch).toBe(epoch);
        expect(await tokens.consumeVerification(token)).toBeNull();
      }));

    it("a verify token for an address that is not the account's verifies nothing", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "verify-other");
        const token = await verification(tokens, user.id, email("not-theirs"), "verify");
        expect(await tokens.consumeVerification(token)).toBeNull();
        const after = await users.findById(user.id);
        expect(after?.email).toBe(user.email);
        expect(after?.emailVerifiedAt).toBeNull();
      }));

    it("refuses unknown and expired verification tokens", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "verify-expired");
        const verify = await verification(tokens, user.id, user.email, "verify", earlier());
        const change = await verification(tokens, user.id, email("new"), "change", earlier());
        for (const token of [verify, change, hash("unknown")]) {
          expect(await tokens.consumeVerification(token)).toBeNull();
        }
        const after = await users.findById(user.id);
        expect(after).toMatchObject({ email: user.email, emailVerifiedAt: null });
      }));

    it("a change token makes its address the account's, verified, advances the epoch and ends older tokens", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "change");
        const address = email("changed");
        const token = await verification(tokens, user.id, address, "change");
        const olderReset = await reset(tokens, user);
        const olderChange = await verification(tokens, user.id, email("other"), "change");
        expect(await tokens.consumeVerification(token)).toEqual({
          userId: user.id,
          purpose: "change",
          previousEmail: user.email,
        });
        const after = await users.findById(user.id);
        expect(after?.email).toBe(address);
        expect(after?.emailVerifiedAt).toBeInstanceOf(Date);
        expect(after?.credentialEpoch).toEqual(expect.any(String));
        expect((await users.findByEmail(address))?.id).toBe(user.id);
        expect(await users.findByEmail(user.email)).toBeNull();
        expect(await tokens.consumeVerification(token)).toBeNull();
        expect(await tokens.usableResetOwner(olderReset)).toBeNull();
        expect(await tokens.consumeVerification(olderChange)).toBeNull();
        expect((await users.findById(user.id))?.email).toBe(address);
      }));

    it("answers email_taken for a change to an address another account took, and leaves the token unused", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "taken");
        const address = email("contested");
        const token = await verification(tokens, user.id, address, "change");
        const rival = await users.create({
          id: crypto.randomUUID(),
          email: address.toUpperCase(),
          passwordHash: "h",
        });
        expect(rival).not.toBeNull();
        expect(await tokens.consumeVerification(token)).toBe("email_taken");
        expect((await users.findById(user.id))?.email).toBe(user.email);
        expect((await users.findById(user.id))?.credentialEpoch ?? null).toBeNull();
        // The rival moves on: the unused token now completes the change.
        const away = await verification(tokens, rival?.id as string, email("away"), "change");
        expect(await tokens.consumeVerification(away)).toMatchObject({ purpose: "change" });
        expect(await tokens.consumeVerification(token)).toMatchObject({
          userId: user.id,
          purpose: "change",
        });
        expect((await users.findById(user.id))?.email).toBe(address);
      }));

    it("of concurrent consumers of one change token, exactly one wins", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "change-race");
        const token = await verification(tokens, user.id, email("raced"), "change");
        const results = await Promise.all(
          [1, 2, 3, 4, 5].map(() => tokens.consumeVerification(token)),
        );
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        expect(results.filter((r) => r !== null)[0]).toMatchObject({ userId: user.id });
      }));

    it("of concurrent consumers of one verify token, exactly one wins", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "verify-race");
        const token = await verification(tokens, user.id, user.email, "verify");
        const results = await Promise.all(
          [1, 2, 3, 4, 5].map(() => tokens.consumeVerification(token)),
        );
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      }));

    it("with a credential epoch, stores a verification token only while the epoch is unchanged", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "insert-epoch");
        const insert = (
          credentialEpoch: string | null,
          purpose: "verify" | "change" = "change",
        ) => {
          const tokenHash = hash("epoch");
          const t = { tokenHash, userId: user.id, email: email("to"), purpose, expiresAt: later() };
          return tokens
            .insertVerification({ ...t, credentialEpoch })
            .then((stored) => ({ tokenHash, stored }));
        };
        // A new account has no epoch (null): that is the one to present.
        const first = await insert(null);
        expect(first.stored).toBe(true);
        await users.setPassword(user.id, "changed-hash");
        const epoch = (await users.findById(user.id))?.credentialEpoch ?? null;
        expect(epoch).toEqual(expect.any(String));

        const stale = await insert(null);
        expect(stale.stored).toBe(false);
        expect(await tokens.consumeVerification(stale.tokenHash)).toBeNull();
        const staleVerify = await insert(null, "verify");
        expect(staleVerify.stored).toBe(false);

        const current = await insert(epoch);
        expect(current.stored).toBe(true);
        await users.advanceCredentialEpoch(user.id);
        expect((await insert(epoch)).stored).toBe(false);
        // Stored before the change, the token ends with it.
        expect(await tokens.consumeVerification(current.tokenHash)).toBeNull();
        const fresh = await insert((await users.findById(user.id))?.credentialEpoch ?? null);
        expect(fresh.stored).toBe(true);
        expect(await tokens.consumeVerification(fresh.tokenHash)).toMatchObject({
          purpose: "change",
        });
      }));

    it("deletes the tokens that expired before the given time, and says how many", () =>
      withStore(async ({ tokens, users }) => {
        const user = await newUser(users, "cleanup");
        // Far in the past and unique to this run, so no other test's token falls in the window.
        const base = Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 1e6) * 10;
        const at = (ms: number) => new Date(base + ms);
        const resetAt = (ms: number) =>
          tokens.insertReset({
            tokenHash: hash("old"),
            userId: user.id,
            email: user.email,
            expiresAt: at(ms),
          });
        await resetAt(-1);
        await verification(tokens, user.id, user.email, "verify", at(-1));
        await resetAt(0);
        await verification(tokens, user.id, email("new"), "change", at(1));
        const live = await reset(tokens, user);
        expect(await tokens.deleteExpired(at(0))).toBe(2);
        expect(await tokens.deleteExpired(at(0))).toBe(0);
        expect(await tokens.deleteExpired(at(2))).toBe(2);
        expect(await tokens.deleteExpired(at(2))).toBe(0);
        expect(await tokens.usableResetOwner(live)).toBe(user.id);
      }));
  });
}
