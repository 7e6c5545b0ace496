// The security-relevant defaults shipped in wrangler.jsonc. The test stack
// lowers some of them for speed (test/setup/global-setup.ts), so without this
// a weakened production default would pass every other test.
import { describe, expect, it } from "vitest";
import { readWranglerConfig } from "../../bench/serve-bundle.ts";

const vars = readWranglerConfig().vars ?? {};

describe("wrangler.jsonc defaults", () => {
  it("hash with argon2id at RFC 9106's second recommended setting (m=64 MiB, t=3, p=4)", () => {
    expect([vars.ARGON2_MEMORY_KIB, vars.ARGON2_ITERATIONS, vars.ARGON2_PARALLELISM]).toEqual([
      "65536",
      "3",
      "4",
    ]);
  });

  it("require 15-character passwords and keep the refresh grace window short", () => {
    expect(vars.PASSWORD_MIN_LENGTH).toBe("15");
    expect(Number(vars.REFRESH_REUSE_GRACE_SECONDS)).toBeLessThanOrEqual(10);
    expect(vars.RATE_LIMIT_LOGIN_FAILURES_PER_IP_ACCOUNT).toBe("10/900");
  });
});
