/**
 * What the middleware needs from edge-auth's `AuthService` entrypoint, declared
 * structurally so this package never imports the service's source: a
 * `Service<AuthService>` binding satisfies it (test/worker/consumer-middleware.test.ts
 * checks that at compile time), and so does a test double.
 */

/**
 * Claims of a live access token (RFC 9068 §2.2), as `verify()` and
 * `authorize()` return them. Only what a consumer commonly reads is named;
 * the service may send more.
 */
export interface AuthClaims {
  iss: string;
  aud: string;
  /** The user. */
  sub: string;
  client_id: string;
  /** The session (refresh family); a logout revokes every token that names it. */
  sid: string;
  iat: number;
  exp: number;
  jti: string;
  /** When the user last authenticated (OIDC Core §2), the basis of RFC 9470 step-up. */
  auth_time?: number;
  /** RFC 8176 authentication method references (`pwd`, `otp`, `hwk`, …). */
  amr?: string[];
  /** RFC 9068 §2.2.3.1 role names as of the token's issue; informational only. */
  roles?: string[];
  email_verified?: boolean;
}

/**
 * `verify()`'s answer. `error` is a stable code: a token failure (`malformed`,
 * `invalid_signature`, `expired`, `invalid_claims`, `revoked`),
 * `insufficient_user_authentication` (RFC 9470), `server_misconfigured` or
 * `temporarily_unavailable`.
 */
export type VerifyResult = { ok: true; claims: AuthClaims } | { ok: false; error: string };

/**
 * `authorize()`'s answer. `reason` is a token failure code as above,
 * `forbidden` (no role held now grants the permission), `server_misconfigured`
 * or `temporarily_unavailable`.
 */
export type AuthorizeResult =
  | { allowed: true; claims: AuthClaims; roles: string[] }
  | { allowed: false; reason: string };

/** The `AuthService` entrypoint as seen through a service binding. */
export interface AuthBinding {
  verify(token: string, options?: { maxAge?: number }): Promise<VerifyResult>;
  authorize(token: string, permission: string): Promise<AuthorizeResult>;
}
