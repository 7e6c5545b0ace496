import * as oauth from "oauth4webapi";
import { AuthError } from "../../../errors";
import { isLoopbackHost } from "../config";
import { socialErrors } from "../errors";

/** A provider that does not answer within this long is unavailable for this request. */
const PROVIDER_TIMEOUT_MS = 5_000;

/**
 * Options for every request to a provider. oauth4webapi refuses plain http;
 * only a loopback provider (the local ones of `npm run dev` and the tests)
 * gets it, which a deployed Worker could not reach anyway.
 */
export function requestOptions(endpoint: string): {
  signal: () => AbortSignal;
  [oauth.allowInsecureRequests]?: boolean;
} {
  const u = new URL(endpoint);
  return {
    signal: () => AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    ...(u.protocol === "http:" && isLoopbackHost(u.hostname)
      ? { [oauth.allowInsecureRequests]: true }
      : {}),
  };
}

/** A provider's 5xx or 429 means "try again", not "your answer was wrong". */
export function requireAvailable(response: Response): void {
  if (response.status >= 500 || response.status === 429) {
    throw socialErrors.error("provider_unavailable", { reason: `http_${response.status}` });
  }
}

/**
 * Runs a step of the exchange with a provider and turns whatever it throws
 * into the feature's errors: the provider said no (`access_denied`), its
 * answer failed a check (`provider_error`, with oauth4webapi's code as the
 * server-side reason), or it could not be reached (`provider_unavailable`).
 * Never the provider's own text: it may echo a code or a token.
 */
export async function withProvider<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw providerFailure(err);
  }
}

export function providerFailure(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  if (err instanceof oauth.AuthorizationResponseError) {
    return socialErrors.error("access_denied", { reason: `authorization_${safeCode(err.error)}` });
  }
  if (err instanceof oauth.ResponseBodyError) {
    return socialErrors.error("provider_error", { reason: `token_${safeCode(err.error)}` });
  }
  if (err instanceof oauth.OperationProcessingError) {
    return socialErrors.error("provider_error", { reason: err.code ?? "invalid_response" });
  }
  if (err instanceof oauth.UnsupportedOperationError) {
    return socialErrors.error("provider_error", { reason: "unsupported" });
  }
  // fetch's TypeError (refused, reset, DNS) and the timeout's DOMException.
  if (err instanceof TypeError || (err instanceof Error && err.name === "TimeoutError")) {
    return socialErrors.error("provider_unavailable", { reason: "unreachable" });
  }
  return socialErrors.error("provider_error", { reason: "unexpected" });
}

/** An RFC 6749 error code as a log-safe token (it is the provider's text). */
const safeCode = (code: unknown): string =>
  typeof code === "string" && /^[a-z_]{1,40}$/.test(code) ? code : "other";

/**
 * An RFC 6749 §4.1.1 authorization request URL with PKCE (RFC 7636 §4.3):
 * the parameters every provider takes, plus the provider's own (`nonce`,
 * `login_hint` or GitHub's `login`).
 */
export async function authorizationRequestUrl(
  endpoint: string,
  request: {
    clientId: string;
    callbackUrl: string;
    scopes: readonly string[];
    state: string;
    codeVerifier: string;
  },
  extra: Record<string, string | null>,
): Promise<string> {
  const url = new URL(endpoint);
  url.searchParams.set("client_id", request.clientId);
  url.searchParams.set("redirect_uri", request.callbackUrl);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", request.scopes.join(" "));
  url.searchParams.set("state", request.state);
  url.searchParams.set(
    "code_challenge",
    await oauth.calculatePKCECodeChallenge(request.codeVerifier),
  );
  url.searchParams.set("code_challenge_method", "S256");
  for (const [name, value] of Object.entries(extra)) {
    if (value !== null) url.searchParams.set(name, value);
  }
  return url.href;
}
