import { describe, expect, it } from "vitest";
import { ladderSteps } from "../../bench/ladder-steps.ts";

describe("ladderSteps", () => {
  it("takes each piece as the difference of the two rungs it separates", () => {
    const steps = ladderSteps({
      ok: 50,
      floor: 120,
      hop: 150,
      fetch: 200,
      isolateClient: 230,
      revocation: 260,
      verify: 390,
      consumer: 460,
    });
    expect(steps).toEqual({
      jose: 70,
      bindingHop: 100,
      subrequest: 80,
      upstashClient: 60,
      clientPerRequest: 30,
      // 390 - (50 + 70 + 100 + 80 + 60)
      authServiceOwn: 30,
      consumerFramework: 70,
      // 50 + 70 + 100 + 80
      inherent: 300,
      bestRatio: 0.4,
      verifyRatio: 0.31,
      consumerRatio: 0.26,
    });
  });

  it("reports a verify() cheaper than its pieces as a negative own share, not zero", () => {
    const steps = ladderSteps({
      ok: 50,
      floor: 100,
      hop: 100,
      fetch: 140,
      isolateClient: 145,
      revocation: 150,
      verify: 180,
      consumer: 200,
    });
    expect(steps.authServiceOwn).toBe(-20);
  });
});
