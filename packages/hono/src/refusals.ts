import { HTTPException } from "hono/http-exception";

/**
 * The middleware's answers, each an `HTTPException` carrying its response so
 * an app's `onError` can see it (Hono's default handler sends it as is). The
 * body is the small public `{error, error_description}`; the detailed reason
 * goes to `onDenied`, never to the client, and no answer echoes the token.
 * `Cache-Control: no-store` because a refusal depends on credentials.
 */
function refusal(
  status: 401 | 403 | 503,
  error: string,
  description: string,
  headers: Record<string, string>,
): HTTPException {
  const res = new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
  return new HTTPException(status, { res, message: error });
}

/** RFC 9110 §5.6.4 quoted-string: a backslash or a quote is escaped. */
const quoted = (value: string): string => `"${value.replace(/[\\"]/g, "\\$&")}"`;

/** An RFC 6750 §3 challenge: the realm, then any auth-params. */
function challenge(realm: string, params: Record<string, string> = {}): string {
  const attributes = Object.entries(params).map(([name, value]) => `${name}=${quoted(value)}`);
  return [`Bearer realm=${quoted(realm)}`, ...attributes].join(", ");
}

/**
 * RFC 6750 §3.1: a request without credentials gets the bare challenge, no
 * error code (the client may not have known authentication was needed).
 */
export const credentialsRequired = (realm: string): HTTPException =>
  refusal(401, "unauthorized", "a bearer token is required", {
    "www-authenticate": challenge(realm),
  });

/** RFC 6750 §3.1 `invalid_token`: malformed, forged, expired or revoked alike. */
export const invalidToken = (realm: string): HTTPException =>
  refusal(401, "invalid_token", "the access token is invalid or expired", {
    "www-authenticate": challenge(realm, { error: "invalid_token" }),
  });

/**
 * RFC 6750 §3.1 `insufficient_scope`, with the permission the resource needs
 * as `scope` (§3): the token is fine, its holder lacks the grant.
 */
export const insufficientScope = (realm: string, permission: string): HTTPException =>
  refusal(403, "forbidden", "a role granting this permission is required", {
    "www-authenticate": challenge(realm, { error: "insufficient_scope", scope: permission }),
  });

/**
 * RFC 9470 §3: the authentication behind the token is older than `max_age`
 * seconds; the client signs in again (or steps up) and retries.
 */
export const insufficientUserAuthentication = (realm: string, maxAge: number): HTTPException =>
  refusal(401, "insufficient_user_authentication", "a more recent sign-in is required", {
    "www-authenticate": challenge(realm, {
      error: "insufficient_user_authentication",
      error_description: "A more recent authentication is required",
      max_age: String(maxAge),
    }),
  });

/**
 * The check could not be made: 503, never a 500 and never a pass. A transient
 * failure gets a `Retry-After`; a misconfiguration does not, retrying cannot help.
 */
export const unavailable = (transient: boolean): HTTPException =>
  refusal(
    503,
    "temporarily_unavailable",
    "authorization is unavailable, retry later",
    transient ? { "retry-after": "2" } : {},
  );
