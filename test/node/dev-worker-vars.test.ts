// Which value the dev server hands the Worker (dev/dev-server/worker-vars.ts)
// and how it prints the routes that need a key (dev/dev-server/usage.ts).
import { describe, expect, it } from "vitest";
import { readWranglerConfig } from "../../bench/serve-bundle.ts";
import { shellQuote, usageLines } from "../../dev/dev-server/usage.ts";
import { composeWorkerVars, devServerDefaults } from "../../dev/dev-server/worker-vars.ts";
import { generateSigningKeySet } from "../../dev/keys.ts";
import { ConfigError, configFromEnv } from "../../src/config.ts";

const names = ["ISSUER", "ALLOWED_ORIGINS", "APP_BASE_URL", "DATABASE_URL", "ADMIN_API_KEY"];

describe("devServerDefaults", () => {
  // Regression: APP_BASE_URL stayed on 8787 whatever PORT was, and ALLOWED_ORIGINS was empty.
  it("point the issuer, cookie-mode origins and mail links at the dev server itself", () => {
    expect(devServerDefaults("9000")).toEqual({
      ISSUER: "http://127.0.0.1:9000",
      ALLOWED_ORIGINS: "http://127.0.0.1:9000,http://localhost:9000",
      APP_BASE_URL: "http://127.0.0.1:9000",
      WEBAUTHN_RP_ID: "localhost",
      WEBAUTHN_RP_NAME: "edge-auth (dev)",
      WEBAUTHN_ORIGINS: "http://localhost:9000",
      DOCS_ENABLED: "true",
    });
  });

  it("let the demo app's passkey page use cookie mode and WebAuthn, on localhost", () => {
    expect(devServerDefaults("9000", "http://localhost:8789")).toMatchObject({
      ALLOWED_ORIGINS: "http://127.0.0.1:9000,http://localhost:9000,http://localhost:8789",
      WEBAUTHN_RP_ID: "localhost",
      WEBAUTHN_ORIGINS: "http://localhost:9000,http://localhost:8789",
    });
  });

  it("are accepted by the Worker's own configuration parser", async () => {
    const config = configFromEnv({
      ...readWranglerConfig().vars,
      SIGNING_KEYS: await generateSigningKeySet(),
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/postgres",
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079",
      UPSTASH_REDIS_REST_TOKEN: "a-dev-token-of-reasonable-length-0123456789",
      AUDIT_HMAC_KEYS: `dev1:${Buffer.alloc(32, 1).toString("base64")}`,
      ...devServerDefaults("9000", "http://localhost:8789"),
    });
    if (config instanceof ConfigError) throw new Error(`rejected: ${config.variables}`);
    expect(config.allowedOrigins).toContain("http://localhost:8789");
    expect(config.passkeys).toMatchObject({
      rpId: "localhost",
      origins: ["http://localhost:9000", "http://localhost:8789"],
    });
  });
});

describe("composeWorkerVars", () => {
  const compose = (environment: NodeJS.ProcessEnv, devVars: Record<string, string> = {}) =>
    composeWorkerVars({
      defaults: devServerDefaults("9000"),
      devVars,
      started: { DATABASE_URL: "postgres://started" },
      environment,
      names,
    });

  it("keeps the defaults when nothing else is given", () => {
    expect(compose({}).ALLOWED_ORIGINS).toBe("http://127.0.0.1:9000,http://localhost:9000");
  });

  it("lets .dev.vars beat a default, and the environment beat both, even with an empty value", () => {
    const devVars = { APP_BASE_URL: "http://app.test", ALLOWED_ORIGINS: "http://a.test" };
    expect(compose({}, devVars)).toMatchObject(devVars);
    const vars = compose({ APP_BASE_URL: "http://env.test", ALLOWED_ORIGINS: "" }, devVars);
    expect(vars.APP_BASE_URL).toBe("http://env.test");
    expect(vars.ALLOWED_ORIGINS).toBe("");
  });

  it("keeps the database the dev server chose, whatever DATABASE_URL says", () => {
    expect(compose({ DATABASE_URL: "" }).DATABASE_URL).toBe("postgres://started");
  });

  it("passes only documented names from the environment", () => {
    expect(compose({ HOME: "/root" }).HOME).toBeUndefined();
  });
});

describe("usageLines", () => {
  const facts = {
    base: "http://127.0.0.1:9000",
    vars: { ADMIN_API_KEY: "a".repeat(43), INTROSPECTION_KEYS: `dev:${"s".repeat(43)}` },
    fromEnvironment: new Set<string>(),
    database: "PGlite",
    stateDir: "/data/pglite-state",
    mailbox: "http://127.0.0.1:8025/messages",
  };

  it("prints curl lines with the dev keys", () => {
    const lines = usageLines(facts).join("\n");
    expect(lines).toContain(
      `curl -s http://127.0.0.1:9000/v1/admin/stats -H 'authorization: Bearer ${"a".repeat(43)}'`,
    );
    expect(lines).toContain(`-H 'authorization: Bearer ${"s".repeat(43)}'`);
    expect(lines).toContain("read it at http://127.0.0.1:8025/messages");
  });

  it("names a key from the environment instead of printing it", () => {
    const lines = usageLines({
      ...facts,
      fromEnvironment: new Set(["ADMIN_API_KEY", "INTROSPECTION_KEYS"]),
    }).join("\n");
    expect(lines).not.toContain("a".repeat(43));
    expect(lines).not.toContain("s".repeat(43));
    expect(lines).toContain('"authorization: Bearer $ADMIN_API_KEY"');
    // POSIX ${NAME#*:}: the secret after the key's id.
    expect(lines).toContain(`"authorization: Bearer $${"{"}INTROSPECTION_KEYS#*:}"`);
  });

  const social = {
    demoUrl: "http://127.0.0.1:8789/",
    providerName: "Local test IdP",
    issuer: "http://127.0.0.1:40000",
    email: "dev@example.test",
    redirectUris: ["http://127.0.0.1:8789/signed-in", "http://localhost:8789/signed-in"],
  };

  it("says where to click for social login, and as whom", () => {
    const vars = { ...facts.vars, OAUTH_REDIRECT_URIS: social.redirectUris.join(",") };
    const lines = usageLines({ ...facts, vars, social }).join("\n");
    expect(lines).toContain(
      'social login: open http://127.0.0.1:8789/ and click "Sign in with Local test IdP"',
    );
    expect(lines).toContain("Local test IdP (http://127.0.0.1:40000): sign in as dev@example.test");
    expect(usageLines(facts).join("\n")).not.toContain("social login");
  });

  it("does not send anyone to the demo app when OAUTH_REDIRECT_URIS leaves it out", () => {
    const vars = { ...facts.vars, OAUTH_REDIRECT_URIS: "http://127.0.0.1:3000/cb" };
    const lines = usageLines({ ...facts, vars, social }).join("\n");
    expect(lines).not.toContain("and click");
    expect(lines).toContain("the demo app at http://127.0.0.1:8789/ is not in OAUTH_REDIRECT_URIS");
  });

  it("says where the passkey page is, or what keeps it from working", () => {
    const passkeys = { ...social, passkeysUrl: "http://localhost:8789/passkeys" };
    const vars = {
      ...facts.vars,
      ...devServerDefaults("9000", "http://localhost:8789"),
      OAUTH_REDIRECT_URIS: social.redirectUris.join(","),
    };
    expect(usageLines({ ...facts, vars, social: passkeys }).join("\n")).toContain(
      "passkeys: open http://localhost:8789/passkeys (an account, a passkey, cookie mode)",
    );
    const narrowed = { ...vars, WEBAUTHN_ORIGINS: "http://localhost:9000" };
    const lines = usageLines({ ...facts, vars: narrowed, social: passkeys }).join("\n");
    expect(lines).not.toContain("passkeys: open");
    expect(lines).toContain(
      "passkeys: the demo page http://localhost:8789/passkeys needs http://localhost:8789 in ALLOWED_ORIGINS and WEBAUTHN_ORIGINS",
    );
  });

  it("quotes for a POSIX shell", () => {
    expect(shellQuote("plain-word_1")).toBe("plain-word_1");
    expect(shellQuote("it's $x")).toBe(`'it'\\''s $x'`);
  });
});
