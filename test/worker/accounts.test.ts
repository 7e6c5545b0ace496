import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callWithEnv, GOOD_PASSWORD, postJson, randomClientIp, uniqueEmail } from "./helpers";
import { sql } from "./mail-helpers";

async function register(email: string, password = GOOD_PASSWORD): Promise<Response> {
  return postJson("/v1/register", { email, password });
}

describe("POST /v1/register", () => {
  it("creates a user and answers 201 with its public fields only", async () => {
    const email = uniqueEmail();
    const res = await register(`  ${email}  `);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { user: Record<string, string> };
    expect(Object.keys(body.user).sort()).toEqual(["created_at", "email", "email_verified", "id"]);
    expect(body.user.email).toBe(email);
    expect(body.user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(body.user.created_at as string))).toBe(false);
  });

  it("stores an argon2id PHC hash with the configured parameters and a pepper id", async () => {
    const email = uniqueEmail();
    await register(email);
    const { neon } = await import("@neondatabase/serverless");
    const { registerLocalBridge } = await import("../../src/adapters/postgres/client");
    registerLocalBridge(env.DATABASE_URL, env.NEON_FETCH_ENDPOINT);
    const rows = await neon(
      env.DATABASE_URL,
    )`select password_hash from users where email = ${email}`;
    const hash = rows[0]?.password_hash as string;
    expect(hash).toMatch(
      new RegExp(
        `^\\$argon2id\\$v=19\\$m=${env.ARGON2_MEMORY_KIB},t=${env.ARGON2_ITERATIONS},p=${env.ARGON2_PARALLELISM}(,keyid=[\\w-]+)?\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$`,
      ),
    );
    expect(hash).not.toContain(GOOD_PASSWORD);
  });

  it("peppers new hashes with PASSWORD_PEPPER's first key and names it in the hash", async () => {
    const peppered = { PASSWORD_PEPPER: `p1:${btoa("k".repeat(32))}` };
    const email = uniqueEmail("pepper");
    const send = (overrides: Record<string, string>, path: string) =>
      callWithEnv(overrides, path, {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": randomClientIp() },
        body: JSON.stringify({ email, password: GOOD_PASSWORD }),
      });
    expect((await send(peppered, "/v1/register")).status).toBe(201);
    const [row] = await sql()`select password_hash from users where email = ${email}`;
    expect(row?.password_hash).toMatch(/,keyid=p1\$/);
    expect((await send(peppered, "/v1/login")).status).toBe(200);
    // Without the pepper the same password does not verify: the key is part of the hash.
    expect((await send({}, "/v1/login")).status).toBe(401);
  });

  it("answers 409 email_taken for the same email in another case or with spaces", async () => {
    const email = uniqueEmail("Case");
    expect((await register(email)).status).toBe(201);
    const res = await register(`  ${email.toUpperCase()} `);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: "email_taken",
      error_description: expect.any(String),
    });
  });

  it("lets exactly one of 8 concurrent registrations of one email win", async () => {
    const email = uniqueEmail("race");
    const statuses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        register(i % 2 ? email.toUpperCase() : email).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
  });

  it.each([
    ["missing password", { email: "a@example.test" }],
    ["missing email", { password: GOOD_PASSWORD }],
    ["email not a string", { email: 42, password: GOOD_PASSWORD }],
    ["email without @", { email: "not-an-email", password: GOOD_PASSWORD }],
    ["password not a string", { email: "b@example.test", password: ["x"] }],
    ["body an array", [1, 2]],
    ["body null", null],
  ])("rejects %s with 400 invalid_request", async (_name, body) => {
    const res = await postJson("/v1/register", body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string; error_description: string };
    expect(json.error).toBe("invalid_request");
    expect(json.error_description.length).toBeGreaterThan(0);
  });

  it("rejects malformed JSON with 400 and other media types with 415", async () => {
    expect((await postJson("/v1/register", "{not json")).status).toBe(400);
    const res = await postJson("/v1/register", "email=a", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: string }).error).toBe("unsupported_media_type");
  });

  it("rejects an oversized body with 413, declared or streamed without a length", async () => {
    const body = JSON.stringify({
      email: uniqueEmail(),
      password: GOOD_PASSWORD,
      pad: "x".repeat(20_000),
    });
    expect((await postJson("/v1/register", body)).status).toBe(413);
    const streamed = await call("/v1/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new Blob([body]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: string }).error).toBe("payload_too_large");
  });

  it("enforces the minimum length in code points (15 by default) and writes nothing", async () => {
    const email = uniqueEmail("short");
    const res = await register(email, "fourteen-chars");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_description: string }).error_description).toContain(
      "at least 15",
    );
    // Nothing half-written: the same email registers afterwards.
    expect((await register(email)).status).toBe(201);
  });

  it("counts characters, not bytes: 15 emoji are a valid password", async () => {
    expect((await register(uniqueEmail("emoji"), "🔑".repeat(15))).status).toBe(201);
  });

  it("accepts 64 characters and more, with spaces and any symbols, and no composition rules", async () => {
    expect((await register(uniqueEmail("long"), "a".repeat(64))).status).toBe(201);
    expect((await register(uniqueEmail("long"), " spaces are fine ~!@#$%^&*()_+ ")).status).toBe(
      201,
    );
  });

  it("rejects passwords over 1 KiB of UTF-8 (hashing DoS bound)", async () => {
    expect((await register(uniqueEmail(), "a".repeat(1024))).status).toBe(201);
    const res = await register(uniqueEmail(), "a".repeat(1025));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_description: string }).error_description).toContain(
      "1024 bytes",
    );
  });
});

describe("POST /v1/login", () => {
  it("returns a bearer access token for the right password", async () => {
    const email = uniqueEmail();
    await register(email);
    const res = await postJson("/v1/login", {
      email: email.toUpperCase(),
      password: GOOD_PASSWORD,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 900,
      // <family id>.<secret>.<user id>
      refresh_token: expect.stringMatching(
        /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      ),
      refresh_expires_in: 30 * 86_400,
    });
  });

  it("gives an unknown email and a wrong password the identical 401", async () => {
    const email = uniqueEmail();
    await register(email);
    const wrong = await postJson("/v1/login", { email, password: `${GOOD_PASSWORD}!` });
    const unknown = await postJson("/v1/login", {
      email: uniqueEmail("ghost"),
      password: GOOD_PASSWORD,
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await wrong.json(), await unknown.json()];
    expect(a).toEqual({
      error: "invalid_credentials",
      error_description: "email or password is incorrect",
    });
    expect(b).toEqual(a);
    expect([...wrong.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());
  });

  it("normalizes with NFKC: a full-width password logs in with its ASCII form", async () => {
    const email = uniqueEmail("nfkc");
    const fullWidth = "ｃｏｒｒｅｃｔ ｈｏｒｓｅ ｂａｔｔｅｒｙ";
    expect((await register(email, fullWidth)).status).toBe(201);
    const res = await postJson("/v1/login", { email, password: "correct horse battery" });
    expect(res.status).toBe(200);
  });

  it("still accepts an existing password shorter than today's minimum", async () => {
    // The minimum applies to new passwords only (NIST 800-63B §3.1.1.2): an
    // account made when the minimum was 10 still logs in under today's 15.
    const email = uniqueEmail();
    const password = "qz7 vk2 wp9";
    const made = await callWithEnv({ PASSWORD_MIN_LENGTH: "10" }, "/v1/register", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": randomClientIp() },
      body: JSON.stringify({ email, password }),
    });
    expect(made.status).toBe(201);
    expect((await postJson("/v1/register", { email: uniqueEmail(), password })).status).toBe(400);
    expect((await postJson("/v1/login", { email, password })).status).toBe(200);
  });

  it("rejects a 2 KiB password before hashing with 400", async () => {
    const res = await postJson("/v1/login", { email: uniqueEmail(), password: "b".repeat(2048) });
    expect(res.status).toBe(400);
  });

  it("rejects malformed bodies with 400", async () => {
    expect((await postJson("/v1/login", { email: "x" })).status).toBe(400);
    expect((await postJson("/v1/login", "[]")).status).toBe(400);
  });
});
