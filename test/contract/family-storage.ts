// The FamilyStorage port's contract (src/auth/refresh/family.ts), run against
// the Durable Object's SQLite adapter (test/worker/family-storage.test.ts) and
// the in-memory fake the unit tests use (test/unit/refresh-family.test.ts), so
// the fake cannot drift from what the real storage does; and each of them with
// the object's memory in front (family-storage-cache.ts), which must agree with
// the rows beneath it.
import { describe, expect, it } from "vitest";
import { cachedFamilyStorage } from "../../src/adapters/durable-objects/family-storage-cache";
import type { FamilyStorage } from "../../src/auth/refresh/family";

const T0 = 1_800_000_000_000;
const base = {
  id: "AAAAAAAAAAAAAAAAAAAAAA",
  userId: "u1",
  createdAt: T0,
  expiresAt: T0 + 3_600_000,
  lastUsedAt: T0,
  claims: { email_verified: false },
};

/**
 * Runs one test body against a fresh, empty storage. The real one lives in a
 * Durable Object, so the whole body runs inside that object's context.
 */
export type WithStorage = (body: (s: FamilyStorage) => Promise<void>) => Promise<void>;

export function familyStorageContract(name: string, withStorage: WithStorage): void {
  describe(`FamilyStorage contract: ${name}`, () => {
    it("knows nothing before create, then the family and its first token", () =>
      withStorage(async (s) => {
        expect(s.family()).toBeNull();
        expect(s.token("h1")).toBeNull();
        s.transaction(() => s.create(base, "h1"));
        expect(s.family()).toEqual({
          userId: "u1",
          createdAt: T0,
          expiresAt: T0 + 3_600_000,
          lastUsedAt: T0,
          revokedAt: null,
          currentGeneration: 1,
          claims: { email_verified: false },
        });
        expect(s.token("h1")).toEqual({ generation: 1, rotatedAt: null, successorBox: null });
      }));

    it("rotates: the old token is spent with its box, the next one current", () =>
      withStorage(async (s) => {
        s.transaction(() => s.create(base, "h1"));
        s.transaction(() => s.rotate(1, T0 + 10, "box1", "h2"));
        expect(s.token("h1")).toEqual({ generation: 1, rotatedAt: T0 + 10, successorBox: "box1" });
        expect(s.token("h2")).toEqual({ generation: 2, rotatedAt: null, successorBox: null });
        expect(s.family()).toMatchObject({ currentGeneration: 2, lastUsedAt: T0 + 10 });
      }));

    it("wipes only the boxes rotated before the cutoff", () =>
      withStorage(async (s) => {
        s.transaction(() => s.create(base, "h1"));
        s.transaction(() => s.rotate(1, T0 + 10, "box1", "h2"));
        s.transaction(() => s.rotate(2, T0 + 20, "box2", "h3"));
        s.transaction(() => s.wipeSuccessorsRotatedBefore(T0 + 15));
        expect(s.token("h1")?.successorBox).toBeNull();
        expect(s.token("h2")?.successorBox).toBe("box2");
      }));

    it("revokes once (the first reason and time stay) and drops every box", () =>
      withStorage(async (s) => {
        s.transaction(() => s.create(base, "h1"));
        s.transaction(() => s.rotate(1, T0 + 10, "box1", "h2"));
        s.transaction(() => s.revoke(T0 + 20, "logout"));
        s.transaction(() => s.revoke(T0 + 30, "reuse"));
        expect(s.family()?.revokedAt).toBe(T0 + 20);
        expect(s.token("h1")?.successorBox).toBeNull();
      }));

    it("replaces the claims snapshot as a whole", () =>
      withStorage(async (s) => {
        s.transaction(() => s.create(base, "h1"));
        s.transaction(() => s.setClaims({ email_verified: true }));
        expect(s.family()?.claims).toEqual({ email_verified: true });
      }));

    it("rolls a transaction back when its function throws", () =>
      withStorage(async (s) => {
        s.transaction(() => s.create(base, "h1"));
        expect(() =>
          s.transaction(() => {
            s.rotate(1, T0 + 10, "box1", "h2");
            throw new Error("abort");
          }),
        ).toThrow("abort");
        expect(s.token("h2")).toBeNull();
        expect(s.family()?.currentGeneration).toBe(1);
      }));

    it("refuses a second token with the same secret hash", () =>
      withStorage(async (s) => {
        s.transaction(() => s.create(base, "h1"));
        expect(() => s.transaction(() => s.rotate(1, T0 + 10, "box1", "h1"))).toThrow();
        expect(s.family()?.currentGeneration).toBe(1);
      }));

    it("forgets everything after deleteAll, and keeps answering", () =>
      withStorage(async (s) => {
        s.transaction(() => s.create(base, "h1"));
        await s.setAlarm(T0 + 5);
        expect(await s.alarm()).toBe(T0 + 5);
        await s.deleteAll();
        expect(s.family()).toBeNull();
        expect(s.token("h1")).toBeNull();
        expect(await s.alarm()).toBeNull();
      }));
  });
}

/**
 * The object's memory of its family (cachedFamilyStorage) against the storage
 * beneath it: after every write, including a transaction that throws, what the
 * memory answers is what a fresh read of the rows answers.
 */
export function familyStorageMemoryAgrees(name: string, withStorage: WithStorage): void {
  describe(`the object's memory agrees with its rows: ${name}`, () => {
    it("after create, rotations, a retry, wipes, claims, a rolled-back transaction and a revoke", () =>
      withStorage(async (rows) => {
        const memory = cachedFamilyStorage(rows);
        const hashes = ["h1", "h2", "h3", "h4", "h5"];
        const agree = (step: string) => {
          expect(memory.family(), step).toEqual(rows.family());
          for (const h of hashes) expect(memory.token(h), `${step}: ${h}`).toEqual(rows.token(h));
        };
        agree("empty");
        memory.transaction(() => memory.create(base, "h1"));
        agree("created");
        memory.transaction(() => memory.rotate(1, T0 + 10, "box1", "h2"));
        agree("rotated once");
        memory.transaction(() => memory.rotate(2, T0 + 20, "box2", "h3"));
        memory.transaction(() => memory.rotate(3, T0 + 30, "box3", "h4"));
        agree("rotated three times: generation 1 is no longer remembered");
        memory.transaction(() => memory.countRetry(3));
        agree("a retry counted");
        memory.transaction(() => memory.wipeSuccessorsRotatedBefore(T0 + 25));
        agree("wiped before the second rotation: only forgotten tokens change");
        memory.transaction(() => memory.wipeSuccessorsRotatedBefore(T0 + 35));
        agree("wiped before the third rotation: a remembered token changes");
        memory.transaction(() => memory.setClaims({ email_verified: true }));
        agree("claims replaced");
        expect(() =>
          memory.transaction(() => {
            memory.rotate(4, T0 + 40, "box4", "h5");
            memory.setClaims({ email_verified: false });
            throw new Error("abort");
          }),
        ).toThrow("abort");
        agree("a rolled-back rotation");
        expect(memory.family()?.currentGeneration).toBe(4);
        memory.transaction(() => memory.revoke(T0 + 50, "reuse"));
        agree("revoked");
        await memory.deleteAll();
        agree("deleted");
      }));

    it("hands out records that cannot be changed in place", () =>
      withStorage(async (rows) => {
        const memory = cachedFamilyStorage(rows);
        memory.transaction(() => memory.create(base, "h1"));
        const family = memory.family() as { currentGeneration: number; claims: object };
        expect(() => {
          family.currentGeneration = 9;
        }).toThrow(TypeError);
        expect(() => Object.assign(family.claims, { email_verified: true })).toThrow(TypeError);
        expect(() => Object.assign(memory.token("h1") as object, { generation: 9 })).toThrow(
          TypeError,
        );
        expect(rows.family()?.currentGeneration).toBe(1);
      }));
  });
}
