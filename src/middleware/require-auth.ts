import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { type AccessTokenClaims, verifyAccessToken } from "../auth/tokens/access-token";
import { AuthError } from "../errors";

declare module "hono" {
  interface ContextVariableMap {
    claims: AccessTokenClaims;
  }
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/;

/**
 * RFC 6750 bearer authentication. A request without credentials gets a bare
 * challenge (§3.1: no error code); a bad token gets `error="invalid_token"`.
 */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const { realm, issuer, audience, accessTokenTtlSeconds } = c.get("config");
  const header = c.req.header("authorization");
  if (!header) {
    throw new AuthError("unauthorized", 401, "a bearer token is required", {
      "WWW-Authenticate": `Bearer realm="${realm}"`,
    });
  }
  const token = BEARER.exec(header)?.[1];
  const services = c.get("services");
  const result = token
    ? await verifyAccessToken(
        await services.signingKeys(),
        { issuer, audience, ttlSeconds: accessTokenTtlSeconds },
        services.clock,
        token,
      )
    : ({ ok: false, reason: "malformed" } as const);
  if (!result.ok) {
    throw new AuthError("invalid_token", 401, "the access token is invalid or expired", {
      "WWW-Authenticate": `Bearer realm="${realm}", error="invalid_token"`,
    });
  }
  c.set("claims", result.claims);
  await next();
});
