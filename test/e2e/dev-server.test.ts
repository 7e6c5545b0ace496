// Black box: `npm run dev` as a new user runs it (zero configuration, embedded
// Postgres, redis-server), then the register → login → refresh → /v1/me flow
// over HTTP, the access token verified by an independent JOSE implementation
// (fast-jwt, not jose) against the published JWKS, and what a new user reaches
// for next: the captured mail and its link, cookie mode from the dev server's
// own origin, and the admin and introspection routes with the printed keys.
import { createPublicKey } from "node:crypto";
import { createVerifier } from "fast-jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevProcess, json, outputMatching, startDev } from "./dev-process.ts";

const password = "an e2e password that is long";

type Mail = { to: string[]; subject: string; text: string };

async function mailTo(mailbox: string, email: string): Promise<Mail | undefined> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const all = (await (await fetch(mailbox)).json()) as Mail[];
    const mail = all.find((m) => m.to.includes(email));
    if (mail || Date.now() > deadline) return mail;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function login(base: string, email: string, extra: Record<string, string> = {}) {
  expect((await fetch(`${base}/v1/register`, json({ email, password }))).status).toBe(201);
  const res = await fetch(`${base}/v1/login`, json({ email, password, ...extra }));
  expect(res.status).toBe(200);
  return res;
}

describe("npm run dev", () => {
  let dev: DevProcess;
  beforeAll(async () => {
    dev = await startDev();
  }, 120_000);
  afterAll(() => dev?.stop());

  it("is ready with its embedded Postgres, its Redis and an undisturbed audit trail", async () => {
    const res = await fetch(`${dev.base}/ready`);
    expect(await res.json()).toEqual({
      status: "ready",
      checks: { postgres: "ok", redis: "ok", audit: "ok" },
    });
  });

  // Regression: APP_BASE_URL stayed http://127.0.0.1:8787 whatever PORT was, so
  // the link in the mail led to no server.
  it("captures a registration's verification mail, whose link leads back to the dev server", async () => {
    const mailbox = (
      await outputMatching(dev, /read it at (http:\/\/127\.0\.0\.1:\d+\/messages)/)
    )[1];
    const email = `e2e-mail-${Date.now()}@example.test`;
    expect((await fetch(`${dev.base}/v1/register`, json({ email, password }))).status).toBe(201);
    const mail = await mailTo(mailbox as string, email);
    expect(mail?.subject).toBe("Confirm your email address");
    expect(mail?.text).toContain(`${dev.base}/verify-email?token=`);
    const token = /verify-email\?token=([\w-]{43})/.exec(mail?.text ?? "")?.[1];
    const verified = await fetch(`${dev.base}/v1/email/verify`, json({ token }));
    expect(verified.status).toBe(200);
  });

  it("registers, logs in, refreshes and serves /v1/me; the token verifies with fast-jwt against the JWKS", async () => {
    const { base } = dev;
    const email = `e2e-${Date.now()}@example.test`;
    const first = (await (await login(base, email)).json()) as { refresh_token: string };
    const refreshed = await fetch(
      `${base}/v1/token/refresh`,
      json({ refresh_token: first.refresh_token }),
    );
    expect(refreshed.status).toBe(200);
    const { access_token } = (await refreshed.json()) as { access_token: string };

    const me = await fetch(`${base}/v1/me`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(((await me.json()) as { email: string }).email).toBe(email);

    const { keys } = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as {
      keys: Array<{ kid: string }>;
    };
    const kid = JSON.parse(
      Buffer.from(access_token.split(".")[0] as string, "base64url").toString(),
    ).kid;
    const jwk = keys.find((k) => k.kid === kid);
    expect(jwk).toBeDefined();
    const pem = createPublicKey({ key: jwk as never, format: "jwk" }).export({
      type: "spki",
      format: "pem",
    });
    const verify = createVerifier({
      key: pem.toString(),
      algorithms: ["EdDSA"],
      allowedIss: base,
      allowedAud: "edge-auth",
    });
    expect(verify(access_token)).toMatchObject({
      iss: base,
      aud: "edge-auth",
      client_id: "first-party",
    });

    // The same verifier rejects a token whose payload was altered.
    const [h, p, s] = access_token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const altered = Buffer.from(JSON.stringify({ ...claims, sub: "x" })).toString("base64url");
    expect(() => verify(`${h}.${altered}.${s}`)).toThrow();
  });

  // Regression: ALLOWED_ORIGINS was empty, so every cookie-mode refresh answered 403.
  it("allows cookie mode from its own origins, 127.0.0.1 and localhost, and no other", async () => {
    const res = await login(dev.base, `e2e-cookie-${Date.now()}@example.test`, {
      token_transport: "cookie",
    });
    let cookie = /__Host-refresh=[^;]+/.exec(res.headers.get("set-cookie") ?? "")?.[0];
    expect(cookie).toBeDefined();
    const refresh = (origin: string) =>
      fetch(`${dev.base}/v1/token/refresh`, json({}, { origin, cookie: cookie as string }));
    expect((await refresh("http://evil.example")).status).toBe(403);
    for (const origin of [`http://127.0.0.1:${dev.port}`, `http://localhost:${dev.port}`]) {
      const ok = await refresh(origin);
      expect(ok.status).toBe(200);
      cookie = /__Host-refresh=[^;]+/.exec(ok.headers.get("set-cookie") ?? "")?.[0];
    }
    expect(dev.output()).toContain(
      `ALLOWED_ORIGINS=http://127.0.0.1:${dev.port},http://localhost:${dev.port}`,
    );
  });

  // Regression: no ADMIN_API_KEY or INTROSPECTION_KEYS, so those routes answered 404.
  it("prints working curl lines for the admin and introspection routes", async () => {
    const admin = await outputMatching(
      dev,
      /admin: curl -s (\S+)\/v1\/admin\/stats -H 'authorization: Bearer ([\x21-\x26\x28-\x7e]{43,})'/,
    );
    expect(admin[1]).toBe(dev.base);
    const stats = await fetch(`${dev.base}/v1/admin/stats`, {
      headers: { authorization: `Bearer ${admin[2]}` },
    });
    expect(stats.status).toBe(200);
    expect(((await stats.json()) as { users: { total: number } }).users.total).toBeGreaterThan(0);

    const service = await outputMatching(
      dev,
      /introspection: curl -s \S+\/v1\/introspect -H 'authorization: Bearer ([\x21-\x26\x28-\x7e]{32,})'/,
    );
    const { access_token } = (await (
      await login(dev.base, `e2e-introspect-${Date.now()}@example.test`)
    ).json()) as { access_token: string };
    const introspected = await fetch(`${dev.base}/v1/introspect`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${service[1]}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ token: access_token }),
    });
    expect(introspected.status).toBe(200);
    expect(await introspected.json()).toMatchObject({ active: true });
    // Legacy exchange stays off until LEGACY_CUTOVER_AT is set.
    expect((await fetch(`${dev.base}/v1/legacy/exchange`, json({}))).status).toBe(404);
  });
});
