import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import type { RefreshTokenParts } from "../auth/refresh/refresh-token";
import type { AdmittedSession } from "../auth/refresh/types";
import { enforceLimit } from "../auth/throttle";
import { clientNetworkOf, setLimitHeaders } from "../middleware/rate-limit";

/**
 * Admits a refresh before its family's object is called, in one Redis round
 * trip: the client's `token_ip` limit and, when the token names its user, that
 * user's not-before for the session (adapters/redis/refresh-admission.ts), which
 * the object would otherwise read itself. The limit fails open on a timeout:
 * refresh secrets carry 256 bits, so it is about load, not guessing, and the
 * family's object has the last word. The RateLimit-* headers stay on whatever
 * the route answers.
 */
export async function admitRefresh(
  c: Context<AppEnv>,
  parts: RefreshTokenParts | null,
): Promise<AdmittedSession | undefined> {
  const services = c.get("services");
  const session = parts?.userId ? { userId: parts.userId, familyId: parts.familyId } : null;
  const { limit, notBefore } = await services.refreshAdmission.admit(clientNetworkOf(c), session);
  const now = services.clock.now();
  if (!enforceLimit(limit, now, true).timedOut) setLimitHeaders(c, limit, now);
  return session && notBefore !== undefined ? { userId: session.userId, notBefore } : undefined;
}
