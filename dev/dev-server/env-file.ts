// The Worker's variables for `wrangler dev`, handed over in a file only this
// user may read (`--env-file`) rather than as `--var NAME:value` arguments: a
// process's command line is readable by every local user (`ps`,
// /proc/<pid>/cmdline), and these include the dev secrets and any real ones
// (a provider's client secret, an Upstash token) set in the environment.
import { rmSync, writeFileSync } from "node:fs";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * One line that wrangler's loader (dotenv, then dotenv-expand) reads back as
 * exactly `value`: single or backtick quotes, which dotenv leaves unprocessed,
 * and every `$` escaped, since dotenv-expand would otherwise substitute
 * `$NAME` and `${NAME}` and then turns `\$` back into `$`. Refuses what no
 * quoting carries through that loader (a line break; a value holding both
 * quote kinds, or ending in a backslash that would escape the closing quote),
 * naming the variable but never its value.
 */
export function dotenvLine(name: string, value: string): string {
  if (!NAME.test(name)) throw new Error(`not a variable name: ${JSON.stringify(name)}`);
  const quote = ["'", "`"].find((q) => !value.includes(q));
  if (/[\r\n]/.test(value) || quote === undefined || value.endsWith("\\")) {
    throw new Error(`${name}: this value cannot be handed to wrangler dev in an env file`);
  }
  return `${name}=${quote}${value.replaceAll("$", "\\$")}${quote}`;
}

/** Writes `vars` to `file`, readable and writable by this user only. */
export function writeEnvFile(file: string, vars: Record<string, string>): void {
  const text = `${Object.entries(vars)
    .map(([name, value]) => dotenvLine(name, value))
    .join("\n")}\n`;
  // Created anew, owner-only from its first byte: the mode applies only when a
  // file is created, and a chmod after writing would leave a moment in which a
  // readable leftover already held the secrets.
  rmSync(file, { force: true });
  writeFileSync(file, text, { mode: 0o600, flag: "wx" });
}
