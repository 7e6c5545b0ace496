/** The audit events of social login (docs/audit.md); each names the provider. */
export const socialAuditEvents = [
  "social_login_succeeded",
  "social_login_failed",
  "identity_linked",
  "identity_unlinked",
  "social_account_created",
] as const;
