/**
 * What a feature must settle before an account is disabled
 * (Feature.disableGuard). The roles feature refuses to disable the last
 * enabled holder of `admin` (409 `last_admin`): a disabled account cannot sign
 * in, so no person could administer any more. A guard throws an AuthError to
 * refuse, before anything is changed. A check and the change it protects must
 * be one step, or two admins disabling each other at once both pass: so a
 * guard that lets the disable through may mark the account disabled itself,
 * in the statement that checked; the core's own mark then finds it done.
 */
export interface AccountDisableGuard {
  beforeDisable(userId: string): Promise<void>;
}
