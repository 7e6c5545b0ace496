/**
 * Argon2id (RFC 9106) as the password hasher needs it: a port. The driver
 * that computes it over hash-wasm's WebAssembly lives with the adapters
 * (src/adapters/wasm/argon2id-driver.ts); unit tests use a recording stand-in.
 */

export interface Argon2idInput {
  password: Uint8Array;
  /** At least 8 bytes (reference-implementation minimum); 16 recommended. */
  salt: Uint8Array;
  /** Optional secret K (pepper). */
  secret?: Uint8Array;
  /** Optional associated data X (RFC 9106 §3.1). */
  associatedData?: Uint8Array;
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  /** Tag length T in bytes. */
  hashLength: number;
}

export interface Argon2id {
  /** Computes the raw Argon2id tag. Rejects with HashingBusyError when the queue is full. */
  hash(input: Argon2idInput): Promise<Uint8Array>;
  /**
   * Bytes of WebAssembly linear memory the instances hold (0 before the first
   * hash). It never shrinks, and V8's heap statistics do not count it.
   */
  memoryBytes(): number;
}

/** Thrown (as a rejection) when the waiting queue is full. */
export class HashingBusyError extends Error {
  override readonly name = "HashingBusyError";
  /** The configured waiting-queue bound that was exceeded. */
  readonly maxQueue: number;

  constructor(maxQueue: number) {
    super(`password hashing is busy: ${maxQueue} request(s) already waiting`);
    this.maxQueue = maxQueue;
  }
}
