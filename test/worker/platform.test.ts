import { env } from "cloudflare:workers";
import { neon } from "@neondatabase/serverless";
import { Redis } from "@upstash/redis/cloudflare";
import { describe, expect, it } from "vitest";
import { registerLocalBridge } from "../../src/adapters/postgres/client";
import { call, callWithEnv } from "./helpers";

describe("GET /health", () => {
  it("answers 200 without touching a dependency", async () => {
    // Both dependencies point at closed ports: /health must not notice.
    const res = await callWithEnv(
      {
        NEON_FETCH_ENDPOINT: "http://127.0.0.1:9/sql",
        UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
      },
      "/health",
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  // Regression: the config middleware ran before every route, so a deployment
  // missing one secret answered 503 even to liveness probes.
  it.each([
    ["AUDIT_HMAC_KEYS is missing", { AUDIT_HMAC_KEYS: undefined }],
    [
      "every required secret is missing",
      {
        DATABASE_URL: undefined,
        UPSTASH_REDIS_REST_URL: undefined,
        UPSTASH_REDIS_REST_TOKEN: undefined,
        SIGNING_KEYS: undefined,
        AUDIT_HMAC_KEYS: undefined,
      },
    ],
    ["a var is malformed", { ACCESS_TOKEN_TTL_SECONDS: "fifteen" }],
  ])("answers 200 when %s: liveness does not depend on configuration", async (_name, bad) => {
    const res = await callWithEnv(bad, "/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });
});

describe("GET /ready", () => {
  it("is green with a real round trip to Postgres and Redis", async () => {
    const res = await call("/ready");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ready",
      checks: { postgres: "ok", redis: "ok", audit: "ok" },
    });
  });

  it("names Redis when Redis is unreachable", async () => {
    const res = await callWithEnv({ UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" }, "/ready");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: "unavailable",
      checks: { postgres: "ok", redis: "unavailable", audit: "ok" },
    });
  });

  it("names Postgres when Postgres is unreachable", async () => {
    const res = await callWithEnv({ NEON_FETCH_ENDPOINT: "http://127.0.0.1:9/sql" }, "/ready");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: "unavailable",
      checks: { postgres: "unavailable", redis: "ok", audit: "ok" },
    });
  });

  it("names the misconfigured variables, never their values, and says where to look", async () => {
    const badKeys = `k1:${btoa("too short for an HMAC key")}`;
    const res = await callWithEnv(
      { AUDIT_HMAC_KEYS: badKeys, UPSTASH_REDIS_REST_TOKEN: undefined, ISSUER: "not a url" },
      "/ready",
    );
    expect(res.status).toBe(503);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    const body = JSON.parse(text) as { status: string; variables: string[]; hint: string };
    expect(body.status).toBe("misconfigured");
    // The schema's failures come first and together; the key lists are checked after them.
    expect(body.variables.sort()).toEqual(["ISSUER", "UPSTASH_REDIS_REST_TOKEN"]);
    expect(body.hint).toContain("npx wrangler tail");
    expect(body.hint).toContain("npm run deploy:check");
    expect(text).not.toContain("not a url");

    const keysOnly = await callWithEnv({ AUDIT_HMAC_KEYS: badKeys }, "/ready");
    const keysText = await keysOnly.text();
    expect(JSON.parse(keysText)).toMatchObject({ variables: ["AUDIT_HMAC_KEYS"] });
    expect(keysText).not.toContain(badKeys);
    expect(keysText).not.toContain(badKeys.slice(3));
  });

  it("names a missing AUDIT_HMAC_KEYS", async () => {
    const res = await callWithEnv({ AUDIT_HMAC_KEYS: undefined }, "/ready");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: "misconfigured",
      variables: ["AUDIT_HMAC_KEYS"],
      hint: expect.stringContaining("wrangler secret put"),
    });
  });
});

describe("configuration", () => {
  it("fails closed with 503 when a secret is missing, pointing to /ready and the log", async () => {
    const res = await callWithEnv({ SIGNING_KEYS: undefined }, "/.well-known/jwks.json");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: "server_misconfigured",
      error_description:
        "the service is not configured: GET /ready names the variables, `npx wrangler tail` shows the log",
    });
  });

  it.each([
    ["not JSON", "{keys"],
    ["an RSA key", JSON.stringify({ keys: [{ kty: "RSA", kid: "a", n: "x", e: "AQAB" }] })],
    [
      "a public key only",
      JSON.stringify({ keys: [{ kty: "OKP", crv: "Ed25519", kid: "a", x: "A".repeat(43) }] }),
    ],
    ["an empty set", JSON.stringify({ keys: [] })],
  ])("fails closed at startup when SIGNING_KEYS is %s", async (_name, value) => {
    const res = await callWithEnv({ SIGNING_KEYS: value }, "/.well-known/jwks.json");
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toBe("server_misconfigured");
  });

  it.each([
    ["a key shorter than 32 bytes", `p1:${btoa("x".repeat(31))}`],
    ["a duplicated id", `p1:${btoa("x".repeat(32))},p1:${btoa("y".repeat(32))}`],
    ["no id", btoa("x".repeat(32))],
  ])("fails closed when PASSWORD_PEPPER has %s", async (_name, value) => {
    const res = await callWithEnv({ PASSWORD_PEPPER: value }, "/.well-known/jwks.json");
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toBe("server_misconfigured");
  });

  it("fails closed on a malformed number rather than guessing", async () => {
    const res = await callWithEnv(
      { ACCESS_TOKEN_TTL_SECONDS: "fifteen" },
      "/.well-known/jwks.json",
    );
    expect(res.status).toBe(503);
  });
});

describe("production clients from workerd", () => {
  it("reach real Postgres through the Neon HTTP driver", async () => {
    registerLocalBridge(env.DATABASE_URL, env.NEON_FETCH_ENDPOINT);
    const sql = neon(env.DATABASE_URL);
    const rows = await sql`select current_database() as db, 1 + ${41}::int as answer`;
    expect(rows[0]).toEqual({ db: new URL(env.DATABASE_URL).pathname.slice(1), answer: 42 });
  });

  it("reach real Redis through the Upstash REST client", async () => {
    const redis = new Redis({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
    });
    const key = `platform-test:${crypto.randomUUID()}`;
    await redis.set(key, { n: 1 }, { ex: 30 });
    expect(await redis.get(key)).toEqual({ n: 1 });
    expect(await redis.incr(`${key}:n`)).toBe(1);
  });
});

describe("unknown routes", () => {
  it("get a JSON 404 with a stable code", async () => {
    const res = await call("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "not_found", error_description: "no such endpoint" });
  });
});
