import type { RoleStore } from "./ports";

/** Roles' ports among the request's services (built in ./feature.ts). */
declare module "../../services" {
  interface FeatureServices {
    readonly roles: RoleStore;
  }
}
