import { Secret, TOTP } from "otpauth";

/**
 * RFC 6238 TOTP with the parameters every authenticator app understands
 * (SHA-1, 6 digits, 30 s), through otpauth. Its `validate` answers the
 * matched step's offset, which replay prevention needs.
 */
export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
/** 160 bits, RFC 4226 §4's recommended shared-secret length. */
const SECRET_BYTES = 20;

/** A fresh secret, base32 (RFC 4648 §6) as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

/** The `otpauth://totp/…` URI for a QR code (issuer and account label). */
export function totpUri(secretBase32: string, issuer: string, account: string): string {
  return totp(secretBase32, issuer, account).toString();
}

/** The RFC 6238 time step of an instant. */
export const stepAt = (nowMs: number): number => Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);

/**
 * The time step a code is valid for, if it is one of the current step's or
 * the previous one's (OWASP ASVS 5.0 6.5.5: drift of one step, backwards only,
 * since a code from the future means a clock that is off); else null. The
 * caller must still refuse a step at or before the last accepted one.
 */
export function matchedStep(secretBase32: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secretBase32),
    digits: DIGITS,
    period: TOTP_PERIOD_SECONDS,
    timestamp: nowMs,
    window: 1,
  });
  if (delta === null || delta > 0) return null;
  return stepAt(nowMs) + delta;
}

function totp(secretBase32: string, issuer: string, account: string): TOTP {
  return new TOTP({
    issuer,
    label: account,
    secret: Secret.fromBase32(secretBase32),
    algorithm: "SHA1",
    digits: DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
}
