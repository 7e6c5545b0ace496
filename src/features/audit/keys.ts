// Parses AUDIT_HMAC_KEYS. Relative imports name their `.ts` file, so the Node
// verifier (scripts/audit-verify.ts) reads the secret exactly as the Worker does.
import { parseKeyList } from "../../key-list.ts";
import type { AuditKey } from "./chain.ts";

/**
 * `id:base64key[,id:base64key…]`, each key at least 32 bytes. The first key
 * signs new records; every key verifies the records that name its id, so an
 * old key stays in the list for as long as its records are kept. Returns null
 * for anything malformed, empty or duplicated (the caller fails closed).
 */
export function parseAuditKeys(raw: string | undefined): AuditKey[] | null {
  return parseKeyList(raw);
}
