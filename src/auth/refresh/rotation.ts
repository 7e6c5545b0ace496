/**
 * The refresh-rotation decision as a pure function of the family's state, so
 * the rules read in one place and are unit-tested with a frozen clock. The
 * Durable Object feeds it a consistent snapshot and applies the result in the
 * same synchronous step (no await between reading and writing).
 *
 * Rules (RFC 9700 §4.14.2, refresh token rotation with reuse detection):
 * - the current token → rotate: it is spent, a successor is issued;
 * - the immediately previous token, within the grace window, while its
 *   successor is still unused → an honest retry: the same successor again;
 * - any other token of the family → reuse: the whole family is revoked;
 * - an unknown token, or a dead family → invalid, and nothing changes (an
 *   unknown secret must not let anyone who knows a family id revoke it).
 */

export interface FamilySnapshot {
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number;
  revokedAt: number | null;
  /** Generation of the newest token (the only one that rotates). */
  currentGeneration: number;
}

export interface PresentedToken {
  generation: number;
  /** When this token was rotated (spent), or null if it is current. */
  rotatedAt: number | null;
}

export interface RotationPolicy {
  graceMs: number;
  /** 0 disables the idle timeout. */
  idleTimeoutMs: number;
}

export type InvalidReason = "unknown_token" | "revoked" | "expired" | "idle" | "user_logged_out";

export type RotationDecision =
  | { kind: "rotate" }
  | { kind: "retry" }
  | { kind: "reuse" }
  | { kind: "invalid"; reason: InvalidReason };

export function decideRotation(
  family: FamilySnapshot,
  token: PresentedToken | null,
  now: number,
  policy: RotationPolicy,
  /** The user's logout-all time (ms), if any: families created before it are dead. */
  userNotBefore: number | null,
): RotationDecision {
  if (family.revokedAt !== null) return { kind: "invalid", reason: "revoked" };
  if (now >= family.expiresAt) return { kind: "invalid", reason: "expired" };
  if (userNotBefore !== null && family.createdAt <= userNotBefore) {
    return { kind: "invalid", reason: "user_logged_out" };
  }
  if (!token) return { kind: "invalid", reason: "unknown_token" };
  if (policy.idleTimeoutMs > 0 && now - family.lastUsedAt > policy.idleTimeoutMs) {
    return { kind: "invalid", reason: "idle" };
  }
  if (token.generation === family.currentGeneration && token.rotatedAt === null)
    return { kind: "rotate" };
  const immediatelyPrevious = token.generation === family.currentGeneration - 1;
  // A zero window means no retries at all, not "retries within the same millisecond".
  const inWindow =
    policy.graceMs > 0 && token.rotatedAt !== null && now - token.rotatedAt <= policy.graceMs;
  if (immediatelyPrevious && inWindow) return { kind: "retry" };
  return { kind: "reuse" };
}
