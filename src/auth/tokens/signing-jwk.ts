/**
 * The `SIGNING_KEYS` secret: a JWK set (RFC 7517 §5) of Ed25519 private keys
 * (RFC 8037 §2). Parsed synchronously with the rest of the configuration so a
 * bad key set fails closed at startup instead of at the first login.
 */
export interface SigningJwk {
  kty: "OKP";
  crv: "Ed25519";
  kid: string;
  x: string;
  d: string;
  /**
   * Rotation state (docs/key-rotation.md): `current` signs; `next` is published
   * ahead of signing so every verifier has it in time; `retired` stays published
   * and verifiable until every token it signed has expired.
   */
  status: KeyStatus;
}

export type KeyStatus = "next" | "current" | "retired";
const STATUSES: readonly unknown[] = ["next", "current", "retired"];

export class SigningKeysError extends Error {
  override name = "SigningKeysError";
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;
// An Ed25519 key part is 32 bytes: 43 base64url characters without padding.
const B64URL_32 = /^[A-Za-z0-9_-]{43}$/;

function validate(entry: unknown, index: number, seen: Set<string>): SigningJwk {
  const where = `key ${index}`;
  if (typeof entry !== "object" || entry === null)
    throw new SigningKeysError(`${where} is not an object`);
  const k = entry as Record<string, unknown>;
  if (k.kty !== "OKP" || k.crv !== "Ed25519")
    throw new SigningKeysError(`${where} is not an Ed25519 key`);
  if (typeof k.kid !== "string" || !KID.test(k.kid))
    throw new SigningKeysError(`${where} has no valid kid`);
  if (seen.has(k.kid)) throw new SigningKeysError(`${where} repeats a kid`);
  if (typeof k.x !== "string" || !B64URL_32.test(k.x))
    throw new SigningKeysError(`${where} has a bad x`);
  if (typeof k.d !== "string" || !B64URL_32.test(k.d))
    throw new SigningKeysError(`${where} has no private part`);
  if (k.alg !== undefined && k.alg !== "EdDSA")
    throw new SigningKeysError(`${where} is not for EdDSA`);
  if (k.status !== undefined && !STATUSES.includes(k.status))
    throw new SigningKeysError(`${where} has an unknown status`);
  seen.add(k.kid);
  return {
    kty: "OKP",
    crv: "Ed25519",
    kid: k.kid,
    x: k.x,
    d: k.d,
    status: (k.status as KeyStatus) ?? "current",
  };
}

/**
 * Parses and validates the key set. Keys without a status count as `current`;
 * exactly one key may be current. The current key comes first in the result.
 * Throws SigningKeysError.
 */
export function parseSigningKeys(raw: string): SigningJwk[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new SigningKeysError("not JSON");
  }
  const list = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list) || list.length === 0) throw new SigningKeysError("no keys");
  const seen = new Set<string>();
  const keys = list.map((entry, i) => validate(entry, i, seen));
  const current = keys.filter((k) => k.status === "current");
  if (current.length !== 1) throw new SigningKeysError("exactly one key must be current");
  return [...current, ...keys.filter((k) => k.status !== "current")];
}
