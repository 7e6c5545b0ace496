// checkAccessTokenAlongside: /v1/me's user read runs beside the revocation
// lookup. Proven structurally (the read has started while the lookup is still
// pending, which the test alone decides), never by timing; and a revoked or forged token gets nothing back.
import { exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { issueAccessToken } from "../../src/auth/tokens/access-token";
import { type CheckDeps, checkAccessTokenAlongside } from "../../src/auth/tokens/check";
import { parseSigningKeys } from "../../src/auth/tokens/signing-jwk";
import { loadSigningKeys } from "../../src/auth/tokens/signing-keys";

const settings = { issuer: "https://auth.test", audience: "api", ttlSeconds: 900 };
const clock = { now: () => Date.now() };

async function signedToken() {
  const { privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: "k" };
  const keys = await loadSigningKeys(parseSigningKeys(JSON.stringify({ keys: [jwk] })));
  const { token } = await issueAccessToken(
    keys,
    { ...settings, clientId: "first-party", format: "jwt" },
    clock,
    { userId: "u1", sessionId: "AAAAAAAAAAAAAAAAAAAAAA", claims: { email_verified: true } },
  );
  return { keys, token };
}

/** A revocation lookup the test answers by hand, recording what happened meanwhile. */
function heldLookup() {
  let answer: (revoked: boolean) => void = () => {};
  let started: () => void = () => {};
  const lookupStarted = new Promise<void>((resolve) => {
    started = resolve;
  });
  const calls: string[] = [];
  const revocation: CheckDeps["revocation"] = {
    isRevoked: (claims) => {
      calls.push(`lookup ${claims.sub}`);
      started();
      return new Promise((resolve) => {
        answer = resolve;
      });
    },
  };
  return { revocation, calls, lookupStarted, answer: (revoked: boolean) => answer(revoked) };
}

/** Resolves when `started` does; fails the test if it has not within a generous bound. */
function within<T>(started: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    started,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(what)), 5_000)),
  ]);
}

describe("checkAccessTokenAlongside", () => {
  it("starts the read while the revocation lookup is still pending, and returns it for a live token", async () => {
    const { keys, token } = await signedToken();
    const held = heldLookup();
    let readStarted: () => void = () => {};
    const reading = new Promise<void>((resolve) => {
      readStarted = resolve;
    });
    const result = checkAccessTokenAlongside(
      { keys, settings, clock, ...held },
      token,
      async (c) => {
        held.calls.push(`read ${c.sub}`);
        readStarted();
        return { id: c.sub };
      },
    );
    // The lookup is not answered until the read has started: a read that
    // waited for the lookup would never start.
    await within(reading, "the read did not start while the revocation lookup was pending");
    expect(held.calls).toEqual(["lookup u1", "read u1"]);
    held.answer(false);
    expect(await result).toMatchObject({ ok: true, claims: { sub: "u1" }, read: { id: "u1" } });
  });

  it("drops the read's value for a revoked token", async () => {
    const { keys, token } = await signedToken();
    const held = heldLookup();
    const result = checkAccessTokenAlongside(
      { keys, settings, clock, ...held },
      token,
      async () => "the user row",
    );
    await within(held.lookupStarted, "the revocation lookup did not start");
    held.answer(true);
    const outcome = await result;
    expect(outcome).toEqual({ ok: false, error: "revoked" });
    expect(JSON.stringify(outcome)).not.toContain("the user row");
  });

  it("does no I/O at all for a token that fails locally", async () => {
    const { keys, token } = await signedToken();
    const held = heldLookup();
    const [head, payload, signature] = token.split(".");
    const forged = `${head}.${payload}.${signature?.startsWith("A") ? "B" : "A"}${signature?.slice(1)}`;
    const outcome = await checkAccessTokenAlongside(
      { keys, settings, clock, ...held },
      forged,
      async () => {
        held.calls.push("read");
      },
    );
    expect(outcome).toEqual({ ok: false, error: "invalid_signature" });
    expect(held.calls).toEqual([]);
  });
});
