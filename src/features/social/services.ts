import type { IdentityProviders, IdentityStore, OAuthFlowStore } from "./ports";

/** Social login's ports among the request's services (built in ./feature.ts). */
declare module "../../services" {
  interface FeatureServices {
    readonly identityProviders: IdentityProviders;
    readonly identities: IdentityStore;
    readonly oauthFlows: OAuthFlowStore;
  }
}
