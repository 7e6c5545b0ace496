import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import type { Feature } from "../../feature";
import { mfaFacts } from "./account-facts";
import { createRedisMfaChallengeStore } from "./adapters/challenge-store";
import { createPostgresMfaStore } from "./adapters/mfa-store";
import { mfaConfig } from "./config";
import { mfaErrors } from "./errors";
import { mfaAuditEvents } from "./events";
import { createMfaGate } from "./mfa-gate";
import { adminMfaRoutes } from "./routes/admin-mfa";
import { loginMfaRoutes } from "./routes/login-mfa";
import { mfaRoutes } from "./routes/mfa";

/**
 * Multi-factor authentication (README "Multi-factor authentication"): TOTP
 * (RFC 6238) with single-use codes, recovery codes, the second-factor gate of
 * the sign-in seam, and step-up (RFC 9470).
 */
export const mfaFeature: Feature = {
  name: "mfa",
  config: mfaConfig,
  auditEvents: mfaAuditEvents,
  errors: [mfaErrors],
  routes: new Hono<AppEnv>()
    .route("/", loginMfaRoutes)
    .route("/", mfaRoutes)
    .route("/", adminMfaRoutes),
  services: {
    mfa: ({ db }) => createPostgresMfaStore(db()),
    mfaChallenges: ({ redis }) => createRedisMfaChallengeStore(redis()),
  },
  // Every way of signing in stops here when the account has a second factor.
  signInGates: ({ config, services }) => [
    createMfaGate({
      store: services.mfa,
      challenges: services.mfaChallenges,
      trustOAuth: config.mfa.trustOAuth,
      factors: services.secondFactors,
    }),
  ],
  accountFacts: ({ services }) => mfaFacts(services.mfa),
};
