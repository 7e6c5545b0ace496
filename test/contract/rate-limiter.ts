// The RateLimiter port's contract (src/ports.ts), run against the Upstash
// adapter on real Redis (test/worker/port-contracts.test.ts) and the in-memory
// fake the unit tests use (test/unit/port-contracts.test.ts), so the fake cannot
// drift from it. Limiters are made with the small limits below.
import { describe, expect, it } from "vitest";
import type { LimitBucket, RateLimiter } from "../../src/ports";

export type RateLimits = Record<LimitBucket, { limit: number; windowSeconds: number }>;

/** Runs one test body against a limiter with these limits; keys may be shared with other tests. */
export type WithRateLimiter = (
  limits: RateLimits,
  body: (limiter: RateLimiter) => Promise<void>,
) => Promise<void>;

// A day-long window: a test never straddles a window boundary in practice.
const DAY = 86_400;
const LIMITS: RateLimits = {
  login_ip: { limit: 3, windowSeconds: DAY },
  login_failures: { limit: 5, windowSeconds: DAY },
  register_ip: { limit: 3, windowSeconds: DAY },
  token_ip: { limit: 3, windowSeconds: DAY },
  introspect_ip: { limit: 3, windowSeconds: DAY },
  admin_ip: { limit: 3, windowSeconds: DAY },
  email_ip: { limit: 3, windowSeconds: DAY },
  email_address: { limit: 2, windowSeconds: DAY },
  oauth_ip: { limit: 3, windowSeconds: DAY },
  mfa_account: { limit: 3, windowSeconds: DAY },
};

const key = () => `contract-${crypto.randomUUID()}`;

export function rateLimiterContract(name: string, withLimiter: WithRateLimiter): void {
  describe(`RateLimiter contract: ${name}`, () => {
    it("allows the limit, then refuses; each result tells the limit and what remains", () =>
      withLimiter(LIMITS, async (l) => {
        const k = key();
        const allowed = [await l.consume("login_ip", k), await l.consume("login_ip", k)];
        const last = await l.consume("login_ip", k);
        for (const [i, r] of [...allowed, last].entries()) {
          expect(r).toMatchObject({ allowed: true, limit: 3, remaining: 2 - i, timedOut: false });
        }
        const before = Date.now();
        const refused = await l.consume("login_ip", k);
        expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0, timedOut: false });
        expect(refused.resetAt).toBeGreaterThan(before);
        expect(refused.resetAt).toBeLessThanOrEqual(Date.now() + DAY * 1000);
      }));

    it("counts each bucket and key apart", () =>
      withLimiter(LIMITS, async (l) => {
        const [k, other] = [key(), key()];
        for (let i = 0; i < 2; i++) await l.consume("email_address", k);
        expect((await l.consume("email_address", k)).allowed).toBe(false);
        expect((await l.consume("email_address", other)).allowed).toBe(true);
        expect((await l.consume("email_ip", k)).remaining).toBe(2);
      }));

    it("of N concurrent hits on a bucket with limit L, exactly L are allowed", () =>
      withLimiter(LIMITS, async (l) => {
        const k = key();
        const results = await Promise.all(
          Array.from({ length: 12 }, () => l.consume("login_failures", k)),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(5);
        expect(
          results
            .filter((r) => r.allowed)
            .map((r) => r.remaining)
            .sort((a, b) => a - b),
        ).toEqual([0, 1, 2, 3, 4]);
      }));

    it("does not count refused hits: a refund gives exactly one hit back", () =>
      withLimiter(LIMITS, async (l) => {
        const k = key();
        for (let i = 0; i < 3; i++) expect((await l.consume("token_ip", k)).allowed).toBe(true);
        for (let i = 0; i < 3; i++) expect((await l.consume("token_ip", k)).allowed).toBe(false);
        await l.refund("token_ip", k);
        expect((await l.consume("token_ip", k)).allowed).toBe(true);
        expect((await l.consume("token_ip", k)).allowed).toBe(false);
      }));

    it("gives back one hit per refund, also when refunds run concurrently", () =>
      withLimiter(LIMITS, async (l) => {
        const k = key();
        await Promise.all(Array.from({ length: 5 }, () => l.consume("login_failures", k)));
        await Promise.all([l.refund("login_failures", k), l.refund("login_failures", k)]);
        const again = await Promise.all(
          Array.from({ length: 6 }, () => l.consume("login_failures", k)),
        );
        expect(again.filter((r) => r.allowed)).toHaveLength(2);
      }));
  });
}
