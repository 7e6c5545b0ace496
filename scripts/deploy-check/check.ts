// The check behind `npm run deploy:check` (scripts/check-deploy.ts): the
// Worker's own parser (src/config.ts) decides what the Worker would accept,
// then the production rules (./production-rules.ts) what may go live.
import { ConfigError, configVariables, parseConfig } from "../../src/config.ts";
import { type Finding, productionFindings } from "./production-rules.ts";
import type { SecretSpec } from "./secret-specs.ts";

export type { Finding } from "./production-rules.ts";

export interface DeploymentInput {
  /** The `vars` that `wrangler deploy` uploads, as the Worker receives them. */
  vars: Readonly<Record<string, unknown>>;
  /** The secret values given to the check (environment, --secrets-file). */
  secrets: Readonly<Record<string, string | undefined>>;
  /**
   * Whether a source of secrets was given. Without one only the vars can be
   * checked (secrets already stored with Cloudflare cannot be read back), so
   * absent secrets are listed, not counted as errors.
   */
  secretsGiven: boolean;
  specs: readonly SecretSpec[];
  /** The wrangler environment the vars come from (`--env`), if any. */
  environment?: string | undefined;
}

/** The one JSON line the script prints. Names and rules only, never a value. */
export interface DeployReport {
  ok: boolean;
  errors: Finding[];
  warnings: Finding[];
  /** Secrets this deployment needs that were not given: `npx wrangler secret put NAME`. */
  secrets_missing: string[];
}

/**
 * Shape-valid stand-ins for required secrets, so the parser gets past its schema
 * and checks everything else in full when a secret was not given (or was
 * refused). Never reported and never seen by the production rules.
 */
const STAND_INS: Readonly<Record<string, string>> = {
  DATABASE_URL: "postgres://stand-in.invalid/db",
  UPSTASH_REDIS_REST_URL: "https://stand-in.invalid",
  UPSTASH_REDIS_REST_TOKEN: "stand-in-token-0123456789",
  SIGNING_KEYS: JSON.stringify({
    keys: [{ kty: "OKP", crv: "Ed25519", kid: "stand-in", x: "A".repeat(43), d: "A".repeat(43) }],
  }),
  AUDIT_HMAC_KEYS: `stand-in:${btoa("\0".repeat(32))}`,
};

const isSet = (v: unknown): boolean => v !== undefined && v !== "";

/**
 * Every variable the Worker's parser refuses, with its reason. The parser stops
 * at its first failing step, so each round moves the refused variables out of
 * the way (a stand-in, or unset when optional) and parses again; a refused
 * required var has no stand-in and ends the rounds.
 */
function parserFindings(
  env: Record<string, unknown>,
  required: ReadonlySet<string>,
): Map<string, string> {
  const found = new Map<string, string>();
  const trial = { ...env };
  for (;;) {
    try {
      parseConfig(trial);
      return found;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      let moved = false;
      for (const name of err.variables) {
        if (!found.has(name)) found.set(name, err.problems[name] ?? "refused");
        const standIn = STAND_INS[name];
        if (standIn !== undefined && trial[name] !== standIn) {
          trial[name] = standIn;
          moved = true;
        } else if (!required.has(name) && isSet(trial[name])) {
          delete trial[name];
          moved = true;
        }
      }
      if (!moved) return found;
    }
  }
}

export function checkDeployment(input: DeploymentInput): DeployReport {
  const variables = configVariables();
  const known = new Set(variables.map((v) => v.name));
  const required = new Set(variables.filter((v) => v.required).map((v) => v.name));
  const secretNames = new Set(input.specs.map((s) => s.name));
  const errors: Finding[] = [];
  const warnings: Finding[] = [];

  for (const name of Object.keys(input.vars)) {
    if (secretNames.has(name))
      errors.push({
        variable: name,
        problem:
          "is a secret: move it out of wrangler.jsonc vars (committed, shown in the dashboard) to `npx wrangler secret put`",
      });
    else if (!known.has(name))
      warnings.push({ variable: name, problem: "is not read by the Worker (a typo?)" });
  }

  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.secrets)) {
    if (value === undefined || value === "") continue;
    if (secretNames.has(name)) secrets[name] = value;
    else
      warnings.push({
        variable: name,
        problem: known.has(name)
          ? "is a var, not a secret: ignored here; set it in wrangler.jsonc vars"
          : "is not read by the Worker: ignored",
      });
  }

  const missing = input.specs.filter((s) => s.required && !(s.name in secrets)).map((s) => s.name);
  const standIns = Object.fromEntries(
    missing.flatMap((name) => (STAND_INS[name] === undefined ? [] : [[name, STAND_INS[name]]])),
  );
  const deployed: Record<string, unknown> = { ...input.vars, ...secrets };
  const found = parserFindings({ ...deployed, ...standIns }, required);

  if (input.secretsGiven)
    for (const name of missing)
      errors.push({
        variable: name,
        problem: `missing (required): set it with \`npx wrangler secret put ${name}\``,
      });
  for (const [name, problem] of found) {
    if (missing.includes(name)) continue;
    if (secretNames.has(name) && !(name in secrets)) {
      // Required only by another setting, e.g. EMAIL_API_KEY by REQUIRE_EMAIL_VERIFICATION.
      missing.push(name);
      (input.secretsGiven ? errors : warnings).push({ variable: name, problem });
    } else if (!isSet(deployed[name])) {
      errors.push({
        variable: name,
        problem: input.environment
          ? `missing from env.${input.environment}.vars (wrangler does not merge them with the top-level vars)`
          : "missing from vars in wrangler.jsonc",
      });
    } else errors.push({ variable: name, problem });
  }

  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(deployed))
    if (isSet(value)) values[name] = typeof value === "string" ? value : JSON.stringify(value);
  const rules = productionFindings(values);
  // A variable the parser refused already has its finding.
  errors.push(...rules.errors.filter((f) => !found.has(f.variable)));
  warnings.push(...rules.warnings.filter((f) => !found.has(f.variable)));

  return { ok: errors.length === 0, errors, warnings, secrets_missing: missing };
}
