import { checkIpLimit } from "../../auth/throttle";
import { httpErrors } from "../../errors";
import type { AuditLog, Clock, RateLimiter } from "../../ports";
import type { MfaConfig } from "./config";
import { mfaErrors } from "./errors";
import type { MfaStore } from "./ports";
import { candidateHashes } from "./recovery-codes";
import { openSecret } from "./secret-box";
import { matchedStep } from "./totp";

export interface SecondFactorDeps {
  store: MfaStore;
  config: MfaConfig;
  clock: Clock;
  limiter: RateLimiter;
  audit: AuditLog;
}

/** What the user typed: a TOTP code or a recovery code. */
export interface SecondFactorProof {
  code?: string | undefined;
  recoveryCode?: string | undefined;
}

/**
 * Checks a second factor of a user, spending it: a TOTP code's time step (a
 * code for the same or an earlier step than the last accepted one is
 * refused, so a code works once), or a recovery code. Wrong tries count
 * against the user's `mfa_account` limit before any check, so guessing six
 * digits is throttled however many sign-in attempts it is spread over.
 * Answers the RFC 8176 method references it proves.
 */
export async function verifySecondFactor(
  deps: SecondFactorDeps,
  userId: string,
  proof: SecondFactorProof,
): Promise<readonly string[]> {
  if ((proof.code === undefined) === (proof.recoveryCode === undefined)) {
    throw httpErrors.error("invalid_request", { description: "send code or recovery_code" });
  }
  const now = deps.clock.now();
  await checkIpLimit(deps.limiter, "mfa_account", userId, now, false);
  if (deps.config.keys.length === 0) {
    throw httpErrors.error("server_misconfigured", { reason: "mfa_keys_missing" });
  }
  if (proof.code !== undefined) {
    const record = await deps.store.totp(userId);
    if (!record?.confirmed) throw mfaErrors.error("mfa_not_enabled");
    const secret = await openSecret(deps.config.keys, userId, record.secret);
    if (secret === null)
      throw httpErrors.error("server_misconfigured", { reason: "mfa_secret_unreadable" });
    const step = matchedStep(secret, proof.code, now);
    if (step === null) throw failed(deps, userId, "wrong_code");
    if (!(await deps.store.acceptStep(userId, step))) throw failed(deps, userId, "replayed_code");
    deps.audit.record({ type: "mfa_succeeded", userId, details: { method: "totp" } });
    return ["otp"];
  }
  const hashes = await candidateHashes(deps.config.keys, proof.recoveryCode as string);
  if (!(await deps.store.useRecoveryCode(userId, hashes))) {
    throw failed(deps, userId, "wrong_recovery_code");
  }
  const remaining = await deps.store.remainingRecoveryCodes(userId);
  deps.audit.record({ type: "mfa_recovery_code_used", userId, details: { remaining } });
  // A recovery code is a single-use look-up secret; RFC 8176's nearest value is `otp`.
  return ["otp"];
}

function failed(deps: SecondFactorDeps, userId: string, reason: string) {
  deps.audit.record({ type: "mfa_failed", userId, details: { reason } });
  return mfaErrors.error("invalid_code", { reason });
}
