import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { authErrors } from "../../../auth/errors";
import { adminAccess } from "../../../middleware/admin-access";
import { UUID } from "../../../routes/fields";
import { describeRoute } from "../../../routes/openapi/route-doc";
import { mfaErrors } from "../errors";

/**
 * Support's reset of a user's second factor, for a user who lost both the
 * authenticator and the recovery codes: the admin key, or a person whose
 * roles grant `mfa:reset`, after a recent authentication; audited with who
 * acted.
 */
export const adminMfaRoutes = new Hono<AppEnv>().delete(
  "/v1/admin/users/:id/mfa",
  describeRoute({
    tag: "admin",
    summary: "Remove a user's second factor (support reset)",
    description:
      "For a user who lost both the authenticator and the recovery codes: the admin key, or a person whose roles grant `mfa:reset` and who authenticated recently (RFC 9470). Audited with who acted.",
    security: ["adminKey", "bearer"],
    params: z.object({ id: z.string().regex(UUID) }),
    responses: { 204: { description: "the second factor is removed" } },
    errors: [
      authErrors.specs.credentials_required,
      authErrors.specs.invalid_access_token,
      authErrors.specs.forbidden,
      authErrors.specs.insufficient_user_authentication,
      authErrors.specs.user_not_found,
      mfaErrors.specs.mfa_not_enabled,
    ],
    // adminAccess limits every caller per client before it checks the key.
    limited: true,
  }),
  adminAccess("mfa:reset", { stepUp: true }),
  async (c) => {
    const userId = c.req.param("id");
    if (!UUID.test(userId)) throw authErrors.error("user_not_found");
    const services = c.get("services");
    if (!(await services.mfa.disable(userId))) {
      // Tell an unknown account from one without a second factor (the rare path).
      if (!(await services.users.findById(userId))) throw authErrors.error("user_not_found");
      throw mfaErrors.error("mfa_not_enabled");
    }
    services.audit.record({ type: "mfa_reset", userId, details: { by: c.get("actor").id } });
    return c.body(null, 204);
  },
);
