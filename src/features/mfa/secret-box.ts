import { base64url, fromBase64url } from "../../auth/secrets";
import type { KeyListEntry } from "../../key-list";
import { fromUtf8, utf8 } from "../../utf8";

/**
 * TOTP secrets at rest: AES-256-GCM under a key derived (HKDF-SHA-256, RFC
 * 5869) from an MFA_ENCRYPTION_KEYS entry, with the user id as additional
 * data, so a ciphertext copied to another user's row does not open. Stored as
 * `v1.<key id>.<iv>.<ciphertext>`; any listed key opens its own, the first
 * seals new ones, so the list rotates like the other key lists.
 */

const VERSION = "v1";

async function aesKey(entry: KeyListEntry, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", new Uint8Array(entry.key), "HKDF", false, [
    "deriveKey",
  ]);
  return crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: new Uint8Array(0),
      info: utf8("edge-auth mfa totp secret v1"),
    },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    [usage],
  );
}

export async function sealSecret(
  keys: readonly KeyListEntry[],
  userId: string,
  plaintext: string,
): Promise<string> {
  const entry = keys[0];
  if (!entry) throw new Error("no MFA encryption key");
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: utf8(userId) },
    await aesKey(entry, "encrypt"),
    utf8(plaintext),
  );
  return [VERSION, entry.id, base64url(iv), base64url(new Uint8Array(ciphertext))].join(".");
}

/** The secret, or null if it is not ours to open (unknown key, tampered, another user's). */
export async function openSecret(
  keys: readonly KeyListEntry[],
  userId: string,
  sealed: string,
): Promise<string | null> {
  const [version, keyId, iv, ciphertext] = sealed.split(".");
  const entry = keys.find((k) => k.id === keyId);
  if (version !== VERSION || !entry || !iv || !ciphertext) return null;
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64url(iv), additionalData: utf8(userId) },
      await aesKey(entry, "decrypt"),
      fromBase64url(ciphertext),
    );
    return fromUtf8(plaintext);
  } catch {
    return null;
  }
}
