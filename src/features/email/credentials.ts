import { hashNewPassword } from "../../auth/accounts";
import { changeCredentials } from "../../auth/credential-change";
import { authErrors } from "../../auth/errors";
import {
  type AttemptSource,
  confirmPassword,
  type PasswordCheckDeps,
} from "../../auth/password-check";
import type { SessionDeps } from "../../auth/sessions";
import { invalidRequest } from "../../errors";
import type { MailJobs } from "../../mail";
import type { RecoveryTokenStore } from "./ports";

export interface CredentialDeps {
  account: PasswordCheckDeps;
  tokens: RecoveryTokenStore;
  sessions: SessionDeps;
  jobs: MailJobs;
}

/** The signed-in caller, and where the request comes from (for the password throttle). */
export interface Caller {
  userId: string;
  source: AttemptSource;
}

/**
 * The signed-in user, re-authenticated with their current password (one lookup,
 * by id), throttled like a login.
 */
async function reauthenticate(deps: CredentialDeps, caller: Caller, password: string) {
  const user = await deps.account.users.findById(caller.userId);
  if (!user) throw authErrors.error("account_gone");
  return confirmPassword(deps.account, user, password, caller.source);
}

/**
 * POST /v1/password/change: needs the current password; the new one meets the
 * policy. Outstanding reset and email-change tokens and unexchanged legacy
 * sessions die with the old password; the user's other sessions end unless
 * they ask to keep them (auth/credential-change.ts); the owner is told by mail.
 */
export async function changePassword(
  deps: CredentialDeps,
  caller: Caller & { sessionId: string },
  input: { currentPassword: string; newPassword: string; revokeOtherSessions: boolean },
): Promise<void> {
  await reauthenticate(deps, caller, input.currentPassword);
  const passwordHash = await hashNewPassword(deps.account, input.newPassword);
  await changeCredentials(
    deps.sessions,
    {
      userId: caller.userId,
      endSessions: input.revokeOtherSessions,
      keepSessionId: caller.sessionId,
      reason: "password_changed",
    },
    () => deps.account.users.setPassword(caller.userId, passwordHash),
  );
  deps.sessions.audit.record({
    type: "password_changed",
    userId: caller.userId,
    details: { other_sessions_revoked: input.revokeOtherSessions },
  });
  await deps.jobs.enqueue({ kind: "password_changed", userId: caller.userId });
}

/**
 * POST /v1/email/change: needs the current password. Nothing changes yet: a
 * link goes to the new address (and a notice to the current one); the change
 * happens when that link's token comes back to POST /v1/email/verify.
 */
export async function requestEmailChange(
  deps: CredentialDeps,
  caller: Caller,
  input: { password: string; newEmail: string },
): Promise<void> {
  const user = await reauthenticate(deps, caller, input.password);
  if (user.email.toLowerCase() === input.newEmail.toLowerCase()) {
    throw invalidRequest("this is already the account's address");
  }
  // Only a signed-in user who knows the password learns this, as at registration.
  if (await deps.account.users.findByEmail(input.newEmail)) {
    throw authErrors.error("email_taken");
  }
  deps.sessions.audit.record({ type: "email_change_requested", userId: user.id, details: {} });
  await deps.jobs.enqueue({
    kind: "email_change",
    userId: user.id,
    newEmail: input.newEmail,
    ...(user.credentialEpoch !== undefined ? { credentialEpoch: user.credentialEpoch } : {}),
  });
}
