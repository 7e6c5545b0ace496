/** The audit events of roles (docs/audit.md); each names who acted. */
export const roleAuditEvents = ["role_created", "role_assigned", "role_removed"] as const;
