/**
 * Role names and the bounds on what a role and a user hold (the grants
 * themselves: src/auth/permissions.ts). Role names go into tokens: short,
 * lowercase.
 */
export const ROLE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
export const MAX_PERMISSIONS_PER_ROLE = 64;
/** A token carries at most this many role names (RFC 9068 §2.2.3.1 `roles`). */
export const MAX_ROLES_PER_USER = 16;
