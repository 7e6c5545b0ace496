import type { Context } from "hono";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { authErrors } from "../../../auth/errors";
import { checkIpLimit } from "../../../auth/throttle";
import { httpErrors, notConfigured } from "../../../errors";
import type { MailJobs } from "../../../mail";
import { limitByIp } from "../../../middleware/rate-limit";
import { requireAuth } from "../../../middleware/require-auth";
import { requireRecentAuth } from "../../../middleware/require-recent-auth";
import { accountDeps, attemptSource, passwordCheckDeps } from "../../../routes/account-deps";
import { emailField as email, passwordField as password } from "../../../routes/fields";
import { describeRoute } from "../../../routes/openapi/route-doc";
import { jsonBody, jsonBodyWithoutBearer } from "../../../routes/validate";
import { type CredentialDeps, changePassword, requestEmailChange } from "../credentials";
import { recoveryErrors } from "../errors";
import { requestPasswordReset, resetPassword, verifyEmail } from "../recovery";

// Tokens are 43 characters; the domain rejects anything else without a query.
const token = z.string().max(256);

/** Without EMAIL_API_KEY the email flows do not exist. */
function mailJobs(c: Context<AppEnv>): MailJobs {
  const jobs = c.get("services").mailJobs;
  if (!jobs) throw notConfigured("email", "EMAIL_API_KEY");
  return jobs;
}

/** First on every email route: a switched-off feature answers before anything else. */
const emailEnabled = createMiddleware<AppEnv>(async (c, next) => {
  mailJobs(c);
  await next();
});

function credentialDeps(c: Context<AppEnv>): CredentialDeps {
  const services = c.get("services");
  return {
    account: passwordCheckDeps(c),
    tokens: services.recoveryTokens,
    sessions: services.sessionDeps(),
    jobs: mailJobs(c),
  };
}

const ForgotBody = z.object({ email });
const ResetBody = z.object({ token, password });
const VerifyBody = z.object({ token });
const ResendBody = z.object({ email });
const ChangePasswordBody = z.object({
  current_password: password,
  new_password: password,
  revoke_other_sessions: z.boolean().default(true),
});
const ChangeEmailBody = z.object({ password, new_email: email });

// The bodies these routes answer, for the OpenAPI document (exactly what they write).
const AcceptedSchema = z.strictObject({ status: z.literal("accepted") });
const PasswordResetSchema = z.strictObject({ status: z.literal("password_reset") });
const EmailVerifiedSchema = z.strictObject({ email_verified: z.literal(true) });

const auth = authErrors.specs;
// The feature is off without EMAIL_API_KEY (emailEnabled, first on every route).
const off = httpErrors.specs.not_configured;
const badToken = recoveryErrors.specs.invalid_token;
// A current-password check (auth/password-check.ts confirmPassword): the
// account may be gone, have no password, or the password may be wrong or
// oversized; the login throttle answers 429 before any hashing.
const reauthErrors = [
  auth.account_gone,
  auth.password_not_set,
  auth.invalid_credentials,
  auth.password_rejected,
];
// requireAuth, then requireRecentAuth (RFC 9470 step-up).
const recentBearer = [
  auth.credentials_required,
  auth.invalid_access_token,
  auth.insufficient_user_authentication,
];

// Every endpoint here fails closed when Redis does not answer: each one either
// sends mail or tries a token, and neither may go unbounded.
const limited = limitByIp("email_ip", { failOpen: false });

export const credentialRoutes = new Hono<AppEnv>()
  .post(
    "/v1/password/forgot",
    describeRoute({
      tag: "email",
      summary: "Mail a password-reset link",
      description:
        "The same 202 for every address, known or not, so the answer tells nothing about who has an account; the lookup and the per-address limit happen in the mail consumer.",
      responses: { 202: { description: "accepted", schema: AcceptedSchema } },
      errors: [off],
      limited: true,
    }),
    emailEnabled,
    limited,
    jsonBody(ForgotBody),
    async (c) => {
      // The same 202 for every address; the per-address limit applies in the consumer.
      await requestPasswordReset(mailJobs(c), c.req.valid("json").email);
      return c.json({ status: "accepted" }, 202);
    },
  )
  .post(
    "/v1/password/reset",
    describeRoute({
      tag: "email",
      summary: "Set a new password with a reset link's token",
      description:
        "The token is consumed and the password set in one statement, so exactly one of any concurrent replays succeeds; the address counts as verified, and every session ends when RESET_REVOKES_SESSIONS is true.",
      responses: { 200: { description: "the password is set", schema: PasswordResetSchema } },
      errors: [off, badToken, auth.password_rejected],
      limited: true,
    }),
    emailEnabled,
    limited,
    jsonBody(ResetBody),
    async (c) => {
      const services = c.get("services");
      await resetPassword(
        {
          account: accountDeps(c),
          tokens: services.recoveryTokens,
          sessions: services.sessionDeps(),
          guard: services.accountGuard,
          jobs: mailJobs(c),
          revokeSessions: c.get("config").resetRevokesSessions,
        },
        c.req.valid("json"),
      );
      return c.json({ status: "password_reset" });
    },
  )
  .post(
    "/v1/email/verify",
    describeRoute({
      tag: "email",
      summary: "Confirm an address with a verification link's token",
      description:
        "A registration link verifies the account's address; an address-change link makes the new address the account's (409 if another account took it meanwhile).",
      responses: { 200: { description: "verified", schema: EmailVerifiedSchema } },
      errors: [off, badToken, auth.email_taken],
      limited: true,
    }),
    emailEnabled,
    limited,
    jsonBody(VerifyBody),
    async (c) => {
      const services = c.get("services");
      await verifyEmail(
        { tokens: services.recoveryTokens, jobs: mailJobs(c), sessions: services.sessionDeps() },
        c.req.valid("json").token,
      );
      return c.json({ email_verified: true });
    },
  )
  // Signed in: a new link for the account's address. Without a session, by
  // address, as a user refused at login with 403 email_not_verified (or an
  // imported one) must be able to ask: the same 202 for every address, the
  // lookup and the per-address limit in the consumer, as for a reset.
  .post(
    "/v1/email/verify/resend",
    describeRoute({
      tag: "email",
      summary: "Mail a new verification link",
      description:
        "With a bearer token (RFC 6750), for the signed-in account's address, limited per account too. Without one, the body names the address: the same 202 for every address, so a user refused at login with 403 email_not_verified can ask without a session.",
      security: ["bearer"],
      responses: { 202: { description: "accepted", schema: AcceptedSchema } },
      // Only a request that sends Authorization reaches requireAuth: no credentials_required.
      errors: [off, auth.invalid_access_token],
      limited: true,
    }),
    emailEnabled,
    limited,
    async (c, next) => (c.req.header("authorization") ? requireAuth(c, next) : next()),
    jsonBodyWithoutBearer(ResendBody),
    async (c) => {
      const jobs = mailJobs(c);
      const byAddress = c.req.valid("json");
      if (byAddress) {
        await jobs.enqueue({ kind: "verify_email_request", email: byAddress.email });
        return c.json({ status: "accepted" }, 202);
      }
      const services = c.get("services");
      const userId = c.get("claims").sub;
      // Per account as well as per IP, so one session cannot flood its own inbox.
      await checkIpLimit(services.limiter, "email_address", userId, services.clock.now(), false);
      await jobs.enqueue({ kind: "verify_email", userId });
      return c.json({ status: "accepted" }, 202);
    },
  )
  // A current-password check is a login attempt: it goes through the login
  // throttle (per network, per network and account, account backoff).
  .post(
    "/v1/password/change",
    describeRoute({
      tag: "email",
      summary: "Change the password, confirming the current one",
      description:
        "Needs a recent authentication (RFC 9470). Outstanding reset and address-change links die with the old password; the other sessions end unless `revoke_other_sessions` is false; the owner is told by mail.",
      security: ["bearer"],
      responses: { 204: { description: "changed" } },
      errors: [off, ...recentBearer, ...reauthErrors],
      limited: true,
    }),
    emailEnabled,
    requireAuth,
    requireRecentAuth,
    jsonBody(ChangePasswordBody),
    async (c) => {
      const input = c.req.valid("json");
      const claims = c.get("claims");
      await changePassword(
        credentialDeps(c),
        { userId: claims.sub, sessionId: claims.sid, source: attemptSource(c) },
        {
          currentPassword: input.current_password,
          newPassword: input.new_password,
          revokeOtherSessions: input.revoke_other_sessions,
        },
      );
      return c.body(null, 204);
    },
  )
  .post(
    "/v1/email/change",
    describeRoute({
      tag: "email",
      summary: "Ask to change the address, confirming the password",
      description:
        "Needs a recent authentication (RFC 9470). Nothing changes yet: a link goes to the new address (and a notice to the current one); the change happens when its token comes back to POST /v1/email/verify.",
      security: ["bearer"],
      responses: { 202: { description: "accepted", schema: AcceptedSchema } },
      errors: [off, ...recentBearer, ...reauthErrors, auth.email_taken],
      limited: true,
    }),
    emailEnabled,
    requireAuth,
    requireRecentAuth,
    jsonBody(ChangeEmailBody),
    async (c) => {
      const input = c.req.valid("json");
      const services = c.get("services");
      const userId = c.get("claims").sub;
      await checkIpLimit(services.limiter, "email_address", userId, services.clock.now(), false);
      await requestEmailChange(
        credentialDeps(c),
        { userId, source: attemptSource(c) },
        { password: input.password, newEmail: input.new_email },
      );
      return c.json({ status: "accepted" }, 202);
    },
  );
