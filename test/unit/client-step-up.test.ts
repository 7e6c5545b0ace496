// @edge-auth/client's answer to `insufficient_user_authentication` (RFC 9470),
// shared by passkey registration and the MFA changes: ask for a proof, step up,
// send the change again once. The live service's side of it is in
// test/e2e/client-sdk*.test.ts and test/worker/mfa.test.ts.
import { AuthApiError, type StepUpProof } from "@edge-auth/client";
import { describe, expect, it, vi } from "vitest";
import { withStepUp } from "../../packages/client/src/context";

const stale = () =>
  new AuthApiError({ status: 401, code: "insufficient_user_authentication", description: "again" });

/** A change the service refuses `refusals` times before it answers "done". */
function change(refusals: number, error: () => Error = stale) {
  let calls = 0;
  return {
    call: vi.fn(async () => {
      if (calls++ < refusals) throw error();
      return "done";
    }),
  };
}

describe("withStepUp", () => {
  it("sends a change once when the authentication is recent enough", async () => {
    const c = change(0);
    const stepUp = vi.fn(async () => {});
    const prompt = vi.fn(async (): Promise<StepUpProof> => ({ code: "123456" }));
    expect(await withStepUp(c.call, stepUp, prompt)).toBe("done");
    expect(c.call).toHaveBeenCalledOnce();
    expect(prompt).not.toHaveBeenCalled();
    expect(stepUp).not.toHaveBeenCalled();
  });

  it("steps up with the prompt's proof, then sends the change again", async () => {
    const c = change(0);
    const order: string[] = [];
    const stepUp = vi.fn(async (proof: StepUpProof) => {
      order.push(`step-up ${JSON.stringify(proof)}`);
    });
    const prompt = async (): Promise<StepUpProof> => {
      order.push("prompt");
      return { recoveryCode: "abcd-efgh" };
    };
    c.call.mockImplementationOnce(async () => {
      order.push("change");
      throw stale();
    });
    expect(await withStepUp(c.call, stepUp, prompt)).toBe("done");
    expect(order).toEqual(["change", "prompt", 'step-up {"recoveryCode":"abcd-efgh"}']);
    expect(c.call).toHaveBeenCalledTimes(2);
  });

  it("tries once more only: a second refusal reaches the caller", async () => {
    const c = change(2);
    const stepUp = vi.fn(async () => {});
    await expect(
      withStepUp(c.call, stepUp, async () => ({ code: "123456" })),
    ).rejects.toMatchObject({ code: "insufficient_user_authentication" });
    expect(stepUp).toHaveBeenCalledOnce();
    expect(c.call).toHaveBeenCalledTimes(2);
  });

  it("throws the refusal without a prompt", async () => {
    const c = change(1);
    const stepUp = vi.fn(async () => {});
    await expect(withStepUp(c.call, stepUp, undefined)).rejects.toMatchObject({
      code: "insufficient_user_authentication",
    });
    expect(stepUp).not.toHaveBeenCalled();
  });

  it("never prompts for another error", async () => {
    const c = change(
      1,
      () => new AuthApiError({ status: 401, code: "invalid_code", description: "no" }),
    );
    const prompt = vi.fn(async (): Promise<StepUpProof> => ({ code: "123456" }));
    await expect(withStepUp(c.call, vi.fn(), prompt)).rejects.toMatchObject({
      code: "invalid_code",
    });
    expect(prompt).not.toHaveBeenCalled();
  });
});
