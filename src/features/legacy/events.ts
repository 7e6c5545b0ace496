/** The audit events of the carve-out from the legacy monolith (docs/migration.md). */
export const legacyAuditEvents = ["user_imported", "legacy_session_exchanged"] as const;
