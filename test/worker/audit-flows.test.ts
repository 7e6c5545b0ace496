// The auth flows hand their events to the audit trail. Every shard head's flush
// is held back (a head keeps an alarm that is already set), so the events can be
// read from the heads' durable buffers deterministically, then flushed.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasHeadSchema } from "../../src/features/audit/adapters/audit-head-schema";
import type { AuditRow } from "../../src/features/audit/chain";
import { shardChains } from "../../src/features/audit/shard";
import { head } from "./audit-helpers";
import { ADMIN, call, GOOD_PASSWORD, loginWith, postJson, randomClientIp } from "./helpers";
import { importRecords, sql, stored } from "./legacy-helpers";
import { login, newUser, refresh, type TokenPair } from "./session-helpers";

const chains = shardChains(Number(env.AUDIT_SHARDS));

async function holdFlushes(): Promise<void> {
  for (const chain of chains) {
    await runInDurableObject(head(chain), (_i, state) =>
      state.storage.setAlarm(Date.now() + 3_600_000),
    );
  }
}

/** Every buffered event of all heads, oldest first within each chain. */
async function buffered(): Promise<AuditRow[]> {
  const rows: AuditRow[] = [];
  for (const chain of chains) {
    // A head that never had an event has no tables at all.
    const texts = await runInDurableObject(head(chain), (_i, state) =>
      hasHeadSchema(state.storage.sql)
        ? state.storage.sql.exec<{ row: string }>("SELECT row FROM pending ORDER BY seq").toArray()
        : [],
    );
    rows.push(...texts.map((t) => JSON.parse(t.row) as AuditRow));
  }
  return rows;
}

/**
 * The buffered events that match. Requests in these tests return once their
 * waitUntil hand-offs have finished (helpers.ts `call`), so every event of the
 * requests so far is already in its head: nothing to wait for.
 */
async function eventsOf(filter: (r: AuditRow) => boolean): Promise<AuditRow[]> {
  return (await buffered()).filter(filter);
}

beforeAll(holdFlushes);
afterAll(async () => {
  for (const chain of chains) await runDurableObjectAlarm(head(chain));
});

describe("auth events reach the audit trail", () => {
  it("records login, token issue, refresh, grace retry, reuse, revocation and logout for the user", async () => {
    const user = await newUser("audited");
    const first = await login(user.email);
    const second = (await (await refresh(first.refresh_token)).json()) as TokenPair;
    await refresh(first.refresh_token); // an honest retry inside the window
    await refresh(second.refresh_token);
    await refresh(first.refresh_token); // reuse: the family dies
    const other = await login(user.email);
    await postJson("/v1/logout", { refresh_token: other.refresh_token });

    const expected = [
      "login_succeeded",
      "token_issued",
      "token_refreshed",
      "refresh_grace_retry",
      "token_refreshed",
      "refresh_reuse_detected",
      "family_revoked",
      "login_succeeded",
      "token_issued",
      "logout",
    ];
    const rows = await eventsOf((r) => r.user_id === user.id && r.type !== "register");
    expect(new Set(rows.map((r) => r.chain)).size).toBe(1); // one user, one chain
    expect(rows.map((r) => r.type).sort()).toEqual([...expected].sort());
    const reuse = rows.find((r) => r.type === "family_revoked");
    expect(reuse?.details).toEqual({ family: first.refresh_token.split(".")[0], reason: "reuse" });
    // Never a secret in the trail.
    const text = JSON.stringify(rows);
    for (const secret of [
      first.refresh_token,
      second.refresh_token,
      other.refresh_token,
      GOOD_PASSWORD,
    ]) {
      expect(text).not.toContain(secret.includes(".") ? secret.split(".")[1] : secret);
    }
  });

  it("records a failed login without the typed email, with the request's id, IP and user agent", async () => {
    const ip = randomClientIp();
    const email = `typed-${crypto.randomUUID()}@example.test`;
    const res = await postJson(
      "/v1/login",
      { email, password: "not the password at all" },
      { "cf-connecting-ip": ip, "user-agent": "audit-ua/1" },
    );
    expect(res.status).toBe(401);
    const requestId = res.headers.get("x-request-id");
    const [row] = await eventsOf((r) => r.request_id === requestId);
    expect(row).toMatchObject({
      type: "login_failed",
      user_id: null,
      ip,
      user_agent: "audit-ua/1",
      details: { reason: "invalid_credentials" },
    });
    expect(JSON.stringify(row)).not.toContain(email);
  });

  it("records every use of the admin key, refused ones included", async () => {
    const ok = await call("/v1/admin/audit/verify?chain=none", { headers: ADMIN });
    const denied = await call("/v1/admin/audit/verify", {
      headers: { authorization: `Bearer ${"b".repeat(48)}` },
    });
    expect(denied.status).toBe(401);
    for (const [res, outcome] of [
      [ok, "ok"],
      [denied, "denied"],
    ] as const) {
      const [row] = await eventsOf((r) => r.request_id === res.headers.get("x-request-id"));
      expect(row).toMatchObject({
        type: "admin_key_used",
        user_id: null,
        details: { outcome, method: "GET" },
      });
    }
  });

  it("records registration and logout-all", async () => {
    const user = await newUser("audited");
    const pair = await login(user.email);
    await call("/v1/logout-all", {
      method: "POST",
      headers: { authorization: `Bearer ${pair.access_token}` },
    });
    const rows = await eventsOf(
      (r) => r.user_id === user.id && (r.type === "register" || r.type === "logout_all"),
    );
    expect(rows.map((r) => r.type).sort()).toEqual(["logout_all", "register"]);
    expect(rows.find((r) => r.type === "logout_all")?.details).toEqual({ families: 1 });
  });
});

describe("carve-out events reach the audit trail", () => {
  it("records the import, the lazy hash upgrade and a legacy session exchange, never the hash", async () => {
    const email = `legacy-audit-${crypto.randomUUID()}@example.test`;
    const legacyHash = "$2b$10$PPdmbd1WpXKR/bemTt79X.H9I7scXJE21aiZnANZNBxF/xpbXPwry";
    const report = await importRecords("/v1/admin/users/import", [
      { email, password_hash: legacyHash },
    ]);
    expect(report.results[0]?.status).toBe("created");
    const { id } = await stored(email);
    expect((await loginWith(email, "Tr0ub4dor&3 horse")).status).toBe(200);

    const key = crypto.randomUUID().replaceAll("-", "");
    const keyHash = [
      ...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key))),
    ]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    const expires = new Date(Date.now() + 86_400_000).toISOString();
    await importRecords("/v1/admin/legacy-sessions/import", [
      { session_key_sha256: keyHash, email, expires_at: expires },
    ]);
    expect((await postJson("/v1/legacy/exchange", { session_key: key })).status).toBe(200);

    const rows = await eventsOf((r) => r.user_id === id);
    const types = rows.map((r) => r.type);
    for (const t of [
      "user_imported",
      "hash_upgraded",
      "login_succeeded",
      "legacy_session_exchanged",
    ]) {
      expect(types).toContain(t);
    }
    expect(rows.find((r) => r.type === "user_imported")?.details).toEqual({ scheme: "bcrypt" });
    expect(rows.find((r) => r.type === "hash_upgraded")?.details).toEqual({
      from: "bcrypt",
      to: "argon2id",
    });
    const issued = rows
      .filter((r) => r.type === "token_issued")
      .map((r) => (r.details as { grant: string }).grant);
    expect(issued.sort()).toEqual(["legacy_session", "password"]);
    expect(JSON.stringify(rows)).not.toContain(legacyHash.slice(7));
  });

  it("records the hash upgrade when re-authentication (email change) is what upgrades it", async () => {
    const email = `legacy-reauth-${crypto.randomUUID()}@example.test`;
    const legacyHash = "$2b$10$PPdmbd1WpXKR/bemTt79X.H9I7scXJE21aiZnANZNBxF/xpbXPwry";
    await importRecords("/v1/admin/users/import", [{ email, password_hash: legacyHash }]);
    const res = await loginWith(email, "Tr0ub4dor&3 horse");
    const { access_token } = (await res.json()) as TokenPair;
    // Back to the legacy hash, as if this session predated the migration.
    const { id } = await stored(email);
    await sql`update users set password_hash = ${legacyHash} where id = ${id}`;
    const change = await postJson(
      "/v1/email/change",
      { password: "Tr0ub4dor&3 horse", new_email: `new-${email}` },
      { authorization: `Bearer ${access_token}` },
    );
    expect(change.status).toBe(202);
    expect((await stored(email)).password_hash.startsWith("$argon2id$")).toBe(true);
    const upgrades = await eventsOf((r) => r.user_id === id && r.type === "hash_upgraded");
    expect(upgrades).toHaveLength(2);
  });

  it("records every user_imported event of a 1,200-user import", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const hash = (await import("../fixtures/legacy/users.json")).default.find((u) =>
      u.password_hash.startsWith("$2a$04$"),
    )?.password_hash;
    const records = Array.from({ length: 1200 }, (_, i) => ({
      email: `bulk-${tag}-${i}@example.test`,
      password_hash: hash,
    }));
    const report = await importRecords("/v1/admin/users/import", records);
    expect(report.summary.created).toBe(1200);
    const ids = new Set(
      (await sql`select id from users where email like ${`bulk-${tag}-%`}`).map(
        (r) => r.id as string,
      ),
    );
    const events = await eventsOf((r) => r.type === "user_imported" && ids.has(r.user_id ?? ""));
    expect(events).toHaveLength(1200);
  }, 60_000);
});
