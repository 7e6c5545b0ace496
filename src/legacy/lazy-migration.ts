import type { PasswordHasher } from "../auth/password/hasher";
import { DEFAULT_PHC_LIMITS } from "../auth/password/phc";
import { errorName, log } from "../log";
import type { AuditLog, UserRecord, UserStore } from "../ports";
import { isLegacyStoredHash, type LegacyScheme, parseLegacyHash } from "./hash-format";
import { type HashLimits, LEGACY_LIMITS } from "./limits";
import { verifyLegacyPassword } from "./verify";

export interface PasswordCheckDeps {
  users: UserStore;
  passwords: PasswordHasher;
  /** Records `hash_upgraded` after a successful swap. */
  audit?: AuditLog;
}

/**
 * At login the argon2id memory bound is the hasher's own (the configured
 * memory or 64 MiB): it refuses a larger hash before computing anything. The
 * legacy parser defers to it rather than needing the configuration here.
 */
const VERIFY_LIMITS: HashLimits = {
  ...LEGACY_LIMITS,
  argon2: { ...DEFAULT_PHC_LIMITS, maxMemoryKiB: 0xffff_ffff },
};

/**
 * Checks a user's password against the stored hash and, on success, upgrades
 * the hash lazily (docs/migration.md):
 *
 * - a legacy hash is checked against the password *as typed* (`typed`), the way
 *   the monolith checked it, then replaced by argon2id of the NFKC form
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
  deps: PasswordCheckDeps,
  user: UserRecord,
  typed: string,
  normalized: string,
): Promise<boolean> {
  if (!isLegacyStoredHash(user.passwordHash)) {
    const result = await deps.passwords.verify(user.passwordHash, normalized);
    if (result.ok && result.needsRehash) await upgrade(deps, user, normalized, "argon2id");
    return result.ok;
  }
  const parsed = parseLegacyHash(user.passwordHash, VERIFY_LIMITS, user.legacySalt ?? null);
  if (!parsed.ok) {
    // Malformed, `$2x$` or over the bounds (only possible if written around the
    // importer): a clean failure that still costs one hash, like an unknown email.
    await deps.passwords.dummyVerify(normalized);
    return false;
  }
  const ok = await verifyLegacyPassword(parsed.hash, typed, deps.passwords);
  if (ok) await upgrade(deps, user, normalized, parsed.hash.scheme);
  return ok;
}

/**
 * Best effort: the password already matched, so a failure here (hashing queue
 * full, database error) must not fail the login; the next login tries again.
 */
async function upgrade(
  deps: PasswordCheckDeps,
  user: UserRecord,
  normalized: string,
  from: LegacyScheme | "argon2id",
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
