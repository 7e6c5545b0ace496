import { Hono } from "hono";
import type { AppEnv } from "../../app-env";
import type { Feature } from "../../feature";
import { errorName, log } from "../../log";
import { createQueueMailJobs } from "./adapters/queue-mail-jobs";
import { createPostgresRecoveryStore } from "./adapters/recovery-store";
import { createResendMailer } from "./adapters/resend";
import { emailConfig } from "./config";
import { consumeMailBatch, DEAD_LETTER_QUEUE, logDeadLetters, MAIL_QUEUE } from "./consumer";
import { recoveryErrors } from "./errors";
import { emailAuditEvents } from "./events";
import { emailMailJobs } from "./mail-jobs";
import { credentialRoutes } from "./routes/credential-routes";
import { pages } from "./routes/pages";
import { deleteExpiredRecoveryTokens } from "./token-cleanup";
import { emailVerificationGate } from "./verification-gate";

/**
 * The flows that run through the user's inbox: address verification, password
 * reset, password and address change, with the pages their links open, the
 * mail queue and its consumer, and the verification gate of the sign-in
 * (REQUIRE_EMAIL_VERIFICATION). Off (404 not_configured) without EMAIL_API_KEY.
 */
export const emailFeature: Feature = {
  name: "email",
  config: emailConfig,
  auditEvents: emailAuditEvents,
  errors: [recoveryErrors],
  routes: new Hono<AppEnv>().route("/", credentialRoutes).route("/", pages),
  services: {
    mailJobs: ({ config, env }) => (config.email ? createQueueMailJobs(env.MAIL_QUEUE) : undefined),
    mailer: ({ config: { email } }) =>
      email
        ? createResendMailer({
            url: email.apiUrl,
            apiKey: email.apiKey,
            from: email.from,
            timeoutMs: 10_000,
          })
        : undefined,
    recoveryTokens: ({ db }) => createPostgresRecoveryStore(db()),
  },
  signInGates: ({ config }) => (config.requireEmailVerification ? [emailVerificationGate] : []),
  mailJobs: emailMailJobs,
  registered: async (services, userId) => {
    // A queue hiccup must not fail a registration that happened; the user can
    // ask for the mail again.
    try {
      await services.mailJobs?.enqueue({ kind: "verify_email", userId });
    } catch (err) {
      log("warn", "verification mail not queued", { error: errorName(err) });
    }
  },
  queues: {
    [MAIL_QUEUE]: consumeMailBatch,
    [DEAD_LETTER_QUEUE]: (batch) => logDeadLetters(batch),
  },
  scheduled: async (entry, at) => {
    await deleteExpiredRecoveryTokens(entry, at);
  },
};
