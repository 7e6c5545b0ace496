import { errorName, log } from "../../log";
import type { AuditLog, UserRecord, UserStore } from "../../ports";
import type { PasswordHasher } from "./hasher";

/** An account that has a password (social-only accounts have none). */
export type PasswordUser = UserRecord & { passwordHash: string };

/**
 * Stored hashes of a format other than ours, contributed by a feature (the
 * legacy carve-out: bcrypt, Django's formats, imported argon2id). Core knows
 * only this interface, never the formats.
 */
export interface ForeignHashScheme {
  /** The scheme's name if the user's stored hash is one of its formats, else null. */
  schemeOf(user: PasswordUser): string | null;
  /**
   * Checks the password as typed (no normalization, as the system that made the
   * hash did). Never throws; a hash it cannot verify still costs one hash.
   */
  verify(user: PasswordUser, typed: string, passwords: PasswordHasher): Promise<boolean>;
}

export interface StoredPasswordDeps {
  users: UserStore;
  passwords: PasswordHasher;
  /** Records `hash_upgraded` after a successful swap. */
  audit?: AuditLog;
  /** Formats other than ours that may be stored (the legacy carve-out's). */
  foreignHashes?: ForeignHashScheme;
}

/**
 * Checks a user's password against the stored hash and, on success, upgrades
 * the hash lazily (docs/migration.md):
 *
 * - a foreign hash is checked against the password *as typed* (`typed`), the way
 *   its system checked it, then replaced by argon2id of the NFKC form
 *   (`normalized`), since every later login normalizes before verifying;
 * - one of our argon2id hashes is checked against the NFKC form as always and,
 *   if it used outdated parameters or an older pepper, re-hashed the same way.
 *
 * The replacement is a compare-and-swap on the old hash: if the password
 * changed meanwhile, the change wins and nothing is written. The login itself
 * still succeeds (the password matched the hash that was current when it was
 * read, as for any login racing a password change); the next login upgrades.
 */
export async function checkStoredPassword(
  deps: StoredPasswordDeps,
  user: PasswordUser,
  typed: string,
  normalized: string,
): Promise<boolean> {
  const foreign = deps.foreignHashes?.schemeOf(user) ?? null;
  if (foreign === null) {
    const result = await deps.passwords.verify(user.passwordHash, normalized);
    if (result.ok && result.needsRehash) await upgrade(deps, user, normalized, "argon2id");
    return result.ok;
  }
  const ok = await (deps.foreignHashes as ForeignHashScheme).verify(user, typed, deps.passwords);
  if (ok) await upgrade(deps, user, normalized, foreign);
  return ok;
}

/**
 * Best effort: the password already matched, so a failure here (hashing queue
 * full, database error) must not fail the login; the next login tries again.
 */
async function upgrade(
  deps: StoredPasswordDeps,
  user: PasswordUser,
  normalized: string,
  from: string,
): Promise<void> {
  if (!deps.users.replacePasswordHash) return;
  try {
    const next = await deps.passwords.hash(normalized);
    const replaced = await deps.users.replacePasswordHash(user.id, user.passwordHash, next);
    if (replaced) {
      deps.audit?.record({
        type: "hash_upgraded",
        userId: user.id,
        details: { from, to: "argon2id" },
      });
    }
  } catch (err) {
    log("warn", "password hash upgrade failed; retried at the next login", {
      from,
      error: errorName(err),
    });
  }
}
