import { z } from "zod";
import type { SecondFactor } from "../../auth/second-factor";
import { httpErrors } from "../../errors";
import { type PasskeyDeps, verifyAssertion } from "./ceremonies";

const Proof = z.object({
  flow_id: z.string().min(1).max(128),
  response: z.looseObject({
    id: z.string().min(1).max(1024),
    response: z.looseObject({ clientDataJSON: z.string().min(1).max(4096) }),
  }),
});

/**
 * A passkey as the second factor after another first step (a password, a
 * social login): `POST /v1/login/mfa {mfa_token, passkey: {flow_id, response}}`
 * with a flow from `POST /v1/passkeys/login/options`. The assertion must be
 * one of the signing-in account's own passkeys.
 */
export function passkeySecondFactor(deps: PasskeyDeps): SecondFactor {
  return {
    method: "passkey",
    enabledFor: (userId) => deps.store.hasAny(userId),
    async verify(userId, proof) {
      const parsed = Proof.safeParse(proof);
      if (!parsed.success) {
        throw httpErrors.error("invalid_request", {
          description: "passkey must be {flow_id, response}",
        });
      }
      const { kind } = await verifyAssertion(deps, {
        flowId: parsed.data.flow_id,
        response: parsed.data.response as never,
        expectedUserId: userId,
      });
      return [kind];
    },
  };
}
