import type { Clock } from "../../ports";
import type { SessionClaims } from "../refresh/types";

/**
 * Claims of an access token (RFC 9068 §2.2), in either format: the standard
 * ones, and the family's claims snapshot (SessionClaims: `email_verified`,
 * and whatever a feature adds there), absent only in tokens minted before a
 * claim existed.
 */
export interface AccessTokenClaims extends Partial<SessionClaims> {
  iss: string;
  aud: string;
  sub: string;
  client_id: string;
  /** The refresh family (session) this token belongs to; revocation keys on it. */
  sid: string;
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

export type AccessTokenFormat = "jwt" | "paseto";

export interface ClaimSettings extends VerifySettings {
  clientId: string;
}

export interface AccessTokenSettings extends ClaimSettings {
  /** Format of newly issued tokens; verification accepts both. */
  format: AccessTokenFormat;
}

export type VerifyFailure = "malformed" | "invalid_signature" | "expired" | "invalid_claims";

export type VerifyResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; reason: VerifyFailure };

/** Claims every access token must carry, in either format (RFC 9068 §2.2). */
export const REQUIRED_CLAIMS = ["iss", "aud", "sub", "client_id", "sid", "iat", "exp", "jti"];

/** Tolerated clock difference between this service and its verifiers. */
export const CLOCK_SKEW_SECONDS = 30;

export function buildClaims(
  settings: ClaimSettings,
  clock: Clock,
  subject: { userId: string; sessionId: string; claims: SessionClaims },
): AccessTokenClaims {
  const iat = Math.floor(clock.now() / 1000);
  return {
    // The snapshot first: a session claim can never stand in for a standard one.
    ...subject.claims,
    iss: settings.issuer,
    aud: settings.audience,
    sub: subject.userId,
    client_id: settings.clientId,
    sid: subject.sessionId,
    iat,
    exp: iat + settings.ttlSeconds,
    jti: crypto.randomUUID(),
  };
}

/** True when a decoded payload has every claim with the right type. */
export function isAccessTokenClaims(
  p: Record<string, unknown>,
): p is Record<string, unknown> & AccessTokenClaims {
  return (
    typeof p.iss === "string" &&
    typeof p.aud === "string" &&
    typeof p.sub === "string" &&
    typeof p.client_id === "string" &&
    typeof p.sid === "string" &&
    typeof p.jti === "string" &&
    (p.email_verified === undefined || typeof p.email_verified === "boolean") &&
    (p.auth_time === undefined || Number.isSafeInteger(p.auth_time)) &&
    (p.amr === undefined ||
      (Array.isArray(p.amr) && p.amr.every((v: unknown) => typeof v === "string"))) &&
    Number.isSafeInteger(p.iat) &&
    Number.isSafeInteger(p.exp)
  );
}
