import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../app-env";
import { authErrors } from "../auth/errors";
import type { IssuedTokens } from "../auth/refresh/types";
import type { SignInOutcome } from "../auth/sign-in";

/**
 * Browser mode: the client asks for it per request (`token_transport:
 * "cookie"`). The refresh token then travels only in a `__Host-` cookie
 * (HttpOnly, Secure, SameSite=Strict, Path=/: RFC 6265bis §4.1.3.2) and never
 * in a body, so page scripts cannot read it.
 */
export const REFRESH_COOKIE = "__Host-refresh";

export type TokenTransport = "body" | "cookie";

/** RFC 6749 §5.1 token response, shaped by the transport. */
export function tokenResponse(c: Context<AppEnv>, tokens: IssuedTokens, transport: TokenTransport) {
  c.header("Cache-Control", "no-store");
  const body = {
    access_token: tokens.accessToken,
    token_type: "Bearer" as const,
    expires_in: tokens.accessExpiresIn,
    refresh_expires_in: tokens.refreshExpiresIn,
  };
  if (transport === "cookie") {
    setRefreshCookie(c, tokens);
    return c.json(body);
  }
  return c.json({ ...body, refresh_token: tokens.refreshToken });
}

/** The refresh token as the `__Host-refresh` cookie (browser mode). */
export function setRefreshCookie(c: Context<AppEnv>, tokens: IssuedTokens): void {
  setCookie(c, "refresh", tokens.refreshToken, {
    prefix: "host",
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    path: "/",
    maxAge: tokens.refreshExpiresIn,
  });
}

/**
 * The answer to a sign-in: the token pair, or (when a second factor is due) no
 * token at all, only the challenge the client answers next.
 */
export function signInResponse(
  c: Context<AppEnv>,
  outcome: SignInOutcome,
  transport: TokenTransport,
) {
  if (outcome.kind === "session") return tokenResponse(c, outcome.tokens, transport);
  c.header("Cache-Control", "no-store");
  return c.json({ mfa_required: true, mfa_token: outcome.challenge, methods: outcome.methods });
}

export function clearRefreshCookie(c: Context<AppEnv>): void {
  deleteCookie(c, "refresh", { prefix: "host", path: "/", secure: true });
}

/**
 * The refresh token of a request: from the body if present, else from the
 * cookie. A cookie is sent by the browser on its own, so cookie-authenticated
 * requests must come from an allowed Origin (CSRF); bodies are JSON-only, which
 * a cross-site form cannot send without a CORS preflight.
 */
export function refreshTokenOf(
  c: Context<AppEnv>,
  bodyToken: string | undefined,
): { token: string | undefined; transport: TokenTransport } {
  if (bodyToken !== undefined) return { token: bodyToken, transport: "body" };
  const cookie = getCookie(c, REFRESH_COOKIE);
  if (cookie === undefined) return { token: undefined, transport: "body" };
  requireAllowedOrigin(c);
  return { token: cookie, transport: "cookie" };
}

/** A request that authenticates with a cookie must come from an allowed Origin (CSRF). */
export function requireAllowedOrigin(c: Context<AppEnv>): void {
  const origin = c.req.header("origin");
  if (!origin || !c.get("config").allowedOrigins.includes(origin)) {
    throw authErrors.error("invalid_origin");
  }
}
