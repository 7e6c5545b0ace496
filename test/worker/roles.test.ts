// Roles and permissions: bootstrap with the admin key, assignment without
// escalation, checks at request time (a removed role stops counting at once),
// and the last admin. Each escalation attempt is a test.
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN, call } from "./helpers";
import { bearer } from "./mfa-helpers";
import { login, newUser, refresh } from "./session-helpers";
import { auditEvents, claimsOf } from "./social-helpers";

afterEach(() => {
  vi.useRealTimers();
});

const put = (path: string, headers: Record<string, string>) =>
  call(path, { method: "PUT", headers });
const del = (path: string, headers: Record<string, string>) =>
  call(path, { method: "DELETE", headers });
const postRole = (body: unknown, headers: Record<string, string>) =>
  call("/v1/admin/roles", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function errorOf(res: Response): Promise<string> {
  return ((await res.json()) as { error: string }).error;
}

/** A user and a fresh access token. */
async function person(tag: string) {
  const user = await newUser(tag);
  const tokens = await login(user.email);
  return { ...user, tokens, auth: bearer(tokens.access_token) };
}

/** A role with a unique name and these grants, made with the admin key. */
async function role(permissions: string[]): Promise<string> {
  const name = `r-${crypto.randomUUID().slice(0, 8)}`;
  const res = await postRole({ name, description: "test role", permissions }, ADMIN);
  expect(res.status).toBe(201);
  return name;
}

describe("bootstrap and checks", () => {
  it("the admin key grants the first admin, who can then manage roles as a person", async () => {
    const a = await person("roles-admin");
    expect((await put(`/v1/admin/users/${a.id}/roles/admin`, ADMIN)).status).toBe(204);
    const list = await call("/v1/admin/roles", { headers: a.auth });
    expect(list.status).toBe(200);
    const { roles } = (await list.json()) as { roles: Array<{ name: string; built_in: boolean }> };
    expect(roles.find((r) => r.name === "admin")).toMatchObject({ built_in: true });
    const events = (await auditEvents(["role_assigned"])).filter((e) => e.user_id === a.id);
    expect(events.map((e) => e.details)).toEqual([{ role: "admin", by: "admin_key" }]);
  });

  it("AuthService.authorize answers from the roles held now, with wildcards", async () => {
    const u = await person("roles-rpc");
    const reader = await role(["orders:read", "invoices:*"]);
    expect(await exports.AuthService.authorize(u.tokens.access_token, "orders:read")).toEqual({
      allowed: false,
      reason: "forbidden",
    });
    await put(`/v1/admin/users/${u.id}/roles/${reader}`, ADMIN);
    const ok = await exports.AuthService.authorize(u.tokens.access_token, "orders:read");
    expect(ok).toMatchObject({ allowed: true, roles: [reader] });
    expect(
      (await exports.AuthService.authorize(u.tokens.access_token, "invoices:void")).allowed,
    ).toBe(true);
    expect(
      (await exports.AuthService.authorize(u.tokens.access_token, "orders:write")).allowed,
    ).toBe(false);
    expect((await exports.AuthService.authorize("not-a-token", "orders:read")).allowed).toBe(false);
  });

  it("the example consumer Worker guards a route with authorize() over the binding", async () => {
    const consumer = (env as unknown as { CONSUMER: Fetcher }).CONSUMER;
    const u = await person("roles-consumer");
    const orders = () => consumer.fetch("http://consumer/orders", { headers: u.auth });
    expect((await orders()).status).toBe(403);
    const r = await role(["orders:read"]);
    await put(`/v1/admin/users/${u.id}/roles/${r}`, ADMIN);
    const ok = await orders();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ orders: [], for: u.id });
    await del(`/v1/admin/users/${u.id}/roles/${r}`, ADMIN);
    expect((await orders()).status).toBe(403);
    expect((await consumer.fetch("http://consumer/orders")).status).toBe(401);
  });

  it("a token minted before a role removal is refused online at once", async () => {
    const u = await person("roles-removed");
    const r = await role(["reports:read"]);
    await put(`/v1/admin/users/${u.id}/roles/${r}`, ADMIN);
    expect(
      (await exports.AuthService.authorize(u.tokens.access_token, "reports:read")).allowed,
    ).toBe(true);
    expect((await del(`/v1/admin/users/${u.id}/roles/${r}`, ADMIN)).status).toBe(204);
    expect(await exports.AuthService.authorize(u.tokens.access_token, "reports:read")).toEqual({
      allowed: false,
      reason: "forbidden",
    });
  });

  it("a logged-out token is refused whatever its roles", async () => {
    const u = await person("roles-logout");
    await put(`/v1/admin/users/${u.id}/roles/admin`, ADMIN);
    await call("/v1/logout-all", { method: "POST", headers: u.auth });
    expect(await exports.AuthService.authorize(u.tokens.access_token, "users:read")).toEqual({
      allowed: false,
      reason: "revoked",
    });
  });
});

describe("the roles claim", () => {
  it("a sign-in's tokens name the roles held; a change reaches the next refresh, not the tokens already issued", async () => {
    const u = await person("roles-claim");
    const r = await role(["orders:read"]);
    expect(claimsOf(u.tokens.access_token).roles).toBeUndefined();
    await put(`/v1/admin/users/${u.id}/roles/${r}`, ADMIN);
    // A new sign-in carries it.
    expect(claimsOf((await login(u.email)).access_token).roles).toEqual([r]);
    // The existing session gets it at its next refresh.
    const refreshed = (await (await refresh(u.tokens.refresh_token)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    expect(claimsOf(refreshed.access_token).roles).toEqual([r]);
    expect((await del(`/v1/admin/users/${u.id}/roles/${r}`, ADMIN)).status).toBe(204);
    const after = (await (await refresh(refreshed.refresh_token)).json()) as {
      access_token: string;
    };
    expect(claimsOf(after.access_token).roles).toEqual([]);
    // The token issued while the role was held still names it, but counts for nothing online.
    expect(claimsOf(refreshed.access_token).roles).toEqual([r]);
    expect(
      (await exports.AuthService.authorize(refreshed.access_token, "orders:read")).allowed,
    ).toBe(false);
  });
});

describe("escalation attempts", () => {
  it("a user without roles cannot give themselves one, or see the roles", async () => {
    const u = await person("roles-self");
    const res = await put(`/v1/admin/users/${u.id}/roles/admin`, u.auth);
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toBe("forbidden");
    expect((await call("/v1/admin/roles", { headers: u.auth })).status).toBe(403);
    expect((await exports.AuthService.authorize(u.tokens.access_token, "users:read")).allowed).toBe(
      false,
    );
  });

  it("a role administrator cannot grant more than it holds, to anyone or itself", async () => {
    const manager = await person("roles-manager");
    const other = await person("roles-other");
    const mgr = await role(["roles:assign", "roles:read", "orders:read"]);
    await put(`/v1/admin/users/${manager.id}/roles/${mgr}`, ADMIN);
    const within = await role(["orders:read"]);
    const beyond = await role(["orders:read", "orders:delete"]);
    expect((await put(`/v1/admin/users/${other.id}/roles/${within}`, manager.auth)).status).toBe(
      204,
    );
    for (const target of [other.id, manager.id]) {
      for (const r of [beyond, "admin"]) {
        const res = await put(`/v1/admin/users/${target}/roles/${r}`, manager.auth);
        expect(res.status, `${r} to ${target === manager.id ? "self" : "other"}`).toBe(403);
      }
    }
    // Nor can it make a role more powerful than itself.
    const made = await postRole(
      { name: "sneaky", description: "x", permissions: ["*"] },
      manager.auth,
    );
    expect(made.status).toBe(403);
  });

  it("an admin without a recent sign-in must step up before changing roles", async () => {
    const a = await person("roles-stale");
    const u = await person("roles-target");
    await put(`/v1/admin/users/${a.id}/roles/admin`, ADMIN);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    const { access_token } = (await (await refresh(a.tokens.refresh_token)).json()) as {
      access_token: string;
    };
    const res = await put(`/v1/admin/users/${u.id}/roles/admin`, bearer(access_token));
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toBe("insufficient_user_authentication");
    // Reading needs no step-up.
    expect((await call("/v1/admin/roles", { headers: bearer(access_token) })).status).toBe(200);
  });

  it("a forged roles claim counts for nothing: grants come from the database", async () => {
    const u = await person("roles-forged");
    const [h, p, s] = u.tokens.access_token.split(".") as [string, string, string];
    const payload = JSON.parse(atob(p.replaceAll("-", "+").replaceAll("_", "/")));
    payload.roles = ["admin"];
    const forgedPayload = btoa(JSON.stringify(payload))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
    const forged = `${h}.${forgedPayload}.${s}`;
    expect((await exports.AuthService.authorize(forged, "users:read")).allowed).toBe(false);
    expect((await call("/v1/admin/roles", { headers: bearer(forged) })).status).toBe(401);
  });

  it("refuses a role name that is too long or malformed, too many grants, and more than 16 roles", async () => {
    for (const name of ["x".repeat(33), "Admin", "has space", ""]) {
      expect(
        (await postRole({ name, description: "d", permissions: ["a:b"] }, ADMIN)).status,
        name,
      ).toBe(400);
    }
    const many = Array.from({ length: 65 }, (_, i) => `r${i}:read`);
    expect(
      (await postRole({ name: "too-many", description: "d", permissions: many }, ADMIN)).status,
    ).toBe(400);
    expect(
      (await postRole({ name: "bad-grant", description: "d", permissions: ["everything"] }, ADMIN))
        .status,
    ).toBe(400);
    const u = await person("roles-16");
    for (let i = 0; i < 16; i++) {
      expect(
        (await put(`/v1/admin/users/${u.id}/roles/${await role([`r${i}:read`])}`, ADMIN)).status,
      ).toBe(204);
    }
    const seventeenth = await put(
      `/v1/admin/users/${u.id}/roles/${await role(["r17:read"])}`,
      ADMIN,
    );
    expect(seventeenth.status).toBe(409);
    expect(await errorOf(seventeenth)).toBe("too_many_roles");
  });
});

describe("the last admin", () => {
  it("an admin cannot remove the admin role from the last holder, themselves included", async () => {
    // Start from a known set of admins: remove every other holder with the key.
    const a = await person("roles-last");
    await put(`/v1/admin/users/${a.id}/roles/admin`, ADMIN);
    const { sql } = await import("./mail-helpers");
    await sql()`delete from user_roles where role = 'admin' and user_id <> ${a.id}`;
    const res = await del(`/v1/admin/users/${a.id}/roles/admin`, a.auth);
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toBe("last_admin");
    expect((await del(`/v1/admin/users/${a.id}/roles/admin`, ADMIN)).status).toBe(409);
  });

  it("two admins removing each other at once leave one", async () => {
    const { sql } = await import("./mail-helpers");
    const a = await person("roles-duel-a");
    const b = await person("roles-duel-b");
    await put(`/v1/admin/users/${a.id}/roles/admin`, ADMIN);
    await put(`/v1/admin/users/${b.id}/roles/admin`, ADMIN);
    await sql()`delete from user_roles where role = 'admin' and user_id not in (${a.id}, ${b.id})`;
    const [ab, ba] = await Promise.all([
      del(`/v1/admin/users/${b.id}/roles/admin`, a.auth),
      del(`/v1/admin/users/${a.id}/roles/admin`, b.auth),
    ]);
    expect([ab.status, ba.status].sort()).toEqual([204, 409]);
    const left = (await sql()`select user_id from user_roles where role = 'admin'`) as unknown[];
    expect(left).toHaveLength(1);
  });
});
