// The deployment check behind `npm run deploy:check` (scripts/deploy-check/):
// its secret list stays the Worker's own, it finds every variable the Worker's
// parser refuses, and the production rules catch the local defaults.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readWranglerConfig } from "../../bench/serve-bundle.ts";
import { checkDeployment } from "../../scripts/deploy-check/check.ts";
import { isReservedHost } from "../../scripts/deploy-check/production-rules.ts";
import { readSecretSpecs } from "../../scripts/deploy-check/secret-specs.ts";
import { configVariables } from "../../src/config.ts";

const specs = readSecretSpecs(
  readFileSync(new URL("../../.dev.vars.example", import.meta.url), "utf8"),
);
const defaults: Record<string, string> = readWranglerConfig().vars ?? {};

/** The defaults with public addresses: what a production wrangler.jsonc sets. */
const productionVars = {
  ...defaults,
  ISSUER: "https://auth.acme.io",
  APP_BASE_URL: "https://app.acme.io",
  EMAIL_FROM: "Acme <no-reply@acme.io>",
  ALLOWED_ORIGINS: "https://app.acme.io",
};

const signingKeys = (status: string) =>
  JSON.stringify({
    keys: [{ kty: "OKP", crv: "Ed25519", kid: "k1", x: "B".repeat(43), d: "C".repeat(43), status }],
  });

const goodSecrets = {
  DATABASE_URL: "postgres://app:pw@ep-x.eu-central-1.aws.neon.tech/neondb",
  AUDIT_DATABASE_URL: "postgres://audit:pw@ep-x.eu-central-1.aws.neon.tech/neondb",
  UPSTASH_REDIS_REST_URL: "https://eu1-x.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "A".repeat(32),
  SIGNING_KEYS: signingKeys("current"),
  AUDIT_HMAC_KEYS: `a1:${btoa("k".repeat(32))}`,
};

const check = (vars: Record<string, unknown>, secrets: Record<string, string | undefined> = {}) =>
  checkDeployment({ vars, secrets, secretsGiven: Object.keys(secrets).length > 0, specs });
const names = (findings: Array<{ variable: string }>) => findings.map((f) => f.variable).sort();

describe("the secret list", () => {
  // Drift guard: a variable the Worker reads that is neither a wrangler var nor
  // listed in .dev.vars.example would be invisible to the check.
  it("is .dev.vars.example, and with wrangler.jsonc's vars covers every variable the Worker reads", () => {
    const secretNames = specs.map((s) => s.name);
    expect(secretNames.filter((n) => n in defaults)).toEqual([]);
    expect([...secretNames, ...Object.keys(defaults)].sort()).toEqual(
      configVariables()
        .map((v) => v.name)
        .sort(),
    );
  });

  it("takes required from the Worker's schema and a description from each comment", () => {
    expect(specs.filter((s) => s.required).map((s) => s.name)).toEqual([
      "DATABASE_URL",
      "UPSTASH_REDIS_REST_URL",
      "UPSTASH_REDIS_REST_TOKEN",
      "SIGNING_KEYS",
      "AUDIT_HMAC_KEYS",
    ]);
    for (const s of specs) expect(s.about, s.name).not.toBe("");
    expect(specs.find((s) => s.name === "ADMIN_API_KEY")?.about).toContain("/v1/admin/*");
  });
});

describe("isReservedHost", () => {
  it.each([
    "localhost",
    "api.localhost",
    "127.0.0.1",
    "127.8.9.10",
    "[::1]",
    "0.0.0.0",
    "auth.test",
    "example.com",
    "mail.example.org",
    "printer.local",
    "x.invalid",
    "LOCALHOST.",
  ])("%s is reserved", (host) => expect(isReservedHost(host)).toBe(true));

  it.each(["auth.acme.io", "example.company.com", "notexample.com", "128.0.0.1", "testing.io"])(
    "%s is not",
    (host) => expect(isReservedHost(host)).toBe(false),
  );
});

describe("checkDeployment", () => {
  it("flags the wrangler.jsonc defaults ISSUER and APP_BASE_URL, and lists the required secrets", () => {
    const report = check(defaults);
    expect(report.ok).toBe(false);
    // Only these: the stand-ins for the absent secrets let the parser check every var.
    expect(names(report.errors)).toEqual(["APP_BASE_URL", "ISSUER"]);
    expect(report.secrets_missing).toEqual([
      "DATABASE_URL",
      "UPSTASH_REDIS_REST_URL",
      "UPSTASH_REDIS_REST_TOKEN",
      "SIGNING_KEYS",
      "AUDIT_HMAC_KEYS",
    ]);
  });

  it("passes a production-shaped configuration", () => {
    expect(check(productionVars, goodSecrets)).toEqual({
      ok: true,
      errors: [],
      warnings: [],
      secrets_missing: [],
    });
  });

  it("reports every variable the parser refuses, past its first failing step", () => {
    const report = check(
      { ...productionVars, ALLOWED_ORIGINS: "https://app.acme.io/path" },
      {
        ...goodSecrets,
        UPSTASH_REDIS_REST_TOKEN: "short",
        AUDIT_HMAC_KEYS: `a1:${btoa("short")}`,
        SIGNING_KEYS: signingKeys("next"),
      },
    );
    expect(report.errors).toEqual([
      { variable: "UPSTASH_REDIS_REST_TOKEN", problem: expect.stringMatching(/16/) },
      { variable: "ALLOWED_ORIGINS", problem: expect.stringMatching(/origins/) },
      { variable: "AUDIT_HMAC_KEYS", problem: expect.stringMatching(/32 bytes/) },
      { variable: "SIGNING_KEYS", problem: "exactly one key must be current" },
    ]);
  });

  it("with secrets given, a missing required one is an error; without, only listed", () => {
    const { AUDIT_HMAC_KEYS: _, ...rest } = goodSecrets;
    const given = check(productionVars, rest);
    expect(given.errors).toEqual([
      { variable: "AUDIT_HMAC_KEYS", problem: expect.stringContaining("wrangler secret put") },
    ]);
    expect(given.secrets_missing).toEqual(["AUDIT_HMAC_KEYS"]);
    const varsOnly = check(productionVars);
    expect(varsOnly.ok).toBe(true);
    expect(varsOnly.secrets_missing).toContain("AUDIT_HMAC_KEYS");
  });

  it("asks for EMAIL_API_KEY when REQUIRE_EMAIL_VERIFICATION is true", () => {
    const strict = { ...productionVars, REQUIRE_EMAIL_VERIFICATION: "true" };
    expect(check(strict, goodSecrets).errors).toEqual([
      { variable: "EMAIL_API_KEY", problem: expect.stringContaining("REQUIRE_EMAIL_VERIFICATION") },
    ]);
    const varsOnly = check(strict);
    expect(names(varsOnly.warnings)).toEqual(["EMAIL_API_KEY"]);
    expect(varsOnly.secrets_missing).toContain("EMAIL_API_KEY");
  });

  it("refuses a secret in vars and local addresses in the secrets", () => {
    const report = check(
      { ...productionVars, UPSTASH_REDIS_REST_TOKEN: "B".repeat(32) },
      {
        ...goodSecrets,
        DATABASE_URL: "postgres://app:pw@localhost:5432/app",
        AUDIT_DATABASE_URL: "postgresql://audit:pw@[::1]/app",
        UPSTASH_REDIS_REST_URL: "http://eu1-x.upstash.io",
        NEON_FETCH_ENDPOINT: "http://127.0.0.1:4444/sql",
      },
    );
    expect(names(report.errors)).toEqual([
      "AUDIT_DATABASE_URL",
      "DATABASE_URL",
      "NEON_FETCH_ENDPOINT",
      "UPSTASH_REDIS_REST_TOKEN",
      "UPSTASH_REDIS_REST_URL",
    ]);
  });

  it("holds email settings to production only once email is on", () => {
    const exampleFrom = { ...productionVars, EMAIL_FROM: "edge-auth <no-reply@example.com>" };
    expect(names(check(exampleFrom, goodSecrets).warnings)).toEqual(["EMAIL_FROM"]);
    const on = check(
      { ...exampleFrom, EMAIL_API_URL: "http://127.0.0.1:8025/emails" },
      { ...goodSecrets, EMAIL_API_KEY: "re_0123456789" },
    );
    expect(names(on.errors)).toEqual(["EMAIL_API_URL", "EMAIL_FROM"]);
  });

  it("wants every allowed origin on https at a public host", () => {
    const report = check(
      {
        ...productionVars,
        ALLOWED_ORIGINS: "https://app.acme.io,http://www.acme.io,https://localhost:3000",
      },
      goodSecrets,
    );
    expect(report.errors).toEqual([
      { variable: "ALLOWED_ORIGINS", problem: expect.stringMatching(/^entry 2 of 3 is not https/) },
      { variable: "ALLOWED_ORIGINS", problem: expect.stringMatching(/^entry 3 of 3 .*reserved/) },
    ]);
  });

  it("warns about names the Worker does not read", () => {
    const report = check(
      { ...productionVars, ISSUR: "https://auth.acme.io" },
      {
        ...goodSecrets,
        ISSUER: "https://other.acme.io",
      },
    );
    expect(report.ok).toBe(true);
    expect(names(report.warnings)).toEqual(["ISSUER", "ISSUR"]);
  });
});
