import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { type CredentialDeps, changePassword, requestEmailChange } from "../auth/credentials";
import { requestPasswordReset, resetPassword, verifyEmail } from "../auth/recovery";
import { checkIpLimit } from "../auth/throttle";
import { AuthError, notConfigured } from "../errors";
import { limitByIp } from "../middleware/rate-limit";
import { requireAuth } from "../middleware/require-auth";
import type { MailJobs } from "../ports";
import { accountDeps, attemptSource, passwordCheckDeps } from "./account-deps";
import { emailField as email, passwordField as password } from "./fields";
import { readJson } from "./read-json";

// Tokens are 43 characters; the domain rejects anything else without a query.
const token = z.string().max(256);

/** Without EMAIL_API_KEY the email flows do not exist. */
function mailJobs(c: Context<AppEnv>): MailJobs {
  const jobs = c.get("services").mailJobs;
  if (!jobs) throw notConfigured("email", "EMAIL_API_KEY");
  return jobs;
}

function credentialDeps(c: Context<AppEnv>): CredentialDeps {
  const services = c.get("services");
  return {
    account: passwordCheckDeps(c),
    tokens: services.recoveryTokens,
    sessions: services.sessionDeps(),
    jobs: mailJobs(c),
  };
}

// Every endpoint here fails closed when Redis does not answer: each one either
// sends mail or tries a token, and neither may go unbounded.
export const emailRoutes = new Hono<AppEnv>()
  .post("/v1/password/forgot", limitByIp("email_ip", { failOpen: false }), async (c) => {
    const jobs = mailJobs(c);
    const input = await readJson(c, z.object({ email }));
    // The same 202 for every address; the per-address limit applies in the consumer.
    await requestPasswordReset(jobs, input.email);
    return c.json({ status: "accepted" }, 202);
  })
  .post("/v1/password/reset", limitByIp("email_ip", { failOpen: false }), async (c) => {
    const jobs = mailJobs(c);
    const input = await readJson(c, z.object({ token, password }));
    const services = c.get("services");
    await resetPassword(
      {
        account: accountDeps(c),
        tokens: services.recoveryTokens,
        sessions: services.sessionDeps(),
        guard: services.accountGuard,
        jobs,
        revokeSessions: c.get("config").resetRevokesSessions,
      },
      input,
    );
    return c.json({ status: "password_reset" });
  })
  .post("/v1/email/verify", limitByIp("email_ip", { failOpen: false }), async (c) => {
    const input = await readJson(c, z.object({ token }));
    const services = c.get("services");
    await verifyEmail(
      { tokens: services.recoveryTokens, jobs: mailJobs(c), sessions: services.sessionDeps() },
      input.token,
    );
    return c.json({ email_verified: true });
  })
  // Signed in: a new link for the account's address. Without a session, by
  // address, as a user refused at login with 403 email_not_verified (or an
  // imported one) must be able to ask: the same 202 for every address, the
  // lookup and the per-address limit in the consumer, as for a reset.
  .post(
    "/v1/email/verify/resend",
    limitByIp("email_ip", { failOpen: false }),
    async (c, next) => (c.req.header("authorization") ? requireAuth(c, next) : next()),
    async (c) => {
      const jobs = mailJobs(c);
      const services = c.get("services");
      if (!c.req.header("authorization")) {
        const input = await readJson(c, z.object({ email }));
        await jobs.enqueue({ kind: "verify_email_request", email: input.email });
        return c.json({ status: "accepted" }, 202);
      }
      const userId = c.get("claims").sub;
      // Per account as well as per IP, so one session cannot flood its own inbox.
      await checkIpLimit(services.limiter, "email_address", userId, services.clock.now(), false);
      await jobs.enqueue({ kind: "verify_email", userId });
      return c.json({ status: "accepted" }, 202);
    },
  )
  // A current-password check is a login attempt: it goes through the login
  // throttle (per network, per network and account, account backoff).
  .post("/v1/password/change", requireAuth, async (c) => {
    const input = await readJson(
      c,
      z.object({
        current_password: password,
        new_password: password,
        revoke_other_sessions: z.boolean().default(true),
      }),
    );
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
  })
  .post("/v1/email/change", requireAuth, async (c) => {
    const input = await readJson(c, z.object({ password, new_email: email }));
    const services = c.get("services");
    const userId = c.get("claims").sub;
    await checkIpLimit(services.limiter, "email_address", userId, services.clock.now(), false);
    await requestEmailChange(
      credentialDeps(c),
      { userId, source: attemptSource(c) },
      { password: input.password, newEmail: input.new_email },
    );
    return c.json({ status: "accepted" }, 202);
  });
