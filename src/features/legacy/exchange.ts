import { completeSignIn, type SignInDeps, type SignInOutcome } from "../../auth/sign-in";
import type { AuthError } from "../../errors";
import { legacyErrors } from "./errors";
import type { LegacyStore } from "./ports";
import { sha256Hex } from "./sha256-hex";

export interface ExchangeDeps {
  store: Pick<LegacyStore, "consumeSession" | "releaseSession">;
  signIn: SignInDeps;
  /** Epoch ms after which no legacy session is honoured: cutover + window. */
  deadlineMs: number;
}

/** RFC 6749 §5.2 style: one answer for unknown, expired, used and too-late sessions. */
const invalidLegacySession = (): AuthError => legacyErrors.error("invalid_session");

/** Django's keys are 32 characters of [a-z0-9]; anything printable up to 256 is looked up. */
const SESSION_KEY = /^[\x21-\x7e]{1,256}$/;

/**
 * Trades a still-valid session of the monolith for a token pair, once. The
 * session is consumed in one conditional UPDATE before any token exists, so
 * of concurrent exchanges exactly one wins; it is honoured until
 * min(its own expiry, cutover + window), and never after a credential change
 * of its user (a password change or reset, a logout-all). The sign-in goes
 * through the same door as a password login (the verification gate included);
 * if it does not issue tokens, the session is released so the user can retry.
 */
export async function exchangeLegacySession(
  deps: ExchangeDeps,
  input: {
    sessionKey: string;
    /** Where the refresh token goes, now or after a second factor (an HttpOnly cookie or the body). */
    transport: "body" | "cookie";
    userAgent: string | null;
    ip: string | null;
  },
): Promise<SignInOutcome> {
  const now = deps.signIn.sessions.clock.now();
  if (now >= deps.deadlineMs) throw invalidLegacySession();
  if (!SESSION_KEY.test(input.sessionKey)) throw invalidLegacySession();
  const keyHash = await sha256Hex(input.sessionKey);
  const usedAt = new Date(now);
  const user = await deps.store.consumeSession(keyHash, usedAt);
  if (user === null) throw invalidLegacySession();
  try {
    return await completeSignIn(
      deps.signIn,
      { id: user.userId, emailVerified: user.emailVerified },
      {
        method: "legacy_session",
        successEvent: "legacy_session_exchanged",
        transport: input.transport,
        userAgent: input.userAgent,
        ip: input.ip,
      },
    );
  } catch (err) {
    await deps.store.releaseSession(keyHash, usedAt).catch(() => {});
    throw err;
  }
}
