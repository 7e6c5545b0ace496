// Structural proofs for login throttling: a throttled attempt does no password
// hashing (so it costs nothing and reveals nothing), the account backoff grows,
// and a limiter that times out fails closed for login.
import { describe, expect, it } from "vitest";
import type { AccountDeps } from "../../src/auth/accounts";
import { login } from "../../src/auth/login";
import type { PasswordHasher } from "../../src/auth/password/hasher";
import { accountBackoffSeconds } from "../../src/auth/throttle";
import type { AccountGuard, LimitResult, RateLimiter, UserStore } from "../../src/ports";

const NOW = 1_800_000_000_000;

function fakes(opts: {
  ipAllowed?: boolean;
  pairAllowed?: boolean;
  timedOut?: boolean;
  failures?: number;
  knownIp?: boolean;
}) {
  const hashes: string[] = [];
  const passwords: PasswordHasher = {
    hash: async () => "x",
    verify: async () => {
      hashes.push("verify");
      return { ok: false, needsRehash: false };
    },
    dummyVerify: async () => {
      hashes.push("dummy");
    },
  };
  const result = (allowed: boolean): LimitResult => ({
    allowed,
    limit: 10,
    remaining: allowed ? 5 : 0,
    resetAt: NOW + 60_000,
    timedOut: opts.timedOut ?? false,
  });
  const limiter: RateLimiter = {
    consume: async () => result(opts.ipAllowed ?? true),
    peek: async () => result(opts.pairAllowed ?? true),
  };
  const guard: AccountGuard = {
    state: async () => ({
      failures: opts.failures ?? 0,
      lastFailureAt: NOW - 1000,
      knownIp: opts.knownIp ?? false,
    }),
    recordFailure: async () => {},
    recordSuccess: async () => {},
    clearFailures: async () => {},
  };
  const users: UserStore = {
    create: async () => null,
    findByEmail: async () => null,
    findById: async () => null,
  };
  const deps: AccountDeps & Parameters<typeof login>[0] = {
    users,
    passwords,
    clock: { now: () => NOW },
    minPasswordLength: 15,
    limiter,
    guard,
    maxFailures: 100,
  };
  return { deps, hashes };
}

const attempt = (deps: Parameters<typeof login>[0]) =>
  login(deps, { email: "a@example.test", password: "whatever it is" }, "198.51.100.1").catch(
    (e) => e,
  );

describe("login throttle", () => {
  it("hashes once when allowed (the dummy hash for an unknown email)", async () => {
    const { deps, hashes } = fakes({});
    expect(await attempt(deps)).toMatchObject({ code: "invalid_credentials" });
    expect(hashes).toEqual(["dummy"]);
  });

  it.each([
    ["the per-IP limit", { ipAllowed: false }],
    ["the per-IP-and-account limit", { pairAllowed: false }],
    ["the account backoff", { failures: 100 }],
  ])("answers 429 for %s without hashing", async (_name, opts) => {
    const { deps, hashes } = fakes(opts);
    expect(await attempt(deps)).toMatchObject({ code: "too_many_requests", status: 429 });
    expect(hashes).toEqual([]);
  });

  it("lets a known IP through the account backoff", async () => {
    const { deps, hashes } = fakes({ failures: 150, knownIp: true });
    expect(await attempt(deps)).toMatchObject({ code: "invalid_credentials" });
    expect(hashes).toHaveLength(1);
  });

  it("lets a solved bot challenge through the per-IP limits but never through the account backoff", async () => {
    const challenge = { passed: async (token: string) => token === "solved" };
    const withToken = (deps: Parameters<typeof login>[0]) =>
      login(
        { ...deps, challenge },
        { email: "a@example.test", password: "whatever it is", challenge_token: "solved" },
        "198.51.100.1",
      ).catch((e) => e);
    const perIp = fakes({ pairAllowed: false });
    expect(await withToken(perIp.deps)).toMatchObject({ code: "invalid_credentials" });
    const account = fakes({ failures: 100 });
    expect(await withToken(account.deps)).toMatchObject({ code: "too_many_requests" });
    expect(account.hashes).toEqual([]);
  });

  it("fails closed with 503 when the limiter times out", async () => {
    const { deps, hashes } = fakes({ timedOut: true });
    expect(await attempt(deps)).toMatchObject({ code: "temporarily_unavailable", status: 503 });
    expect(hashes).toEqual([]);
  });
});

describe("account backoff", () => {
  it("starts at 60 s at the limit, doubles per failure and stops at an hour", () => {
    expect(accountBackoffSeconds(99, 100)).toBe(0);
    expect([100, 101, 102, 103, 105, 106, 200].map((f) => accountBackoffSeconds(f, 100))).toEqual([
      60, 120, 240, 480, 1920, 3600, 3600,
    ]);
  });
});
