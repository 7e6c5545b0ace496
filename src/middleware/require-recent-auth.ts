import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { authErrors } from "../auth/errors";
import { isRecentAuthentication } from "../auth/step-up";

/**
 * Step-up for a sensitive change (RFC 9470), after `requireAuth`: the access
 * token's `auth_time` must be within REAUTH_MAX_AGE_SECONDS, else 401
 * `insufficient_user_authentication` with `max_age` in the challenge, which a
 * client answers by signing in again or confirming a second factor.
 */
export const requireRecentAuth = createMiddleware<AppEnv>(async (c, next) => {
  const config = c.get("config");
  const now = c.get("services").clock.now();
  if (!isRecentAuthentication(c.get("claims"), now, config.reauthMaxAgeSeconds)) {
    throw insufficientAuthentication(config.realm, config.reauthMaxAgeSeconds);
  }
  await next();
});

export const insufficientAuthentication = (realm: string, maxAge: number) =>
  authErrors.error("insufficient_user_authentication", {
    headers: {
      "WWW-Authenticate":
        `Bearer realm="${realm}", error="insufficient_user_authentication", ` +
        `error_description="A more recent authentication is required", max_age="${maxAge}"`,
    },
  });
