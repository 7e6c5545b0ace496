import type { AuditLog, BreachedPasswordCheck, UserRecord, UserStore } from "../ports";
import { authErrors } from "./errors";
import type { PasswordHasher } from "./password/hasher";
import {
  MAX_PASSWORD_BYTES,
  normalizePassword,
  screenNewPassword,
  utf8Length,
} from "./password/policy";

export interface AccountDeps {
  users: UserStore;
  passwords: PasswordHasher;
  minPasswordLength: number;
  /** Optional breached-password corpus; unset disables the check. */
  breached?: BreachedPasswordCheck;
  /** Records `hash_upgraded` when a login moves a hash to current argon2id. */
  audit?: AuditLog;
}

const PASSWORD_PROBLEMS = {
  too_short: (min: number) => `password must be at least ${min} characters`,
  common: () => "password is too common, choose another",
  breached: () => "password has appeared in a data breach, choose another",
  too_long: () => `password must be at most ${MAX_PASSWORD_BYTES} bytes`,
  invalid_characters: () => "password contains invalid characters",
} as const;

/**
 * Registers a user. A taken email is reported (409): the one deliberate
 * enumeration point, documented in docs/security.md, since a sign-up form
 * cannot hide it without an email round trip.
 */
export async function register(
  deps: AccountDeps,
  input: { email: string; password: string },
): Promise<UserRecord> {
  // Hash before touching the database: the insert is then one atomic statement.
  const passwordHash = await hashNewPassword(deps, input.password);
  const user = await deps.users.create({
    id: crypto.randomUUID(),
    email: input.email,
    passwordHash,
  });
  if (!user) throw authErrors.error("email_taken");
  return user;
}

/** Applies the new-password policy (400 naming the problem), then hashes. */
export async function hashNewPassword(
  deps: Pick<AccountDeps, "passwords" | "minPasswordLength" | "breached">,
  raw: string,
): Promise<string> {
  const password = normalizePassword(raw);
  const problem = await screenNewPassword(password, deps.minPasswordLength, deps.breached);
  if (problem) {
    throw authErrors.error("password_rejected", {
      description: PASSWORD_PROBLEMS[problem](deps.minPasswordLength),
      reason: problem,
    });
  }
  return deps.passwords.hash(password);
}

/** 400 for a password longer than any we hash (before any lookup or hashing). */
export function checkPasswordSize(raw: string): void {
  if (utf8Length(raw) > MAX_PASSWORD_BYTES) {
    throw authErrors.error("password_rejected", {
      description: PASSWORD_PROBLEMS.too_long(),
      reason: "too_long",
    });
  }
}
