/**
 * PASETO v4.public framing and signatures (paseto-spec docs/01-Protocol-Versions/
 * Version4.md, "Sign" and "Verify"), on WebCrypto Ed25519 with the `CryptoKey`s
 * we already hold. Claims are not looked at here; see ./paseto.
 *
 * Why not the `paseto` package: 4.0.1 is WebCrypto-based and works in workerd
 * (test/worker/paseto.test.ts cross-checks it both ways), but its Verify always
 * parses and validates the claims itself, so it cannot hand back the
 * authenticated payload bytes, and its claim errors share one code per claim
 * ("exp" missing, malformed or expired; "iat" too old or in the future). Mapping
 * those onto our VerifyFailure would mean branching on error messages. What is
 * left to write is PAE, strict base64url and one sign/verify call, all pinned by
 * the official test vectors. (It also has no k4.pid; see ./paserk.)
 */
import { base64url } from "jose";
import { utf8 } from "../../utf8";
import { constantTimeEqual } from "../constant-time";

const HEADER = "v4.public.";
const SIGNATURE_BYTES = 64;
const EMPTY = new Uint8Array(0);

export interface V4PublicOptions {
  /** The footer f; a string is UTF-8 encoded. Empty means no footer. */
  footer?: Uint8Array | string;
  /** The implicit assertion i (Version4.md: authenticated, never in the token). */
  implicit?: Uint8Array | string;
}

/** An unauthenticated v4.public token split into its parts. */
export interface V4PublicParts {
  message: Uint8Array;
  signature: Uint8Array<ArrayBuffer>;
  footer: Uint8Array;
}

const bytes = (v: Uint8Array | string | undefined): Uint8Array =>
  v === undefined ? EMPTY : typeof v === "string" ? utf8(v) : v;

/** Common.md "PAE Definition": LE64(count) then LE64(length) || piece for each piece. */
function pae(pieces: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const size = 8 + pieces.reduce((n, p) => n + 8 + p.byteLength, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  // LE64 clears the top bit; lengths here are far below 2^53, so the high word is 0.
  view.setUint32(0, pieces.length, true);
  let at = 8;
  for (const piece of pieces) {
    view.setUint32(at, piece.byteLength, true);
    out.set(piece, at + 8);
    at += 8 + piece.byteLength;
  }
  return out;
}

/**
 * Common.md "Base64 Encoding": base64url (RFC 4648 §5) without padding. Only the
 * canonical encoding is accepted (RFC 4648 §3.5: pad bits are zero), so a token
 * has exactly one spelling; `=`, whitespace and other alphabets are rejected.
 */
function decodeB64u(input: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(input) || input.length % 4 === 1) return null;
  try {
    const out = new Uint8Array(base64url.decode(input));
    return base64url.encode(out) === input ? out : null;
  } catch {
    return null;
  }
}

/**
 * Splits `v4.public.<b64(m || sig)>[.<b64(f)>]` without trusting anything.
 * Null for any other version or purpose (v4.local, v3.public, a JWT, ...), an
 * empty footer segment, bad base64url or a payload shorter than a signature.
 */
export function parseV4Public(token: string): V4PublicParts | null {
  if (!token.startsWith(HEADER)) return null;
  const parts = token.slice(HEADER.length).split(".");
  if (parts.length > 2 || parts[1] === "") return null;
  const payload = decodeB64u(parts[0] ?? "");
  const footer = parts[1] === undefined ? EMPTY : decodeB64u(parts[1]);
  if (!payload || !footer || payload.byteLength < SIGNATURE_BYTES) return null;
  const split = payload.byteLength - SIGNATURE_BYTES;
  return { message: payload.subarray(0, split), signature: payload.subarray(split), footer };
}

/** Version4.md "Sign": sig = Ed25519(sk, PAE(h, m, f, i)); token = h || b64(m || sig) [|| "." || b64(f)]. */
export async function signV4Public(
  privateKey: CryptoKey,
  message: Uint8Array,
  opts: V4PublicOptions = {},
): Promise<string> {
  const footer = bytes(opts.footer);
  const m2 = pae([utf8(HEADER), message, footer, bytes(opts.implicit)]);
  const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", privateKey, m2));
  const payload = new Uint8Array(message.byteLength + signature.byteLength);
  payload.set(message);
  payload.set(signature, message.byteLength);
  const body = HEADER + base64url.encode(payload);
  return footer.byteLength === 0 ? body : `${body}.${base64url.encode(footer)}`;
}

/** Version4.md "Verify" steps 3–6 on parsed parts: true only for a good signature. */
export async function verifyV4PublicParts(
  publicKey: CryptoKey,
  parts: V4PublicParts,
  implicit?: Uint8Array | string,
): Promise<boolean> {
  const m2 = pae([utf8(HEADER), parts.message, parts.footer, bytes(implicit)]);
  try {
    return await crypto.subtle.verify("Ed25519", publicKey, parts.signature, m2);
  } catch {
    return false; // e.g. a key of another algorithm
  }
}

/**
 * Verifies a v4.public token with any Ed25519 public key and returns the
 * authenticated message bytes, or null. With `footer` set, the token's footer
 * must equal it (Version4.md "Verify" step 1); otherwise whatever footer the
 * token carries is authenticated as-is. Never throws.
 */
export async function verifyV4Public(
  publicKey: CryptoKey,
  token: string,
  opts: V4PublicOptions = {},
): Promise<Uint8Array | null> {
  const parts = parseV4Public(token);
  if (!parts) return null;
  if (opts.footer !== undefined && !constantTimeEqual(parts.footer, bytes(opts.footer)))
    return null;
  return (await verifyV4PublicParts(publicKey, parts, opts.implicit)) ? parts.message : null;
}
