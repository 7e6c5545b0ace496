import { compare as bcryptCompare } from "bcryptjs";
import { constantTimeEqual } from "../../auth/constant-time";
import type { PasswordHasher } from "../../auth/password/hasher";
import { utf8 } from "../../utf8";
import type { LegacyHash } from "./hash-format";
import { pbkdf2Sha256 } from "./pbkdf2-sha256";
import { sha256Hex } from "./sha256-hex";

/**
 * Checks a password against a legacy hash exactly as the monolith did: the
 * password as typed (no Unicode normalization), UTF-8 encoded.
 *
 * - bcrypt uses the first 72 bytes of the UTF-8 password (plus its NUL
 *   terminator when shorter), as OpenBSD's bcrypt and Python's `bcrypt` do;
 *   bcryptjs reads its key the same way, so a longer password verifies on its
 *   first 72 bytes, even when byte 72 splits a character.
 * - A password containing U+0000 never verifies: C implementations stop at the
 *   NUL (so "a\0b" would match "a"), and Python's bcrypt refuses it outright.
 *   Neither can an ill-formed string (lone surrogates), which the monolith
 *   could never have encoded. Both still pay for the hash, so the refusal costs
 *   the same time as a wrong password.
 *
 * Never throws for a bad hash: any failure is a non-match.
 */
export async function verifyLegacyPassword(
  hash: LegacyHash,
  typed: string,
  argon2: Pick<PasswordHasher, "verify">,
): Promise<boolean> {
  const refused = typed.includes("\u0000") || !typed.isWellFormed();
  // The stand-in keeps the cost; `&& !refused` below keeps a hash of "" from matching it.
  const candidate = refused ? "" : typed;
  let ok: boolean;
  try {
    ok = await verifyScheme(hash, candidate, argon2);
  } catch {
    ok = false;
  }
  return ok && !refused;
}

async function verifyScheme(
  hash: LegacyHash,
  password: string,
  argon2: Pick<PasswordHasher, "verify">,
): Promise<boolean> {
  switch (hash.scheme) {
    case "bcrypt":
      return bcryptCompare(password, hash.bcrypt);
    case "bcrypt_sha256":
      // Django's BCryptSHA256PasswordHasher: bcrypt over the lowercase hex
      // SHA-256 of the password (64 ASCII bytes, under bcrypt's 72).
      return bcryptCompare(await sha256Hex(password), hash.bcrypt);
    case "pbkdf2_sha256": {
      const derived = await pbkdf2Sha256(utf8(password), utf8(hash.salt), hash.iterations);
      return constantTimeEqual(derived, hash.hash);
    }
    case "argon2id_imported":
      return (await argon2.verify(hash.phc, password)).ok;
  }
}
