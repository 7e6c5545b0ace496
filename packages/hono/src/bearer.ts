/**
 * RFC 6750 §2.1: `credentials = "Bearer" 1*SP b64token`. The scheme is
 * case-insensitive (RFC 9110 §11.1). Only the header is read: a token in the
 * query string (§2.3) ends up in logs and caches, and a form body (§2.2) is
 * the application's to parse.
 */
const BEARER_CREDENTIALS = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const BEARER_SCHEME = /^Bearer(?: |$)/i;

export type PresentedCredentials =
  /** No Authorization header, or another scheme: the client did not try Bearer. */
  | { kind: "none" }
  /** A Bearer header whose credentials are not a b64token. */
  | { kind: "malformed" }
  | { kind: "token"; token: string };

/** What an `Authorization` header value presents, for the middleware's refusals. */
export function presentedCredentials(header: string | undefined): PresentedCredentials {
  if (!header || !BEARER_SCHEME.test(header)) return { kind: "none" };
  const token = BEARER_CREDENTIALS.exec(header)?.[1];
  return token ? { kind: "token", token } : { kind: "malformed" };
}
