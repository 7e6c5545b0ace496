// Hands a secret to `wrangler secret put` on its standard input, so that what
// wrangler stores is the value and nothing else. (A shell pipe from `npm run`
// would carry npm's banner, "> edge-auth-worker@0.1.0 keys:generate", which
// npm prints on stdout, into the secret.)
import { spawn } from "node:child_process";

/** `npx wrangler secret put NAME`, plus options for wrangler (e.g. `--env production`). */
export function wranglerSecretPut(name: string, wranglerOptions: readonly string[] = []): string[] {
  return ["npx", "wrangler", "secret", "put", name, ...wranglerOptions];
}

/**
 * Runs `command` with `value` as its whole standard input (no trailing
 * newline); its output goes to this terminal. Resolves with its exit code.
 */
export function putSecret(command: readonly string[], value: string): Promise<number> {
  const [program, ...args] = command;
  if (!program) return Promise.reject(new Error("no command"));
  const child = spawn(program, args, { stdio: ["pipe", "inherit", "inherit"] });
  // A command that exits without reading (bad options) must not crash us with EPIPE.
  child.stdin.on("error", () => {});
  child.stdin.end(value);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 1));
  });
}
