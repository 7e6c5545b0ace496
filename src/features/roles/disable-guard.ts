import type { AccountDisableGuard } from "../../auth/account-disable";
import { roleErrors } from "./errors";
import type { RoleStore } from "./ports";

/**
 * The last enabled holder of `admin` is not disabled: a disabled account
 * cannot sign in, and only the admin key could then administer. The check and
 * the mark are one statement (RoleStore.disableUnlessLastAdmin), so two admins
 * disabling each other at once leave one. The admin key is refused too, as it
 * is when taking the role away: it grants the role to someone else first.
 */
export function lastAdminDisableGuard(roles: RoleStore): AccountDisableGuard {
  return {
    async beforeDisable(userId) {
      if ((await roles.disableUnlessLastAdmin(userId)) === "last_admin") {
        throw roleErrors.error("last_admin");
      }
    },
  };
}
