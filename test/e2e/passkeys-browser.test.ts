// Black box, in a real browser: `npm run dev`, then the demo app's passkey page
// in headless Chromium (Debian's, driven by playwright-core) with a virtual
// authenticator: an account, a password sign-in, a passkey added, a sign-out
// and a sign-in with the passkey alone (discoverable, no email), then the
// password again with the passkey as its second factor, all in cookie mode,
// the refresh token out of the script's reach throughout.
//
// Never skipped: without Chromium at /usr/bin/chromium it fails, saying how to
// install it (.ci/run installs it on a fresh Debian machine).
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { devWithChromium } from "./chromium.ts";
import { outputMatching } from "./dev-process.ts";

const password = "lamp orbit cedar quietly 42";

interface Credential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  userHandle?: string;
  signCount: number;
}

describe("the demo app's passkey page in Chromium", () => {
  // Without Chromium the test itself fails (a failed hook would report it skipped),
  // and no dev server is started for nothing.
  const suite = devWithChromium("the passkey e2e test");

  /** Clicks a button and waits for the page to settle; fails with its message on an error. */
  async function press(page: Page, name: string): Promise<string> {
    await page.getByRole("button", { name, exact: true }).click();
    await page.waitForFunction(
      () => document.getElementById("message")?.dataset.kind !== "pending",
      undefined,
      { timeout: 30_000 },
    );
    const message = page.locator("#message");
    const kind = await message.getAttribute("data-kind");
    const text = (await message.textContent()) ?? "";
    expect(kind, `"${name}": ${text}`).toBe("done");
    return text;
  }

  const status = (page: Page) => page.locator("#status").textContent();
  const scriptCookies = (page: Page) => page.evaluate(() => document.cookie);

  async function refreshCookie(context: BrowserContext, workerOrigin: string) {
    return (await context.cookies(workerOrigin)).find((c) => c.name === "__Host-refresh");
  }

  async function credentials(cdp: CDPSession, authenticatorId: string): Promise<Credential[]> {
    const { credentials } = (await cdp.send("WebAuthn.getCredentials", {
      authenticatorId,
    })) as { credentials: Credential[] };
    return credentials;
  }

  it("creates an account, adds a passkey, signs in with it alone and as the password's second factor, in cookie mode", async () => {
    const { dev, browser } = await suite.launch();
    const pageUrl = (
      await outputMatching(dev, /passkeys: open (http:\/\/localhost:\d+\/passkeys) /)
    )[1] as string;
    const workerOrigin = `http://localhost:${dev.port}`;
    const email = `e2e-passkey-${Date.now()}@example.test`;

    const context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

    const cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });

    // Opened as 127.0.0.1 it sends the browser to localhost (WebAuthn refuses IP addresses).
    await page.goto(pageUrl.replace("localhost", "127.0.0.1"));
    expect(page.url()).toBe(pageUrl);
    await page.waitForSelector("body[data-ready=true]");
    expect(await page.locator("body").getAttribute("data-worker")).toBe(workerOrigin);
    expect(await status(page)).toBe("Signed out");

    await page.fill("#email", email);
    await page.fill("#password", password);
    expect(await press(page, "Create account")).toContain(email);

    // Password sign-in, cookie mode: the refresh token only in the Worker's HttpOnly cookie.
    await press(page, "Sign in (password)");
    expect(await status(page)).toBe(`Signed in as ${email} (password)`);
    expect(await refreshCookie(context, workerOrigin)).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: "Strict",
      path: "/",
    });
    expect(await scriptCookies(page)).not.toMatch(/refresh/i);
    expect(await page.locator("#cookies").getAttribute("data-refresh-visible")).toBe("false");

    // A reload keeps the session: the page trades the cookie for an access token.
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    expect(await status(page)).toBe(
      `Signed in as ${email} (session restored from the refresh cookie)`,
    );

    // The Worker's passkey routes from here on. Adding one confirms the password.
    await page.fill("#password", password);
    await press(page, "Add a passkey");
    const stored = await credentials(cdp, authenticatorId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ isResidentCredential: true, rpId: "localhost" });
    await expect
      .poll(() => page.locator("#passkeys li").allTextContents())
      .toEqual([expect.stringContaining("Demo app passkey")]);

    await press(page, "Sign out");
    expect(await status(page)).toBe("Signed out");
    expect(await refreshCookie(context, workerOrigin)).toBeUndefined();

    // No email: the authenticator offers the passkey it holds for localhost.
    await page.fill("#email", "");
    await page.fill("#password", "");
    await press(page, "Sign in with a passkey");
    expect(await status(page)).toBe(`Signed in as ${email} (passkey)`);
    expect(await refreshCookie(context, workerOrigin)).toMatchObject({ httpOnly: true });
    expect(await scriptCookies(page)).not.toMatch(/refresh/i);
    expect(await page.locator("#cookies").getAttribute("data-refresh-visible")).toBe("false");

    // The password alone no longer does: the passkey is asked for as the second factor.
    await press(page, "Sign out");
    await page.fill("#email", email);
    await page.fill("#password", password);
    await press(page, "Sign in (password)");
    expect(await status(page)).toBe(`Signed in as ${email} (password + passkey)`);
    expect(await scriptCookies(page)).not.toMatch(/refresh/i);

    const after = await credentials(cdp, authenticatorId);
    expect(after).toHaveLength(1);
    expect(after[0]?.credentialId).toBe(stored[0]?.credentialId);
    expect(after[0]?.signCount).toBeGreaterThan(stored[0]?.signCount ?? 0);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
