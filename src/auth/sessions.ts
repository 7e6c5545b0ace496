import type { AuthError } from "../errors";
import type {
  AuditLog,
  Clock,
  RevocationList,
  SessionInsertOutcome,
  SessionRecord,
  SessionStore,
} from "../ports";
import { authErrors } from "./errors";
import { newFamilyId, parseRefreshToken, type RefreshTokenParts } from "./refresh/refresh-token";
import type {
  AdmittedSession,
  IssuedTokens,
  RefreshFamilies,
  SessionClaims,
} from "./refresh/types";
import type { SignInMethod } from "./sign-in";
import { CLOCK_SKEW_SECONDS } from "./tokens/claims";

export interface SessionDeps {
  families: RefreshFamilies;
  sessions: SessionStore;
  revocation: RevocationList;
  clock: Clock;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  audit: AuditLog;
  /** Work that must finish but need not delay the response. */
  background(promise: Promise<unknown>): void;
}

/** RFC 6749 §5.2: one answer for unknown, expired, revoked and reused grants. */
const invalidGrant = (): AuthError => authErrors.error("invalid_grant");

/** A revoked session's access tokens stay denied for as long as any of them can live. */
export const denyTtl = (deps: SessionDeps) => deps.accessTtlSeconds + CLOCK_SKEW_SECONDS;

/** Opens a session (refresh family) after a successful login. */
export async function startSession(
  deps: SessionDeps,
  input: {
    userId: string;
    emailVerified: boolean;
    userAgent: string | null;
    ip: string | null;
    /** How the user proved who they are, for the audit trail. */
    grant?: SignInMethod;
    /** RFC 8176 method references for the tokens' `amr` claim. */
    amr?: readonly string[];
    /** What features add to the claims snapshot (e.g. role names). */
    extraClaims?: Partial<SessionClaims>;
    /** The credential epoch the first factor was checked under (SigningInUser). */
    credentialEpoch?: string | null;
  },
): Promise<IssuedTokens> {
  const now = deps.clock.now();
  const familyId = newFamilyId(now);
  const tokens = await deps.families.start(familyId, input.userId, {
    ...input.extraClaims,
    email_verified: input.emailVerified,
    ...(input.amr === undefined ? {} : { amr: [...input.amr] }),
    auth_time: Math.floor(now / 1000),
  });
  let listed: SessionInsertOutcome;
  try {
    listed = await deps.sessions.insert(
      {
        id: familyId,
        userId: input.userId,
        createdAt: new Date(now),
        expiresAt: new Date(now + tokens.refreshExpiresIn * 1000),
        lastUsedAt: new Date(now),
        userAgent: input.userAgent?.slice(0, 512) ?? null,
        ip: input.ip,
      },
      input.credentialEpoch === undefined ? {} : { credentialEpoch: input.credentialEpoch },
    );
  } catch (err) {
    // Unlisted sessions must not live: without the durable copy, logout-all could not find it.
    await deps.families.revoke(familyId, "start_failed").catch(() => {});
    throw err;
  }
  if (listed !== "listed") {
    // An administrator disabled (or deleted) the account, or a credential
    // changed, while this sign-in was under way: its tokens are never handed
    // out. A password checked before a change is no longer the password.
    await deps.families.revoke(familyId, listed).catch(() => {});
    throw authErrors.error(
      listed === "account_disabled" ? "account_disabled" : "invalid_credentials",
      { reason: listed },
    );
  }
  deps.audit.record({
    type: "token_issued",
    userId: input.userId,
    details: { family: familyId, grant: input.grant ?? "password" },
  });
  return tokens;
}

/**
 * A session's listed `last_used_at` (Postgres, GET /v1/sessions) has this
 * granularity: it is written by the first rotation in each hour, not by every
 * one. A client refreshing every 15 minutes then costs one Postgres write per
 * hour instead of four (docs/capacity.md). The Durable Object still records
 * every use, and the idle timeout is enforced there, to the millisecond.
 */
export const LISTED_USE_GRANULARITY_MS = 60 * 60 * 1000;

const sameListedInterval = (a: number, b: number): boolean =>
  Math.floor(a / LISTED_USE_GRANULARITY_MS) === Math.floor(b / LISTED_USE_GRANULARITY_MS);

/** RFC 6749 §6 refresh with rotation; reuse revokes the whole family. */
export async function refreshSession(
  deps: SessionDeps,
  parts: RefreshTokenParts | null,
  admitted?: AdmittedSession,
): Promise<IssuedTokens> {
  if (!parts) throw invalidGrant();
  const result = await deps.families.rotate(parts.familyId, parts.secret, admitted);
  const family = parts.familyId;
  switch (result.outcome) {
    case "rotated": {
      const now = deps.clock.now();
      if (!sameListedInterval(now, result.previousUseAt)) {
        deps.background(deps.sessions.touch(family, new Date(now)));
      }
      deps.audit.record({ type: "token_refreshed", userId: result.userId, details: { family } });
      return result;
    }
    case "retried":
      deps.audit.record({
        type: "refresh_grace_retry",
        userId: result.userId,
        details: { family },
      });
      return result;
    case "reuse": {
      deps.audit.record({
        type: "refresh_reuse_detected",
        userId: result.userId,
        details: { family },
      });
      deps.audit.record({
        type: "family_revoked",
        userId: result.userId,
        details: { family, reason: "reuse" },
      });
      // The family is already dead in its object; make its access tokens dead too, now.
      await deps.revocation.revokeSession(parts.familyId, denyTtl(deps));
      deps.background(deps.sessions.revoke(parts.familyId, new Date(deps.clock.now()), "reuse"));
      throw invalidGrant();
    }
    default:
      throw invalidGrant();
  }
}

/** RFC 7009 §2.2: the same answer whether or not the token was valid. */
export async function endSession(deps: SessionDeps, refreshToken: unknown): Promise<void> {
  const parts = parseRefreshToken(refreshToken);
  if (!parts) return;
  const result = await deps.families.revoke(parts.familyId, "logout", parts.secret);
  if (!result.revoked) return;
  deps.audit.record({ type: "logout", userId: result.userId, details: { family: parts.familyId } });
  await deps.revocation.revokeSession(parts.familyId, denyTtl(deps));
  await deps.sessions.revoke(parts.familyId, new Date(deps.clock.now()), "logout");
}

/**
 * Ends one listed session everywhere it lives: its object stops rotating, its
 * access tokens are denied at once, and it leaves the session list.
 */
export async function endFamily(
  deps: SessionDeps,
  id: string,
  reason: string,
  now: Date,
): Promise<void> {
  await deps.families.revoke(id, reason);
  await deps.revocation.revokeSession(id, denyTtl(deps));
  await deps.sessions.revoke(id, now, reason);
}

/**
 * After an address is verified, the user's live families put it in their next
 * access tokens. Tokens already issued keep saying false until they expire
 * (at most the access-token lifetime); /v1/me is always current.
 */
export async function markEmailVerified(deps: SessionDeps, userId: string): Promise<void> {
  const live = await deps.sessions.listActive(userId, new Date(deps.clock.now()));
  await Promise.all(live.map((s) => deps.families.updateClaims(s.id, { email_verified: true })));
}

export function listSessions(deps: SessionDeps, userId: string): Promise<SessionRecord[]> {
  return deps.sessions.listActive(userId, new Date(deps.clock.now()));
}

/** Revokes one of the caller's own sessions; anyone else's is "not found". */
export async function revokeOwnSession(
  deps: SessionDeps,
  userId: string,
  sessionId: string,
): Promise<void> {
  const now = new Date(deps.clock.now());
  const session = await deps.sessions.findActive(sessionId, userId, now);
  if (!session) throw authErrors.error("session_not_found");
  await endFamily(deps, sessionId, "user_revoked", now);
  deps.audit.record({
    type: "family_revoked",
    userId,
    details: { family: sessionId, reason: "user_revoked" },
  });
}
