import type { Mailer, MailJobs, RecoveryTokenStore } from "./ports";

/** The email feature's ports among the request's services (built in ./feature.ts). */
declare module "../../services" {
  interface FeatureServices {
    /** The mail queue; undefined when email is not configured. */
    readonly mailJobs: MailJobs | undefined;
    /** The email provider (the queue consumer sends through it); undefined when email is off. */
    readonly mailer: Mailer | undefined;
    readonly recoveryTokens: RecoveryTokenStore;
  }
}
