import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../app-env";
import { authErrors } from "../../../auth/errors";
import { clientNetworkOf, limitByIp } from "../../../middleware/rate-limit";
import { describeRoute } from "../../../routes/openapi/route-doc";
import { TokenPairSchema } from "../../../routes/response-schemas";
import { signInResponse } from "../../../routes/token-response";
import { jsonBody } from "../../../routes/validate";
import { mfaErrors } from "../errors";
import { completeSecondFactor } from "../login-step";
import type { SecondFactorDeps } from "../second-factor";

export function secondFactorDeps(c: Context<AppEnv>): SecondFactorDeps {
  const services = c.get("services");
  return {
    store: services.mfa,
    config: c.get("config").mfa,
    clock: services.clock,
    limiter: services.limiter,
    guard: services.accountGuard,
    network: clientNetworkOf(c),
    audit: services.audit,
  };
}

const code = z.string().min(1).max(16);
const recoveryCode = z.string().min(1).max(64);

// Loose: a contributed second factor's proof comes under its own name
// (`passkey: {flow_id, response}`), checked by that factor.
const LoginMfaBody = z.looseObject({
  mfa_token: z.string().min(1).max(128),
  code: code.optional(),
  recovery_code: recoveryCode.optional(),
});

/**
 * `POST /v1/login/mfa`: the second step of any sign-in that answered
 * `{mfa_required: true, mfa_token}`. Tokens go out as the first step asked
 * (body or cookie).
 */
export const loginMfaRoutes = new Hono<AppEnv>().post(
  "/v1/login/mfa",
  describeRoute({
    tag: "mfa",
    summary: "Finish a sign-in with its second factor",
    description:
      "The second step of any sign-in that answered `{mfa_required: true, mfa_token}`: a TOTP `code` (RFC 6238), a `recovery_code`, or a contributed factor's proof under its own name (`passkey: {flow_id, response}`). The tokens go out as the first step asked (body or cookie); an `mfa_token` takes at most 5 tries and is spent by a success.",
    responses: { 200: { description: "signed in", schema: TokenPairSchema } },
    errors: [
      mfaErrors.specs.invalid_mfa_token,
      mfaErrors.specs.invalid_code,
      mfaErrors.specs.mfa_not_enabled,
      authErrors.specs.account_disabled,
      // The password of the first step was replaced meanwhile (a change, reset or logout-all).
      authErrors.specs.invalid_credentials,
    ],
    // A contributed second factor's refusals (the passkeys feature's).
    errorCodesOfOtherParts: ["invalid_flow", "passkey_rejected"],
    // Per client (login_ip), per network and account (mfa_account), and the account's streak.
    limited: true,
  }),
  limitByIp("login_ip", { failOpen: false }),
  jsonBody(LoginMfaBody),
  async (c) => {
    const body = c.req.valid("json");
    const services = c.get("services");
    const other = services.secondFactors.find((f) => body[f.method] !== undefined);
    const { outcome, transport } = await completeSecondFactor(
      {
        ...secondFactorDeps(c),
        challenges: services.mfaChallenges,
        signIn: services.signIn,
        factors: services.secondFactors,
      },
      {
        mfaToken: body.mfa_token,
        code: body.code,
        recoveryCode: body.recovery_code,
        ...(other ? { other: { method: other.method, proof: body[other.method] } } : {}),
      },
    );
    return signInResponse(c, outcome, transport);
  },
);
