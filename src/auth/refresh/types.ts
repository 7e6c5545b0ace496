import type { InvalidReason } from "./rotation";

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

export type RevokeResult = { revoked: true; userId: string } | { revoked: false };

/**
 * The refresh families, each the single authority over its own rotation
 * (one Durable Object per family). Concurrency contract: calls for one family
 * are serialized by its object; calls for different families are independent.
 */
export interface RefreshFamilies {
  start(familyId: string, userId: string, emailVerified: boolean): Promise<IssuedTokens>;
  rotate(familyId: string, secret: string): Promise<RotateResult>;
  /** With `secret`, revokes only if it is one of the family's tokens. */
  revoke(familyId: string, reason: string, secret?: string): Promise<RevokeResult>;
  /** What the family's next access tokens say in `email_verified`. */
  setEmailVerified(familyId: string, verified: boolean): Promise<void>;
}
