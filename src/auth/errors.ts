import { defineErrors } from "../errors";

/**
 * The errors of the core auth domain: credentials, tokens, sessions, accounts.
 * Features that meet the same situation throw these same entries (an address
 * that is taken is `email_taken` wherever it is found).
 */
export const authErrors = defineErrors({
  invalid_credentials: {
    code: "invalid_credentials",
    status: 401,
    message: "email or password is incorrect",
  },
  // Adding a way to sign in (a linked provider, a passkey) needs the password,
  // or a recent sign-in for an account without one (auth/reauthentication.ts).
  reauthentication_required: {
    code: "reauthentication_required",
    status: 401,
    message: "confirm your password, or sign in again, before adding a way to sign in",
  },
  // RFC 6749 §5.2: one answer for unknown, expired, revoked and reused grants.
  invalid_grant: {
    code: "invalid_grant",
    status: 400,
    message: "the refresh token is invalid, expired or revoked",
  },
  // RFC 6750 §3.1.
  invalid_access_token: {
    code: "invalid_token",
    status: 401,
    message: "the access token is invalid or expired",
  },
  account_gone: { code: "invalid_token", status: 401, message: "the account no longer exists" },
  // RFC 6750 §3.1: no credentials at all.
  credentials_required: {
    code: "unauthorized",
    status: 401,
    message: "a bearer token is required",
  },
  // An administrator disabled the account (after the user proved who they are).
  account_disabled: {
    code: "account_disabled",
    status: 403,
    message: "this account is disabled; contact support",
  },
  // An administrator required a new password: the password was right, but it
  // signs in no more until a reset (POST /v1/password/forgot) sets a new one.
  password_reset_required: {
    code: "password_reset_required",
    status: 403,
    message: "a new password is required; reset it through the forgotten-password link",
  },
  // RFC 6750 §3.1 insufficient_scope: authenticated, but not allowed.
  forbidden: {
    code: "forbidden",
    status: 403,
    message: "this account lacks the permission for this action",
  },
  user_not_found: { code: "not_found", status: 404, message: "no such user" },
  invalid_cursor: {
    code: "invalid_request",
    status: 400,
    message: "the page cursor is not one this service gave out",
  },
  invalid_origin: {
    code: "invalid_origin",
    status: 403,
    message: "cookie requests must come from an allowed origin",
  },
  email_taken: {
    code: "email_taken",
    status: 409,
    message: "an account with this email already exists",
  },
  email_not_verified: {
    code: "email_not_verified",
    status: 403,
    message:
      "confirm your email address first; POST /v1/email/verify/resend with {email} sends a new link",
  },
  password_rejected: {
    code: "invalid_request",
    status: 400,
    message: "the password does not meet the policy",
  },
  session_not_found: { code: "not_found", status: 404, message: "no such session" },
  // RFC 9470 §3: the token is fine, but the authentication behind it is too old
  // for this change; the challenge carries max_age.
  insufficient_user_authentication: {
    code: "insufficient_user_authentication",
    status: 401,
    message: "sign in again (or confirm a second factor) to make this change",
  },
  // An account made through a provider has no password to confirm or change
  // until it sets one through the reset flow (POST /v1/password/reset).
  password_not_set: {
    code: "password_not_set",
    status: 409,
    message: "this account has no password; set one with a password reset",
  },
});
