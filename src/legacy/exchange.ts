import { parseRefreshToken } from "../auth/refresh/refresh-token";
import type { IssuedTokens } from "../auth/refresh/types";
import { type SessionDeps, startSession } from "../auth/sessions";
import { AuthError } from "../errors";
import type { LegacyStore } from "./ports";
import { sha256Hex } from "./sha256-hex";

export interface ExchangeDeps {
  store: Pick<LegacyStore, "consumeSession" | "releaseSession">;
  sessions: SessionDeps;
  /** Epoch ms after which no legacy session is honoured: cutover + window. */
  deadlineMs: number;
}

/** RFC 6749 §5.2 style: one answer for unknown, expired, used and too-late sessions. */
const invalidLegacySession = (): AuthError =>
  new AuthError("invalid_grant", 400, "the legacy session is invalid, expired or already used");

/** Django's keys are 32 characters of [a-z0-9]; anything printable up to 256 is looked up. */
const SESSION_KEY = /^[\x21-\x7e]{1,256}$/;

/**
 * Trades a still-valid session of the monolith for a token pair, once. The
 * session is consumed in one conditional UPDATE before any token exists, so
 * of concurrent exchanges exactly one wins; it is honoured until
 * min(its own expiry, cutover + window). If no tokens can be issued after the
 * session was consumed, it is released again so the user can retry.
 */
export async function exchangeLegacySession(
  deps: ExchangeDeps,
  input: { sessionKey: string; userAgent: string | null; ip: string | null },
): Promise<IssuedTokens> {
  const now = deps.sessions.clock.now();
  if (now >= deps.deadlineMs) throw invalidLegacySession();
  if (!SESSION_KEY.test(input.sessionKey)) throw invalidLegacySession();
  const keyHash = await sha256Hex(input.sessionKey);
  const usedAt = new Date(now);
  const userId = await deps.store.consumeSession(keyHash, usedAt);
  if (userId === null) throw invalidLegacySession();
  let tokens: IssuedTokens;
  try {
    tokens = await startSession(deps.sessions, {
      userId,
      // The monolith's verification state is not imported: the user verifies here.
      emailVerified: false,
      userAgent: input.userAgent,
      ip: input.ip,
      grant: "legacy_session",
    });
  } catch (err) {
    await deps.store.releaseSession(keyHash, usedAt).catch(() => {});
    throw err;
  }
  deps.sessions.audit.record({
    type: "legacy_session_exchanged",
    userId,
    details: { family: parseRefreshToken(tokens.refreshToken)?.familyId ?? null },
  });
  return tokens;
}
