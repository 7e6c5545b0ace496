// Lazy migration end to end: hashes made by other implementations import, log
// in, and are replaced by argon2id; a concurrent password change wins.
import { describe, expect, it } from "vitest";
import { createPostgresUserStore } from "../../src/adapters/postgres/user-store";
import { createPostgresRecoveryStore } from "../../src/features/email/adapters/recovery-store";
import users from "../fixtures/legacy/users.json";
import {
  callWithEnv,
  GOOD_PASSWORD,
  loginWith,
  postJson,
  randomClientIp,
  uniqueEmail,
} from "./helpers";
import { CURRENT_ARGON2, importRecords, sql, stored, testDb } from "./legacy-helpers";

type Fixture = (typeof users)[number];

async function importFixture(u: Fixture, tag = "legacy"): Promise<string> {
  const email = uniqueEmail(tag);
  const { password_hash, password_salt } = u as Fixture & { password_salt?: string };
  const report = await importRecords("/v1/admin/users/import", [
    { email, password_hash, ...(password_salt ? { password_salt } : {}) },
  ]);
  expect(report.results[0]).toMatchObject({ status: "created" });
  return email;
}

describe("hashes from other implementations import, log in, and become argon2id", () => {
  it.each(users.map((u) => [u.name, u] as const))("%s", async (_name, u) => {
    const email = await importFixture(u);
    const legacy = await stored(email);
    expect(legacy.password_hash).not.toMatch(CURRENT_ARGON2);

    // The variants the monolith refused are refused, and leave the hash alone.
    for (const variant of u.rejects ?? [])
      expect((await loginWith(email, variant)).status).toBe(401);
    expect((await loginWith(email, `!${u.password}`)).status).toBe(401);
    expect(await stored(email)).toEqual(legacy);

    expect((await loginWith(email, u.password)).status).toBe(200);
    const upgraded = await stored(email);
    expect(upgraded.password_hash).toMatch(CURRENT_ARGON2);
    expect(upgraded.salt).toBeNull();

    // From now on it is an ordinary account.
    expect((await loginWith(email, u.password)).status).toBe(200);
    expect((await loginWith(email, `!${u.password}`)).status).toBe(401);
    expect((await stored(email)).password_hash).toBe(upgraded.password_hash);
  });

  it("accepts what the monolith's bcrypt accepted past byte 72, and keeps what was typed", async () => {
    const long = users.find((u) => u.also_accepts) as Fixture & { also_accepts: string[] };
    const variant = long.also_accepts[0] as string;
    const email = await importFixture(long, "trunc");
    expect((await loginWith(email, variant)).status).toBe(200);
    // The full password as typed at migration is the password from now on.
    expect((await stored(email)).password_hash).toMatch(CURRENT_ARGON2);
    expect((await loginWith(email, variant)).status).toBe(200);
    expect((await loginWith(email, long.password)).status).toBe(401);
  });

  it("checks the password as typed, then re-hashes its NFKC form", async () => {
    const fullwidth = users.find((u) => u.nfkc) as Fixture & { nfkc: string };
    const email = await importFixture(fullwidth, "nfkc");
    expect((await loginWith(email, fullwidth.nfkc)).status).toBe(401);
    expect((await loginWith(email, fullwidth.password)).status).toBe(200);
    // Every later login normalizes, so both spellings are now the same password.
    expect((await loginWith(email, fullwidth.nfkc)).status).toBe(200);
    expect((await loginWith(email, fullwidth.password)).status).toBe(200);
  });

  it("never verifies a password containing NUL, even past bcrypt's 72 bytes", async () => {
    const long = users.find((u) => u.also_accepts) as Fixture;
    const email = await importFixture(long, "nul");
    expect((await loginWith(email, `${long.password}\u0000`)).status).toBe(401);
    expect((await stored(email)).password_hash).not.toMatch(CURRENT_ARGON2);
    expect((await loginWith(email, long.password)).status).toBe(200);
  });

  it("lets two concurrent logins of one legacy user both succeed; one upgrade lands", async () => {
    const u = users.find((x) => x.password_hash.startsWith("$2a$")) as Fixture;
    const email = await importFixture(u, "twice");
    const statuses = await Promise.all([
      loginWith(email, u.password),
      loginWith(email, u.password),
    ]);
    expect(statuses.map((r) => r.status)).toEqual([200, 200]);
    expect((await stored(email)).password_hash).toMatch(CURRENT_ARGON2);
  });
});

describe("stored hashes no login can use fail cleanly (401, never 500)", () => {
  const bcrypt = users.find((u) => u.password_hash.startsWith("$2b$10$")) as Fixture;
  it.each([
    ["$2x$", `$2x$${bcrypt.password_hash.slice(4)}`],
    ["bcrypt cost 20", `$2b$20$${bcrypt.password_hash.slice(7)}`],
    [
      "pbkdf2 with 99,999,999 iterations",
      "pbkdf2_sha256$99999999$salt$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    ],
    ["a truncated pbkdf2 hash", "pbkdf2_sha256$$$"],
    [
      "argon2 asking for 4 GiB",
      "argon2$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
    ],
    ["an unknown format", "sha1$abc$def"],
  ])("%s", async (_name, hash) => {
    const email = await importFixture(bcrypt, "broken");
    // Written around the importer, as a bad migration script might.
    await sql`update users set password_hash = ${hash} where lower(email) = lower(${email})`;
    const res = await loginWith(email, bcrypt.password);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: "invalid_credentials",
      error_description: expect.any(String),
    });
    expect((await stored(email)).password_hash).toBe(hash);
  });
});

describe("compare-and-swap of the password hash (real Postgres)", () => {
  it("a password change that commits before the swap wins: nothing is overwritten", async () => {
    const u = users.find((x) => x.password_hash.startsWith("$2y$")) as Fixture;
    const email = await importFixture(u, "cas");
    const before = await stored(email);
    // The concurrent change: the user sets a new password between our check and our swap.
    const other = uniqueEmail("donor");
    await postJson("/v1/register", { email: other, password: GOOD_PASSWORD });
    const changed = (await stored(other)).password_hash;
    await sql`update users set password_hash = ${changed} where id = ${before.id}`;

    const store = createPostgresUserStore(testDb());
    const replace = store.replacePasswordHash?.bind(store);
    expect(await replace?.(before.id, before.password_hash, "$argon2id$not-this")).toBe(false);
    expect((await stored(email)).password_hash).toBe(changed);
    // And the old legacy password is simply wrong now.
    expect((await loginWith(email, u.password)).status).toBe(401);
    expect((await loginWith(email, GOOD_PASSWORD)).status).toBe(200);
  });

  it("swaps the hash and drops the salt row in one statement when nothing changed", async () => {
    const u = users.find((x) => "password_salt" in x) as Fixture;
    const email = await importFixture(u, "swap");
    const before = await stored(email);
    expect(before.salt).not.toBeNull();
    const store = createPostgresUserStore(testDb());
    const replace = store.replacePasswordHash?.bind(store);
    expect(await replace?.(before.id, before.password_hash, "$argon2id$replacement")).toBe(true);
    expect(await stored(email)).toEqual({
      id: before.id,
      password_hash: "$argon2id$replacement",
      salt: null,
    });
    // The same swap again finds a different hash: a no-op.
    expect(await replace?.(before.id, before.password_hash, "$argon2id$again")).toBe(false);
    expect((await stored(email)).password_hash).toBe("$argon2id$replacement");
  });
});

describe("a foreign hash's salt", () => {
  // It belongs to the hash: once a password is set another way, a salt row
  // left behind would be kept (and counted) for nothing.
  it("is dropped with the hash by a password change and by a reset", async () => {
    const u = users.find((x) => "password_salt" in x) as Fixture;
    const db = testDb();

    const changed = await stored(await importFixture(u, "salt-change"));
    expect(changed.salt).not.toBeNull();
    await createPostgresUserStore(db).setPassword(changed.id, "$argon2id$changed");
    expect(await saltOf(changed.id)).toBeNull();

    const resetEmail = await importFixture(u, "salt-reset");
    const reset = await stored(resetEmail);
    expect(reset.salt).not.toBeNull();
    const tokens = createPostgresRecoveryStore(db);
    const tokenHash = `salt-reset-${crypto.randomUUID()}`;
    await tokens.insertReset({
      tokenHash,
      userId: reset.id,
      email: resetEmail,
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect(await tokens.consumeReset(tokenHash, "$argon2id$reset")).toMatchObject({
      userId: reset.id,
    });
    expect(await saltOf(reset.id)).toBeNull();
  });
});

async function saltOf(userId: string): Promise<string | null> {
  const rows = await sql`select salt from legacy_password_salts where user_id = ${userId}`;
  return (rows[0]?.salt as string | undefined) ?? null;
}

describe("our own argon2id hashes with outdated parameters", () => {
  it("are re-hashed under the current parameters at the next login", async () => {
    const email = uniqueEmail("params");
    expect((await postJson("/v1/register", { email, password: GOOD_PASSWORD })).status).toBe(201);
    const login = (overrides: Record<string, string>) =>
      callWithEnv(overrides, "/v1/login", {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": randomClientIp() },
        body: JSON.stringify({ email, password: GOOD_PASSWORD }),
      });
    // The operator raises the cost: the next login upgrades the stored hash.
    expect((await login({ ARGON2_ITERATIONS: "3" })).status).toBe(200);
    expect((await stored(email)).password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=3,p=1/);
    expect((await loginWith(email, GOOD_PASSWORD)).status).toBe(200);
    expect((await stored(email)).password_hash).toMatch(CURRENT_ARGON2);
  });
});
