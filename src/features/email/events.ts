/** The audit events of the email flows (docs/security.md). */
export const emailAuditEvents = [
  "password_reset",
  "password_changed",
  "email_change_requested",
  "email_changed",
  "email_verified",
] as const;
