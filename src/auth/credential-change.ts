import { errorName, log } from "../log";
import type { UserStore } from "../ports";
import { denyTtl, endFamily, type SessionDeps } from "./sessions";

export interface CredentialChange {
  userId: string;
  /** End the user's sessions (all but `keepSessionId`), or leave them alone. */
  endSessions: boolean;
  /** The session a password change from it keeps. */
  keepSessionId?: string;
  /** Recorded on each ended session, e.g. "password_changed". */
  reason: string;
  /** Record `logout_all` with the number of sessions ended (logout-all, reset). */
  auditLogoutAll?: boolean;
}

/**
 * A credential change ends what was issued before it: sessions (optionally),
 * and, through `commit`, every outstanding reset and email-change token and
 * every unexchanged legacy session (the statement that changes the credential
 * advances the credential epoch, `users.credentials_changed_at`; see UserStore). Password
 * change, password reset and logout-all all come through here.
 *
 * The order makes a partial failure safe to re-run (security review: a failure
 * after the password commit used to leave old sessions alive, with the reset
 * token spent and the old password gone):
 *
 * 1. the user's not-before in Redis, which every rotation and every online
 *    check reads, is raised to now (sparing the kept session): if this fails,
 *    nothing has changed and the request can be repeated as it was;
 * 2. `commit` changes the credential: if it fails, the sessions are already
 *    ended but the credential and any token are as before, so it can be repeated;
 * 3. the not-before is raised again, for a session begun between 1 and 2 with
 *    the old credential; if this fails the change stands and can be repeated
 *    with the new credential (a sign-in that checked the old password and lists
 *    its session after 2 is refused by that insert: SessionStore.insert's
 *    credential epoch);
 * 4. the listed sessions are ended one by one (object, denylist, list), in the
 *    background: 1 and 3 already made them dead, this is the cleanup.
 */
export async function changeCredentials<T>(
  deps: SessionDeps,
  change: CredentialChange,
  commit: () => Promise<T>,
): Promise<T> {
  if (change.endSessions) await raiseNotBefore(deps, change);
  const result = await commit();
  if (change.endSessions) {
    const at = deps.clock.now();
    await raiseNotBefore(deps, change);
    deps.background(endListedSessions(deps, change, at));
  }
  return result;
}

/** POST /v1/logout-all: every session, every outstanding recovery token and legacy session. */
export function logoutEverywhere(
  deps: { sessions: SessionDeps; users: Pick<UserStore, "advanceCredentialEpoch"> },
  userId: string,
): Promise<void> {
  return changeCredentials(
    deps.sessions,
    { userId, endSessions: true, reason: "logout_all", auditLogoutAll: true },
    () => deps.users.advanceCredentialEpoch(userId),
  );
}

function raiseNotBefore(deps: SessionDeps, change: CredentialChange): Promise<void> {
  return deps.revocation.setUserNotBefore(
    change.userId,
    deps.clock.now(),
    deps.refreshTtlSeconds + denyTtl(deps),
    change.keepSessionId,
  );
}

async function endListedSessions(
  deps: SessionDeps,
  change: CredentialChange,
  atMs: number,
): Promise<void> {
  const at = new Date(atMs);
  const ids = await deps.sessions.revokeAllForUser(
    change.userId,
    at,
    change.reason,
    change.keepSessionId,
  );
  if (change.auditLogoutAll) {
    deps.audit.record({
      type: "logout_all",
      userId: change.userId,
      details: { families: ids.length },
    });
  }
  const ended = await Promise.allSettled(ids.map((id) => endFamily(deps, id, change.reason, at)));
  const failed = ended.filter((r) => r.status === "rejected");
  if (failed.length > 0) {
    // Dead already (the not-before); only their objects and denylist entries lag.
    log("warn", "sessions not all cleaned up after a credential change", {
      failed: failed.length,
      error: errorName((failed[0] as PromiseRejectedResult).reason),
    });
  }
}
