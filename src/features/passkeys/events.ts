/** The audit events of passkeys (docs/audit.md). */
export const passkeyAuditEvents = [
  "passkey_registered",
  "passkey_used",
  "passkey_renamed",
  "passkey_deleted",
  "passkey_counter_anomaly",
  "passkey_login_failed",
] as const;
