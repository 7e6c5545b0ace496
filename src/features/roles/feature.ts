import type { Feature } from "../../feature";
import { createPostgresRoleStore } from "./adapters/role-store";
import { rolesConfig } from "./config";
import { roleErrors } from "./errors";
import { roleAuditEvents } from "./events";
import { adminRoleRoutes } from "./routes/admin-roles";
import { rolesClaimSource } from "./session-roles";

/**
 * Roles and permissions (README "Roles and permissions"): roles in Postgres,
 * checked at request time (`AuthService.authorize`, the admin routes), the
 * built-in `admin`, and assignment without escalation.
 */
export const rolesFeature: Feature = {
  name: "roles",
  config: rolesConfig,
  auditEvents: roleAuditEvents,
  errors: [roleErrors],
  routes: adminRoleRoutes,
  services: {
    roles: ({ db }) => createPostgresRoleStore(db()),
  },
  // Every new session's tokens name the roles held at sign-in.
  sessionClaims: ({ services }) => rolesClaimSource(services.roles),
};
