import { type ClientContext, proofBody, type StepUpPrompt, unwrap, withStepUp } from "./context";
import type { MfaChangeProof, MfaStatus, StepUpProof, TotpEnrollment } from "./types";

/**
 * The signed-in account's second factor (README "Multi-factor authentication"):
 * a TOTP authenticator (RFC 6238) and its recovery codes. Every change needs a
 * recent authentication (step-up, RFC 9470): when the service answers
 * `insufficient_user_authentication`, `stepUp` (if given) is asked for a proof,
 * the session is stepped up and refreshed, and the change is sent again once.
 */
export interface Mfa {
  /** `GET /v1/mfa`: whether it is on, the authenticator's state, the recovery codes left. */
  status(): Promise<MfaStatus>;
  /**
   * `POST /v1/mfa/totp/enroll`: a pending authenticator. Its `secret` (base32) and
   * `otpauth_uri` (for a QR code) are shown only here; `confirmTotp` activates it.
   */
  enrollTotp(input?: { stepUp?: StepUpPrompt }): Promise<TotpEnrollment>;
  /**
   * `POST /v1/mfa/totp/confirm` with a code from the new authenticator. Answers
   * the recovery codes, shown once: each signs in once in place of a code.
   */
  confirmTotp(code: string, input?: { stepUp?: StepUpPrompt }): Promise<string[]>;
  /** `POST /v1/mfa/recovery-codes`: new codes, the old ones stop working. Needs a proof as well. */
  regenerateRecoveryCodes(
    proof: MfaChangeProof,
    input?: { stepUp?: StepUpPrompt },
  ): Promise<string[]>;
  /** `POST /v1/mfa/disable`: the authenticator and the recovery codes are gone. Needs a proof as well. */
  disable(proof: MfaChangeProof, input?: { stepUp?: StepUpPrompt }): Promise<void>;
}

export function mfa(ctx: ClientContext, stepUp: (proof: StepUpProof) => Promise<unknown>): Mfa {
  return {
    status: () => unwrap(ctx.api.GET("/v1/mfa")),

    enrollTotp: (input = {}) =>
      withStepUp(() => unwrap(ctx.api.POST("/v1/mfa/totp/enroll")), stepUp, input.stepUp),

    async confirmTotp(code, input = {}) {
      const confirmed = await withStepUp(
        () => unwrap(ctx.api.POST("/v1/mfa/totp/confirm", { body: { code } })),
        stepUp,
        input.stepUp,
      );
      return confirmed.recovery_codes;
    },

    async regenerateRecoveryCodes(proof, input = {}) {
      const renewed = await withStepUp(
        () => unwrap(ctx.api.POST("/v1/mfa/recovery-codes", { body: proofBody(proof) })),
        stepUp,
        input.stepUp,
      );
      return renewed.recovery_codes;
    },

    async disable(proof, input = {}) {
      await withStepUp(
        () => unwrap(ctx.api.POST("/v1/mfa/disable", { body: proofBody(proof) })),
        stepUp,
        input.stepUp,
      );
    },
  };
}
