import { type ClientContext, finishSignIn, unwrap } from "./context";
import { AuthApiError } from "./errors";
import { pkceChallenge, randomToken } from "./pkce";
import { redirectAnswer } from "./redirect-answer";
import type { Provider, SignInResult } from "./types";

export { pkceChallenge } from "./pkce";

/** An app-mode sign-in in progress: keep `state` and `codeVerifier` until the redirect comes back. */
export interface AppSignInStart {
  /** Open it in the system browser (or an auth session: ASWebAuthenticationSession, Custom Tabs). */
  url: string;
  state: string;
  codeVerifier: string;
}

export interface SocialLogin {
  /** The providers that are on, for login buttons. */
  providers(): Promise<Provider[]>;
  /**
   * App mode (RFC 8252): the authorization URL for `provider` with a fresh PKCE pair
   * (RFC 7636, S256) and `state`. `redirectUri` must be one of the service's
   * `OAUTH_REDIRECT_URIS` (a private-use scheme such as `com.example.app:/oauth` works).
   */
  startAppSignIn(input: {
    provider: string;
    redirectUri: string;
    loginHint?: string;
  }): Promise<AppSignInStart>;
  /**
   * The redirect back (`redirectUri?code=…&state=…`): checks `state`, then redeems the
   * one-time code with the verifier (`POST /v1/oauth/token`, once, within 60 s).
   * An error sent back on the redirect throws as an AuthApiError with status 0 and
   * the service's `error_code`.
   */
  finishAppSignIn(input: {
    callbackUrl: string;
    state: string;
    codeVerifier: string;
  }): Promise<SignInResult>;
  /** `POST /v1/oauth/token` alone, for an app that parses the redirect itself. */
  exchangeCode(input: { code: string; codeVerifier: string }): Promise<SignInResult>;
  /**
   * Browser mode: where to send the page. The service sets the `__Host-refresh` cookie
   * and 303s to `redirectUri` with your `state`; there, call `restore()` (cookie mode).
   */
  browserSignInUrl(input: { provider: string; redirectUri: string; state?: string }): string;
}

export function socialLogin(ctx: ClientContext): SocialLogin {
  const authorizeUrl = (provider: string, query: Record<string, string | undefined>) => {
    const url = new URL(`${ctx.baseUrl}/v1/oauth/${encodeURIComponent(provider)}/authorize`);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    return url.href;
  };

  const exchangeCode: SocialLogin["exchangeCode"] = async ({ code, codeVerifier }) => {
    if (ctx.storage.transport === "cookie") {
      // App mode answers the refresh token in the body; cookie mode would drop it.
      throw new Error("the code exchange is app mode: use a body-transport storage");
    }
    const answer = await unwrap(
      ctx.api.POST("/v1/oauth/token", { body: { code, code_verifier: codeVerifier } }),
    );
    return finishSignIn(ctx, answer);
  };

  return {
    async providers() {
      return (await unwrap(ctx.api.GET("/v1/oauth/providers"))).providers;
    },

    async startAppSignIn({ provider, redirectUri, loginHint }) {
      const state = randomToken(16);
      // 32 bytes → 43 characters, within RFC 7636 §4.1's 43–128.
      const codeVerifier = randomToken(32);
      const url = authorizeUrl(provider, {
        redirect_uri: redirectUri,
        state,
        login_hint: loginHint,
        code_challenge: await pkceChallenge(codeVerifier),
        code_challenge_method: "S256",
      });
      return { url, state, codeVerifier };
    },

    async finishAppSignIn({ callbackUrl, state, codeVerifier }) {
      const query = redirectAnswer(callbackUrl, state, "sign-in");
      const mfaToken = query.get("mfa_token");
      if (query.get("mfa_required") === "true" && mfaToken) {
        return { status: "mfa_required", mfaToken, methods: [] };
      }
      const code = query.get("code");
      if (!code) {
        throw new AuthApiError({
          code: "invalid_request",
          status: 0,
          description: "the redirect carries no code",
        });
      }
      return exchangeCode({ code, codeVerifier });
    },

    exchangeCode,

    browserSignInUrl: ({ provider, redirectUri, state }) =>
      authorizeUrl(provider, { redirect_uri: redirectUri, state }),
  };
}
