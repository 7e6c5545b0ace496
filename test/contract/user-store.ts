// The UserStore port's contract (src/ports.ts), run against the Postgres adapter
// (test/worker/port-contracts.test.ts) and the in-memory fake the unit tests use
// (test/unit/port-contracts.test.ts), so the fake cannot drift from the store.
import { describe, expect, it } from "vitest";
import type { UserStore } from "../../src/ports";

/** Runs one test body against a store; the store may hold other tests' users. */
export type WithUserStore = (body: (s: UserStore) => Promise<void>) => Promise<void>;

const email = (tag: string) => `${tag}-${crypto.randomUUID()}@contract.test`;
const newUser = (tag: string, passwordHash = "h0") => ({
  id: crypto.randomUUID(),
  email: email(tag),
  passwordHash,
});

export function userStoreContract(name: string, withStore: WithUserStore): void {
  describe(`UserStore contract: ${name}`, () => {
    it("creates a user, found by id and by email in any case, unverified, with no credential epoch", () =>
      withStore(async (s) => {
        const input = newUser("create");
        const created = await s.create(input);
        expect(created).toMatchObject({ ...input, emailVerifiedAt: null });
        expect(created?.createdAt).toBeInstanceOf(Date);
        expect(created?.credentialEpoch ?? null).toBeNull();
        expect((await s.findById(input.id))?.email).toBe(input.email);
        expect((await s.findByEmail(input.email.toUpperCase()))?.id).toBe(input.id);
        expect(await s.findById(crypto.randomUUID())).toBeNull();
        expect(await s.findByEmail(email("nobody"))).toBeNull();
      }));

    it("of concurrent registrations for one email (any case), exactly one creates it", () =>
      withStore(async (s) => {
        const address = email("race");
        const results = await Promise.all(
          [address, address.toUpperCase(), address, address.toUpperCase(), address].map((e) =>
            s.create({ id: crypto.randomUUID(), email: e, passwordHash: "h" }),
          ),
        );
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      }));

    it("replaces a hash only while it is still the expected one; of concurrent swaps exactly one wins", () =>
      withStore(async (s) => {
        const user = newUser("swap", "old");
        await s.create(user);
        expect(await s.replacePasswordHash?.(user.id, "not-the-hash", "x")).toBe(false);
        const swaps = await Promise.all(
          ["a", "b", "c", "d"].map((next) => s.replacePasswordHash?.(user.id, "old", next)),
        );
        expect(swaps.filter(Boolean)).toHaveLength(1);
        const winner = ["a", "b", "c", "d"][swaps.indexOf(true)];
        expect((await s.findById(user.id))?.passwordHash).toBe(winner);
        // An upgrade is not a credential change: the epoch stays.
        expect((await s.findById(user.id))?.credentialEpoch ?? null).toBeNull();
      }));

    it("sets a password and advances the credential epoch with it", () =>
      withStore(async (s) => {
        const user = newUser("set");
        await s.create(user);
        await s.setPassword(user.id, "new-hash");
        const first = await s.findById(user.id);
        expect(first?.passwordHash).toBe("new-hash");
        expect(first?.credentialEpoch).toEqual(expect.any(String));
        await s.setPassword(user.id, "newer-hash");
        const second = await s.findById(user.id);
        expect(second?.credentialEpoch).toEqual(expect.any(String));
        expect(second?.credentialEpoch).not.toBe(first?.credentialEpoch);
      }));

    it("advances the credential epoch alone, leaving the password as it was", () =>
      withStore(async (s) => {
        const user = newUser("epoch", "kept");
        await s.create(user);
        await s.advanceCredentialEpoch(user.id);
        const after = await s.findById(user.id);
        expect(after?.passwordHash).toBe("kept");
        expect(after?.credentialEpoch).toEqual(expect.any(String));
      }));
  });
}
