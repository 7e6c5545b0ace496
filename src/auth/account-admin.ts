import type { UserDirectory } from "../ports";
import type { AccountDisableGuard } from "./account-disable";
import type { AccountErasureGuard } from "./account-erasure";
import { changeCredentials } from "./credential-change";
import { authErrors } from "./errors";
import { endFamily, type SessionDeps } from "./sessions";

export interface AccountAdminDeps {
  sessions: SessionDeps;
  directory: UserDirectory;
  erasureGuards: readonly AccountErasureGuard[];
  disableGuards: readonly AccountDisableGuard[];
}

/** Who acted, for the audit trail: `admin_key` or the acting person's id. */
export type ActingAdmin = string;

const notFound = () => authErrors.error("user_not_found");

/**
 * Disables an account: no sign-in from now on (`account_disabled`), and every
 * session ends at once. Through changeCredentials: the not-before is raised,
 * the account row is marked, and the not-before raised again, so
 *
 * - a refresh racing the disable may finish before it, but its family
 *   started before the second raise and is dead when this returns, with every
 *   access token it issued (the online check reads the same not-before);
 * - a sign-in racing it either listed its session before the mark (and that
 *   family started before the second raise: dead), or its session insert
 *   reads the account under a share lock after the mark and refuses it
 *   (SessionStore.insert), so its tokens are never handed out.
 *
 * The not-before is only ever raised (RevocationList.setUserNotBefore), so an
 * enable never brings a session back. Every feature's guard is asked first
 * (the last enabled admin is not disabled); one that agrees may have marked
 * the account already, which only moves the mark earlier.
 */
export async function disableAccount(
  deps: AccountAdminDeps,
  userId: string,
  by: ActingAdmin,
): Promise<void> {
  for (const guard of deps.disableGuards) await guard.beforeDisable(userId);
  await endSessionsAnd(deps, userId, by, "account_disabled", () =>
    deps.directory.setDisabled(userId, true),
  );
}

/** Lets the account sign in again; the sessions the disable ended stay ended. */
export async function enableAccount(
  deps: AccountAdminDeps,
  userId: string,
  by: ActingAdmin,
): Promise<void> {
  if (!(await deps.directory.setDisabled(userId, false))) throw notFound();
  deps.sessions.audit.record({ type: "account_enabled", userId, details: { by } });
}

/**
 * The password is no longer enough (support suspects it leaked): every
 * session ends, outstanding reset links die with the credential epoch, and a
 * correct password answers `password_reset_required` until a reset sets a
 * new one. Other ways in (a provider, a passkey) are left as they are.
 */
export async function forcePasswordReset(
  deps: AccountAdminDeps,
  userId: string,
  by: ActingAdmin,
): Promise<void> {
  await endSessionsAnd(deps, userId, by, "password_reset_forced", () =>
    deps.directory.requirePasswordReset(userId),
  );
}

/**
 * Erases an account (GDPR Art. 17), once every feature's guard agrees (the
 * last admin is not erased): its sessions end everywhere (each
 * family's object first, while the session list still names them), then the
 * row goes and every table that names it by foreign key with it. The audit
 * trail keeps its events, which hold ids and reason codes, never an address
 * or a hash, so `npm run audit:verify` still passes; the erasure itself is
 * the last event recorded for the id.
 */
export async function deleteAccount(
  deps: AccountAdminDeps,
  userId: string,
  by: ActingAdmin,
): Promise<void> {
  const sessions = deps.sessions;
  for (const guard of deps.erasureGuards) await guard.beforeErase(userId);
  await endSessionsAnd(deps, userId, by, "account_deleted", async () => {
    const now = new Date(sessions.clock.now());
    const live = await sessions.sessions.listActive(userId, now);
    await Promise.all(live.map((s) => endFamily(sessions, s.id, "account_deleted", now)));
    return deps.directory.erase(userId);
  });
}

/**
 * An administrator's change that ends every session of the account, in the
 * credential-change order (not-before, `change`, not-before again); `change`
 * answers false for an unknown account. Recorded as `event` with who acted.
 */
async function endSessionsAnd(
  deps: AccountAdminDeps,
  userId: string,
  by: ActingAdmin,
  event: "account_disabled" | "password_reset_forced" | "account_deleted",
  change: () => Promise<boolean>,
): Promise<void> {
  const found = await changeCredentials(
    deps.sessions,
    { userId, endSessions: true, reason: event },
    change,
  );
  if (!found) throw notFound();
  deps.sessions.audit.record({ type: event, userId, details: { by } });
}
