/**
 * Access tokens as PASETO v4.public, with the same claims and checks as ./jwt.
 *
 * - Format and signatures: ./paseto-v4 (own code on WebCrypto Ed25519; that
 *   file's header says why not the `paseto` package).
 * - Claims: PASETO registered claims (docs/02-Implementation-Guide/
 *   04-Claims.md) carry `exp`, `iat`, `nbf` as ISO 8601 date-times; ours are
 *   numeric seconds, so they are converted on both sides and the verified
 *   result has exactly the JWT's shape.
 * - Footer: exactly `{"kid":"k4.pid.…"}`, the PASERK ID of the signing key
 *   (Implementation Guide 01-Payload-Processing.md "Key-ID Support"). The key
 *   is looked up only by that ID in our own set; the implicit assertion is empty.
 */
import type { Clock } from "../../ports";
import { utf8 } from "../../utf8";
import {
  type AccessTokenClaims,
  CLOCK_SKEW_SECONDS,
  isAccessTokenClaims,
  REQUIRED_CLAIMS,
  type VerifyFailure,
  type VerifyResult,
  type VerifySettings,
} from "./claims";
import { paserkPublic } from "./paserk";
import { parseV4Public, signV4Public, verifyV4PublicParts } from "./paseto-v4";
import type { SigningKey, SigningKeySet } from "./signing-keys";

export { type PaserkPublic, paserkPublic } from "./paserk";
export { signV4Public, verifyV4Public } from "./paseto-v4";

const MAX_TOKEN_LENGTH = 4096;
// The whole footer, byte for byte: no other fields, no whitespace, no escapes.
// 33 BLAKE2b bytes are exactly 44 base64url characters (PASERK operations/ID.md).
const FOOTER = /^\{"kid":"(k4\.pid\.[A-Za-z0-9_-]{44})"\}$/;
// RFC 3339 §5.6 date-time without fractions: we only issue whole seconds.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:Z|([+-])(\d{2}):(\d{2}))$/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Signs access-token claims with the current key. */
export async function signPaseto(keys: SigningKeySet, claims: AccessTokenClaims): Promise<string> {
  const { kid } = await paserkPublic(keys.current);
  const payload = { ...claims, iat: toDateTime(claims.iat), exp: toDateTime(claims.exp) };
  return signV4Public(keys.current.privateKey, utf8(JSON.stringify(payload)), {
    footer: JSON.stringify({ kid }),
  });
}

/**
 * Verifies a PASETO access token with every parameter pinned, like verifyJwt:
 * only v4.public, only our keys by footer `kid`, then issuer, audience, the
 * claim types, `exp`/`nbf` with CLOCK_SKEW_SECONDS and a maximum age of
 * `ttlSeconds + CLOCK_SKEW_SECONDS` from `iat`, the same bound verifyJwt
 * applies. Failures map to the reasons verifyJwt gives. Never throws.
 */
export async function verifyPaseto(
  keys: SigningKeySet,
  settings: VerifySettings,
  clock: Clock,
  token: string,
): Promise<VerifyResult> {
  const parts = token.length > MAX_TOKEN_LENGTH ? null : parseV4Public(token);
  const kid = parts && footerKid(parts.footer);
  if (!parts || !kid) return fail("malformed");
  const key = (await keysByPid(keys)).get(kid);
  if (!key || !(await verifyV4PublicParts(key.publicKey, parts))) return fail("invalid_signature");
  const payload = parseObject(parts.message);
  if (!payload) return fail("malformed");
  return checkClaims(payload, settings, Math.floor(clock.now() / 1000));
}

const fail = (reason: VerifyFailure): VerifyResult => ({ ok: false, reason });

function footerKid(footer: Uint8Array): string | null {
  try {
    return FOOTER.exec(strictUtf8.decode(footer))?.[1] ?? null;
  } catch {
    return null;
  }
}

// pid -> key for a key set, built once per set (the set lives for the isolate).
const indexes = new WeakMap<SigningKeySet, Promise<Map<string, SigningKey>>>();

function keysByPid(keys: SigningKeySet): Promise<Map<string, SigningKey>> {
  let index = indexes.get(keys);
  if (!index) {
    index = Promise.all(keys.all.map(async (k) => [(await paserkPublic(k)).kid, k] as const)).then(
      (entries) => new Map(entries),
    );
    indexes.set(keys, index);
    index.catch(() => indexes.delete(keys));
  }
  return index;
}

function parseObject(message: Uint8Array): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(strictUtf8.decode(message));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The same checks, in the same order and with the same outcomes, as jose in verifyJwt. */
function checkClaims(
  payload: Record<string, unknown>,
  settings: VerifySettings,
  now: number,
): VerifyResult {
  if (REQUIRED_CLAIMS.some((name) => !Object.hasOwn(payload, name))) return fail("invalid_claims");
  const iat = fromDateTime(payload.iat);
  const exp = fromDateTime(payload.exp);
  const nbf = payload.nbf === undefined ? undefined : fromDateTime(payload.nbf);
  if (iat === null || exp === null || nbf === null) return fail("invalid_claims");
  if (payload.iss !== settings.issuer || payload.aud !== settings.audience) {
    return fail("invalid_claims");
  }
  if (nbf !== undefined && nbf > now + CLOCK_SKEW_SECONDS) return fail("invalid_claims");
  if (exp <= now - CLOCK_SKEW_SECONDS) return fail("expired");
  const age = now - iat;
  if (age > settings.ttlSeconds + CLOCK_SKEW_SECONDS) return fail("expired");
  if (age < -CLOCK_SKEW_SECONDS) return fail("invalid_claims");
  // Every claim the token carries, as a JWT's payload would have it: the
  // session's snapshot (email_verified, amr, auth_time, a feature's roles…)
  // and the standard ones, with PASETO's date-times as NumericDates.
  const { nbf: _nbf, ...carried } = payload;
  const claims = { ...carried, iat, exp };
  return isAccessTokenClaims(claims) ? { ok: true, claims } : fail("invalid_claims");
}

/** Seconds since the epoch as an RFC 3339 UTC date-time, e.g. 2026-11-22T10:00:00Z. */
function toDateTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

/** An RFC 3339 date-time (any offset, whole seconds) as seconds since the epoch, else null. */
function fromDateTime(value: unknown): number | null {
  const m = typeof value === "string" ? DATE_TIME.exec(value) : null;
  if (!m) return null;
  const n = (i: number): number => Number(m[i] ?? 0);
  const [y, mo, d, h, mi, s, oh, om] = [n(1), n(2), n(3), n(4), n(5), n(6), n(8), n(9)];
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s);
  // Round-tripping the fields rejects 2026-02-30, 24:00:00 and leap second 60.
  const back = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  back.push(date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds());
  if (back.join() !== [y, mo, d, h, mi, s].join() || oh > 23 || om > 59) return null;
  const offset = (m[7] === "-" ? -1 : 1) * (oh * 3600 + om * 60);
  return date.getTime() / 1000 - offset;
}
