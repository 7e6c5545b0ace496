// The per-request bounds of the admin import endpoints. Without imports, so
// scripts/users-import.ts (Node) splits files by these very numbers.

/** Per request; larger exports are split by `npm run users:import` (scripts/users-import.ts). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_RECORDS = 10_000;
