// The second-factor gate of the sign-in seam, with in-memory ports: who is
// stopped, who passes, and what the challenge keeps for the second step.
import { describe, expect, it } from "vitest";
import type { SignInHow } from "../../src/auth/sign-in";
import { createMfaGate } from "../../src/features/mfa/mfa-gate";
import type {
  MfaChallengeStore,
  MfaStore,
  PendingSecondFactor,
} from "../../src/features/mfa/ports";

function fakes(enabledUsers: string[]) {
  const saved = new Map<string, PendingSecondFactor>();
  const store = { enabled: async (id: string) => enabledUsers.includes(id) } as unknown as MfaStore;
  const challenges = {
    save: async (hash: string, pending: PendingSecondFactor) => void saved.set(hash, pending),
  } as unknown as MfaChallengeStore;
  return { store, challenges, saved };
}

const how = (over: Partial<SignInHow> = {}): SignInHow => ({
  method: "password",
  userAgent: "ua",
  ip: "198.51.100.7",
  amr: ["pwd"],
  ...over,
});

describe("the MFA gate", () => {
  it("lets an account without a second factor through", async () => {
    const { store, challenges, saved } = fakes([]);
    const gate = createMfaGate({ store, challenges, trustOAuth: false, factors: [] });
    expect(await gate.check({ id: "u1", emailVerified: true }, how())).toBeNull();
    expect(saved.size).toBe(0);
  });

  it("stops an account with one, keeping only the token's hash and how the sign-in came about", async () => {
    const { store, challenges, saved } = fakes(["u1"]);
    const gate = createMfaGate({ store, challenges, trustOAuth: false, factors: [] });
    const challenge = await gate.check(
      { id: "u1", emailVerified: true },
      how({ transport: "cookie" }),
    );
    expect(challenge?.methods).toEqual(["totp", "recovery_code"]);
    expect(challenge?.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect([...saved.keys()]).not.toContain(challenge?.challenge);
    expect([...saved.values()]).toEqual([
      { userId: "u1", emailVerified: true, how: how({ transport: "cookie" }) },
    ]);
  });

  it("stops a social login unless MFA_TRUST_OAUTH trusts the provider's own", async () => {
    const { store, challenges } = fakes(["u1"]);
    // The gate goes by amr `fed` (what social login claims), not by a method's name.
    const social = how({ amr: ["fed"] });
    expect(
      await createMfaGate({ store, challenges, trustOAuth: false, factors: [] }).check(
        { id: "u1", emailVerified: true },
        social,
      ),
    ).not.toBeNull();
    expect(
      await createMfaGate({ store, challenges, trustOAuth: true, factors: [] }).check(
        { id: "u1", emailVerified: true },
        social,
      ),
    ).toBeNull();
    // Trust covers federated sign-ins only.
    expect(
      await createMfaGate({ store, challenges, trustOAuth: true, factors: [] }).check(
        { id: "u1", emailVerified: true },
        how(),
      ),
    ).not.toBeNull();
  });

  it("lists another feature's factor (a passkey) when the account has it, with or without TOTP", async () => {
    const passkey = {
      method: "passkey",
      enabledFor: async (id: string) => id !== "u3",
      verify: async () => ["hwk"],
    };
    const { store, challenges } = fakes(["u1"]);
    const gate = createMfaGate({ store, challenges, trustOAuth: false, factors: [passkey] });
    expect((await gate.check({ id: "u1", emailVerified: true }, how()))?.methods).toEqual([
      "totp",
      "recovery_code",
      "passkey",
    ]);
    expect((await gate.check({ id: "u2", emailVerified: true }, how()))?.methods).toEqual([
      "passkey",
    ]);
    expect(await gate.check({ id: "u3", emailVerified: true }, how())).toBeNull();
  });

  it("lets through the second pass of a sign-in that met a second factor", async () => {
    const { store, challenges } = fakes(["u1"]);
    const gate = createMfaGate({ store, challenges, trustOAuth: false, factors: [] });
    expect(
      await gate.check({ id: "u1", emailVerified: true }, how({ secondFactor: ["otp"] })),
    ).toBeNull();
  });
});
