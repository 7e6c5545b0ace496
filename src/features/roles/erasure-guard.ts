import type { AccountErasureGuard } from "../../auth/account-erasure";
import { roleErrors } from "./errors";
import type { RoleStore } from "./ports";

/**
 * The last enabled holder of `admin` is not erased: before the account goes, its
 * `admin` role is taken away by the same one-statement check that refuses to
 * remove the last admin (RoleStore.remove), so two admins erasing each other
 * at once leave one. Its other roles go with the account (a cascade).
 */
export function lastAdminGuard(roles: RoleStore): AccountErasureGuard {
  return {
    async beforeErase(userId) {
      const held = (await roles.grantsOf(userId)).roles;
      if (!held.includes("admin")) return;
      if ((await roles.remove(userId, "admin")) === "last_admin") {
        throw roleErrors.error("last_admin");
      }
    },
  };
}
