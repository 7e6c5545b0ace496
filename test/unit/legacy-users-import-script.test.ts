// scripts/users-import.ts: chunks within the service's bounds, file line
// numbers in the report, waiting out 429 without losing records.
import { describe, expect, it } from "vitest";
import { runImport, splitIntoChunks } from "../../scripts/users-import.ts";
import { MAX_IMPORT_RECORDS } from "../../src/features/legacy/import-bounds";

describe("splitIntoChunks", () => {
  it("uses the service's own bounds by default", () => {
    const chunks = splitIntoChunks("{}\n".repeat(MAX_IMPORT_RECORDS + 1));
    expect(chunks.map((c) => c.lines.length)).toEqual([MAX_IMPORT_RECORDS, 1]);
  });

  it("cuts at record and byte bounds, keeping the file's line numbers", () => {
    const text = '{"a":1}\r\n\n{"b":2}\n{"c":3}\n\n{"d":4}\n';
    expect(splitIntoChunks(text, 2, 1000)).toEqual([
      { body: '{"a":1}\n{"b":2}', lines: [1, 3] },
      { body: '{"c":3}\n{"d":4}', lines: [4, 6] },
    ]);
    const bySize = splitIntoChunks(text, 100, 17);
    expect(bySize.map((c) => c.lines)).toEqual([
      [1, 3],
      [4, 6],
    ]);
    for (const c of bySize) expect(Buffer.byteLength(c.body)).toBeLessThanOrEqual(17);
  });

  it("refuses a single line over the byte bound", () => {
    expect(() => splitIntoChunks(`{"x":"${"y".repeat(50)}"}`, 10, 20)).toThrow(/line 1/);
  });
});

describe("runImport", () => {
  it("posts each chunk, retries after 429, and reports rejected lines by file line", async () => {
    const text = ["{}", "", "{}", "{}"].join("\n");
    const bodies: string[] = [];
    let first = true;
    const fake = async (_url: URL | RequestInfo, init?: RequestInit) => {
      if (first) {
        first = false;
        return new Response("{}", { status: 429, headers: { "retry-after": "1" } });
      }
      bodies.push(String(init?.body));
      const n = String(init?.body).split("\n").length;
      const results = Array.from({ length: n }, (_, i) =>
        i === 1
          ? { line: i + 1, email: null, status: "rejected", reason: "invalid_email" }
          : { line: i + 1, email: "a@b.test", status: "created" },
      );
      return Response.json({ results });
    };
    const waits: number[] = [];
    const run = await runImport({
      text,
      baseUrl: "http://edge.test",
      adminKey: "k",
      path: "/v1/admin/users/import",
      fetch: fake as typeof fetch,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(waits).toEqual([1000]);
    expect(bodies).toEqual(["{}\n{}\n{}"]);
    expect(run.summary).toEqual({ created: 2, exists: 0, rejected: 1 });
    expect(run.rejected).toEqual([
      { line: 3, email: null, status: "rejected", reason: "invalid_email" },
    ]);
  });

  it("stops with the file line where a request failed", async () => {
    const fake = async () => new Response('{"error":"unauthorized"}', { status: 401 });
    await expect(
      runImport({
        text: "\n{}",
        baseUrl: "http://edge.test",
        adminKey: "k",
        path: "/v1/admin/users/import",
        fetch: fake as typeof fetch,
      }),
    ).rejects.toThrow(/file line 2: 401/);
  });
});
