import type { MfaChallengeStore, MfaStore } from "./ports";

/** Multi-factor authentication's ports among the request's services (built in ./feature.ts). */
declare module "../../services" {
  interface FeatureServices {
    readonly mfa: MfaStore;
    readonly mfaChallenges: MfaChallengeStore;
  }
}
