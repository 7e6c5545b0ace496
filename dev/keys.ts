import { exportJWK, generateKeyPair } from "jose";

export type KeyStatus = "next" | "current" | "retired";

/** A fresh Ed25519 signing key as a private JWK with a dated, random kid. */
export async function generateSigningKey(
  status: KeyStatus = "current",
): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = `k${new Date().toISOString().slice(0, 10).replaceAll("-", "")}-${crypto.randomUUID().slice(0, 8)}`;
  return { ...jwk, kid, alg: "EdDSA", use: "sig", status };
}

/** The value of the SIGNING_KEYS secret: a JWK set with one current key. */
export async function generateSigningKeySet(): Promise<string> {
  return JSON.stringify({ keys: [await generateSigningKey("current")] });
}
