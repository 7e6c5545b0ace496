import { hashSecret, newSecret } from "../../auth/secrets";

/** 256 random bits, base64url: 43 characters, as a refresh token's secret. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new single-use token: the raw value goes into the mail, only its SHA-256 is stored. */
export async function newRecoveryToken(): Promise<{ token: string; hash: string }> {
  const token = newSecret();
  return { token, hash: await hashSecret(token) };
}

/** Malformed input is null, never a database round trip. */
export async function parseRecoveryToken(token: string): Promise<string | null> {
  return TOKEN_PATTERN.test(token) ? hashSecret(token) : null;
}
