// Parses AUDIT_HMAC_KEYS. Without relative runtime imports, so the Node
// verifier (scripts/audit-verify.ts) reads the secret exactly as the Worker does.
import type { AuditKey } from "./chain";

/** 32 bytes: the HMAC-SHA-256 output size, below which a key adds no strength (RFC 2104 §3). */
const MIN_AUDIT_KEY_BYTES = 32;

/**
 * `id:base64key[,id:base64key…]`, each key at least 32 bytes. The first key
 * signs new records; every key verifies the records that name its id, so an
 * old key stays in the list for as long as its records are kept. Returns null
 * for anything malformed, empty or duplicated (the caller fails closed).
 */
export function parseAuditKeys(raw: string | undefined): AuditKey[] | null {
  if (raw === undefined || raw.trim() === "") return null;
  const out: AuditKey[] = [];
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
    if (key.length < MIN_AUDIT_KEY_BYTES) return null;
    out.push({ id, key });
  }
  return out;
}
