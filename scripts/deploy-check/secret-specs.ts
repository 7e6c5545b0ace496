// Which secrets the Worker reads and what each is for, taken from the files that
// already say so: the names and their descriptions from .dev.vars.example, whether
// one is required from the Worker's own schema (src/config.ts). No third list.
import { configVariables } from "../../src/config.ts";

export interface SecretSpec {
  name: string;
  /** The Worker refuses to start without it. */
  required: boolean;
  /** The comment right above the name in .dev.vars.example. */
  about: string;
}

/** Local development and tests only; a production deployment must not set them. */
export const DEV_ONLY_SECRETS: ReadonlySet<string> = new Set(["NEON_FETCH_ENDPOINT"]);

/**
 * Every `NAME=` line of a .dev.vars.example, described by the comment lines
 * directly above it (a blank line ends a comment, so the file's header
 * describes nothing).
 */
export function readSecretSpecs(text: string, variables = configVariables()): SecretSpec[] {
  const required = new Map(variables.map((v) => [v.name, v.required]));
  const specs: SecretSpec[] = [];
  let comment: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("#")) {
      comment.push(line.replace(/^#\s?/, ""));
      continue;
    }
    const name = /^([A-Z][A-Z0-9_]*)\s*=/.exec(line)?.[1];
    if (name) specs.push({ name, required: required.get(name) ?? false, about: comment.join(" ") });
    comment = [];
  }
  return specs;
}
