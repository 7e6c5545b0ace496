import { type AccountDeps, hashNewPassword } from "../../auth/accounts";
import { changeCredentials } from "../../auth/credential-change";
import { authErrors } from "../../auth/errors";
import { markEmailVerified, type SessionDeps } from "../../auth/sessions";
import { accountKey } from "../../auth/throttle";
import type { AuthError } from "../../errors";
import { errorName, log } from "../../log";
import type { MailJobs } from "../../mail";
import type { AccountGuard } from "../../ports";
import { recoveryErrors } from "./errors";
import type { RecoveryTokenStore } from "./ports";
import { parseRecoveryToken } from "./recovery-token";

/** One answer for unknown, used, expired and stale tokens. */
export const invalidRecoveryToken = (): AuthError => recoveryErrors.error("invalid_token");

/**
 * POST /v1/password/forgot. Always enqueues, whatever the address: the consumer
 * looks the account up, so neither the answer nor its timing tells whether the
 * account exists.
 */
export async function requestPasswordReset(jobs: MailJobs, email: string): Promise<void> {
  await jobs.enqueue({ kind: "password_reset_request", email });
  // Not audited here: the request names no known user (the consumer looks it up).
}

export interface ResetDeps {
  account: Pick<AccountDeps, "passwords" | "minPasswordLength" | "breached">;
  tokens: RecoveryTokenStore;
  sessions: SessionDeps;
  guard: AccountGuard;
  jobs: MailJobs;
  revokeSessions: boolean;
}

/**
 * Sets a new password with a reset token. The token is consumed and the
 * password changes in one statement, so of any number of concurrent replays
 * exactly one succeeds; that statement also marks the address verified (the
 * link proved it) and ends the other outstanding tokens and legacy sessions.
 * Every session ends (unless configured otherwise), in the order that makes a
 * partial failure safe to repeat (auth/credential-change.ts); the account's
 * failure count is cleared and the owner is told.
 */
export async function resetPassword(
  deps: ResetDeps,
  input: { token: string; password: string },
): Promise<void> {
  const tokenHash = await parseRecoveryToken(input.token);
  // A cheap look first, so a bad token never costs a password hash.
  const owner = tokenHash ? await deps.tokens.usableResetOwner(tokenHash) : null;
  if (!tokenHash || !owner) throw invalidRecoveryToken();
  const passwordHash = await hashNewPassword(deps.account, input.password);
  const consumed = await changeCredentials(
    deps.sessions,
    {
      userId: owner,
      endSessions: deps.revokeSessions,
      reason: "password_reset",
      auditLogoutAll: true,
    },
    () => deps.tokens.consumeReset(tokenHash, passwordHash),
  );
  if (!consumed) throw invalidRecoveryToken();
  deps.sessions.audit.record({
    type: "password_reset",
    userId: consumed.userId,
    details: { sessions_revoked: deps.revokeSessions },
  });
  // NIST backoff state belongs to the old password: the owner proved control of the mailbox.
  await deps.guard.clearFailures(await accountKey(consumed.email));
  await deps.jobs.enqueue({ kind: "password_changed", userId: consumed.userId });
}

export interface VerifyDeps {
  tokens: RecoveryTokenStore;
  jobs: MailJobs;
  sessions: SessionDeps;
}

/**
 * POST /v1/email/verify: consumes a verification token. A registration token
 * verifies the address; an email-change token makes the new address the
 * account's (verified) and tells the previous address.
 */
export async function verifyEmail(deps: VerifyDeps, token: string): Promise<{ userId: string }> {
  const tokenHash = await parseRecoveryToken(token);
  const consumed = tokenHash ? await deps.tokens.consumeVerification(tokenHash) : null;
  if (consumed === "email_taken") {
    throw authErrors.error("email_taken");
  }
  if (!consumed) throw invalidRecoveryToken();
  await tellSessions(deps.sessions, consumed.userId);
  // The addresses themselves stay out of the trail; the user id ties it together.
  const type = consumed.purpose === "change" ? "email_changed" : "email_verified";
  deps.sessions.audit.record({ type, userId: consumed.userId, details: {} });
  if (consumed.purpose === "change") {
    await deps.jobs.enqueue({
      kind: "email_changed",
      userId: consumed.userId,
      previousEmail: consumed.previousEmail,
    });
  }
  return consumed;
}

/** The verification stands even if a family cannot be told now; its claim then lags until re-login. */
async function tellSessions(deps: SessionDeps, userId: string): Promise<void> {
  try {
    await markEmailVerified(deps, userId);
  } catch (err) {
    log("warn", "sessions not told of verification", { error: errorName(err) });
  }
}
