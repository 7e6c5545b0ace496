import type { Argon2Params } from "../../auth/password/hasher";
import type { Clock } from "../../ports";
import type { LegacyStore, SchemeRule } from "./ports";

export interface StatsDeps {
  store: Pick<LegacyStore, "countUsersByScheme" | "countSessions">;
  clock: Clock;
  /** The current argon2id parameters and pepper id: hashes that need no upgrade. */
  current: Argon2Params & { pepperId: string | undefined };
  /** Cutover + window, or undefined when legacy sessions are off. */
  deadlineMs: number | undefined;
}

export interface MigrationStats {
  users: {
    total: number;
    /** Users still on a legacy hash (they upgrade at their next login). */
    legacy: number;
    by_scheme: Record<SchemeLabel, number>;
  };
  legacy_sessions: { pending: number; exchanged: number; lapsed: number };
}

const LEGACY_LABELS = ["argon2id_imported", "bcrypt", "bcrypt_sha256", "pbkdf2_sha256"] as const;
type SchemeLabel =
  | "argon2id_current"
  | "argon2id_outdated"
  | (typeof LEGACY_LABELS)[number]
  | "other";

/**
 * How stored hashes are told apart (./hash-format.ts): by prefix, first match
 * wins. `other` is anything no login can verify (e.g. `$2x$`).
 */
export function schemeRules(current: StatsDeps["current"]): SchemeRule[] {
  const keyid = current.pepperId === undefined ? "" : `,keyid=${current.pepperId}`;
  const currentPrefix = `$argon2id$v=19$m=${current.memoryKiB},t=${current.iterations},p=${current.parallelism}${keyid}$`;
  return [
    { label: "argon2id_current", prefix: currentPrefix },
    { label: "argon2id_outdated", prefix: "$argon2id$" },
    { label: "argon2id_imported", prefix: "argon2$argon2id$" },
    { label: "bcrypt_sha256", prefix: "bcrypt_sha256$" },
    { label: "pbkdf2_sha256", prefix: "pbkdf2_sha256$" },
    { label: "bcrypt", prefix: "$2a$" },
    { label: "bcrypt", prefix: "$2b$" },
    { label: "bcrypt", prefix: "$2y$" },
    { label: "bcrypt", prefix: "bcrypt$" },
  ];
}

/** Users per hash scheme and legacy sessions per state, so operators watch the migration converge. */
export async function migrationStats(deps: StatsDeps): Promise<MigrationStats> {
  const now = deps.clock.now();
  const [counts, sessions] = await Promise.all([
    deps.store.countUsersByScheme(schemeRules(deps.current), "other"),
    deps.store.countSessions(
      new Date(now),
      deps.deadlineMs === undefined ? null : new Date(deps.deadlineMs),
    ),
  ]);
  const by_scheme: Record<SchemeLabel, number> = {
    argon2id_current: counts.argon2id_current ?? 0,
    argon2id_outdated: counts.argon2id_outdated ?? 0,
    argon2id_imported: counts.argon2id_imported ?? 0,
    bcrypt: counts.bcrypt ?? 0,
    bcrypt_sha256: counts.bcrypt_sha256 ?? 0,
    pbkdf2_sha256: counts.pbkdf2_sha256 ?? 0,
    other: counts.other ?? 0,
  };
  const total = Object.values(by_scheme).reduce((a, b) => a + b, 0);
  const legacy = LEGACY_LABELS.reduce((sum, label) => sum + by_scheme[label], 0);
  return { users: { total, legacy, by_scheme }, legacy_sessions: sessions };
}
