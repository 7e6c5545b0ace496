// Key rotation: the set's states decide which key signs; every key in the set
// verifies, so moving a key from current to retired never breaks a live token.
import { exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { verifyAccessToken } from "../../src/auth/tokens/access-token";
import { buildClaims } from "../../src/auth/tokens/claims";
import { signJwt } from "../../src/auth/tokens/jwt";
import { parseSigningKeys } from "../../src/auth/tokens/signing-jwk";
import { loadSigningKeys } from "../../src/auth/tokens/signing-keys";

async function key(kid: string, status?: string) {
  const { privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, ...(status ? { status } : {}) };
}

const settings = {
  issuer: "https://auth.test",
  audience: "api",
  clientId: "first-party",
  ttlSeconds: 900,
};
const clock = { now: () => Date.now() };
const subject = {
  userId: "u1",
  sessionId: "AAAAAAAAAAAAAAAAAAAAAA",
  claims: { email_verified: false },
};

describe("signing key rotation", () => {
  it("imports private keys as non-extractable (and public ones for verifying only)", async () => {
    const set = await loadSigningKeys(parseSigningKeys(JSON.stringify({ keys: [await key("k")] })));
    expect(set.current.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("jwk", set.current.privateKey)).rejects.toThrow();
    expect(set.current.publicKey.usages).toEqual(["verify"]);
  });

  it("signs with the current key whatever its position, and publishes all", async () => {
    const raw = JSON.stringify({
      keys: [
        await key("k-next", "next"),
        await key("k-cur", "current"),
        await key("k-old", "retired"),
      ],
    });
    const set = await loadSigningKeys(parseSigningKeys(raw));
    expect(set.current.kid).toBe("k-cur");
    expect(set.all.map((k) => k.kid).sort()).toEqual(["k-cur", "k-next", "k-old"]);
    const token = await signJwt(set, buildClaims(settings, clock, subject));
    expect(
      JSON.parse(atob((token.split(".")[0] as string).replaceAll("-", "+").replaceAll("_", "/")))
        .kid,
    ).toBe("k-cur");
  });

  it("keeps tokens signed by a key that has since been retired valid", async () => {
    const a = await key("k-a");
    const b = await key("k-b", "next");
    const before = await loadSigningKeys(parseSigningKeys(JSON.stringify({ keys: [a, b] })));
    const token = await signJwt(before, buildClaims(settings, clock, subject));
    // Rotate: b becomes current, a is retired.
    const after = await loadSigningKeys(
      parseSigningKeys(
        JSON.stringify({
          keys: [
            { ...a, status: "retired" },
            { ...b, status: "current" },
          ],
        }),
      ),
    );
    expect(after.current.kid).toBe("k-b");
    expect((await verifyAccessToken(after, settings, clock, token)).ok).toBe(true);
    // Once a is removed from the set, its tokens no longer verify.
    const removed = await loadSigningKeys(
      parseSigningKeys(JSON.stringify({ keys: [{ ...b, status: "current" }] })),
    );
    expect(await verifyAccessToken(removed, settings, clock, token)).toEqual({
      ok: false,
      reason: "invalid_signature",
    });
  });

  it.each([
    ["two current keys", async () => [await key("a"), await key("b")]],
    ["no current key", async () => [await key("a", "next"), await key("b", "retired")]],
    ["an unknown status", async () => [await key("a", "primary")]],
    ["a duplicate kid", async () => [await key("a"), await key("a", "retired")]],
  ])("refuses a set with %s", async (_name, make) => {
    expect(() => parseSigningKeys(JSON.stringify({ keys: [] }))).toThrow();
    const keys = await make();
    expect(() => parseSigningKeys(JSON.stringify({ keys }))).toThrow();
  });
});
