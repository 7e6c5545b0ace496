/**
 * PASERK (Platform-Agnostic Serialized Keys) for our v4.public signing keys:
 * `k4.public` (types/public.md) to publish a key and `k4.pid` (operations/ID.md)
 * to name it in a token footer.
 *
 * BLAKE2b comes from `@noble/hashes` (audited, pure JS, no dependencies): it is
 * synchronous and needs no WebAssembly module. hash-wasm's precompiled blake2b
 * module would also work in workerd, but it would need its own instantiation and
 * ABI glue and a build artefact (generated/blake2b.wasm) for one 33-byte hash per
 * key per isolate. WebCrypto has no BLAKE2b, and `paseto` leaves k4 IDs to the
 * caller.
 */
import { blake2b } from "@noble/hashes/blake2.js";
import { base64url } from "jose";
import { utf8 } from "../../utf8";
import type { SigningKey } from "./signing-keys";

export interface PaserkPublic {
  /** `k4.pid.…`: what a token footer's `kid` names (PASERK operations/ID.md). */
  kid: string;
  /** `k4.public.…`: the public key itself (PASERK types/public.md). */
  paserk: string;
}

const PUBLIC = "k4.public.";
const PID = "k4.pid.";

/** PASERK types/public.md: `k4.public.` + base64url(32-byte Ed25519 public key). */
export function k4Public(rawPublicKey: Uint8Array): string {
  if (rawPublicKey.byteLength !== 32) throw new RangeError("an Ed25519 public key is 32 bytes");
  return PUBLIC + base64url.encode(rawPublicKey);
}

/**
 * PASERK operations/ID.md: h = "k4.pid.", p = the full `k4.public.…` string,
 * d = BLAKE2b-264(h || p) (33 bytes, so the base64url has no padding bits),
 * id = h || base64url(d).
 */
export function k4Pid(paserk: string): string {
  if (!paserk.startsWith(PUBLIC)) throw new RangeError("not a k4.public PASERK");
  const digest = blake2b(utf8(PID + paserk), { dkLen: 33 });
  return PID + base64url.encode(digest);
}

// Exporting the key and hashing it are done once per key per isolate.
const cache = new WeakMap<SigningKey, Promise<PaserkPublic>>();

/** The PASERK public key and its `k4.pid` key ID, for publishing and for token footers. */
export function paserkPublic(key: SigningKey): Promise<PaserkPublic> {
  let entry = cache.get(key);
  if (!entry) {
    entry = crypto.subtle.exportKey("raw", key.publicKey).then((raw) => {
      const paserk = k4Public(new Uint8Array(raw as ArrayBuffer));
      return { kid: k4Pid(paserk), paserk };
    });
    cache.set(key, entry);
    entry.catch(() => cache.delete(key));
  }
  return entry;
}
