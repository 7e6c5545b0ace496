import { Hono } from "hono";
import type { AppEnv } from "../../../app-env";
import { requireAdmin } from "../../../middleware/require-admin";
import { UUID } from "../../../routes/fields";
import { mfaErrors } from "../errors";

/**
 * Support's reset of a user's second factor (the admin key), for a user who
 * lost both the authenticator and the recovery codes; audited.
 */
export const adminMfaRoutes = new Hono<AppEnv>().delete(
  "/v1/admin/users/:id/mfa",
  requireAdmin,
  async (c) => {
    const userId = c.req.param("id");
    if (!UUID.test(userId)) throw mfaErrors.error("user_not_found");
    const services = c.get("services");
    if (!(await services.mfa.disable(userId))) throw mfaErrors.error("mfa_not_enabled");
    services.audit.record({ type: "mfa_reset", userId, details: { by: "admin_key" } });
    return c.body(null, 204);
  },
);
