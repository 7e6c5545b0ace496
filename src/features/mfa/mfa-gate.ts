import type { SecondFactor } from "../../auth/second-factor";
import { hashSecret, newSecret } from "../../auth/secrets";
import type { SignInGate } from "../../auth/sign-in";
import type { MfaChallengeStore, MfaStore } from "./ports";

/** NIST SP 800-63B rev 4 leaves it to us; five minutes is enough to open an app. */
export const MFA_TOKEN_TTL_SECONDS = 300;
export const SECOND_FACTOR_METHODS = ["totp", "recovery_code"] as const;

/**
 * The second factor as a gate of the sign-in seam, so that every way in
 * (password, legacy exchange, social login, and later passkeys) stops at it:
 * an account with a confirmed authenticator gets no session yet, only an
 * `mfa_token` that `POST /v1/login/mfa` redeems with a code. A social login
 * passes when MFA_TRUST_OAUTH says the provider's own MFA is enough; a
 * sign-in that already met a second factor passes.
 */
export function createMfaGate(deps: {
  store: MfaStore;
  challenges: MfaChallengeStore;
  trustOAuth: boolean;
  /** Other features' ways to meet it (passkeys). */
  factors: readonly SecondFactor[];
}): SignInGate {
  return {
    async check(user, how) {
      if (how.secondFactor?.length) return null;
      // A federated sign-in (amr `fed`) counts when the provider's own MFA is trusted.
      if (deps.trustOAuth && how.amr?.includes("fed")) return null;
      const [totp, ...others] = await Promise.all([
        deps.store.enabled(user.id),
        ...deps.factors.map((f) => f.enabledFor(user.id)),
      ]);
      const methods = [
        ...(totp ? SECOND_FACTOR_METHODS : []),
        ...deps.factors.filter((_, i) => others[i]).map((f) => f.method),
      ];
      if (methods.length === 0) return null;
      const token = newSecret();
      await deps.challenges.save(
        await hashSecret(token),
        {
          userId: user.id,
          emailVerified: user.emailVerified,
          ...(user.credentialEpoch === undefined ? {} : { credentialEpoch: user.credentialEpoch }),
          how,
        },
        MFA_TOKEN_TTL_SECONDS,
      );
      return { challenge: token, methods };
    },
  };
}
