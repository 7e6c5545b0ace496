// Grandfathered sessions of the monolith: imported as key hashes, each traded
// once for a normal token pair, until min(expiry, cutover + window).
import { describe, expect, it } from "vitest";
import sessions from "../fixtures/legacy/sessions.json";
import users from "../fixtures/legacy/users.json";
import {
  call,
  callWithEnv,
  GOOD_PASSWORD,
  loginWith,
  postJson,
  randomClientIp,
  uniqueEmail,
} from "./helpers";
import { importRecords, newImportedUser, postImport, sql } from "./legacy-helpers";
import { me, type TokenPair } from "./session-helpers";

const ORIGIN = "https://app.example.test";
const inADay = () => new Date(Date.now() + 86_400_000).toISOString();

/** A fresh Django-style session key (32 of [a-z0-9]) and its SHA-256, as the monolith exports it. */
async function newLegacySession(email: string, expiresAt = inADay()): Promise<string> {
  const key = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) =>
    "abcdefghijklmnopqrstuvwxyz0123456789".charAt(b % 36),
  ).join("");
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)),
  );
  const hash = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  const report = await importRecords("/v1/admin/legacy-sessions/import", [
    { session_key_sha256: hash, email, expires_at: expiresAt },
  ]);
  expect(report.results[0]).toMatchObject({ status: "created" });
  return key;
}

const exchange = (sessionKey: string, headers: Record<string, string> = {}) =>
  postJson("/v1/legacy/exchange", { session_key: sessionKey }, headers);

describe("POST /v1/legacy/exchange", () => {
  // A user who arrives by exchange has never logged in here: the stored hash is
  // still the monolith's, with its salt in a separate row. Re-authentication
  // (by user id) must read that salt as login (by email) does.
  it("leaves a user whose hash kept its salt apart able to change the password", async () => {
    const salted = users.find((u) => "password_salt" in u) as (typeof users)[number] & {
      password_salt: string;
    };
    const email = uniqueEmail("salted-exchange");
    const report = await importRecords("/v1/admin/users/import", [
      { email, password_hash: salted.password_hash, password_salt: salted.password_salt },
    ]);
    expect(report.results[0]).toMatchObject({ status: "created" });
    const pair = (await (await exchange(await newLegacySession(email))).json()) as TokenPair;
    const res = await postJson(
      "/v1/password/change",
      { current_password: salted.password, new_password: GOOD_PASSWORD },
      { authorization: `Bearer ${pair.access_token}` },
    );
    expect(res.status).toBe(204);
    expect((await loginWith(email, GOOD_PASSWORD)).status).toBe(200);
  });

  it("trades a legacy session for a working token pair, once", async () => {
    const user = await newImportedUser("legacy-sess");
    const key = await newLegacySession(user.email);
    const res = await exchange(key);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const pair = (await res.json()) as TokenPair;
    expect(pair.refresh_token).toEqual(expect.any(String));
    const whoami = await me(pair.access_token);
    expect(whoami.status).toBe(200);
    expect(((await whoami.json()) as { id: string }).id).toBe(user.id);

    const again = await exchange(key);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      error: "invalid_grant",
      error_description: expect.any(String),
    });
  });

  it("lets exactly one of 8 concurrent exchanges of one session win", async () => {
    const user = await newImportedUser("legacy-race");
    const key = await newLegacySession(user.email);
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () => exchange(key).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(7);
  });

  it("accepts hashes Python computed (hashlib.sha256(key).hexdigest())", async () => {
    const user = await newImportedUser("legacy-py");
    const fixture = sessions[0] as { session_key: string; session_key_sha256: string };
    await importRecords("/v1/admin/legacy-sessions/import", [
      { session_key_sha256: fixture.session_key_sha256, email: user.email, expires_at: inADay() },
    ]);
    expect((await exchange(fixture.session_key)).status).toBe(200);
  });

  it("reads the monolith's cookie from an allowed origin, and refuses it from anywhere else", async () => {
    const user = await newImportedUser("legacy-cookie");
    const key = await newLegacySession(user.email);
    const viaCookie = (headers: Record<string, string>) =>
      call("/v1/legacy/exchange", {
        method: "POST",
        headers: { "content-type": "application/json", cookie: `sessionid=${key}`, ...headers },
        body: JSON.stringify({ token_transport: "cookie" }),
      });
    expect((await viaCookie({})).status).toBe(403);
    expect((await viaCookie({ origin: "https://evil.example" })).status).toBe(403);
    const res = await viaCookie({ origin: ORIGIN });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/^__Host-refresh=/);
    expect(await res.json()).not.toHaveProperty("refresh_token");
  });

  it("refuses an expired session, and an unknown one, with the same answer", async () => {
    const user = await newImportedUser("legacy-exp");
    const key = await newLegacySession(user.email);
    await sql`update legacy_sessions set expires_at = now() - interval '1 second'
      where user_id = ${user.id}`;
    const expired = await exchange(key);
    const unknown = await exchange("nosuchsessionkey0000000000000000");
    expect([expired.status, unknown.status]).toEqual([400, 400]);
    expect(await expired.json()).toEqual(await unknown.json());
  });

  it("refuses every session after cutover + window, without consuming it", async () => {
    const user = await newImportedUser("legacy-late");
    const key = await newLegacySession(user.email);
    const afterWindow = (cutover: string, window = "45") =>
      callWithEnv(
        { LEGACY_CUTOVER_AT: cutover, LEGACY_SESSION_WINDOW_DAYS: window },
        "/v1/legacy/exchange",
        {
          method: "POST",
          headers: { "content-type": "application/json", "cf-connecting-ip": randomClientIp() },
          body: JSON.stringify({ session_key: key }),
        },
      );
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
    expect((await afterWindow(daysAgo(46))).status).toBe(400);
    expect((await afterWindow(daysAgo(11), "10")).status).toBe(400);
    // Still unused: within the window it works.
    expect((await exchange(key)).status).toBe(200);
  });

  it("is off (404) without LEGACY_CUTOVER_AT", async () => {
    const res = await callWithEnv({ LEGACY_CUTOVER_AT: "" }, "/v1/legacy/exchange", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ session_key: "x" }),
    });
    expect(res.status).toBe(404);
  });

  it("needs a key: 400 without one", async () => {
    const res = await postJson("/v1/legacy/exchange", {});
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_request");
  });
});

describe("POST /v1/admin/legacy-sessions/import", () => {
  it("reports per record and is idempotent by key hash", async () => {
    const user = await newImportedUser("legacy-imp");
    const hash = "ab".repeat(32);
    const records = [
      { session_key_sha256: hash, email: user.email.toUpperCase(), expires_at: inADay() },
      { session_key_sha256: "cd".repeat(32), email: "nobody@example.test", expires_at: inADay() },
      {
        session_key_sha256: "ef".repeat(32),
        email: user.email,
        expires_at: "2020-01-01T00:00:00Z",
      },
    ];
    const first = await importRecords("/v1/admin/legacy-sessions/import", records);
    expect(first.results.map((r) => [r.status, r.reason])).toEqual([
      ["created", undefined],
      ["rejected", "unknown_user"],
      ["rejected", "expired"],
    ]);
    const second = await importRecords("/v1/admin/legacy-sessions/import", records.slice(0, 1));
    expect(second.results[0]?.status).toBe("exists");
    const rows = await sql`select user_id from legacy_sessions where key_hash = ${hash}`;
    expect(rows).toEqual([{ user_id: user.id }]);
  });

  it("requires the admin key", async () => {
    const res = await call("/v1/admin/legacy-sessions/import", {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: "{}",
    });
    expect(res.status).toBe(401);
    expect((await postImport("/v1/admin/legacy-sessions/import", [])).status).toBe(200);
  });
});
