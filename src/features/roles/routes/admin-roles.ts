import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { authErrors } from "../../../auth/errors";
import { covers, isGrant } from "../../../auth/permissions";
import { adminAccess } from "../../../middleware/admin-access";
import { UUID } from "../../../routes/fields";
import { describeRoute } from "../../../routes/openapi/route-doc";
import { jsonBody } from "../../../routes/validate";
import { roleErrors } from "../errors";
import { MAX_PERMISSIONS_PER_ROLE, MAX_ROLES_PER_USER, ROLE_NAME } from "../permissions";
import { propagateRoles } from "../session-roles";

const RoleBody = z.object({
  name: z.string().regex(ROLE_NAME, "lowercase, at most 32 characters"),
  description: z.string().trim().min(1).max(200),
  permissions: z
    .array(z.string().refine(isGrant, "resource:action, `*` wildcards"))
    .min(1)
    .max(MAX_PERMISSIONS_PER_ROLE),
});

// For the OpenAPI document: the path parameters (a malformed one is a 404,
// as an unknown one is) and the bodies these routes answer.
const UserParams = z.object({ id: z.uuid() });
const UserRoleParams = UserParams.extend({ role: z.string().regex(ROLE_NAME) });
const RoleListSchema = z.strictObject({
  roles: z.array(
    z.strictObject({
      name: z.string(),
      description: z.string(),
      permissions: z.array(z.string()),
      built_in: z.boolean(),
    }),
  ),
});
const CreatedRoleSchema = z.strictObject({ name: z.string() });
const UserGrantsSchema = z.strictObject({
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  version: z.number().int().describe("how many times the user's roles changed (`roles_ver`)"),
});

const auth = authErrors.specs;
// adminAccess: no credentials, a bad token, a person without the permission;
// with stepUp, a person who has not authenticated recently (RFC 9470).
const accessErrors = [auth.credentials_required, auth.invalid_access_token, auth.forbidden];
const changeErrors = [...accessErrors, auth.insufficient_user_authentication];

function userAndRole(c: Context<AppEnv>): { userId: string; role: string } {
  const userId = c.req.param("id") ?? "";
  const role = c.req.param("role") ?? "";
  if (!UUID.test(userId)) throw authErrors.error("user_not_found");
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
  const found = await c.get("services").roles.role(role);
  if (!found) throw roleErrors.error("unknown_role");
  if (!found.permissions.every((p) => covers(actor.grants, p))) {
    throw authErrors.error("forbidden", { reason: "grant_beyond_own" });
  }
}

/**
 * Roles and their holders (README "Roles and permissions"). The admin key
 * bootstraps the first admin; after that, people with the right roles.
 */
export const adminRoleRoutes = new Hono<AppEnv>()
  .get(
    "/v1/admin/roles",
    describeRoute({
      tag: "admin",
      summary: "List the roles and what they grant",
      security: ["adminKey", "bearer"],
      responses: { 200: { description: "every role", schema: RoleListSchema } },
      errors: accessErrors,
      limited: true,
    }),
    adminAccess("roles:read", { stepUp: false }),
    async (c) => {
      const list = await c.get("services").roles.listRoles();
      return c.json({
        roles: list.map((r) => ({
          name: r.name,
          description: r.description,
          permissions: r.permissions,
          built_in: r.builtIn,
        })),
      });
    },
  )
  .post(
    "/v1/admin/roles",
    describeRoute({
      tag: "admin",
      summary: "Create a role",
      description:
        "A person (step-up, RFC 9470) may create only a role within their own grants; the admin key any.",
      security: ["adminKey", "bearer"],
      responses: { 201: { description: "created", schema: CreatedRoleSchema } },
      errors: [...changeErrors, roleErrors.specs.role_exists],
      limited: true,
    }),
    adminAccess("roles:write", { stepUp: true }),
    jsonBody(RoleBody),
    async (c) => {
      const body = c.req.valid("json");
      const actor = c.get("actor");
      if (actor.kind === "user" && !body.permissions.every((p) => covers(actor.grants, p))) {
        throw authErrors.error("forbidden", { reason: "grant_beyond_own" });
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
  .get(
    "/v1/admin/users/:id/roles",
    describeRoute({
      tag: "admin",
      summary: "The roles a user holds and the permissions they grant",
      security: ["adminKey", "bearer"],
      params: UserParams,
      responses: { 200: { description: "the user's grants", schema: UserGrantsSchema } },
      errors: [...accessErrors, authErrors.specs.user_not_found],
      limited: true,
    }),
    adminAccess("users:read", { stepUp: false }),
    async (c) => {
      const userId = c.req.param("id");
      if (!UUID.test(userId)) throw authErrors.error("user_not_found");
      return c.json(await c.get("services").roles.grantsOf(userId));
    },
  )
  .put(
    "/v1/admin/users/:id/roles/:role",
    describeRoute({
      tag: "admin",
      summary: "Give a user a role",
      description:
        "Idempotent. A person (step-up, RFC 9470) may hand out only a role within their own grants. The user's live sessions name the new roles from their next refresh.",
      security: ["adminKey", "bearer"],
      params: UserRoleParams,
      responses: { 204: { description: "the user holds the role" } },
      errors: [
        ...changeErrors,
        authErrors.specs.user_not_found,
        roleErrors.specs.unknown_role,
        roleErrors.specs.too_many_roles,
      ],
      limited: true,
    }),
    adminAccess("roles:assign", { stepUp: true }),
    async (c) => {
      const { userId, role } = userAndRole(c);
      await mayGrant(c, role);
      const services = c.get("services");
      const actor = c.get("actor");
      const outcome = await services.roles.assign(userId, role, actor.id, MAX_ROLES_PER_USER);
      if (outcome === "unknown_user") throw authErrors.error("user_not_found");
      if (outcome === "unknown_role") throw roleErrors.error("unknown_role");
      if (outcome === "too_many") throw roleErrors.error("too_many_roles");
      if (outcome === "assigned") {
        services.audit.record({ type: "role_assigned", userId, details: { role, by: actor.id } });
        await propagateRoles(rolesDeps(c), userId);
      }
      return c.body(null, 204);
    },
  )
  .delete(
    "/v1/admin/users/:id/roles/:role",
    describeRoute({
      tag: "admin",
      summary: "Take a role from a user",
      description:
        "A person (step-up, RFC 9470) may take away only a role within their own grants; the last holder of `admin` keeps it. The user's live sessions name the remaining roles from their next refresh.",
      security: ["adminKey", "bearer"],
      params: UserRoleParams,
      responses: { 204: { description: "the user no longer holds the role" } },
      errors: [
        ...changeErrors,
        authErrors.specs.user_not_found,
        roleErrors.specs.unknown_role,
        roleErrors.specs.last_admin,
      ],
      limited: true,
    }),
    adminAccess("roles:assign", { stepUp: true }),
    async (c) => {
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
    },
  );
