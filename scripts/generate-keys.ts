// New Ed25519 signing keys (docs/key-rotation.md).
//
// `npm run keys:generate -- --put [wrangler options]`: generates a SIGNING_KEYS
//   value (a JWK set with one current key) and stores it itself with
//   `npx wrangler secret put SIGNING_KEYS`, the key on wrangler's stdin only.
//   This replaces the whole set: for a deployment's first key. E.g.
//   `npm run keys:generate -- --put --env production`.
// `node scripts/generate-keys.ts`: prints that value, and nothing else, on stdout.
//   (Not `npm run keys:generate | ...`: npm prints its own banner on stdout too.)
// `node scripts/generate-keys.ts --next`: prints one key with status "next", to
//   add to an existing set when rotating.
import { generateSigningKey, generateSigningKeySet } from "../dev/keys.ts";
import { putSecret, wranglerSecretPut } from "./put-secret.ts";

export type KeysRequest =
  | { kind: "print"; next: boolean }
  | { kind: "put"; wranglerOptions: string[] }
  | { kind: "usage"; problem: string };

export function parseKeysArgs(argv: readonly string[]): KeysRequest {
  const put = argv.indexOf("--put");
  if (put === -1) {
    const unknown = argv.filter((a) => a !== "--next");
    return unknown.length === 0
      ? { kind: "print", next: argv.includes("--next") }
      : { kind: "usage", problem: `unknown option ${unknown[0]}` };
  }
  const wranglerOptions = argv.filter((_, i) => i !== put);
  // A "next" key stored alone would replace the whole set, current key included.
  if (wranglerOptions.includes("--next")) {
    return {
      kind: "usage",
      problem:
        "--next prints a key to add to the existing SIGNING_KEYS by hand (docs/key-rotation.md); --put would replace the whole set with it",
    };
  }
  return { kind: "put", wranglerOptions };
}

const USAGE = `usage:
  npm run keys:generate -- --put [wrangler options]   store a new SIGNING_KEYS with wrangler
  node scripts/generate-keys.ts [--next]              print a new key set (or one "next" key)`;

export interface KeysIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  put: (command: readonly string[], value: string) => Promise<number>;
}

/** Runs the command; resolves with the exit code. */
export async function runKeysCommand(argv: readonly string[], io: KeysIo): Promise<number> {
  const request = parseKeysArgs(argv);
  if (request.kind === "usage") {
    io.stderr(`${request.problem}\n${USAGE}\n`);
    return 2;
  }
  if (request.kind === "print") {
    io.stdout(
      `${request.next ? JSON.stringify(await generateSigningKey("next")) : await generateSigningKeySet()}\n`,
    );
    return 0;
  }
  const command = wranglerSecretPut("SIGNING_KEYS", request.wranglerOptions);
  io.stderr(`storing a new signing key set with: ${command.join(" ")}\n`);
  return io.put(command, await generateSigningKeySet());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runKeysCommand(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    put: putSecret,
  });
}
