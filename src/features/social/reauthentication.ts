import {
  type AttemptSource,
  confirmPassword,
  type PasswordCheckDeps,
} from "../../auth/password-check";
import { isRecentAuthentication } from "../../auth/step-up";
import type { AccessTokenClaims } from "../../auth/tokens/claims";
import type { UserRecord } from "../../ports";
import { socialErrors } from "./errors";

/**
 * Proof that the person holding this token is its account's owner, before
 * another way to sign in joins it (OWASP ASVS 5.0 V6: re-authenticate before
 * changing how one signs in): the password where the account has one (behind
 * the usual throttle), else an authentication (`auth_time`) within
 * REAUTH_MAX_AGE_SECONDS.
 */
export async function requireReauthentication(
  deps: { passwordCheck: PasswordCheckDeps; now: number; maxAgeSeconds: number },
  input: {
    user: UserRecord;
    claims: AccessTokenClaims;
    password: string | undefined;
    source: AttemptSource;
  },
): Promise<void> {
  if (input.user.passwordHash !== null) {
    if (input.password === undefined) throw socialErrors.error("reauthentication_required");
    await confirmPassword(deps.passwordCheck, input.user, input.password, input.source);
    return;
  }
  if (!isRecentAuthentication(input.claims, deps.now, deps.maxAgeSeconds)) {
    throw socialErrors.error("reauthentication_required", { reason: "sign_in_not_recent" });
  }
}
