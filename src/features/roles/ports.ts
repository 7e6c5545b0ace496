import type { roleAuditEvents } from "./events";

export interface RoleRecord {
  name: string;
  description: string;
  permissions: string[];
  builtIn: boolean;
}

export type AssignOutcome = "assigned" | "already" | "unknown_role" | "unknown_user" | "too_many";
export type RemoveOutcome = "removed" | "not_held" | "last_admin";
export type DisableOutcome = "disabled" | "not_admin" | "last_admin";

/** Roles in Postgres (./adapters/role-store.ts); each method one statement. */
export interface RoleStore {
  /**
   * The roles a user holds now, the union of their grants, and how many
   * times the user's roles have changed (the `roles_ver` claim).
   */
  grantsOf(userId: string): Promise<{ roles: string[]; permissions: string[]; version: number }>;
  listRoles(): Promise<RoleRecord[]>;
  /** One role by name, or null when there is none. */
  role(name: string): Promise<RoleRecord | null>;
  /** False when the name is taken. */
  createRole(role: Omit<RoleRecord, "builtIn">): Promise<boolean>;
  assign(userId: string, role: string, grantedBy: string, maxRoles: number): Promise<AssignOutcome>;
  /**
   * Removes a role from a user; never `admin` from the last enabled holder
   * (checked with every admin holder locked, in one statement, so two admins
   * removing each other at once leave one).
   */
  remove(userId: string, role: string): Promise<RemoveOutcome>;
  /**
   * Marks an account that holds `admin` disabled, unless no other enabled
   * account holds it (the same locks and count as `remove`, in one statement).
   * `not_admin`: the account holds no `admin` and nothing was changed.
   */
  disableUnlessLastAdmin(userId: string): Promise<DisableOutcome>;
}

declare module "../../ports" {
  interface AuditEventRegistry extends Record<(typeof roleAuditEvents)[number], true> {}
}

declare module "../../auth/refresh/types" {
  interface SessionClaims {
    /**
     * RFC 9068 §2.2.3.1: the names of the roles the user held when the
     * session's snapshot was last written (sign-in, or a role change), at most
     * 16. Informational: permissions are resolved when asked, never from this.
     */
    roles?: string[];
    /**
     * How many times the user's roles had changed when `roles` was written:
     * of two tokens, the one with the higher `roles_ver` names the newer
     * roles. Like `roles`, informational: checks ask Postgres.
     */
    roles_ver?: number;
  }
}
