// Property-based: arbitrary records at the admin imports and arbitrary keys and
// cookies at the exchange never produce a 5xx, and never echo a hash.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADMIN, call } from "./helpers";

const hashLike = fc.oneof(
  fc.string(),
  fc
    .constantFrom(
      "$2b$",
      "$2x$",
      "bcrypt$",
      "bcrypt_sha256$",
      "pbkdf2_sha256$",
      "argon2$",
      "$argon2id$v=19$",
    )
    .chain((prefix) => fc.string({ maxLength: 80 }).map((rest) => `${prefix}${rest}`)),
);

const record = fc.oneof(
  fc.jsonValue(),
  fc.record(
    {
      email: fc.oneof(fc.emailAddress(), fc.string(), fc.integer()),
      password_hash: hashLike,
      password_salt: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
      session_key_sha256: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.string()),
      expires_at: fc.oneof(
        fc.date().map((d) => (Number.isNaN(d.getTime()) ? "x" : d.toISOString())),
        fc.string(),
      ),
    },
    { requiredKeys: [] },
  ),
);

/** Never a 5xx; errors in the stable shape; the parsed body for more checks. */
async function cleanBody(res: Response): Promise<Record<string, unknown>> {
  expect(res.status).toBeLessThan(500);
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status >= 400) expect(typeof body.error).toBe("string");
  return body;
}

describe("legacy endpoints under arbitrary input", () => {
  it.each(["/v1/admin/users/import", "/v1/admin/legacy-sessions/import"])(
    "%s answers every batch of arbitrary records without a 5xx",
    async (path) => {
      await fc.assert(
        fc.asyncProperty(fc.array(record, { maxLength: 8 }), async (records) => {
          const res = await call(path, {
            method: "POST",
            headers: { ...ADMIN, "content-type": "application/x-ndjson" },
            body: records.map((r) => JSON.stringify(r) ?? "null").join("\n"),
          });
          const body = await cleanBody(res);
          if (res.status !== 200) return;
          // Hashes are never echoed (emails are, so skip hashes that hide inside one).
          const text = JSON.stringify(body);
          const emails = records.map((r) => JSON.stringify(r));
          for (const r of records) {
            const hash = (r as { password_hash?: unknown } | null)?.password_hash;
            if (typeof hash !== "string" || hash.length < 24) continue;
            const inEmail = emails.some((e) => e.includes(`"email":${JSON.stringify(hash)}`));
            if (!inEmail) expect(text).not.toContain(JSON.stringify(hash).slice(1, -1));
          }
        }),
        { numRuns: 25 },
      );
    },
  );

  it("POST /v1/legacy/exchange answers arbitrary keys, cookies and origins without a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.string({ maxLength: 600 })),
        fc.option(fc.string({ maxLength: 100 })),
        fc.option(fc.constantFrom("https://app.example.test", "null", "https://evil.test")),
        async (key, cookie, origin) => {
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (cookie !== null) headers.cookie = `sessionid=${encodeURIComponent(cookie)}`;
          if (origin !== null) headers.origin = origin;
          const res = await call("/v1/legacy/exchange", {
            method: "POST",
            headers,
            body: JSON.stringify(key === null ? {} : { session_key: key }),
          });
          await cleanBody(res);
          expect([400, 403]).toContain(res.status);
        },
      ),
      { numRuns: 40 },
    );
  });
});
