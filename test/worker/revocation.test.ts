import { env } from "cloudflare:workers";
import { Redis } from "@upstash/redis/cloudflare";
import { describe, expect, it } from "vitest";
import { createRedisRevocationList } from "../../src/adapters/redis/revocation";
import { call, postJson } from "./helpers";
import { sql } from "./mail-helpers";
import { familyOf, login, me, newUser, refresh, type TokenPair } from "./session-helpers";

const logout = (refreshToken: unknown) => postJson("/v1/logout", { refresh_token: refreshToken });
const logoutAll = (accessToken: string) =>
  call("/v1/logout-all", { method: "POST", headers: { authorization: `Bearer ${accessToken}` } });
const sessions = (accessToken: string) =>
  call("/v1/sessions", { headers: { authorization: `Bearer ${accessToken}` } });
const deleteSession = (accessToken: string, id: string) =>
  call(`/v1/sessions/${id}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${accessToken}` },
  });

describe("POST /v1/logout", () => {
  it("ends the session: its access token is rejected at once and its refresh token is dead", async () => {
    const user = await newUser();
    const pair = await login(user.email);
    expect((await me(pair.access_token)).status).toBe(200);
    expect((await logout(pair.refresh_token)).status).toBe(204);
    expect((await me(pair.access_token)).status).toBe(401);
    expect((await refresh(pair.refresh_token)).status).toBe(400);
  });

  it("leaves the user's other sessions alone", async () => {
    const user = await newUser();
    const a = await login(user.email);
    const b = await login(user.email);
    await logout(a.refresh_token);
    expect((await me(b.access_token)).status).toBe(200);
    expect((await refresh(b.refresh_token)).status).toBe(200);
  });

  it.each([
    ["an unknown token", `${"D".repeat(22)}.${"E".repeat(43)}`],
    ["garbage", "nope"],
    ["a number", 7],
  ])("answers 204 for %s (RFC 7009 §2.2)", async (_name, token) => {
    const res = await postJson(
      "/v1/logout",
      typeof token === "number" ? {} : { refresh_token: token },
    );
    expect(res.status).toBe(204);
  });

  it("does not let a wrong secret for a real family log it out", async () => {
    const user = await newUser();
    const pair = await login(user.email);
    expect((await logout(`${familyOf(pair.refresh_token)}.${"F".repeat(43)}`)).status).toBe(204);
    expect((await me(pair.access_token)).status).toBe(200);
    expect((await refresh(pair.refresh_token)).status).toBe(200);
  });
});

describe("the user's logout-all time (Redis)", () => {
  it("is only ever raised: an older time arriving later does not lower it", async () => {
    const list = createRedisRevocationList(
      new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN }),
    );
    const userId = crypto.randomUUID();
    const later = Date.now();
    await list.setUserNotBefore(userId, later, 60);
    await list.setUserNotBefore(userId, later - 5_000, 60);
    expect(await list.userNotBefore(userId)).toBe(later);
    await list.setUserNotBefore(userId, later + 1, 60);
    expect(await list.userNotBefore(userId)).toBe(later + 1);
  });
});

describe("POST /v1/logout-all", () => {
  it("ends every session of the user at once, and only that user's", async () => {
    const user = await newUser();
    const other = await newUser();
    const pairs = [await login(user.email), await login(user.email), await login(user.email)];
    const bystander = await login(other.email);
    expect((await logoutAll((pairs[0] as TokenPair).access_token)).status).toBe(204);
    for (const p of pairs) {
      expect((await me(p.access_token)).status).toBe(401);
      expect((await refresh(p.refresh_token)).status).toBe(400);
    }
    expect((await me(bystander.access_token)).status).toBe(200);
    // A new login right afterwards works (the not-before has ms precision).
    const fresh = await login(user.email);
    expect((await me(fresh.access_token)).status).toBe(200);
  });

  it("leaves nothing alive even when the fan-out misses a family (per-user not-before)", async () => {
    const user = await newUser();
    const hidden = await login(user.email);
    const visible = await login(user.email);
    // Simulate a half-finished fan-out: the durable copy lost one family, so
    // logout-all cannot find it to revoke its object directly.
    await sql()`delete from refresh_families where id = ${familyOf(hidden.refresh_token)}`;
    expect((await logoutAll(visible.access_token)).status).toBe(204);
    expect((await refresh(hidden.refresh_token)).status).toBe(400);
    expect((await me(hidden.access_token)).status).toBe(401);
  });

  it("requires a bearer token", async () => {
    expect((await call("/v1/logout-all", { method: "POST" })).status).toBe(401);
  });
});

describe("/v1/sessions", () => {
  it("keeps at most 512 characters of a session's user agent", async () => {
    const user = await newUser();
    const pair = await login(user.email, { "user-agent": `ua/${"x".repeat(2000)}` });
    const body = (await (await sessions(pair.access_token)).json()) as {
      sessions: Array<{ user_agent: string }>;
    };
    expect(body.sessions[0]?.user_agent).toBe(`ua/${"x".repeat(509)}`);
  });

  it("lists the caller's active sessions with device info, marking the current one", async () => {
    const user = await newUser();
    const a = await login(user.email, {
      "user-agent": "phone-app/1.0",
      "cf-connecting-ip": "203.0.113.7",
    });
    const b = await login(user.email, { "user-agent": "laptop-browser/2.0" });
    await logout((await login(user.email)).refresh_token);
    const res = await sessions(a.access_token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { sessions: Array<Record<string, unknown>> };
    expect(body.sessions.map((s) => s.id).sort()).toEqual(
      [familyOf(a.refresh_token), familyOf(b.refresh_token)].sort(),
    );
    const current = body.sessions.find((s) => s.current);
    expect(current).toMatchObject({
      id: familyOf(a.refresh_token),
      user_agent: "phone-app/1.0",
      ip: "203.0.113.7",
    });
    expect(JSON.stringify(body)).not.toContain(a.refresh_token.split(".")[1]);
  });

  it("revokes one of the caller's own sessions", async () => {
    const user = await newUser();
    const a = await login(user.email);
    const b = await login(user.email);
    expect((await deleteSession(a.access_token, familyOf(b.refresh_token))).status).toBe(204);
    expect((await me(b.access_token)).status).toBe(401);
    expect((await refresh(b.refresh_token)).status).toBe(400);
    expect((await me(a.access_token)).status).toBe(200);
  });

  it("answers 404 for someone else's session and leaves it alive", async () => {
    const user = await newUser();
    const victim = await newUser();
    const mine = await login(user.email);
    const theirs = await login(victim.email);
    const res = await deleteSession(mine.access_token, familyOf(theirs.refresh_token));
    expect(res.status).toBe(404);
    expect((await me(theirs.access_token)).status).toBe(200);
    expect((await refresh(theirs.refresh_token)).status).toBe(200);
    expect((await deleteSession(mine.access_token, "../../etc")).status).toBe(404);
  });
});

describe("browser mode (refresh token in a __Host- cookie)", () => {
  const origin = "https://app.example.test";

  async function cookieLogin(): Promise<{ cookie: string; body: Record<string, unknown> }> {
    const user = await newUser("cookie");
    const res = await postJson("/v1/login", {
      email: user.email,
      password: "correct horse battery staple",
      token_transport: "cookie",
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get("set-cookie") ?? "";
    return { cookie: setCookie, body: (await res.json()) as Record<string, unknown> };
  }

  const cookiePair = (setCookie: string) => setCookie.split(";")[0] as string;

  it("sets an HttpOnly, Secure, SameSite=Strict, Path=/ __Host- cookie and keeps the token out of the body", async () => {
    const { cookie, body } = await cookieLogin();
    expect(cookie).toMatch(/^__Host-refresh=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\.[0-9a-f-]{36};/);
    for (const attr of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"])
      expect(cookie).toContain(attr);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(body.refresh_token).toBeUndefined();
    expect(typeof body.access_token).toBe("string");
  });

  it("refreshes from the cookie for an allowed Origin and rotates the cookie", async () => {
    const { cookie } = await cookieLogin();
    const res = await postJson("/v1/token/refresh", {}, { cookie: cookiePair(cookie), origin });
    expect(res.status).toBe(200);
    const next = res.headers.get("set-cookie") ?? "";
    expect(cookiePair(next)).not.toBe(cookiePair(cookie));
    expect(((await res.json()) as Record<string, unknown>).refresh_token).toBeUndefined();
  });

  it.each([
    ["refresh", "/v1/token/refresh", "no Origin", {}],
    ["refresh", "/v1/token/refresh", "a foreign Origin", { origin: "https://evil.example" }],
    ["refresh", "/v1/token/refresh", "the null Origin", { origin: "null" }],
    ["logout", "/v1/logout", "no Origin", {}],
    ["logout", "/v1/logout", "a foreign Origin", { origin: "https://evil.example" }],
  ])("refuses a cookie %s with %s (CSRF) and spends nothing", async (_op, path, _name, headers) => {
    const { cookie } = await cookieLogin();
    const res = await postJson(path, {}, { cookie: cookiePair(cookie), ...headers });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_origin");
    expect(
      (await postJson("/v1/token/refresh", {}, { cookie: cookiePair(cookie), origin })).status,
    ).toBe(200);
  });

  it("refuses a cookie refresh sent as a form (JSON-only bodies)", async () => {
    const { cookie } = await cookieLogin();
    const res = await call("/v1/token/refresh", {
      method: "POST",
      headers: {
        cookie: cookiePair(cookie),
        origin,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "",
    });
    expect(res.status).toBe(415);
  });

  it("logs out from the cookie and clears it", async () => {
    const { cookie } = await cookieLogin();
    const res = await postJson("/v1/logout", {}, { cookie: cookiePair(cookie), origin });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/^__Host-refresh=;.*Max-Age=0/);
    expect(
      (await postJson("/v1/token/refresh", {}, { cookie: cookiePair(cookie), origin })).status,
    ).toBe(400);
  });
});
