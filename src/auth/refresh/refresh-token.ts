/**
 * Opaque refresh tokens: `<familyId>.<secret>`. The family id routes the token
 * to its Durable Object without a lookup; the secret carries 256 random bits
 * (../secrets.ts), of which only the SHA-256 is ever stored.
 */
import { base64url } from "../secrets";

const FAMILY_ID = /^[A-Za-z0-9_-]{22}$/; // 128 bits
const SECRET = /^[A-Za-z0-9_-]{43}$/; // 256 bits

export interface RefreshTokenParts {
  familyId: string;
  secret: string;
}

/**
 * A family id is 6 bytes of its start time (ms, big-endian) and 10 random
 * bytes. The start time lets every access-token check compare a session with
 * the user's logout-all time at millisecond precision without a lookup (an
 * `iat` in whole seconds would also kill a login made in the same second after
 * the logout). The id is not a secret: the refresh secret is.
 */
export function newFamilyId(nowMs: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let t = nowMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  return base64url(bytes);
}

/** The start time (ms) embedded in a family id, or null if malformed. */
export function familyStartedAt(familyId: string): number | null {
  if (!FAMILY_ID.test(familyId)) return null;
  const bin = atob(`${familyId.slice(0, 8).replaceAll("-", "+").replaceAll("_", "/")}`);
  let t = 0;
  for (let i = 0; i < 6; i++) t = t * 256 + bin.charCodeAt(i);
  return t;
}

export function formatRefreshToken(parts: RefreshTokenParts): string {
  return `${parts.familyId}.${parts.secret}`;
}

/** Malformed input gives null, never a throw. */
export function parseRefreshToken(token: unknown): RefreshTokenParts | null {
  if (typeof token !== "string" || token.length !== 66) return null;
  const [familyId, secret] = token.split(".");
  if (!familyId || !secret || !FAMILY_ID.test(familyId) || !SECRET.test(secret)) return null;
  return { familyId, secret };
}
