// The AccountGuard port's contract (src/ports.ts), run against the Redis adapter
// (test/worker/port-contracts.test.ts) and the in-memory fake the unit tests use
// (test/unit/port-contracts.test.ts), so the fake cannot drift from it.
import { describe, expect, it } from "vitest";
import type { AccountGuard, BackoffPolicy } from "../../src/ports";

/** Runs one test body against a guard; the guard may hold other tests' accounts. */
export type WithAccountGuard = (body: (guard: AccountGuard) => Promise<void>) => Promise<void>;

const T = 1_800_000_000_000;
const POLICY: BackoffPolicy = { maxFailures: 3, backoffMs: [1_000, 5_000] };
const account = () => `contract-${crypto.randomUUID()}`;
const NET_A = "198.51.100.0/24";
const NET_B = "203.0.113.0/24";

/** Reserves `n` attempts one after another; how many were allowed. */
async function reserveMany(g: AccountGuard, acc: string, n: number, at = T, net = NET_B) {
  let allowed = 0;
  for (let i = 0; i < n; i++) if ((await g.reserve(acc, net, at, POLICY)).allowed) allowed++;
  return allowed;
}

export function accountGuardContract(name: string, withGuard: WithAccountGuard): void {
  describe(`AccountGuard contract: ${name}`, () => {
    it("after maxFailures, refuses until the backoff after the last failure ran; the last wait repeats", () =>
      withGuard(async (g) => {
        const acc = account();
        const reserve = (at: number) => g.reserve(acc, NET_B, at, POLICY);
        for (let i = 0; i < 3; i++) expect(await reserve(T + i)).toEqual({ allowed: true });
        expect(await reserve(T + 3)).toEqual({ allowed: false, retryAtMs: T + 2 + 1_000 });
        // A refusal is not a failure: the wait does not move.
        expect(await reserve(T + 1_001)).toEqual({ allowed: false, retryAtMs: T + 1_002 });
        expect(await reserve(T + 1_002)).toEqual({ allowed: true });
        expect(await reserve(T + 1_003)).toEqual({ allowed: false, retryAtMs: T + 6_002 });
        expect(await reserve(T + 6_002)).toEqual({ allowed: true });
        expect(await reserve(T + 6_003)).toEqual({ allowed: false, retryAtMs: T + 11_002 });
      }));

    it("counts a reservation at once: of N concurrent ones on a fresh account, maxFailures pass", () =>
      withGuard(async (g) => {
        const acc = account();
        const results = await Promise.all(
          Array.from({ length: 10 }, () => g.reserve(acc, NET_B, T, POLICY)),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(3);
      }));

    it("of N concurrent reservations on a throttled account, at most one passes", () =>
      withGuard(async (g) => {
        const acc = account();
        expect(await reserveMany(g, acc, 3)).toBe(3);
        // The backoff has just run out, so one may pass; it throttles all the others.
        const results = await Promise.all(
          Array.from({ length: 10 }, () => g.reserve(acc, NET_B, T + 1_000, POLICY)),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(1);
        expect(results.filter((r) => !r.allowed)).toEqual(
          Array(9).fill({ allowed: false, retryAtMs: T + 6_000 }),
        );
      }));

    it("spares a network the account signed in from, and only that one", () =>
      withGuard(async (g) => {
        const acc = account();
        await g.recordSuccess(acc, NET_A);
        expect(await reserveMany(g, acc, 5)).toBe(3);
        expect((await g.reserve(acc, NET_A, T, POLICY)).allowed).toBe(true);
        expect((await g.reserve(acc, NET_A, T, POLICY)).allowed).toBe(true);
        expect((await g.reserve(acc, NET_B, T, POLICY)).allowed).toBe(false);
        expect((await g.reserve(account(), NET_B, T, POLICY)).allowed).toBe(true);
      }));

    it("recordSuccess ends the streak: a throttled account starts afresh, from any network", () =>
      withGuard(async (g) => {
        const acc = account();
        expect(await reserveMany(g, acc, 4)).toBe(3);
        await g.recordSuccess(acc, NET_A);
        expect(await reserveMany(g, acc, 5, T, NET_B)).toBe(3);
      }));

    it("release gives one reservation back, but never more than the streak holds", () =>
      withGuard(async (g) => {
        const acc = account();
        expect(await reserveMany(g, acc, 3)).toBe(3);
        await g.release(acc);
        expect(await reserveMany(g, acc, 3)).toBe(1);

        const ended = account();
        expect(await reserveMany(g, ended, 1)).toBe(1);
        await g.recordSuccess(ended, NET_A);
        await g.release(ended); // the streak is already gone
        await g.release(account()); // never reserved
        expect(await reserveMany(g, ended, 5)).toBe(3);
      }));

    it("clearFailures forgets the streak and keeps the known networks", () =>
      withGuard(async (g) => {
        const acc = account();
        await g.recordSuccess(acc, NET_A);
        expect(await reserveMany(g, acc, 4)).toBe(3);
        await g.clearFailures(acc);
        expect(await reserveMany(g, acc, 4)).toBe(3);
        expect((await g.reserve(acc, NET_A, T, POLICY)).allowed).toBe(true);
        await g.clearFailures(account()); // nothing to forget
      }));
  });
}
