import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import type { Feature } from "../../feature";
import { createPostgresLegacyStore } from "./adapters/legacy-store";
import { legacyConfig } from "./config";
import { legacyErrors } from "./errors";
import { legacyAuditEvents } from "./events";
import { legacyHashScheme } from "./lazy-migration";
import { sessionExchangeRoutes } from "./routes/session-exchange";
import { adminImportRoutes } from "./routes/user-import";

/**
 * The carve-out from the legacy monolith (docs/migration.md): bulk import of
 * users and sessions, the monolith's hash formats (verified once, then upgraded
 * to argon2id by the core's lazy migration), and the one-time exchange of a
 * grandfathered session through the sign-in seam.
 */
export const legacyFeature: Feature = {
  name: "legacy",
  config: legacyConfig,
  auditEvents: legacyAuditEvents,
  errors: [legacyErrors],
  routes: new Hono<AppEnv>().route("/", adminImportRoutes).route("/", sessionExchangeRoutes),
  services: {
    foreignHashes: () => legacyHashScheme,
    legacy: ({ db }) => createPostgresLegacyStore(db()),
  },
};
