import { AuthApiError } from "./errors";

/**
 * The query of a redirect back from the service, once it is known to answer
 * this client's own request: a `state` other than the one sent is refused
 * (RFC 6749 §10.12), and an error sent back (`error`, `error_code`,
 * `error_description`, RFC 6749 §4.1.2.1) throws as an AuthApiError with
 * status 0 and the service's `error_code`.
 */
export function redirectAnswer(callbackUrl: string, state: string, what: string): URLSearchParams {
  const query = new URL(callbackUrl).searchParams;
  if (query.get("state") !== state) {
    throw new AuthApiError({
      code: "invalid_state",
      status: 0,
      description: `the redirect's state is not the one this ${what} sent`,
    });
  }
  const error = query.get("error");
  if (error !== null) {
    throw new AuthApiError({
      code: query.get("error_code") ?? error,
      status: 0,
      description: query.get("error_description") ?? undefined,
    });
  }
  return query;
}
