// workerd runs only precompiled WebAssembly, so the modules come in as imports
// (generated/ is extracted from the installed hash-wasm by scripts/extract-wasm.ts).
import argon2Module from "../../../generated/argon2.wasm";
import blake2bModule from "../../../generated/blake2b.wasm";
import type { Argon2id } from "../../auth/password/argon2id";
import { inSpan } from "../tracing";
import { createArgon2id } from "./argon2id-driver";

// One argon2 instance per isolate, reused and serialized: its 64 MiB of linear
// memory is allocated once instead of per hash (production isolates have 128 MB).
let instance: Argon2id | undefined;

/**
 * Traced (docs/operations.md): `argon2id.hash` spans the wait in the isolate's
 * queue and the computation, `argon2id.compute` the computation alone, so the
 * queue wait is the difference.
 */
export function argon2ForIsolate(opts: { maxQueue: number; maxMemoryKiB: number }): Argon2id {
  instance ??= traced(
    createArgon2id(
      { argon2: argon2Module, blake2b: blake2bModule },
      { ...opts, aroundCompute: (compute) => inSpan("argon2id.compute", {}, compute) },
    ),
  );
  return instance;
}

function traced(inner: Argon2id): Argon2id {
  return {
    memoryBytes: () => inner.memoryBytes(),
    hash: (input) =>
      inSpan("argon2id.hash", { "argon2.memory_kib": input.memoryKiB }, () => inner.hash(input)),
  };
}
