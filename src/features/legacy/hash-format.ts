import { type PhcLimits, parseArgon2idPhc } from "../../auth/password/phc";
import { utf8 } from "../../utf8";
import type { HashLimits } from "./limits";

/**
 * The legacy password-hash formats we accept, parsed strictly and bounded.
 * One parser serves both import (which stores the canonical form) and login
 * (which re-parses what is stored), so the two can never disagree.
 *
 * Accepted spellings and what is stored:
 *
 * | input | stored | verified as |
 * |---|---|---|
 * | `$2a$`, `$2b$`, `$2y$` (bcrypt; `$2y$` is PHP/crypt_blowfish's name for `$2b$`) | as given | bcrypt of the password as typed |
 * | Django `bcrypt$$2b$…` (BCryptPasswordHasher) | without `bcrypt$` | the same |
 * | Django `bcrypt_sha256$$2b$…` | as given | bcrypt of hex(SHA-256(password)) |
 * | Django `pbkdf2_sha256$<iterations>$<salt>$<base64>` | as given | PBKDF2-HMAC-SHA-256, 32 bytes |
 * | argon2id PHC `$argon2id$v=19$…` or Django `argon2$argon2id$…` | `argon2$argon2id$…` | argon2id of the password as typed |
 *
 * Imported argon2id hashes keep Django's `argon2` prefix as a marker: they were
 * computed over the password as typed, while our own are over its NFKC form,
 * and our hasher never accepts the prefixed string by accident.
 *
 * Refused: `$2x$` (crypt_blowfish's sign-extension bug for 8-bit characters,
 * CVE-2011-2483) and the original `$2$`, argon2i/argon2d, peppered PHC strings
 * (`keyid=`: we do not hold the monolith's pepper), and everything else.
 */
export type LegacyHash =
  | { scheme: "bcrypt"; bcrypt: string; cost: number }
  | { scheme: "bcrypt_sha256"; bcrypt: string; cost: number }
  | { scheme: "pbkdf2_sha256"; iterations: number; salt: string; hash: Uint8Array }
  | { scheme: "argon2id_imported"; phc: string };

export type LegacyScheme = LegacyHash["scheme"];

export type HashRejectReason =
  | "unsupported_scheme"
  | "malformed_hash"
  | "work_factor_out_of_bounds"
  | "hash_length_out_of_bounds"
  | "salt_not_applicable"
  | "salt_missing";

export type ParsedLegacyHash =
  | { ok: true; hash: LegacyHash; stored: string; separateSalt: string | null }
  | { ok: false; reason: HashRejectReason; detail: string };

/** Stored prefixes of legacy hashes; anything else is one of our own argon2id PHC strings. */
const LEGACY_PREFIXES = ["$2", "bcrypt$", "bcrypt_sha256$", "pbkdf2_sha256$", "argon2$"] as const;

/** Whether a stored hash is a legacy format (verified as typed, then upgraded). */
export function isLegacyStoredHash(stored: string): boolean {
  return LEGACY_PREFIXES.some((p) => stored.startsWith(p));
}

/** Hashes are short; anything longer is refused before any parsing. */
const MAX_HASH_CHARS = 512;

/**
 * Parses an imported or stored hash. `separateSalt` is the salt the monolith
 * kept in its own column: allowed only for `pbkdf2_sha256` with an empty salt
 * field. Never throws; details never quote the hash.
 */
export function parseLegacyHash(
  text: string,
  limits: HashLimits,
  separateSalt: string | null = null,
): ParsedLegacyHash {
  if (text.length > MAX_HASH_CHARS) return reject("malformed_hash", "hash is too long");
  const parsed = parseWithoutSalt(text, limits, separateSalt);
  if (parsed.ok && separateSalt !== null && parsed.separateSalt === null) {
    return reject(
      "salt_not_applicable",
      "a separate salt is only accepted for pbkdf2_sha256 with an empty salt field",
    );
  }
  return parsed;
}

function parseWithoutSalt(
  text: string,
  limits: HashLimits,
  separateSalt: string | null,
): ParsedLegacyHash {
  if (text.startsWith("$2")) return parseBcrypt(text, text, "bcrypt", limits);
  if (text.startsWith("bcrypt$")) {
    const inner = text.slice("bcrypt$".length);
    return parseBcrypt(inner, inner, "bcrypt", limits);
  }
  if (text.startsWith("bcrypt_sha256$")) {
    return parseBcrypt(text.slice("bcrypt_sha256$".length), text, "bcrypt_sha256", limits);
  }
  if (text.startsWith("pbkdf2_sha256$")) return parsePbkdf2(text, limits, separateSalt);
  if (text.startsWith("$argon2") || text.startsWith("argon2$")) return parseArgon2(text, limits);
  if (text.startsWith("!")) {
    return reject("unsupported_scheme", "an unusable password (Django '!' prefix)");
  }
  return reject("unsupported_scheme", "not a supported hash format");
}

// ---------------------------------------------------------------------------
// bcrypt: $2<minor>$<cost>$<22 salt chars><31 hash chars>, bcrypt's own base64

const BCRYPT = /^\$2([a-z]?)\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/;
const BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function parseBcrypt(
  bcrypt: string,
  stored: string,
  scheme: "bcrypt" | "bcrypt_sha256",
  limits: HashLimits,
): ParsedLegacyHash {
  const match = BCRYPT.exec(bcrypt);
  if (!match) return reject("malformed_hash", "not a bcrypt hash ($2b$NN$ and 53 characters)");
  const [, minor = "", costText = "", salt = "", tag = ""] = match;
  if (minor === "x") {
    return reject("unsupported_scheme", "$2x$ is crypt_blowfish's buggy variant; not accepted");
  }
  if (minor !== "a" && minor !== "b" && minor !== "y") {
    return reject("unsupported_scheme", `bcrypt revision $2${minor}$ is not accepted`);
  }
  // 22 characters carry 132 bits for a 128-bit salt, 31 carry 186 for 184: the
  // spare low bits are zero in every encoder, and a hash with them set could
  // never verify (implementations compare their own canonical re-encoding).
  if (BCRYPT_ALPHABET.indexOf(salt.charAt(21)) % 16 !== 0) {
    return reject("malformed_hash", "bcrypt salt is not canonically encoded");
  }
  if (BCRYPT_ALPHABET.indexOf(tag.charAt(30)) % 4 !== 0) {
    return reject("malformed_hash", "bcrypt hash is not canonically encoded");
  }
  const cost = Number(costText);
  if (cost < 4 || cost > 31) return reject("malformed_hash", `bcrypt cost ${cost} is not 4-31`);
  if (cost < limits.bcryptMinCost || cost > limits.bcryptMaxCost) {
    return reject(
      "work_factor_out_of_bounds",
      `bcrypt cost ${cost} is outside ${limits.bcryptMinCost}-${limits.bcryptMaxCost}`,
    );
  }
  return { ok: true, hash: { scheme, bcrypt, cost }, stored, separateSalt: null };
}

// ---------------------------------------------------------------------------
// Django pbkdf2_sha256$<iterations>$<salt>$<base64 of 32 bytes>

const ITERATIONS = /^[1-9][0-9]{0,9}$/;
/** Standard base64 with padding of exactly 32 bytes, as Python's b64encode writes it. */
const DIGEST_B64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

function parsePbkdf2(
  text: string,
  limits: HashLimits,
  separateSalt: string | null,
): ParsedLegacyHash {
  // Django splits on "$" with maxsplit 3; salts never contain "$" (Django asserts it).
  const fields = text.split("$");
  if (fields.length !== 4) return reject("malformed_hash", "pbkdf2_sha256 needs 4 fields");
  const [, iterationsText = "", embeddedSalt = "", digest = ""] = fields;
  if (!ITERATIONS.test(iterationsText)) {
    return reject("malformed_hash", "pbkdf2_sha256 iterations are not a positive integer");
  }
  const iterations = Number(iterationsText);
  if (iterations > limits.pbkdf2MaxIterations) {
    return reject(
      "work_factor_out_of_bounds",
      `pbkdf2_sha256 iterations ${iterations} exceed ${limits.pbkdf2MaxIterations}`,
    );
  }
  if (!DIGEST_B64.test(digest)) {
    return reject("malformed_hash", "pbkdf2_sha256 hash is not base64 of 32 bytes");
  }
  const salt = embeddedSalt === "" ? separateSalt : embeddedSalt;
  if (salt === null) return reject("salt_missing", "pbkdf2_sha256 has no salt");
  if (embeddedSalt !== "" && separateSalt !== null) {
    return reject("salt_not_applicable", "the hash already embeds a salt");
  }
  const saltProblem = checkSalt(salt, limits);
  if (saltProblem) return reject("malformed_hash", saltProblem);
  return {
    ok: true,
    hash: { scheme: "pbkdf2_sha256", iterations, salt, hash: decodeBase64(digest) },
    stored: text,
    separateSalt: embeddedSalt === "" ? salt : null,
  };
}

function checkSalt(salt: string, limits: HashLimits): string | null {
  if (salt === "" || salt.includes("$") || CONTROL.test(salt) || !salt.isWellFormed()) {
    return "pbkdf2_sha256 salt must be non-empty, without '$' or control characters";
  }
  if (utf8(salt).length > limits.pbkdf2MaxSaltBytes) {
    return `pbkdf2_sha256 salt is longer than ${limits.pbkdf2MaxSaltBytes} bytes`;
  }
  return null;
}

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

// ---------------------------------------------------------------------------
// argon2id PHC, bare or with Django's "argon2" prefix

function parseArgon2(text: string, limits: HashLimits): ParsedLegacyHash {
  const phc = text.startsWith("argon2$") ? text.slice("argon2".length) : text;
  if (!phc.startsWith("$argon2id$")) {
    return reject("unsupported_scheme", "only argon2id is accepted (not argon2i or argon2d)");
  }
  const parsed = parseArgon2idPhc(phc, limits.argon2);
  if (!parsed.ok) {
    switch (parsed.reason) {
      case "limits":
        return (
          rejectLengths(phc, limits.argon2) ??
          reject(
            "work_factor_out_of_bounds",
            `argon2id parameters exceed m<=${limits.argon2.maxMemoryKiB},t<=${limits.argon2.maxIterations},p<=${limits.argon2.maxParallelism}`,
          )
        );
      case "unsupported":
        return reject("unsupported_scheme", "argon2id version or parameters not supported");
      default:
        return reject("malformed_hash", "not a well-formed argon2id PHC string");
    }
  }
  if (parsed.value.keyid !== undefined) {
    return reject("unsupported_scheme", "a peppered argon2id hash (keyid) cannot be imported");
  }
  return {
    ok: true,
    hash: { scheme: "argon2id_imported", phc },
    stored: `argon2${phc}`,
    separateSalt: null,
  };
}

/**
 * Which length bound an argon2id hash broke, if it was a length: parsed again
 * with only the work factors bounded, so the operator learns "the tag is 8
 * bytes" rather than a generic work-factor message. Null when a work factor
 * (m, t, p) is what is out of bounds.
 */
function rejectLengths(phc: string, limits: PhcLimits): ParsedLegacyHash | null {
  const lengthsUnbounded = {
    ...limits,
    minSaltBytes: 0,
    maxSaltBytes: 1024,
    minHashBytes: 0,
    maxHashBytes: 1024,
  };
  const relaxed = parseArgon2idPhc(phc, lengthsUnbounded);
  if (!relaxed.ok) return null;
  const { hash, salt } = relaxed.value;
  if (hash.length < limits.minHashBytes || hash.length > limits.maxHashBytes) {
    return reject(
      "hash_length_out_of_bounds",
      `argon2id tag is ${hash.length} bytes; ${limits.minHashBytes}-${limits.maxHashBytes} are accepted`,
    );
  }
  return reject(
    "hash_length_out_of_bounds",
    `argon2id salt is ${salt.length} bytes; ${limits.minSaltBytes}-${limits.maxSaltBytes} are accepted`,
  );
}

function reject(reason: HashRejectReason, detail: string): ParsedLegacyHash {
  return { ok: false, reason, detail };
}
