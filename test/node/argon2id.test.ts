import { mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { argon2id as hashWasmArgon2id } from "hash-wasm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  decodeEmbeddedWasm,
  ensureWasm,
  extractWasm,
  findEmbeddedWasm,
  WASM_SPECS,
} from "../../scripts/extract-wasm.ts";
import {
  type Argon2idModules,
  Argon2MemoryError,
  Argon2ParameterError,
  createArgon2id,
} from "../../src/adapters/wasm/argon2id-driver.ts";
import { createSerialQueue } from "../../src/adapters/wasm/serial-queue.ts";
import {
  type Argon2id,
  type Argon2idInput,
  HashingBusyError,
} from "../../src/auth/password/argon2id.ts";
import {
  type Argon2idPhc,
  DEFAULT_PHC_LIMITS,
  decodeArgon2idPhc,
  encodeArgon2idPhc,
  type PhcLimits,
  parseArgon2idPhc,
} from "../../src/auth/password/phc.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const hashWasmDist = path.join(root, "node_modules/hash-wasm/dist");

let modules: Argon2idModules;

beforeAll(async () => {
  await ensureWasm(root);
  const load = async (name: string) =>
    new WebAssembly.Module(await readFile(path.join(root, "generated", `${name}.wasm`)));
  modules = { argon2: await load("argon2"), blake2b: await load("blake2b") };
});

afterEach(() => {
  vi.restoreAllMocks();
});

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const fill = (length: number, value: number): Uint8Array => new Uint8Array(length).fill(value);

/** Deterministic PRNG (mulberry32) so failures are reproducible. */
function prng(seed: number): (length: number) => Uint8Array {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return (length) => Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

/** hash-wasm's own (non-reusing) argon2id as the reference. No associated data support. */
async function reference(input: Argon2idInput): Promise<Uint8Array> {
  if (input.associatedData !== undefined) throw new Error("hash-wasm has no associated data");
  return hashWasmArgon2id({
    password: input.password,
    salt: input.salt,
    secret: input.secret,
    memorySize: input.memoryKiB,
    iterations: input.iterations,
    parallelism: input.parallelism,
    hashLength: input.hashLength,
    outputType: "binary",
  });
}

function smallInput(seed: number, overrides: Partial<Argon2idInput> = {}): Argon2idInput {
  const random = prng(seed);
  return {
    password: random(12 + (seed % 20)),
    salt: random(16),
    memoryKiB: 64,
    iterations: 1,
    parallelism: 1,
    hashLength: 32,
    ...overrides,
  };
}

/**
 * Spies on WebAssembly.instantiate so tests can count the driver's instances
 * and look at their memory. hash-wasm (the reference) instantiates its own
 * modules too; only calls with our precompiled modules are counted.
 */
function watchInstantiation() {
  const spy = vi.spyOn(WebAssembly, "instantiate");
  const ours = () =>
    spy.mock.calls.flatMap(([module], i) =>
      module === modules.argon2 || module === modules.blake2b
        ? [{ module, result: spy.mock.results[i]?.value }]
        : [],
    );
  const argon2Memories = async (): Promise<WebAssembly.Memory[]> => {
    const memories: WebAssembly.Memory[] = [];
    for (const { module, result } of ours()) {
      if (module !== modules.argon2) continue;
      const instance = (await result) as WebAssembly.Instance;
      memories.push(instance.exports.memory as WebAssembly.Memory);
    }
    return memories;
  };
  return { instantiations: () => ours().length, argon2Memories };
}

describe("scripts/extract-wasm.ts", () => {
  it("extracts binaries identical to the ones embedded in both the plain and minified bundles", async () => {
    const plain = await readFile(path.join(hashWasmDist, "index.esm.js"), "utf8");
    const minified = await readFile(path.join(hashWasmDist, "index.esm.min.js"), "utf8");
    for (const spec of WASM_SPECS) {
      const fromPlain = findEmbeddedWasm(plain, spec.name);
      const fromMinified = findEmbeddedWasm(minified, spec.name);
      expect(fromPlain.hash).toMatch(/^[0-9a-f]{8}$/);
      expect(fromMinified).toEqual(fromPlain);
      const bytes = decodeEmbeddedWasm(fromPlain, spec);
      const written = new Uint8Array(
        await readFile(path.join(root, "generated", `${spec.name}.wasm`)),
      );
      expect(hex(written)).toBe(hex(bytes));
      expect(hex(bytes.subarray(0, 4))).toBe("0061736d"); // "\0asm"
    }
  });

  it("rejects a binary whose fingerprint does not match", async () => {
    const plain = await readFile(path.join(hashWasmDist, "index.esm.js"), "utf8");
    const [spec] = WASM_SPECS;
    if (spec === undefined) throw new Error("no specs");
    const embedded = findEmbeddedWasm(plain, spec.name);
    expect(() => decodeEmbeddedWasm({ ...embedded, hash: "00000000" }, spec)).toThrow(
      /fingerprint/,
    );
    expect(() => findEmbeddedWasm(plain, "no-such-wasm")).toThrow(/not found/);
    // blake2b does not provide argon2's exports
    const blake = findEmbeddedWasm(plain, "blake2b");
    expect(() => decodeEmbeddedWasm(blake, spec)).toThrow(/lacks exports/);
  });

  it("is idempotent and repairs missing or modified files", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "extract-wasm-"));
    try {
      await symlink(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
      const first = await extractWasm(dir);
      expect(first.map((r) => r.status)).toEqual(["written", "written"]);
      const argon2File = path.join(dir, "generated", "argon2.wasm");
      const mtime = (await stat(argon2File)).mtimeMs;

      const second = await extractWasm(dir);
      expect(second.map((r) => r.status)).toEqual(["unchanged", "unchanged"]);
      expect((await stat(argon2File)).mtimeMs).toBe(mtime);

      await writeFile(argon2File, "corrupted");
      await rm(path.join(dir, "generated", "blake2b.wasm"));
      const third = await extractWasm(dir);
      expect(third.map((r) => r.status)).toEqual(["written", "written"]);
      for (const name of ["argon2", "blake2b"]) {
        const repaired = await readFile(path.join(dir, "generated", `${name}.wasm`));
        const original = await readFile(path.join(root, "generated", `${name}.wasm`));
        expect(repaired.equals(original)).toBe(true);
      }
      await ensureWasm(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("argon2id driver: known answers", () => {
  it("matches the RFC 9106 §5.3 Argon2id test vector (with secret and associated data)", async () => {
    const argon2 = createArgon2id(modules);
    const tag = await argon2.hash({
      password: fill(32, 0x01),
      salt: fill(16, 0x02),
      secret: fill(8, 0x03),
      associatedData: fill(12, 0x04),
      iterations: 3,
      memoryKiB: 32,
      parallelism: 4,
      hashLength: 32,
    });
    expect(hex(tag)).toBe("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  });

  it("associated data changes the tag", async () => {
    const argon2 = createArgon2id(modules);
    const base = smallInput(1);
    const plain = await argon2.hash(base);
    const withEmptyAd = await argon2.hash({ ...base, associatedData: new Uint8Array(0) });
    const withAd = await argon2.hash({ ...base, associatedData: fill(3, 9) });
    expect(hex(withEmptyAd)).toBe(hex(plain));
    expect(hex(withAd)).not.toBe(hex(plain));
  });

  const cases: Array<[string, Partial<Argon2idInput>]> = [
    ["p=1 minimal memory", { parallelism: 1, memoryKiB: 8, iterations: 1, hashLength: 32 }],
    ["p=1 odd memory", { parallelism: 1, memoryKiB: 37, iterations: 2, hashLength: 16 }],
    ["p=4 memory = 8p", { parallelism: 4, memoryKiB: 32, iterations: 3, hashLength: 32 }],
    ["p=4 odd memory", { parallelism: 4, memoryKiB: 101, iterations: 2, hashLength: 64 }],
    ["p=3 odd memory", { parallelism: 3, memoryKiB: 257, iterations: 1, hashLength: 100 }],
    ["hashLength 4", { parallelism: 2, memoryKiB: 64, iterations: 1, hashLength: 4 }],
    ["hashLength 65", { parallelism: 2, memoryKiB: 64, iterations: 1, hashLength: 65 }],
    ["hashLength 1024", { parallelism: 1, memoryKiB: 16, iterations: 1, hashLength: 1024 }],
    ["with secret", { parallelism: 4, memoryKiB: 128, iterations: 2, secret: fill(32, 7) }],
    ["long secret", { parallelism: 1, memoryKiB: 64, iterations: 1, secret: prng(9)(200) }],
    ["long salt", { salt: prng(10)(100), memoryKiB: 64, parallelism: 2 }],
    ["password > 16 KiB", { password: prng(11)(40_000), memoryKiB: 64, parallelism: 1 }],
    ["1 MiB, p=4", { parallelism: 4, memoryKiB: 1024, iterations: 2, hashLength: 32 }],
    ["p=8 memory not multiple of 32", { parallelism: 8, memoryKiB: 300, iterations: 1 }],
  ];

  it.each(cases)("matches hash-wasm's argon2id: %s", async (_name, overrides) => {
    const seed = overrides.memoryKiB ?? 0;
    const input = smallInput(seed, overrides);
    const argon2 = createArgon2id(modules);
    const ours = await argon2.hash(input);
    expect(ours.length).toBe(input.hashLength);
    expect(hex(ours)).toBe(hex(await reference(input)));
  });

  it("matches hash-wasm for random inputs and parameters on one reused driver", async () => {
    const argon2 = createArgon2id(modules);
    const random = prng(42);
    for (let i = 0; i < 12; i++) {
      const [a = 0, b = 0, c = 0, d = 0, e = 0] = random(5);
      const parallelism = 1 + (a % 6);
      const input: Argon2idInput = {
        password: random(1 + b),
        salt: random(8 + (c % 40)),
        secret: d % 2 === 0 ? random(d % 64) : undefined,
        parallelism,
        memoryKiB: 8 * parallelism + (e % 200),
        iterations: 1 + (a % 3),
        hashLength: [16, 32, 64, 100][b % 4] ?? 32,
      };
      expect(hex(await argon2.hash(input)), JSON.stringify({ i, parallelism })).toBe(
        hex(await reference(input)),
      );
    }
  });

  it("matches hash-wasm at the default policy (m=65536, t=3, p=4)", async () => {
    const input = smallInput(3, { memoryKiB: 65536, iterations: 3, parallelism: 4 });
    const argon2 = createArgon2id(modules);
    expect(hex(await argon2.hash(input))).toBe(hex(await reference(input)));
  });
});

describe("argon2id driver: instance reuse and memory", () => {
  it("creates one instance per module and never shrinks or regrows for smaller requests", async () => {
    const { instantiations, argon2Memories } = watchInstantiation();
    const argon2 = createArgon2id(modules);
    expect(argon2.memoryBytes()).toBe(0);
    const sizes = [2048, 1024, 64, 2048, 4096, 100, 777, 4096, 8];
    const byteLengths: number[] = [];
    const otherBytes = new Set<number>();
    for (const [i, memoryKiB] of sizes.entries()) {
      const input = smallInput(100 + i, { memoryKiB, parallelism: 1 + (i % 2), iterations: 2 });
      expect(hex(await argon2.hash(input)), `memoryKiB=${memoryKiB}`).toBe(
        hex(await reference(input)),
      );
      const [memory] = await argon2Memories();
      byteLengths.push(memory?.buffer.byteLength ?? -1);
      // What the driver reports is the argon2 memory plus blake2b's, which never grows.
      otherBytes.add(argon2.memoryBytes() - (memory?.buffer.byteLength ?? 0));
    }
    expect(otherBytes.size).toBe(1);
    expect([...otherBytes][0]).toBeGreaterThan(0);
    // Exactly one argon2 + one blake2b instance over all calls.
    expect(instantiations()).toBe(2);
    expect(await argon2Memories()).toHaveLength(1);

    const page = 65536;
    const initial = 2 * page; // argon2.wasm's initial memory; B starts here
    const expected = (needBytes: number) =>
      initial + 8 * page + Math.max(0, Math.ceil((needBytes - 8 * page) / page)) * page;
    const need = (memoryKiB: number) => memoryKiB * 1024 + 1024;
    let high = 0;
    for (const [i, memoryKiB] of sizes.entries()) {
      high = Math.max(high, need(memoryKiB));
      expect(byteLengths[i], `after memoryKiB=${memoryKiB}`).toBe(expected(high));
    }
    // 4 MiB working area + header, rounded to pages, on top of the 128 KiB base.
    expect(byteLengths.at(-1)).toBe(initial + 65 * page);
  });

  it("leaves no stale state between hashes (larger then smaller then larger)", async () => {
    const argon2 = createArgon2id(modules);
    const big = smallInput(7, { memoryKiB: 512, parallelism: 2, iterations: 2 });
    const small = smallInput(8, { memoryKiB: 40, parallelism: 2, iterations: 1 });
    const expectedBig = hex(await reference(big));
    const expectedSmall = hex(await reference(small));
    for (let round = 0; round < 3; round++) {
      expect(hex(await argon2.hash(big))).toBe(expectedBig);
      expect(hex(await argon2.hash(small))).toBe(expectedSmall);
    }
  });

  it("wipes the working area after each hash", async () => {
    const { argon2Memories } = watchInstantiation();
    const argon2 = createArgon2id(modules);
    await argon2.hash(smallInput(5, { memoryKiB: 256, password: fill(64, 0xab) }));
    const [memory] = await argon2Memories();
    if (memory === undefined) throw new Error("no argon2 instance");
    const base = 2 * 65536;
    const area = new Uint8Array(memory.buffer, base, 256 * 1024 + 1024);
    expect(area.some((byte) => byte !== 0)).toBe(false);
  });

  it("fails loudly when the working area cannot be provided, and stays usable", async () => {
    const { argon2Memories } = watchInstantiation();
    const argon2 = createArgon2id(modules);
    const ok = smallInput(6);
    const expected = hex(await reference(ok));
    expect(hex(await argon2.hash(ok))).toBe(expected);
    const [memory] = await argon2Memories();
    const before = memory?.buffer.byteLength;

    // 2 GiB + header exceeds argon2.wasm's 2 GiB memory maximum: grow fails.
    await expect(argon2.hash({ ...ok, memoryKiB: 2 ** 21 })).rejects.toBeInstanceOf(
      Argon2MemoryError,
    );
    // Beyond what a wasm32 uint32 size argument can express.
    await expect(argon2.hash({ ...ok, memoryKiB: 2 ** 22 })).rejects.toBeInstanceOf(
      Argon2MemoryError,
    );
    expect(memory?.buffer.byteLength).toBe(before);
    expect(hex(await argon2.hash(ok))).toBe(expected);
  });

  it("honours maxMemoryKiB before touching the instance", async () => {
    const { instantiations } = watchInstantiation();
    const argon2 = createArgon2id(modules, { maxMemoryKiB: 1024 });
    await expect(argon2.hash(smallInput(1, { memoryKiB: 1025 }))).rejects.toBeInstanceOf(
      Argon2ParameterError,
    );
    expect(instantiations()).toBe(0);
    const input = smallInput(1, { memoryKiB: 1024 });
    expect(hex(await argon2.hash(input))).toBe(hex(await reference(input)));
  });

  it("snapshots input bytes at call time", async () => {
    const argon2 = createArgon2id(modules);
    const input = smallInput(12);
    const expected = hex(await reference(input));
    const blocker = argon2.hash(smallInput(13, { memoryKiB: 512 }));
    const pending = argon2.hash(input); // queued behind `blocker`
    input.password.fill(0);
    input.salt.fill(0);
    await blocker;
    expect(hex(await pending)).toBe(expected);
  });
});

describe("argon2id driver: serialization and queue bound", () => {
  it("gives correct results for 8 concurrent calls with different parameters", async () => {
    const inputs = Array.from({ length: 8 }, (_, i) =>
      smallInput(200 + i, {
        memoryKiB: [512, 64, 1024, 32, 300, 128, 2048, 40][i] ?? 64,
        parallelism: 1 + (i % 4),
        iterations: 1 + (i % 3),
        hashLength: [16, 32, 64, 100][i % 4] ?? 32,
      }),
    );
    const expected: string[] = [];
    for (const input of inputs) expected.push(hex(await reference(input)));
    const { instantiations } = watchInstantiation();
    // maxQueue 7: the 8 calls only fit if they run one at a time (1 running + 7 waiting).
    const argon2 = createArgon2id(modules, { maxQueue: 7 });
    const results = await Promise.all(inputs.map((input) => argon2.hash(input)));
    expect(results.map(hex)).toEqual(expected);
    expect(instantiations()).toBe(2);
  });

  it("wraps each computation alone in aroundCompute, never the wait in the queue (the trace spans' premise)", async () => {
    const log: string[] = [];
    const argon2 = createArgon2id(modules, {
      maxQueue: 2,
      aroundCompute: async (compute) => {
        const n = log.filter((e) => e.startsWith("enter")).length + 1;
        log.push(`enter ${n}`);
        try {
          return await compute();
        } finally {
          log.push(`exit ${n}`);
        }
      },
    });
    const inputs = [11, 12, 13].map((seed) => smallInput(seed));
    const results = await Promise.all(inputs.map((input) => argon2.hash(input)));
    // Queued hashes enter only once the running one has left: the wrapper
    // measures computation, and the span around hash() minus it is the wait.
    expect(log).toEqual(["enter 1", "exit 1", "enter 2", "exit 2", "enter 3", "exit 3"]);
    for (const [i, input] of inputs.entries()) {
      expect(hex(results[i] ?? new Uint8Array())).toBe(hex(await reference(input)));
    }
  });

  it("rejects with HashingBusyError once 1 running + maxQueue waiting are taken", async () => {
    const argon2 = createArgon2id(modules, { maxQueue: 2 });
    const inputs = [1, 2, 3].map((seed) => smallInput(seed));
    const running = inputs.map((input) => argon2.hash(input));
    const rejected = argon2.hash(smallInput(4));
    await expect(rejected).rejects.toBeInstanceOf(HashingBusyError);
    await expect(rejected).rejects.toMatchObject({ name: "HashingBusyError", maxQueue: 2 });
    const results = await Promise.all(running);
    for (const [i, input] of inputs.entries()) {
      expect(hex(results[i] ?? new Uint8Array())).toBe(hex(await reference(input)));
    }
    // Slots are released once the work drains.
    const again = [5, 6, 7].map((seed) => argon2.hash(smallInput(seed)));
    await expect(Promise.all(again)).resolves.toHaveLength(3);
  });

  it("maxQueue 0 allows only the running call; parameter errors do not take a slot", async () => {
    const argon2 = createArgon2id(modules, { maxQueue: 0 });
    // All calls are made before anything is awaited, so `first` is still running.
    const first = argon2.hash(smallInput(1));
    const invalid = argon2.hash(smallInput(1, { iterations: 0 }));
    const busy = argon2.hash(smallInput(2));
    await expect(invalid).rejects.toBeInstanceOf(Argon2ParameterError);
    await expect(busy).rejects.toBeInstanceOf(HashingBusyError);
    expect(hex(await first)).toBe(hex(await reference(smallInput(1))));
    await expect(argon2.hash(smallInput(2))).resolves.toHaveLength(32);
  });

  it("a failing hash releases the queue for the next one", async () => {
    const argon2 = createArgon2id(modules, { maxQueue: 1 });
    const failing = argon2.hash(smallInput(1, { memoryKiB: 2 ** 21 }));
    const next = argon2.hash(smallInput(2));
    await expect(failing).rejects.toBeInstanceOf(Argon2MemoryError);
    expect(hex(await next)).toBe(hex(await reference(smallInput(2))));
  });
});

describe("serial queue", () => {
  function deferred() {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  }

  it("runs tasks one at a time in FIFO order", async () => {
    const queue = createSerialQueue(10);
    const gates = Array.from({ length: 4 }, deferred);
    const events: string[] = [];
    let active = 0;
    let maxActive = 0;
    const results = gates.map((gate, i) =>
      queue.run(async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        events.push(`start ${i}`);
        await gate.promise;
        events.push(`end ${i}`);
        active--;
        return i;
      }),
    );
    expect(queue.running).toBe(true);
    expect(queue.waiting).toBe(3);
    // Release in reverse order: completion must still follow submission order.
    for (const gate of [...gates].reverse()) gate.resolve();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
    expect(maxActive).toBe(1);
    expect(events).toEqual([
      "start 0",
      "end 0",
      "start 1",
      "end 1",
      "start 2",
      "end 2",
      "start 3",
      "end 3",
    ]);
    expect(queue.running).toBe(false);
    expect(queue.waiting).toBe(0);
  });

  it("bounds the waiting list and keeps going after task errors", async () => {
    const queue = createSerialQueue(1);
    const gate = deferred();
    const first = queue.run(async () => {
      await gate.promise;
      throw new Error("boom");
    });
    const second = queue.run(() => "second");
    await expect(queue.run(() => "third")).rejects.toBeInstanceOf(HashingBusyError);
    gate.resolve();
    await expect(first).rejects.toThrow("boom");
    await expect(second).resolves.toBe("second");
    await expect(queue.run(() => "fourth")).resolves.toBe("fourth");
  });

  it("rejects invalid bounds", () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createSerialQueue(bad)).toThrow(RangeError);
    }
  });
});

describe("argon2id driver: parameter validation", () => {
  const bad: Array<[string, Partial<Record<keyof Argon2idInput, unknown>>, RegExp]> = [
    ["salt shorter than 8 bytes", { salt: fill(7, 1) }, /salt/],
    ["salt not bytes", { salt: "salt-salt-salt" }, /salt/],
    ["password as string", { password: "hunter2" }, /password/],
    ["password as number[]", { password: [1, 2, 3] }, /password/],
    ["secret as string", { secret: "pepper" }, /secret/],
    ["associatedData as string", { associatedData: "ad" }, /associatedData/],
    ["parallelism 0", { parallelism: 0 }, /parallelism/],
    ["parallelism 2^24", { parallelism: 2 ** 24, memoryKiB: 2 ** 28 }, /parallelism/],
    ["parallelism fractional", { parallelism: 1.5 }, /parallelism/],
    ["memory below 8p", { parallelism: 4, memoryKiB: 31 }, /memoryKiB/],
    ["memory NaN", { memoryKiB: Number.NaN }, /memoryKiB/],
    ["memory as string", { memoryKiB: "64" }, /memoryKiB/],
    ["memory above 2^32-1", { memoryKiB: 2 ** 32 }, /memoryKiB/],
    ["iterations 0", { iterations: 0 }, /iterations/],
    ["iterations Infinity", { iterations: Number.POSITIVE_INFINITY }, /iterations/],
    ["iterations above 2^32-1", { iterations: 2 ** 32 }, /iterations/],
    ["hashLength 3", { hashLength: 3 }, /hashLength/],
    ["hashLength fractional", { hashLength: 32.5 }, /hashLength/],
  ];

  it.each(bad)("rejects %s", async (_name, overrides, message) => {
    const { instantiations } = watchInstantiation();
    const argon2: Argon2id = createArgon2id(modules);
    const input = { ...smallInput(1), ...overrides } as Argon2idInput;
    const result = argon2.hash(input);
    await expect(result).rejects.toBeInstanceOf(Argon2ParameterError);
    await expect(result).rejects.toThrow(message);
    expect(instantiations()).toBe(0);
  });

  it("accepts the boundary values", async () => {
    const argon2 = createArgon2id(modules);
    const input = smallInput(1, {
      salt: fill(8, 5),
      password: new Uint8Array(0),
      parallelism: 2,
      memoryKiB: 16,
      hashLength: 4,
    });
    await expect(argon2.hash(input)).resolves.toHaveLength(4);
  });

  it("rejects bad modules and options at construction", () => {
    expect(() => createArgon2id({ argon2: modules.blake2b, blake2b: modules.argon2 })).toThrow(
      /lacks exports/,
    );
    expect(() =>
      createArgon2id({ argon2: new Uint8Array(8), blake2b: modules.blake2b } as never),
    ).toThrow(/WebAssembly.Module/);
    expect(() => createArgon2id(modules, { maxQueue: -1 })).toThrow(RangeError);
    expect(() => createArgon2id(modules, { maxMemoryKiB: 0 })).toThrow(Argon2ParameterError);
  });
});

describe("PHC strings", () => {
  const limits: PhcLimits = { ...DEFAULT_PHC_LIMITS };
  const salt16 = Uint8Array.from({ length: 16 }, (_, i) => i);
  const hash32 = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
  const sample: Argon2idPhc = {
    memoryKiB: 65536,
    iterations: 3,
    parallelism: 4,
    salt: salt16,
    hash: hash32,
  };
  const sampleString = encodeArgon2idPhc(sample);
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64").replace(/=+$/, "");

  it("encodes the reference format", () => {
    expect(sampleString).toBe(`$argon2id$v=19$m=65536,t=3,p=4$${b64(salt16)}$${b64(hash32)}`);
    expect(sampleString).toBe(
      "$argon2id$v=19$m=65536,t=3,p=4$AAECAwQFBgcICQoLDA0ODw$//79/Pv6+fj39vX08/Lx8O/u7ezr6uno5+bl5OPi4eA",
    );
    expect(encodeArgon2idPhc({ ...sample, keyid: "p1" })).toBe(
      `$argon2id$v=19$m=65536,t=3,p=4,keyid=p1$${b64(salt16)}$${b64(hash32)}`,
    );
  });

  it("round-trips random values, with and without keyid", () => {
    const random = prng(77);
    for (let i = 0; i < 200; i++) {
      const [a = 0, b = 0, c = 0] = random(3);
      const value: Argon2idPhc = {
        memoryKiB: 8 + a * 100,
        iterations: 1 + (b % 10),
        parallelism: 1,
        salt: random(limits.minSaltBytes + (a % 40)),
        hash: random(limits.minHashBytes + (c % 49)),
      };
      if (c % 2 === 0) value.keyid = `k${i}.v-${c}`;
      const encoded = encodeArgon2idPhc(value);
      const [, , , , saltField = "", hashField = ""] = encoded.split("$");
      // Same as Node's base64 without padding
      expect(saltField).toBe(b64(value.salt));
      expect(hashField).toBe(b64(value.hash));
      const decoded = decodeArgon2idPhc(encoded, limits);
      expect(decoded).toEqual(value);
      if (decoded !== null) expect(encodeArgon2idPhc(decoded)).toBe(encoded);
    }
  });

  it("parses keyid", () => {
    const withKey = `$argon2id$v=19$m=65536,t=3,p=4,keyid=p1$${b64(salt16)}$${b64(hash32)}`;
    expect(decodeArgon2idPhc(withKey, limits)?.keyid).toBe("p1");
    expect(decodeArgon2idPhc(sampleString, limits)).not.toHaveProperty("keyid");
    expect(
      decodeArgon2idPhc(withKey.replace("keyid=p1", "keyid=Pepper/2024+v.1-x"), limits)?.keyid,
    ).toBe("Pepper/2024+v.1-x");
  });

  const S = b64(salt16);
  const H = b64(hash32);
  const rejected: Array<[string, unknown, "malformed" | "unsupported" | "limits"]> = [
    ["not a string", 42, "malformed"],
    ["undefined", undefined, "malformed"],
    ["object", { toString: () => sampleString }, "malformed"],
    ["empty", "", "malformed"],
    ["no leading $", sampleString.slice(1), "malformed"],
    ["argon2i", sampleString.replace("argon2id", "argon2i"), "unsupported"],
    ["argon2d", sampleString.replace("argon2id", "argon2d"), "unsupported"],
    ["bcrypt", "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "unsupported"],
    ["uppercase id", sampleString.replace("argon2id", "ARGON2ID"), "malformed"],
    ["version 16", sampleString.replace("v=19", "v=16"), "unsupported"],
    ["no version (Argon2 1.0)", `$argon2id$m=65536,t=3,p=4$${S}$${H}`, "unsupported"],
    ["version leading zero", sampleString.replace("v=19", "v=019"), "malformed"],
    ["version name wrong", sampleString.replace("v=19", "x=19"), "malformed"],
    ["params out of order", `$argon2id$v=19$t=3,m=65536,p=4$${S}$${H}`, "malformed"],
    ["param missing", `$argon2id$v=19$m=65536,t=3$${S}$${H}`, "malformed"],
    ["param empty value", `$argon2id$v=19$m=,t=3,p=4$${S}$${H}`, "malformed"],
    ["leading zero", `$argon2id$v=19$m=065536,t=3,p=4$${S}$${H}`, "malformed"],
    ["negative", `$argon2id$v=19$m=65536,t=-3,p=4$${S}$${H}`, "malformed"],
    ["plus sign", `$argon2id$v=19$m=65536,t=+3,p=4$${S}$${H}`, "malformed"],
    ["hex number", `$argon2id$v=19$m=0x10000,t=3,p=4$${S}$${H}`, "malformed"],
    ["exponent", `$argon2id$v=19$m=6e4,t=3,p=4$${S}$${H}`, "malformed"],
    ["whitespace", `$argon2id$v=19$m=65536, t=3,p=4$${S}$${H}`, "malformed"],
    ["trailing comma", `$argon2id$v=19$m=65536,t=3,p=4,$${S}$${H}`, "malformed"],
    ["m above 2^32-1", `$argon2id$v=19$m=4294967296,t=3,p=4$${S}$${H}`, "malformed"],
    ["t = 0", `$argon2id$v=19$m=65536,t=0,p=4$${S}$${H}`, "malformed"],
    ["p = 0", `$argon2id$v=19$m=65536,t=3,p=0$${S}$${H}`, "malformed"],
    ["m below 8p", `$argon2id$v=19$m=31,t=3,p=4$${S}$${H}`, "malformed"],
    ["unknown param", `$argon2id$v=19$m=65536,t=3,p=4,data=AAAA$${S}$${H}`, "unsupported"],
    ["param after keyid", `$argon2id$v=19$m=65536,t=3,p=4,keyid=a,x=1$${S}$${H}`, "unsupported"],
    ["empty keyid", `$argon2id$v=19$m=65536,t=3,p=4,keyid=$${S}$${H}`, "malformed"],
    ["keyid bad char", `$argon2id$v=19$m=65536,t=3,p=4,keyid=a_b$${S}$${H}`, "malformed"],
    [
      "keyid too long",
      `$argon2id$v=19$m=65536,t=3,p=4,keyid=${"k".repeat(33)}$${S}$${H}`,
      "malformed",
    ],
    ["missing hash", `$argon2id$v=19$m=65536,t=3,p=4$${S}`, "malformed"],
    ["empty hash", `$argon2id$v=19$m=65536,t=3,p=4$${S}$`, "malformed"],
    ["empty salt", `$argon2id$v=19$m=65536,t=3,p=4$$${H}`, "malformed"],
    ["extra field", `${sampleString}$extra`, "malformed"],
    ["trailing $", `${sampleString}$`, "malformed"],
    ["padded salt", `$argon2id$v=19$m=65536,t=3,p=4$${S}==$${H}`, "malformed"],
    ["url-safe alphabet", sampleString.replace("//79", "__79"), "malformed"],
    [
      "non-canonical trailing bits",
      `$argon2id$v=19$m=65536,t=3,p=4$${S.slice(0, -1)}x$${H}`,
      "malformed",
    ],
    ["base64 length 1 mod 4", `$argon2id$v=19$m=65536,t=3,p=4$${S}AAA$${H}`, "malformed"],
    ["non-ASCII", `$argon2id$v=19$m=65536,t=3,p=4$${S.slice(0, -1)}é$${H}`, "malformed"],
    [
      "salt shorter than 8 bytes",
      `$argon2id$v=19$m=65536,t=3,p=4$${b64(fill(7, 1))}$${H}`,
      "malformed",
    ],
    [
      "hash shorter than 4 bytes",
      `$argon2id$v=19$m=65536,t=3,p=4$${S}$${b64(fill(3, 1))}`,
      "malformed",
    ],
    ["m above limit", `$argon2id$v=19$m=65537,t=3,p=4$${S}$${H}`, "limits"],
    ["t above limit", `$argon2id$v=19$m=65536,t=11,p=4$${S}$${H}`, "limits"],
    ["p above limit", `$argon2id$v=19$m=65536,t=3,p=17$${S}$${H}`, "limits"],
    ["hash below limit", `$argon2id$v=19$m=65536,t=3,p=4$${S}$${b64(fill(15, 1))}`, "limits"],
    ["hash above limit", `$argon2id$v=19$m=65536,t=3,p=4$${S}$${b64(fill(65, 1))}`, "limits"],
    ["salt above limit", `$argon2id$v=19$m=65536,t=3,p=4$${b64(fill(65, 1))}$${H}`, "limits"],
    ["absurdly long", `${sampleString}${"A".repeat(100_000)}`, "limits"],
  ];

  it.each(rejected)("rejects %s", (_name, input, reason) => {
    expect(decodeArgon2idPhc(input, limits)).toBeNull();
    expect(parseArgon2idPhc(input, limits)).toEqual({ ok: false, reason });
  });

  it("accepts the sample itself (the rejection table is not vacuous)", () => {
    expect(parseArgon2idPhc(sampleString, limits)).toEqual({ ok: true, value: sample });
  });

  it("never throws, even with nonsense limits", () => {
    expect(parseArgon2idPhc(sampleString, undefined as never)).toEqual({
      ok: false,
      reason: "malformed",
    });
    const tight = { ...limits, maxMemoryKiB: 1024 };
    expect(parseArgon2idPhc(sampleString, tight)).toEqual({ ok: false, reason: "limits" });
  });

  it("refuses to encode values that could not be decoded", () => {
    expect(() => encodeArgon2idPhc({ ...sample, memoryKiB: 31 })).toThrow(RangeError);
    expect(() => encodeArgon2idPhc({ ...sample, iterations: 0 })).toThrow(RangeError);
    expect(() => encodeArgon2idPhc({ ...sample, salt: fill(4, 1) })).toThrow(RangeError);
    expect(() => encodeArgon2idPhc({ ...sample, keyid: "has space" })).toThrow(RangeError);
    expect(() => encodeArgon2idPhc({ ...sample, keyid: "" })).toThrow(RangeError);
  });

  it("decodes hash-wasm's encoded output and verifies it with our driver", async () => {
    const argon2 = createArgon2id(modules);
    const random = prng(2024);
    const configs = [
      { memorySize: 64, iterations: 1, parallelism: 1, hashLength: 32, secret: undefined },
      { memorySize: 257, iterations: 2, parallelism: 4, hashLength: 16, secret: undefined },
      { memorySize: 1024, iterations: 3, parallelism: 2, hashLength: 64, secret: fill(32, 0x5a) },
    ];
    for (const config of configs) {
      const password = random(20);
      const salt = random(16);
      const encoded = await hashWasmArgon2id({ ...config, password, salt, outputType: "encoded" });
      const decoded = decodeArgon2idPhc(encoded, limits);
      if (decoded === null) throw new Error(`could not decode ${encoded}`);
      expect(decoded.salt).toEqual(salt);
      expect(encodeArgon2idPhc(decoded)).toBe(encoded);
      const verify = (pw: Uint8Array) =>
        argon2.hash({
          password: pw,
          salt: decoded.salt,
          secret: config.secret,
          memoryKiB: decoded.memoryKiB,
          iterations: decoded.iterations,
          parallelism: decoded.parallelism,
          hashLength: decoded.hash.length,
        });
      expect(hex(await verify(password))).toBe(hex(decoded.hash));
      const wrong = password.slice();
      wrong[0] = (wrong[0] ?? 0) ^ 1;
      expect(hex(await verify(wrong))).not.toBe(hex(decoded.hash));
    }
  });
});
