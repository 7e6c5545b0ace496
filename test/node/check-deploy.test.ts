// `npm run deploy:check` as an operator runs it before `wrangler deploy`: a real
// Node process (type stripping, no bundler, so src/config.ts must load as is)
// reading a wrangler config through wrangler's own reader, secrets from a
// dotenv file and the environment.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWranglerConfig } from "../../bench/serve-bundle.ts";
import { generateSigningKeySet } from "../../dev/keys.ts";

const script = fileURLToPath(new URL("../../scripts/check-deploy.ts", import.meta.url));

interface Run {
  code: number;
  out: Record<string, unknown> & { errors?: Array<{ variable: string; problem: string }> };
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env } },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code, out: JSON.parse(stdout.trim() || "{}"), stdout, stderr });
      },
    );
  });
}

const variables = (r: Run) => (r.out.errors ?? []).map((e) => e.variable).sort();

let dir: string;
let config: string;
let secrets: Record<string, string>;

/** A dotenv file, values single-quoted so a JSON value (SIGNING_KEYS) stays one value. */
function secretsFile(name: string, values: Record<string, string>): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    Object.entries(values)
      .map(([k, v]) => `${k}='${v}'\n`)
      .join(""),
  );
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "deploy-check-"));
  const base = readWranglerConfig();
  config = path.join(dir, "wrangler.jsonc");
  writeFileSync(
    config,
    JSON.stringify({
      ...base,
      main: fileURLToPath(new URL("../../src/index.ts", import.meta.url)),
      env: {
        production: {
          vars: {
            ...base.vars,
            ISSUER: "https://auth.acme.io",
            APP_BASE_URL: "https://app.acme.io",
            EMAIL_FROM: "Acme <no-reply@acme.io>",
            ALLOWED_ORIGINS: "https://app.acme.io",
          },
        },
        // Only ISSUER: wrangler gives this environment no other var at all.
        partial: { vars: { ISSUER: "https://auth.acme.io" } },
      },
    }),
  );
  // Every secret value carries "leak" so the tests can tell if one is ever printed.
  secrets = {
    DATABASE_URL: "postgres://app:leak-db-4f1c@ep-x-1.eu-central-1.aws.neon.tech/neondb",
    AUDIT_DATABASE_URL: "postgres://audit:leak-audit-77a2@ep-x-1.eu-central-1.aws.neon.tech/neondb",
    UPSTASH_REDIS_REST_URL: "https://leak-redis-31337.upstash.io",
    UPSTASH_REDIS_REST_TOKEN: "AXleak-redis-token-a8f0c3e1",
    SIGNING_KEYS: (await generateSigningKeySet()).replace(/"kid":"/, '"kid":"leak-'),
    AUDIT_HMAC_KEYS: `leak:${Buffer.from("leak".repeat(8)).toString("base64")}`,
    EMAIL_API_KEY: "re_leak_5e3b9a",
  };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run deploy:check", () => {
  it("flags the wrangler.jsonc defaults for ISSUER and APP_BASE_URL and lists the secrets to put", async () => {
    const r = await run([]);
    expect(r.code).toBe(1);
    expect(variables(r)).toEqual(["APP_BASE_URL", "ISSUER"]);
    expect(r.out.secrets_missing).toEqual([
      "DATABASE_URL",
      "UPSTASH_REDIS_REST_URL",
      "UPSTASH_REDIS_REST_TOKEN",
      "SIGNING_KEYS",
      "AUDIT_HMAC_KEYS",
    ]);
    expect(r.stderr).toContain("npx wrangler secret put NAME");
    expect(r.stderr).toMatch(/^ {2}AUDIT_HMAC_KEYS +Audit trail HMAC keys/m);
    expect(r.stderr).toMatch(/optional secrets not given:\n(.*\n)* {2}ADMIN_API_KEY +Turns on/);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("passes a production-shaped configuration", async () => {
    const r = await run([
      "--config",
      config,
      "--env",
      "production",
      "--secrets-file",
      secretsFile("good.env", secrets),
    ]);
    expect(r.out).toEqual({ ok: true, errors: [], warnings: [], secrets_missing: [] });
    expect(r.code).toBe(0);
  });

  it("names a missing AUDIT_HMAC_KEYS", async () => {
    const { AUDIT_HMAC_KEYS: _, ...rest } = secrets;
    const file = secretsFile("no-audit.env", rest);
    const r = await run(["--config", config, "--env", "production", "--secrets-file", file]);
    expect(r.code).toBe(1);
    expect(r.out.errors).toEqual([
      {
        variable: "AUDIT_HMAC_KEYS",
        problem: "missing (required): set it with `npx wrangler secret put AUDIT_HMAC_KEYS`",
      },
    ]);
    expect(r.out.secrets_missing).toEqual(["AUDIT_HMAC_KEYS"]);
  });

  it("flags NEON_FETCH_ENDPOINT, here from the process environment", async () => {
    const file = secretsFile("good.env", secrets);
    const r = await run(["--config", config, "--env", "production", "--secrets-file", file], {
      NEON_FETCH_ENDPOINT: "http://127.0.0.1:4444/sql",
    });
    expect(r.code).toBe(1);
    expect(variables(r)).toEqual(["NEON_FETCH_ENDPOINT"]);
  });

  it("reads an environment's vars as wrangler deploys them: replaced, not merged", async () => {
    const r = await run(["--config", config, "--env", "partial"]);
    expect(r.code).toBe(1);
    expect(r.out.errors).toContainEqual({
      variable: "AUDIENCE",
      problem:
        "missing from env.partial.vars (wrangler does not merge them with the top-level vars)",
    });
  });

  it("never prints a secret's value, valid or malformed", async () => {
    const malformed = {
      DATABASE_URL: "postgres://app:leak-db-pass@localhost:5432/app",
      UPSTASH_REDIS_REST_URL: "http://leak-redis.internal.acme.io",
      UPSTASH_REDIS_REST_TOKEN: "leak-3e8a",
      SIGNING_KEYS: '{"keys":[{"kty":"OKP","d":"leak-private-part"',
      AUDIT_HMAC_KEYS: `leak:${Buffer.from("leak-too-short").toString("base64")}`,
      PASSWORD_PEPPER: "leak-no-id",
      ADMIN_API_KEY: "leak-admin-key-too-short",
      EMAIL_API_KEY: "leak",
      NEON_FETCH_ENDPOINT: "http://127.0.0.1:4444/leak",
    };
    const production = ["--config", config, "--env", "production"];
    const runs = await Promise.all([
      run([...production, "--secrets-file", secretsFile("good.env", secrets)]),
      run([...production, "--secrets-file", secretsFile("bad.env", malformed)]),
      run(production, malformed),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 1, 1]);
    for (const r of runs.slice(1)) expect(variables(r)).toEqual(Object.keys(malformed).sort());
    const printed = runs.map((r) => r.stdout + r.stderr).join("\n");
    const signingKey = (
      JSON.parse(secrets.SIGNING_KEYS as string) as { keys: Array<{ d: string }> }
    ).keys[0]?.d as string;
    const keyMaterial = [
      signingKey,
      ...Object.values(secrets).map((v) => v.split(":").at(-1) as string),
    ];
    expect(printed).not.toMatch(/leak/i);
    for (const value of keyMaterial) expect(printed).not.toContain(value);
  });

  it("exits 2 on a usage error or an unknown environment", async () => {
    const unknownOption = await run(["--secrets"]);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.out.ok).toBe(false);
    const unknownEnv = await run(["--config", config, "--env", "staging"]);
    expect(unknownEnv.code).toBe(2);
    expect(String(unknownEnv.out.error)).toContain("staging");
    expect((await run(["--secrets-file", path.join(dir, "absent.env")])).code).toBe(2);
  });
});
