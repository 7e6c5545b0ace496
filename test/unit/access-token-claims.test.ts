// An access token carries the family's whole claims snapshot (SessionClaims),
// so a feature's claim needs no change to the minting code; and no snapshot
// entry can stand in for a standard claim (src/auth/tokens/claims.ts).
import { describe, expect, it } from "vitest";
import type { SessionClaims } from "../../src/auth/refresh/types";
import { buildClaims } from "../../src/auth/tokens/claims";

const settings = { issuer: "https://auth.test", audience: "api", ttlSeconds: 900, clientId: "app" };
const clock = { now: () => 1_800_000_000_000 };

describe("buildClaims", () => {
  it("copies every claim of the snapshot, one a feature added included", () => {
    const claims = { email_verified: true, roles: ["support"] } as SessionClaims;
    const built = buildClaims(settings, clock, { userId: "u1", sessionId: "s1", claims });
    expect(built).toMatchObject({ email_verified: true, roles: ["support"] });
  });

  it("never lets a snapshot entry replace a standard claim", () => {
    const claims = {
      email_verified: false,
      sub: "someone-else",
      sid: "another-session",
      iss: "https://evil.test",
      exp: 9_999_999_999,
    } as SessionClaims;
    const built = buildClaims(settings, clock, { userId: "u1", sessionId: "s1", claims });
    expect(built).toMatchObject({
      sub: "u1",
      sid: "s1",
      iss: "https://auth.test",
      exp: 1_800_000_000 + 900,
    });
  });
});
