// The RevocationList port's contract (src/ports.ts), run against the Redis
// adapter (test/worker/port-contracts.test.ts) and the in-memory fake the unit
// tests use (test/unit/port-contracts.test.ts), so the fake cannot drift from it.
// A session id is a refresh family id, which carries the session's start time
// (newFamilyId in src/auth/refresh/refresh-token.ts).
import { describe, expect, it } from "vitest";
import { newFamilyId } from "../../src/auth/refresh/refresh-token";
import type { RevocationList } from "../../src/ports";

/** Runs one test body against a list; the list may hold other tests' entries. */
export type WithRevocationList = (body: (list: RevocationList) => Promise<void>) => Promise<void>;

const TTL = 60;
const user = () => crypto.randomUUID();

export function revocationListContract(name: string, withList: WithRevocationList): void {
  describe(`RevocationList contract: ${name}`, () => {
    it("denies a revoked session, whoever's it is, and no other", () =>
      withList(async (list) => {
        const [u, now] = [user(), Date.now()];
        const [sid, other] = [newFamilyId(now - 1000), newFamilyId(now - 1000)];
        expect(await list.isRevoked({ sid, sub: u })).toBe(false);
        await list.revokeSession(sid, TTL);
        expect(await list.isRevoked({ sid, sub: u })).toBe(true);
        expect(await list.isRevoked({ sid, sub: user() })).toBe(true);
        expect(await list.isRevoked({ sid: other, sub: u })).toBe(false);
        // A denied session is not a not-before.
        expect(await list.userNotBefore(u)).toBeNull();
        expect(await list.notBeforeFor(u, other)).toBeNull();
      }));

    it("ends the user's sessions started at or before the not-before (ms precision), not later ones", () =>
      withList(async (list) => {
        const [u, bystander, at] = [user(), user(), Date.now()];
        const before = newFamilyId(at - 1);
        const same = newFamilyId(at);
        const after = newFamilyId(at + 1);
        await list.setUserNotBefore(u, at, TTL);
        expect(await list.userNotBefore(u)).toBe(at);
        expect(await list.isRevoked({ sid: before, sub: u })).toBe(true);
        expect(await list.isRevoked({ sid: same, sub: u })).toBe(true);
        expect(await list.isRevoked({ sid: after, sub: u })).toBe(false);
        expect(await list.notBeforeFor(u, after)).toBe(at);
        // Only that user's.
        expect(await list.isRevoked({ sid: before, sub: bystander })).toBe(false);
        expect(await list.userNotBefore(bystander)).toBeNull();
        expect(await list.notBeforeFor(bystander, before)).toBeNull();
      }));

    it("spares the excepted session; a later call replaces the exception", () =>
      withList(async (list) => {
        const [u, at] = [user(), Date.now()];
        const [keep, other] = [newFamilyId(at - 10), newFamilyId(at - 10)];
        await list.setUserNotBefore(u, at, TTL, keep);
        expect(await list.userNotBefore(u)).toBe(at);
        expect(await list.notBeforeFor(u, keep)).toBeNull();
        expect(await list.notBeforeFor(u, other)).toBe(at);
        expect(await list.isRevoked({ sid: keep, sub: u })).toBe(false);
        expect(await list.isRevoked({ sid: other, sub: u })).toBe(true);

        await list.setUserNotBefore(u, at + 5, TTL, other);
        expect(await list.notBeforeFor(u, keep)).toBe(at + 5);
        expect(await list.isRevoked({ sid: keep, sub: u })).toBe(true);
        expect(await list.isRevoked({ sid: other, sub: u })).toBe(false);

        await list.setUserNotBefore(u, at + 6, TTL);
        expect(await list.notBeforeFor(u, other)).toBe(at + 6);
        expect(await list.isRevoked({ sid: other, sub: u })).toBe(true);
      }));

    // A password change keeps session A at T; a logout-all lands in the same
    // millisecond after it: A must end too.
    it("lets a call at the same millisecond replace the exception", () =>
      withList(async (list) => {
        const [u, at] = [user(), Date.now()];
        const kept = newFamilyId(at - 10);
        await list.setUserNotBefore(u, at, TTL, kept);
        expect(await list.isRevoked({ sid: kept, sub: u })).toBe(false);
        await list.setUserNotBefore(u, at, TTL);
        expect(await list.isRevoked({ sid: kept, sub: u })).toBe(true);
        expect(await list.notBeforeFor(u, kept)).toBe(at);
      }));

    it("refuses an exception that is not a session id, and stores nothing", () =>
      withList(async (list) => {
        const [u, at] = [user(), Date.now()];
        for (const bad of ["a:b", "a.b", "x".repeat(65), ""]) {
          await expect(list.setUserNotBefore(u, at, TTL, bad)).rejects.toThrow();
        }
        expect(await list.userNotBefore(u)).toBeNull();
      }));

    it("is only ever raised: an earlier time changes nothing, not even the exception", () =>
      withList(async (list) => {
        const [u, at] = [user(), Date.now()];
        const [a, b] = [newFamilyId(at - 100), newFamilyId(at - 100)];
        await list.setUserNotBefore(u, at, TTL, a);
        await list.setUserNotBefore(u, at - 50, TTL, b);
        await list.setUserNotBefore(u, at - 60, TTL);
        expect(await list.userNotBefore(u)).toBe(at);
        expect(await list.isRevoked({ sid: a, sub: u })).toBe(false);
        expect(await list.isRevoked({ sid: b, sub: u })).toBe(true);
        expect(await list.isRevoked({ sid: newFamilyId(at - 55), sub: u })).toBe(true);
      }));

    it("of concurrent raises, the latest time (with its exception) stays", () =>
      withList(async (list) => {
        const [u, at] = [user(), Date.now()];
        const spared = Array.from({ length: 8 }, () => newFamilyId(at - 1000));
        const order = [3, 7, 0, 5, 1, 6, 2, 4];
        await Promise.all(
          order.map((i) => list.setUserNotBefore(u, at + i, TTL, spared[i] as string)),
        );
        expect(await list.userNotBefore(u)).toBe(at + 7);
        expect(await list.notBeforeFor(u, spared[7] as string)).toBeNull();
        const others = await Promise.all(spared.slice(0, 7).map((s) => list.notBeforeFor(u, s)));
        expect(others).toEqual(Array(7).fill(at + 7));
      }));

    it("forgets entries after their TTL", () =>
      withList(async (list) => {
        const [u, at] = [user(), Date.now()];
        const sid = newFamilyId(at - 1000);
        await list.revokeSession(sid, 1);
        await list.setUserNotBefore(u, at, 1);
        expect(await list.isRevoked({ sid: newFamilyId(at - 1000), sub: u })).toBe(true);
        await new Promise((r) => setTimeout(r, 1_300));
        expect(await list.isRevoked({ sid, sub: u })).toBe(false);
        expect(await list.userNotBefore(u)).toBeNull();
      }));
  });
}
