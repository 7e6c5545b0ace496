import type { PasskeyFlowStore, PasskeyStore } from "./ports";

/** Passkeys' ports among the request's services (built in ./feature.ts). */
declare module "../../services" {
  interface FeatureServices {
    readonly passkeys: PasskeyStore;
    readonly passkeyFlows: PasskeyFlowStore;
  }
}
