import type { LegacyStore } from "./ports";

/** The legacy feature's ports among the request's services (built in ./feature.ts). */
declare module "../../services" {
  interface FeatureServices {
    /** The carve-out's storage: imports, legacy sessions, migration stats. */
    readonly legacy: LegacyStore;
  }
}
