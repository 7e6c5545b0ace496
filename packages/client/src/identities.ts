import { type ClientContext, type StepUpPrompt, unwrap, withStepUp } from "./context";
import { AuthApiError } from "./errors";
import { pkceChallenge, randomToken } from "./pkce";
import { redirectAnswer } from "./redirect-answer";
import type { LinkedIdentities, StepUpProof } from "./types";

/** A link in progress: open `url` in the browser; keep `state` and `codeVerifier` for `finishLink`. */
export interface LinkStart {
  url: string;
  state: string;
  codeVerifier: string;
}

/**
 * The providers linked to the signed-in account (the service's `/v1/identities`
 * routes): list them, link another, unlink one.
 */
export interface Identities {
  /** `GET /v1/identities`: the linked identities, and whether the account has a password. */
  list(): Promise<LinkedIdentities>;
  /**
   * `POST /v1/identities/link`: where to send the browser to link `provider`,
   * with a fresh PKCE pair (RFC 7636, S256) and `state`; keep `state` and
   * `codeVerifier` until the redirect comes back. Needs the account's
   * `password`, or for an account without one a recent sign-in (OWASP ASVS
   * V6). The provider's callback 303s to `redirectUri` (one of the service's
   * `OAUTH_REDIRECT_URIS`) with a one-time `link_code` and your `state`; pass
   * that URL to `finishLink`. `loginHint` is handed to the provider.
   */
  startLink(input: {
    provider: string;
    redirectUri: string;
    state?: string;
    password?: string;
    loginHint?: string;
  }): Promise<LinkStart>;
  /**
   * The redirect back (`redirectUri?link_code=…&state=…`): checks `state`,
   * then completes the link with the verifier (`POST
   * /v1/identities/link/complete`, once, within 60 s, signed in as the same
   * account). Nothing is linked until this succeeds, so a link URL opened in
   * someone else's browser links nothing. `identity_taken`: the provider's
   * account is already another account's.
   */
  finishLink(input: {
    callbackUrl: string;
    state: string;
    codeVerifier: string;
  }): Promise<{ provider: string }>;
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

    async startLink({ provider, redirectUri, state = randomToken(16), password, loginHint }) {
      const codeVerifier = randomToken(32);
      const { authorization_url } = await unwrap(
        ctx.api.POST("/v1/identities/link", {
          body: {
            provider,
            redirect_uri: redirectUri,
            state,
            code_challenge: await pkceChallenge(codeVerifier),
            code_challenge_method: "S256",
            ...(password === undefined ? {} : { password }),
          },
        }),
      );
      const url = new URL(authorization_url);
      if (loginHint !== undefined) url.searchParams.set("login_hint", loginHint);
      return { url: url.href, state, codeVerifier };
    },

    async finishLink({ callbackUrl, state, codeVerifier }) {
      const code = redirectAnswer(callbackUrl, state, "link").get("link_code");
      if (!code) {
        throw new AuthApiError({
          code: "invalid_request",
          status: 0,
          description: "the redirect carries no link_code",
        });
      }
      return unwrap(
        ctx.api.POST("/v1/identities/link/complete", {
          body: { code, code_verifier: codeVerifier },
        }),
      );
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
