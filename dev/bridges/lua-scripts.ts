// Makes Upstash-flavoured Lua scripts run on open-source Redis 7.
//
// @upstash/ratelimit's scripts start with "#!lua flags=allow-key-locking", a flag
// Upstash understands and Redis 7 rejects ("Unexpected flag in script shebang").
// We drop flags Redis does not know but keep the "#!lua" line itself: a shebang
// changes script semantics in Redis 7 (e.g. EVAL_RO needs no-writes), and keeping
// the line keeps line numbers in Lua error messages right.
//
// Clients address cached scripts by the SHA1 of the script *they* sent, while
// Redis knows the SHA1 of the stripped text. ScriptRewriter translates between the
// two for EVALSHA[_RO], SCRIPT LOAD and SCRIPT EXISTS. A SHA it has not seen is
// passed through unchanged, so Redis answers NOSCRIPT and the client falls back to
// EVAL, which teaches us the mapping.
import { createHash } from "node:crypto";
import type { RespValue } from "./resp-codec.ts";
import { RespError } from "./resp-codec.ts";

/** Script flags Redis 7.0 accepts in a shebang. */
export const REDIS_SCRIPT_FLAGS: ReadonlySet<string> = new Set([
  "no-writes",
  "allow-oom",
  "allow-stale",
  "no-cluster",
  "allow-cross-slot-keys",
]);

export function sha1Hex(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}

/** Returns the script with unsupported shebang flags removed (the same string if none). */
export function stripUnsupportedShebangFlags(script: string): string {
  if (!script.startsWith("#!")) return script;
  const lineEnd = script.indexOf("\n");
  const firstLine = lineEnd === -1 ? script : script.slice(0, lineEnd);
  const rest = lineEnd === -1 ? "" : script.slice(lineEnd);
  const [engine, ...options] = firstLine.slice(2).trim().split(/\s+/);
  let changed = false;
  const kept = options.flatMap((option) => {
    if (!option.startsWith("flags=")) return [option];
    const flags = option.slice("flags=".length).split(",");
    const supported = flags.filter((flag) => REDIS_SCRIPT_FLAGS.has(flag));
    if (supported.length === flags.length) return [option];
    changed = true;
    return supported.length > 0 ? [`flags=${supported.join(",")}`] : [];
  });
  if (!changed) return script;
  return `#!${[engine, ...kept].join(" ")}${rest}`;
}

export interface RewrittenCommand {
  args: string[];
  /** Adjusts the reply back to what the client expects, if needed. */
  mapReply?: (reply: RespValue) => RespValue;
}

/** Rewrites script commands; keeps the original→stripped SHA map for the bridge's lifetime. */
export class ScriptRewriter {
  readonly #serverSha = new Map<string, string>();

  rewrite(args: string[]): RewrittenCommand {
    const name = args[0]?.toLowerCase();
    const sub = args[1]?.toLowerCase();
    if ((name === "eval" || name === "eval_ro") && args[1] !== undefined) {
      return { args: [args[0] as string, this.#prepare(args[1]), ...args.slice(2)] };
    }
    if ((name === "evalsha" || name === "evalsha_ro") && args[1] !== undefined) {
      return { args: [args[0] as string, this.#toServerSha(args[1]), ...args.slice(2)] };
    }
    if (name === "script" && sub === "load" && args[2] !== undefined) {
      const original = args[2];
      return {
        args: [args[0] as string, args[1] as string, this.#prepare(original)],
        mapReply: (reply) =>
          reply instanceof RespError || reply === null ? reply : Buffer.from(sha1Hex(original)),
      };
    }
    if (name === "script" && sub === "exists") {
      return { args: [...args.slice(0, 2), ...args.slice(2).map((sha) => this.#toServerSha(sha))] };
    }
    return { args };
  }

  #prepare(script: string): string {
    const stripped = stripUnsupportedShebangFlags(script);
    if (stripped !== script) this.#serverSha.set(sha1Hex(script), sha1Hex(stripped));
    return stripped;
  }

  #toServerSha(sha: string): string {
    return this.#serverSha.get(sha.toLowerCase()) ?? sha;
  }
}
