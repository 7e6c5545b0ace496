// @edge-auth/client's small parts: the storages, PKCE, error parsing, which
// operations it signs, and that it bundles for a browser with no Node built-in.

import { createHash, randomBytes } from "node:crypto";
import {
  authModeOf,
  cookieModeStorage,
  errorFromResponse,
  memoryStorage,
  pkceChallenge,
  type SecureStore,
  secureStoreStorage,
} from "@edge-auth/client";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const session = {
  accessToken: "at",
  accessTokenExpiresAt: 1_900_000_000_000,
  refreshToken: "rt",
  refreshTokenExpiresAt: 1_900_000_900_000,
};

function fakeSecureStore() {
  const entries = new Map<string, string>();
  const store: SecureStore = {
    get: async (key) => entries.get(key) ?? null,
    set: async (key, value) => {
      entries.set(key, value);
    },
    delete: async (key) => {
      entries.delete(key);
    },
  };
  return { entries, store };
}

describe("@edge-auth/client storages", () => {
  it("memoryStorage hands out copies", async () => {
    const storage = memoryStorage();
    expect(storage.transport).toBe("body");
    await storage.set(session);
    const read = await storage.get();
    expect(read).toEqual(session);
    if (read) read.accessToken = "changed";
    expect((await storage.get())?.accessToken).toBe("at");
    await storage.clear();
    expect(await storage.get()).toBeNull();
  });

  it("cookieModeStorage never keeps a refresh token", async () => {
    const storage = cookieModeStorage();
    expect(storage.transport).toBe("cookie");
    await storage.set(session);
    expect(await storage.get()).toEqual({
      accessToken: "at",
      accessTokenExpiresAt: session.accessTokenExpiresAt,
      refreshTokenExpiresAt: session.refreshTokenExpiresAt,
    });
  });

  it("secureStoreStorage keeps one JSON entry, and reads a malformed one as no session", async () => {
    const { entries, store } = fakeSecureStore();
    const storage = secureStoreStorage(store);
    await storage.set(session);
    expect(JSON.parse(entries.get("edge-auth.session") ?? "")).toEqual(session);
    expect(await storage.get()).toEqual(session);
    entries.set("edge-auth.session", "{not json");
    expect(await storage.get()).toBeNull();
    entries.set("edge-auth.session", JSON.stringify({ accessToken: 1 }));
    expect(await storage.get()).toBeNull();
    await storage.clear();
    expect(entries.size).toBe(0);
    await secureStoreStorage(store, { key: "app.auth" }).set(session);
    expect([...entries.keys()]).toEqual(["app.auth"]);
  });
});

describe("@edge-auth/client parts", () => {
  it("computes the S256 challenge (RFC 7636 §4.2) as Node's own SHA-256 does", async () => {
    for (const verifier of ["a".repeat(43), randomBytes(32).toString("base64url")]) {
      const expected = createHash("sha256").update(verifier, "ascii").digest("base64url");
      expect(await pkceChallenge(verifier)).toBe(expected);
    }
  });

  it("reads the service's error body, the step-up max_age and Retry-After", async () => {
    const error = await errorFromResponse(
      new Response(
        JSON.stringify({ error: "insufficient_user_authentication", error_description: "again" }),
        {
          status: 401,
          headers: {
            "www-authenticate": 'Bearer error="insufficient_user_authentication", max_age="900"',
            "retry-after": "7",
          },
        },
      ),
    );
    expect(error).toMatchObject({
      name: "AuthApiError",
      code: "insufficient_user_authentication",
      status: 401,
      description: "again",
      maxAge: 900,
      retryAfter: 7,
    });
    const bare = await errorFromResponse(new Response("<html>", { status: 502 }));
    expect(bare).toMatchObject({ code: "http_502", status: 502, description: undefined });
  });

  it("signs the account's operations and leaves sign-in steps, mail tokens and key routes alone", () => {
    expect(authModeOf("GET", "/v1/me")).toBe("bearer");
    expect(authModeOf("delete", "/v1/sessions/{id}")).toBe("bearer");
    expect(authModeOf("POST", "/v1/login")).toBe("none");
    expect(authModeOf("POST", "/v1/token/refresh")).toBe("none");
    expect(authModeOf("POST", "/v1/introspect")).toBe("none");
    expect(authModeOf("GET", "/openapi.json")).toBe("none");
    expect(authModeOf("POST", "/v1/email/verify/resend")).toBe("optional");
  });

  // Guards the package's promise to run in browsers, React Native and Workers.
  it("bundles for a browser without any Node built-in", async () => {
    const result = await build({
      entryPoints: ["packages/client/src/index.ts", "packages/client/src/webauthn-browser.ts"],
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      outdir: "out",
      logLevel: "silent",
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((p) => p.startsWith("node:") || !/\.(m?js|ts)$/.test(p))).toEqual([]);
    expect(inputs.some((p) => p.includes("openapi-fetch"))).toBe(true);
  });
});
