import type { SecondFactor } from "../../auth/second-factor";
import { hashSecret } from "../../auth/secrets";
import { completeSignIn, type SignInDeps, type SignInOutcome } from "../../auth/sign-in";
import { AuthError } from "../../errors";
import { mfaErrors } from "./errors";
import { MFA_TOKEN_TTL_SECONDS } from "./mfa-gate";
import type { MfaChallengeStore } from "./ports";
import {
  countedSecondFactor,
  type SecondFactorDeps,
  type SecondFactorProof,
  verifySecondFactor,
} from "./second-factor";

/** Wrong codes one `mfa_token` may take before it dies (the account limit applies as well). */
export const MFA_TOKEN_MAX_TRIES = 5;

export interface LoginStepDeps extends SecondFactorDeps {
  challenges: MfaChallengeStore;
  signIn: SignInDeps;
  /** Other features' second factors, by the body field that carries their proof. */
  factors: readonly SecondFactor[];
}

/**
 * The second step of a sign-in that stopped at the MFA gate: the code, then
 * the session, through the sign-in seam again with the second factor met, so
 * the other gates and the audit event are those of the first step's method.
 * The token is consumed only by a success (a typo must not end the sign-in),
 * takes at most five tries, and is never redeemed twice: of two concurrent
 * successes the second finds it gone.
 */
export async function completeSecondFactor(
  deps: LoginStepDeps,
  input: { mfaToken: string; other?: { method: string; proof: unknown } } & SecondFactorProof,
): Promise<{ outcome: SignInOutcome; transport: "body" | "cookie" }> {
  if (input.mfaToken.length > 128) throw mfaErrors.error("invalid_mfa_token");
  const tokenHash = await hashSecret(input.mfaToken);
  const pending = await deps.challenges.peek(tokenHash);
  if (!pending) throw mfaErrors.error("invalid_mfa_token");
  // The count decides which tries are checked at all: only the first five,
  // however many arrive at once, so a flood cannot crowd out the one honest
  // try among them, nor get more than five guesses.
  const tries = await deps.challenges.countAttempt(tokenHash, MFA_TOKEN_TTL_SECONDS);
  if (tries > MFA_TOKEN_MAX_TRIES) {
    throw mfaErrors.error("invalid_mfa_token", { reason: "too_many_tries" });
  }
  const secondFactor = input.other
    ? await verifyContributed(deps, pending.userId, input.other)
    : await verifySecondFactor(deps, pending.userId, input);
  const taken = await deps.challenges.take(tokenHash);
  if (!taken) throw mfaErrors.error("invalid_mfa_token", { reason: "raced" });
  const outcome = await completeSignIn(
    deps.signIn,
    {
      id: taken.userId,
      emailVerified: taken.emailVerified,
      ...(taken.credentialEpoch === undefined ? {} : { credentialEpoch: taken.credentialEpoch }),
    },
    { ...taken.how, secondFactor },
  );
  // The tokens travel as the first step asked (body, or the browser's cookie).
  return { outcome, transport: taken.how.transport ?? "body" };
}

/** A second factor another feature contributes (a passkey), behind the same account limit. */
async function verifyContributed(
  deps: LoginStepDeps,
  userId: string,
  other: { method: string; proof: unknown },
): Promise<readonly string[]> {
  const factor = deps.factors.find((f) => f.method === other.method);
  if (!factor || !(await factor.enabledFor(userId))) throw mfaErrors.error("mfa_not_enabled");
  return countedSecondFactor(
    deps,
    userId,
    async () => {
      try {
        return await factor.verify(userId, other.proof);
      } catch (err) {
        deps.audit.record({
          type: "mfa_failed",
          userId,
          details: { reason: `${other.method}_rejected` },
        });
        throw err;
      }
    },
    // A refused proof (a 4xx) is a wrong factor; an outage is not counted against the owner.
    (err) => err instanceof AuthError && err.status < 500,
  );
}
