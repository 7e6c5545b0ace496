import { defineErrors } from "../../errors";

/** The errors of multi-factor authentication (README "Multi-factor authentication"). */
export const mfaErrors = defineErrors({
  // Unknown, expired, used, or out of tries: one answer.
  invalid_mfa_token: {
    code: "invalid_mfa_token",
    status: 401,
    message: "the sign-in attempt is unknown, expired or used up; sign in again",
  },
  invalid_code: {
    code: "invalid_code",
    status: 401,
    message: "the code is wrong, expired or already used",
  },
  mfa_not_enabled: {
    code: "mfa_not_enabled",
    status: 409,
    message: "no second factor is enabled on this account",
  },
  mfa_already_enabled: {
    code: "mfa_already_enabled",
    status: 409,
    message: "a second factor is already enabled; disable it first",
  },
  no_pending_enrollment: {
    code: "mfa_not_enrolled",
    status: 409,
    message: "start with POST /v1/mfa/totp/enroll",
  },
});
