import type { PasswordHasher } from "../../auth/password/hasher";
import { DEFAULT_PHC_LIMITS } from "../../auth/password/phc";
import type { ForeignHashScheme, PasswordUser } from "../../auth/password/stored-password";
import { isLegacyStoredHash, parseLegacyHash } from "./hash-format";
import { type HashLimits, LEGACY_LIMITS } from "./limits";
import { verifyLegacyPassword } from "./verify";

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
 * The monolith's hash formats (./hash-format.ts), as the password check sees
 * them: checked as the monolith checked them, then upgraded by core's lazy
 * migration (auth/password/stored-password.ts).
 */
export const legacyHashScheme: ForeignHashScheme = {
  schemeOf(user) {
    if (!isLegacyStoredHash(user.passwordHash)) return null;
    const parsed = parseLegacyHash(user.passwordHash, VERIFY_LIMITS, user.legacySalt ?? null);
    // One that cannot verify is still ours to refuse (verify pays a dummy hash).
    return parsed.ok ? parsed.hash.scheme : "unverifiable";
  },

  async verify(user: PasswordUser, typed: string, passwords: PasswordHasher) {
    const parsed = parseLegacyHash(user.passwordHash, VERIFY_LIMITS, user.legacySalt ?? null);
    if (!parsed.ok) {
      // Malformed, `$2x$` or over the bounds (only possible if written around the
      // importer): a clean failure that still costs one hash, like an unknown email.
      await passwords.dummyVerify(typed.normalize("NFKC"));
      return false;
    }
    return verifyLegacyPassword(parsed.hash, typed, passwords);
  },
};
