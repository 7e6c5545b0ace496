/** The audit events of multi-factor authentication (docs/audit.md); no secret, code or hash. */
export const mfaAuditEvents = [
  "mfa_enrolled",
  "mfa_confirmed",
  "mfa_disabled",
  "mfa_succeeded",
  "mfa_failed",
  "mfa_recovery_code_used",
  "mfa_recovery_codes_regenerated",
  "mfa_reset",
  "mfa_step_up",
] as const;
