// Black box: `npm run dev` as a new user runs it (zero configuration, embedded
// Postgres, redis-server), then the register → login → refresh → /v1/me flow
// over HTTP, the access token verified by an independent JOSE implementation
// (fast-jwt, not jose) against the published JWKS, and what a new user reaches
// for next: the captured mail and its link, cookie mode from the dev server's
// own origin, the admin and introspection routes with the printed keys, and
// social login through the local test provider and the demo app it prints.
import { createPublicKey } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { createVerifier } from "fast-jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDotenv } from "../../dev/dev-server/dev-vars.ts";
import { CookieJar, followUntil, type Hop, visit } from "./browser.ts";
import {
  type DevProcess,
  descendantsOf,
  json,
  outputMatching,
  startDev,
  workerEnvFiles,
} from "./dev-process.ts";

const password = "an e2e password that is long";
/**
 * A value wrangler's env-file loader would change if it were written plainly:
 * a quote, `$NAME` and `${NAME}` (dotenv-expand substitutes both) and `%`.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${PATH}, what dotenv-expand would substitute.
const RP_NAME = "edge-auth's dev $HOME ${PATH} 100%";

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
    dev = await startDev({ env: { WEBAUTHN_RP_NAME: RP_NAME } });
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

  // Regression: every variable went to wrangler as `--var NAME:value`, so the
  // dev secrets (and any real ones set in the environment) were on wrangler's
  // command line, which every local user can read (ps, /proc/<pid>/cmdline).
  it("keeps the Worker's secrets off every command line, in a file only this user may read", async () => {
    const admin = await outputMatching(dev, /Bearer ([\x21-\x26\x28-\x7e]{43,})'/);
    const devVars = parseDotenv(
      readFileSync(path.join(import.meta.dirname, "../../.dev.vars"), "utf8"),
    );
    const secrets = [admin[1] as string, ...Object.values(devVars).filter((v) => v.length >= 20)];
    expect(secrets.length).toBeGreaterThan(3);
    const processes = descendantsOf(dev.child.pid as number);
    expect(processes.some((p) => p.command.includes("workerd"))).toBe(true);
    for (const { command } of processes) {
      for (const secret of secrets) expect(command.includes(secret)).toBe(false);
    }
    const envFiles = workerEnvFiles(dev.dataDir);
    expect(envFiles).toHaveLength(1);
    expect(statSync(envFiles[0] as string).mode & 0o077).toBe(0);
  });

  it("hands the Worker a variable exactly as set, quotes and dollar signs included", async () => {
    const { access_token } = (await (
      await login(dev.base, `e2e-rp-${Date.now()}@example.test`)
    ).json()) as { access_token: string };
    const res = await fetch(`${dev.base}/v1/passkeys/register/options`, {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ password }),
    });
    expect(res.status).toBe(200);
    const { options } = (await res.json()) as { options: { rp: { name: string } } };
    expect(options.rp.name).toBe(RP_NAME);
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

  // Zero configuration: a local OpenID Connect provider with a test user,
  // registered as `dev`, and a demo app whose links start and end the flow.
  it("signs the test user in through the local test provider, from the demo app's link", async () => {
    const listed = await fetch(`${dev.base}/v1/oauth/providers`);
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { providers: unknown[] }).providers).toContainEqual({
      id: "dev",
      name: "Local test IdP",
      authorize_url: "/v1/oauth/dev/authorize",
    });
    const demo = (
      await outputMatching(
        dev,
        /social login: open (http:\/\/127\.0\.0\.1:\d+)\/ and click "Sign in with Local test IdP"/,
      )
    )[1] as string;
    const email = (
      await outputMatching(dev, /Local test IdP \(http:\/\/127\.0\.0\.1:\d+\): sign in as (\S+)/)
    )[1];
    expect(email).toBe("dev@example.test");

    // As a person clicks through the provider's sign-in form, and as a script
    // does with login_hint (the provider then asks nothing).
    for (const way of ["form", "login_hint"] as const) {
      const index = await fetch(`${demo}/`);
      expect(index.status).toBe(200);
      const href = /<a class="button" href="([^"]+)">Sign in with Local test IdP</.exec(
        await index.text(),
      )?.[1];
      expect(href, way).toBeDefined();
      const start = new URL((href as string).replaceAll("&amp;", "&"));
      expect(start.origin + start.pathname).toBe(`${dev.base}/v1/oauth/dev/authorize`);
      expect(start.searchParams.get("redirect_uri")).toBe(`${demo}/signed-in`);
      const state = start.searchParams.get("state");
      expect(state).toBeTruthy();
      if (way === "login_hint") start.searchParams.set("login_hint", "dev-user");

      const jar = new CookieJar();
      let prefilled: string | undefined;
      const { url, hops } = await followUntil(jar, start.href, `${demo}/signed-in`, (page) => {
        const form = /<form method="post" action="([^"]+)">/.exec(page.body);
        if (way !== "form" || !form?.[1]) return undefined;
        prefilled = /name="email" value="([^"]*)"/.exec(page.body)?.[1];
        return { url: new URL(form[1], page.url).href, form: { email: prefilled ?? "" } };
      });
      if (way === "form") expect(prefilled).toBe(email);

      const landed = new URL(url);
      expect(landed.searchParams.get("error"), url).toBeNull();
      expect(landed.searchParams.get("state")).toBe(state);
      const callback = hops.find((hop: Hop) =>
        hop.url.startsWith(`${dev.base}/v1/oauth/dev/callback?`),
      );
      expect(callback?.status).toBe(303);
      const cookie = callback?.setCookies
        .map((line) => /^__Host-refresh=[^;]+/.exec(line)?.[0])
        .find(Boolean);
      expect(cookie, JSON.stringify(callback?.setCookies)).toBeDefined();

      const page = await visit(jar, url);
      expect(page.status).toBe(200);
      expect(page.body).toContain("Signed in");
      expect(page.body).toContain("The state is one this page put in a sign-in link.");

      const refreshed = await fetch(
        `${dev.base}/v1/token/refresh`,
        json({}, { origin: dev.base, cookie: cookie as string }),
      );
      expect(refreshed.status).toBe(200);
      const { access_token } = (await refreshed.json()) as { access_token: string };
      const claims = JSON.parse(
        Buffer.from(access_token.split(".")[1] as string, "base64url").toString(),
      );
      expect(claims.amr).toEqual(["fed"]);
      const me = await fetch(`${dev.base}/v1/me`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(((await me.json()) as { email: string }).email).toBe(email);
    }
  });
});
