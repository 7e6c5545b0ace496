import type { AccessTokenClaims } from "./tokens/claims";

/**
 * Whether the authentication behind a token is recent enough for a sensitive
 * change (RFC 9470 §3 `max_age`): its `auth_time` within `maxAgeSeconds`.
 * A token without `auth_time` (a session begun before it was recorded) is not.
 */
export function isRecentAuthentication(
  claims: Pick<AccessTokenClaims, "auth_time">,
  nowMs: number,
  maxAgeSeconds: number,
): boolean {
  const at = claims.auth_time;
  return typeof at === "number" && Math.floor(nowMs / 1000) - at <= maxAgeSeconds;
}
