import { permits } from "../../auth/permissions";
import type { CheckResult } from "../../auth/tokens/check";
import type { AccessTokenClaims } from "../../auth/tokens/claims";
import type { RoleStore } from "./ports";

export type AuthorizeOutcome =
  | { allowed: true; claims: AccessTokenClaims; roles: string[] }
  | { allowed: false; reason: string };

/**
 * Whether a token's holder may do something now: the token's own check
 * (signature, expiry, revocation), then the roles the user holds at this
 * moment in Postgres. A role removed a second ago no longer counts, whatever
 * the token says.
 */
export async function authorize(
  deps: { check(token: string): Promise<CheckResult>; roles: RoleStore },
  token: string,
  permission: string,
): Promise<AuthorizeOutcome> {
  const checked = await deps.check(token);
  if (!checked.ok) return { allowed: false, reason: checked.error };
  const grants = await deps.roles.grantsOf(checked.claims.sub);
  if (!permits(grants.permissions, permission)) return { allowed: false, reason: "forbidden" };
  return { allowed: true, claims: checked.claims, roles: grants.roles };
}
