import * as oauth from "oauth4webapi";
import { z } from "zod";
import type { ProviderSettings } from "../config";
import { socialErrors } from "../errors";
import type { AuthorizationParams, ExternalProfile, IdentityProvider } from "../ports";
import {
  authorizationRequestUrl,
  requestOptions,
  requireAvailable,
  withProvider,
} from "./provider-http";

// GitHub's REST shapes (docs.github.com, "Get the authenticated user" and
// "List email addresses for the authenticated user"); only what we read.
const GitHubUser = z.object({ id: z.number().int().positive() });
const GitHubEmails = z.array(
  z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }),
);
const GitHubTokenError = z.object({ error: z.string() });

/**
 * GitHub (and GitHub Enterprise Server) sign-in: OAuth 2.0, not OIDC. There is
 * no id_token, so the profile is read from the REST API with the access token,
 * and the verified address is the primary one GitHub marks verified.
 */
export function createGitHubProvider(settings: ProviderSettings): IdentityProvider {
  const web = settings.issuer;
  const as: oauth.AuthorizationServer = {
    issuer: web,
    authorization_endpoint: `${web}/login/oauth/authorize`,
    token_endpoint: `${web}/login/oauth/access_token`,
  };
  const client: oauth.Client = { client_id: settings.clientId };
  const options = requestOptions(web);
  const apiOptions = requestOptions(settings.apiUrl);

  async function api(path: string, accessToken: string): Promise<unknown> {
    const response = await oauth.protectedResourceRequest(
      accessToken,
      "GET",
      new URL(`${settings.apiUrl}${path}`),
      new Headers({
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        // GitHub refuses API requests without a User-Agent.
        "user-agent": "edge-auth-worker",
      }),
      null,
      apiOptions,
    );
    requireAvailable(response);
    if (!response.ok) {
      throw socialErrors.error("provider_error", { reason: `github_api_${response.status}` });
    }
    try {
      return await response.json();
    } catch {
      throw socialErrors.error("provider_error", { reason: "github_api_not_json" });
    }
  }

  return {
    id: settings.id,
    label: settings.label,
    usesNonce: false,

    async authorizationUrl(params: AuthorizationParams) {
      // GitHub's name for a login hint is `login`.
      return authorizationRequestUrl(
        as.authorization_endpoint as string,
        { ...settings, ...params },
        { login: params.loginHint },
      );
    },

    async finish(callback, expected): Promise<ExternalProfile> {
      return withProvider(async () => {
        const validated = oauth.validateAuthResponse(as, client, callback, expected.state);
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          oauth.ClientSecretPost(settings.clientSecret),
          validated,
          expected.callbackUrl,
          expected.codeVerifier,
          options,
        );
        requireAvailable(response);
        // GitHub answers a refused code with HTTP 200 and an `error` body.
        const body = GitHubTokenError.safeParse(
          await response
            .clone()
            .json()
            .catch(() => null),
        );
        if (body.success) {
          const code = /^[a-z_]{1,40}$/.test(body.data.error) ? body.data.error : "other";
          throw socialErrors.error("provider_error", { reason: `token_${code}` });
        }
        const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
        const user = GitHubUser.safeParse(await api("/user", tokens.access_token));
        const emails = GitHubEmails.safeParse(await api("/user/emails", tokens.access_token));
        if (!user.success || !emails.success) {
          throw socialErrors.error("provider_error", { reason: "github_unexpected_shape" });
        }
        const primary = emails.data.find((e) => e.primary && e.verified);
        return { subject: String(user.data.id), verifiedEmail: primary?.email ?? null };
      });
    },
  };
}
