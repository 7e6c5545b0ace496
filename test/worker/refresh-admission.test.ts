// A refresh asks Redis once before its family's object is called: the per-IP
// limit and the user's not-before in one pipeline (the token names its user;
// the object checks that it is the family's).
import { env } from "cloudflare:workers";
import { Redis } from "@upstash/redis/cloudflare";
import { describe, expect, it } from "vitest";
import { clientNetwork } from "../../src/auth/client-network";
import { call, postJson, randomClientIp } from "./helpers";
import { sql } from "./mail-helpers";
import {
  expectInvalidGrant,
  familyOf,
  familySql,
  login,
  me,
  newUser,
  refresh,
  type TokenPair,
} from "./session-helpers";

const redis = new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });

const logoutAll = (accessToken: string) =>
  call("/v1/logout-all", { method: "POST", headers: { authorization: `Bearer ${accessToken}` } });

/** Every request the Worker (and its objects, in this isolate) sends to Upstash during `run`. */
async function upstashRequests(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.url.startsWith(env.UPSTASH_REDIS_REST_URL)) {
      seen.push(`${new URL(request.url).pathname} ${await request.clone().text()}`);
    }
    return original(request);
  }) as typeof fetch;
  try {
    await run();
  } finally {
    globalThis.fetch = original;
  }
  return seen;
}

/**
 * Takes a session off the Postgres list, so logout-all's fan-out cannot end
 * its object or deny its id: only the not-before can (as after a fan-out that
 * stopped halfway, docs/security.md).
 */
const unlist = (pair: TokenPair) =>
  sql()`delete from refresh_families where id = ${familyOf(pair.refresh_token)}`;

const withoutUser = (token: string) => token.split(".").slice(0, 2).join(".");

describe("the refresh's Redis round trip", () => {
  it("is one pipeline: the limit's script and the user's not-before", async () => {
    const user = await newUser();
    const pair = await login(user.email);
    let res: Response | undefined;
    const sent = await upstashRequests(async () => {
      res = await refresh(pair.refresh_token);
    });
    expect(res?.status).toBe(200);
    expect(sent).toHaveLength(1);
    const [only] = sent;
    expect(only).toMatch(/^\/pipeline /);
    expect(only).toMatch(/"evalsha"/i);
    expect(only).toContain(`"rv:nbf:${user.id}"`);
    expect(res?.headers.get("ratelimit-limit")).not.toBeNull();
  });

  it("keeps RateLimit-* on a refused refresh too", async () => {
    const res = await refresh(`${"D".repeat(22)}.${"E".repeat(43)}.${crypto.randomUUID()}`);
    await expectInvalidGrant(res);
    expect(res.headers.get("ratelimit-remaining")).not.toBeNull();
  });

  it("sees a logout-all through that read: the session's next refresh is refused", async () => {
    const user = await newUser();
    const a = await login(user.email);
    const b = await login(user.email);
    await unlist(a);
    expect((await logoutAll(b.access_token)).status).toBe(204);
    await expectInvalidGrant(await refresh(a.refresh_token));
    expect((await me(a.access_token)).status).toBe(401);
  });

  // docs/security.md: a rotation admitted with the not-before read just before
  // a logout-all may still go through; whatever it issues must be dead after it.
  it("racing a logout-all, leaves no token of any earlier session alive", async () => {
    for (let round = 0; round < 3; round++) {
      const user = await newUser();
      const sessions = await Promise.all([1, 2, 3, 4].map(() => login(user.email)));
      const other = await login(user.email);
      for (const s of sessions) await unlist(s);
      const answers = await Promise.all([
        ...sessions.map((s) => refresh(s.refresh_token)),
        logoutAll(other.access_token),
      ]);
      expect(answers.at(-1)?.status).toBe(204);
      const issued: TokenPair[] = [...sessions, other];
      for (const res of answers.slice(0, -1)) {
        if (res.status === 200) issued.push((await res.json()) as TokenPair);
        else await expectInvalidGrant(res);
      }
      for (const pair of issued) {
        expect((await me(pair.access_token)).status).toBe(401);
        await expectInvalidGrant(await refresh(pair.refresh_token));
      }
    }
  });
});

describe("when Redis has lost the limiter's script (NOSCRIPT)", () => {
  it("the limiter falls back to EVAL and the not-before read in the first pipeline still counts", async () => {
    const user = await newUser();
    const a = await login(user.email);
    const b = await login(user.email);
    await redis.scriptFlush();
    let res: Response | undefined;
    const sent = await upstashRequests(async () => {
      res = await refresh(a.refresh_token);
    });
    expect(res?.status).toBe(200);
    // The pipeline (refused script, GET), then the script alone as EVAL.
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatch(/^\/eval\b|"eval"/i);
    const next = (await (res as Response).json()) as TokenPair;
    expect((await logoutAll(b.access_token)).status).toBe(204);
    await redis.scriptFlush();
    await expectInvalidGrant(await refresh(next.refresh_token));
  });
});

describe("when Redis answers the limiter's script with an error", () => {
  it("answers 503 temporarily_unavailable, never 500, and rotates nothing", async () => {
    const user = await newUser();
    const pair = await login(user.email);
    const ip = randomClientIp();
    // The sliding window's keys of this client made hashes: its GET fails with WRONGTYPE.
    const network = clientNetwork(ip, Number(env.RATE_LIMIT_IPV6_PREFIX));
    const window = Math.floor(Date.now() / 60_000);
    for (const w of [window - 1, window, window + 1]) {
      await redis.hset(`rl:token_ip:${network}:${w}`, { planted: 1 });
    }
    const res = await postJson(
      "/v1/token/refresh",
      { refresh_token: pair.refresh_token },
      { "cf-connecting-ip": ip },
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: "temporarily_unavailable" });
    const [family] = await familySql<{ current_generation: number }>(
      pair.refresh_token,
      "SELECT current_generation FROM family",
    );
    expect(family?.current_generation).toBe(1);
  });
});

describe("the user a token names", () => {
  it("must be the family's: another user's id is refused and the family is left as it was", async () => {
    const owner = await newUser();
    const other = await newUser();
    const pair = await login(owner.email);
    const forged = `${withoutUser(pair.refresh_token)}.${other.id}`;
    await expectInvalidGrant(await refresh(forged));
    // Nothing rotated and nothing was taken for reuse: the real token still works once.
    const [family] = await familySql<{ current_generation: number; revoked_at: number | null }>(
      pair.refresh_token,
      "SELECT current_generation, revoked_at FROM family",
    );
    expect(family).toEqual({ current_generation: 1, revoked_at: null });
    expect((await refresh(pair.refresh_token)).status).toBe(200);
  });

  it("may be absent (tokens minted before 2026-12-07): the object reads the not-before itself", async () => {
    const user = await newUser();
    const pair = await login(user.email);
    const old = withoutUser(pair.refresh_token);
    let res: Response | undefined;
    const sent = await upstashRequests(async () => {
      res = await refresh(old);
    });
    expect(res?.status).toBe(200);
    const next = (await (res as Response).json()) as TokenPair;
    // The successor names its user.
    expect(next.refresh_token.split(".")).toHaveLength(3);
    expect(next.refresh_token.endsWith(`.${user.id}`)).toBe(true);
    // The limit alone from the Worker; the not-before from the family's object.
    expect(sent.some((s) => s.includes(`rv:nbf:${user.id}`) && !/evalsha/i.test(s))).toBe(true);
  });

  it("an old-format token of a session ended by logout-all is refused too", async () => {
    const user = await newUser();
    const a = await login(user.email);
    const b = await login(user.email);
    expect((await logoutAll(b.access_token)).status).toBe(204);
    await expectInvalidGrant(await refresh(withoutUser(a.refresh_token)));
  });
});
