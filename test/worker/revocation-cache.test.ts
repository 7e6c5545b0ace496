// REVOCATION_CACHE_MS: the opt-in window in which the binding's checks may
// reuse a "not revoked" answer. The window itself is shown with a clock the
// test moves, over the real Redis denylist; the binding with the real worker.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { Redis } from "@upstash/redis/cloudflare";
import { describe, expect, it } from "vitest";
import { createRedisRevocationList } from "../../src/adapters/redis/revocation";
import { cachedRevocationCheck, MAX_CACHED_ANSWERS } from "../../src/auth/tokens/revocation-cache";
import { AuthService } from "../../src/rpc";
import { callWithEnv, postJson } from "./helpers";
import { familyOf, login, newUser } from "./session-helpers";

const redisList = () =>
  createRedisRevocationList(
    new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN }),
  );

/** The real list, counting the questions that reach Redis. */
function counted() {
  const list = redisList();
  const counter = {
    asked: 0,
    isRevoked: (claims: { sid: string; sub: string }) => {
      counter.asked++;
      return list.isRevoked(claims);
    },
  };
  return { list, counter };
}

/** A clock the test moves by hand. */
function movableClock(at: number) {
  const clock = { at, now: () => clock.at };
  return clock;
}

const session = () => ({ sid: crypto.randomUUID(), sub: crypto.randomUUID() });

describe("cachedRevocationCheck", () => {
  it("with a window of 0 is the Redis check itself: a revocation counts at once", async () => {
    const { list, counter } = counted();
    expect(cachedRevocationCheck(counter, 0, movableClock(0))).toBe(counter);
    const claims = session();
    expect(await counter.isRevoked(claims)).toBe(false);
    await list.revokeSession(claims.sid, 60);
    expect(await counter.isRevoked(claims)).toBe(true);
  });

  it("reuses a 'not revoked' answer for the window and not a millisecond longer", async () => {
    const { list, counter } = counted();
    const clock = movableClock(1_000_000);
    const check = cachedRevocationCheck(counter, 1_000, clock, new Map());
    const claims = session();
    expect(await check.isRevoked(claims)).toBe(false);
    await list.revokeSession(claims.sid, 60);
    clock.at += 999;
    expect(await check.isRevoked(claims)).toBe(false);
    expect(counter.asked).toBe(1);
    clock.at += 1;
    expect(await check.isRevoked(claims)).toBe(true);
    expect(counter.asked).toBe(2);
  });

  it("keeps a 'revoked' answer: it never turns back", async () => {
    const { list, counter } = counted();
    const clock = movableClock(0);
    const check = cachedRevocationCheck(counter, 500, clock, new Map());
    const claims = session();
    await list.revokeSession(claims.sid, 60);
    expect(await check.isRevoked(claims)).toBe(true);
    clock.at += 3_600_000;
    expect(await check.isRevoked(claims)).toBe(true);
    expect(counter.asked).toBe(1);
  });

  it("a user's logout-all reaches a cached session when its window ends", async () => {
    const { list, counter } = counted();
    const clock = movableClock(0);
    const check = cachedRevocationCheck(counter, 250, clock, new Map());
    const claims = session();
    expect(await check.isRevoked(claims)).toBe(false);
    await list.setUserNotBefore(claims.sub, Date.now() + 1000, 60);
    expect(await check.isRevoked(claims)).toBe(false);
    clock.at += 250;
    expect(await check.isRevoked(claims)).toBe(true);
  });

  it("keeps at most MAX_CACHED_ANSWERS answers, dropping the oldest first", async () => {
    const answers = new Map();
    const asked: string[] = [];
    const inner = {
      isRevoked: async ({ sid }: { sid: string; sub: string }) => {
        asked.push(sid);
        return false;
      },
    };
    const check = cachedRevocationCheck(inner, 60_000, movableClock(0), answers);
    for (let i = 0; i <= MAX_CACHED_ANSWERS; i++) await check.isRevoked({ sid: `s${i}`, sub: "u" });
    expect(answers.size).toBe(MAX_CACHED_ANSWERS);
    await check.isRevoked({ sid: `s${MAX_CACHED_ANSWERS}`, sub: "u" });
    expect(asked).toHaveLength(MAX_CACHED_ANSWERS + 1);
    await check.isRevoked({ sid: "s0", sub: "u" });
    expect(asked).toHaveLength(MAX_CACHED_ANSWERS + 2);
  });
});

describe("verify() over the binding", () => {
  it("by default sees a logout on the very next call", async () => {
    const pair = await login((await newUser()).email);
    expect((await exports.AuthService.verify(pair.access_token)).ok).toBe(true);
    expect((await postJson("/v1/logout", { refresh_token: pair.refresh_token })).status).toBe(204);
    expect(await exports.AuthService.verify(pair.access_token)).toEqual({
      ok: false,
      error: "revoked",
    });
  });

  it("with REVOCATION_CACHE_MS, may answer from the window; the service's own routes never do", async () => {
    const pair = await login((await newUser()).email);
    const ctx = createExecutionContext();
    const cached = new AuthService(ctx, { ...env, REVOCATION_CACHE_MS: "60000" } as Env);
    expect((await cached.verify(pair.access_token)).ok).toBe(true);
    expect((await postJson("/v1/logout", { refresh_token: pair.refresh_token })).status).toBe(204);
    // Within the window the isolate's earlier answer stands…
    const stale = await cached.verify(pair.access_token);
    expect(stale).toMatchObject({ ok: true, claims: { sid: familyOf(pair.refresh_token) } });
    // …while /v1/me, under the same setting and after the same answer was
    // cached, and a binding without the window see the logout at once.
    const ownRoute = await callWithEnv({ REVOCATION_CACHE_MS: "60000" }, "/v1/me", {
      headers: { authorization: `Bearer ${pair.access_token}` },
    });
    expect(ownRoute.status).toBe(401);
    expect((await exports.AuthService.verify(pair.access_token)).ok).toBe(false);
    await waitOnExecutionContext(ctx);
  });

  it("refuses a REVOCATION_CACHE_MS outside 0–60000 (configuration fails closed)", async () => {
    const pair = await login((await newUser()).email);
    const ctx = createExecutionContext();
    const bad = new AuthService(ctx, { ...env, REVOCATION_CACHE_MS: "600000" } as Env);
    expect(await bad.verify(pair.access_token)).toEqual({
      ok: false,
      error: "server_misconfigured",
    });
    await waitOnExecutionContext(ctx);
  });
});
