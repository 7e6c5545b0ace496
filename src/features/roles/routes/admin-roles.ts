import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { isRecentAuthentication } from "../../../auth/step-up";
import { bearerOf, keyRequired } from "../../../middleware/bearer";
import { adminKeyPresented, recordAdminKeyUse } from "../../../middleware/require-admin";
import { invalidToken } from "../../../middleware/require-auth";
import { insufficientAuthentication } from "../../../middleware/require-recent-auth";
import { UUID } from "../../../routes/fields";
import { jsonBody } from "../../../routes/validate";
import { covers } from "../authorization";
import { roleErrors } from "../errors";
import {
  isGrant,
  MAX_PERMISSIONS_PER_ROLE,
  MAX_ROLES_PER_USER,
  permits,
  ROLE_NAME,
} from "../permissions";
import { propagateRoles } from "../session-roles";

/** Who is acting: the admin key (a script) or a signed-in person with grants. */
type Actor =
  | { kind: "admin_key"; id: "admin_key" }
  | { kind: "user"; id: string; grants: string[] };

declare module "hono" {
  interface ContextVariableMap {
    actor: Actor;
  }
}

/**
 * An admin route for the admin key or for a user whose roles grant
 * `permission` now (resolved from Postgres, not from the token). A user
 * making a change (`stepUp`) must have authenticated recently (RFC 9470).
 * Limited per client as the admin key is (adminKeyPresented), failing closed.
 */
const allow =
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
    const grants = await services.roles.grantsOf(checked.claims.sub);
    if (!permits(grants.permissions, permission))
      throw roleErrors.error("forbidden", { reason: permission });
    if (
      opts.stepUp &&
      !isRecentAuthentication(checked.claims, services.clock.now(), config.reauthMaxAgeSeconds)
    ) {
      throw insufficientAuthentication(config.realm, config.reauthMaxAgeSeconds);
    }
    c.set("actor", { kind: "user", id: checked.claims.sub, grants: grants.permissions });
    return next();
  };

const RoleBody = z.object({
  name: z.string().regex(ROLE_NAME, "lowercase, at most 32 characters"),
  description: z.string().trim().min(1).max(200),
  permissions: z
    .array(z.string().refine(isGrant, "resource:action, `*` wildcards"))
    .min(1)
    .max(MAX_PERMISSIONS_PER_ROLE),
});

function userAndRole(c: Context<AppEnv>): { userId: string; role: string } {
  const userId = c.req.param("id") ?? "";
  const role = c.req.param("role") ?? "";
  if (!UUID.test(userId)) throw roleErrors.error("user_not_found");
  if (!ROLE_NAME.test(role)) throw roleErrors.error("unknown_role");
  return { userId, role };
}

const rolesDeps = (c: Context<AppEnv>) => {
  const services = c.get("services");
  return {
    roles: services.roles,
    sessions: services.sessions,
    families: services.families,
    now: services.clock.now(),
  };
};

/** An actor hands out only what it holds (no escalation through role assignment). */
async function mayGrant(c: Context<AppEnv>, role: string): Promise<void> {
  const actor = c.get("actor");
  if (actor.kind === "admin_key") return;
  const found = (await c.get("services").roles.listRoles()).find((r) => r.name === role);
  if (!found) throw roleErrors.error("unknown_role");
  if (!found.permissions.every((p) => covers(actor.grants, p))) {
    throw roleErrors.error("forbidden", { reason: "grant_beyond_own" });
  }
}

/**
 * Roles and their holders (README "Roles and permissions"). The admin key
 * bootstraps the first admin; after that, people with the right roles.
 */
export const adminRoleRoutes = new Hono<AppEnv>()
  .get("/v1/admin/roles", allow("roles:read", { stepUp: false }), async (c) => {
    const list = await c.get("services").roles.listRoles();
    return c.json({
      roles: list.map((r) => ({
        name: r.name,
        description: r.description,
        permissions: r.permissions,
        built_in: r.builtIn,
      })),
    });
  })
  .post(
    "/v1/admin/roles",
    allow("roles:write", { stepUp: true }),
    jsonBody(RoleBody),
    async (c) => {
      const body = c.req.valid("json");
      const actor = c.get("actor");
      if (actor.kind === "user" && !body.permissions.every((p) => covers(actor.grants, p))) {
        throw roleErrors.error("forbidden", { reason: "grant_beyond_own" });
      }
      if (!(await c.get("services").roles.createRole(body))) throw roleErrors.error("role_exists");
      c.get("services").audit.record({
        type: "role_created",
        userId: null,
        details: { role: body.name, by: actor.id },
      });
      return c.json({ name: body.name }, 201);
    },
  )
  .get("/v1/admin/users/:id/roles", allow("users:read", { stepUp: false }), async (c) => {
    const userId = c.req.param("id");
    if (!UUID.test(userId)) throw roleErrors.error("user_not_found");
    return c.json(await c.get("services").roles.grantsOf(userId));
  })
  .put("/v1/admin/users/:id/roles/:role", allow("roles:assign", { stepUp: true }), async (c) => {
    const { userId, role } = userAndRole(c);
    await mayGrant(c, role);
    const services = c.get("services");
    const actor = c.get("actor");
    const outcome = await services.roles.assign(userId, role, actor.id, MAX_ROLES_PER_USER);
    if (outcome === "unknown_user") throw roleErrors.error("user_not_found");
    if (outcome === "unknown_role") throw roleErrors.error("unknown_role");
    if (outcome === "too_many") throw roleErrors.error("too_many_roles");
    if (outcome === "assigned") {
      services.audit.record({ type: "role_assigned", userId, details: { role, by: actor.id } });
      await propagateRoles(rolesDeps(c), userId);
    }
    return c.body(null, 204);
  })
  .delete("/v1/admin/users/:id/roles/:role", allow("roles:assign", { stepUp: true }), async (c) => {
    const { userId, role } = userAndRole(c);
    await mayGrant(c, role);
    const services = c.get("services");
    const outcome = await services.roles.remove(userId, role);
    if (outcome === "not_held") throw roleErrors.error("unknown_role");
    if (outcome === "last_admin") throw roleErrors.error("last_admin");
    services.audit.record({
      type: "role_removed",
      userId,
      details: { role, by: c.get("actor").id },
    });
    await propagateRoles(rolesDeps(c), userId);
    return c.body(null, 204);
  });
