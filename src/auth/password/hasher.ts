import { utf8 } from "../../utf8";
import { constantTimeEqual } from "../constant-time";
import type { Argon2id } from "./argon2id";
import { DEFAULT_PHC_LIMITS, encodeArgon2idPhc, parseArgon2idPhc } from "./phc";

export interface Argon2Params {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

export interface PasswordHasher {
  /** Hashes a (normalized) password under the current parameters and pepper: a PHC string. */
  hash(password: string): Promise<string>;
  /**
   * Checks a password against a stored hash in constant time. `needsRehash`
   * says the hash used older parameters or an older pepper.
   */
  verify(stored: string, password: string): Promise<{ ok: boolean; needsRehash: boolean }>;
  /** Pays for one verification at the current cost, for an account that does not exist. */
  dummyVerify(password: string): Promise<void>;
}

export interface PasswordHasherOptions {
  argon2: Argon2id;
  params: Argon2Params;
  /** Pepper keys (Argon2 secret K, RFC 9106 §3.1); the first one peppers new hashes. */
  peppers: ReadonlyArray<{ id: string; key: Uint8Array }>;
}

const SALT_BYTES = 16;
const HASH_BYTES = 32;

export function createPasswordHasher(opts: PasswordHasherOptions): PasswordHasher {
  const { argon2, params, peppers } = opts;
  const current = peppers[0];
  const limits = { ...DEFAULT_PHC_LIMITS, maxMemoryKiB: maxStoredHashMemoryKiB(params.memoryKiB) };

  const compute = (
    password: string,
    salt: Uint8Array,
    p: Argon2Params,
    hashLength: number,
    secret?: Uint8Array,
  ) =>
    argon2.hash({
      password: utf8(password),
      salt,
      ...(secret ? { secret } : {}),
      memoryKiB: p.memoryKiB,
      iterations: p.iterations,
      parallelism: p.parallelism,
      hashLength,
    });

  return {
    async hash(password) {
      const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
      const hash = await compute(password, salt, params, HASH_BYTES, current?.key);
      return encodeArgon2idPhc({
        ...params,
        ...(current ? { keyid: current.id } : {}),
        salt,
        hash,
      });
    },

    async verify(stored, password) {
      const parsed = parseArgon2idPhc(stored, limits);
      if (!parsed.ok) return { ok: false, needsRehash: false };
      const phc = parsed.value;
      const pepper = phc.keyid === undefined ? undefined : peppers.find((p) => p.id === phc.keyid);
      // A hash made with a pepper we no longer hold can never verify; still pay the cost.
      const unknownPepper = phc.keyid !== undefined && !pepper;
      // The tag length is part of the hash (argon2's output depends on it, RFC 9106
      // §3.2 H0): a 16-byte tag from argon2-cffi is recomputed as 16 bytes. The
      // PHC limits bound it to 16..64 bytes before anything is computed.
      const candidate = await compute(password, phc.salt, phc, phc.hash.length, pepper?.key);
      const ok = !unknownPepper && constantTimeEqual(candidate, phc.hash);
      const needsRehash =
        phc.memoryKiB !== params.memoryKiB ||
        phc.iterations !== params.iterations ||
        phc.parallelism !== params.parallelism ||
        phc.hash.length !== HASH_BYTES ||
        phc.keyid !== current?.id;
      return { ok, needsRehash };
    },

    async dummyVerify(password) {
      const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
      await compute(password, salt, params, HASH_BYTES, current?.key);
    },
  };
}

/**
 * The most memory a stored hash may ask for: the configured cost or the default
 * 64 MiB, whichever is larger. A tampered or imported hash must not turn a login
 * into a memory bomb, and WASM memory never shrinks once grown.
 */
export function maxStoredHashMemoryKiB(configuredKiB: number): number {
  return Math.max(configuredKiB, DEFAULT_PHC_LIMITS.maxMemoryKiB);
}
