/**
 * Argon2id (RFC 9106, version 0x13) driver over the WebAssembly modules that
 * ship inside hash-wasm (`argon2` for the memory-hard core and `blake2b` for
 * H0 / H'). Unlike hash-wasm's own JavaScript glue, this driver:
 *
 * - takes *precompiled* `WebAssembly.Module`s (workerd forbids compiling WASM
 *   from bytes at runtime; a Worker imports `generated/*.wasm` instead),
 * - instantiates each module once, lazily, and reuses the instances for every
 *   hash, so the Argon2 linear memory only grows to the largest `memoryKiB`
 *   ever requested instead of adding a fresh working area per call,
 * - runs hashes strictly one at a time through a bounded queue
 *   (see ./serial-queue.ts); excess callers get {@link HashingBusyError},
 * - supports the RFC's associated data input (needed for the RFC test vector).
 *
 * Only Web-standard APIs are used; this is Worker code.
 *
 * ABI of the hash-wasm modules (hash-wasm 4.13.0, src/argon2.c, src/blake2b.c):
 *
 * argon2:
 * - `Hash_GetBuffer(): ptr` first call sets B = end of the initial memory and
 *   grows 512 KiB for it. Returns B (0 if that growth failed).
 * - `Hash_SetMemorySize(total): i32` grows by `total - B_size` computed in
 *   *unsigned 32-bit* arithmetic, rounded up to 64 KiB pages. If `total` is
 *   below the current size the difference wraps to ~4 GiB, the grow fails and
 *   it returns -1 (and `total == B_size` only returns 0 when it matches the
 *   page-rounded size exactly). So it may only be called to grow.
 * - `Hash_Calculate(_, m)` reads {p, T, m, t, v, y} (6 x u32 LE) from
 *   B + 1024*m, fills m' = 4p*floor(m/4p) blocks starting at B (blocks 0 and 1
 *   of each lane must be pre-filled), and leaves the final block C (XOR of
 *   the last column) in B[0..1024). It XORs every new block into the existing
 *   memory contents (as in Go's x/crypto/argon2, which gets zeroed memory
 *   from `make`), so the working area MUST be zero before each hash.
 *
 * blake2b:
 * - `Hash_GetBuffer(): ptr` to a static 16 KiB I/O buffer.
 * - `Hash_Init(outBits | keyLen << 16)`, `Hash_Update(len)` (input taken from
 *   the buffer), `Hash_Final()` (digest written to the start of the buffer).
 */

import type { Argon2id, Argon2idInput } from "../../auth/password/argon2id";
import { createSerialQueue } from "./serial-queue";

export interface Argon2idModules {
  /** hash-wasm's argon2 module (generated/argon2.wasm). */
  argon2: WebAssembly.Module;
  /** hash-wasm's blake2b module (generated/blake2b.wasm). */
  blake2b: WebAssembly.Module;
}

export interface Argon2idOptions {
  /**
   * Runs each hash's computation once it has left the queue (e.g. inside a
   * trace span), so its time can be told apart from the time spent waiting.
   */
  aroundCompute?: <T>(compute: () => Promise<T>) => Promise<T>;
  /**
   * How many hash requests may wait while one is running. Further requests
   * reject with HashingBusyError. Default {@link DEFAULT_MAX_QUEUE}; 0 means
   * "no waiting, only the running one".
   */
  maxQueue?: number;
  /**
   * Largest `memoryKiB` this driver accepts. The WASM linear memory can never
   * shrink, so one oversized request would keep the isolate's memory high for
   * its whole lifetime. Requests above this limit are rejected with
   * Argon2ParameterError before touching the instance. Default: no limit
   * beyond what the argon2 module can address (its memory maximum is 2 GiB).
   * Recommended in Workers: the configured policy value (e.g. 65536).
   */
  maxMemoryKiB?: number;
}

/** Invalid Argon2id parameters (thrown as a rejection by `hash`). */
export class Argon2ParameterError extends RangeError {
  override readonly name = "Argon2ParameterError";
}

/** The Argon2 working area could not be provided by the WASM instance. */
export class Argon2MemoryError extends Error {
  override readonly name = "Argon2MemoryError";
}

export const DEFAULT_MAX_QUEUE = 8;

export const ARGON2_VERSION = 0x13;
const ARGON2ID_TYPE = 2;
const BLOCK_BYTES = 1024;
const U32_MAX = 0xffff_ffff;
const MAX_PARALLELISM = 0xff_ffff;
const MIN_SALT_BYTES = 8;
const MIN_TAG_BYTES = 4;
/** Size of the blake2b module's static I/O buffer (hash-wasm `MAX_HEAP`). */
const BLAKE2B_IO_BYTES = 16 * 1024;
/** Bytes after the m blocks used for the {p,T,m,t,v,y} header (hash-wasm reserves a block). */
const HEADER_BYTES = BLOCK_BYTES;

type WasmFunction = (...args: number[]) => number;

function exportedFunction(instance: WebAssembly.Instance, name: string): WasmFunction {
  const value: unknown = instance.exports[name];
  if (typeof value !== "function") {
    throw new TypeError(`WASM module does not export function ${name}`);
  }
  return value as WasmFunction;
}

function exportedMemory(instance: WebAssembly.Instance): WebAssembly.Memory {
  const value: unknown = instance.exports.memory;
  if (!(value instanceof WebAssembly.Memory)) {
    throw new TypeError("WASM module does not export its memory");
  }
  return value;
}

function assertModuleExports(module: unknown, label: string, names: readonly string[]): void {
  if (!(module instanceof WebAssembly.Module)) {
    throw new TypeError(`modules.${label} must be a WebAssembly.Module`);
  }
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = names.filter((n) => !exported.has(n));
  if (missing.length > 0) {
    throw new TypeError(`modules.${label} lacks exports ${missing.join(", ")}`);
  }
}

const ARGON2_EXPORTS = ["memory", "Hash_GetBuffer", "Hash_SetMemorySize", "Hash_Calculate"];
const BLAKE2B_EXPORTS = ["memory", "Hash_GetBuffer", "Hash_Init", "Hash_Update", "Hash_Final"];

// ---------------------------------------------------------------------------
// BLAKE2b and H' (RFC 9106 §3.3)

interface Blake2b {
  /** Starts a new unkeyed hash with an `outBytes`-byte digest (1..64). */
  init(outBytes: number): void;
  update(data: Uint8Array): void;
  updateU32(value: number): void;
  /** Finishes the hash and copies the digest to `out` (whose length must equal `outBytes`). */
  final(out: Uint8Array): void;
  /** Clears the I/O buffer and the hash state. */
  wipe(): void;
}

function createBlake2b(instance: WebAssembly.Instance): Blake2b {
  const memory = exportedMemory(instance);
  const getBuffer = exportedFunction(instance, "Hash_GetBuffer");
  const hashInit = exportedFunction(instance, "Hash_Init");
  const hashUpdate = exportedFunction(instance, "Hash_Update");
  const hashFinal = exportedFunction(instance, "Hash_Final");
  const bufferPtr = getBuffer();
  // The buffer is re-derived on each use: a detached ArrayBuffer (after any
  // memory growth) must never be written to.
  const io = (): Uint8Array => new Uint8Array(memory.buffer, bufferPtr, BLAKE2B_IO_BYTES);
  const u32 = new Uint8Array(4);
  const u32View = new DataView(u32.buffer);

  const update = (data: Uint8Array): void => {
    const buffer = io();
    for (let offset = 0; offset < data.length; offset += BLAKE2B_IO_BYTES) {
      const chunk = data.subarray(offset, offset + BLAKE2B_IO_BYTES);
      buffer.set(chunk);
      hashUpdate(chunk.length);
    }
  };

  return {
    init(outBytes) {
      hashInit(outBytes * 8);
    },
    update,
    updateU32(value) {
      u32View.setUint32(0, value, true);
      update(u32);
    },
    final(out) {
      hashFinal();
      out.set(io().subarray(0, out.length));
    },
    wipe() {
      io().fill(0);
      hashInit(512);
    },
  };
}

/** H'^T(inputs...) from RFC 9106 §3.3, written into `out` (T = out.length). */
function hPrime(blake: Blake2b, out: Uint8Array, inputs: readonly Uint8Array[]): void {
  const tagLength = out.length;
  if (tagLength <= 64) {
    blake.init(tagLength);
    blake.updateU32(tagLength);
    for (const input of inputs) blake.update(input);
    blake.final(out);
    return;
  }
  const r = Math.ceil(tagLength / 32) - 2;
  const v = new Uint8Array(64);
  blake.init(64);
  blake.updateU32(tagLength);
  for (const input of inputs) blake.update(input);
  blake.final(v); // V1
  out.set(v.subarray(0, 32), 0);
  for (let i = 1; i < r; i++) {
    blake.init(64);
    blake.update(v);
    blake.final(v); // V(i+1)
    out.set(v.subarray(0, 32), i * 32);
  }
  const lastLength = tagLength - 32 * r;
  blake.init(lastLength);
  blake.update(v);
  blake.final(out.subarray(32 * r)); // V(r+1), full length
  v.fill(0);
}

// ---------------------------------------------------------------------------
// The argon2 instance and its reusable working area

interface Argon2Core {
  readonly memory: WebAssembly.Memory;
  /** Address of block 0 (B in argon2.c). */
  readonly base: number;
  /** Makes sure `bytes` bytes starting at `base` exist; throws Argon2MemoryError otherwise. */
  reserve(bytes: number): void;
  calculate(memoryKiB: number): void;
}

function createArgon2Core(instance: WebAssembly.Instance): Argon2Core {
  const memory = exportedMemory(instance);
  const getBuffer = exportedFunction(instance, "Hash_GetBuffer");
  const setMemorySize = exportedFunction(instance, "Hash_SetMemorySize");
  const hashCalculate = exportedFunction(instance, "Hash_Calculate");
  const base = getBuffer();
  if (base === 0) {
    throw new Argon2MemoryError("argon2 WASM instance could not allocate its initial buffer");
  }
  const capacity = (): number => memory.buffer.byteLength - base;

  return {
    memory,
    base,
    reserve(bytes) {
      if (bytes <= capacity()) return; // reuse: never call the grow-only ABI for smaller sizes
      if (bytes > U32_MAX) {
        throw new Argon2MemoryError(`Argon2 working area of ${bytes} bytes exceeds wasm32 limits`);
      }
      const status = setMemorySize(bytes);
      if (status !== 0 || capacity() < bytes) {
        throw new Argon2MemoryError(
          `cannot grow Argon2 WASM memory to ${bytes} bytes (have ${capacity()} bytes)`,
        );
      }
    },
    calculate(memoryKiB) {
      hashCalculate(0, memoryKiB);
    },
  };
}

// ---------------------------------------------------------------------------
// Parameter validation

function checkBytes(value: unknown, name: string, min: number): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new Argon2ParameterError(`${name} must be a Uint8Array`);
  }
  if (value.length < min || value.length > U32_MAX) {
    throw new Argon2ParameterError(`${name} must be ${min}..${U32_MAX} bytes, got ${value.length}`);
  }
  return value;
}

function checkInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new Argon2ParameterError(
      `${name} must be an integer in ${min}..${max}, got ${String(value)}`,
    );
  }
  return value;
}

interface Job {
  password: Uint8Array;
  salt: Uint8Array;
  secret: Uint8Array;
  associatedData: Uint8Array;
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  hashLength: number;
}

/** Validates the input and snapshots its byte arrays (callers may reuse their buffers while queued). */
function prepareJob(input: Argon2idInput, maxMemoryKiB: number): Job {
  if (typeof input !== "object" || input === null) {
    throw new Argon2ParameterError("Argon2id input must be an object");
  }
  const password = checkBytes(input.password, "password", 0);
  const salt = checkBytes(input.salt, "salt", MIN_SALT_BYTES);
  const secret = checkBytes(input.secret ?? new Uint8Array(0), "secret", 0);
  const associatedData = checkBytes(input.associatedData ?? new Uint8Array(0), "associatedData", 0);
  const parallelism = checkInteger(input.parallelism, "parallelism", 1, MAX_PARALLELISM);
  const iterations = checkInteger(input.iterations, "iterations", 1, U32_MAX);
  const hashLength = checkInteger(input.hashLength, "hashLength", MIN_TAG_BYTES, U32_MAX);
  const memoryKiB = checkInteger(input.memoryKiB, "memoryKiB", 8 * parallelism, U32_MAX);
  if (memoryKiB > maxMemoryKiB) {
    throw new Argon2ParameterError(
      `memoryKiB ${memoryKiB} exceeds this driver's maximum of ${maxMemoryKiB}`,
    );
  }
  return {
    password: password.slice(),
    salt: salt.slice(),
    secret: secret.slice(),
    associatedData: associatedData.slice(),
    memoryKiB,
    iterations,
    parallelism,
    hashLength,
  };
}

function wipeJob(job: Job): void {
  job.password.fill(0);
  job.secret.fill(0);
}

// ---------------------------------------------------------------------------
// Argon2id

interface Instances {
  core: Argon2Core;
  blake: Blake2b;
}

function computeTag(core: Argon2Core, blake: Blake2b, job: Job): Uint8Array {
  const { memoryKiB: m, iterations: t, parallelism: p, hashLength } = job;
  const workBytes = m * BLOCK_BYTES + HEADER_BYTES;
  core.reserve(workBytes);

  const blocks = 4 * p * Math.floor(m / (4 * p)); // m'
  const laneLength = blocks / p; // q
  const area = new Uint8Array(core.memory.buffer, core.base, workBytes);
  const h0 = new Uint8Array(64);
  const seed = new Uint8Array(8); // LE32(0 or 1) || LE32(lane)
  const seedView = new DataView(seed.buffer);

  try {
    // Hash_Calculate XORs into existing memory: start from zero.
    area.fill(0, 0, blocks * BLOCK_BYTES);

    // H0 (RFC 9106 §3.2 step 1)
    blake.init(64);
    for (const value of [p, hashLength, m, t, ARGON2_VERSION, ARGON2ID_TYPE]) {
      blake.updateU32(value);
    }
    for (const bytes of [job.password, job.salt, job.secret, job.associatedData]) {
      blake.updateU32(bytes.length);
      blake.update(bytes);
    }
    blake.final(h0);

    // B[i][0], B[i][1] (steps 3-4)
    for (let lane = 0; lane < p; lane++) {
      seedView.setUint32(4, lane, true);
      for (let column = 0; column < 2; column++) {
        seedView.setUint32(0, column, true);
        const offset = (lane * laneLength + column) * BLOCK_BYTES;
        hPrime(blake, area.subarray(offset, offset + BLOCK_BYTES), [h0, seed]);
      }
    }

    // Parameter header read by Hash_Calculate, right after the m blocks.
    const header = new DataView(core.memory.buffer, core.base + m * BLOCK_BYTES, 24);
    [p, hashLength, m, t, ARGON2_VERSION, ARGON2ID_TYPE].forEach((value, i) => {
      header.setUint32(i * 4, value, true);
    });

    // Steps 5-6 in WASM; C ends up in block 0.
    core.calculate(m);

    const tag = new Uint8Array(hashLength);
    hPrime(blake, tag, [area.subarray(0, BLOCK_BYTES)]);
    return tag;
  } finally {
    area.fill(0);
    h0.fill(0);
    blake.wipe();
  }
}

/**
 * Creates an Argon2id hasher over the given precompiled modules. The WASM
 * instances are created on first use and reused for every later call.
 */
export function createArgon2id(modules: Argon2idModules, opts: Argon2idOptions = {}): Argon2id {
  assertModuleExports(modules?.argon2, "argon2", ARGON2_EXPORTS);
  assertModuleExports(modules.blake2b, "blake2b", BLAKE2B_EXPORTS);
  const maxMemoryKiB =
    opts.maxMemoryKiB === undefined
      ? U32_MAX
      : checkInteger(opts.maxMemoryKiB, "maxMemoryKiB", 8, U32_MAX);
  const queue = createSerialQueue(opts.maxQueue ?? DEFAULT_MAX_QUEUE);

  let instances: Promise<Instances> | undefined;
  let memories: WebAssembly.Memory[] = [];
  const getInstances = (): Promise<Instances> => {
    if (instances === undefined) {
      const created = Promise.all([
        WebAssembly.instantiate(modules.argon2, {}),
        WebAssembly.instantiate(modules.blake2b, {}),
      ]).then(([argon2, blake2b]) => {
        memories = [exportedMemory(argon2), exportedMemory(blake2b)];
        return { core: createArgon2Core(argon2), blake: createBlake2b(blake2b) };
      });
      instances = created;
      // Let a later call retry if instantiation failed.
      created.catch(() => {
        if (instances === created) instances = undefined;
      });
    }
    return instances;
  };

  return {
    memoryBytes() {
      return memories.reduce((sum, m) => sum + m.buffer.byteLength, 0);
    },
    hash(input) {
      let job: Job;
      try {
        job = prepareJob(input, maxMemoryKiB);
      } catch (error) {
        return Promise.reject(error);
      }
      const around = opts.aroundCompute ?? ((compute) => compute());
      return queue.run(() =>
        around(async () => {
          try {
            const { core, blake } = await getInstances();
            try {
              return computeTag(core, blake, job);
            } catch (error) {
              // A trap leaves the instances in an unknown state: start afresh next time.
              if (error instanceof WebAssembly.RuntimeError) instances = undefined;
              throw error;
            }
          } finally {
            wipeJob(job);
          }
        }),
      );
    },
  };
}
