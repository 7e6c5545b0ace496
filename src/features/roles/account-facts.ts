import type { AccountFactsSource } from "../../auth/account-facts";
import type { RoleStore } from "./ports";

/** The admin's view of an account: the roles it holds and what they grant. */
export function roleFacts(roles: RoleStore): AccountFactsSource {
  return {
    section: "roles",
    factsFor: (userId) => roles.grantsOf(userId),
  };
}
