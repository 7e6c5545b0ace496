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
  const { realm } = c.get("config");
  const header = c.req.header("authorization");
  if (!header) {
    throw authErrors.error("credentials_required", {
      headers: { "WWW-Authenticate": `Bearer realm="${realm}"` },
    });
  }
  const token = bearerOf(c);
  if (!token || !B64TOKEN.test(token)) throw invalidToken(realm);
  const result = await c.get("services").checkAccessToken(token);
  if (!result.ok) throw invalidToken(realm);
  c.set("claims", result.claims);
  await next();
});
