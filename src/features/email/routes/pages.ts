import type { Context } from "hono";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../../app-env";
import { httpErrors, notConfigured } from "../../../errors";
import { describeRoute } from "../../../routes/openapi/route-doc";
import {
  PAGE_SCRIPT_PATH,
  PAGE_STYLE_PATH,
  RESET_PASSWORD_PAGE,
  VERIFY_EMAIL_PAGE,
} from "./page-assets/html";
import { PAGE_SCRIPT } from "./page-assets/script";
import { PAGE_STYLE } from "./page-assets/style";

// The API's policy is default-src 'none'; a page gets back only its own
// same-origin script, style sheet and fetch (CSP Level 3), and may not be
// framed, rebased or submit a form by itself.
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
  "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/** Like the endpoints they post to, the pages exist only when email is configured. */
const emailConfigured = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("config").email) throw notConfigured("email", "EMAIL_API_KEY");
  await next();
});

// Set here, these win over the API defaults (secureHeaders runs with overwrite: false).
function page(c: Context<AppEnv>, html: string): Response {
  c.header("Content-Security-Policy", PAGE_CSP);
  c.header("X-Frame-Options", "DENY");
  // A document, unlike the API's answers: no cross-origin window that opened it
  // keeps a handle on it (HTML Standard, "Cross-origin opener policies").
  c.header("Cross-Origin-Opener-Policy", "same-origin");
  // The token is in this page's URL: no Referer may carry it anywhere (RFC 9110 §10.1.3).
  c.header("Referrer-Policy", "no-referrer");
  c.header("Cache-Control", "no-store");
  return c.html(html);
}

// Small enough to fetch every time, and never out of step with the page after a deploy.
function asset(c: Context<AppEnv>, body: string, contentType: string): Response {
  c.header("Cache-Control", "no-store");
  return c.body(body, 200, { "Content-Type": contentType });
}

/** A page or asset answers itself, or 404 while email is off (emailConfigured). */
const whenOff = [httpErrors.specs.not_configured];

/**
 * The pages that mail links open when APP_BASE_URL is this service's origin
 * (the default). A GET only shows a page and never touches the token: mail
 * scanners and link previews fetch links. The page's script posts the token
 * to the JSON API (POST /v1/email/verify, POST /v1/password/reset) when the
 * user presses the button. Paths are given per route, never with `use()`: a
 * sub-app mounted at "/" would apply it to every request.
 */
export const pages = new Hono<AppEnv>()
  .get(
    "/verify-email",
    describeRoute({
      tag: "email",
      summary: "The page a verification link opens",
      description:
        "Its button posts the link's `token` (read from the query string by the page's script, never by the server) to POST /v1/email/verify.",
      responses: { 200: { description: "the page", contentType: "text/html" } },
      errors: whenOff,
    }),
    emailConfigured,
    (c) => page(c, VERIFY_EMAIL_PAGE),
  )
  .get(
    "/reset-password",
    describeRoute({
      tag: "email",
      summary: "The page a password-reset link opens",
      description:
        "Asks for a new password and posts it with the link's `token` (read from the query string by the page's script, never by the server) to POST /v1/password/reset.",
      responses: { 200: { description: "the page", contentType: "text/html" } },
      errors: whenOff,
    }),
    emailConfigured,
    (c) => page(c, RESET_PASSWORD_PAGE),
  )
  .get(
    PAGE_SCRIPT_PATH,
    describeRoute({
      tag: "email",
      summary: "The recovery pages' script",
      responses: { 200: { description: "the script", contentType: "text/javascript" } },
      errors: whenOff,
    }),
    emailConfigured,
    (c) => asset(c, PAGE_SCRIPT, "text/javascript; charset=utf-8"),
  )
  .get(
    PAGE_STYLE_PATH,
    describeRoute({
      tag: "email",
      summary: "The recovery pages' style sheet",
      responses: { 200: { description: "the style sheet", contentType: "text/css" } },
      errors: whenOff,
    }),
    emailConfigured,
    (c) => asset(c, PAGE_STYLE, "text/css; charset=utf-8"),
  );
