// `npm run deploy:check`: validates a deployment's configuration before it goes
// live, with the Worker's own parser (src/config.ts) and production rules on top.
//
//   npm run deploy:check                                  # vars only
//   npm run deploy:check -- --env production --secrets-file prod.secrets.env
//
// Vars: read by wrangler's own config reader, exactly as `wrangler deploy [--env
// NAME]` uploads them (a named environment's `vars` replace the top-level ones;
// wrangler does not merge them). --config picks another wrangler file.
// Secrets: the names listed in .dev.vars.example, from the process environment
// and from --secrets-file (a dotenv file, which wins). With neither, only the vars
// are checked and the required secrets are listed for `wrangler secret put`.
//
// Human-readable lines go to stderr, one JSON line {ok, errors, warnings,
// secrets_missing} to stdout; no value is ever printed. Exit 0: ready to deploy;
// 1: problems; 2: usage, or the configuration could not be read.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, parseEnv } from "node:util";
import { unstable_readConfig } from "wrangler";
import { checkDeployment, type DeployReport } from "./deploy-check/check.ts";
import { DEV_ONLY_SECRETS, readSecretSpecs, type SecretSpec } from "./deploy-check/secret-specs.ts";

class UsageError extends Error {}

const USAGE =
  "usage: npm run deploy:check [-- --env NAME] [--secrets-file FILE] [--config wrangler.jsonc]";

const root = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url));

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
}

function readVars(config: string, env: string | undefined): Record<string, unknown> {
  try {
    return unstable_readConfig({ config, env }, { hideWarnings: false }).vars;
  } catch (err) {
    // wrangler's message names the file and the problem (e.g. an unknown environment).
    throw new UsageError(`cannot read ${config}: ${(err as Error).message}`);
  }
}

/** Where the check's input came from, for the first human-readable line. */
interface Sources {
  config: string;
  env: string | undefined;
  secretsFile: string | undefined;
  /** The secrets given, from either source. */
  given: ReadonlySet<string>;
}

function describe(result: DeployReport, specs: readonly SecretSpec[], from: Sources): string[] {
  const vars = `vars of ${path.relative(process.cwd(), from.config) || from.config}${from.env ? ` (env ${from.env})` : ""}`;
  const secrets =
    from.given.size === 0 && from.secretsFile === undefined
      ? "no secrets given (--secrets-file or the environment): only the vars are checked"
      : `secrets: ${from.given.size} given, from ${from.secretsFile ? `${from.secretsFile} and the environment` : "the environment"}`;
  const lines = [`deploy:check: ${vars}; ${secrets}`];
  for (const e of result.errors) lines.push(`error    ${e.variable}: ${e.problem}`);
  for (const w of result.warnings) lines.push(`warning  ${w.variable}: ${w.problem}`);
  const width = Math.max(...specs.map((s) => s.name.length));
  const row = (s: SecretSpec) => `  ${s.name.padEnd(width)}  ${s.about}`;
  const missing = specs.filter((s) => result.secrets_missing.includes(s.name));
  if (missing.length > 0) {
    lines.push(
      from.given.size === 0
        ? "the Worker needs these secrets; set each with `npx wrangler secret put NAME` (`npx wrangler secret list` shows what is set):"
        : "secrets to set with `npx wrangler secret put NAME`:",
      ...missing.map(row),
    );
  }
  const optional = specs.filter(
    (s) =>
      !s.required &&
      !from.given.has(s.name) &&
      !missing.includes(s) &&
      !DEV_ONLY_SECRETS.has(s.name),
  );
  if (optional.length > 0) lines.push("optional secrets not given:", ...optional.map(row));
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  lines.push(
    result.ok
      ? `ok: ${from.given.size === 0 && from.secretsFile === undefined ? "the vars can go live; the secrets were not checked" : "nothing stops this configuration going live"} (${count(result.warnings.length, "warning")})`
      : `not ready: ${count(result.errors.length, "error")}, ${count(result.warnings.length, "warning")}`,
  );
  return lines;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      env: { type: "string" },
      "secrets-file": { type: "string" },
      config: { type: "string", default: root("wrangler.jsonc") },
    },
  });
  const specs = readSecretSpecs(readText(root(".dev.vars.example")));
  const vars = readVars(values.config, values.env);
  const fromEnvironment = Object.fromEntries(
    specs.flatMap((s) => (process.env[s.name] ? [[s.name, process.env[s.name] as string]] : [])),
  );
  const secretsFile = values["secrets-file"];
  const fromFile = secretsFile === undefined ? {} : parseEnv(readText(secretsFile));
  const secrets: Record<string, string | undefined> = { ...fromEnvironment, ...fromFile };
  const given = new Set(specs.filter((s) => secrets[s.name]).map((s) => s.name));
  const secretsGiven = secretsFile !== undefined || given.size > 0;
  const result = checkDeployment({
    vars,
    secrets,
    secretsGiven,
    specs,
    environment: values.env,
  });
  const lines = describe(result, specs, {
    config: values.config,
    env: values.env,
    secretsFile,
    given,
  });
  process.stderr.write(`${lines.join("\n")}\n`);
  console.log(JSON.stringify(result));
  return result.ok ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (err) {
  const usage =
    err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
  // Only the class of an unexpected error: a message could quote its input (Node's
  // JSON.parse does), and the input may be a secret.
  const message = usage ? (err as Error).message : `${(err as Error)?.name}: cannot check`;
  console.error(`${message}\n${USAGE}`);
  console.log(JSON.stringify({ ok: false, error: message }));
  process.exitCode = 2;
}
