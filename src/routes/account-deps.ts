import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import type { AccountDeps } from "../auth/accounts";

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
