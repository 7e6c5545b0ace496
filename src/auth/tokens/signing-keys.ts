import { type CryptoKey, importJWK } from "jose";
import type { SigningJwk } from "./signing-jwk";

/** An Ed25519 key from the `SIGNING_KEYS` secret, imported once per isolate. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** What the JWKS publishes (RFC 7517 §4, RFC 8037 §2): no private part. */
  publicJwk: { kty: "OKP"; crv: "Ed25519"; x: string; kid: string; alg: "EdDSA"; use: "sig" };
}

export interface SigningKeySet {
  /** Signs new tokens: the key whose status is `current`. */
  current: SigningKey;
  /** Every key that may have signed a live token, by kid. */
  byKid: ReadonlyMap<string, SigningKey>;
  all: readonly SigningKey[];
}

async function importKey(jwk: SigningJwk): Promise<SigningKey> {
  const { d: _private, status: _status, ...pub } = jwk;
  return {
    kid: jwk.kid,
    // Not extractable: both formats sign through WebCrypto, so nothing in the
    // isolate can read the private key back out of the CryptoKey.
    privateKey: (await importJWK({ ...jwk, alg: "EdDSA" }, "EdDSA")) as CryptoKey,
    publicKey: (await importJWK({ ...pub, alg: "EdDSA" }, "EdDSA")) as CryptoKey,
    publicJwk: { kty: "OKP", crv: "Ed25519", x: jwk.x, kid: jwk.kid, alg: "EdDSA", use: "sig" },
  };
}

// Importing a key costs far more than using it, so the imported set is kept per
// isolate, keyed by the validated config's key list (one per isolate's env).
const cache = new WeakMap<readonly SigningJwk[], Promise<SigningKeySet>>();

export function loadSigningKeys(jwks: readonly SigningJwk[]): Promise<SigningKeySet> {
  let set = cache.get(jwks);
  if (!set) {
    set = Promise.all(jwks.map(importKey)).then((all) => ({
      current: all[0] as SigningKey,
      all,
      byKid: new Map(all.map((k) => [k.kid, k])),
    }));
    cache.set(jwks, set);
    set.catch(() => cache.delete(jwks));
  }
  return set;
}
