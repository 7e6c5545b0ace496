// Black box, in a real browser: @edge-auth/client bundled with esbuild and loaded
// into two tabs of the Worker's own origin (http://localhost:<port>) in headless
// Chromium (Debian's, driven by playwright-core), in cookie mode. Both tabs' access
// tokens expire and both fire calls at the same instant: exactly one
// POST /v1/token/refresh reaches the Worker (counted by the browser and in the
// Worker's own request log), the Web Locks API having serialized the tabs and a
// BroadcastChannel having handed the new access token over, and both tabs stay
// signed in. Then a passkey through the SDK: added with a virtual authenticator,
// a sign-out that reaches the other tab, a passkey sign-in that signs both in again.
// Last, TOTP switched on through the SDK, and the passkey answering a password
// sign-in's second-factor challenge (loginMfa({ passkey: true })).
//
// Never skipped: without Chromium at /usr/bin/chromium it fails, as the passkey test does.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Secret, TOTP } from "otpauth";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { devWithChromium } from "./chromium.ts";

const password = "lamp orbit cedar quietly 42";
const root = fileURLToPath(new URL("../..", import.meta.url));

/** The SDK (and its WebAuthn ceremonies) as one script defining `EdgeAuth`. */
async function bundleClient(): Promise<string> {
  const result = await build({
    stdin: {
      contents: [
        'export * from "@edge-auth/client";',
        'export { browserWebAuthn } from "@edge-auth/client/webauthn";',
      ].join("\n"),
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    write: false,
    format: "iife",
    globalName: "EdgeAuth",
    platform: "browser",
    target: "chrome120",
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

// The page each tab runs: one client in cookie mode, its signed-out events kept.
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>SDK tab</title>
<script src="/__sdk-test/client.js"></script>
<script>
  const storage = EdgeAuth.cookieModeStorage();
  const auth = EdgeAuth.createAuthClient({
    baseUrl: location.origin,
    storage,
    webauthn: EdgeAuth.browserWebAuthn,
  });
  window.sdk = { storage, auth, events: [] };
  auth.onSignedOut((e) => window.sdk.events.push({ reason: e.reason, code: e.error && e.error.code }));
  document.documentElement.dataset.ready = "true";
</script></head><body>SDK tab</body></html>`;

/** What the page puts on `window.sdk`. */
interface PageSdk {
  storage: {
    get(): Promise<{ accessToken: string; accessTokenExpiresAt: number } | null>;
    set(s: unknown): Promise<void>;
  };
  events: Array<{ reason: string; code?: string }>;
  auth: {
    register(i: { email: string; password: string }): Promise<unknown>;
    login(i: {
      email: string;
      password: string;
    }): Promise<{ status: string; mfaToken?: string; methods?: string[] }>;
    loginMfa(i: { mfaToken: string; passkey: true }): Promise<unknown>;
    mfa: {
      enrollTotp(): Promise<{ secret: string }>;
      confirmTotp(code: string): Promise<string[]>;
    };
    me(): Promise<{ email: string }>;
    logout(): Promise<void>;
    passkeys: {
      register(i: { name: string; password: string }): Promise<{ name: string }>;
      signIn(): Promise<unknown>;
    };
  };
}
declare global {
  interface Window {
    sdk: PageSdk;
  }
}

describe("@edge-auth/client in two Chromium tabs, cookie mode", () => {
  const suite = devWithChromium("the client SDK's browser test");

  /** Requests the Worker logged for `POST /v1/token/refresh` so far. */
  const loggedRefreshes = () =>
    (
      suite
        .dev()
        ?.output()
        .match(/\[wrangler:info\] POST \/v1\/token\/refresh \d{3}/g) ?? []
    ).length;

  const accessToken = (page: Page) =>
    page.evaluate(async () => (await window.sdk.storage.get())?.accessToken ?? null);

  it("makes one refresh across both tabs, hands the token over, and signs both out and in together", async () => {
    const { dev, browser } = await suite.launch();
    const script = await bundleClient();
    // localhost, not 127.0.0.1: WebAuthn refuses IP addresses; the Worker lists
    // http://localhost:<port> in ALLOWED_ORIGINS and WEBAUTHN_ORIGINS.
    const origin = `http://localhost:${dev.port}`;
    const context = await browser.newContext();
    // The test page and the bundle are served by the browser context itself, on the
    // Worker's origin; every other request goes to the Worker.
    await context.route(`${origin}/__sdk-test**`, (route) => {
      const isScript = route.request().url().endsWith("/client.js");
      return route.fulfill({
        status: 200,
        contentType: isScript ? "text/javascript" : "text/html",
        body: isScript ? script : PAGE,
      });
    });
    const refreshes: string[] = [];
    context.on("request", (request) => {
      if (request.method() === "POST" && request.url() === `${origin}/v1/token/refresh`) {
        refreshes.push(request.frame().url());
      }
    });
    const errors: string[] = [];
    const open = async () => {
      const page = await context.newPage();
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(`${origin}/__sdk-test/`);
      await page.waitForSelector("html[data-ready=true]");
      return page;
    };
    const [a, b] = [await open(), await open()];
    if (!a || !b) throw new Error("no tabs");

    // Tab A signs in; tab B hears of it on the channel, with no request of its own.
    const email = `sdk-tabs-${Date.now()}@example.test`;
    await a.evaluate(
      async (credentials) => {
        await window.sdk.auth.register(credentials);
        const result = await window.sdk.auth.login(credentials);
        if (result.status !== "signed_in") throw new Error(result.status);
      },
      { email, password },
    );
    expect(await a.evaluate(() => document.cookie)).not.toMatch(/refresh/i);
    await expect.poll(() => accessToken(b)).toBe(await accessToken(a));
    expect(refreshes).toEqual([]);

    // Both tabs' access tokens expire; at one instant each fires 10 calls.
    for (const page of [a, b]) {
      await page.evaluate(async () => {
        const s = await window.sdk.storage.get();
        await window.sdk.storage.set({ ...s, accessTokenExpiresAt: 0 });
      });
    }
    const loggedBefore = loggedRefreshes();
    const at = Date.now() + 500;
    const burst = (page: Page) =>
      page.evaluate(async (startAt) => {
        await new Promise((r) => setTimeout(r, startAt - Date.now()));
        return Promise.all(Array.from({ length: 10 }, () => window.sdk.auth.me()));
      }, at);
    const answers = (await Promise.all([burst(a), burst(b)])).flat();
    expect(answers.map((me) => me.email)).toEqual(Array(20).fill(email));
    expect(refreshes).toHaveLength(1);
    await expect.poll(loggedRefreshes).toBe(loggedBefore + 1);
    const rotated = await accessToken(a);
    expect(await accessToken(b)).toBe(rotated);

    // Both stay signed in on the new token, with no further refresh.
    for (const page of [a, b]) {
      expect(await page.evaluate(async () => (await window.sdk.auth.me()).email)).toBe(email);
    }
    expect(refreshes).toHaveLength(1);

    // A passkey through the SDK (the fresh sign-in counts as the step-up).
    // WebAuthn asks for the focused tab: B was opened last.
    await a.bringToFront();
    const cdp = await context.newCDPSession(a);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    // A passkey is a new way in: the password confirms the owner.
    const added = await a.evaluate(
      (pw) => window.sdk.auth.passkeys.register({ name: "SDK passkey", password: pw }),
      password,
    );
    expect(added).toMatchObject({ name: "SDK passkey" });

    // Signing out in A signs B out too.
    await a.evaluate(() => window.sdk.auth.logout());
    await expect
      .poll(() => b.evaluate(() => window.sdk.events))
      .toEqual([{ reason: "other_context", code: undefined }]);
    expect(await accessToken(b)).toBeNull();
    expect(await a.evaluate(() => window.sdk.events)).toEqual([
      { reason: "logout", code: undefined },
    ]);

    // A passkey sign-in in A signs B in again, through the channel.
    await a.evaluate(() => window.sdk.auth.passkeys.signIn());
    await expect.poll(() => accessToken(b)).toBe(await accessToken(a));
    expect(await b.evaluate(async () => (await window.sdk.auth.me()).email)).toBe(email);
    expect(await a.evaluate(() => document.cookie)).not.toMatch(/refresh/i);
    expect(refreshes).toHaveLength(1);

    // A reload keeps the session: the page trades the cookie for an access token.
    await b.reload();
    await b.waitForSelector("html[data-ready=true]");
    expect(await accessToken(b)).toBeNull();
    expect(await b.evaluate(async () => (await window.sdk.auth.me()).email)).toBe(email);
    expect(refreshes).toHaveLength(2);

    // The passkey as a password sign-in's second factor: with TOTP on, the
    // password alone is answered with a challenge, and loginMfa({ passkey: true })
    // meets it with the same passkey instead of a code.
    const { secret } = await a.evaluate(() => window.sdk.auth.mfa.enrollTotp());
    const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
    await a.evaluate((c) => window.sdk.auth.mfa.confirmTotp(c), code);
    await a.evaluate(() => window.sdk.auth.logout());
    expect(await accessToken(a)).toBeNull();
    const first = await a.evaluate((input) => window.sdk.auth.login(input), { email, password });
    expect(first).toMatchObject({
      status: "mfa_required",
      methods: expect.arrayContaining(["passkey"]),
    });
    expect(await accessToken(a)).toBeNull();
    await a.evaluate(
      (mfaToken) => window.sdk.auth.loginMfa({ mfaToken, passkey: true }),
      first.mfaToken ?? "",
    );
    expect(await a.evaluate(async () => (await window.sdk.auth.me()).email)).toBe(email);
    expect(errors).toEqual([]);
    await context.close();
  });
});
