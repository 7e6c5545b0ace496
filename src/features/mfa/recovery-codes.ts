import { base64url } from "../../auth/secrets";
import type { KeyListEntry } from "../../key-list";
import { utf8 } from "../../utf8";

/**
 * Recovery codes: 10 per user, each 120 random bits, shown once. With that
 * much entropy a keyed fast hash (HMAC-SHA-256) is enough (OWASP ASVS 5.0
 * 6.5.2); ten argon2id hashes would cost seconds of Workers CPU. The hash is
 * keyed by an MFA_ENCRYPTION_KEYS entry and names it, so the list can rotate.
 */
export const RECOVERY_CODE_COUNT = 10;
const CODE_BYTES = 15;
// RFC 4648 §6 base32 without padding, lowercase: no 0/1/8/9 to misread.
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

/** A code as shown: 24 base32 characters in groups of four, `abcd-efgh-…`. */
export function newRecoveryCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(CODE_BYTES));
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return (out.match(/.{4}/g) as string[]).join("-");
}

/** As typed: case, spaces and dashes do not matter. */
export function normalizeRecoveryCode(typed: string): string | null {
  const compact = typed.toLowerCase().replace(/[\s-]/g, "");
  return /^[a-z2-7]{24}$/.test(compact) ? compact : null;
}

/** `<key id>:<HMAC-SHA-256>` of a normalized code under one key. */
export async function recoveryCodeHash(entry: KeyListEntry, normalized: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new Uint8Array(entry.key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    utf8(`edge-auth recovery code v1:${normalized}`),
  );
  return `${entry.id}:${base64url(new Uint8Array(mac))}`;
}

/** Every hash a typed code may be stored under (one per listed key). */
export async function candidateHashes(
  keys: readonly KeyListEntry[],
  typed: string,
): Promise<string[]> {
  const normalized = normalizeRecoveryCode(typed);
  if (normalized === null) return [];
  return Promise.all(keys.map((k) => recoveryCodeHash(k, normalized)));
}
