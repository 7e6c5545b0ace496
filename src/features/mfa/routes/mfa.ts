import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { authErrors } from "../../../auth/errors";
import { requireAuth } from "../../../middleware/require-auth";
import { requireRecentAuth } from "../../../middleware/require-recent-auth";
import { attemptSource, passwordCheckDeps } from "../../../routes/account-deps";
import { jsonBody } from "../../../routes/validate";
import {
  confirmTotp,
  disableMfa,
  enrollTotp,
  type MfaChangeProof,
  regenerateRecoveryCodes,
} from "../enrollment";
import { verifySecondFactor } from "../second-factor";
import { secondFactorDeps } from "./login-mfa";

const Proof = z.object({
  password: z.string().max(4096).optional(),
  code: z.string().min(1).max(16).optional(),
  recovery_code: z.string().min(1).max(64).optional(),
});
const ConfirmBody = z.object({ code: z.string().min(1).max(16) });
const StepUpBody = Proof.omit({ password: true });

const proofOf = (b: z.infer<typeof Proof>): MfaChangeProof => ({
  password: b.password,
  code: b.code,
  recoveryCode: b.recovery_code,
});

async function currentUser(c: Context<AppEnv>) {
  const user = await c.get("services").users.findById(c.get("claims").sub);
  if (!user) throw authErrors.error("account_gone");
  return user;
}

const changeDeps = (c: Context<AppEnv>) => ({
  ...secondFactorDeps(c),
  passwordCheck: passwordCheckDeps(c),
});

/**
 * The signed-in user's second factors (README "Multi-factor authentication").
 * Changes need a recent authentication (step-up, RFC 9470) and, to disable or
 * regenerate, the password or a second factor as well.
 */
export const mfaRoutes = new Hono<AppEnv>()
  .use("/v1/mfa", requireAuth)
  .use("/v1/mfa/*", requireAuth)
  .get("/v1/mfa", async (c) => {
    const services = c.get("services");
    const userId = c.get("claims").sub;
    const [record, remaining] = await Promise.all([
      services.mfa.totp(userId),
      services.mfa.remainingRecoveryCodes(userId),
    ]);
    c.header("Cache-Control", "no-store");
    return c.json({
      enabled: record?.confirmed === true,
      totp: record === null ? "none" : record.confirmed ? "active" : "pending",
      recovery_codes_remaining: record?.confirmed ? remaining : 0,
    });
  })
  .post("/v1/mfa/totp/enroll", requireRecentAuth, async (c) => {
    const enrolled = await enrollTotp(secondFactorDeps(c), await currentUser(c));
    c.header("Cache-Control", "no-store");
    return c.json({ secret: enrolled.secret, otpauth_uri: enrolled.uri }, 201);
  })
  .post("/v1/mfa/totp/confirm", requireRecentAuth, jsonBody(ConfirmBody), async (c) => {
    const codes = await confirmTotp(
      secondFactorDeps(c),
      c.get("claims").sub,
      c.req.valid("json").code,
    );
    c.header("Cache-Control", "no-store");
    return c.json({ recovery_codes: codes });
  })
  .post("/v1/mfa/disable", requireRecentAuth, jsonBody(Proof), async (c) => {
    await disableMfa(
      changeDeps(c),
      await currentUser(c),
      proofOf(c.req.valid("json")),
      attemptSource(c),
    );
    return c.body(null, 204);
  })
  .post("/v1/mfa/recovery-codes", requireRecentAuth, jsonBody(Proof), async (c) => {
    const codes = await regenerateRecoveryCodes(
      changeDeps(c),
      await currentUser(c),
      proofOf(c.req.valid("json")),
      attemptSource(c),
    );
    c.header("Cache-Control", "no-store");
    return c.json({ recovery_codes: codes });
  })
  // RFC 9470 step-up with a second factor: the session's auth_time becomes now
  // (and its amr gains `otp` and `mfa`); the next refresh carries them.
  .post("/v1/mfa/step-up", jsonBody(StepUpBody), async (c) => {
    const services = c.get("services");
    const claims = c.get("claims");
    const body = c.req.valid("json");
    const methods = await verifySecondFactor(secondFactorDeps(c), claims.sub, {
      code: body.code,
      recoveryCode: body.recovery_code,
    });
    const authTime = Math.floor(services.clock.now() / 1000);
    await services.families.updateClaims(claims.sid, {
      auth_time: authTime,
      amr: [...new Set([...(claims.amr ?? []), ...methods, "mfa"])],
    });
    services.audit.record({
      type: "mfa_step_up",
      userId: claims.sub,
      details: { family: claims.sid },
    });
    c.header("Cache-Control", "no-store");
    return c.json({ auth_time: authTime });
  });
