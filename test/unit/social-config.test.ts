// Social login's configuration, through the same parser the Worker and
// `npm run deploy:check` use: providers on by client id, secrets required,
// plain http only on loopback, redirect URIs without fragments.
import { describe, expect, it } from "vitest";
import { readWranglerConfig } from "../../bench/serve-bundle.ts";
import { ConfigError, parseConfig } from "../../src/config.ts";

const base: Record<string, unknown> = {
  ...readWranglerConfig().vars,
  DATABASE_URL: "postgres://u@127.0.0.1/db",
  UPSTASH_REDIS_REST_URL: "https://redis.example.com",
  UPSTASH_REDIS_REST_TOKEN: "t".repeat(32),
  SIGNING_KEYS: JSON.stringify({
    keys: [
      {
        kty: "OKP",
        crv: "Ed25519",
        kid: "k1",
        x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
        d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
        status: "current",
      },
    ],
  }),
  AUDIT_HMAC_KEYS: `a1:${Buffer.alloc(32, 7).toString("base64")}`,
};

function social(over: Record<string, unknown>) {
  return parseConfig({ ...base, ...over }).social;
}

function refused(over: Record<string, unknown>): string[] {
  try {
    parseConfig({ ...base, ...over });
  } catch (err) {
    if (err instanceof ConfigError) return err.variables;
    throw err;
  }
  return [];
}

const REDIRECTS = { OAUTH_REDIRECT_URIS: "https://app.example.com/done,com.example.app:/cb" };

describe("social login configuration", () => {
  it("is off by default: no provider, no redirect URI needed", () => {
    expect(social({})).toEqual({ providers: [], redirectUris: [], linkVerifiedEmail: true });
  });

  it("turns a provider on with its client id, with the documented endpoints", () => {
    const s = social({
      ...REDIRECTS,
      OAUTH_GITHUB_CLIENT_ID: "gh-id",
      OAUTH_GITHUB_CLIENT_SECRET: "gh-secret",
      OAUTH_GOOGLE_CLIENT_ID: "g-id",
      OAUTH_GOOGLE_CLIENT_SECRET: "g-secret",
    });
    expect(s.providers.map((p) => [p.id, p.kind, p.issuer])).toEqual([
      ["google", "oidc", "https://accounts.google.com"],
      ["github", "github", "https://github.com"],
    ]);
    expect(s.providers[1]?.apiUrl).toBe("https://api.github.com");
    expect(s.redirectUris).toEqual(["https://app.example.com/done", "com.example.app:/cb"]);
  });

  it("fails closed without the secret of a provider that has a client id", () => {
    expect(refused({ ...REDIRECTS, OAUTH_LINKEDIN_CLIENT_ID: "li" })).toEqual([
      "OAUTH_LINKEDIN_CLIENT_SECRET",
    ]);
  });

  it("needs a redirect URI once a provider is on", () => {
    expect(refused({ OAUTH_GOOGLE_CLIENT_ID: "g", OAUTH_GOOGLE_CLIENT_SECRET: "s" })).toEqual([
      "OAUTH_REDIRECT_URIS",
    ]);
  });

  it("reads generic providers and their clients named after their ids", () => {
    const s = social({
      ...REDIRECTS,
      OAUTH_OIDC_PROVIDERS: JSON.stringify([
        { id: "acme-corp", issuer: "https://idp.acme.example/realms/main/", name: "Acme" },
      ]),
      OAUTH_ACME_CORP_CLIENT_ID: "acme-id",
      OAUTH_ACME_CORP_CLIENT_SECRET: "acme-secret",
    });
    expect(s.providers).toEqual([
      expect.objectContaining({
        id: "acme-corp",
        label: "Acme",
        issuer: "https://idp.acme.example/realms/main",
        clientId: "acme-id",
        scopes: ["openid", "email", "profile"],
      }),
    ]);
  });

  it("refuses malformed or clashing generic providers", () => {
    for (const list of [
      "not json",
      "{}",
      JSON.stringify([{ id: "google", issuer: "https://x.example" }]),
      JSON.stringify([{ id: "Bad_Id", issuer: "https://x.example" }]),
      JSON.stringify([
        { id: "a", issuer: "https://x.example" },
        { id: "a", issuer: "https://y.example" },
      ]),
      JSON.stringify([{ id: "a", issuer: "http://idp.example" }]),
      JSON.stringify([{ id: "a", issuer: "https://x.example", extra: true }]),
    ]) {
      expect(refused({ ...REDIRECTS, OAUTH_OIDC_PROVIDERS: list }), list).toEqual([
        "OAUTH_OIDC_PROVIDERS",
      ]);
    }
  });

  it("allows plain http to a provider only on a loopback address", () => {
    expect(refused({ OAUTH_GOOGLE_ISSUER: "http://accounts.example.com" })).toEqual([
      "OAUTH_GOOGLE_ISSUER",
    ]);
    expect(refused({ OAUTH_GITHUB_URL: "http://127.0.0.1:9000" })).toEqual([]);
    expect(refused({ OAUTH_GITHUB_API_URL: "http://localhost:9000/api/v3" })).toEqual([]);
    expect(refused({ OAUTH_GOOGLE_ISSUER: "https://accounts.example.com?x=1" })).toEqual([
      "OAUTH_GOOGLE_ISSUER",
    ]);
  });

  it("refuses redirect URIs with fragments, relative ones, and plain http off loopback", () => {
    for (const uris of ["https://app.example.com/done#x", "/done", "http://app.example.com/done"]) {
      expect(refused({ OAUTH_REDIRECT_URIS: uris }), uris).toEqual(["OAUTH_REDIRECT_URIS"]);
    }
    expect(social({ OAUTH_REDIRECT_URIS: "http://127.0.0.1:5173/done" }).redirectUris).toEqual([
      "http://127.0.0.1:5173/done",
    ]);
  });
});
