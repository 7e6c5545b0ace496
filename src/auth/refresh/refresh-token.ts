/**
 * Opaque refresh tokens: `<familyId>.<secret>.<userId>`. The family id routes
 * the token to its Durable Object without a lookup; the secret carries 256
 * random bits (../secrets.ts), of which only the SHA-256 is ever stored; the
 * user id lets the Worker read the user's not-before in the same Redis round
 * trip as the rate limit, before the object is called (the object checks that
 * it names the family's user). Tokens minted before 2026-12-07 have no user id
 * (`<familyId>.<secret>`) and still work: their object reads the not-before.
 */
import { base64url } from "../secrets";

const FAMILY_ID = /^[A-Za-z0-9_-]{22}$/; // 128 bits
const SECRET = /^[A-Za-z0-9_-]{43}$/; // 256 bits
/** A user id as Postgres prints a uuid. */
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** `<22>.<43>`, and `<22>.<43>.<36>`. */
const WITHOUT_USER_LENGTH = 66;
const WITH_USER_LENGTH = 103;

export interface RefreshTokenParts {
  familyId: string;
  secret: string;
  /** The family's user, as the token claims it; absent in tokens minted before 2026-12-07. */
  userId?: string;
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

export function formatRefreshToken(parts: Required<RefreshTokenParts>): string {
  return `${parts.familyId}.${parts.secret}.${parts.userId}`;
}

/** Malformed input gives null, never a throw. */
export function parseRefreshToken(token: unknown): RefreshTokenParts | null {
  if (typeof token !== "string") return null;
  if (token.length !== WITHOUT_USER_LENGTH && token.length !== WITH_USER_LENGTH) return null;
  const [familyId, secret, userId, ...rest] = token.split(".");
  if (!familyId || !secret || !FAMILY_ID.test(familyId) || !SECRET.test(secret)) return null;
  if (rest.length > 0) return null;
  if (userId === undefined) return { familyId, secret };
  return USER_ID.test(userId) ? { familyId, secret, userId } : null;
}
