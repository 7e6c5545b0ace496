/**
 * An error answer of the service, or a refusal the client makes on its behalf.
 *
 * `code` is the service's stable `error` code (README, the error table); branch on
 * it, never on `description`, which is for people.
 *
 * @example
 * ```ts
 * try {
 *   await auth.login({ email, password });
 * } catch (error) {
 *   if (error instanceof AuthApiError && error.code === "invalid_credentials") showWrongPassword();
 *   else throw error;
 * }
 * ```
 */
export class AuthApiError extends Error {
  override readonly name = "AuthApiError";
  /** The service's `error` code, e.g. `invalid_grant`, `insufficient_user_authentication`. */
  readonly code: string;
  /** The HTTP status; 0 when no HTTP answer carried the error (a social login redirect, a mismatched `state`). */
  readonly status: number;
  /** The service's `error_description`, if any. */
  readonly description: string | undefined;
  /** `max_age` of a step-up challenge (RFC 9470 §3), in seconds. */
  readonly maxAge: number | undefined;
  /** `Retry-After` of a 429 or 503, in seconds. */
  readonly retryAfter: number | undefined;

  constructor(init: {
    code: string;
    status: number;
    description?: string | undefined;
    maxAge?: number | undefined;
    retryAfter?: number | undefined;
  }) {
    super(init.description ? `${init.code}: ${init.description}` : init.code);
    this.code = init.code;
    this.status = init.status;
    this.description = init.description;
    this.maxAge = init.maxAge;
    this.retryAfter = init.retryAfter;
  }
}

/** Whether `error` is an AuthApiError (with this code, when one is given). */
export function isAuthApiError(error: unknown, code?: string): error is AuthApiError {
  return error instanceof AuthApiError && (code === undefined || error.code === code);
}

const numberOrUndefined = (value: string | null | undefined): number | undefined => {
  if (value === null || value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
};

/**
 * The error a non-2xx answer stands for. `body` is the parsed JSON body when the
 * caller already read it (openapi-fetch does); otherwise it is read here.
 */
export async function errorFromResponse(response: Response, body?: unknown): Promise<AuthApiError> {
  let parsed = body;
  if (parsed === undefined) {
    try {
      parsed = await response.json();
    } catch {
      parsed = undefined;
    }
  }
  const fields =
    typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const code = typeof fields.error === "string" ? fields.error : `http_${response.status}`;
  const description =
    typeof fields.error_description === "string" ? fields.error_description : undefined;
  // RFC 6750 §3 / RFC 9470 §3: WWW-Authenticate: Bearer error="…", max_age="300"
  const challenge = response.headers.get("www-authenticate") ?? "";
  const maxAge = numberOrUndefined(/max_age="?(\d+)"?/.exec(challenge)?.[1]);
  return new AuthApiError({
    code,
    status: response.status,
    description,
    maxAge,
    retryAfter: numberOrUndefined(response.headers.get("retry-after")),
  });
}
