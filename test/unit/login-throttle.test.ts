// Structural proofs for the password throttle: a throttled attempt does no
// password hashing (so it costs nothing and reveals nothing), the attempt is
// reserved before hashing and given back only when it did not fail, and a
// limiter that times out fails closed.
import { describe, expect, it } from "vitest";
import type { PasswordHasher } from "../../src/auth/password/hasher";
import { passwordLogin } from "../../src/auth/password-check";
import { accountBackoffSeconds, accountKey } from "../../src/auth/throttle";
import type { UserRecord } from "../../src/ports";
import { memoryUserStore } from "./support/memory-user-store";
import { SOURCE, type ThrottleOptions, throttleFakes } from "./support/throttle-fakes";

const USER: UserRecord = {
  id: "u1",
  email: "a@example.test",
  passwordHash: "$argon2id$stub",
  createdAt: new Date(0),
  emailVerifiedAt: null,
};

function fakes(opts: ThrottleOptions & { known?: boolean; correct?: boolean; down?: boolean }) {
  const throttle = throttleFakes(opts);
  const passwords: PasswordHasher = {
    hash: async () => "x",
    verify: async () => {
      throttle.calls.push("hash");
      if (opts.down) throw new Error("hashing queue full");
      return { ok: opts.correct ?? false, needsRehash: false };
    },
    dummyVerify: async () => {
      throttle.calls.push("hash");
    },
  };
  const users = memoryUserStore(opts.known ? [USER] : []);
  return {
    deps: { ...throttle.deps, users, passwords, minPasswordLength: 15 },
    calls: throttle.calls,
  };
}

const attempt = (deps: Parameters<typeof passwordLogin>[0], challengeToken?: string) =>
  passwordLogin(
    deps,
    { email: "a@example.test", password: "whatever it is" },
    { ...SOURCE, ...(challengeToken ? { challengeToken } : {}) },
  ).catch((e: unknown) => e);

describe("password throttle", () => {
  it("reserves first, hashes once, and leaves a wrong password counted", async () => {
    const { deps, calls } = fakes({});
    expect(await attempt(deps)).toMatchObject({ code: "invalid_credentials" });
    expect(calls).toEqual(["consume:login_ip", "consume:login_failures", "reserve", "hash"]);
  });

  it("gives the per-pair count back and ends the streak on success", async () => {
    const { deps, calls } = fakes({ known: true, correct: true });
    expect(await attempt(deps)).toEqual(USER);
    expect(calls.slice(4).sort()).toEqual(["refund:login_failures", "success"]);
  });

  it("gives both reservations back when the check fails for another reason", async () => {
    const { deps, calls } = fakes({ known: true, down: true });
    expect(await attempt(deps)).toBeInstanceOf(Error);
    expect(calls.slice(4).sort()).toEqual(["refund:login_failures", "release"]);
  });

  it.each([
    ["the per-IP limit", { ipAllowed: false }, ["refund:login_failures"]],
    ["the per-IP-and-account limit", { pairAllowed: false }, []],
    ["the account backoff", { accountThrottled: true }, ["reserve", "refund:login_failures"]],
  ])("answers 429 for %s without hashing, giving back what it counted", async (_n, opts, rest) => {
    const { deps, calls } = fakes(opts);
    expect(await attempt(deps)).toMatchObject({ code: "too_many_requests", status: 429 });
    expect(calls).not.toContain("hash");
    expect(calls.slice(2)).toEqual(rest);
  });

  it("lets a solved bot challenge through the per-IP limits but never through the account backoff", async () => {
    const challenge = { passed: async (token: string) => token === "solved" };
    const perIp = fakes({ pairAllowed: false });
    expect(await attempt({ ...perIp.deps, challenge }, "solved")).toMatchObject({
      code: "invalid_credentials",
    });
    const account = fakes({ accountThrottled: true });
    expect(await attempt({ ...account.deps, challenge }, "solved")).toMatchObject({
      code: "too_many_requests",
    });
    expect(account.calls).not.toContain("hash");
  });

  it("fails closed with 503 when the limiter times out", async () => {
    const { deps, calls } = fakes({ timedOut: true });
    expect(await attempt(deps)).toMatchObject({ code: "temporarily_unavailable", status: 503 });
    expect(calls).not.toContain("hash");
  });

  it("refuses an oversized password before counting or hashing anything", async () => {
    const { deps, calls } = fakes({});
    const res = await passwordLogin(
      deps,
      { email: "a@example.test", password: "x".repeat(1025) },
      SOURCE,
    ).catch((e: unknown) => e);
    expect(res).toMatchObject({ code: "invalid_request", status: 400 });
    expect(calls).toEqual([]);
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

describe("an account's throttling key", () => {
  // The key names the account's failure counter in Redis: a change of its form
  // would quietly reset every lockout on deploy. SHA-256 in base64url, as Node computes it.
  it("is the SHA-256 of the normalized email, carrying no address", async () => {
    const key = await accountKey("  Alice@Example.COM ");
    expect(key).toBe("_42YGfwOEr8NJIkuRZh-JJoo3Og2qFytYOKOqqjG2XY");
    expect(key).not.toContain("alice");
  });
});
