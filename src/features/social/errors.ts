import { defineErrors } from "../../errors";

/** The errors of social login (README "Social login"). */
export const socialErrors = defineErrors({
  unknown_provider: {
    code: "unknown_provider",
    status: 404,
    message: "no such sign-in provider is configured",
  },
  // Never redirected to: an unlisted redirect_uri is where an open redirect starts.
  invalid_redirect_uri: {
    code: "invalid_redirect_uri",
    status: 400,
    message: "redirect_uri is not one of the registered redirect URIs",
  },
  // Missing, unknown, expired, replayed or another provider's state: one answer.
  invalid_state: {
    code: "invalid_state",
    status: 400,
    message: "the sign-in attempt is unknown, expired or already used; start again",
  },
  // The provider's answer failed a check (id_token, issuer, token response).
  provider_error: {
    code: "provider_error",
    status: 502,
    message: "the sign-in provider's answer could not be accepted",
  },
  provider_unavailable: {
    code: "provider_unavailable",
    status: 503,
    message: "the sign-in provider cannot be reached; try again shortly",
  },
  // The user cancelled at the provider, or the provider refused.
  access_denied: {
    code: "access_denied",
    status: 403,
    message: "the provider did not authorize the sign-in",
  },
  verified_email_required: {
    code: "verified_email_required",
    status: 403,
    message: "the provider did not share a verified email address",
  },
  // The address belongs to an account this identity may not join: the account
  // has not verified it (pre-registration takeover), or linking is off.
  account_exists: {
    code: "account_exists",
    status: 409,
    message: "an account with this email exists; sign in to it and link this provider from there",
  },
  identity_taken: {
    code: "identity_taken",
    status: 409,
    message: "this provider account is already linked to another account",
  },
  identity_not_found: { code: "not_found", status: 404, message: "no such linked identity" },
  last_sign_in_method: {
    code: "last_sign_in_method",
    status: 409,
    message: "this is the account's only way to sign in; set a password or link another first",
  },
  // RFC 6749 §5.2 for the app's one-time code: unknown, expired, used or the
  // wrong verifier, one answer.
  invalid_code: {
    code: "invalid_grant",
    status: 400,
    message: "the code is invalid, expired or already used",
  },
});
