import { describe, expect, it } from "vitest";
import { call, postJson } from "./helpers";

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

  it("marks every error no-store", async () => {
    expect((await call("/nope")).headers.get("cache-control")).toBe("no-store");
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
  });
});
