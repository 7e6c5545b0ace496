import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { neon } from "@neondatabase/serverless";
import { describe, expect, it } from "vitest";
import { registerLocalBridge } from "../../src/adapters/postgres/client";
import { LISTED_USE_GRANULARITY_MS } from "../../src/auth/sessions";
import { postJson } from "./helpers";
import {
  expectInvalidGrant,
  familyOf,
  familySql,
  familyStub,
  login,
  me,
  newUser,
  refresh,
  type TokenPair,
} from "./session-helpers";

async function rotate(token: string): Promise<TokenPair> {
  const res = await refresh(token);
  expect(res.status).toBe(200);
  return (await res.json()) as TokenPair;
}

describe("POST /v1/token/refresh", () => {
  it("rotates: a new pair in the same family, with no-store", async () => {
    const user = await newUser();
    const first = await login(user.email);
    const res = await refresh(first.refresh_token);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const next = (await res.json()) as TokenPair;
    expect(next.refresh_token).not.toBe(first.refresh_token);
    expect(familyOf(next.refresh_token)).toBe(familyOf(first.refresh_token));
    expect(next.refresh_expires_in).toBeLessThanOrEqual(first.refresh_expires_in);
    expect((await me(next.access_token)).status).toBe(200);
  });

  it("keeps the family's absolute lifetime: a rotation does not extend it (no sliding)", async () => {
    const user = await newUser();
    const first = await login(user.email);
    const day = 86_400;
    await familySql(
      first.refresh_token,
      "UPDATE family SET expires_at = expires_at - ?",
      day * 1000,
    );
    const next = await rotate(first.refresh_token);
    expect(
      Math.abs(next.refresh_expires_in - (first.refresh_expires_in - day)),
    ).toBeLessThanOrEqual(5);
  });

  it("answers an honest retry of the previous token with the same successor", async () => {
    const user = await newUser();
    const first = await login(user.email);
    const a = await rotate(first.refresh_token);
    const b = await rotate(first.refresh_token);
    expect(b.refresh_token).toBe(a.refresh_token);
    expect(b.access_token).toBe(a.access_token);
    const [row] = await familySql<{ retries: number }>(
      first.refresh_token,
      "SELECT retries FROM tokens WHERE generation = 1",
    );
    expect(row?.retries).toBe(1);
  });

  it("gives 50 concurrent refreshes of one token one successor, never two", async () => {
    const user = await newUser("race");
    const first = await login(user.email);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => refresh(first.refresh_token)),
    );
    const ok = await Promise.all(
      responses.filter((r) => r.status === 200).map((r) => r.json() as Promise<TokenPair>),
    );
    const failed = responses.filter((r) => r.status !== 200);
    for (const r of failed) await expectInvalidGrant(r);
    expect(ok.length).toBeGreaterThan(0);
    expect(new Set(ok.map((p) => p.refresh_token)).size).toBe(1);
    expect(new Set(ok.map((p) => p.access_token)).size).toBe(1);
    // Exactly one rotation happened: generation 2 is current, nothing beyond it.
    const rows = await familySql<{ generation: number }>(
      first.refresh_token,
      "SELECT generation FROM tokens ORDER BY generation",
    );
    expect(rows.map((r) => r.generation)).toEqual([1, 2]);
    // And the one successor is live.
    expect((await refresh((ok[0] as TokenPair).refresh_token)).status).toBe(200);
  });

  it("treats the previous token after its successor was used as reuse: the family dies", async () => {
    const user = await newUser();
    const first = await login(user.email);
    const second = await rotate(first.refresh_token);
    const third = await rotate(second.refresh_token);
    await expectInvalidGrant(await refresh(first.refresh_token));
    // The thief's reuse killed the owner's latest tokens too.
    await expectInvalidGrant(await refresh(third.refresh_token));
    expect((await me(third.access_token)).status).toBe(401);
  });

  it("treats the previous token after the grace window as reuse", async () => {
    const user = await newUser();
    const first = await login(user.email);
    const second = await rotate(first.refresh_token);
    // Move the rotation 11 s into the past (the window is 10 s).
    await familySql(
      first.refresh_token,
      "UPDATE tokens SET rotated_at = rotated_at - 11000 WHERE generation = 1",
    );
    await expectInvalidGrant(await refresh(first.refresh_token));
    await expectInvalidGrant(await refresh(second.refresh_token));
    expect((await me(second.access_token)).status).toBe(401);
    const [family] = await familySql<{ revoke_reason: string }>(
      first.refresh_token,
      "SELECT revoke_reason FROM family",
    );
    expect(family?.revoke_reason).toBe("reuse");
  });

  it("does not let an unknown secret for a real family revoke it", async () => {
    const user = await newUser();
    const first = await login(user.email);
    const forged = `${familyOf(first.refresh_token)}.${"A".repeat(43)}`;
    await expectInvalidGrant(await refresh(forged));
    expect((await refresh(first.refresh_token)).status).toBe(200);
  });

  it("a made-up family id leaves no storage behind, for a refresh or a logout", async () => {
    for (const path of ["/v1/token/refresh", "/v1/logout"]) {
      const familyId = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))
        .replaceAll("+", "-")
        .replaceAll("/", "_")
        .replace(/=+$/, "");
      const token = `${familyId}.${"C".repeat(43)}`;
      const res = await postJson(path, { refresh_token: token });
      expect([400, 204]).toContain(res.status);
      const tables = await runInDurableObject(familyStub(token), (_instance, state) =>
        state.storage.sql
          .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
          .toArray()
          .map((t) => t.name)
          .filter((name) => !name.startsWith("_cf_")),
      );
      expect(tables, path).toEqual([]);
    }
  });

  it.each([
    ["garbage", "not-a-token"],
    ["an unknown family", `${"B".repeat(22)}.${"C".repeat(43)}`],
    ["an empty string", ""],
  ])("answers invalid_grant for %s", async (_name, token) => {
    await expectInvalidGrant(await postJson("/v1/token/refresh", { refresh_token: token }));
  });

  it.each([
    ["no token", {}],
    ["a number", { refresh_token: 42 }],
  ])("answers invalid_request (RFC 6749 §5.2) for %s", async (_name, body) => {
    const res = await postJson("/v1/token/refresh", body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_request");
  });

  it("refuses an expired family", async () => {
    const user = await newUser();
    const first = await login(user.email);
    await familySql(first.refresh_token, "UPDATE family SET expires_at = ?", Date.now() - 1);
    await expectInvalidGrant(await refresh(first.refresh_token));
  });
});

describe("storage of refresh tokens", () => {
  it("keeps only hashes of secrets in the Durable Object and nothing in Postgres", async () => {
    const user = await newUser();
    const first = await login(user.email);
    const second = await rotate(first.refresh_token);
    const secrets = [first.refresh_token, second.refresh_token].map(
      (t) => t.split(".")[1] as string,
    );
    const dump = await runInDurableObject(familyStub(first.refresh_token), (_i, state) =>
      JSON.stringify([
        state.storage.sql.exec("SELECT * FROM family").toArray(),
        state.storage.sql.exec("SELECT * FROM tokens").toArray(),
      ]),
    );
    for (const secret of secrets) expect(dump).not.toContain(secret);
    registerLocalBridge(env.DATABASE_URL, env.NEON_FETCH_ENDPOINT);
    const rows = await neon(
      env.DATABASE_URL,
    )`select * from refresh_families where id = ${familyOf(first.refresh_token)}`;
    expect(rows).toHaveLength(1);
    for (const secret of secrets) expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it("seals the successor so that only the rotated token opens it", async () => {
    const user = await newUser();
    const first = await login(user.email);
    const second = await rotate(first.refresh_token);
    const [row] = await familySql<{ successor_box: string }>(
      first.refresh_token,
      "SELECT successor_box FROM tokens WHERE generation = 1",
    );
    expect(row?.successor_box).toMatch(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(row?.successor_box).not.toContain(second.refresh_token.split(".")[1]);
    const { openSuccessor } = await import("../../src/auth/refresh/successor-box");
    const fam = familyOf(first.refresh_token);
    expect(await openSuccessor("x".repeat(43), fam, row?.successor_box as string)).toBeNull();
    const opened = await openSuccessor(
      first.refresh_token.split(".")[1] as string,
      fam,
      row?.successor_box as string,
    );
    expect(opened?.refreshToken).toBe(second.refresh_token);
  });

  it("wipes the sealed successor once the grace window has passed", async () => {
    const user = await newUser();
    const first = await login(user.email);
    await rotate(first.refresh_token);
    await familySql(
      first.refresh_token,
      "UPDATE tokens SET rotated_at = rotated_at - 11000 WHERE generation = 1",
    );
    expect(await runDurableObjectAlarm(familyStub(first.refresh_token))).toBe(true);
    const [row] = await familySql<{ successor_box: string | null }>(
      first.refresh_token,
      "SELECT successor_box FROM tokens WHERE generation = 1",
    );
    expect(row?.successor_box).toBeNull();
  });

  it("wipes successors through the partial index: reads the boxed rows, never every spent token", async () => {
    const user = await newUser();
    const first = await login(user.email);
    let current = first.refresh_token;
    for (let i = 0; i < 30; i++) current = (await rotate(current)).refresh_token;
    const wipe =
      "UPDATE tokens SET successor_box = NULL WHERE rotated_at < ? AND successor_box IS NOT NULL";
    const plan = await familySql<{ detail: string }>(current, `EXPLAIN QUERY PLAN ${wipe}`, 0);
    expect(plan.map((p) => p.detail).join("\n")).toMatch(/USING INDEX tokens_boxed/);
    // SQLite's own count (what storage bills), once nothing is boxed any more:
    // a couple of index reads with the index, every spent token without it.
    const rowsRead = await runInDurableObject(familyStub(current), (_i, state) => {
      const cutoff = Date.now() + 60_000;
      const run = () => {
        const cursor = state.storage.sql.exec(wipe, cutoff);
        cursor.toArray();
        return cursor.rowsRead;
      };
      run();
      const indexed = run();
      state.storage.sql.exec("DROP INDEX tokens_boxed");
      const scanned = run();
      return { indexed, scanned };
    });
    expect(rowsRead.indexed).toBeLessThanOrEqual(2);
    expect(rowsRead.scanned).toBeGreaterThanOrEqual(31);
  });

  it("deletes the family's storage with its alarm once the family has expired", async () => {
    const user = await newUser();
    const first = await login(user.email);
    await familySql(first.refresh_token, "UPDATE family SET expires_at = ?", Date.now() - 1);
    expect(await runDurableObjectAlarm(familyStub(first.refresh_token))).toBe(true);
    const tables = await runInDurableObject(familyStub(first.refresh_token), (_i, state) =>
      state.storage.sql
        .exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('family','tokens')")
        .toArray(),
    );
    expect(tables).toEqual([]);
  });

  // Regression: the live object queried the tables deleteAll() had dropped, so a
  // refresh answered 500 server_error and a logout 500.
  it("answers a refresh and a logout after that deletion as for any dead family", async () => {
    const user = await newUser();
    const first = await login(user.email);
    await familySql(first.refresh_token, "UPDATE family SET expires_at = ?", Date.now() - 1);
    expect(await runDurableObjectAlarm(familyStub(first.refresh_token))).toBe(true);
    await expectInvalidGrant(await refresh(first.refresh_token));
    const logout = await postJson("/v1/logout", { refresh_token: first.refresh_token });
    expect(logout.status).toBe(204);
  });
});

describe("a session's listed last use (Postgres)", () => {
  const HOUR = LISTED_USE_GRANULARITY_MS;

  async function listedLastUse(refreshToken: string): Promise<number> {
    registerLocalBridge(env.DATABASE_URL, env.NEON_FETCH_ENDPOINT);
    const [row] = await neon(env.DATABASE_URL)`
      select last_used_at from refresh_families where id = ${familyOf(refreshToken)}`;
    return new Date(row?.last_used_at as string).getTime();
  }

  it("is not rewritten by a rotation in the same hour as the family's last use", async () => {
    // Keep clear of an hour boundary, so "the same hour" holds for the whole test.
    const toBoundary = HOUR - (Date.now() % HOUR);
    if (toBoundary < 10_000) await new Promise((r) => setTimeout(r, toBoundary + 100));
    const user = await newUser();
    const first = await login(user.email);
    const atLogin = await listedLastUse(first.refresh_token);
    const second = await rotate(first.refresh_token);
    await rotate(second.refresh_token);
    expect(await listedLastUse(first.refresh_token)).toBe(atLogin);
  }, 20_000);

  it("is written by the first rotation after the family's last use in an earlier hour", async () => {
    const user = await newUser();
    const first = await login(user.email);
    const atLogin = await listedLastUse(first.refresh_token);
    await familySql(
      first.refresh_token,
      "UPDATE family SET last_used_at = ?",
      Date.now() - 2 * HOUR,
    );
    const before = Date.now();
    const second = await rotate(first.refresh_token);
    const touched = await listedLastUse(first.refresh_token);
    expect(touched).toBeGreaterThan(atLogin);
    expect(touched).toBeGreaterThanOrEqual(before);
    // The object recorded that use, so the next rotation in this hour writes nothing.
    await rotate(second.refresh_token);
    expect(await listedLastUse(first.refresh_token)).toBe(touched);
  });
});
