import type { AuthError } from "../errors";
import type { UserRecord } from "../ports";
import { type AccountDeps, checkPasswordSize } from "./accounts";
import { authErrors } from "./errors";
import { normalizePassword } from "./password/policy";
import {
  checkStoredPassword,
  type ForeignHashScheme,
  type PasswordUser,
} from "./password/stored-password";
import { accountKey, type LoginThrottleDeps, throttledPasswordCheck } from "./throttle";

/**
 * The only two ways to check a password, both behind the same throttle
 * (auth/throttle.ts): a login by email, and the signed-in user's
 * re-authentication before a credential change.
 */
export type PasswordCheckDeps = AccountDeps &
  LoginThrottleDeps & {
    /** Stored formats other than ours (the legacy carve-out contributes its own). */
    foreignHashes?: ForeignHashScheme;
  };

/** Where a password attempt comes from. */
export interface AttemptSource {
  ip: string;
  network: string;
  challengeToken?: string | undefined;
}

/**
 * A password login. An unknown email and a wrong password are one answer, and
 * an unknown email still pays for one hash at the current cost, so neither the
 * body nor the time tells whether the account exists; the throttle decides
 * before any hashing, on the account's key whether or not it exists.
 */
export async function passwordLogin(
  deps: PasswordCheckDeps,
  input: { email: string; password: string },
  source: AttemptSource,
): Promise<UserRecord> {
  checkPasswordSize(input.password);
  const user = await throttledPasswordCheck(deps, await attempt(input.email, source), async () => {
    const user = await deps.users.findByEmail(input.email);
    // An account without a password (it signs in through a provider) answers
    // like an unknown email, at the same cost: a login must not tell anyone
    // which provider, if any, an address uses.
    if (!user || user.passwordHash === null) {
      await deps.passwords.dummyVerify(normalizePassword(input.password));
      throw invalidCredentials();
    }
    return verify(deps, user as PasswordUser, input.password);
  });
  // Only once the password is proved, so the answer tells nothing to anyone
  // who does not know it: an administrator wants a new one set (a reset).
  if (user.passwordResetRequiredAt) throw authErrors.error("password_reset_required");
  return user;
}

/** Re-authentication: the signed-in user's current password, before a credential change. */
export async function confirmPassword(
  deps: PasswordCheckDeps,
  user: UserRecord,
  password: string,
  source: AttemptSource,
): Promise<UserRecord> {
  checkPasswordSize(password);
  // The signed-in user may know their own account has no password to confirm.
  if (user.passwordHash === null) throw authErrors.error("password_not_set");
  const withPassword = user as PasswordUser;
  return throttledPasswordCheck(deps, await attempt(user.email, source), () =>
    verify(deps, withPassword, password),
  );
}

async function attempt(email: string, source: AttemptSource) {
  return {
    ip: source.ip,
    network: source.network,
    account: await accountKey(email),
    ...(source.challengeToken ? { challengeToken: source.challengeToken } : {}),
  };
}

/**
 * Legacy hashes check the password as typed, ours its NFKC form; a match on a
 * legacy or outdated hash re-hashes it by compare-and-swap and records
 * `hash_upgraded` (docs/migration.md).
 */
async function verify(
  deps: PasswordCheckDeps,
  user: PasswordUser,
  raw: string,
): Promise<UserRecord> {
  if (!(await checkStoredPassword(deps, user, raw, normalizePassword(raw)))) {
    throw invalidCredentials();
  }
  return user;
}

const invalidCredentials = (): AuthError => authErrors.error("invalid_credentials");
