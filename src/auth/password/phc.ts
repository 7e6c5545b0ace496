/**
 * PHC string format for Argon2id, as emitted by the reference implementation:
 *
 *   $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>
 *   $argon2id$v=19$m=65536,t=3,p=4,keyid=p1$<salt>$<hash>
 *
 * salt and hash use the standard base64 alphabet without padding. The
 * optional `keyid` parameter names the pepper (Argon2 secret K) the hash was
 * computed with, so peppers can be rotated. It is treated as an opaque label
 * of 1..32 PHC value characters ([A-Za-z0-9/+.-]); it is not decoded.
 *
 * Decoding is strict (one canonical spelling per value, parameters in the
 * order m, t, p[, keyid]) and total: it never throws. Work factors are checked
 * against caller-supplied {@link PhcLimits} so that imported or tampered
 * hashes cannot make the service do unbounded work.
 */

export interface Argon2idPhc {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  /** Pepper identifier, if the hash was computed with a secret. */
  keyid?: string;
  salt: Uint8Array;
  hash: Uint8Array;
}

export interface PhcLimits {
  maxMemoryKiB: number;
  maxIterations: number;
  maxParallelism: number;
  minSaltBytes: number;
  maxSaltBytes: number;
  minHashBytes: number;
  maxHashBytes: number;
}

/** A starting point for limits; pass your own policy where it differs. */
export const DEFAULT_PHC_LIMITS: Readonly<PhcLimits> = Object.freeze({
  maxMemoryKiB: 65536,
  maxIterations: 10,
  maxParallelism: 16,
  minSaltBytes: 8,
  maxSaltBytes: 64,
  minHashBytes: 16,
  maxHashBytes: 64,
});

/**
 * Why a string was rejected:
 * - `malformed`: not a well-formed Argon2id PHC string (syntax, base64,
 *   non-canonical numbers, parameters outside RFC 9106 bounds);
 * - `unsupported`: a well-formed PHC string for another algorithm or Argon2
 *   version, or with parameters we do not understand;
 * - `limits`: well-formed, but outside the caller's {@link PhcLimits}.
 */
export type PhcRejection = "malformed" | "unsupported" | "limits";

export type PhcParseResult = { ok: true; value: Argon2idPhc } | { ok: false; reason: PhcRejection };

const ALGORITHM = "argon2id";
const VERSION_FIELD = "v=19";
const U32_MAX = 0xffff_ffff;
const MAX_PARALLELISM = 0xff_ffff;
/** RFC 9106 minimum tag length. */
const MIN_TAG_BYTES = 4;
/** Reference-implementation minimum salt length. */
const MIN_SALT_BYTES = 8;
const ID_PATTERN = /^[a-z0-9-]{1,32}$/;
const PARAM_NAME_PATTERN = /^[a-z0-9-]{1,32}$/;
const KEYID_PATTERN = /^[A-Za-z0-9/+.-]{1,32}$/;
const DECIMAL_PATTERN = /^(?:0|[1-9][0-9]{0,9})$/;

// ---------------------------------------------------------------------------
// Base64 (standard alphabet, no padding, canonical)

const B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_LOOKUP = new Int8Array(128).fill(-1);
for (let i = 0; i < B64_ALPHABET.length; i++) B64_LOOKUP[B64_ALPHABET.charCodeAt(i)] = i;

function encodeB64(bytes: Uint8Array): string {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += B64_ALPHABET.charAt((acc >> bits) & 63);
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += B64_ALPHABET.charAt((acc << (6 - bits)) & 63);
  return out;
}

/** Strict decoder: rejects padding, foreign characters, impossible lengths and non-zero trailing bits. */
function decodeB64(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const value = B64_LOOKUP[text.charCodeAt(i)] ?? -1;
    if (value < 0) return null;
    acc = (acc << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  return acc === 0 ? out : null;
}

function b64Length(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

// ---------------------------------------------------------------------------

function parseU32(text: string): number | null {
  if (!DECIMAL_PATTERN.test(text)) return null;
  const value = Number(text);
  return value <= U32_MAX ? value : null;
}

/** Splits `name=value`; null unless the name is a valid PHC parameter name. */
function splitParam(field: string): [string, string] | null {
  const eq = field.indexOf("=");
  if (eq <= 0) return null;
  const name = field.slice(0, eq);
  return PARAM_NAME_PATTERN.test(name) ? [name, field.slice(eq + 1)] : null;
}

function withinRfc(phc: Argon2idPhc): boolean {
  return (
    Number.isInteger(phc.parallelism) &&
    phc.parallelism >= 1 &&
    phc.parallelism <= MAX_PARALLELISM &&
    Number.isInteger(phc.memoryKiB) &&
    phc.memoryKiB >= 8 * phc.parallelism &&
    phc.memoryKiB <= U32_MAX &&
    Number.isInteger(phc.iterations) &&
    phc.iterations >= 1 &&
    phc.iterations <= U32_MAX &&
    phc.salt.length >= MIN_SALT_BYTES &&
    phc.hash.length >= MIN_TAG_BYTES
  );
}

function withinLimits(phc: Argon2idPhc, limits: PhcLimits): boolean {
  return (
    phc.memoryKiB <= limits.maxMemoryKiB &&
    phc.iterations <= limits.maxIterations &&
    phc.parallelism <= limits.maxParallelism &&
    phc.salt.length >= limits.minSaltBytes &&
    phc.salt.length <= limits.maxSaltBytes &&
    phc.hash.length >= limits.minHashBytes &&
    phc.hash.length <= limits.maxHashBytes
  );
}

function parseUnchecked(encoded: unknown, limits: PhcLimits): PhcParseResult {
  const malformed: PhcParseResult = { ok: false, reason: "malformed" };
  const unsupported: PhcParseResult = { ok: false, reason: "unsupported" };
  if (typeof encoded !== "string") return malformed;
  // Cheap bound before any splitting: fixed fields + keyid + salt + hash.
  const maxLength = 128 + b64Length(limits.maxSaltBytes) + b64Length(limits.maxHashBytes);
  if (encoded.length > maxLength) return { ok: false, reason: "limits" };

  const fields = encoded.split("$");
  if (fields[0] !== "" || fields.length < 2) return malformed;
  const id = fields[1] ?? "";
  if (id !== ALGORITHM) return ID_PATTERN.test(id) ? unsupported : malformed;
  if (fields.length !== 6) {
    // `$argon2id$m=...` (no version = Argon2 1.0) is valid PHC we cannot compute.
    return fields.length === 5 && fields[2]?.startsWith("m=") ? unsupported : malformed;
  }
  const [, , versionField = "", paramsField = "", saltField = "", hashField = ""] = fields;

  const version = splitParam(versionField);
  if (version === null || version[0] !== "v" || parseU32(version[1]) === null) return malformed;
  if (versionField !== VERSION_FIELD) return unsupported;

  const params = paramsField.split(",");
  const numbers: number[] = [];
  for (const [index, name] of ["m", "t", "p"].entries()) {
    const param = splitParam(params[index] ?? "");
    if (param === null || param[0] !== name) return malformed;
    const value = parseU32(param[1]);
    if (value === null) return malformed;
    numbers.push(value);
  }
  const [memoryKiB = 0, iterations = 0, parallelism = 0] = numbers;
  let keyid: string | undefined;
  if (params.length > 3) {
    const param = splitParam(params[3] ?? "");
    if (param === null) return malformed;
    if (param[0] !== "keyid") return unsupported; // e.g. `data=`
    if (!KEYID_PATTERN.test(param[1])) return malformed;
    keyid = param[1];
  }
  if (params.length > 4) {
    return params.slice(4).every((p) => splitParam(p) !== null) ? unsupported : malformed;
  }

  const salt = saltField === "" ? null : decodeB64(saltField);
  const hash = hashField === "" ? null : decodeB64(hashField);
  if (salt === null || hash === null) return malformed;

  const value: Argon2idPhc = { memoryKiB, iterations, parallelism, salt, hash };
  if (keyid !== undefined) value.keyid = keyid;
  if (!withinRfc(value)) return malformed;
  if (!withinLimits(value, limits)) return { ok: false, reason: "limits" };
  return { ok: true, value };
}

/** Parses an Argon2id PHC string, saying why it was rejected. Never throws. */
export function parseArgon2idPhc(encoded: unknown, limits: PhcLimits): PhcParseResult {
  try {
    return parseUnchecked(encoded, limits);
  } catch {
    // Unreachable by design; kept so the function stays total whatever `limits` holds.
    return { ok: false, reason: "malformed" };
  }
}

/** Parses an Argon2id PHC string; `null` for anything malformed, unsupported or over limits. */
export function decodeArgon2idPhc(encoded: unknown, limits: PhcLimits): Argon2idPhc | null {
  const result = parseArgon2idPhc(encoded, limits);
  return result.ok ? result.value : null;
}

/** Encodes the canonical PHC string. Throws RangeError for values that could never decode. */
export function encodeArgon2idPhc(phc: Argon2idPhc): string {
  if (!withinRfc(phc)) {
    throw new RangeError("Argon2id PHC values are outside RFC 9106 bounds");
  }
  if (phc.keyid !== undefined && !KEYID_PATTERN.test(phc.keyid)) {
    throw new RangeError("keyid must be 1..32 characters of [A-Za-z0-9/+.-]");
  }
  const keyid = phc.keyid === undefined ? "" : `,keyid=${phc.keyid}`;
  return (
    `$${ALGORITHM}$${VERSION_FIELD}$m=${phc.memoryKiB},t=${phc.iterations},p=${phc.parallelism}` +
    `${keyid}$${encodeB64(phc.salt)}$${encodeB64(phc.hash)}`
  );
}
