import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, postJson } from "./helpers";
import { login, newUser, refresh } from "./session-helpers";

const SERVICE_KEY = "s".repeat(40);
/** The consumer's answer to any bad token (RFC 6750 §3.1), whatever the reason. */
const INVALID_TOKEN = {
  error: "invalid_token",
  error_description: "the access token is invalid or expired",
};
const consumer = (env as unknown as { CONSUMER: Fetcher }).CONSUMER;

const protectedRoute = (token?: string) =>
  consumer.fetch(
    "http://consumer/protected",
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );

const introspectHttp = (token: string, key = SERVICE_KEY, form = true) =>
  call("/v1/introspect", {
    method: "POST",
    headers: {
      authorization: `Bearer ${key}`,
      "content-type": form ? "application/x-www-form-urlencoded" : "application/json",
    },
    body: form ? new URLSearchParams({ token }).toString() : JSON.stringify({ token }),
  });

describe("a second Worker protecting a route through the service binding", () => {
  it("lets a live token through and rejects a missing or forged one", async () => {
    const user = await newUser("consumer");
    const pair = await login(user.email);
    const ok = await protectedRoute(pair.access_token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ hello: user.id, session: pair.refresh_token.split(".")[0] });
    expect((await protectedRoute()).status).toBe(401);
    // The consumer answers the public RFC 6750 code (@edge-auth/hono keeps the
    // reason off the wire); the service's own reason shows what was refused.
    const forgedToken = `${pair.access_token.slice(0, -4)}AAAA`;
    const forged = await protectedRoute(forgedToken);
    expect(forged.status).toBe(401);
    expect(forged.headers.get("www-authenticate")).toBe(
      'Bearer realm="consumer", error="invalid_token"',
    );
    expect(await forged.json()).toEqual(INVALID_TOKEN);
    expect(await exports.AuthService.verify(forgedToken)).toEqual({
      ok: false,
      error: "invalid_signature",
    });
  });

  it("rejects the token at once after logout (revocation is checked, not just the signature)", async () => {
    const user = await newUser("consumer");
    const pair = await login(user.email);
    expect((await protectedRoute(pair.access_token)).status).toBe(200);
    await postJson("/v1/logout", { refresh_token: pair.refresh_token });
    const res = await protectedRoute(pair.access_token);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      'Bearer realm="consumer", error="invalid_token"',
    );
    expect(await res.json()).toEqual(INVALID_TOKEN);
    expect(await exports.AuthService.verify(pair.access_token)).toEqual({
      ok: false,
      error: "revoked",
    });
  });
});

describe("AuthService RPC", () => {
  it("verify() returns the claims of a live token and a stable error code otherwise", async () => {
    const user = await newUser("rpc");
    const pair = await login(user.email);
    const ok = await exports.AuthService.verify(pair.access_token);
    expect(ok).toMatchObject({
      ok: true,
      claims: { sub: user.id, iss: env.ISSUER, aud: env.AUDIENCE },
    });
    expect(await exports.AuthService.verify("nope")).toEqual({ ok: false, error: "malformed" });
  });

  it("verify() and introspect() reject the family's tokens at once after reuse", async () => {
    const user = await newUser("rpc");
    const first = await login(user.email);
    const second = (await (await refresh(first.refresh_token)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    await refresh(second.refresh_token);
    expect((await exports.AuthService.verify(second.access_token)).ok).toBe(true);
    // The first token again, after its successor was used: reuse.
    expect((await refresh(first.refresh_token)).status).toBe(400);
    expect(await exports.AuthService.verify(second.access_token)).toEqual({
      ok: false,
      error: "revoked",
    });
    expect(await exports.AuthService.introspect(second.access_token)).toEqual({ active: false });
    expect((await (await introspectHttp(second.access_token)).json()) as unknown).toEqual({
      active: false,
    });
  });

  it("verify() and introspection reject every session's tokens at once after logout-all", async () => {
    const user = await newUser("rpc");
    const a = await login(user.email);
    const b = await login(user.email);
    expect((await exports.AuthService.verify(b.access_token)).ok).toBe(true);
    const res = await call("/v1/logout-all", {
      method: "POST",
      headers: { authorization: `Bearer ${a.access_token}` },
    });
    expect(res.status).toBe(204);
    for (const token of [a.access_token, b.access_token]) {
      expect(await exports.AuthService.verify(token)).toEqual({ ok: false, error: "revoked" });
      expect(await exports.AuthService.introspect(token)).toEqual({ active: false });
      expect(await (await introspectHttp(token)).json()).toEqual({ active: false });
    }
  });

  it("introspect() answers in RFC 7662 shape", async () => {
    const user = await newUser("rpc");
    const pair = await login(user.email);
    const res = await exports.AuthService.introspect(pair.access_token);
    expect(res).toEqual({
      active: true,
      token_type: "Bearer",
      client_id: "first-party",
      sub: user.id,
      aud: env.AUDIENCE,
      iss: env.ISSUER,
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.any(String),
      sid: pair.refresh_token.split(".")[0],
    });
  });
});

describe("POST /v1/introspect", () => {
  it("introspects a form-encoded token for a caller with a service key, and JSON too", async () => {
    const user = await newUser("introspect");
    const pair = await login(user.email);
    for (const form of [true, false]) {
      const res = await introspectHttp(pair.access_token, SERVICE_KEY, form);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.json()).toMatchObject({ active: true, sub: user.id });
    }
  });

  it("answers active:false for garbage and for a logged-out token", async () => {
    const user = await newUser("introspect");
    const pair = await login(user.email);
    expect(await (await introspectHttp("garbage")).json()).toEqual({ active: false });
    await postJson("/v1/logout", { refresh_token: pair.refresh_token });
    expect(await (await introspectHttp(pair.access_token)).json()).toEqual({ active: false });
  });

  it.each([
    ["no key", undefined],
    ["a wrong key", "x".repeat(40)],
    ["a prefix of the key", SERVICE_KEY.slice(0, 39)],
  ])("refuses a caller with %s", async (_name, key) => {
    const res = await call("/v1/introspect", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: "token=abc",
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe("unauthorized");
  });

  it("answers 400 without a token", async () => {
    const res = await call("/v1/introspect", {
      method: "POST",
      headers: {
        authorization: `Bearer ${SERVICE_KEY}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "nothing=here",
    });
    expect(res.status).toBe(400);
  });
});
