import type { SocialConfig } from "../config";
import type { IdentityProvider, IdentityProviders } from "../ports";
import { createGitHubProvider } from "./github-client";
import { createOidcProvider } from "./oidc-client";

/** The configured providers (those with a client id), by id. */
export function createIdentityProviders(config: SocialConfig): IdentityProviders {
  const byId = new Map<string, IdentityProvider>();
  for (const settings of config.providers) {
    byId.set(
      settings.id,
      settings.kind === "github" ? createGitHubProvider(settings) : createOidcProvider(settings),
    );
  }
  const listed = config.providers.map((p) => ({ id: p.id, label: p.label }));
  return { get: (id) => byId.get(id), list: () => listed };
}
