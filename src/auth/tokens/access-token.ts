import type { Clock } from "../../ports";
import {
  type AccessTokenSettings,
  buildClaims,
  type VerifyResult,
  type VerifySettings,
} from "./claims";
import { signJwt, verifyJwt } from "./jwt";
import type { SigningKeySet } from "./signing-keys";

export type {
  AccessTokenClaims,
  AccessTokenSettings,
  VerifyResult,
  VerifySettings,
} from "./claims";

/** Issues an access token for a user's session (refresh family). */
export async function issueAccessToken(
  keys: SigningKeySet,
  settings: AccessTokenSettings,
  clock: Clock,
  subject: { userId: string; sessionId: string },
): Promise<{ token: string; expiresIn: number }> {
  const claims = buildClaims(settings, clock, subject);
  return { token: await signJwt(keys, claims), expiresIn: settings.ttlSeconds };
}

/** Local verification only (signature and claims); revocation is checked by the caller. */
export function verifyAccessToken(
  keys: SigningKeySet,
  settings: VerifySettings,
  clock: Clock,
  token: string,
): Promise<VerifyResult> {
  return verifyJwt(keys, settings, clock, token);
}
