import { maxStoredHashMemoryKiB } from "../../auth/password/hasher";
import { DEFAULT_PHC_LIMITS, type PhcLimits } from "../../auth/password/phc";

/**
 * Work-factor bounds for imported hashes. The same bounds are applied at
 * import (a record outside them is rejected with its reason) and again before
 * every verification (a hash written some other way still cannot make a login
 * into a CPU or memory bomb).
 *
 * Measured in workerd on the development machine (docs/migration.md): bcryptjs
 * cost 10 ~90 ms and cost 12 ~350 ms, so cost 13 ~0.7 s; PBKDF2-SHA-256 in
 * JavaScript ~0.93 µs per iteration, so 2,000,000 iterations ~1.9 s.
 */
export interface LegacyLimits {
  bcryptMinCost: number;
  bcryptMaxCost: number;
  pbkdf2MaxIterations: number;
  /** Longest PBKDF2 salt, in UTF-8 bytes (Django's own are 12-22 characters). */
  pbkdf2MaxSaltBytes: number;
}

/** Legacy bounds plus the argon2id PHC bounds. */
export interface HashLimits extends LegacyLimits {
  argon2: PhcLimits;
}

export const LEGACY_LIMITS: Readonly<LegacyLimits> = Object.freeze({
  // bcrypt's own minimum is 4 (2^4 rounds); below that no implementation hashes.
  bcryptMinCost: 4,
  bcryptMaxCost: 13,
  pbkdf2MaxIterations: 2_000_000,
  pbkdf2MaxSaltBytes: 128,
});

/**
 * The bounds for an import: argon2id memory at most what the hasher will ever
 * compute (the configured memory or 64 MiB, whichever is larger), since WASM
 * memory never shrinks once grown; the other argon2id bounds are the hasher's.
 */
export function importLimits(configuredMemoryKiB: number): HashLimits {
  return {
    ...LEGACY_LIMITS,
    argon2: { ...DEFAULT_PHC_LIMITS, maxMemoryKiB: maxStoredHashMemoryKiB(configuredMemoryKiB) },
  };
}
