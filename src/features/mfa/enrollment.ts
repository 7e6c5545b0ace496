import type { AttemptSource, PasswordCheckDeps } from "../../auth/password-check";
import { confirmPassword } from "../../auth/password-check";
import { httpErrors } from "../../errors";
import type { UserRecord } from "../../ports";
import { mfaErrors } from "./errors";
import {
  newRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
} from "./recovery-codes";
import { type SecondFactorDeps, type SecondFactorProof, verifySecondFactor } from "./second-factor";
import { openSecret, sealSecret } from "./secret-box";
import { matchedStep, newTotpSecret, totpUri } from "./totp";

/**
 * Turning MFA on and off (README "Multi-factor authentication"): enroll a
 * TOTP authenticator (pending), confirm it with a code (active, recovery
 * codes shown once), regenerate the codes or disable with re-authentication.
 */

function requireKeys(deps: SecondFactorDeps): void {
  if (deps.config.keys.length === 0) {
    throw httpErrors.error("not_configured", {
      description: "multi-factor authentication is off; set MFA_ENCRYPTION_KEYS",
    });
  }
}

export async function enrollTotp(
  deps: SecondFactorDeps,
  user: UserRecord,
): Promise<{ secret: string; uri: string }> {
  requireKeys(deps);
  if (await deps.store.enabled(user.id)) throw mfaErrors.error("mfa_already_enabled");
  const secret = newTotpSecret();
  const sealed = await sealSecret(deps.config.keys, user.id, secret);
  if (!(await deps.store.begin(user.id, sealed))) throw mfaErrors.error("mfa_already_enabled");
  deps.audit.record({ type: "mfa_enrolled", userId: user.id, details: { method: "totp" } });
  return { secret, uri: totpUri(secret, deps.config.issuer, user.email) };
}

/** Activates the pending authenticator; the confirming code's step is spent. Answers the recovery codes. */
export async function confirmTotp(
  deps: SecondFactorDeps,
  userId: string,
  code: string,
): Promise<string[]> {
  requireKeys(deps);
  const record = await deps.store.totp(userId);
  if (!record) throw mfaErrors.error("no_pending_enrollment");
  if (record.confirmed) throw mfaErrors.error("mfa_already_enabled");
  const secret = await openSecret(deps.config.keys, userId, record.secret);
  const step = secret === null ? null : matchedStep(secret, code, deps.clock.now());
  if (step === null) throw mfaErrors.error("invalid_code", { reason: "wrong_code" });
  const { codes, hashes } = await freshRecoveryCodes(deps);
  if (!(await deps.store.confirm(userId, step, hashes))) {
    throw mfaErrors.error("mfa_already_enabled");
  }
  deps.audit.record({ type: "mfa_confirmed", userId, details: { method: "totp" } });
  return codes;
}

/** Re-authentication before an MFA change: the password, or a second factor. */
export interface MfaChangeProof extends SecondFactorProof {
  password?: string | undefined;
}

async function reauthenticate(
  deps: SecondFactorDeps & { passwordCheck: PasswordCheckDeps },
  user: UserRecord,
  proof: MfaChangeProof,
  source: AttemptSource,
): Promise<void> {
  if (proof.password !== undefined) {
    await confirmPassword(deps.passwordCheck, user, proof.password, source);
    return;
  }
  await verifySecondFactor(deps, user.id, proof);
}

export async function disableMfa(
  deps: SecondFactorDeps & { passwordCheck: PasswordCheckDeps },
  user: UserRecord,
  proof: MfaChangeProof,
  source: AttemptSource,
): Promise<void> {
  if (!(await deps.store.enabled(user.id))) throw mfaErrors.error("mfa_not_enabled");
  await reauthenticate(deps, user, proof, source);
  await deps.store.disable(user.id);
  deps.audit.record({ type: "mfa_disabled", userId: user.id, details: { by: "user" } });
}

export async function regenerateRecoveryCodes(
  deps: SecondFactorDeps & { passwordCheck: PasswordCheckDeps },
  user: UserRecord,
  proof: MfaChangeProof,
  source: AttemptSource,
): Promise<string[]> {
  requireKeys(deps);
  if (!(await deps.store.enabled(user.id))) throw mfaErrors.error("mfa_not_enabled");
  await reauthenticate(deps, user, proof, source);
  const { codes, hashes } = await freshRecoveryCodes(deps);
  if (!(await deps.store.replaceRecoveryCodes(user.id, hashes))) {
    throw mfaErrors.error("mfa_not_enabled");
  }
  deps.audit.record({ type: "mfa_recovery_codes_regenerated", userId: user.id, details: {} });
  return codes;
}

async function freshRecoveryCodes(deps: SecondFactorDeps) {
  const key = deps.config.keys[0];
  if (!key) throw httpErrors.error("server_misconfigured", { reason: "mfa_keys_missing" });
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = await Promise.all(
    codes.map((c) => recoveryCodeHash(key, normalizeRecoveryCode(c) as string)),
  );
  return { codes, hashes };
}
