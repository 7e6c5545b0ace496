import { defineErrors } from "../../errors";

/** The errors of the carve-out from the legacy monolith (docs/migration.md). */
export const legacyErrors = defineErrors({
  // RFC 6749 §5.2 style: one answer for unknown, expired, used and too-late sessions.
  invalid_session: {
    code: "invalid_grant",
    status: 400,
    message: "the legacy session is invalid, expired or already used",
  },
});
