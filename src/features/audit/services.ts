import type { AuditTrail } from "./ports";

/** The audit feature's ports among the request's services (built in ./feature.ts). */
declare module "../../services" {
  interface FeatureServices {
    /** The stored audit trail, for operators: verify, export, and which requested chains exist. */
    readonly auditTrail: AuditTrail;
  }
}
