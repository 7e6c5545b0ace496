import { utf8 } from "../utf8";

/**
 * Opaque secrets (refresh tokens, recovery tokens): random bytes as unpadded
 * base64url (RFC 4648 §5), and the SHA-256 that is all the service stores of
 * one. A 256-bit random secret needs no slow hash (Lucia's session-token
 * pattern).
 */

export function base64url(bytes: Uint8Array): string {
  // A call per 8 KiB instead of a string built a byte at a time (a sealed
  // successor is ~700 bytes); chunks keep `apply` far below the argument limit.
  let binary = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Unpadded (or padded) base64url back to bytes; throws on anything else. */
export function fromBase64url(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s.replaceAll("-", "+").replaceAll("_", "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export function randomBase64url(byteLength: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(byteLength)));
}

/** 256 random bits: 43 base64url characters. */
export const newSecret = (): string => randomBase64url(32);

export async function hashSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", utf8(secret));
  return base64url(new Uint8Array(digest));
}
