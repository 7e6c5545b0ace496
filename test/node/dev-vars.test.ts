// The dev server's secrets in .dev.vars (dev/dev-server/dev-vars.ts): what a
// fresh file holds, what an older file gets added, and that the Worker's own
// configuration parser accepts the result.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readWranglerConfig } from "../../bench/serve-bundle.ts";
import { ensureDevVars, parseDotenv } from "../../dev/dev-server/dev-vars.ts";
import { ConfigError, configFromEnv } from "../../src/config.ts";

let dir: string;
let file: string;
const logged: string[] = [];
const log = (line: string) => logged.push(line);
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "edge-auth-devvars-"));
  file = path.join(dir, ".dev.vars");
  logged.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The Worker's view of a dev environment with these secrets. */
function workerConfig(secrets: Record<string, string>) {
  return configFromEnv({
    ...readWranglerConfig().vars,
    ...secrets,
    DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres",
    UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079",
  });
}

describe("ensureDevVars", () => {
  it("writes every dev secret to a new file, readable by its owner only", async () => {
    const values = await ensureDevVars(file, log);
    expect(Object.keys(values).sort()).toEqual([
      "ADMIN_API_KEY",
      "AUDIT_HMAC_KEYS",
      "INTROSPECTION_KEYS",
      "MFA_ENCRYPTION_KEYS",
      "PASSWORD_PEPPER",
      "SIGNING_KEYS",
      "UPSTASH_REDIS_REST_TOKEN",
    ]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parseDotenv(readFileSync(file, "utf8"))).toEqual(values);
    // 32 random bytes as base64url; `dev:` and a secret of at least 32 characters.
    expect(values.ADMIN_API_KEY).toMatch(/^[\w-]{43}$/);
    expect(values.INTROSPECTION_KEYS).toMatch(/^dev:[\w-]{43}$/);
  });

  it("writes secrets the Worker accepts: admin and introspection are on", async () => {
    const config = workerConfig(await ensureDevVars(file, log));
    if (config instanceof ConfigError) throw new Error(`rejected: ${config.variables}`);
    expect(config.adminApiKey).toMatch(/^[\w-]{43}$/);
    expect(config.introspectionKeys).toEqual([{ id: "dev", secret: expect.any(String) }]);
    // MFA is on in dev: enrollment has a key to seal TOTP secrets with.
    expect(config.mfa.keys.map((k) => k.id)).toEqual(["dev1"]);
  });

  it("draws new secrets for every new file", async () => {
    const a = await ensureDevVars(file, log);
    rmSync(file);
    const b = await ensureDevVars(file, log);
    expect(a.ADMIN_API_KEY).not.toBe(b.ADMIN_API_KEY);
    expect(a.INTROSPECTION_KEYS).not.toBe(b.INTROSPECTION_KEYS);
  });

  // Regression: a .dev.vars written before these keys existed kept the admin
  // and introspection routes off (404) for good.
  it("adds the admin and introspection keys to an older file that lacks them, keeping its values", async () => {
    const older = await ensureDevVars(file, log);
    const text = readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => !/^(ADMIN_API_KEY|INTROSPECTION_KEYS)=/.test(l))
      .join("\n");
    writeFileSync(file, text.trimEnd()); // and without its last newline
    logged.length = 0;
    const values = await ensureDevVars(file, log);
    expect(values.SIGNING_KEYS).toBe(older.SIGNING_KEYS);
    expect(values.AUDIT_HMAC_KEYS).toBe(older.AUDIT_HMAC_KEYS);
    expect(values.PASSWORD_PEPPER).toBe(older.PASSWORD_PEPPER);
    expect(values.ADMIN_API_KEY).toMatch(/^[\w-]{43}$/);
    expect(values.INTROSPECTION_KEYS).toMatch(/^dev:[\w-]{43}$/);
    expect(logged).toEqual([
      `added ADMIN_API_KEY to ${file}`,
      `added INTROSPECTION_KEYS to ${file}`,
    ]);
    expect(workerConfig(values)).not.toBeInstanceOf(ConfigError);
  });

  it("leaves a complete file alone, and never adds a pepper to a file without one", async () => {
    writeFileSync(file, "ADMIN_API_KEY=mine\n");
    await ensureDevVars(file, log);
    const once = readFileSync(file, "utf8");
    expect(parseDotenv(once).ADMIN_API_KEY).toBe("mine");
    expect(parseDotenv(once).PASSWORD_PEPPER).toBeUndefined();
    await ensureDevVars(file, log);
    expect(readFileSync(file, "utf8")).toBe(once);
  });
});
