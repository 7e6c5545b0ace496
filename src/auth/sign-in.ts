import { authErrors } from "./errors";
import { parseRefreshToken } from "./refresh/refresh-token";
import type { IssuedTokens } from "./refresh/types";
import { type SessionDeps, startSession } from "./sessions";

/** How the user proved who they are (the audit trail and `token_issued` record it). */
export type SignInMethod = "password" | "legacy_session";

export interface SignInDeps {
  sessions: SessionDeps;
  /** REQUIRE_EMAIL_VERIFICATION: no session for an address that was never proven. */
  requireEmailVerification: boolean;
  /** A second factor before the session (a feature fills it: MFA); none = no second step. */
  secondFactor?: SecondFactorGate;
}

/**
 * The second-factor hook of the sign-in. Asked after the first factor and the
 * verification gate, before any session exists: it either lets the sign-in
 * through or answers with the challenge the client must meet first (and then
 * completes the sign-in itself, through this same door, once it is met).
 */
export interface SecondFactorGate {
  challenge(
    user: SigningInUser,
    method: SignInMethod,
  ): Promise<{ challenge: string; methods: string[] } | null>;
}

/** A sign-in either opens a session or stops at a second-factor challenge. */
export type SignInOutcome =
  | { kind: "session"; tokens: IssuedTokens }
  | { kind: "second_factor"; challenge: string; methods: string[] };

/** The account that proved itself, as far as the sign-in needs it. */
export interface SigningInUser {
  id: string;
  emailVerified: boolean;
}

/**
 * The one door after a user has proved who they are, whatever the method:
 * the verification gate, then the session, then the audit event. Password
 * login and the legacy session exchange both end here, so the rules cannot
 * differ between them (security review: the exchange issued tokens where a
 * password login got 403 `email_not_verified`, and said `email_verified:
 * false` for every verified user).
 */
export async function completeSignIn(
  deps: SignInDeps,
  user: SigningInUser,
  how: {
    method: SignInMethod;
    userAgent: string | null;
    ip: string | null;
    transport?: "body" | "cookie";
  },
): Promise<SignInOutcome> {
  const audit = deps.sessions.audit;
  if (deps.requireEmailVerification && !user.emailVerified) {
    audit.record({
      type: "login_failed",
      userId: user.id,
      details: { reason: "email_not_verified" },
    });
    throw authErrors.error("email_not_verified");
  }
  const second = await deps.secondFactor?.challenge(user, how.method);
  if (second) return { kind: "second_factor", ...second };
  const issued = await startSession(deps.sessions, {
    userId: user.id,
    emailVerified: user.emailVerified,
    userAgent: how.userAgent,
    ip: how.ip,
    grant: how.method,
  });
  const family = parseRefreshToken(issued.refreshToken)?.familyId ?? null;
  if (how.method === "legacy_session") {
    audit.record({ type: "legacy_session_exchanged", userId: user.id, details: { family } });
  } else {
    audit.record({
      type: "login_succeeded",
      userId: user.id,
      details: { family, transport: how.transport ?? "body" },
    });
  }
  return { kind: "session", tokens: issued };
}
