// The variables the dev server hands the Worker, and which source wins.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseDotenv } from "./dev-vars.ts";

/** Names of every documented variable: wrangler.jsonc vars plus .dev.vars.example secrets. */
export function configNames(root: string): string[] {
  const jsonc = readFileSync(path.join(root, "wrangler.jsonc"), "utf8").replace(
    /^\s*\/\/.*$/gm,
    "",
  );
  const vars = Object.keys((JSON.parse(jsonc) as { vars: Record<string, string> }).vars);
  const secrets = Object.keys(
    parseDotenv(readFileSync(path.join(root, ".dev.vars.example"), "utf8")),
  );
  return [...new Set([...vars, ...secrets])];
}

/**
 * Defaults that follow the dev server's own address: tokens name it as their
 * issuer, its own pages (and a local demo on it) may use cookie mode, and
 * mail links (/verify-email, /reset-password) lead back to it. Passkeys take
 * `localhost` as the RP ID (WebAuthn refuses IP addresses), so only the
 * localhost twins may run a ceremony. `pageOrigin` is the demo app's
 * http://localhost:<port>, whose passkey page uses both cookie mode and WebAuthn.
 */
export function devServerDefaults(port: string, pageOrigin?: string): Record<string, string> {
  const origin = `http://127.0.0.1:${port}`;
  const onLocalhost = [`http://localhost:${port}`, ...(pageOrigin ? [pageOrigin] : [])];
  return {
    ISSUER: origin,
    ALLOWED_ORIGINS: [origin, ...onLocalhost].join(","),
    APP_BASE_URL: origin,
    WEBAUTHN_RP_ID: "localhost",
    WEBAUTHN_RP_NAME: "edge-auth (dev)",
    WEBAUTHN_ORIGINS: onLocalhost.join(","),
    DOCS_ENABLED: "true",
  };
}

/**
 * From weakest to strongest: the dev server's defaults, .dev.vars, what the dev
 * server started (database, bridges, mail sink), then any documented variable
 * set in the environment, even to "" (ALLOWED_ORIGINS= turns cookie mode off).
 * DATABASE_URL is the exception: the dev server already chose the database
 * from it, and "" there means "not set".
 */
export function composeWorkerVars(sources: {
  defaults: Record<string, string>;
  devVars: Record<string, string>;
  started: Record<string, string>;
  environment: NodeJS.ProcessEnv;
  names: readonly string[];
}): Record<string, string> {
  const vars = { ...sources.defaults, ...sources.devVars, ...sources.started };
  for (const name of sources.names) {
    const value = sources.environment[name];
    if (value !== undefined && name !== "DATABASE_URL") vars[name] = value;
  }
  return vars;
}
