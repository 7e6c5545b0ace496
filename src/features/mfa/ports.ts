import type { SignInHow } from "../../auth/sign-in";
import type { mfaAuditEvents } from "./events";

/** A user's TOTP authenticator as stored. */
export interface TotpRecord {
  /** The sealed secret (./secret-box.ts). */
  secret: string;
  confirmed: boolean;
}

/**
 * The second factors in Postgres (implemented by ./adapters/mfa-store.ts).
 * Every method is one statement: the ones that accept a code or spend a
 * recovery code decide and write together, so of concurrent callers with the
 * same code exactly one succeeds.
 */
export interface MfaStore {
  totp(userId: string): Promise<TotpRecord | null>;
  /** Whether the account has a confirmed second factor. */
  enabled(userId: string): Promise<boolean>;
  /** Starts (or restarts) a pending enrollment; false when one is confirmed. */
  begin(userId: string, sealedSecret: string): Promise<boolean>;
  /**
   * Activates the pending authenticator with the step its confirming code
   * matched (that step is spent) and stores the recovery codes; false when
   * nothing is pending any more.
   */
  confirm(userId: string, step: number, recoveryCodeHashes: readonly string[]): Promise<boolean>;
  /** True only if `step` is after the last accepted one (and then it is the last). */
  acceptStep(userId: string, step: number): Promise<boolean>;
  /** Spends the unused recovery code stored under one of these hashes; true for one caller. */
  useRecoveryCode(userId: string, hashes: readonly string[]): Promise<boolean>;
  /** Replaces every recovery code (the old ones die); false when MFA is not enabled. */
  replaceRecoveryCodes(userId: string, hashes: readonly string[]): Promise<boolean>;
  remainingRecoveryCodes(userId: string): Promise<number>;
  /** Removes the authenticator and the recovery codes; true if there was one. */
  disable(userId: string): Promise<boolean>;
}

/** A sign-in stopped at the second factor: what finishing it needs. */
export interface PendingSecondFactor {
  userId: string;
  emailVerified: boolean;
  /** The first step's credential epoch (SigningInUser), checked again when the session is listed. */
  credentialEpoch?: string | null;
  how: SignInHow;
}

/** The `mfa_token`s (Redis): short-lived, single-use, with a count of tries. */
export interface MfaChallengeStore {
  save(tokenHash: string, pending: PendingSecondFactor, ttlSeconds: number): Promise<void>;
  peek(tokenHash: string): Promise<PendingSecondFactor | null>;
  /** Counts one try (atomically) and answers the count so far. */
  countAttempt(tokenHash: string, ttlSeconds: number): Promise<number>;
  /** Consumes it: of concurrent callers, one gets it. */
  take(tokenHash: string): Promise<PendingSecondFactor | null>;
}

declare module "../../ports" {
  interface AuditEventRegistry extends Record<(typeof mfaAuditEvents)[number], true> {}
}
