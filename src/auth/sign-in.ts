import { AuthError } from "../errors";
import type { AuditEventType } from "../ports";
import { authErrors } from "./errors";
import { parseRefreshToken } from "./refresh/refresh-token";
import type { IssuedTokens, SessionClaims } from "./refresh/types";
import { type SessionDeps, startSession } from "./sessions";

/**
 * How the user proved who they are, as a registry: the core's password here,
 * and each feature adds its own way (declaration merging), e.g. the legacy
 * carve-out's `legacy_session`. The audit trail and `token_issued` record it.
 */
export interface SignInMethodRegistry {
  password: true;
}

export type SignInMethod = keyof SignInMethodRegistry;

/** The account that proved itself, as far as the sign-in needs it. */
export interface SigningInUser {
  id: string;
  emailVerified: boolean;
  /**
   * An administrator disabled the account, as far as the caller read it: the
   * sign-in stops before any gate. Without it, the session's insert still
   * refuses a disabled account (SessionStore.insert).
   */
  disabled?: boolean;
  /**
   * The account's credential epoch (UserRecord.credentialEpoch) as read before
   * the first factor was checked, when that factor is a credential a change
   * replaces (the password): the session is refused if the epoch has moved
   * by the time it is listed (SessionStore.insert).
   */
  credentialEpoch?: string | null;
}

/** A challenge the client must meet before the session exists (a second factor). */
export interface SignInChallenge {
  challenge: string;
  methods: string[];
}

/**
 * A gate of the sign-in, contributed by a feature (Feature.signInGates): asked
 * after the first factor, in the registry's order, before any session exists.
 * It throws an AuthError to refuse (recorded as `login_failed` with the
 * error's reason), answers a challenge to stop the sign-in there (the feature
 * then completes it itself, through this same door, once it is met), or lets
 * it through with null. The email flows' verification gate and the second
 * factor (MFA) are gates.
 */
export interface SignInGate {
  check(user: SigningInUser, how: SignInHow): Promise<SignInChallenge | null>;
}

/** How a sign-in came about: what `completeSignIn` records and what its session says. */
export interface SignInHow {
  method: SignInMethod;
  userAgent: string | null;
  ip: string | null;
  transport?: "body" | "cookie";
  /** The success event this method records; `login_succeeded` unless it has its own. */
  successEvent?: AuditEventType;
  /**
   * RFC 8176 authentication method references for the tokens' `amr` claim
   * (`pwd` for a password); kept for the session's life, since a refresh is
   * not a new authentication.
   */
  amr?: readonly string[];
  /** More for the success event (e.g. the provider); never a secret or token. */
  details?: Readonly<Record<string, string>>;
  /**
   * A second factor the user has met since the first (its RFC 8176 values,
   * e.g. `otp`): the feature that asked for it completes the sign-in through
   * this door again with it set, and its gate then lets the sign-in through.
   */
  secondFactor?: readonly string[];
}

/**
 * What a feature adds to a new session's claims snapshot (Feature.sessionClaims),
 * e.g. the roles feature's role names. Asked once per sign-in, after the gates.
 */
export interface SessionClaimsSource {
  claimsFor(userId: string): Promise<Partial<SessionClaims>>;
}

export interface SignInDeps {
  sessions: SessionDeps;
  gates: readonly SignInGate[];
  claims?: readonly SessionClaimsSource[];
}

/**
 * The core's own gate, first: an account an administrator disabled stops here
 * when the caller read it so (the session's insert refuses it anyway), and is
 * recorded like any refusal.
 */
const accountEnabled: SignInGate = {
  async check(user) {
    if (user.disabled) throw authErrors.error("account_disabled");
    return null;
  },
};

/** A sign-in either opens a session or stops at a gate's challenge. */
export type SignInOutcome =
  | { kind: "session"; tokens: IssuedTokens }
  | ({ kind: "second_factor" } & SignInChallenge);

/**
 * The one door after a user has proved who they are, whatever the method: the
 * gates, then the session, then the audit event. Password login and the
 * legacy session exchange both end here, so the rules cannot differ between
 * them (security review: the exchange issued tokens where a password login got
 * 403 `email_not_verified`, and said `email_verified: false` for every
 * verified user).
 */
export async function completeSignIn(
  deps: SignInDeps,
  user: SigningInUser,
  how: SignInHow,
): Promise<SignInOutcome> {
  const audit = deps.sessions.audit;
  for (const gate of [accountEnabled, ...deps.gates]) {
    let challenge: SignInChallenge | null;
    try {
      challenge = await gate.check(user, how);
    } catch (err) {
      if (err instanceof AuthError) {
        audit.record({
          type: "login_failed",
          userId: user.id,
          details: { reason: err.reason ?? err.code },
        });
      }
      throw err;
    }
    if (challenge) return { kind: "second_factor", ...challenge };
  }
  const contributed = await Promise.all((deps.claims ?? []).map((c) => c.claimsFor(user.id)));
  const issued = await startSession(deps.sessions, {
    extraClaims: Object.assign({}, ...contributed),
    userId: user.id,
    emailVerified: user.emailVerified,
    userAgent: how.userAgent,
    ip: how.ip,
    grant: how.method,
    ...amrOf(how),
    ...(user.credentialEpoch === undefined ? {} : { credentialEpoch: user.credentialEpoch }),
  });
  const family = parseRefreshToken(issued.refreshToken)?.familyId ?? null;
  const type = how.successEvent ?? "login_succeeded";
  audit.record({
    type,
    userId: user.id,
    details: {
      ...how.details,
      family,
      ...(how.transport === undefined ? {} : { transport: how.transport }),
    },
  });
  return { kind: "session", tokens: issued };
}

/** The session's `amr`: the first factor's, then a second factor's and `mfa` (RFC 8176 §2). */
function amrOf(how: SignInHow): { amr?: readonly string[] } {
  if (!how.secondFactor?.length) return how.amr === undefined ? {} : { amr: how.amr };
  return { amr: [...new Set([...(how.amr ?? []), ...how.secondFactor, "mfa"])] };
}
