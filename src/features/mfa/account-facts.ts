import type { AccountFactsSource } from "../../auth/account-facts";
import type { MfaStore } from "./ports";

/** The admin's view of an account: whether a second factor is on, and codes left. */
export function mfaFacts(store: MfaStore): AccountFactsSource {
  return {
    section: "mfa",
    async factsFor(userId) {
      const [totp, recoveryCodesLeft] = await Promise.all([
        store.enabled(userId),
        store.remainingRecoveryCodes(userId),
      ]);
      return { totp, recovery_codes_left: recoveryCodesLeft };
    },
  };
}
