import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { authErrors } from "../auth/errors";
import type { AccessTokenClaims } from "../auth/tokens/claims";
import type { AuthError } from "../errors";
import { bearerOf } from "./bearer";

declare module "hono" {
  interface ContextVariableMap {
    claims: AccessTokenClaims;
  }
}

// RFC 6750 §2.1 b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** RFC 6750 §3.1 invalid_token, with its challenge. */
export const invalidToken = (realm: string): AuthError =>
  authErrors.error("invalid_access_token", {
    headers: { "WWW-Authenticate": `Bearer realm="${realm}", error="invalid_token"` },
  });

/**
 * RFC 6750 bearer authentication with the online revocation check. A request
 * without credentials gets a bare challenge (§3.1: no error code); a bad,
 * expired or revoked token gets `error="invalid_token"`.
 */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const result = await c.get("services").checkAccessToken(presentedToken(c));
  if (!result.ok) throw invalidToken(c.get("config").realm);
  c.set("claims", result.claims);
  await next();
});

/**
 * What `requireAuth` does, for a handler that reads something keyed by the
 * token's claims anyway: the read runs beside the revocation lookup, and its
 * value comes back only when the token is live.
 */
export async function authenticateReading<T>(
  c: Context<AppEnv>,
  read: (claims: AccessTokenClaims) => Promise<T>,
): Promise<T> {
  const result = await c.get("services").checkAccessTokenAlongside(presentedToken(c), read);
  if (!result.ok) throw invalidToken(c.get("config").realm);
  c.set("claims", result.claims);
  return result.read;
}

function presentedToken(c: Context<AppEnv>): string {
  const { realm } = c.get("config");
  if (!c.req.header("authorization")) {
    throw authErrors.error("credentials_required", {
      headers: { "WWW-Authenticate": `Bearer realm="${realm}"` },
    });
  }
  const token = bearerOf(c);
  if (!token || !B64TOKEN.test(token)) throw invalidToken(realm);
  return token;
}
