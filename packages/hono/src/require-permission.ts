import type { Env, MiddlewareHandler } from "hono";
import type { AuthBinding, AuthClaims, AuthorizeResult } from "./binding";
import { type AuthBindingEnv, createGuard, type GuardOptions } from "./guard";
import { insufficientScope } from "./refusals";

/** `c.var.auth` after `requirePermission`: the token's claims and the roles held now. */
export interface Authorized {
  claims: AuthClaims;
  roles: string[];
}

export type RequirePermissionOptions<E extends Env> = GuardOptions<
  E,
  Pick<AuthBinding, "authorize">
>;

/**
 * edge-auth's permission grammar, `resource:action`. A permission outside it
 * can never be granted, so it is refused when the app is built rather than
 * with a 403 on every request; it also keeps the RFC 6750 `scope` attribute
 * free of characters that would need quoting.
 */
const PERMISSION = /^[a-z][a-z0-9_-]{0,31}:[a-z][a-z0-9_-]{0,31}$/;

/**
 * Lets a request through only if the token is live (revocation included)
 * and a role the user holds at this moment grants `permission`, as
 * edge-auth's `AuthService.authorize()` decides over the service binding: a
 * role removed a second ago no longer counts. Sets `c.var.auth.claims` and
 * `c.var.auth.roles`.
 *
 * ```ts
 * const app = new Hono<{ Bindings: { AUTH: AuthBinding } }>();
 * app.get("/orders", requirePermission("orders:read"), (c) =>
 *   c.json({ orders: [], for: c.var.auth.claims.sub }),
 * );
 * ```
 *
 * Refusals as `requireAuth`'s, and a token whose holder lacks the permission
 * 403 `{error: "forbidden"}` with `error="insufficient_scope"` and the
 * permission as `scope` in the challenge (RFC 6750 §3.1).
 */
export function requirePermission<E extends Env = AuthBindingEnv>(
  permission: string,
  options: RequirePermissionOptions<E> = {},
): MiddlewareHandler<E & { Variables: { auth: Authorized } }> {
  if (!PERMISSION.test(permission)) {
    throw new TypeError(`requirePermission: "${permission}" is not a resource:action permission`);
  }
  const guard = createGuard(options);
  const handler: MiddlewareHandler = async (c, next) => {
    const token = guard.token(c);
    const result: AuthorizeResult = await guard.call(c, (auth) =>
      auth.authorize(token, permission),
    );
    if (result?.allowed !== true) {
      const code = result?.reason;
      if (code === "forbidden") {
        throw guard.deny(
          c,
          { status: 403, reason: code },
          insufficientScope(guard.realmOf(c), permission),
        );
      }
      throw guard.refuse(c, code);
    }
    c.set("auth", { claims: result.claims, roles: result.roles });
    await next();
  };
  return handler;
}
