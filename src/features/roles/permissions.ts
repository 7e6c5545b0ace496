/**
 * Permissions are `resource:action` strings (`orders:read`); a role may hold
 * wildcards: `*` (everything), `users:*` (every action on users), `*:read`
 * (reading anything). Checked at request time against the roles held then,
 * never against a list in a token.
 */
const PART = "[a-z][a-z0-9_-]{0,31}";
export const PERMISSION = new RegExp(`^${PART}:${PART}$`);
const GRANT = new RegExp(`^(\\*|(${PART}|\\*):(${PART}|\\*))$`);
/** Role names go into tokens: short, lowercase. */
export const ROLE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
export const MAX_PERMISSIONS_PER_ROLE = 64;
/** A token carries at most this many role names (RFC 9068 §2.2.3.1 `roles`). */
export const MAX_ROLES_PER_USER = 16;

export const isGrant = (value: string): boolean => GRANT.test(value);

/** Whether any of these grants covers the wanted permission. */
export function permits(grants: readonly string[], wanted: string): boolean {
  if (!PERMISSION.test(wanted)) return false;
  const [resource, action] = wanted.split(":") as [string, string];
  return grants.some((g) => {
    if (g === "*") return true;
    const [r, a] = g.split(":");
    return (r === "*" || r === resource) && (a === "*" || a === action);
  });
}
