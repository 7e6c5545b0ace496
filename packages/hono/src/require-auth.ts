import type { Env, MiddlewareHandler } from "hono";
import type { AuthBinding, AuthClaims, VerifyResult } from "./binding";
import { type AuthBindingEnv, createGuard, type GuardOptions } from "./guard";
import { insufficientUserAuthentication } from "./refusals";

/** `c.var.auth` after `requireAuth`. */
export interface Authenticated {
  claims: AuthClaims;
}

export interface RequireAuthOptions<E extends Env>
  extends GuardOptions<E, Pick<AuthBinding, "verify">> {
  /**
   * Step-up (RFC 9470): the user must have authenticated at most this many
   * seconds ago (the token's `auth_time`), else 401
   * `insufficient_user_authentication` with `max_age` in the challenge.
   */
  maxAge?: number;
}

/**
 * Lets a request through with any live access token: signature, claims,
 * expiry and the online revocation check, all done by edge-auth's
 * `AuthService.verify()` over the service binding. Sets `c.var.auth.claims`.
 *
 * ```ts
 * const app = new Hono<{ Bindings: { AUTH: AuthBinding } }>();
 * app.get("/me", requireAuth(), (c) => c.json({ user: c.var.auth.claims.sub }));
 * app.post("/payouts", requireAuth({ maxAge: 300 }), payout); // signed in within 5 minutes
 * ```
 *
 * Refusals: no token 401 with a bare `Bearer realm=…` challenge; a bad,
 * expired or revoked token 401 `invalid_token` (RFC 6750 §3.1); a stale
 * sign-in 401 `insufficient_user_authentication` (RFC 9470 §3); the service
 * unreachable or misconfigured 503.
 */
export function requireAuth<E extends Env = AuthBindingEnv>(
  options: RequireAuthOptions<E> = {},
): MiddlewareHandler<E & { Variables: { auth: Authenticated } }> {
  const { maxAge } = options;
  // A programming error, reported when the app is built rather than as a
  // refusal at request time.
  if (maxAge !== undefined && !(Number.isSafeInteger(maxAge) && maxAge >= 0)) {
    throw new TypeError("requireAuth: maxAge must be a whole number of seconds, 0 or more");
  }
  const guard = createGuard(options);
  const handler: MiddlewareHandler = async (c, next) => {
    const token = guard.token(c);
    const result: VerifyResult = await guard.call(c, (auth) =>
      maxAge === undefined ? auth.verify(token) : auth.verify(token, { maxAge }),
    );
    if (result?.ok !== true) {
      const code = result?.error;
      if (code === "insufficient_user_authentication" && maxAge !== undefined) {
        throw guard.deny(
          c,
          { status: 401, reason: code },
          insufficientUserAuthentication(guard.realmOf(c), maxAge),
        );
      }
      throw guard.refuse(c, code);
    }
    c.set("auth", { claims: result.claims });
    await next();
  };
  return handler;
}
