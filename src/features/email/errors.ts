import { defineErrors } from "../../errors";

/** The errors of the mail-backed recovery flows: reset, verification and change links. */
export const recoveryErrors = defineErrors({
  // One answer for unknown, used, expired and stale tokens.
  invalid_token: {
    code: "invalid_token",
    status: 400,
    message: "the token is invalid, expired or already used",
  },
});
