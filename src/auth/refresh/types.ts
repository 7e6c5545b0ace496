import type { InvalidReason } from "./rotation";

/**
 * What a session's access tokens say about its user besides the standard
 * claims: one snapshot per family, set at sign-in and changed through
 * `RefreshFamilies.updateClaims`, and copied into every access token the
 * family mints (auth/tokens/claims.ts). A new claim (roles, amr, auth_time) is
 * a field here, added by its feature through declaration merging, not a
 * column, an RPC and a port method of its own. Keep each one small: every
 * access token carries the whole snapshot.
 */
export interface SessionClaims {
  /** Whether the user's current address is verified (RFC 9068 profile, OIDC Core §5.1). */
  email_verified: boolean;
  /**
   * RFC 8176 §2 authentication method references of the sign-in that began
   * the session (`pwd`, `fed`): absent where the method has none to name.
   */
  amr?: string[];
  /**
   * When the user last authenticated (seconds since the epoch, OIDC Core §2):
   * the sign-in that began the session, or a later step-up. A refresh keeps it.
   * Absent in sessions begun before it existed, which then count as old.
   */
  auth_time?: number;
}

/** What a successful start or rotation hands back to the client. */
export interface IssuedTokens {
  userId: string;
  refreshToken: string;
  accessToken: string;
  accessExpiresIn: number;
  refreshExpiresIn: number;
}

export type RotateResult =
  /** `previousUseAt`: when the family was last used (ms) before this rotation. */
  | ({ outcome: "rotated"; previousUseAt: number } & IssuedTokens)
  | ({ outcome: "retried" } & IssuedTokens)
  | { outcome: "reuse"; userId: string }
  | { outcome: "invalid"; reason: InvalidReason };

/**
 * What the Worker read before calling a family's object, for the user its
 * token names: that user's logout-all time as it applies to this session (ms),
 * or null when there is none. The object uses it only if the user is the family's.
 */
export interface AdmittedSession {
  userId: string;
  notBefore: number | null;
}

export type RevokeResult = { revoked: true; userId: string } | { revoked: false };

/**
 * The refresh families, each the single authority over its own rotation
 * (one Durable Object per family). Concurrency contract: calls for one family
 * are serialized by its object; calls for different families are independent.
 */
export interface RefreshFamilies {
  start(familyId: string, userId: string, claims: SessionClaims): Promise<IssuedTokens>;
  rotate(familyId: string, secret: string, admitted?: AdmittedSession): Promise<RotateResult>;
  /** With `secret`, revokes only if it is one of the family's tokens. */
  revoke(familyId: string, reason: string, secret?: string): Promise<RevokeResult>;
  /** Changes what the family's next access tokens say; tokens already issued keep theirs. */
  updateClaims(familyId: string, patch: Partial<SessionClaims>): Promise<void>;
}
