import type { GrantSource } from "../ports";
import { permits } from "./permissions";
import type { CheckResult } from "./tokens/check";
import type { AccessTokenClaims } from "./tokens/claims";

export type AuthorizeOutcome =
  | { allowed: true; claims: AccessTokenClaims; roles: string[] }
  | { allowed: false; reason: string };

/**
 * Whether a token's holder may do something now: the token's own check
 * (signature, expiry, revocation), then the roles the user holds at this
 * moment in Postgres. A role removed a second ago no longer counts, whatever
 * the token says. Grants come through the GrantSource port (the roles
 * feature's store), as for the admin routes' check.
 */
export async function authorize(
  deps: { check(token: string): Promise<CheckResult>; grants: GrantSource },
  token: string,
  permission: string,
): Promise<AuthorizeOutcome> {
  const checked = await deps.check(token);
  if (!checked.ok) return { allowed: false, reason: checked.error };
  const grants = await deps.grants.grantsOf(checked.claims.sub);
  if (!permits(grants.permissions, permission)) return { allowed: false, reason: "forbidden" };
  return { allowed: true, claims: checked.claims, roles: grants.roles };
}
