import {
  type ClientContext,
  ceremonies,
  type StepUpPrompt,
  signedInSession,
  unwrap,
  withStepUp,
} from "./context";
import type { Session } from "./storage";
import type { CredentialJSON, Passkey, StepUpProof } from "./types";

export interface Passkeys {
  /**
   * Adds a passkey to the signed-in account (README "Passkeys"): options, the
   * platform's ceremony, verify. A passkey is a new way to sign in, so it needs the
   * account's `password` where it has one (else `reauthentication_required`), and a
   * recent sign-in (step-up, RFC 9470): when the service answers
   * `insufficient_user_authentication`, `stepUp` (if given) is asked for a TOTP or
   * recovery code, the session is stepped up and refreshed, and the registration
   * starts again once. Without it, the error throws: sign in again, then register.
   */
  register(input?: { name?: string; password?: string; stepUp?: StepUpPrompt }): Promise<Passkey>;
  /**
   * Signs in with a passkey alone (discoverable: no email needed; an email binds the
   * ceremony to that account). A passkey counts as two factors.
   */
  signIn(input?: { email?: string }): Promise<Session>;
  /** The ceremony for `POST /v1/login/mfa`'s `passkey` proof: a flow id and the assertion. */
  assertion(input?: { email?: string }): Promise<{ flow_id: string; response: CredentialJSON }>;
}

export function passkeys(ctx: ClientContext, stepUp: (proof: StepUpProof) => Promise<unknown>) {
  const assertion: Passkeys["assertion"] = async (input = {}) => {
    const webauthn = ceremonies(ctx);
    const { flow_id, options } = await unwrap(
      ctx.api.POST("/v1/passkeys/login/options", {
        body: input.email === undefined ? {} : { email: input.email },
      }),
    );
    return { flow_id, response: await webauthn.startAuthentication({ optionsJSON: options }) };
  };

  const registrationOptions = (password: string | undefined) => () =>
    unwrap(
      ctx.api.POST("/v1/passkeys/register/options", {
        body: password === undefined ? {} : { password },
      }),
    );

  const api: Passkeys = {
    async register(input = {}) {
      const webauthn = ceremonies(ctx);
      const started = await withStepUp(registrationOptions(input.password), stepUp, input.stepUp);
      const response = await webauthn.startRegistration({ optionsJSON: started.options });
      return unwrap(
        ctx.api.POST("/v1/passkeys/register/verify", {
          body: {
            flow_id: started.flow_id,
            response,
            ...(input.name === undefined ? {} : { name: input.name }),
          },
        }),
      );
    },

    async signIn(input = {}) {
      const { flow_id, response } = await assertion(input);
      const pair = await unwrap(
        ctx.api.POST("/v1/passkeys/login/verify", {
          body: { flow_id, response, token_transport: ctx.storage.transport },
        }),
      );
      return signedInSession(ctx, pair);
    },

    assertion,
  };
  return api;
}
