import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { authErrors } from "../auth/errors";
import { permits } from "../auth/permissions";
import { isRecentAuthentication } from "../auth/step-up";
import { bearerOf, keyRequired } from "./bearer";
import { adminKeyPresented, recordAdminKeyUse } from "./require-admin";
import { invalidToken } from "./require-auth";
import { insufficientAuthentication } from "./require-recent-auth";

/** Who is acting on an admin route: the admin key (a script) or a signed-in person with grants. */
export type Actor =
  | { kind: "admin_key"; id: "admin_key" }
  | { kind: "user"; id: string; grants: string[] };

declare module "hono" {
  interface ContextVariableMap {
    actor: Actor;
  }
}

/**
 * An admin route for the admin key or for a user whose roles grant
 * `permission` now (GrantSource: resolved from Postgres, never from the
 * token, so a role removed a second ago no longer counts). A person making a
 * change (`stepUp`) must have authenticated recently (RFC 9470). Limited per
 * client as the admin key is (adminKeyPresented), failing closed.
 */
export const adminAccess =
  (permission: string, opts: { stepUp: boolean }): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const config = c.get("config");
    const services = c.get("services");
    if (await adminKeyPresented(c)) {
      recordAdminKeyUse(c, true);
      c.set("actor", { kind: "admin_key", id: "admin_key" });
      return next();
    }
    const token = bearerOf(c);
    if (!token) throw keyRequired(config.realm, "admin key or access token");
    const checked = await services.checkAccessToken(token);
    if (!checked.ok) throw invalidToken(config.realm);
    const grants = await services.grants.grantsOf(checked.claims.sub);
    if (!permits(grants.permissions, permission)) {
      throw authErrors.error("forbidden", { reason: permission });
    }
    if (
      opts.stepUp &&
      !isRecentAuthentication(checked.claims, services.clock.now(), config.reauthMaxAgeSeconds)
    ) {
      throw insufficientAuthentication(config.realm, config.reauthMaxAgeSeconds);
    }
    c.set("actor", { kind: "user", id: checked.claims.sub, grants: grants.permissions });
    return next();
  };
