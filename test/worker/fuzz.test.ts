// Property-based: arbitrary bodies, media types, bearer tokens, cookies and
// origins at every endpoint never produce a 5xx, a stack trace or an internal
// message; every error is the JSON shape with a stable code.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call } from "./helpers";

const ENDPOINTS: Array<[string, string]> = [
  ["GET", "/health"],
  ["GET", "/ready"],
  ["POST", "/v1/register"],
  ["POST", "/v1/login"],
  ["POST", "/v1/token/refresh"],
  ["POST", "/v1/logout"],
  ["POST", "/v1/logout-all"],
  ["GET", "/v1/me"],
  ["GET", "/v1/sessions"],
  ["DELETE", "/v1/sessions/AAAAAAAAAAAAAAAAAAAAAA"],
  ["POST", "/v1/introspect"],
  ["POST", "/v1/password/forgot"],
  ["POST", "/v1/password/reset"],
  ["POST", "/v1/password/change"],
  ["POST", "/v1/email/verify"],
  ["POST", "/v1/email/verify/resend"],
  ["POST", "/v1/email/change"],
  ["GET", "/.well-known/jwks.json"],
  ["GET", "/.well-known/paserk.json"],
  ["GET", "/v1/admin/audit/verify"],
  ["PUT", "/v1/login"],
];

const CODES = new Set([
  "invalid_request",
  "invalid_credentials",
  "invalid_grant",
  "invalid_origin",
  "invalid_token",
  "unauthorized",
  "email_taken",
  "not_found",
  "not_configured",
  "method_not_allowed",
  "unsupported_media_type",
  "payload_too_large",
  "too_many_requests",
]);

const printable = fc.string({
  unit: fc.constantFrom(
    ..." !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
  ),
  maxLength: 80,
});

const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        email: fc.oneof(fc.emailAddress(), fc.string(), fc.integer(), fc.constant(null)),
        password: fc.oneof(
          fc.string({ minLength: 0, maxLength: 40 }),
          fc.integer(),
          fc.array(fc.string()),
        ),
        refresh_token: fc.oneof(
          fc.string(),
          fc.constant(`${"A".repeat(22)}.${"B".repeat(43)}`),
          fc.integer(),
        ),
        token: fc.string(),
        token_transport: fc.oneof(fc.constant("cookie"), fc.constant("body"), fc.string()),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constant(""),
);

const contentType = fc.oneof(
  fc.constant("application/json"),
  fc.constant("application/json; charset=utf-8"),
  fc.constant("application/x-www-form-urlencoded"),
  fc.constant("text/plain"),
  fc.constant("multipart/form-data; boundary=x"),
  printable,
);

const authorization = fc.oneof(
  fc.constant(undefined),
  printable,
  printable.map((t) => `Bearer ${t}`),
  fc.constant("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."),
  fc.constant(`Bearer v4.public.${"A".repeat(100)}`),
);

const request = fc.record({
  endpoint: fc.constantFrom(...ENDPOINTS),
  body,
  contentType,
  authorization,
  cookie: fc.oneof(
    fc.constant(undefined),
    printable.map((v) => `__Host-refresh=${v}`),
  ),
  origin: fc.oneof(
    fc.constant(undefined),
    fc.constant("https://app.example.test"),
    fc.constant("null"),
    printable,
  ),
});

describe("every endpoint under arbitrary input", () => {
  it("never answers 5xx and never leaks internals", async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const [method, path] = r.endpoint;
        const headers: Record<string, string> = { "content-type": r.contentType };
        if (r.authorization !== undefined) headers.authorization = r.authorization;
        if (r.cookie !== undefined) headers.cookie = r.cookie;
        if (r.origin !== undefined) headers.origin = r.origin;
        const res = await call(path, {
          method,
          headers,
          ...(method === "GET" ? {} : { body: r.body }),
        });
        const text = await res.text();
        expect(res.status, `${method} ${path} → ${res.status}: ${text}`).toBeLessThan(500);
        expect(text).not.toMatch(
          /\bat .+\(.*:\d+:\d+\)|Error:|TypeError|ZodError|NeonDbError|stack/,
        );
        if (res.status >= 400) {
          const json = JSON.parse(text) as { error: string; error_description?: string };
          expect(CODES.has(json.error), json.error).toBe(true);
          expect(res.headers.get("cache-control")).toBe("no-store");
        }
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
