// @edge-auth/hono against a stand-in for the AuthService binding: the paths
// the real service cannot be made to take on demand (an unavailable or
// misconfigured service, a binding that throws or is missing) and the
// middleware's own rules. The binding is the consumer's dependency boundary,
// so a fake is fair here; the real binding is exercised in
// test/worker/consumer-middleware.test.ts.
import {
  type AuthBinding,
  type AuthClaims,
  type Denial,
  requireAuth,
  requirePermission,
} from "@edge-auth/hono";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";

const TOKEN = "eyJhbGciOiJFZERTQSJ9.e30.c2ln";

const claims: AuthClaims = {
  iss: "https://auth.example.test",
  aud: "api",
  sub: "user-1",
  client_id: "first-party",
  sid: "session-1",
  iat: 1_700_000_000,
  exp: 1_700_000_900,
  jti: "jti-1",
  auth_time: 1_700_000_000,
};

type Call = { method: "verify" | "authorize"; args: unknown[] };

/** A binding that answers `answer` (or throws it) and records what it was asked. */
function fakeBinding(answer: { verify?: unknown; authorize?: unknown; throws?: unknown } = {}) {
  const calls: Call[] = [];
  const binding: AuthBinding = {
    async verify(...args) {
      calls.push({ method: "verify", args });
      if (answer.throws) throw answer.throws;
      return ("verify" in answer ? answer.verify : { ok: true, claims }) as never;
    },
    async authorize(...args) {
      calls.push({ method: "authorize", args });
      if (answer.throws) throw answer.throws;
      return (
        "authorize" in answer ? answer.authorize : { allowed: true, claims, roles: ["reader"] }
      ) as never;
    },
  };
  return { binding, calls };
}

/** A consumer app with both middlewares, recording every denial it is told of. */
function consumerApp(options: { realm?: string; maxAge?: number } = {}) {
  const denials: Denial[] = [];
  // `unknown`, not `Context`: a callback typed with Hono's untyped Context
  // would make the middleware's Env `any` and hide `c.var.auth`.
  const onDenied = (_c: unknown, denial: Denial) => {
    denials.push(denial);
  };
  const app = new Hono<{ Bindings: { AUTH: AuthBinding } }>()
    .get("/me", requireAuth({ ...options, onDenied }), (c) => c.json(c.var.auth))
    .get("/orders", requirePermission("orders:read", { ...options, onDenied }), (c) =>
      c.json(c.var.auth),
    );
  return { app, denials };
}

const bearer = (token = TOKEN) => ({ headers: { authorization: `Bearer ${token}` } });

describe("the service cannot answer: 503, never a 500 and never a pass", () => {
  it.each([
    ["temporarily_unavailable", "2"],
    ["server_misconfigured", null],
  ])("the service reports %s", async (code, retryAfter) => {
    const { binding } = fakeBinding({
      verify: { ok: false, error: code },
      authorize: { allowed: false, reason: code },
    });
    const { app, denials } = consumerApp();
    for (const path of ["/me", "/orders"]) {
      const res = await app.request(path, bearer(), { AUTH: binding });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe(retryAfter);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("www-authenticate")).toBeNull();
      expect(await res.json()).toEqual({
        error: "temporarily_unavailable",
        error_description: "authorization is unavailable, retry later",
      });
    }
    expect(denials).toEqual([
      { status: 503, reason: code },
      { status: 503, reason: code },
    ]);
  });

  it("the binding call throws: 503, and neither the answer nor the denial carries the token", async () => {
    const { binding } = fakeBinding({ throws: new TypeError(`network lost sending ${TOKEN}`) });
    const { app, denials } = consumerApp();
    for (const path of ["/me", "/orders"]) {
      const res = await app.request(path, bearer(), { AUTH: binding });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("2");
      let headers = "";
      res.headers.forEach((value, name) => {
        headers += `${name}: ${value}\n`;
      });
      expect(`${headers}${await res.text()}`).not.toContain(TOKEN);
    }
    expect(denials).toEqual([
      { status: 503, reason: "binding_failed", error: "TypeError" },
      { status: 503, reason: "binding_failed", error: "TypeError" },
    ]);
  });

  it("the Worker has no AUTH binding: 503 without a retry hint", async () => {
    const { app, denials } = consumerApp();
    const res = await app.request("/orders", bearer(), {});
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBeNull();
    expect(denials).toEqual([{ status: 503, reason: "binding_missing" }]);
  });

  it("an answer of the wrong shape is refused, not let through", async () => {
    for (const answer of [undefined, null, {}, { ok: "yes", claims }, { allowed: 1, claims }]) {
      const { binding } = fakeBinding({ verify: answer, authorize: answer });
      const { app } = consumerApp();
      expect((await app.request("/me", bearer(), { AUTH: binding })).status).toBe(401);
      expect((await app.request("/orders", bearer(), { AUTH: binding })).status).toBe(401);
    }
  });
});

describe("the token and the call", () => {
  it("passes the bearer token and the permission to the binding, and sets c.var.auth", async () => {
    const { binding, calls } = fakeBinding();
    const { app } = consumerApp();
    const me = await app.request("/me", bearer(), { AUTH: binding });
    expect(await me.json()).toEqual({ claims });
    const orders = await app.request("/orders", bearer(), { AUTH: binding });
    expect(await orders.json()).toEqual({ claims, roles: ["reader"] });
    expect(calls).toEqual([
      { method: "verify", args: [TOKEN] },
      { method: "authorize", args: [TOKEN, "orders:read"] },
    ]);
  });

  it("reads the scheme case-insensitively (RFC 9110 §11.1)", async () => {
    const { binding, calls } = fakeBinding();
    const { app } = consumerApp();
    const res = await app.request(
      "/me",
      { headers: { authorization: `bEaReR ${TOKEN}` } },
      { AUTH: binding },
    );
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it("never calls the binding without a well-formed bearer token", async () => {
    const { binding, calls } = fakeBinding();
    const { app, denials } = consumerApp();
    for (const authorization of [undefined, "Basic dXNlcjpwYXNz", "Bearer", "Bearer a,b"]) {
      const init = authorization ? { headers: { authorization } } : {};
      expect((await app.request("/orders", init, { AUTH: binding })).status).toBe(401);
    }
    expect(calls).toEqual([]);
    expect(denials.map((d) => d.reason)).toEqual([
      "credentials_missing",
      "credentials_missing",
      "malformed_credentials",
      "malformed_credentials",
    ]);
  });

  it("an unknown failure code is an invalid token: unknown means refused", async () => {
    const { binding } = fakeBinding({ authorize: { allowed: false, reason: "something_new" } });
    const { app } = consumerApp();
    const res = await app.request("/orders", bearer(), { AUTH: binding });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      'Bearer realm="localhost", error="invalid_token"',
    );
  });

  it("uses the binding the option names instead of c.env.AUTH", async () => {
    const { binding, calls } = fakeBinding();
    type AppEnv = { Bindings: { ACCOUNTS: AuthBinding } };
    const app = new Hono<AppEnv>().get(
      "/orders",
      requirePermission<AppEnv>("orders:read", { binding: (c) => c.env.ACCOUNTS }),
      (c) => c.json({ for: c.var.auth.claims.sub }),
    );
    const res = await app.request("/orders", bearer(), { ACCOUNTS: binding });
    expect(await res.json()).toEqual({ for: "user-1" });
    expect(calls).toHaveLength(1);
  });

  it("a throwing onDenied does not change the refusal", async () => {
    const app = new Hono().get(
      "/me",
      requireAuth({
        onDenied: () => {
          throw new Error("log sink down");
        },
      }),
      (c) => c.text("in"),
    );
    const res = await app.request("/me", {}, { AUTH: fakeBinding().binding });
    expect(res.status).toBe(401);
  });
});

describe("challenges", () => {
  it("quotes the realm as an RFC 9110 quoted-string", async () => {
    const { app } = consumerApp({ realm: 'orders "eu" \\ api' });
    const res = await app.request("/me", {}, { AUTH: fakeBinding().binding });
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="orders \\"eu\\" \\\\ api"');
  });

  it("a forbidden answer names the permission as scope (RFC 6750 §3)", async () => {
    const { binding } = fakeBinding({ authorize: { allowed: false, reason: "forbidden" } });
    const { app, denials } = consumerApp({ realm: "shop" });
    const res = await app.request("/orders", bearer(), { AUTH: binding });
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toBe(
      'Bearer realm="shop", error="insufficient_scope", scope="orders:read"',
    );
    expect(await res.json()).toEqual({
      error: "forbidden",
      error_description: "a role granting this permission is required",
    });
    expect(denials).toEqual([{ status: 403, reason: "forbidden" }]);
  });
});

describe("step-up with maxAge (RFC 9470)", () => {
  it("asks the service for the age limit and answers its refusal with max_age", async () => {
    const { binding, calls } = fakeBinding({
      verify: { ok: false, error: "insufficient_user_authentication" },
    });
    const { app } = consumerApp({ realm: "shop", maxAge: 300 });
    const res = await app.request("/me", bearer(), { AUTH: binding });
    expect(calls).toEqual([{ method: "verify", args: [TOKEN, { maxAge: 300 }] }]);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      'Bearer realm="shop", error="insufficient_user_authentication", ' +
        'error_description="A more recent authentication is required", max_age="300"',
    );
  });

  it("maxAge 0 is allowed and passed on", async () => {
    const { binding, calls } = fakeBinding();
    const app = new Hono().get("/", requireAuth({ maxAge: 0 }), (c) => c.text("in"));
    expect((await app.request("/", bearer(), { AUTH: binding })).status).toBe(200);
    expect(calls).toEqual([{ method: "verify", args: [TOKEN, { maxAge: 0 }] }]);
  });
});

describe("mistakes are caught when the app is built", () => {
  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("maxAge %s", (maxAge) => {
    expect(() => requireAuth({ maxAge })).toThrow(TypeError);
  });

  it.each(["orders", "orders:*", "Orders:read", 'orders:read" x', ""])(
    "permission %j",
    (permission) => {
      expect(() => requirePermission(permission)).toThrow(TypeError);
    },
  );
});
