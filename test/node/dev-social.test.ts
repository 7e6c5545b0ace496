// Social login in `npm run dev` (dev/dev-server/social.ts, demo-app.ts): when
// the local test provider stands in, that the Worker's own configuration parser
// accepts what it is given, and what the demo app links to and shows.
import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { readWranglerConfig } from "../../bench/serve-bundle.ts";
import { startDemoApp } from "../../dev/dev-server/demo-app.ts";
import {
  DEV_USER,
  type DevSocialLogin,
  ownSocialConfig,
  providerClientNames,
  startDevSocialLogin,
} from "../../dev/dev-server/social.ts";
import { generateSigningKeySet } from "../../dev/keys.ts";
import { ConfigError, configFromEnv } from "../../src/config.ts";

const open: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (let close = open.pop(); close; close = open.pop()) await close();
});

/** A stand-in for the Worker's GET /v1/oauth/providers; returns its port. */
async function fakeWorker(providers: unknown[]): Promise<string> {
  const server = http.createServer((req, res) => {
    if (req.url !== "/v1/oauth/providers") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ providers }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  open.push(() => new Promise<void>((r) => server.close(() => r())));
  return String((server.address() as net.AddressInfo).port);
}

async function occupiedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  open.push(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as net.AddressInfo).port;
}

async function startSocial(workerPort: string, requestedDemoPort = "0"): Promise<DevSocialLogin> {
  return startDevSocialLogin({
    workerPort,
    requestedDemoPort,
    onStarted: (close) => open.push(close),
  });
}

describe("ownSocialConfig", () => {
  it("is nothing without a provider's client id or OAUTH_OIDC_PROVIDERS", () => {
    const environment = { HOME: "/root", OAUTH_REDIRECT_URIS: "http://127.0.0.1:1/x" };
    expect(ownSocialConfig(environment, { OAUTH_GOOGLE_CLIENT_ID: "", ADMIN_API_KEY: "k" })).toBe(
      undefined,
    );
  });

  it("names the variable that configures providers, from the environment (even empty) or .dev.vars", () => {
    expect(ownSocialConfig({ OAUTH_GOOGLE_CLIENT_ID: "id" }, {})).toBe(
      "OAUTH_GOOGLE_CLIENT_ID in the environment",
    );
    // OAUTH_OIDC_PROVIDERS= turns the local provider off.
    expect(ownSocialConfig({ OAUTH_OIDC_PROVIDERS: "" }, {})).toBe(
      "OAUTH_OIDC_PROVIDERS in the environment",
    );
    expect(ownSocialConfig({}, { OAUTH_ACME_CORP_CLIENT_ID: "acme" })).toBe(
      "OAUTH_ACME_CORP_CLIENT_ID in .dev.vars",
    );
  });
});

describe("providerClientNames", () => {
  it("passes a generic provider's client variables on, which no documented list names", () => {
    const names = providerClientNames({
      OAUTH_ACME_CLIENT_ID: "acme",
      OAUTH_ACME_CLIENT_SECRET: "s",
      OAUTH_REDIRECT_URIS: "x",
      HOME: "/root",
    });
    expect(names.sort()).toEqual(["OAUTH_ACME_CLIENT_ID", "OAUTH_ACME_CLIENT_SECRET"]);
  });
});

describe("startDevSocialLogin", () => {
  it("gives the Worker a provider `dev` its configuration accepts, ending at the demo app", async () => {
    const social = await startSocial("8787");
    const config = configFromEnv({
      ...readWranglerConfig().vars,
      SIGNING_KEYS: await generateSigningKeySet(),
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres",
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079",
      UPSTASH_REDIS_REST_TOKEN: "a-dev-token-of-reasonable-length-0123456789",
      AUDIT_HMAC_KEYS: `dev1:${Buffer.alloc(32, 1).toString("base64")}`,
      ...social.vars,
    });
    if (config instanceof ConfigError) throw new Error(`rejected: ${config.variables}`);
    expect(config.social.providers).toMatchObject([
      { id: "dev", label: "Local test IdP", kind: "oidc", issuer: social.issuer },
    ]);
    expect(config.social.redirectUris).toEqual(social.demo.redirectUris);
    expect(social.vars.OAUTH_REDIRECT_URIS).toBe(
      `${social.demo.url}/signed-in,${social.demo.url.replace("127.0.0.1", "localhost")}/signed-in`,
    );
    expect(social.vars.OAUTH_DEV_CLIENT_SECRET).toMatch(/^[\w-]{43}$/);
    // The provider answers discovery under the issuer it was registered with.
    const discovery = await fetch(`${social.issuer}/.well-known/openid-configuration`);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(social.issuer);
  });

  it("fails clearly when DEMO_APP_PORT is taken, and falls back when only the default one is", async () => {
    const taken = await occupiedPort();
    await expect(startSocial("8787", String(taken))).rejects.toThrow(
      `DEMO_APP_PORT ${taken} is in use`,
    );
    const social = await startDevSocialLogin({
      workerPort: "8787",
      requestedDemoPort: undefined,
      defaultDemoPort: taken,
      onStarted: (close) => open.push(close),
    });
    expect(social.fellBackFrom).toBe(taken);
    expect(social.demo.url).not.toBe(`http://127.0.0.1:${taken}`);
  });
});

describe("the demo app", () => {
  const listed = [
    { id: "dev", name: "Local <test> IdP", authorize_url: "/v1/oauth/dev/authorize" },
  ];

  async function demoFor(workerPort: string) {
    const demo = await startDemoApp({ port: 0, workerPort });
    open.push(demo.close);
    return demo;
  }

  const linkIn = (html: string) =>
    new URL((/<a class="button" href="([^"]+)">/.exec(html)?.[1] ?? "").replaceAll("&amp;", "&"));

  it("links to each provider's authorize URL with its own /signed-in, on the host it was reached by", async () => {
    const workerPort = await fakeWorker(listed);
    const demo = await demoFor(workerPort);
    const html = await (await fetch(`${demo.url}/`)).text();
    expect(html).toContain("Sign in with Local &lt;test&gt; IdP");
    const link = linkIn(html);
    expect(`${link.origin}${link.pathname}`).toBe(
      `http://127.0.0.1:${workerPort}/v1/oauth/dev/authorize`,
    );
    expect(link.searchParams.get("redirect_uri")).toBe(`${demo.url}/signed-in`);
    expect(link.searchParams.get("state")).toMatch(/^[\w-]{22}$/);

    // Opened as localhost: the Worker and the way back on localhost too.
    const port = new URL(demo.url).port;
    const viaLocalhost = await new Promise<string>((resolve, reject) => {
      http
        .get(
          { host: "127.0.0.1", port, path: "/", headers: { host: `localhost:${port}` } },
          (res) => {
            let body = "";
            res.on("data", (chunk: Buffer) => (body += chunk.toString()));
            res.on("end", () => resolve(body));
          },
        )
        .on("error", reject);
    });
    const local = linkIn(viaLocalhost);
    expect(local.origin).toBe(`http://localhost:${workerPort}`);
    expect(local.searchParams.get("redirect_uri")).toBe(`http://localhost:${port}/signed-in`);
    expect(demo.redirectUris).toEqual([
      `${demo.url}/signed-in`,
      `http://localhost:${port}/signed-in`,
    ]);
  });

  it("shows what came back: signed in with a state it gave out once, or the error", async () => {
    const demo = await demoFor(await fakeWorker(listed));
    const state = linkIn(await (await fetch(`${demo.url}/`)).text()).searchParams.get("state");
    const back = await fetch(`${demo.url}/signed-in?state=${state}`);
    expect(back.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await back.text();
    expect(html).toContain("Signed in");
    expect(html).toContain("The state is one this page put in a sign-in link.");
    // A state is good once.
    const again = await (await fetch(`${demo.url}/signed-in?state=${state}`)).text();
    expect(again).toContain("not one this page handed out");

    const failed = await (
      await fetch(
        `${demo.url}/signed-in?${new URLSearchParams({
          error: "access_denied",
          error_code: "oauth_denied",
          error_description: "The <provider> said no.",
          state: "x",
        })}`,
      )
    ).text();
    expect(failed).toContain("Sign-in failed");
    expect(failed).toContain("<b>oauth_denied</b>: The &lt;provider&gt; said no.");
    expect(failed).not.toContain("<provider>");
  });

  it("serves its passkey page on localhost, with the Worker there, and its scripts from itself", async () => {
    const workerPort = await fakeWorker(listed);
    const demo = await demoFor(workerPort);
    const port = new URL(demo.url).port;
    expect(demo.passkeysUrl).toBe(`http://localhost:${port}/passkeys`);
    // WebAuthn refuses IP addresses: 127.0.0.1 is sent to localhost.
    const redirected = await fetch(`${demo.url}/passkeys`, { redirect: "manual" });
    expect(redirected.status).toBe(302);
    expect(redirected.headers.get("location")).toBe(demo.passkeysUrl);
    expect(await (await fetch(`${demo.url}/`)).text()).toContain(`href="${demo.passkeysUrl}"`);

    const page = await fetch(demo.passkeysUrl);
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src http://localhost:${workerPort}`);
    const html = await page.text();
    expect(html).toContain(`data-worker="http://localhost:${workerPort}"`);
    expect(html).toContain('<script type="module" src="/passkeys.js"></script>');
    for (const button of ["Create account", "Sign in with a passkey", "Sign out"]) {
      expect(html).toContain(`>${button}</button>`);
    }

    const script = await (await fetch(`http://localhost:${port}/passkeys.js`)).text();
    expect(script).toContain('from "/assets/simplewebauthn-browser/index.js"');
    expect(script).not.toContain("localStorage");
    const library = await fetch(`http://localhost:${port}/assets/simplewebauthn-browser/index.js`);
    expect(library.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await library.text()).toContain("./methods/startRegistration.js");
    const helper = `http://localhost:${port}/assets/simplewebauthn-browser/methods/startRegistration.js`;
    expect((await fetch(helper)).status).toBe(200);
    // Only the library's own modules.
    for (const other of ["index.d.ts", "%2e%2e/package.json", "..%2fscript/index.js"]) {
      const res = await fetch(`http://localhost:${port}/assets/simplewebauthn-browser/${other}`);
      expect(res.status, other).toBe(404);
    }
  });

  it("says so when the Worker does not answer", async () => {
    // A port nothing listens on: the connection is refused.
    const closed = await occupiedPort();
    await open.pop()?.();
    const demo = await demoFor(String(closed));
    const html = await (await fetch(`${demo.url}/`)).text();
    expect(html).toContain("did not list its providers");
  });
});

it("the test user is the one the usage lines name", () => {
  expect(DEV_USER).toMatchObject({ sub: "dev-user", email: "dev@example.test" });
});
