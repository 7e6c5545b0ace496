import { authErrors } from "../../auth/errors";
import type { SignInGate } from "../../auth/sign-in";

/**
 * REQUIRE_EMAIL_VERIFICATION as a gate of the sign-in seam: no session for an
 * address that was never proven, whatever the way of signing in. The refusal
 * says how to get a new link without a session.
 */
export const emailVerificationGate: SignInGate = {
  async check(user) {
    if (!user.emailVerified) {
      throw authErrors.error("email_not_verified");
    }
    return null;
  },
};
