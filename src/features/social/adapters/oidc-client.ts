import * as oauth from "oauth4webapi";
import type { ProviderSettings } from "../config";
import { socialErrors } from "../errors";
import type { AuthorizationParams, ExternalProfile, IdentityProvider } from "../ports";
import {
  authorizationRequestUrl,
  requestOptions,
  requireAvailable,
  withProvider,
} from "./provider-http";

/**
 * Discovery documents and key sets are public and change rarely: each isolate
 * keeps them for an hour (and oauth4webapi refetches a key set when a token
 * names a key it does not have). A cache of public metadata, not shared state:
 * every isolate may hold its own.
 */
const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const discovered = new Map<string, { as: oauth.AuthorizationServer; at: number }>();
const keySets = new Map<string, oauth.JWKSCacheInput>();

async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const cached = discovered.get(issuer);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.as;
  const as = await withProvider(async () => {
    const url = new URL(issuer);
    const response = await oauth.discoveryRequest(url, {
      algorithm: "oidc",
      ...requestOptions(issuer),
    });
    requireAvailable(response);
    // Refuses a document whose `issuer` is not exactly ours (OIDC Discovery §4.3).
    return oauth.processDiscoveryResponse(url, response);
  });
  discovered.set(issuer, { as, at: Date.now() });
  return as;
}

/**
 * An OpenID Connect provider (Google, LinkedIn, any configured IdP) through
 * oauth4webapi: authorization code with PKCE (RFC 7636) and nonce, RFC 9207
 * `iss` checked where the provider announces it, the id_token checked for
 * `iss`, `aud`, `exp`, `iat` and `nonce` and its signature verified against
 * the provider's JWKS.
 */
export function createOidcProvider(settings: ProviderSettings): IdentityProvider {
  const client: oauth.Client = { client_id: settings.clientId };
  const options = requestOptions(settings.issuer);

  const clientAuth = (as: oauth.AuthorizationServer): oauth.ClientAuth => {
    // LinkedIn takes the secret only in the body; Basic is the RFC 6749 default.
    const methods = as.token_endpoint_auth_methods_supported ?? ["client_secret_basic"];
    return methods.includes("client_secret_basic")
      ? oauth.ClientSecretBasic(settings.clientSecret)
      : oauth.ClientSecretPost(settings.clientSecret);
  };

  return {
    id: settings.id,
    label: settings.label,
    usesNonce: true,

    async authorizationUrl(params: AuthorizationParams) {
      const as = await discover(settings.issuer);
      if (!as.authorization_endpoint) {
        throw socialErrors.error("provider_error", { reason: "no_authorization_endpoint" });
      }
      return authorizationRequestUrl(
        as.authorization_endpoint,
        { ...settings, ...params },
        { nonce: params.nonce, login_hint: params.loginHint },
      );
    },

    async finish(callback, expected): Promise<ExternalProfile> {
      const as = await discover(settings.issuer);
      return withProvider(async () => {
        // State (already matched by our lookup) and RFC 9207's `iss`: a
        // response of another provider (the mix-up attack) fails here.
        const validated = oauth.validateAuthResponse(as, client, callback, expected.state);
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          clientAuth(as),
          validated,
          expected.callbackUrl,
          expected.codeVerifier,
          options,
        );
        requireAvailable(response);
        const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
          expectedNonce: expected.nonce ?? oauth.expectNoNonce,
          requireIdToken: true,
        });
        // Over TLS the token endpoint's answer is trusted by OIDC Core
        // §3.1.3.7, but a key set is cheap and a forged token is not: the
        // signature is checked too.
        const jwks = keySets.get(settings.issuer) ?? {};
        keySets.set(settings.issuer, jwks);
        await oauth.validateApplicationLevelSignature(as, response, {
          ...options,
          [oauth.jwksCache]: jwks,
        });
        const claims = oauth.getValidatedIdTokenClaims(tokens);
        if (!claims) throw socialErrors.error("provider_error", { reason: "no_id_token" });
        return {
          subject: claims.sub,
          verifiedEmail: verifiedEmailOf(claims),
        };
      });
    },
  };
}

/**
 * Only a real boolean `true` counts (OIDC Core §5.1): some providers have sent
 * the string "true", and a string "false" is truthy in JavaScript.
 */
function verifiedEmailOf(claims: oauth.IDToken): string | null {
  const email = claims.email;
  if (claims.email_verified !== true || typeof email !== "string") return null;
  return email.length > 0 && email.length <= 254 ? email : null;
}
