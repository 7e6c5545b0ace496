import {
  type AttemptSource,
  confirmPassword,
  type PasswordCheckDeps,
} from "../../auth/password-check";
import type { SessionStore, UserRecord } from "../../ports";
import { socialErrors } from "./errors";

/**
 * How recent a sign-in must be to stand in for re-authentication on an
 * account without a password (OWASP ASVS 5.0 V6.2: re-authenticate before a
 * change to how one signs in).
 */
export const RECENT_SIGN_IN_SECONDS = 15 * 60;

/**
 * Proof that the person holding this session is its account's owner, before
 * another way to sign in joins it: the password where the account has one
 * (behind the usual throttle), else a sign-in within the last 15 minutes
 * (the session began then).
 */
export async function requireReauthentication(
  deps: { passwordCheck: PasswordCheckDeps; sessions: SessionStore; now: number },
  input: {
    user: UserRecord;
    sessionId: string;
    password: string | undefined;
    source: AttemptSource;
  },
): Promise<void> {
  if (input.user.passwordHash !== null) {
    if (input.password === undefined) throw socialErrors.error("reauthentication_required");
    await confirmPassword(deps.passwordCheck, input.user, input.password, input.source);
    return;
  }
  const session = await deps.sessions.findActive(
    input.sessionId,
    input.user.id,
    new Date(deps.now),
  );
  if (!session || deps.now - session.createdAt.getTime() > RECENT_SIGN_IN_SECONDS * 1000) {
    throw socialErrors.error("reauthentication_required", { reason: "sign_in_not_recent" });
  }
}
