import type { UserRecord } from "../ports";
import { authErrors } from "./errors";
import { type AttemptSource, confirmPassword, type PasswordCheckDeps } from "./password-check";
import { isRecentAuthentication } from "./step-up";
import type { AccessTokenClaims } from "./tokens/claims";

/**
 * Proof that the person holding this token is its account's owner, before
 * another way to sign in joins it, a linked provider or a passkey (OWASP ASVS
 * 5.0 V6: re-authenticate before changing how one signs in): the password
 * where the account has one (behind the usual throttle), else an
 * authentication (`auth_time`) within REAUTH_MAX_AGE_SECONDS. A token alone,
 * however fresh, does not add a way in: a token that leaked or was read by a
 * script would otherwise turn into a credential of its own.
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
    if (input.password === undefined) throw authErrors.error("reauthentication_required");
    await confirmPassword(deps.passwordCheck, input.user, input.password, input.source);
    return;
  }
  if (!isRecentAuthentication(input.claims, deps.now, deps.maxAgeSeconds)) {
    throw authErrors.error("reauthentication_required", { reason: "sign_in_not_recent" });
  }
}
