import { Hono } from "hono";
import type { AppEnv } from "../../../app-env";
import { adminAccess } from "../../../middleware/admin-access";
import { UUID } from "../../../routes/fields";
import { mfaErrors } from "../errors";

/**
 * Support's reset of a user's second factor, for a user who lost both the
 * authenticator and the recovery codes: the admin key, or a person whose
 * roles grant `mfa:reset`, after a recent authentication; audited with who
 * acted.
 */
export const adminMfaRoutes = new Hono<AppEnv>().delete(
  "/v1/admin/users/:id/mfa",
  adminAccess("mfa:reset", { stepUp: true }),
  async (c) => {
    const userId = c.req.param("id");
    if (!UUID.test(userId)) throw mfaErrors.error("user_not_found");
    const services = c.get("services");
    if (!(await services.mfa.disable(userId))) throw mfaErrors.error("mfa_not_enabled");
    services.audit.record({ type: "mfa_reset", userId, details: { by: c.get("actor").id } });
    return c.body(null, 204);
  },
);
