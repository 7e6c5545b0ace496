import { errors, jwtVerify, SignJWT } from "jose";
import type { Clock } from "../../ports";
import {
  type AccessTokenClaims,
  CLOCK_SKEW_SECONDS,
  isAccessTokenClaims,
  REQUIRED_CLAIMS,
  type VerifyFailure,
  type VerifyResult,
  type VerifySettings,
} from "./claims";
import type { SigningKeySet } from "./signing-keys";

// RFC 9068 §2.1: access tokens are typed "at+jwt" so they cannot be confused
// with ID tokens or other JWTs signed by the same keys.
const TYP = "at+jwt";

export function signJwt(keys: SigningKeySet, claims: AccessTokenClaims): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "EdDSA", typ: TYP, kid: keys.current.kid })
    .sign(keys.current.privateKey);
}

/**
 * Verifies a JWT access token with every parameter pinned (RFC 8725 §3.1,
 * §3.8, §3.11): the algorithm, issuer, audience, type and a maximum age. The
 * key comes only from our own set by `kid`; `jwk`, `jku` and `x5u` headers are
 * never consulted, and unknown `crit` parameters are rejected by jose.
 */
export async function verifyJwt(
  keys: SigningKeySet,
  settings: VerifySettings,
  clock: Clock,
  token: string,
): Promise<VerifyResult> {
  if (token.length > 4096 || token.split(".").length !== 3)
    return { ok: false, reason: "malformed" };
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = typeof header.kid === "string" ? keys.byKid.get(header.kid) : undefined;
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key.publicKey;
      },
      {
        algorithms: ["EdDSA"],
        issuer: settings.issuer,
        audience: settings.audience,
        typ: TYP,
        // jose adds clockTolerance on top: the oldest accepted iat is ttl + skew ago.
        maxTokenAge: settings.ttlSeconds,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: REQUIRED_CLAIMS,
        currentDate: new Date(clock.now()),
      },
    );
    if (!isAccessTokenClaims(payload)) return { ok: false, reason: "invalid_claims" };
    return { ok: true, claims: payload };
  } catch (err) {
    return { ok: false, reason: classify(err) };
  }
}

// Branch on jose's error classes, never on messages.
function classify(err: unknown): VerifyFailure {
  if (err instanceof errors.JWTExpired) return "expired";
  if (err instanceof errors.JWTClaimValidationFailed) return "invalid_claims";
  if (err instanceof errors.JWSSignatureVerificationFailed) return "invalid_signature";
  if (err instanceof errors.JWKSNoMatchingKey) return "invalid_signature";
  return "malformed";
}
