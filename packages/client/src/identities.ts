import { type ClientContext, type StepUpPrompt, unwrap, withStepUp } from "./context";
import type { LinkedIdentities, StepUpProof } from "./types";

/**
 * The providers linked to the signed-in account (the service's `/v1/identities`
 * routes): list them, link another, unlink one.
 */
export interface Identities {
  /** `GET /v1/identities`: the linked identities, and whether the account has a password. */
  list(): Promise<LinkedIdentities>;
  /**
   * `POST /v1/identities/link`: the URL to open in the browser to link `provider`.
   * Needs the account's `password`, or for an account without one a recent
   * sign-in (OWASP ASVS V6). The provider's callback then 303s to `redirectUri`
   * (one of the service's `OAUTH_REDIRECT_URIS`) with `linked=<provider>` and
   * your `state`, or with `error_code` (`identity_taken`: the provider's account
   * is already another account's). `loginHint` is handed to the provider.
   */
  startLink(input: {
    provider: string;
    redirectUri: string;
    state?: string;
    password?: string;
    loginHint?: string;
  }): Promise<string>;
  /**
   * `DELETE /v1/identities/{id}`. A sensitive change: it needs a recent
   * authentication (RFC 9470), and `stepUp` (if given) is asked for a proof when
   * the service wants one, as in `mfa`. The account's only way to sign in is
   * refused (`last_sign_in_method`).
   */
  unlink(id: string, input?: { stepUp?: StepUpPrompt }): Promise<void>;
}

export function identities(
  ctx: ClientContext,
  stepUp: (proof: StepUpProof) => Promise<unknown>,
): Identities {
  return {
    list: () => unwrap(ctx.api.GET("/v1/identities")),

    async startLink({ provider, redirectUri, state, password, loginHint }) {
      const { authorization_url } = await unwrap(
        ctx.api.POST("/v1/identities/link", {
          body: {
            provider,
            redirect_uri: redirectUri,
            ...(state === undefined ? {} : { state }),
            ...(password === undefined ? {} : { password }),
          },
        }),
      );
      if (loginHint === undefined) return authorization_url;
      const url = new URL(authorization_url);
      url.searchParams.set("login_hint", loginHint);
      return url.href;
    },

    async unlink(id, input = {}) {
      await withStepUp(
        () => unwrap(ctx.api.DELETE("/v1/identities/{id}", { params: { path: { id } } })),
        stepUp,
        input.stepUp,
      );
    },
  };
}
