/**
 * Permissions are `resource:action` strings (`orders:read`); a grant may hold
 * wildcards: `*` (everything), `users:*` (every action on users), `*:read`
 * (reading anything). Checked at request time against the roles held then,
 * never against a list in a token. The roles feature keeps who holds what;
 * the core's admin routes and `AuthService.authorize` ask it through the
 * GrantSource port.
 */
const PART = "[a-z][a-z0-9_-]{0,31}";
export const PERMISSION = new RegExp(`^${PART}:${PART}$`);
const GRANT = new RegExp(`^(\\*|(${PART}|\\*):(${PART}|\\*))$`);

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

/**
 * Whether an actor may hand out a grant: only what it holds itself, so a
 * role administrator cannot make anyone (itself included) more powerful than
 * it is.
 */
export function covers(actorGrants: readonly string[], grant: string): boolean {
  if (actorGrants.includes("*") || actorGrants.includes(grant)) return true;
  if (grant.includes("*")) return false;
  return permits(actorGrants, grant);
}
