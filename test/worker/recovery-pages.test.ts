import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, callWithEnv, GOOD_PASSWORD, loginWith, postJson, uniqueEmail } from "./helpers";
import { type SinkMail, tokenFrom, waitForMail } from "./mail-helpers";
import { newUser } from "./session-helpers";

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
  "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
const PAGES = ["/verify-email", "/reset-password"];

/** The link a mail carries, as a URL (the text part; mail-helpers checks it matches the HTML). */
function linkIn(mail: SinkMail): URL {
  const link = /https?:\/\/\S+\?token=[\w-]+/.exec(mail.text ?? "")?.[0];
  if (!link) throw new Error("no link in the mail");
  return new URL(link);
}

/**
 * Opens a mail's link on this Worker, as it is reached when APP_BASE_URL is the
 * service's own origin (the default; the test stack points it elsewhere, so
 * only the path and query are taken).
 */
async function open(link: URL): Promise<Response> {
  expect(link.origin).toBe(new URL(env.APP_BASE_URL).origin);
  return call(`${link.pathname}${link.search}`);
}

function expectPage(res: Response): void {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/html; charset=utf-8$/i);
  expect(res.headers.get("content-security-policy")).toBe(PAGE_CSP);
  expect(res.headers.get("cache-control")).toBe("no-store");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
}

describe("the pages mail links open", () => {
  it.each(PAGES)(
    "%s answers HTML with its own strict CSP, no-store and no framing",
    async (path) => {
      expectPage(await call(`${path}?token=${"a".repeat(43)}`));
    },
  );

  it.each(PAGES)(
    "%s has no inline script, style or handler; its assets are same-origin files",
    async (path) => {
      const html = await (await call(path)).text();
      // Every <script> has a src, and there is no <style>, style= or on…= attribute
      // (the CSP would block them; a page that relied on one would not work).
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)/i);
      expect(html).not.toMatch(/<style|\sstyle=|\son\w+=/i);
      const script = /<script type="module" src="(\/[^"]+)"><\/script>/.exec(html)?.[1];
      const style = /<link rel="stylesheet" href="(\/[^"]+)">/.exec(html)?.[1];
      const js = await call(script as string);
      expect(js.status).toBe(200);
      expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect(await js.text()).toContain("history.replaceState");
      const css = await call(style as string);
      expect(css.status).toBe(200);
      expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    },
  );

  it("never writes the token (or anything else from the request) into the page", async () => {
    const hostile = encodeURIComponent(`"><script>alert(1)</script>`);
    const plain = await (await call("/verify-email")).text();
    const res = await call(`/verify-email?token=${hostile}&x=<b>`);
    expectPage(res);
    const attacked = await res.text();
    expect(attacked).toBe(plain);
    expect(attacked).not.toContain("alert");
  });

  // Regression: with the default APP_BASE_URL (this service's origin) every mail
  // link answered 404, since the service served no /verify-email or /reset-password.
  it("a verification mail's link opens the page, and opening it consumes nothing", async () => {
    const email = uniqueEmail("page-verify");
    expect((await postJson("/v1/register", { email, password: GOOD_PASSWORD })).status).toBe(201);
    const [mail] = await waitForMail(email, /^Confirm your email address$/);
    const link = linkIn(mail as SinkMail);
    expectPage(await open(link));
    // What a scanner or a link preview does: fetch the link, here twice.
    await open(link);
    const token = tokenFrom(mail as SinkMail, "/verify-email");
    const verified = await postJson("/v1/email/verify", { token });
    expect(verified.status).toBe(200);
  });

  it("a reset mail's link opens the page, and opening it consumes nothing", async () => {
    const user = await newUser("page-reset");
    expect((await postJson("/v1/password/forgot", { email: user.email })).status).toBe(202);
    const [mail] = await waitForMail(user.email, /^Reset your password$/);
    const link = linkIn(mail as SinkMail);
    expectPage(await open(link));
    await open(link);
    const password = "a page-chosen passphrase, long enough";
    const token = tokenFrom(mail as SinkMail, "/reset-password");
    expect((await postJson("/v1/password/reset", { token, password })).status).toBe(200);
    expect((await loginWith(user.email, password)).status).toBe(200);
  });

  it("other methods and paths stay the API's JSON errors (405 for a page's path, else 404)", async () => {
    for (const [method, path, status, error] of [
      ["POST", "/verify-email", 405, "method_not_allowed"],
      ["DELETE", "/reset-password", 405, "method_not_allowed"],
      ["GET", "/verify-email/", 404, "not_found"],
      ["GET", "/pages/other.js", 404, "not_found"],
    ] as const) {
      const res = await call(path, { method });
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(await res.json()).toMatchObject({ error });
      expect(res.headers.get("content-security-policy")).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    }
  });

  it("do not exist without EMAIL_API_KEY, like the endpoints they post to", async () => {
    for (const path of [...PAGES, "/pages/recovery.js"]) {
      expect((await callWithEnv({}, path)).status).toBe(200);
      const res = await callWithEnv({ EMAIL_API_KEY: undefined }, path);
      expect(res.status).toBe(404);
    }
  });
});
