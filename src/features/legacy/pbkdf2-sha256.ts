/**
 * PBKDF2-HMAC-SHA-256 (RFC 8018 §5.2) for one 32-byte output block, the shape
 * Django's `pbkdf2_sha256` hasher stores.
 *
 * Why not only WebCrypto: Cloudflare's production runtime refuses PBKDF2 above
 * 100,000 iterations ("Pbkdf2 failed: iteration counts above 100000 are not
 * supported", workerd `checkPbkdfLimits`, cloudflare/workerd#1346), while
 * Django has defaulted to 260,000-1,000,000 since 3.2. Local workerd has no
 * cap, so tests alone would not show it. Counts up to the cap go to WebCrypto
 * (native); above it, the iteration loop runs here in JavaScript: after the
 * first block (WebCrypto HMAC), each iteration is exactly two SHA-256
 * compressions from precomputed inner and outer pad states (FIPS 180-4 §6.2,
 * RFC 2104), so no allocation happens inside the loop. Callers bound the
 * count (see ./limits.ts) before calling.
 */

/** The production Workers runtime's PBKDF2 iteration cap (workerd DEFAULT_MAX_PBKDF2_ITERATIONS). */
export const WEBCRYPTO_MAX_ITERATIONS = 100_000;

const DK_BYTES = 32;

export async function pbkdf2Sha256(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array> {
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new RangeError("PBKDF2 needs a positive iteration count");
  }
  // Copies own their ArrayBuffer, as WebCrypto's BufferSource wants.
  const p = new Uint8Array(password);
  const s = new Uint8Array(salt);
  if (iterations <= WEBCRYPTO_MAX_ITERATIONS) return webCryptoPbkdf2(p, s, iterations);
  return loopPbkdf2(p, s, iterations);
}

async function webCryptoPbkdf2(
  password: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    DK_BYTES * 8,
  );
  return new Uint8Array(bits);
}

/** Exported for the differential test against WebCrypto; use {@link pbkdf2Sha256}. */
export async function loopPbkdf2(
  password: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  // RFC 2104: keys longer than the block are hashed first.
  const key =
    password.length > BLOCK_BYTES
      ? new Uint8Array(await crypto.subtle.digest("SHA-256", password))
      : password;
  // U1 = PRF(P, S || INT(1)) over arbitrary-length input: native HMAC.
  const hmacKey = await crypto.subtle.importKey(
    "raw",
    password,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const first = new Uint8Array(salt.length + 4);
  first.set(salt);
  first[salt.length + 3] = 1;
  const u1 = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, first));

  const inner = padState(key, 0x36);
  const outer = padState(key, 0x5c);
  const w = new Int32Array(64);
  const state = new Int32Array(8);
  const u = new Int32Array(8);
  const t = new Int32Array(8);
  for (let i = 0; i < 8; i++) {
    const word = readWord(u1, i * 4);
    u[i] = word;
    t[i] = word;
  }
  for (let n = 1; n < iterations; n++) {
    // inner = SHA-256((K ^ ipad) || U): one block of U, padding, length 96 bytes.
    state.set(inner);
    loadDigestBlock(w, u);
    compress(state, w);
    // U = SHA-256((K ^ opad) || inner)
    loadDigestBlock(w, state);
    state.set(outer);
    compress(state, w);
    for (let i = 0; i < 8; i++) {
      const word = state[i] as number;
      u[i] = word;
      t[i] = (t[i] as number) ^ word;
    }
  }
  const out = new Uint8Array(DK_BYTES);
  for (let i = 0; i < 8; i++) writeWord(out, i * 4, t[i] as number);
  w.fill(0);
  u.fill(0);
  t.fill(0);
  return out;
}

const BLOCK_BYTES = 64;
/** FIPS 180-4 §5.3.3 initial hash value. */
const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);
/** FIPS 180-4 §4.2.2 round constants. */
const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** The SHA-256 state after absorbing one block of `key ^ pad` (RFC 2104). */
function padState(key: Uint8Array, pad: number): Int32Array {
  const block = new Uint8Array(BLOCK_BYTES).fill(pad);
  for (let i = 0; i < key.length; i++) block[i] = (block[i] as number) ^ (key[i] as number);
  const w = new Int32Array(64);
  for (let i = 0; i < 16; i++) w[i] = readWord(block, i * 4);
  const state = Int32Array.from(IV);
  compress(state, w);
  block.fill(0);
  w.fill(0);
  return state;
}

/** A 32-byte message after a 64-byte prefix: words, 0x80 terminator, bit length 768. */
function loadDigestBlock(w: Int32Array, digest: Int32Array): void {
  for (let i = 0; i < 8; i++) w[i] = digest[i] as number;
  w[8] = 0x80000000 | 0;
  for (let i = 9; i < 15; i++) w[i] = 0;
  w[15] = (BLOCK_BYTES + DK_BYTES) * 8;
}

/** FIPS 180-4 §6.2.2: one compression of the 16 words in w[0..15] into `state`. */
function compress(state: Int32Array, w: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15] as number;
    const y = w[i - 2] as number;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
  }
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let f = state[5] as number;
  let g = state[6] as number;
  let h = state[7] as number;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + (K[i] as number) + (w[i] as number)) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = ((state[0] as number) + a) | 0;
  state[1] = ((state[1] as number) + b) | 0;
  state[2] = ((state[2] as number) + c) | 0;
  state[3] = ((state[3] as number) + d) | 0;
  state[4] = ((state[4] as number) + e) | 0;
  state[5] = ((state[5] as number) + f) | 0;
  state[6] = ((state[6] as number) + g) | 0;
  state[7] = ((state[7] as number) + h) | 0;
}

function readWord(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] as number) << 24) |
    ((bytes[at + 1] as number) << 16) |
    ((bytes[at + 2] as number) << 8) |
    (bytes[at + 3] as number)
  );
}

function writeWord(bytes: Uint8Array, at: number, word: number): void {
  bytes[at] = word >>> 24;
  bytes[at + 1] = (word >>> 16) & 0xff;
  bytes[at + 2] = (word >>> 8) & 0xff;
  bytes[at + 3] = word & 0xff;
}
