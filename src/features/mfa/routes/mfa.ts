import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { authErrors } from "../../../auth/errors";
import { httpErrors } from "../../../errors";
import { requireAuth } from "../../../middleware/require-auth";
import { requireRecentAuth } from "../../../middleware/require-recent-auth";
import { attemptSource, passwordCheckDeps } from "../../../routes/account-deps";
import { describeRoute } from "../../../routes/openapi/route-doc";
import { jsonBody } from "../../../routes/validate";
import {
  confirmTotp,
  disableMfa,
  enrollTotp,
  type MfaChangeProof,
  regenerateRecoveryCodes,
} from "../enrollment";
import { mfaErrors } from "../errors";
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

const RecoveryCodesSchema = z.strictObject({
  recovery_codes: z.array(z.string()).describe("shown once; each works once"),
});

const auth = authErrors.specs;
const mfa = mfaErrors.specs;

/** Every route here: requireAuth (RFC 6750). */
const SIGNED_IN = [auth.credentials_required, auth.invalid_access_token] as const;
/** A change: requireAuth, then a recent authentication (RFC 9470). */
const STEPPED_UP = [...SIGNED_IN, auth.insufficient_user_authentication] as const;
/**
 * Re-authentication before disabling or regenerating (enrollment.ts): the
 * password behind the login throttle, or a second factor behind the
 * per-account limit.
 */
const REAUTHENTICATION = [
  auth.invalid_credentials,
  auth.password_rejected,
  auth.password_not_set,
  mfa.invalid_code,
] as const;

/**
 * The signed-in user's second factors (README "Multi-factor authentication").
 * Changes need a recent authentication (step-up, RFC 9470) and, to disable or
 * regenerate, the password or a second factor as well.
 */
export const mfaRoutes = new Hono<AppEnv>()
  .use("/v1/mfa", requireAuth)
  .use("/v1/mfa/*", requireAuth)
  .get(
    "/v1/mfa",
    describeRoute({
      tag: "mfa",
      summary: "The signed-in account's second factor",
      security: ["bearer"],
      responses: {
        200: {
          description: "the TOTP authenticator's state and the recovery codes left",
          schema: z.strictObject({
            enabled: z.boolean(),
            totp: z.enum(["none", "pending", "active"]),
            recovery_codes_remaining: z.number().int(),
          }),
        },
      },
      errors: [...SIGNED_IN],
    }),
    async (c) => {
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
    },
  )
  .post(
    "/v1/mfa/totp/enroll",
    describeRoute({
      tag: "mfa",
      summary: "Start enrolling a TOTP authenticator",
      description:
        "RFC 6238 (SHA-1, 6 digits, 30 s). The secret is shown only here; the authenticator stays pending until POST /v1/mfa/totp/confirm.",
      security: ["bearer"],
      responses: {
        201: {
          description: "the pending authenticator's secret",
          schema: z.strictObject({
            secret: z.string().describe("base32"),
            otpauth_uri: z.string().describe("for a QR code"),
          }),
        },
      },
      errors: [
        ...STEPPED_UP,
        auth.account_gone,
        httpErrors.specs.not_configured,
        mfa.mfa_already_enabled,
      ],
    }),
    requireRecentAuth,
    async (c) => {
      const enrolled = await enrollTotp(secondFactorDeps(c), await currentUser(c));
      c.header("Cache-Control", "no-store");
      return c.json({ secret: enrolled.secret, otpauth_uri: enrolled.uri }, 201);
    },
  )
  .post(
    "/v1/mfa/totp/confirm",
    describeRoute({
      tag: "mfa",
      summary: "Activate the pending authenticator with a code",
      description: "The confirming code's time step is spent. Answers the recovery codes, once.",
      security: ["bearer"],
      responses: { 200: { description: "active", schema: RecoveryCodesSchema } },
      errors: [
        ...STEPPED_UP,
        httpErrors.specs.not_configured,
        mfa.no_pending_enrollment,
        mfa.mfa_already_enabled,
        mfa.invalid_code,
      ],
    }),
    requireRecentAuth,
    jsonBody(ConfirmBody),
    async (c) => {
      const codes = await confirmTotp(
        secondFactorDeps(c),
        c.get("claims").sub,
        c.req.valid("json").code,
      );
      c.header("Cache-Control", "no-store");
      return c.json({ recovery_codes: codes });
    },
  )
  .post(
    "/v1/mfa/disable",
    describeRoute({
      tag: "mfa",
      summary: "Turn the second factor off",
      description:
        "Needs a recent authentication (RFC 9470) and, as well, the `password` or a `code` or `recovery_code`.",
      security: ["bearer"],
      responses: { 204: { description: "the authenticator and the recovery codes are gone" } },
      errors: [...STEPPED_UP, auth.account_gone, mfa.mfa_not_enabled, ...REAUTHENTICATION],
      limited: true,
    }),
    requireRecentAuth,
    jsonBody(Proof),
    async (c) => {
      await disableMfa(
        changeDeps(c),
        await currentUser(c),
        proofOf(c.req.valid("json")),
        attemptSource(c),
      );
      return c.body(null, 204);
    },
  )
  .post(
    "/v1/mfa/recovery-codes",
    describeRoute({
      tag: "mfa",
      summary: "Replace the recovery codes",
      description:
        "Needs a recent authentication (RFC 9470) and, as well, the `password` or a `code` or `recovery_code`. The old codes stop working.",
      security: ["bearer"],
      responses: { 200: { description: "the new codes", schema: RecoveryCodesSchema } },
      errors: [
        ...STEPPED_UP,
        auth.account_gone,
        httpErrors.specs.not_configured,
        mfa.mfa_not_enabled,
        ...REAUTHENTICATION,
      ],
      limited: true,
    }),
    requireRecentAuth,
    jsonBody(Proof),
    async (c) => {
      const codes = await regenerateRecoveryCodes(
        changeDeps(c),
        await currentUser(c),
        proofOf(c.req.valid("json")),
        attemptSource(c),
      );
      c.header("Cache-Control", "no-store");
      return c.json({ recovery_codes: codes });
    },
  )
  // RFC 9470 step-up with a second factor: the session's auth_time becomes now
  // (and its amr gains `otp` and `mfa`); the next refresh carries them.
  .post(
    "/v1/mfa/step-up",
    describeRoute({
      tag: "mfa",
      summary: "Step up: confirm a second factor to count as just authenticated",
      description:
        "RFC 9470: with a `code` or `recovery_code`, the session's `auth_time` becomes now and its `amr` gains `otp` and `mfa`; refresh for an access token that says so.",
      security: ["bearer"],
      responses: {
        200: {
          description: "the session's new authentication time",
          schema: z.strictObject({
            auth_time: z.number().int().describe("seconds since the epoch"),
          }),
        },
      },
      errors: [...SIGNED_IN, mfa.mfa_not_enabled, mfa.invalid_code],
      // The per-account limit on second-factor tries (mfa_account).
      limited: true,
    }),
    jsonBody(StepUpBody),
    async (c) => {
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
    },
  );
