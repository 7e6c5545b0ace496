import type { Clock } from "../../ports";
import type { SessionClaims } from "../refresh/types";
import {
  type AccessTokenSettings,
  buildClaims,
  type VerifyResult,
  type VerifySettings,
} from "./claims";
import { signJwt, verifyJwt } from "./jwt";
import { signPaseto, verifyPaseto } from "./paseto";
import type { SigningKeySet } from "./signing-keys";

export type {
  AccessTokenClaims,
  AccessTokenSettings,
  VerifyResult,
  VerifySettings,
} from "./claims";

/** Issues an access token for a user's session (refresh family) in the configured format. */
export async function issueAccessToken(
  keys: SigningKeySet,
  settings: AccessTokenSettings,
  clock: Clock,
  subject: { userId: string; sessionId: string; claims: SessionClaims },
): Promise<{ token: string; expiresIn: number }> {
  const claims = buildClaims(settings, clock, subject);
  const token =
    settings.format === "paseto" ? await signPaseto(keys, claims) : await signJwt(keys, claims);
  return { token, expiresIn: settings.ttlSeconds };
}

/**
 * Local verification only (signature and claims); revocation is checked by the
 * caller. Both formats are always accepted, each with its own pinned header, so
 * switching ACCESS_TOKEN_FORMAT never invalidates a live token.
 */
export function verifyAccessToken(
  keys: SigningKeySet,
  settings: VerifySettings,
  clock: Clock,
  token: string,
): Promise<VerifyResult> {
  return token.startsWith("v4.public.")
    ? verifyPaseto(keys, settings, clock, token)
    : verifyJwt(keys, settings, clock, token);
}
