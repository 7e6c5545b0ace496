import { base64url } from "./refresh/refresh-token";

/** 256 random bits, base64url: 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new single-use token: the raw value goes into the mail, only its hash is stored. */
export async function newRecoveryToken(): Promise<{ token: string; hash: string }> {
  const token = base64url(crypto.getRandomValues(new Uint8Array(32)));
  return { token, hash: await hashRecoveryToken(token) };
}

export async function hashRecoveryToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return base64url(new Uint8Array(digest));
}

/** Malformed input is null, never a database round trip. */
export async function parseRecoveryToken(token: string): Promise<string | null> {
  return TOKEN_PATTERN.test(token) ? hashRecoveryToken(token) : null;
}
