// Online-guessing and abuse limits at their production defaults (wrangler.jsonc),
// against real Redis through @upstash/ratelimit's scripts.
import { env } from "cloudflare:workers";
import { Redis } from "@upstash/redis/cloudflare";
import { beforeEach, describe, expect, it } from "vitest";
import { accountKey } from "../../src/auth/throttle";
import {
  callWithEnv,
  GOOD_PASSWORD,
  insideOneWindow,
  postJson,
  randomClientIp,
  uniqueEmail,
} from "./helpers";
import { login, newUser } from "./session-helpers";

const redis = new Redis({
  url: env.UPSTASH_REDIS_REST_URL,
  token: env.UPSTASH_REDIS_REST_TOKEN,
  enableAutoPipelining: false,
});

// Every test here counts to a limit's exact edge; the production windows are
// 15 minutes and an hour, whose boundaries all fall on 15-minute ones.
beforeEach(() => insideOneWindow(900), 60_000);

const statusCounts = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((out, s) => {
    out[s] = (out[s] ?? 0) + 1;
    return out;
  }, {});

const loginFrom = (ip: string, email: string, password: string) =>
  postJson("/v1/login", { email, password }, { "cf-connecting-ip": ip });

async function expect429(res: Response): Promise<number> {
  expect(res.status).toBe(429);
  expect(await res.json()).toEqual({
    error: "too_many_requests",
    error_description: expect.any(String),
  });
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(0);
  expect(res.headers.get("ratelimit-remaining")).toBe("0");
  expect(Number(res.headers.get("ratelimit-limit"))).toBeGreaterThan(0);
  expect(res.headers.get("ratelimit-reset")).toBe(String(retryAfter));
  return retryAfter;
}

describe("login throttling per IP and account (10 failures / 15 min)", () => {
  it("refuses the 11th attempt from one IP on one account, even with the right password", async () => {
    const user = await newUser("throttle");
    const ip = randomClientIp();
    for (let i = 0; i < 10; i++)
      expect((await loginFrom(ip, user.email, "wrong password, number x")).status).toBe(401);
    const retryAfter = await expect429(await loginFrom(ip, user.email, GOOD_PASSWORD));
    expect(retryAfter).toBeLessThanOrEqual(900);
    // The owner elsewhere is not locked out.
    expect((await loginFrom(randomClientIp(), user.email, GOOD_PASSWORD)).status).toBe(200);
  });

  it("throttles an unknown email exactly like a known one", async () => {
    const known = await newUser("throttle");
    const ghost = uniqueEmail("ghost");
    const statuses = async (email: string) => {
      const ip = randomClientIp();
      const out: number[] = [];
      for (let i = 0; i < 11; i++)
        out.push((await loginFrom(ip, email, "wrong password, number x")).status);
      return out;
    };
    const a = await statuses(known.email);
    const b = await statuses(ghost);
    expect(a).toEqual([...Array(10).fill(401), 429]);
    expect(b).toEqual(a);
  });

  it("counts only failures: successful logins do not use up the budget", async () => {
    const user = await newUser("throttle");
    const ip = randomClientIp();
    for (let i = 0; i < 12; i++)
      expect((await loginFrom(ip, user.email, GOOD_PASSWORD)).status).toBe(200);
  });
});

describe("the client address", () => {
  it("is CF-Connecting-IP only: changing X-Forwarded-For or X-Real-IP does not reset a bucket", async () => {
    const user = await newUser("spoof");
    const ip = randomClientIp();
    const attempt = (password: string) =>
      postJson(
        "/v1/login",
        { email: user.email, password },
        {
          "cf-connecting-ip": ip,
          "x-forwarded-for": randomClientIp(),
          "x-real-ip": randomClientIp(),
        },
      );
    for (let i = 0; i < 10; i++)
      expect((await attempt("wrong password, number x")).status).toBe(401);
    await expect429(await attempt(GOOD_PASSWORD));
  });
});

describe("IPv6 clients", () => {
  // Security review: the buckets keyed the full address, so a client could give
  // every guess a fresh address from its /64 and never meet a limit.
  it("count by their /64: new addresses in one network share the failure bucket", async () => {
    const user = await newUser("ipv6");
    const network = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:12`;
    const from = (i: number) => `${network}::${(i + 1).toString(16)}`;
    for (let i = 0; i < 10; i++)
      expect((await loginFrom(from(i), user.email, "wrong password, number x")).status).toBe(401);
    await expect429(await loginFrom(from(10), user.email, GOOD_PASSWORD));
    // Another /64 is another client.
    const elsewhere = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:13::1`;
    expect((await loginFrom(elsewhere, user.email, GOOD_PASSWORD)).status).toBe(200);
  });
});

describe("per-IP limits of the token and admin endpoints", () => {
  it.each([
    ["POST /v1/token/refresh", { RATE_LIMIT_TOKEN_PER_IP: "2/60" }, "/v1/token/refresh", "POST"],
    ["GET /v1/admin/stats", { RATE_LIMIT_ADMIN_PER_IP: "2/60" }, "/v1/admin/stats", "GET"],
  ] as const)("%s answers 429 past its limit", async (_name, limit, path, method) => {
    await insideOneWindow(60, 10);
    const ip = randomClientIp();
    const send = () =>
      callWithEnv(limit, path, {
        method,
        headers: {
          "cf-connecting-ip": ip,
          "content-type": "application/json",
          authorization: `Bearer ${"a".repeat(48)}`,
        },
        ...(method === "POST" ? { body: JSON.stringify({ refresh_token: "not-a-token" }) } : {}),
      });
    for (let i = 0; i < 2; i++) expect((await send()).status).not.toBe(429);
    await expect429(await send());
  });
});

describe("account throttling after 100 consecutive failures (NIST SP 800-63B rev 4)", () => {
  it("makes new IPs wait with a growing Retry-After, spares a known IP, and clears on success", async () => {
    const user = await newUser("account");
    const home = randomClientIp();
    expect((await loginFrom(home, user.email, GOOD_PASSWORD)).status).toBe(200);
    // 100 failures from 10 addresses (10 each, the per-IP-and-account limit).
    for (let n = 0; n < 10; n++) {
      const ip = randomClientIp();
      await Promise.all(
        Array.from({ length: 10 }, () => loginFrom(ip, user.email, "wrong password, number x")),
      );
    }
    const first = await expect429(await loginFrom(randomClientIp(), user.email, GOOD_PASSWORD));
    expect(first).toBeGreaterThan(30);
    expect(first).toBeLessThanOrEqual(60);
    // The owner's known address still gets in, and that success ends the streak.
    expect((await loginFrom(home, user.email, GOOD_PASSWORD)).status).toBe(200);
    expect((await loginFrom(randomClientIp(), user.email, GOOD_PASSWORD)).status).toBe(200);
  });
});

// Security review: the throttle read the account's state and only peeked at the
// pair bucket, recording failures after hashing, so concurrent guesses all
// passed checks that none of them had counted yet.
describe("concurrent guesses are counted before any of them is hashed", () => {
  it("12 guesses from 12 addresses at once on an account past its limit: exactly one is tried", async () => {
    const user = await newUser("race-account");
    // The account already has 100 consecutive failures, the last one long ago.
    await redis.hset(`af:${await accountKey(user.email)}`, { n: 100, t: 0 });
    const statuses = await Promise.all(
      Array.from({ length: 12 }, () =>
        loginFrom(randomClientIp(), user.email, "wrong password, number x").then((r) => r.status),
      ),
    );
    expect(statusCounts(statuses)).toEqual({ 401: 1, 429: 11 });
  });

  it("24 guesses from one address at once against a limit of 10: exactly 10 are tried", async () => {
    const user = await newUser("race-pair");
    const ip = randomClientIp();
    const statuses = await Promise.all(
      Array.from({ length: 24 }, () =>
        loginFrom(ip, user.email, "wrong password, number x").then((r) => r.status),
      ),
    );
    expect(statusCounts(statuses)).toEqual({ 401: 10, 429: 14 });
  });
});

// Security review: re-authentication before a credential change had no
// per-account throttle (15 wrong current passwords from one IP: no 429).
describe("every password check goes through the login throttle", () => {
  const reauth = async (path: string, body: unknown, token: string, ip: string) =>
    (
      await postJson(path, body, {
        authorization: `Bearer ${token}`,
        "cf-connecting-ip": ip,
      })
    ).status;
  const accountFailures = async (email: string) =>
    Number(await redis.hget(`af:${await accountKey(email)}`, "n"));

  it("/v1/password/change: the 11th wrong current password from one address is refused", async () => {
    const user = await newUser("reauth");
    const pair = await login(user.email);
    const ip = randomClientIp();
    const body = { current_password: "wrong password, number x", new_password: "x".repeat(20) };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push(await reauth("/v1/password/change", body, pair.access_token, ip));
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    // The failures count against the account, as a login's would.
    expect(await accountFailures(user.email)).toBe(10);
  });

  it("/v1/email/change: a wrong current password counts against the account", async () => {
    const user = await newUser("reauth");
    const pair = await login(user.email);
    const ip = randomClientIp();
    for (let i = 0; i < 3; i++) {
      const body = { password: "wrong password, number x", new_email: uniqueEmail("moved") };
      expect(await reauth("/v1/email/change", body, pair.access_token, ip)).toBe(401);
    }
    expect(await accountFailures(user.email)).toBe(3);
  });
});

describe("login per IP (100 attempts / 15 min)", () => {
  it("refuses the 101st attempt from one address across many accounts", async () => {
    const ip = randomClientIp();
    const statuses: number[] = [];
    for (let i = 0; i < 101; i += 10) {
      const batch = Array.from({ length: Math.min(10, 101 - i) }, (_, j) =>
        loginFrom(ip, uniqueEmail(`spray${i + j}`), "wrong password, number x").then(
          (r) => r.status,
        ),
      );
      statuses.push(...(await Promise.all(batch)));
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
  });
});

describe("registration per IP (10 / hour)", () => {
  it("refuses the 11th registration from one address, with RateLimit-* on every answer", async () => {
    const ip = randomClientIp();
    for (let i = 0; i < 10; i++) {
      const res = await postJson(
        "/v1/register",
        { email: uniqueEmail("reg"), password: GOOD_PASSWORD },
        { "cf-connecting-ip": ip },
      );
      expect(res.status).toBe(201);
      expect(res.headers.get("ratelimit-remaining")).toBe(String(9 - i));
    }
    const res = await postJson(
      "/v1/register",
      { email: uniqueEmail("reg"), password: GOOD_PASSWORD },
      { "cf-connecting-ip": ip },
    );
    await expect429(res);
  });
});

describe("bot challenge after throttling (Turnstile, via a local siteverify server)", () => {
  const TOKEN = "a-solved-turnstile-challenge";

  it("offers a challenge on the 429 and lets a solved one through the per-IP limits", async () => {
    const user = await newUser("challenge");
    const ip = randomClientIp();
    for (let i = 0; i < 10; i++) await loginFrom(ip, user.email, "wrong password, number x");
    const throttled = await loginFrom(ip, user.email, GOOD_PASSWORD);
    await expect429(throttled);
    expect(throttled.headers.get("x-auth-challenge")).toBe("turnstile");
    const withWrongToken = await postJson(
      "/v1/login",
      { email: user.email, password: GOOD_PASSWORD, challenge_token: "a forged token" },
      { "cf-connecting-ip": ip },
    );
    expect(withWrongToken.status).toBe(429);
    const solved = await postJson(
      "/v1/login",
      { email: user.email, password: GOOD_PASSWORD, challenge_token: TOKEN },
      { "cf-connecting-ip": ip },
    );
    expect(solved.status).toBe(200);
  });

  it("counts an unreachable siteverify as not passed: the throttled client stays throttled", async () => {
    const user = await newUser("challenge");
    const ip = randomClientIp();
    for (let i = 0; i < 10; i++) await loginFrom(ip, user.email, "wrong password, number x");
    const res = await callWithEnv(
      { TURNSTILE_VERIFY_URL: "http://127.0.0.1:9/siteverify" },
      "/v1/login",
      {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": ip },
        body: JSON.stringify({
          email: user.email,
          password: GOOD_PASSWORD,
          challenge_token: TOKEN,
        }),
      },
    );
    await expect429(res);
  });
});
