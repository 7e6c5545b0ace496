// workerd runs only precompiled WebAssembly, so the modules come in as imports
// (generated/ is extracted from the installed hash-wasm by scripts/extract-wasm.ts).
import argon2Module from "../../../generated/argon2.wasm";
import blake2bModule from "../../../generated/blake2b.wasm";
import type { Argon2id } from "../../auth/password/argon2id";
import { createArgon2id } from "./argon2id-driver";

// One argon2 instance per isolate, reused and serialized: its 64 MiB of linear
// memory is allocated once instead of per hash (production isolates have 128 MB).
let instance: Argon2id | undefined;

export function argon2ForIsolate(opts: { maxQueue: number; maxMemoryKiB: number }): Argon2id {
  instance ??= createArgon2id({ argon2: argon2Module, blake2b: blake2bModule }, opts);
  return instance;
}
