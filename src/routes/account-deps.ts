import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import type { AccountDeps } from "../auth/accounts";
import type { AttemptSource, PasswordCheckDeps } from "../auth/password-check";
import { clientNetworkOf } from "../middleware/rate-limit";

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
