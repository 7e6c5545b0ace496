import type { AccountFactsSource } from "../../auth/account-facts";
import type { IdentityStore } from "./ports";

/** The admin's view of an account: the provider identities linked to it. */
export function identityFacts(identities: IdentityStore): AccountFactsSource {
  return {
    section: "identities",
    async factsFor(userId) {
      return (await identities.list(userId)).map((i) => ({
        id: i.id,
        provider: i.provider,
        email: i.email,
        linked_at: i.createdAt.toISOString(),
        last_used_at: i.lastUsedAt.toISOString(),
      }));
    },
  };
}
