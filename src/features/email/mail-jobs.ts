import { z } from "zod";
import { accountKey } from "../../auth/throttle";
import { defineMailJob, type MailJobContext } from "../../mail";
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

const address = z.string().min(3).max(254);

/**
 * Per address, so nobody can flood one inbox; checked in the consumer, where
 * the answer is invisible to the requester. Once per job: a retry of the same
 * mail is not another request.
 */
async function withinAddressLimit(
  ctx: MailJobContext,
  email: string,
  attempt: number,
): Promise<boolean> {
  if (attempt !== 1) return true;
  const limit = await ctx.services.limiter.consume("email_address", await accountKey(email));
  return limit.allowed;
}

/**
 * The email flows' mail jobs (their kinds are declared in ./ports.ts). A retry
 * creates a fresh token, since the raw value of the first exists nowhere; an
 * earlier token that did reach the user stays valid.
 */
export const emailMailJobs = [
  defineMailJob({
    kind: "password_reset_request",
    payload: z.object({ email: address }),
    async run(ctx, job, delivery) {
      const user = await ctx.services.users.findByEmail(job.email);
      // No mail for an unknown address: a notice would let anyone mail any inbox.
      if (!user) return "skipped";
      if (!(await withinAddressLimit(ctx, user.email, delivery.attempt))) return "skipped";
      const { token, hash } = await newRecoveryToken();
      await ctx.services.recoveryTokens.insertReset({
        tokenHash: hash,
        userId: user.id,
        email: user.email,
        expiresAt: new Date(ctx.services.clock.now() + RESET_TOKEN_TTL_MS),
      });
      const link = `${ctx.appBaseUrl}/reset-password?token=${token}`;
      await ctx.mailer.send(
        { to: user.email, ...resetPasswordMail(link, RESET_TOKEN_TTL_MS / 60_000) },
        delivery.idempotencyKey,
      );
      return "sent";
    },
  }),
  defineMailJob({
    kind: "verify_email_request",
    payload: z.object({ email: address }),
    async run(ctx, job, delivery) {
      // Asked for by address, without a session (the 403 email_not_verified of a
      // login): as for a reset, nothing goes to an unknown or verified address,
      // and the per-address limit applies.
      const user = await ctx.services.users.findByEmail(job.email);
      if (!user || user.emailVerifiedAt) return "skipped";
      if (!(await withinAddressLimit(ctx, user.email, delivery.attempt))) return "skipped";
      return sendVerification(ctx, user, delivery.idempotencyKey);
    },
  }),
  defineMailJob({
    kind: "verify_email",
    payload: z.object({ userId: z.uuid() }),
    async run(ctx, job, delivery) {
      const user = await ctx.services.users.findById(job.userId);
      if (!user || user.emailVerifiedAt) return "skipped";
      return sendVerification(ctx, user, delivery.idempotencyKey);
    },
  }),
  defineMailJob({
    kind: "password_changed",
    payload: z.object({ userId: z.uuid() }),
    async run(ctx, job, delivery) {
      const user = await ctx.services.users.findById(job.userId);
      if (!user) return "skipped";
      await ctx.mailer.send({ to: user.email, ...passwordChangedMail() }, delivery.idempotencyKey);
      return "sent";
    },
  }),
  defineMailJob({
    kind: "email_change",
    payload: z.object({
      userId: z.uuid(),
      newEmail: address,
      credentialEpoch: z.string().max(64).nullable().optional(),
    }),
    async run(ctx, job, delivery) {
      const user = await ctx.services.users.findById(job.userId);
      if (!user) return "skipped";
      // Minted only under the credential epoch the request was made in: a password
      // change, reset or logout-all since then (the owner recovering the account)
      // ends the request even while its mail is still queued or being retried.
      const link = await verificationLink(
        ctx,
        user.id,
        job.newEmail,
        "change",
        job.credentialEpoch,
      );
      if (!link) return "skipped";
      // Two mails, two idempotency keys: a retry re-sends only what the provider lacks.
      await ctx.mailer.send(
        { to: user.email, ...emailChangeRequestedMail(job.newEmail) },
        `${delivery.idempotencyKey}-old`,
      );
      await ctx.mailer.send(
        { to: job.newEmail, ...confirmNewEmailMail(link, VERIFY_TOKEN_HOURS) },
        `${delivery.idempotencyKey}-new`,
      );
      return "sent";
    },
  }),
  defineMailJob({
    kind: "email_changed",
    payload: z.object({ userId: z.uuid(), previousEmail: address }),
    async run(ctx, job, delivery) {
      const user = await ctx.services.users.findById(job.userId);
      if (!user) return "skipped";
      await ctx.mailer.send(
        { to: job.previousEmail, ...emailChangedMail(user.email) },
        delivery.idempotencyKey,
      );
      return "sent";
    },
  }),
];

/** A verification link for the account's own address, mailed to it. */
async function sendVerification(
  ctx: MailJobContext,
  user: { id: string; email: string },
  idempotencyKey: string,
): Promise<"sent" | "skipped"> {
  const link = await verificationLink(ctx, user.id, user.email, "verify");
  if (!link) return "skipped";
  await ctx.mailer.send(
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
  ctx: MailJobContext,
  userId: string,
  email: string,
  purpose: "verify" | "change",
  credentialEpoch?: string | null,
): Promise<string | null> {
  const { token, hash } = await newRecoveryToken();
  const stored = await ctx.services.recoveryTokens.insertVerification({
    tokenHash: hash,
    userId,
    email,
    purpose,
    expiresAt: new Date(ctx.services.clock.now() + VERIFY_TOKEN_TTL_MS),
    ...(credentialEpoch !== undefined ? { credentialEpoch } : {}),
  });
  return stored ? `${ctx.appBaseUrl}/verify-email?token=${token}` : null;
}
