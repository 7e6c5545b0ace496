// Without relative runtime imports, so Node (type stripping, no bundler) loads
// it too: the offline audit verifier reads its keys exactly as the Worker does.

/** One secret key of a rotatable list, named by an id that records carry. */
export interface KeyListEntry {
  id: string;
  key: Uint8Array;
}

/** 32 bytes: the HMAC-SHA-256 output size, below which a key adds no strength (RFC 2104 §3). */
const MIN_KEY_BYTES = 32;

/** The rule, as ConfigError states it (never quoting a value). */
export const KEY_LIST_RULE =
  "must be id:base64key[,id:base64key…], ids distinct, keys of at least 32 bytes";

/**
 * `id:base64key[,id:base64key…]`, each key at least 32 bytes: the format of
 * AUDIT_HMAC_KEYS and PASSWORD_PEPPER. The first key is used for new work;
 * every key still verifies what names its id, so an old key stays in the list
 * for as long as its output is kept. Returns null for anything malformed,
 * empty or duplicated (the caller fails closed).
 */
export function parseKeyList(raw: string | undefined): KeyListEntry[] | null {
  if (raw === undefined || raw.trim() === "") return null;
  const out: KeyListEntry[] = [];
  for (const part of raw.split(",")) {
    const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/]+={0,2})$/.exec(part.trim());
    const id = match?.[1];
    const b64 = match?.[2];
    if (!id || !b64 || out.some((k) => k.id === id)) return null;
    let key: Uint8Array;
    try {
      key = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    } catch {
      return null;
    }
    if (key.length < MIN_KEY_BYTES) return null;
    out.push({ id, key });
  }
  return out;
}
