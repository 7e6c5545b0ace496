import { errors, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { Clock } from "../../ports";
import type { SigningKeySet } from "./signing-keys";

/** Claims of an access token (RFC 9068 §2.2). */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  client_id: string;
  iat: number;
  exp: number;
  jti: string;
}

export interface VerifySettings {
  issuer: string;
  audience: string;
  /** Access token lifetime; verification also caps a token's age at this plus skew. */
  ttlSeconds: number;
}

export interface AccessTokenSettings extends VerifySettings {
  clientId: string;
}

/** Tolerated clock difference between this service and its verifiers. */
const CLOCK_SKEW_SECONDS = 30;

// RFC 9068 §2.1: access tokens are typed "at+jwt" so they cannot be confused
// with ID tokens or other JWTs signed by the same keys.
const TYP = "at+jwt";

export async function issueAccessToken(
  keys: SigningKeySet,
  settings: AccessTokenSettings,
  clock: Clock,
  subject: { userId: string },
): Promise<{ token: string; expiresIn: number }> {
  const iat = Math.floor(clock.now() / 1000);
  const token = await new SignJWT({ client_id: settings.clientId })
    .setProtectedHeader({ alg: "EdDSA", typ: TYP, kid: keys.current.kid })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(subject.userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + settings.ttlSeconds)
    .setJti(crypto.randomUUID())
    .sign(keys.current.privateKey);
  return { token, expiresIn: settings.ttlSeconds };
}

export type VerifyFailure = "malformed" | "invalid_signature" | "expired" | "invalid_claims";

export type VerifyResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: VerifyFailure };

const REQUIRED = ["iss", "aud", "sub", "client_id", "iat", "exp", "jti"];

/**
 * Verifies an access token with every parameter pinned (RFC 8725 §3.1, §3.8,
 * §3.11): the algorithm, issuer, audience, type and a maximum age. The key
 * comes only from our own set by `kid`; `jwk`, `jku` and `x5u` headers are
 * never consulted, and unknown `crit` parameters are rejected by jose.
 */
export async function verifyAccessToken(
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
        maxTokenAge: settings.ttlSeconds + CLOCK_SKEW_SECONDS,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: REQUIRED,
        currentDate: new Date(clock.now()),
      },
    );
    if (!hasClaimTypes(payload)) return { ok: false, reason: "invalid_claims" };
    return { ok: true, claims: payload };
  } catch (err) {
    return { ok: false, reason: classify(err) };
  }
}

function hasClaimTypes(p: JWTPayload): p is JWTPayload & AccessTokenClaims {
  return (
    typeof p.sub === "string" &&
    typeof p.client_id === "string" &&
    typeof p.jti === "string" &&
    typeof p.aud === "string"
  );
}

// Branch on jose's stable error codes, never on messages.
function classify(err: unknown): VerifyFailure {
  if (err instanceof errors.JWTExpired) return "expired";
  if (err instanceof errors.JWTClaimValidationFailed) return "invalid_claims";
  if (err instanceof errors.JWSSignatureVerificationFailed) return "invalid_signature";
  if (err instanceof errors.JWKSNoMatchingKey) return "invalid_signature";
  return "malformed";
}
