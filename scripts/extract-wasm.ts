/**
 * Extracts the argon2 and blake2b WebAssembly binaries that hash-wasm embeds
 * (as base64) in its dist bundle and writes them to `generated/*.wasm`.
 *
 * workerd refuses to compile WASM from bytes at runtime, so the Worker imports
 * these files as precompiled modules instead (see src/adapters/wasm/argon2id-driver.ts).
 * The files are build artefacts (git-ignored), regenerated from the installed
 * hash-wasm version.
 *
 * Usage: node scripts/extract-wasm.ts
 */

import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface WasmSpec {
  /** The `name` hash-wasm gives the embedded binary. */
  name: string;
  /** Exports our driver relies on; checked so a hash-wasm upgrade cannot silently break the ABI. */
  requiredExports: readonly string[];
}

export const WASM_SPECS: readonly WasmSpec[] = [
  {
    name: "argon2",
    requiredExports: ["memory", "Hash_GetBuffer", "Hash_SetMemorySize", "Hash_Calculate"],
  },
  {
    name: "blake2b",
    requiredExports: ["memory", "Hash_GetBuffer", "Hash_Init", "Hash_Update", "Hash_Final"],
  },
];

const GENERATED_DIR = "generated";

export interface EmbeddedWasm {
  name: string;
  base64: string;
  /** hash-wasm's fingerprint: the first 4 bytes of SHA-1 of the binary, as hex. */
  hash: string | undefined;
}

export type WriteStatus = "written" | "unchanged";

export interface ExtractedWasm {
  name: string;
  file: string;
  bytes: number;
  status: WriteStatus;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Finds an embedded binary in a hash-wasm bundle. Understands both the
 * unminified form (`var name$k = "argon2"; var data$k = "..."; var hash$k = "...";`)
 * and the minified one (`{name:"argon2",data:"...",hash:"..."}`).
 */
export function findEmbeddedWasm(bundle: string, name: string): EmbeddedWasm {
  const quoted = escapeRegExp(JSON.stringify(name));
  const patterns = [
    new RegExp(
      String.raw`\bvar name(\$\w*)? = ${quoted};\s*var data\1 = "([A-Za-z0-9+/=]+)";(?:\s*var hash\1 = "([0-9a-f]+)";)?`,
      "g",
    ),
    new RegExp(
      String.raw`\{name:${quoted},data:"([A-Za-z0-9+/=]+)"(?:,hash:"([0-9a-f]+)")?\}`,
      "g",
    ),
  ];
  const found = new Map<string, EmbeddedWasm>();
  for (const [index, pattern] of patterns.entries()) {
    for (const match of bundle.matchAll(pattern)) {
      const base64 = index === 0 ? match[2] : match[1];
      const hash = index === 0 ? match[3] : match[2];
      if (base64 !== undefined) found.set(base64, { name, base64, hash });
    }
  }
  const [first, ...rest] = found.values();
  if (first === undefined) {
    throw new Error(`embedded WASM "${name}" not found in hash-wasm bundle`);
  }
  if (rest.length > 0) {
    throw new Error(`hash-wasm bundle contains ${found.size} different "${name}" binaries`);
  }
  return first;
}

/** Decodes and checks an embedded binary; throws if anything looks off. */
export function decodeEmbeddedWasm(embedded: EmbeddedWasm, spec: WasmSpec): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(embedded.base64, "base64"));
  if (Buffer.from(bytes).toString("base64") !== embedded.base64) {
    throw new Error(`embedded WASM "${embedded.name}" is not canonical base64`);
  }
  if (!WebAssembly.validate(bytes)) {
    throw new Error(`embedded WASM "${embedded.name}" does not validate`);
  }
  if (embedded.hash !== undefined) {
    const fingerprint = createHash("sha1")
      .update(bytes)
      .digest("hex")
      .slice(0, embedded.hash.length);
    if (fingerprint !== embedded.hash) {
      throw new Error(
        `embedded WASM "${embedded.name}" fingerprint ${fingerprint} != bundle's ${embedded.hash}`,
      );
    }
  }
  const module = new WebAssembly.Module(bytes);
  const imports = WebAssembly.Module.imports(module);
  if (imports.length > 0) {
    throw new Error(`embedded WASM "${embedded.name}" unexpectedly has imports`);
  }
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = spec.requiredExports.filter((e) => !exported.has(e));
  if (missing.length > 0) {
    throw new Error(`embedded WASM "${embedded.name}" lacks exports: ${missing.join(", ")}`);
  }
  return bytes;
}

/** Path of hash-wasm's unminified ESM bundle, as resolved from `rootDir`. */
function resolveHashWasmBundle(rootDir: string): string {
  const require = createRequire(path.join(path.resolve(rootDir), "package.json"));
  const main = require.resolve("hash-wasm"); // .../hash-wasm/dist/index.umd.js
  return path.join(path.dirname(main), "index.esm.js");
}

async function readIfExists(file: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Writes `generated/<name>.wasm` for every spec whose file is missing or differs. */
export async function extractWasm(rootDir: string): Promise<ExtractedWasm[]> {
  const bundle = await readFile(resolveHashWasmBundle(rootDir), "utf8");
  const outDir = path.join(path.resolve(rootDir), GENERATED_DIR);
  await mkdir(outDir, { recursive: true });
  const results: ExtractedWasm[] = [];
  for (const spec of WASM_SPECS) {
    const bytes = decodeEmbeddedWasm(findEmbeddedWasm(bundle, spec.name), spec);
    const file = path.join(outDir, `${spec.name}.wasm`);
    const existing = await readIfExists(file);
    let status: WriteStatus = "unchanged";
    if (existing === undefined || !sameBytes(existing, bytes)) {
      // Write then rename so concurrent readers never see a partial file.
      const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(temp, bytes);
      await rename(temp, file);
      status = "written";
    }
    results.push({ name: spec.name, file, bytes: bytes.length, status });
  }
  return results;
}

/** Idempotently makes sure `generated/argon2.wasm` and `generated/blake2b.wasm` exist and are current. */
export async function ensureWasm(rootDir: string): Promise<void> {
  await extractWasm(rootDir);
}

const isMain =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);

if (isMain) {
  const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  try {
    for (const result of await extractWasm(rootDir)) {
      console.log(
        `${path.relative(rootDir, result.file)}: ${result.status} (${result.bytes} bytes)`,
      );
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
