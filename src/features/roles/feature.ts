import type { Feature } from "../../feature";
import { roleFacts } from "./account-facts";
import { createPostgresRoleStore } from "./adapters/role-store";
import { rolesConfig } from "./config";
import { lastAdminDisableGuard } from "./disable-guard";
import { lastAdminGuard } from "./erasure-guard";
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
    // The core's admin routes ask who may do what through this port.
    grants: ({ services }) => services.roles,
  },
  // Every new session's tokens name the roles held at sign-in.
  sessionClaims: ({ services }) => rolesClaimSource(services.roles),
  accountFacts: ({ services }) => roleFacts(services.roles),
  erasureGuard: ({ services }) => lastAdminGuard(services.roles),
  disableGuard: ({ services }) => lastAdminDisableGuard(services.roles),
};
