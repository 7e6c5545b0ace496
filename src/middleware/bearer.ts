import type { Context } from "hono";
import { authErrors } from "../auth/errors";
import { matchServiceKey } from "../auth/service-keys";
import type { AuthError } from "../errors";

const BEARER = /^Bearer +(\S+)$/;

/** The credential of an `Authorization: Bearer …` header (RFC 6750 §2.1), if there is one. */
export function bearerOf(c: Context): string | undefined {
  return BEARER.exec(c.req.header("authorization") ?? "")?.[1];
}

/** The id of the configured service key the request presents as its bearer token, or null. */
export async function presentedServiceKey(
  c: Context,
  keys: ReadonlyArray<{ id: string; secret: string }>,
): Promise<string | null> {
  const presented = bearerOf(c);
  return presented ? matchServiceKey(presented, keys) : null;
}

/** RFC 6750 §3.1: 401 with a bare challenge for a missing or wrong key. */
export const keyRequired = (realm: string, what: string): AuthError =>
  authErrors.error("credentials_required", {
    description: `a valid ${what} is required`,
    headers: { "WWW-Authenticate": `Bearer realm="${realm}"` },
  });
