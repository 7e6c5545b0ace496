import type { AccountFactsSource } from "../../auth/account-facts";
import type { PasskeyStore } from "./ports";

/** The admin's view of an account: its passkeys, by name (no key material). */
export function passkeyFacts(store: PasskeyStore): AccountFactsSource {
  return {
    section: "passkeys",
    async factsFor(userId) {
      return (await store.listForUser(userId)).map((p) => ({
        id: p.id,
        name: p.name,
        device_type: p.deviceType,
        backed_up: p.backedUp,
        created_at: p.createdAt.toISOString(),
        last_used_at: p.lastUsedAt?.toISOString() ?? null,
      }));
    },
  };
}
