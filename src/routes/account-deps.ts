import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import type { AccountDeps } from "../auth/accounts";
import { authErrors } from "../auth/errors";
import type { AttemptSource, PasswordCheckDeps } from "../auth/password-check";
import { requireReauthentication } from "../auth/reauthentication";
import { clientNetworkOf } from "../middleware/rate-limit";
import type { UserRecord } from "../ports";

/**
 * What every password check and password change needs, from one place: the
 * audit log is part of it, since a successful check may upgrade a stored hash
 * and that upgrade is recorded (`hash_upgraded`).
 */
export function accountDeps(c: Context<AppEnv>): AccountDeps {
  const services = c.get("services");
  return {
    users: services.users,
    passwords: services.passwords,
    minPasswordLength: c.get("config").password.minLength,
    breached: services.breachedPasswords,
    audit: services.audit,
  };
}

/** accountDeps plus the throttle that every password check goes through. */
export function passwordCheckDeps(c: Context<AppEnv>): PasswordCheckDeps {
  const services = c.get("services");
  return {
    ...accountDeps(c),
    clock: services.clock,
    limiter: services.limiter,
    guard: services.accountGuard,
    maxFailures: c.get("config").accountMaxFailures,
    ...(services.botChallenge ? { challenge: services.botChallenge } : {}),
    foreignHashes: services.foreignHashes,
  };
}

/** Where a password attempt comes from: the address, and the network the limits count. */
export function attemptSource(c: Context<AppEnv>, challengeToken?: string): AttemptSource {
  return {
    ip: c.req.header("cf-connecting-ip") ?? "unknown",
    network: clientNetworkOf(c),
    ...(challengeToken ? { challengeToken } : {}),
  };
}

/**
 * The signed-in account, once its holder has proved to be its owner before
 * another way to sign in joins it (auth/reauthentication.ts): the linking of a
 * provider and the registration of a passkey both start here.
 */
export async function reauthenticatedOwner(
  c: Context<AppEnv>,
  password: string | undefined,
): Promise<UserRecord> {
  const services = c.get("services");
  const claims = c.get("claims");
  const user = await services.users.findById(claims.sub);
  if (!user) throw authErrors.error("account_gone");
  await requireReauthentication(
    {
      passwordCheck: passwordCheckDeps(c),
      now: services.clock.now(),
      maxAgeSeconds: c.get("config").reauthMaxAgeSeconds,
    },
    { user, claims, password, source: attemptSource(c) },
  );
  return user;
}
