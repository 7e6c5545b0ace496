import { z } from "zod";
import { accountKey } from "../../auth/throttle";
import type { Clock, RateLimiter, UserStore } from "../../ports";
import type { Mailer, MailJob, RecoveryTokenStore } from "./ports";
import { newRecoveryToken } from "./recovery-token";
import {
  confirmNewEmailMail,
  emailChangedMail,
  emailChangeRequestedMail,
  passwordChangedMail,
  resetPasswordMail,
  verifyEmailMail,
} from "./templates";

const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;
const VERIFY_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
const VERIFY_TOKEN_HOURS = VERIFY_TOKEN_TTL_MS / 3_600_000;

/** Queue bodies are checked like request bodies: a malformed one is dropped, never retried. */
export const MailJobSchema: z.ZodType<MailJob> = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("verify_email"), userId: z.uuid() }),
  z.object({ kind: z.literal("password_reset_request"), email: z.string().min(3).max(254) }),
  z.object({ kind: z.literal("verify_email_request"), email: z.string().min(3).max(254) }),
  z.object({ kind: z.literal("password_changed"), userId: z.uuid() }),
  z.object({
    kind: z.literal("email_change"),
    userId: z.uuid(),
    newEmail: z.string().min(3).max(254),
    credentialEpoch: z.string().max(64).nullable().optional(),
  }),
  z.object({
    kind: z.literal("email_changed"),
    userId: z.uuid(),
    previousEmail: z.string().min(3).max(254),
  }),
]);

export interface MailJobDeps {
  users: UserStore;
  tokens: RecoveryTokenStore;
  mailer: Mailer;
  limiter: RateLimiter;
  clock: Clock;
  appBaseUrl: string;
}

export type JobOutcome = "sent" | "skipped";

/**
 * Runs one mail job. Throws when the provider refused the mail (the caller
 * retries). A retry creates a fresh token, since the raw value of the first
 * exists nowhere; an earlier token that did reach the user stays valid.
 */
export async function runMailJob(
  deps: MailJobDeps,
  job: MailJob,
  delivery: { idempotencyKey: string; attempt: number },
): Promise<JobOutcome> {
  const { idempotencyKey } = delivery;
  switch (job.kind) {
    case "password_reset_request": {
      const user = await deps.users.findByEmail(job.email);
      // No mail for an unknown address: a notice would let anyone mail any inbox.
      if (!user) return "skipped";
      // Per address, so nobody can flood one inbox; checked here, where the answer is
      // invisible. Once per job: a retry of the same mail is not another request.
      if (delivery.attempt === 1) {
        const limit = await deps.limiter.consume("email_address", await accountKey(user.email));
        if (!limit.allowed) return "skipped";
      }
      const { token, hash } = await newRecoveryToken();
      await deps.tokens.insertReset({
        tokenHash: hash,
        userId: user.id,
        email: user.email,
        expiresAt: new Date(deps.clock.now() + RESET_TOKEN_TTL_MS),
      });
      const link = `${deps.appBaseUrl}/reset-password?token=${token}`;
      await deps.mailer.send(
        { to: user.email, ...resetPasswordMail(link, RESET_TOKEN_TTL_MS / 60_000) },
        idempotencyKey,
      );
      return "sent";
    }
    case "verify_email_request": {
      // Asked for by address, without a session (the 403 email_not_verified of a
      // login): as for a reset, nothing goes to an unknown or verified address,
      // and the per-address limit applies here, where its answer is invisible.
      const user = await deps.users.findByEmail(job.email);
      if (!user || user.emailVerifiedAt) return "skipped";
      if (delivery.attempt === 1) {
        const limit = await deps.limiter.consume("email_address", await accountKey(user.email));
        if (!limit.allowed) return "skipped";
      }
      return sendVerification(deps, user, idempotencyKey);
    }
    case "verify_email": {
      const user = await deps.users.findById(job.userId);
      if (!user || user.emailVerifiedAt) return "skipped";
      return sendVerification(deps, user, idempotencyKey);
    }
    case "password_changed": {
      const user = await deps.users.findById(job.userId);
      if (!user) return "skipped";
      await deps.mailer.send({ to: user.email, ...passwordChangedMail() }, idempotencyKey);
      return "sent";
    }
    case "email_change": {
      const user = await deps.users.findById(job.userId);
      if (!user) return "skipped";
      // Minted only under the credential epoch the request was made in: a password
      // change, reset or logout-all since then (the owner recovering the account)
      // ends the request even while its mail is still queued or being retried.
      const link = await verificationLink(
        deps,
        user.id,
        job.newEmail,
        "change",
        job.credentialEpoch,
      );
      if (!link) return "skipped";
      // Two mails, two idempotency keys: a retry re-sends only what the provider lacks.
      await deps.mailer.send(
        { to: user.email, ...emailChangeRequestedMail(job.newEmail) },
        `${idempotencyKey}-old`,
      );
      await deps.mailer.send(
        { to: job.newEmail, ...confirmNewEmailMail(link, VERIFY_TOKEN_HOURS) },
        `${idempotencyKey}-new`,
      );
      return "sent";
    }
    case "email_changed": {
      const user = await deps.users.findById(job.userId);
      if (!user) return "skipped";
      await deps.mailer.send(
        { to: job.previousEmail, ...emailChangedMail(user.email) },
        idempotencyKey,
      );
      return "sent";
    }
  }
}

/** A verification link for the account's own address, mailed to it. */
async function sendVerification(
  deps: MailJobDeps,
  user: { id: string; email: string },
  idempotencyKey: string,
): Promise<JobOutcome> {
  const link = await verificationLink(deps, user.id, user.email, "verify");
  if (!link) return "skipped";
  await deps.mailer.send(
    { to: user.email, ...verifyEmailMail(link, VERIFY_TOKEN_HOURS) },
    idempotencyKey,
  );
  return "sent";
}

/**
 * A new verification token for `email` (the account's own, or the address it
 * is changing to) and the link that carries it; only its hash is stored. With
 * a credential epoch, null when a credential changed since (no token stored).
 */
async function verificationLink(
  deps: MailJobDeps,
  userId: string,
  email: string,
  purpose: "verify" | "change",
  credentialEpoch?: string | null,
): Promise<string | null> {
  const { token, hash } = await newRecoveryToken();
  const stored = await deps.tokens.insertVerification({
    tokenHash: hash,
    userId,
    email,
    purpose,
    expiresAt: new Date(deps.clock.now() + VERIFY_TOKEN_TTL_MS),
    ...(credentialEpoch !== undefined ? { credentialEpoch } : {}),
  });
  return stored ? `${deps.appBaseUrl}/verify-email?token=${token}` : null;
}
