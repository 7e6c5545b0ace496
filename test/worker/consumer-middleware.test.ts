// The @edge-auth/hono middleware as a consumer Worker runs it: the example
// consumer (examples/consumer-worker), bundled by the global setup, running
// beside edge-auth and calling its AuthService over a real service binding.
// Each answer is checked for its status, its challenge (RFC 6750 §3, RFC 9470
// §3) and its body.
import { env } from "cloudflare:workers";
import type { AuthBinding } from "@edge-auth/hono";
import { afterEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import type { AuthService } from "../../src/rpc";
import { ADMIN, call, postJson } from "./helpers";
import { login, newUser } from "./session-helpers";

afterEach(() => {
  vi.useRealTimers();
});

const consumer = (env as unknown as { CONSUMER: Fetcher }).CONSUMER;

/** The consumer's realm: the middleware's default is the request's host name. */
const REALM = `realm="consumer"`;

function get(path: string, authorization?: string): Promise<Response> {
  return consumer.fetch(`http://consumer${path}`, {
    headers: authorization === undefined ? {} : { authorization },
  });
}

/** A user, a fresh token pair, and the route calls with its access token. */
async function person(tag: string) {
  const user = await newUser(tag);
  const tokens = await login(user.email);
  const auth = `Bearer ${tokens.access_token}`;
  return { ...user, tokens, orders: () => get("/orders", auth), me: () => get("/protected", auth) };
}

async function grantRole(userId: string, permissions: string[]): Promise<string> {
  const name = `c-${crypto.randomUUID().slice(0, 8)}`;
  const made = await call("/v1/admin/roles", {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ name, description: "consumer test role", permissions }),
  });
  expect(made.status).toBe(201);
  const put = await call(`/v1/admin/users/${userId}/roles/${name}`, {
    method: "PUT",
    headers: ADMIN,
  });
  expect(put.status).toBe(204);
  return name;
}

async function removeRole(userId: string, role: string): Promise<void> {
  const res = await call(`/v1/admin/users/${userId}/roles/${role}`, {
    method: "DELETE",
    headers: ADMIN,
  });
  expect(res.status).toBe(204);
}

/** The refusal's parts that matter: status, challenge, body, no-store. */
async function refusal(res: Response) {
  return {
    status: res.status,
    challenge: res.headers.get("www-authenticate"),
    cacheControl: res.headers.get("cache-control"),
    body: (await res.json()) as unknown,
  };
}

const credentialsRequired = {
  status: 401,
  challenge: `Bearer ${REALM}`,
  cacheControl: "no-store",
  body: { error: "unauthorized", error_description: "a bearer token is required" },
};

const invalidToken = {
  status: 401,
  challenge: `Bearer ${REALM}, error="invalid_token"`,
  cacheControl: "no-store",
  body: { error: "invalid_token", error_description: "the access token is invalid or expired" },
};

const insufficientScope = {
  status: 403,
  challenge: `Bearer ${REALM}, error="insufficient_scope", scope="orders:read"`,
  cacheControl: "no-store",
  body: { error: "forbidden", error_description: "a role granting this permission is required" },
};

describe("the package's binding type", () => {
  it("is satisfied by edge-auth's real AuthService binding", () => {
    // The package declares AuthService structurally so it never imports this
    // repository's source; this fails `npm run typecheck` if the entrypoint's
    // methods or answers drift away from what the middleware relies on.
    expectTypeOf<Service<AuthService>>().toExtend<AuthBinding>();
  });
});

describe("requireAuth and requirePermission without a usable token", () => {
  it.each(["/protected", "/orders"])(
    "%s: no credentials, or another scheme, get the bare RFC 6750 challenge",
    async (path) => {
      expect(await refusal(await get(path))).toEqual(credentialsRequired);
      expect(await refusal(await get(path, "Basic dXNlcjpwYXNz"))).toEqual(credentialsRequired);
    },
  );

  it.each(["/protected", "/orders"])(
    "%s: a garbage, malformed or forged token gets invalid_token",
    async (path) => {
      const { tokens } = await person("consumer-bad");
      const forged = `${tokens.access_token.slice(0, -4)}AAAA`;
      for (const header of ["Bearer garbage", "Bearer a b", "Bearer ", `Bearer ${forged}`]) {
        const res = await get(path, header);
        const seen = await refusal(res);
        expect(seen, header).toEqual(invalidToken);
        // Never echoed, in any form.
        expect(JSON.stringify(seen)).not.toContain(forged);
      }
    },
  );
});

describe("requirePermission over the binding", () => {
  it("refuses a live token without the role (403 insufficient_scope), lets it through with the role, and refuses again at the next request once the role is removed", async () => {
    const u = await person("consumer-perm");
    // The token is live: the identity check passes, the permission does not.
    expect((await u.me()).status).toBe(200);
    expect(await refusal(await u.orders())).toEqual(insufficientScope);

    const role = await grantRole(u.id, ["orders:read"]);
    const ok = await u.orders();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ orders: [], for: u.id });

    // The same token, which still names the role nowhere: grants are read at
    // request time, so the removal counts at once.
    await removeRole(u.id, role);
    expect(await refusal(await u.orders())).toEqual(insufficientScope);
  });

  it("a wildcard grant counts, a grant for another resource does not", async () => {
    const u = await person("consumer-wild");
    await grantRole(u.id, ["invoices:read"]);
    expect((await u.orders()).status).toBe(403);
    await grantRole(u.id, ["*:read"]);
    expect((await u.orders()).status).toBe(200);
  });

  it("refuses a logged-out token at once, whatever its roles (revocation over the binding)", async () => {
    const u = await person("consumer-logout");
    await grantRole(u.id, ["orders:read"]);
    expect((await u.orders()).status).toBe(200);
    expect((await postJson("/v1/logout", { refresh_token: u.tokens.refresh_token })).status).toBe(
      204,
    );
    expect(await refusal(await u.orders())).toEqual(invalidToken);
    expect(await refusal(await u.me())).toEqual(invalidToken);
  });
});

describe("requireAuth({ maxAge }): RFC 9470 step-up", () => {
  it("lets a recent sign-in through and asks a stale one to authenticate again, with max_age", async () => {
    const u = await person("consumer-stepup");
    const security = () => get("/account/security", `Bearer ${u.tokens.access_token}`);
    const fresh = await security();
    expect(fresh.status).toBe(200);
    const body = (await fresh.json()) as { user: string; authenticated_at: number };
    expect(body).toEqual({ user: u.id, authenticated_at: expect.any(Number) });

    // Six minutes on: the token itself is still live (15-minute lifetime), the
    // sign-in behind it is older than the route's five minutes.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime((body.authenticated_at + 360) * 1000);
    expect((await u.me()).status).toBe(200);
    expect(await refusal(await security())).toEqual({
      status: 401,
      challenge:
        `Bearer ${REALM}, error="insufficient_user_authentication", ` +
        `error_description="A more recent authentication is required", max_age="300"`,
      cacheControl: "no-store",
      body: {
        error: "insufficient_user_authentication",
        error_description: "a more recent sign-in is required",
      },
    });
  });
});
