// User administration (GET/POST/DELETE /v1/admin/users…): search without a
// table scan, the view of one account, disable and enable (a refresh or a
// sign-in racing a disable never leaves a live session once it returns),
// forced password reset, MFA reset by people, and erasure that leaves no
// address or hash in any table while the audit trail still verifies.
import { exports } from "cloudflare:workers";
import { PgDialect } from "drizzle-orm/pg-core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { userSearchStatement } from "../../src/adapters/postgres/user-directory";
import { createPostgresRoleStore } from "../../src/features/roles/adapters/role-store";
import { flush, newPrefix, record, userEvent, verify } from "./audit-helpers";
import { ADMIN, call, GOOD_PASSWORD, loginWith, postJson } from "./helpers";
import { testDb } from "./legacy-helpers";
import { sql } from "./mail-helpers";
import { bearer, enableTotp, stepStart } from "./mfa-helpers";
import { login, me, newUser, refresh, type TokenPair } from "./session-helpers";
import { appCode, auditEvents, claimsOf, oidcAccount, userByEmail } from "./social-helpers";

afterEach(() => {
  vi.useRealTimers();
});

const post = (path: string, headers: Record<string, string>) =>
  call(path, { method: "POST", headers });
const del = (path: string, headers: Record<string, string>) =>
  call(path, { method: "DELETE", headers });
const get = (path: string, headers: Record<string, string>) => call(path, { headers });

async function errorOf(res: Response): Promise<string> {
  return ((await res.json()) as { error: string }).error;
}

/** `n` audit events of this user, written to Postgres through a chain of the test's own. */
async function userChain(userId: string, n: number): Promise<string> {
  const prefix = newPrefix();
  for (let i = 1; i <= n; i++) {
    await record([userEvent(i, userId)], { prefix });
    // Distinct milliseconds, so "newest first" has one answer.
    await new Promise((r) => setTimeout(r, 2));
  }
  const chain = `${prefix}0`;
  await flush(chain);
  return chain;
}

/** A user and a fresh access token. */
async function person(tag: string) {
  const user = await newUser(tag);
  const tokens = await login(user.email);
  return { ...user, tokens, auth: bearer(tokens.access_token) };
}

/** A signed-in person holding a new role with these grants. */
async function staff(tag: string, permissions: string[]) {
  const name = `s-${crypto.randomUUID().slice(0, 8)}`;
  const created = await postJson(
    "/v1/admin/roles",
    { name, description: "support staff", permissions },
    ADMIN,
  );
  expect(created.status).toBe(201);
  const user = await newUser(tag);
  const put = await call(`/v1/admin/users/${user.id}/roles/${name}`, {
    method: "PUT",
    headers: ADMIN,
  });
  expect(put.status).toBe(204);
  const tokens = await login(user.email);
  return { ...user, tokens, auth: bearer(tokens.access_token) };
}

interface Listed {
  users: Array<{ id: string; email: string; created_at: string; disabled_at: string | null }>;
  next_cursor: string | null;
}

async function search(query: string, headers = ADMIN): Promise<Listed> {
  const res = await get(`/v1/admin/users?${query}`, headers);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Listed;
}

/** Every token a session handed out is dead: online, at /v1/me, and for a refresh. */
async function expectDead(pair: { access_token: string; refresh_token: string }) {
  expect((await me(pair.access_token)).status).toBe(401);
  expect((await exports.AuthService.verify(pair.access_token)).ok).toBe(false);
  const again = await refresh(pair.refresh_token);
  expect(again.status).toBe(400);
  expect(await errorOf(again)).toBe("invalid_grant");
}

describe("search", () => {
  it("by address prefix, in address order, page by page with the cursor", async () => {
    const tag = `srch${crypto.randomUUID().slice(0, 6)}`;
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const email = `${tag}-${i}@example.test`;
      expect((await postJson("/v1/register", { email, password: GOOD_PASSWORD })).status).toBe(201);
      made.push(email);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q = `email_prefix=${tag.toUpperCase()}&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await search(q);
      seen.push(...page.users.map((u) => u.email));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(made);
  });

  it("pages through addresses that are not ASCII (the cursor carries the address)", async () => {
    // An import may bring such addresses; written here straight to Postgres.
    const tag = `łódź${crypto.randomUUID().slice(0, 6)}`;
    for (const i of [1, 2, 3]) {
      await sql()`insert into users (id, email, password_hash)
        values (${crypto.randomUUID()}, ${`${tag}-${i}@example.test`}, null)`;
    }
    const first = await search(`email_prefix=${encodeURIComponent(tag)}&limit=2`);
    expect(first.users).toHaveLength(2);
    expect(first.next_cursor).toBeTruthy();
    const rest = await search(
      `email_prefix=${encodeURIComponent(tag)}&limit=2&cursor=${first.next_cursor}`,
    );
    expect([...first.users, ...rest.users].map((u) => u.email)).toEqual([
      `${tag}-1@example.test`,
      `${tag}-2@example.test`,
      `${tag}-3@example.test`,
    ]);
    expect(rest.next_cursor).toBeNull();
  });

  it("LIKE's wildcards in a prefix match only themselves", async () => {
    const tag = `wild${crypto.randomUUID().slice(0, 6)}`;
    await postJson("/v1/register", { email: `${tag}x@example.test`, password: GOOD_PASSWORD });
    expect((await search(`email_prefix=${tag}x`)).users).toHaveLength(1);
    expect((await search(`email_prefix=${tag}_`)).users).toHaveLength(0);
    expect((await search(`email_prefix=${tag}%25`)).users).toHaveLength(0);
  });

  it("by id, and newest first within a creation range", async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const a = await newUser("srch-range-a");
    const b = await newUser("srch-range-b");
    const to = new Date(Date.now() + 1000).toISOString();
    expect((await search(`id=${a.id}`)).users.map((u) => u.id)).toEqual([a.id]);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const q = `created_from=${from}&created_to=${to}&limit=1${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await search(q);
      ids.push(...page.users.map((u) => u.id));
      cursor = page.next_cursor;
    } while (cursor);
    // Other files' users may fall in the range too; ours come newest first.
    expect(ids.filter((id) => id === a.id || id === b.id)).toEqual([b.id, a.id]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("bad queries are 400 with a stable code, never a 500", async () => {
    for (const q of [
      "limit=0",
      "limit=101",
      "id=not-a-uuid",
      "created_from=yesterday",
      "cursor=garbage",
      `cursor=${btoa(JSON.stringify(["x", "not-a-uuid"]))}`,
      "unknown=1",
    ]) {
      const res = await get(`/v1/admin/users?${q}`, ADMIN);
      expect(res.status, q).toBe(400);
      expect(await errorOf(res), q).toBe("invalid_request");
    }
  });

  it("each form of the query is answered from an index, never a scan of users", async () => {
    // With sequential scans priced out, Postgres still picks one when no
    // index can serve the statement: a plan without one proves an index can.
    const dialect = new PgDialect();
    const cursorAfter = btoa(JSON.stringify(["2026-01-01 00:00:00+00", crypto.randomUUID()]));
    for (const query of [
      { emailPrefix: "ab", limit: 50 },
      { limit: 50 },
      { limit: 50, after: cursorAfter },
      { id: crypto.randomUUID(), limit: 50 },
      { createdFrom: new Date(0), createdTo: new Date(), limit: 50 },
    ]) {
      const { sql: text, params } = dialect.sqlToQuery(userSearchStatement(query));
      const db = sql();
      const [, plan] = await db.transaction([
        db.query("set local enable_seqscan = off"),
        db.query(`explain (format json) ${text}`, params),
      ]);
      const json = JSON.stringify(plan);
      expect(json, JSON.stringify(query)).not.toContain('"Seq Scan"');
      expect(json, JSON.stringify(query)).toMatch(/users_(email_prefix|created)_idx|users_pkey/);
    }
  });

  it("needs users:read: a person without it gets 403, one with it gets the list", async () => {
    const nobody = await person("srch-nobody");
    const res = await get("/v1/admin/users?limit=1", nobody.auth);
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toBe("forbidden");
    expect((await get("/v1/admin/users?limit=1", {})).status).toBe(401);
    const reader = await staff("srch-reader", ["users:read"]);
    expect((await search("limit=1", reader.auth)).users).toHaveLength(1);
    // Audited with who searched and how many they saw, never the query.
    const searched = (await auditEvents(["accounts_searched"])).filter(
      (e) => e.details.by === reader.id,
    );
    expect(searched.map((e) => e.details)).toEqual([{ by: reader.id, results: 1 }]);
  });
});

describe("one account", () => {
  it("shows sessions, roles, factors, identities and recent events, never a hash", async () => {
    const now = stepStart();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(now);
    const u = await person("view");
    await enableTotp(u.tokens.access_token, now);
    const reader = await staff("view-reader", ["users:read"]);
    // The view reads the trail in Postgres, by user id across every chain. The
    // default shard heads restart in every test file while Postgres keeps the
    // earlier files' rows (their flushes halt as displaced), so the user's
    // events are written through a chain of this test's own.
    await userChain(u.id, 4);
    const res = await get(`/v1/admin/users/${u.id}`, reader.auth);
    expect(res.status).toBe(200);
    const text = await res.clone().text();
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: u.id,
      email: u.email,
      disabled_at: null,
      password_set: true,
      password_reset_required: false,
      mfa: { totp: true, recovery_codes_left: 10 },
      roles: { roles: [], permissions: [] },
      identities: [],
      passkeys: [],
    });
    expect((body.sessions as Array<{ id: string }>).map((s) => s.id)).toContain(
      claimsOf(u.tokens.access_token).sid,
    );
    const events = body.recent_events as Array<{
      at: string;
      type: string;
      details: { attempt?: number; family?: string };
    }>;
    // Newest first; the account's own sign-ins may be there too, when this
    // file's shard heads could flush.
    const times = events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const ours = events.filter((e) => /^f\d$/.test(e.details.family ?? "") || e.details.attempt);
    expect(ours.map((e) => e.details.family ?? `attempt ${e.details.attempt}`)).toEqual([
      "f4",
      "attempt 3",
      "f2",
      "f1",
    ]);
    const stored = await userByEmail(u.email);
    expect(text).not.toContain(stored?.password_hash as string);
    expect(text).not.toMatch(/\$argon2|secret|code_hash/);
    const viewed = (await auditEvents(["account_viewed"])).filter((e) => e.user_id === u.id);
    expect(viewed.map((e) => e.details)).toEqual([{ by: reader.id }]);
    expect((await get(`/v1/admin/users/${crypto.randomUUID()}`, ADMIN)).status).toBe(404);
    expect((await get("/v1/admin/users/nope", ADMIN)).status).toBe(404);
  });
});

describe("disable and enable", () => {
  it("ends every session at once and blocks every sign-in with account_disabled", async () => {
    const u = await person("disable");
    const second = await login(u.email);
    const admin = await staff("disable-admin", ["users:disable"]);
    expect((await post(`/v1/admin/users/${u.id}/disable`, admin.auth)).status).toBe(204);
    await expectDead(u.tokens);
    await expectDead(second);
    const again = await loginWith(u.email, GOOD_PASSWORD);
    expect(again.status).toBe(403);
    expect(await errorOf(again)).toBe("account_disabled");
    // A wrong password still answers as a wrong password: the state is only
    // told to whoever proves the password.
    expect((await loginWith(u.email, "not the password at all")).status).toBe(401);
    const listed = await search(`id=${u.id}`);
    expect(listed.users[0]?.disabled_at).not.toBeNull();

    expect((await post(`/v1/admin/users/${u.id}/enable`, admin.auth)).status).toBe(204);
    const back = await login(u.email);
    expect((await me(back.access_token)).status).toBe(200);
    // The sessions the disable ended stay ended.
    await expectDead(second);
    const events = (await auditEvents(["account_disabled", "account_enabled"])).filter(
      (e) => e.user_id === u.id,
    );
    expect(events.map((e) => [e.type, e.details.by]).sort()).toEqual([
      ["account_disabled", admin.id],
      ["account_enabled", admin.id],
    ]);
  });

  it("a social sign-in of a disabled account is refused where its session would be written", async () => {
    const account = await oidcAccount("google");
    const first = await appCode("google", account);
    const token = await postJson("/v1/oauth/token", {
      code: first.code,
      code_verifier: first.verifier,
    });
    expect(token.status).toBe(200);
    const user = await userByEmail(account.email as string);
    expect((await post(`/v1/admin/users/${user?.id}/disable`, ADMIN)).status).toBe(204);
    const second = await appCode("google", account);
    const refused = await postJson("/v1/oauth/token", {
      code: second.code,
      code_verifier: second.verifier,
    });
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toBe("account_disabled");
    const families = (await sql()`
      select count(*)::int as n from refresh_families
      where user_id = ${user?.id} and revoked_at is null and expires_at > now()`) as Array<{
      n: number;
    }>;
    expect(families[0]?.n).toBe(0);
  });

  it("refreshes and sign-ins racing a disable never leave a live session once it returns", async () => {
    for (let round = 0; round < 4; round++) {
      const u = await person(`race-${round}`);
      const sessions: TokenPair[] = [u.tokens, await login(u.email), await login(u.email)];
      // Each session refreshes twice in a row while the disable runs; new
      // sign-ins start alongside (their password check takes a while, so they
      // reach the session write during or after the disable).
      const chains = sessions.map(async (pair) => {
        const out: TokenPair[] = [];
        let current = pair;
        for (let i = 0; i < 2; i++) {
          const res = await refresh(current.refresh_token);
          if (res.status !== 200) break;
          current = (await res.json()) as TokenPair;
          out.push(current);
        }
        return out;
      });
      const signIns = Array.from({ length: 3 }, async () => {
        const res = await loginWith(u.email, GOOD_PASSWORD);
        return res.status === 200 ? [(await res.json()) as TokenPair] : [];
      });
      const disable = (async () => {
        await new Promise((r) => setTimeout(r, round * 15));
        return post(`/v1/admin/users/${u.id}/disable`, ADMIN);
      })();
      const [disabled, ...produced] = await Promise.all([disable, ...chains, ...signIns]);
      expect(disabled.status).toBe(204);
      for (const pair of [...sessions, ...produced.flat()]) await expectDead(pair);
      const later = await loginWith(u.email, GOOD_PASSWORD);
      expect(later.status).toBe(403);
    }
  });

  it("a reset link mailed before a disable is dead after the enable (the credential epoch moved)", async () => {
    const u = await newUser("disable-link");
    expect((await postJson("/v1/password/forgot", { email: u.email })).status).toBe(202);
    const { tokenFrom, waitForMail } = await import("./mail-helpers");
    const [mail] = await waitForMail(u.email, /^Reset your password$/);
    const token = tokenFrom(mail as NonNullable<typeof mail>, "/reset-password");
    expect((await post(`/v1/admin/users/${u.id}/disable`, ADMIN)).status).toBe(204);
    expect((await post(`/v1/admin/users/${u.id}/enable`, ADMIN)).status).toBe(204);
    const reset = await postJson("/v1/password/reset", {
      token,
      password: "a passphrase the attacker chose 2026",
    });
    expect(reset.status).toBe(400);
    expect(await errorOf(reset)).toBe("invalid_token");
    expect((await loginWith(u.email, GOOD_PASSWORD)).status).toBe(200);
  });

  it("needs users:disable and a recent sign-in; the self-serve roles cannot", async () => {
    const target = await person("disable-target");
    const reader = await staff("disable-reader", ["users:read"]);
    const denied = await post(`/v1/admin/users/${target.id}/disable`, reader.auth);
    expect(denied.status).toBe(403);
    const admin = await staff("disable-stale", ["users:disable"]);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    // Still within the access token's life only if its TTL is longer; make a fresh one.
    const fresh = (await (await refresh(admin.tokens.refresh_token)).json()) as TokenPair;
    const stale = await post(`/v1/admin/users/${target.id}/disable`, bearer(fresh.access_token));
    expect(stale.status).toBe(401);
    expect(await errorOf(stale)).toBe("insufficient_user_authentication");
    vi.useRealTimers();
    expect((await me(target.tokens.access_token)).status).toBe(200);
    expect((await post(`/v1/admin/users/${crypto.randomUUID()}/disable`, ADMIN)).status).toBe(404);
  });
});

describe("forced password reset", () => {
  it("ends the sessions; the right password then answers password_reset_required until a reset", async () => {
    const u = await person("forced");
    const support = await staff("forced-support", ["users:reset"]);
    expect((await post(`/v1/admin/users/${u.id}/password-reset`, support.auth)).status).toBe(204);
    await expectDead(u.tokens);
    const right = await loginWith(u.email, GOOD_PASSWORD);
    expect(right.status).toBe(403);
    expect(await errorOf(right)).toBe("password_reset_required");
    expect((await loginWith(u.email, "a wrong password entirely")).status).toBe(401);
    // The user's way back: the forgotten-password mail.
    expect((await postJson("/v1/password/forgot", { email: u.email })).status).toBe(202);
    const { tokenFrom, waitForMail } = await import("./mail-helpers");
    const [mail] = await waitForMail(u.email, /^Reset your password$/);
    const token = tokenFrom(mail as NonNullable<typeof mail>, "/reset-password");
    const next = "an entirely new passphrase 2026";
    expect((await postJson("/v1/password/reset", { token, password: next })).status).toBe(200);
    expect((await loginWith(u.email, next)).status).toBe(200);
    const events = (await auditEvents(["password_reset_forced"])).filter((e) => e.user_id === u.id);
    expect(events.map((e) => e.details)).toEqual([{ by: support.id }]);
  });
});

describe("MFA reset by people", () => {
  it("a person with mfa:reset and a recent sign-in removes a user's second factor", async () => {
    const now = stepStart();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(now);
    const u = await person("mfa-reset");
    await enableTotp(u.tokens.access_token, now);
    const reader = await staff("mfa-reset-reader", ["users:read"]);
    expect((await del(`/v1/admin/users/${u.id}/mfa`, reader.auth)).status).toBe(403);
    const support = await staff("mfa-reset-support", ["mfa:reset"]);
    expect((await del(`/v1/admin/users/${u.id}/mfa`, support.auth)).status).toBe(204);
    const step = await postJson("/v1/login", { email: u.email, password: GOOD_PASSWORD });
    expect(((await step.json()) as Record<string, unknown>).access_token).toBeTruthy();
    const events = (await auditEvents(["mfa_reset"])).filter((e) => e.user_id === u.id);
    expect(events.map((e) => e.details)).toEqual([{ by: support.id }]);
  });
});

describe("erasure", () => {
  /** Every row of every table in the public schema, as text. */
  async function everyRow(): Promise<Array<{ table: string; row: string }>> {
    const db = sql();
    const tables = (await db`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE'`) as Array<{
      table_name: string;
    }>;
    const out: Array<{ table: string; row: string }> = [];
    for (const { table_name } of tables) {
      const rows = (await db.query(`select t::text as row from "${table_name}" t`)) as Array<{
        row: string;
      }>;
      for (const r of rows) out.push({ table: table_name, row: r.row });
    }
    return out;
  }

  it("leaves no address or hash of the account in any table, and the audit trail verifies", async () => {
    const now = stepStart();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(now);
    // A password account with everything: sessions, TOTP and recovery codes, a
    // role, a pending verification mail and a reset link.
    const u = await person("erase");
    const { recoveryCodes } = await enableTotp(u.tokens.access_token, now);
    expect(recoveryCodes).toHaveLength(10);
    const r = `e-${crypto.randomUUID().slice(0, 8)}`;
    await postJson(
      "/v1/admin/roles",
      { name: r, description: "x", permissions: ["x:read"] },
      ADMIN,
    );
    await call(`/v1/admin/users/${u.id}/roles/${r}`, { method: "PUT", headers: ADMIN });
    await postJson("/v1/password/forgot", { email: u.email });
    const { waitForMail } = await import("./mail-helpers");
    await waitForMail(u.email, /^Reset your password$/);
    // And a social account: its identity row holds the provider's address.
    const account = await oidcAccount("google");
    const code = await appCode("google", account);
    const social = await postJson("/v1/oauth/token", {
      code: code.code,
      code_verifier: code.verifier,
    });
    const socialTokens = (await social.json()) as TokenPair;
    const socialUser = await userByEmail(account.email as string);
    // A stored chain holding the account's events (the default shard heads
    // restart per test file, see above), to verify after the erasure.
    const chain = await userChain(u.id, 5);
    const trailBefore = await sql()`
      select chain_id, seq, mac from audit_events where user_id = ${u.id} order by chain_id, seq`;
    expect(trailBefore.length).toBeGreaterThanOrEqual(5);

    // What must not survive: the addresses and every hash or sealed secret
    // the account had, read before the erasure.
    const needles = [u.email, account.email as string].map((e) => e.toLowerCase());
    const owned = (await everyRow()).filter(
      (r) =>
        r.table !== "audit_events" &&
        (r.row.includes(u.id) || r.row.includes(socialUser?.id as string)),
    );
    expect(new Set(owned.map((r) => r.table))).toEqual(
      new Set([
        "users",
        "refresh_families",
        "mfa_totp",
        "mfa_recovery_codes",
        "user_roles",
        "role_versions",
        "password_reset_tokens",
        "email_verification_tokens",
        "identities",
      ]),
    );
    const hashes = owned.flatMap(
      (r) =>
        r.row.match(
          /\$argon2id\$v=\d+\$[mtp=\d,]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+|[A-Za-z0-9_-]{40,}/g,
        ) ?? [],
    );
    expect(hashes.length).toBeGreaterThan(10);

    const admin = await staff("erase-admin", ["users:delete"]);
    expect((await del(`/v1/admin/users/${u.id}`, admin.auth)).status).toBe(204);
    expect((await del(`/v1/admin/users/${socialUser?.id}`, admin.auth)).status).toBe(204);
    expect((await del(`/v1/admin/users/${u.id}`, admin.auth)).status).toBe(404);

    const left = (await everyRow()).filter(
      (r) =>
        needles.some((n) => r.row.toLowerCase().includes(n)) ||
        hashes.some((h) => r.row.includes(h)),
    );
    expect(left.map((r) => `${r.table}: ${r.row.slice(0, 160)}`)).toEqual([]);
    await expectDead(u.tokens);
    await expectDead(socialTokens);
    expect((await loginWith(u.email, GOOD_PASSWORD)).status).toBe(401);
    // The trail: the erasure is recorded, with who acted, and every chain verifies.
    const events = (await auditEvents(["account_deleted"])).filter(
      (e) => e.user_id === u.id || e.user_id === socialUser?.id,
    );
    expect(events.map((e) => e.details)).toEqual([{ by: admin.id }, { by: admin.id }]);
    const trailAfter = await sql()`
      select chain_id, seq, mac from audit_events where user_id = ${u.id} order by chain_id, seq`;
    expect(trailAfter.slice(0, trailBefore.length)).toEqual(trailBefore);
    expect(await verify(chain)).toMatchObject({ ok: true });
  });

  it("the last admin is not erased; another admin is", async () => {
    const [a, b] = await onlyAdmins("erase-last");
    const aAuth = await signedIn(a);
    expect((await del(`/v1/admin/users/${b.id}`, aAuth)).status).toBe(204);
    const last = await del(`/v1/admin/users/${a.id}`, aAuth);
    expect(last.status).toBe(409);
    expect(await errorOf(last)).toBe("last_admin");
    expect((await me(a.tokens.access_token)).status).toBe(200);
  });
});

describe("the last enabled admin", () => {
  it("is not disabled, by an admin or the key, and nothing changes", async () => {
    const [a, b] = await onlyAdmins("disable-last");
    const aAuth = await signedIn(a);
    // b disabled: a is the last enabled admin.
    expect((await post(`/v1/admin/users/${b.id}/disable`, aAuth)).status).toBe(204);
    for (const headers of [aAuth, ADMIN]) {
      const refused = await post(`/v1/admin/users/${a.id}/disable`, headers);
      expect(refused.status).toBe(409);
      expect(await errorOf(refused)).toBe("last_admin");
    }
    // Nothing was written: a's session lives on, a signs in, the row is not marked.
    expect((await me(a.tokens.access_token)).status).toBe(200);
    expect((await refresh(a.tokens.refresh_token)).status).toBe(200);
    expect((await loginWith(a.email, GOOD_PASSWORD)).status).toBe(200);
    expect(
      await sql()`select 1 from users where id = ${a.id} and disabled_at is null`,
    ).toHaveLength(1);
    const disabledEvents = (await auditEvents(["account_disabled"])).filter(
      (e) => e.user_id === a.id,
    );
    expect(disabledEvents).toEqual([]);
    // Nor does a disabled holder count when the role is taken away, or the
    // account erased.
    const removed = await del(`/v1/admin/users/${a.id}/roles/admin`, aAuth);
    expect(removed.status).toBe(409);
    expect(await errorOf(removed)).toBe("last_admin");
    const erased = await del(`/v1/admin/users/${a.id}`, ADMIN);
    expect(erased.status).toBe(409);
    expect(await errorOf(erased)).toBe("last_admin");
    // With b enabled again, either may be disabled.
    expect((await post(`/v1/admin/users/${b.id}/enable`, aAuth)).status).toBe(204);
    expect((await post(`/v1/admin/users/${a.id}/disable`, ADMIN)).status).toBe(204);
    expect(await enabledAdmins()).toEqual([b.id]);
  });

  // Admin a acts on b while b acts on a, over the routes.
  it.each([
    {
      race: "two admins disabling each other",
      tag: "disable-duel",
      aOnB: (b: string, auth: AuthHeaders) => post(`/v1/admin/users/${b}/disable`, auth),
      bOnA: (a: string, auth: AuthHeaders) => post(`/v1/admin/users/${a}/disable`, auth),
    },
    {
      race: "a disable racing the removal of the other admin's role",
      tag: "disable-remove",
      aOnB: (b: string, auth: AuthHeaders) => post(`/v1/admin/users/${b}/disable`, auth),
      bOnA: (a: string, auth: AuthHeaders) => del(`/v1/admin/users/${a}/roles/admin`, auth),
    },
  ])("$race leaves one enabled admin", async ({ tag, aOnB, bOnA }) => {
    for (let round = 0; round < 3; round++) {
      const [a, b] = await onlyAdmins(`${tag}-${round}`);
      const [aAuth, bAuth] = await Promise.all([signedIn(a), signedIn(b)]);
      const answers = await Promise.all([aOnB(b.id, aAuth), bOnA(a.id, bAuth)]);
      // The loser is refused by the guard, or, if the winner's disable ended its
      // session first, by its dead token.
      expect(answers.filter((r) => r.status === 204)).toHaveLength(1);
      expect(await enabledAdmins()).toHaveLength(1);
    }
  });

  it("holds in the store's one statement: concurrent disables and removals never leave none", async () => {
    // Straight at the adapter, so the two statements reach Postgres together
    // (over the routes, the sign-in checks before them rarely let them overlap).
    const roles = createPostgresRoleStore(testDb());
    for (let round = 0; round < 5; round++) {
      const [a, b] = await onlyAdmins(`disable-store-${round}`);
      const outcomes = await Promise.all([
        roles.disableUnlessLastAdmin(a.id),
        roles.disableUnlessLastAdmin(b.id),
      ]);
      expect(outcomes.sort()).toEqual(["disabled", "last_admin"]);
      expect(await enabledAdmins()).toHaveLength(1);

      const [c, d] = await onlyAdmins(`remove-store-${round}`);
      const [disabled, removed] = await Promise.all([
        roles.disableUnlessLastAdmin(d.id),
        roles.remove(c.id, "admin"),
      ]);
      expect([disabled === "disabled", removed === "removed"].filter(Boolean)).toHaveLength(1);
      expect(await enabledAdmins()).toHaveLength(1);
    }
  });
});

/** Two new people who are then the only holders of `admin`. */
async function onlyAdmins(tag: string) {
  const a = await person(`${tag}-a`);
  const b = await person(`${tag}-b`);
  for (const p of [a, b]) {
    expect(
      (await call(`/v1/admin/users/${p.id}/roles/admin`, { method: "PUT", headers: ADMIN })).status,
    ).toBe(204);
  }
  await sql()`delete from user_roles where role = 'admin' and user_id not in (${a.id}, ${b.id})`;
  return [a, b] as const;
}

type AuthHeaders = Record<string, string>;

/** Headers of a new sign-in (a recent authentication, as the admin changes need). */
const signedIn = async (p: { email: string }) => bearer((await login(p.email)).access_token);

/** The ids of the enabled accounts holding `admin`. */
async function enabledAdmins(): Promise<string[]> {
  const rows = (await sql()`
    select u.id from users u join user_roles r on r.user_id = u.id
    where r.role = 'admin' and u.disabled_at is null order by u.id`) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

describe("the roles version claim", () => {
  it("goes up with every change, and a refresh carries it", async () => {
    const u = await person("roles-ver");
    expect(claimsOf(u.tokens.access_token).roles_ver).toBeUndefined();
    const r = `v-${crypto.randomUUID().slice(0, 8)}`;
    await postJson(
      "/v1/admin/roles",
      { name: r, description: "x", permissions: ["v:read"] },
      ADMIN,
    );
    await call(`/v1/admin/users/${u.id}/roles/${r}`, { method: "PUT", headers: ADMIN });
    const one = (await (await refresh(u.tokens.refresh_token)).json()) as TokenPair;
    expect(claimsOf(one.access_token)).toMatchObject({ roles: [r], roles_ver: 1 });
    await call(`/v1/admin/users/${u.id}/roles/${r}`, { method: "DELETE", headers: ADMIN });
    const two = (await (await refresh(one.refresh_token)).json()) as TokenPair;
    expect(claimsOf(two.access_token)).toMatchObject({ roles: [], roles_ver: 2 });
    // A new sign-in says the same version.
    expect(claimsOf((await login(u.email)).access_token).roles_ver).toBe(2);
  });
});
