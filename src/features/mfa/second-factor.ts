import { checkIpLimit, guardAttempt } from "../../auth/throttle";
import { AuthError, httpErrors } from "../../errors";
import type { AccountGuard, AuditLog, Clock, RateLimiter } from "../../ports";
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
  /** The consecutive-failure streaks (the password's guard, under an MFA key per user). */
  guard: AccountGuard;
  /** The client's network (auth/client-network.ts), which the limits count per. */
  network: string;
  audit: AuditLog;
}

/**
 * Consecutive wrong second factors on an account before each further try
 * waits (60 s, doubling to an hour). With two codes valid at a time, ten
 * guesses at a million-to-one code stay far below NIST's bound of 100.
 */
export const MFA_MAX_CONSECUTIVE_FAILURES = 10;

/** The account's second-factor streak: its own key, apart from the password's. */
const streakKey = (userId: string) => `mfa:${userId}`;

/**
 * Counts one second-factor try before it is checked, twice: per network and
 * account (`mfa_account`, 10 per 15 minutes by default), so one source cannot
 * grind an account and another source's failures never throttle the owner;
 * and the account's streak of failures from anywhere (guardAttempt), so
 * guessing spread over many networks meets a growing wait that only a
 * success ends. Runs `check`; a wrong factor stays counted, anything else
 * that stops the check gives the streak's count back.
 */
export async function countedSecondFactor<T>(
  deps: Pick<SecondFactorDeps, "limiter" | "guard" | "network" | "clock">,
  userId: string,
  check: () => Promise<T>,
  isWrongFactor: (err: unknown) => boolean,
): Promise<T> {
  const now = deps.clock.now();
  await checkIpLimit(deps.limiter, "mfa_account", `${deps.network}:${userId}`, now, false);
  const attempt = await guardAttempt(
    deps.guard,
    streakKey(userId),
    deps.network,
    now,
    MFA_MAX_CONSECUTIVE_FAILURES,
  );
  let result: T;
  try {
    result = await check();
  } catch (err) {
    if (!isWrongFactor(err)) await attempt.release();
    throw err;
  }
  await attempt.succeeded();
  return result;
}

const isWrongCode = (err: unknown) => err instanceof AuthError && err.code === "invalid_code";

/** What the user typed: a TOTP code or a recovery code. */
export interface SecondFactorProof {
  code?: string | undefined;
  recoveryCode?: string | undefined;
}

/**
 * Checks a second factor of a user, spending it: a TOTP code's time step (a
 * code for the same or an earlier step than the last accepted one is
 * refused, so a code works once), or a recovery code. Every try is counted
 * before any check (countedSecondFactor), so guessing six digits is throttled
 * however many sign-in attempts and networks it is spread over.
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
  return countedSecondFactor(
    deps,
    userId,
    () => checkSecondFactor(deps, userId, proof),
    isWrongCode,
  );
}

async function checkSecondFactor(
  deps: SecondFactorDeps,
  userId: string,
  proof: SecondFactorProof,
): Promise<readonly string[]> {
  const now = deps.clock.now();
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
