// Relative imports name their `.ts` file so Node (type stripping, no bundler)
// can load this module too: `npm run deploy:check` (scripts/check-deploy.ts)
// validates a deployment with this very parser.
import { z } from "zod";
import {
  type AnyConfigPart,
  type Config,
  ConfigError,
  type CoreConfig,
  coreConfigPart,
} from "./core-config.ts";
import { auditConfig } from "./features/audit/config.ts";
import { emailConfig } from "./features/email/config.ts";
import { legacyConfig } from "./features/legacy/config.ts";
import { mfaConfig } from "./features/mfa/config.ts";
import { passkeysConfig } from "./features/passkeys/config.ts";
import { rolesConfig } from "./features/roles/config.ts";
import { socialConfig } from "./features/social/config.ts";
import { log } from "./log.ts";
import type { LimitBucket } from "./ports.ts";

export { type Config, ConfigError } from "./core-config.ts";

/**
 * The configuration registry: the core's variables, then every feature's, in
 * the order of src/features.ts (a unit test holds the two lists equal). A
 * feature's part is Node-loadable, which its Feature (routes, adapters) is not,
 * hence the second list.
 */
export const configParts: readonly AnyConfigPart[] = [
  auditConfig,
  emailConfig,
  legacyConfig,
  socialConfig,
  passkeysConfig,
  rolesConfig,
  mfaConfig,
];

const allParts: readonly AnyConfigPart[] = [coreConfigPart, ...configParts];

// Loose: the declared variables are checked here, and the rest pass through to
// the parts' builders (social login reads OAUTH_<ID>_CLIENT_ID for ids that
// only its own JSON variable names).
const EnvSchema = z.looseObject(
  Object.assign({}, ...allParts.map((p) => p.variables)) as Record<string, z.ZodType>,
);

/** Every variable the Worker reads and whether it must be set (a schema entry that refuses `undefined`). */
export function configVariables(): Array<{ name: string; required: boolean }> {
  return Object.entries(EnvSchema.shape).map(([name, schema]) => ({
    name,
    required: !schema.safeParse(undefined).success,
  }));
}

const emptyToUndefined = (env: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "" && v !== undefined));

export function parseConfig(env: Record<string, unknown>): Config {
  const parsed = EnvSchema.safeParse(emptyToUndefined(env));
  if (!parsed.success) {
    const problems: Record<string, string> = {};
    for (const issue of parsed.error.issues) problems[String(issue.path[0])] ??= issue.message;
    throw new ConfigError(problems);
  }
  const vars = parsed.data as Record<string, unknown>;
  const rateLimits: Partial<CoreConfig["rateLimits"]> = {};
  // Every part is built even after one has refused a value, so one parse names
  // the refused variables of every part (npm run deploy:check reports them all).
  const problems: Record<string, string> = {};
  const config: Record<string, unknown> = {};
  for (const part of allParts) {
    for (const [bucket, variable] of Object.entries(part.limits ?? {})) {
      rateLimits[bucket as LimitBucket] = vars[variable] as CoreConfig["rateLimits"][LimitBucket];
    }
    try {
      Object.assign(config, part.build(vars as never));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      for (const [name, problem] of Object.entries(err.problems)) problems[name] ??= problem;
    }
  }
  if (Object.keys(problems).length > 0) throw new ConfigError(problems);
  config.rateLimits = rateLimits;
  return config as unknown as Config;
}

// Parsed once per isolate. Bindings are fixed for an isolate's lifetime, so the
// env object is a sound cache key; this caches a pure function of it, nothing more.
const parsed = new WeakMap<object, Config | ConfigError>();

/** The validated config for these bindings, or a ConfigError (logged once, names only). */
export function configFromEnv(env: object): Config | ConfigError {
  let result = parsed.get(env);
  if (!result) {
    try {
      result = parseConfig(env as Record<string, unknown>);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      result = err;
      log("error", "invalid configuration", { variables: err.variables });
    }
    parsed.set(env, result);
  }
  return result;
}
