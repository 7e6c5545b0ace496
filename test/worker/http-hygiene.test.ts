import { describe, expect, it, vi } from "vitest";
import { call, callWithEnv, postJson, randomClientIp, uniqueEmail } from "./helpers";

describe("security headers", () => {
  it.each([
    ["a success", () => call("/health")],
    ["an error", () => call("/nope")],
    ["a validation failure", () => postJson("/v1/login", { email: 1 })],
  ])("are on %s", async (_name, make) => {
    const res = await make();
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=63072000");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9._:-]+$/);
  });

  it("sends none of the headers that only act on HTML documents or legacy browsers", async () => {
    const res = await call("/v1/me");
    for (const name of [
      "cross-origin-opener-policy",
      "origin-agent-cluster",
      "x-xss-protection",
      "x-dns-prefetch-control",
      "x-download-options",
      "x-permitted-cross-domain-policies",
    ]) {
      expect(res.headers.get(name), name).toBeNull();
    }
    expect(res.headers.get("cross-origin-resource-policy")).toBe("same-site");
  });

  it("marks every error no-store", async () => {
    expect((await call("/nope")).headers.get("cache-control")).toBe("no-store");
  });
});

describe("the error funnel", () => {
  // A refusal's reason is for the operator: one log line with the request id,
  // the public code and the reason, and neither the reason nor the input on the wire.
  it("logs a refusal's server-side reason, and never sends it", async () => {
    const lines = vi.spyOn(console, "log");
    const password = "short pw 1";
    const res = await postJson("/v1/register", { email: uniqueEmail("reason"), password });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).not.toContain("too_short");
    const requestId = res.headers.get("x-request-id");
    const logged = lines.mock.calls
      .map(([line]) => String(line))
      .filter((line) => line.includes('"request refused"'));
    expect(logged.map((line) => JSON.parse(line))).toContainEqual({
      requestId,
      error: "invalid_request",
      reason: "too_short",
      level: "info",
      msg: "request refused",
    });
    expect(logged.join("\n")).not.toContain(password);
  });
});

describe("CORS", () => {
  const preflight = (origin: string) =>
    call("/v1/token/refresh", {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });

  it("allows a configured origin with credentials", async () => {
    const res = await preflight("https://app.example.test");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.test");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
  });

  it("gives any other origin no CORS grant", async () => {
    const res = await preflight("https://evil.example");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const simple = await call("/health", { headers: { origin: "https://evil.example" } });
    expect(simple.headers.get("access-control-allow-origin")).toBeNull();
    const actual = await call("/.well-known/jwks.json", {
      headers: { origin: "https://evil.example" },
    });
    expect(actual.status).toBe(200);
    expect(actual.headers.get("access-control-allow-origin")).toBeNull();
    expect(actual.headers.get("access-control-allow-credentials")).toBeNull();
    expect(actual.headers.get("vary")).toContain("Origin");
  });

  // The grant of an actual request is set after the handler (src/middleware/cors.ts):
  // on a success, on a refusal the handler throws, and never more than once.
  it.each([
    ["a success", () => "/.well-known/jwks.json", 200],
    ["a refusal", () => "/v1/me", 401],
    ["an unknown path", () => "/nope", 404],
  ])("grants a configured origin on %s", async (_name, path, status) => {
    const res = await call(path(), { headers: { origin: "https://app.example.test" } });
    expect(res.status).toBe(status);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.test");
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
    expect(res.headers.get("vary")).toBe("Origin");
  });

  it("sends no grant to a request without an Origin, and still varies on it", async () => {
    const res = await call("/.well-known/jwks.json");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("vary")).toBe("Origin");
  });
});

// A new user's trial: a wrong method answered 404 like a typo in the path.
describe("a path that exists, with another method", () => {
  it.each([
    ["GET", "/v1/login", "POST"],
    ["DELETE", "/v1/register", "POST"],
    ["PUT", "/v1/token/refresh", "POST"],
    ["POST", "/.well-known/jwks.json", "GET, HEAD"],
  ])("%s %s answers 405 with Allow: %s", async (method, path, allow) => {
    const res = await call(path, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe(allow);
    expect(await res.json()).toEqual({
      error: "method_not_allowed",
      error_description: `use ${allow}`,
    });
  });

  it("asks a bearer-protected path for credentials first", async () => {
    expect((await call("/v1/sessions", { method: "PUT" })).status).toBe(401);
  });

  it("leaves a path that exists for no method a 404", async () => {
    expect((await call("/v1/logins", { method: "GET" })).status).toBe(404);
  });
});

// A new user's trial: an endpoint switched off by configuration answered 404
// `not_found`, exactly like a typo, with no word on what turns it on.
describe("a feature that is not configured", () => {
  it.each([
    [{ ADMIN_API_KEY: undefined }, "/v1/admin/stats", "GET", "ADMIN_API_KEY"],
    [{ INTROSPECTION_KEYS: undefined }, "/v1/introspect", "POST", "INTROSPECTION_KEYS"],
    [{ LEGACY_CUTOVER_AT: undefined }, "/v1/legacy/exchange", "POST", "LEGACY_CUTOVER_AT"],
    [{ EMAIL_API_KEY: undefined }, "/v1/password/forgot", "POST", "EMAIL_API_KEY"],
  ])("answers 404 not_configured naming the setting: %j", async (off, path, method, name) => {
    const res = await callWithEnv(off, path, {
      method,
      headers: { "content-type": "application/json", "cf-connecting-ip": randomClientIp() },
      body: method === "POST" ? "{}" : null,
    });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: string; error_description: string };
    expect(body.error).toBe("not_configured");
    expect(body.error_description).toContain(name);
  });
});
