import { defineErrors } from "../../errors";

/** The errors of passkeys (README "Passkeys"). */
export const passkeyErrors = defineErrors({
  // Unknown, expired, used, or another ceremony's flow: one answer.
  invalid_flow: {
    code: "invalid_flow",
    status: 400,
    message: "the passkey ceremony is unknown, expired or already used; start again",
  },
  // Signature, origin, RP ID, challenge, user verification, counter: one public answer.
  passkey_rejected: {
    code: "passkey_rejected",
    status: 401,
    message: "the passkey could not be verified",
  },
  passkey_exists: {
    code: "passkey_exists",
    status: 409,
    message: "this passkey is already registered",
  },
  passkey_not_found: { code: "not_found", status: 404, message: "no such passkey" },
});
