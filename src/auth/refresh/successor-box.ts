import { fromUtf8, utf8 } from "../../utf8";
import { base64url, fromBase64url } from "../secrets";

/**
 * The successor of a rotated refresh token is kept for the reuse grace window
 * so an honest retry gets the same answer. It is stored only encrypted under
 * a key derived from the token that was rotated (HKDF-SHA-256, RFC 5869 →
 * AES-256-GCM), so the stored box is useless without that token: a copy of the
 * object's storage reveals no live credential.
 */

const INFO = utf8("edge-auth refresh successor v1");

async function deriveKey(presentedSecret: string, familyId: string): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey("raw", utf8(presentedSecret), "HKDF", false, [
    "deriveKey",
  ]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: utf8(familyId), info: INFO },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export interface SuccessorPair {
  refreshToken: string;
  accessToken: string;
  /** Epoch seconds when the access token expires. */
  accessExpiresAt: number;
}

/** `iv.ciphertext`, base64url. The family id is bound as associated data. */
export async function sealSuccessor(
  presentedSecret: string,
  familyId: string,
  pair: SuccessorPair,
): Promise<string> {
  const key = await deriveKey(presentedSecret, familyId);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = utf8(JSON.stringify(pair));
  const aad = utf8(familyId);
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, key, data);
  return `${base64url(iv)}.${base64url(new Uint8Array(ct))}`;
}

export async function openSuccessor(
  presentedSecret: string,
  familyId: string,
  box: string,
): Promise<SuccessorPair | null> {
  const [ivText, ctText] = box.split(".");
  if (!ivText || !ctText) return null;
  try {
    const key = await deriveKey(presentedSecret, familyId);
    const aad = utf8(familyId);
    const pt = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64url(ivText), additionalData: aad },
      key,
      fromBase64url(ctText),
    );
    return JSON.parse(fromUtf8(pt)) as SuccessorPair;
  } catch {
    return null;
  }
}
