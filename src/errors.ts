/**
 * Errors that reach the wire. Each part of the service (core and every
 * feature) declares its errors once, in a catalog: a name the code uses, the
 * stable public `error` code, the HTTP status and the public text. The wire
 * only ever carries the code and a short description; a `reason` stays on the
 * server (log lines, the audit trail), and no message ever quotes a token, a
 * password or a hash. Codes follow RFC 6749 §5.2 and RFC 6750 §3.1 where those
 * define one.
 */
import { log } from "./log";

/** The statuses this service answers errors with (all carry a JSON body). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 502 | 503;

/** One entry of a catalog: what the client sees. */
export interface ErrorSpec {
  /** The stable public code (`error` in the body). Several entries may share one. */
  readonly code: string;
  readonly status: ErrorStatus;
  /** The public description, unless the thrower gives a more specific one. */
  readonly message: string;
}

/** What a thrower may add to a catalog entry. */
export interface ErrorDetails {
  /**
   * A more specific public description (never a secret, never user input
   * verbatim); null sends the bare code.
   */
  description?: string | null;
  /** Why, for logs and the audit trail only; never sent. */
  reason?: string;
  headers?: Record<string, string>;
}

export class AuthError extends Error {
  override name = "AuthError";
  readonly code: string;
  readonly status: ErrorStatus;
  readonly description: string | undefined;
  readonly headers: Record<string, string>;
  readonly reason: string | undefined;

  constructor(spec: ErrorSpec, details: ErrorDetails = {}) {
    const description =
      details.description === null ? undefined : (details.description ?? spec.message);
    super(description ?? spec.code);
    this.code = spec.code;
    this.status = spec.status;
    this.description = description;
    this.headers = details.headers ?? {};
    this.reason = details.reason;
  }
}

/** A part's errors by name; `error(name)` makes the AuthError to throw. */
export interface ErrorCatalog<Names extends string = string> {
  readonly specs: Readonly<Record<Names, ErrorSpec>>;
  error(name: Names, details?: ErrorDetails): AuthError;
}

export function defineErrors<const Specs extends Record<string, ErrorSpec>>(
  specs: Specs,
): ErrorCatalog<keyof Specs & string> {
  return {
    specs,
    error: (name, details) => new AuthError(specs[name] as ErrorSpec, details),
  };
}

/**
 * The protocol-level errors every part may answer: malformed requests, limits,
 * switched-off features, unavailable dependencies, our own bugs.
 */
export const httpErrors = defineErrors({
  invalid_request: { code: "invalid_request", status: 400, message: "the request is malformed" },
  not_found: { code: "not_found", status: 404, message: "no such endpoint" },
  not_configured: {
    code: "not_configured",
    status: 404,
    message: "this feature is off in this deployment",
  },
  method_not_allowed: {
    code: "method_not_allowed",
    status: 405,
    message: "this method is not allowed here",
  },
  unsupported_media_type: {
    code: "unsupported_media_type",
    status: 415,
    message: "expected application/json",
  },
  payload_too_large: { code: "payload_too_large", status: 413, message: "the body is too large" },
  too_many_requests: {
    code: "too_many_requests",
    status: 429,
    message: "too many requests, retry later",
  },
  temporarily_unavailable: {
    code: "temporarily_unavailable",
    status: 503,
    message: "a dependency is unavailable",
  },
  server_misconfigured: {
    code: "server_misconfigured",
    status: 503,
    message:
      "the service is not configured: GET /ready names the variables, `npx wrangler tail` shows the log",
  },
  server_error: { code: "server_error", status: 500, message: "internal error" },
});

export const invalidRequest = (description: string, reason?: string): AuthError =>
  httpErrors.error("invalid_request", { description, ...(reason ? { reason } : {}) });

/**
 * 404 for a feature that is off in this deployment, with a code of its own so
 * that a missing setting is not mistaken for a typo in the path. Names the
 * setting (a name is not a secret), never a value.
 */
export const notConfigured = (feature: string, variable: string): AuthError =>
  httpErrors.error("not_configured", {
    description: `${feature} is off: ${variable} is not set`,
  });

export const unavailable = (description: string, retryAfterSeconds = 1): AuthError =>
  httpErrors.error("temporarily_unavailable", {
    description,
    headers: { "Retry-After": String(retryAfterSeconds) },
  });

/** The one place an error becomes a response body. */
export function errorBody(err: AuthError): { error: string; error_description?: string } {
  return err.description
    ? { error: err.code, error_description: err.description }
    : { error: err.code };
}

/** The log line of a refusal: its code and server-side reason, never input. */
export function logRefusal(requestId: string | undefined, err: AuthError): void {
  log("info", "request refused", {
    requestId,
    error: err.code,
    ...(err.reason ? { reason: err.reason } : {}),
  });
}
