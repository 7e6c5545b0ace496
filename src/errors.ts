import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Stable, public error codes. The wire only ever carries one of these plus a
 * short description; details go to logs, never tokens, passwords or hashes.
 * Codes follow RFC 6749 §5.2 and RFC 6750 §3.1 where those define one.
 */
export type ErrorCode =
  | "invalid_request"
  | "invalid_credentials"
  | "invalid_grant"
  | "invalid_origin"
  | "invalid_token"
  | "unauthorized"
  | "email_taken"
  | "email_not_verified"
  | "not_found"
  | "not_configured"
  | "method_not_allowed"
  | "unsupported_media_type"
  | "payload_too_large"
  | "too_many_requests"
  | "temporarily_unavailable"
  | "server_misconfigured"
  | "server_error";

export class AuthError extends Error {
  override name = "AuthError";
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly description: string | undefined;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    status: ContentfulStatusCode,
    description?: string,
    headers: Record<string, string> = {},
  ) {
    super(description ?? code);
    this.code = code;
    this.status = status;
    this.description = description;
    this.headers = headers;
  }
}

export const invalidRequest = (description: string): AuthError =>
  new AuthError("invalid_request", 400, description);

/**
 * 404 for a feature that is off in this deployment, with a code of its own so
 * that a missing setting is not mistaken for a typo in the path. Names the
 * setting (a name is not a secret), never a value.
 */
export const notConfigured = (feature: string, variable: string): AuthError =>
  new AuthError("not_configured", 404, `${feature} is off: ${variable} is not set`);

export const unavailable = (description: string, retryAfterSeconds = 1): AuthError =>
  new AuthError("temporarily_unavailable", 503, description, {
    "Retry-After": String(retryAfterSeconds),
  });

/** The one place an error becomes a response body. */
export function errorBody(err: AuthError): { error: ErrorCode; error_description?: string } {
  return err.description
    ? { error: err.code, error_description: err.description }
    : { error: err.code };
}
