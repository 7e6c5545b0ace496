import type { Feature } from "../../feature";
import { passkeyFacts } from "./account-facts";
import { createRedisPasskeyFlowStore } from "./adapters/flow-store";
import { createPostgresPasskeyStore } from "./adapters/passkey-store";
import { passkeysConfig } from "./config";
import { passkeyErrors } from "./errors";
import { passkeyAuditEvents } from "./events";
import { passkeyRoutes } from "./routes/passkeys";
import { passkeySecondFactor } from "./second-factor";

/**
 * Passkeys (README "Passkeys"): WebAuthn registration and passwordless
 * sign-in through the sign-in seam (`passkey`), with user verification
 * required, so a passkey is two factors in one.
 */
export const passkeysFeature: Feature = {
  name: "passkeys",
  config: passkeysConfig,
  auditEvents: passkeyAuditEvents,
  errors: [passkeyErrors],
  routes: passkeyRoutes,
  services: {
    passkeys: ({ db }) => createPostgresPasskeyStore(db()),
    passkeyFlows: ({ redis }) => createRedisPasskeyFlowStore(redis()),
  },
  // A registered passkey is also a second factor after a password or a social login.
  secondFactors: ({ config, services }) => [
    passkeySecondFactor({
      config: config.passkeys,
      store: services.passkeys,
      flows: services.passkeyFlows,
      users: services.users,
      audit: services.audit,
    }),
  ],
  accountFacts: ({ services }) => passkeyFacts(services.passkeys),
};
