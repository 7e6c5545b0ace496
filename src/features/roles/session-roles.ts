import type { RefreshFamilies } from "../../auth/refresh/types";
import type { SessionClaimsSource } from "../../auth/sign-in";
import type { SessionStore } from "../../ports";
import type { RoleStore } from "./ports";

/** A new session's `roles` claim: the role names held at sign-in (none: no claim). */
export function rolesClaimSource(roles: RoleStore): SessionClaimsSource {
  return {
    async claimsFor(userId) {
      const { roles: held, version } = await roles.grantsOf(userId);
      if (held.length === 0 && version === 0) return {};
      return { roles: held, roles_ver: version };
    },
  };
}

/**
 * After a role change, every live session of the user gets the new names in
 * its snapshot, so the next refresh's access token says them (tokens already
 * issued keep theirs until they expire; online checks never read them).
 */
export async function propagateRoles(
  deps: { roles: RoleStore; sessions: SessionStore; families: RefreshFamilies; now: number },
  userId: string,
): Promise<void> {
  const [{ roles, version }, sessions] = await Promise.all([
    deps.roles.grantsOf(userId),
    deps.sessions.listActive(userId, new Date(deps.now)),
  ]);
  await Promise.all(
    sessions.map((s) => deps.families.updateClaims(s.id, { roles, roles_ver: version })),
  );
}
