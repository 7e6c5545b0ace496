import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import type { Feature } from "../../feature";
import { identityFacts } from "./account-facts";
import { createRedisFlowStore } from "./adapters/flow-store";
import { createPostgresIdentityStore } from "./adapters/identity-store";
import { createIdentityProviders } from "./adapters/providers";
import { socialConfig } from "./config";
import { socialErrors } from "./errors";
import { socialAuditEvents } from "./events";
import { identityRoutes } from "./routes/identities";
import { oauthRoutes } from "./routes/oauth";

/**
 * Social login (README "Social login"): Google, LinkedIn, GitHub and any
 * OpenID Connect provider, for browsers (cookie) and apps (RFC 8252 one-time
 * code), entering through the sign-in seam; linked identities per account.
 */
export const socialFeature: Feature = {
  name: "social",
  config: socialConfig,
  auditEvents: socialAuditEvents,
  errors: [socialErrors],
  routes: new Hono<AppEnv>().route("/", oauthRoutes).route("/", identityRoutes),
  services: {
    identityProviders: ({ config }) => createIdentityProviders(config.social),
    identities: ({ db }) => createPostgresIdentityStore(db()),
    oauthFlows: ({ redis }) => createRedisFlowStore(redis()),
  },
  accountFacts: ({ services }) => identityFacts(services.identities),
};
