// How a second-factor try is counted (src/features/mfa/second-factor.ts): the
// window and the account's streak are taken before the check; a wrong factor
// stays counted, a success ends the streak, and a check that stops for another
// reason (no factor enrolled, a dependency down) gives the streak's count back.
import { describe, expect, it } from "vitest";
import { AuthError } from "../../src/errors";
import { mfaErrors } from "../../src/features/mfa/errors";
import { countedSecondFactor } from "../../src/features/mfa/second-factor";
import { throttleFakes } from "./support/throttle-fakes";

const isWrong = (err: unknown) => err instanceof AuthError && err.code === "invalid_code";

function counted(opts: Parameters<typeof throttleFakes>[0] = {}) {
  const { deps, calls } = throttleFakes(opts);
  return { deps: { ...deps, network: "198.51.100.0" }, calls };
}

/** A check that refuses with this MFA error; answers the bookkeeping calls made around it. */
async function refusedWith(code: "invalid_code" | "mfa_not_enabled"): Promise<string[]> {
  const { deps, calls } = counted();
  const check = async (): Promise<never> => {
    throw mfaErrors.error(code);
  };
  await expect(countedSecondFactor(deps, "u1", check, isWrong)).rejects.toMatchObject({ code });
  return calls;
}

describe("countedSecondFactor", () => {
  it("a success: counted before the check, then the streak ends", async () => {
    const { deps, calls } = counted();
    expect(await countedSecondFactor(deps, "u1", async () => ["otp"], isWrong)).toEqual(["otp"]);
    expect(calls).toEqual(["consume:mfa_account", "reserve", "success"]);
  });

  it("a wrong factor stays counted", async () => {
    expect(await refusedWith("invalid_code")).toEqual(["consume:mfa_account", "reserve"]);
  });

  it("a check stopped for another reason gives the streak's count back", async () => {
    expect(await refusedWith("mfa_not_enabled")).toEqual([
      "consume:mfa_account",
      "reserve",
      "release",
    ]);
  });

  it("while the streak's wait runs the factor is not checked: 429 with Retry-After", async () => {
    const { deps, calls } = counted({ accountThrottled: true });
    let checked = false;
    await expect(
      countedSecondFactor(
        deps,
        "u1",
        async () => {
          checked = true;
          return ["otp"];
        },
        isWrong,
      ),
    ).rejects.toMatchObject({ status: 429, headers: { "Retry-After": "120" } });
    expect(checked).toBe(false);
    expect(calls).toEqual(["consume:mfa_account", "reserve"]);
  });
});
