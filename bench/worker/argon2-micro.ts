import { argon2ForIsolate } from "../../src/adapters/wasm/argon2.ts";
import { maxStoredHashMemoryKiB } from "../../src/auth/password/hasher.ts";
import type { Config } from "../../src/config.ts";
import { round3, timeBatch } from "./clock.ts";

/** The fixed inputs the native reference CLI gets too, so both tags must match. */
export const ARGON2_BENCH_PASSWORD = "edge-auth benchmark password";
export const ARGON2_BENCH_SALT = "edge-auth-salt16";

/**
 * argon2id through the production driver (the isolate's one reused instance)
 * at the configured parameters; `n` hashes, each timed on its own.
 */
export async function argon2Micro(config: Config, n: number) {
  const { memoryKiB, iterations, parallelism } = config.password.argon2;
  const argon2 = argon2ForIsolate({
    maxQueue: config.password.maxQueue,
    maxMemoryKiB: maxStoredHashMemoryKiB(memoryKiB),
  });
  const input = {
    password: new TextEncoder().encode(ARGON2_BENCH_PASSWORD),
    salt: new TextEncoder().encode(ARGON2_BENCH_SALT),
    memoryKiB,
    iterations,
    parallelism,
    hashLength: 32,
  };
  let tag: Uint8Array = new Uint8Array();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    ms.push(
      round3(
        await timeBatch(1, async () => {
          tag = await argon2.hash(input);
        }),
      ),
    );
  }
  return {
    params: { memoryKiB, iterations, parallelism, hashLength: 32 },
    ms,
    tagHex: [...tag].map((b) => b.toString(16).padStart(2, "0")).join(""),
    // The WASM linear memory the isolate now holds for good (V8's heap figures omit it).
    linearMemoryMiB: round3(argon2.memoryBytes() / (1024 * 1024)),
  };
}
