import type { RecoveryTokenStore } from "./ports";

/** The email feature's ports among the request's services (built in ./feature.ts). */
declare module "../../services" {
  interface FeatureServices {
    readonly recoveryTokens: RecoveryTokenStore;
  }
}
